/* scanloop.c - many servers fetched at once by one epoll loop. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "monoclock.h"
#include "httpcache.h"
#include "lookup.h"
#include "msg.h"
#include "scanloop.h"
#include "scanwork.h"
#include "sock.h"
#include "starttls.h"
#include "tlsstep.h"

#define OUT_MAX		16384	/* bytes queued for one peer */

enum job_state {
	J_RESOLVING,
	J_CONNECTING,
	J_STARTTLS,
	J_TLS,
	J_DIAG,		/* with done, on the diagnosis thread */
	J_WAIT		/* for the downloads its diagnosis asked for */
};

struct job {
	size_t		 i;
	const struct target *t;
	enum job_state	 state;
	long long	 deadline;	/* CLOCK_MONOTONIC ms */
	int		 old;		/* this attempt allows TLS < 1.2 */
	struct conn	 c;
	struct fetch_result r, o;	/* the first attempt, the retry */
	struct fetch_result *cur;
	struct lookup	*lk;
	struct addrinfo	*res, *ai;	/* addresses; the one dialled */
	int		 res_async;	/* res comes from getaddrinfo_a */
	char		 all[400];	/* each address's failure */
	int		 tried;
	char		 phase[160];
	struct starttls	 st;
	struct tlsstep	*ts;
	char		 out[OUT_MAX];
	size_t		 outlen;
	uint32_t	 events;	/* what epoll watches */
	char		**wait;		/* J_WAIT: the URLs */
	int		 final;		/* J_DIAG: done may not wait */
	int		 left;		/* ms of the deadline left for done */
	int		 rc;		/* J_DIAG: what done answered */
	size_t		 host;
	struct job	*prev, *next;	/* active jobs, oldest first */
};

/* A host name's pending targets and its connections. */
struct host {
	size_t		*pending;	/* target indices, FIFO */
	size_t		 npending, head;
	int		 active;
	int		 ready;		/* in the ready queue */
};

struct loop {
	const struct target *const *t;
	size_t		 n, done_count;
	const struct scanloop_limits *lim;
	scanloop_done_fn *done;
	void		*arg;
	int		 ep;
	SSL_CTX		*ctx, *ctx_old;
	int		 level;
	struct host	*hosts;
	size_t		 nhosts;
	size_t		*ready;		/* hosts that may start one more */
	size_t		 rhead, rtail;	/* ring of nhosts + 1 */
	struct job	*first, *last;
	int		 active;
	long long	 next_start;	/* --rate */
	struct scanwork	*work;		/* runs done; NULL: the loop does */
	int		 diagnosing;	/* jobs in J_DIAG */
};

/* getaddrinfo_a()'s threads say "done" here; it lives as long as they. */
static int gai_efd = -1;
/* epoll's marks for httpcache_fd() and scanwork_fd(); jobs and gai_efd
 * (NULL) have theirs. */
static char downloads, diagnosed;

static void
gai_notify(union sigval sv)
{
	uint64_t one = 1;

	(void)sv;
	(void)!write(gai_efd, &one, sizeof(one));
}

/* --- hosts and the order of starts -------------------------------- */

static int
cmp_host(const void *a, const void *b, void *arg)
{
	const struct target *const *t = arg;
	const size_t *x = a, *y = b;
	int c = strcasecmp(t[*x]->connect_host, t[*y]->connect_host);

	return c != 0 ? c : (*x > *y) - (*x < *y);
}

/* Hosts in the order of their first target in the input. */
static int
cmp_first(const void *a, const void *b, void *arg)
{
	const struct host *hosts = arg;
	size_t x = hosts[*(const size_t *)a].pending[0];
	size_t y = hosts[*(const size_t *)b].pending[0];

	return (x > y) - (x < y);
}

static void
ready_push(struct loop *l, size_t h)
{
	l->hosts[h].ready = 1;
	l->ready[l->rtail] = h;
	l->rtail = (l->rtail + 1) % (l->nhosts + 1);
}

/* Group the targets by host name, each group in input order. */
static void
hosts_init(struct loop *l)
{
	size_t *ord = xcalloc(l->n, sizeof(*ord)), i, h = 0, k;

	for (i = 0; i < l->n; i++)
		ord[i] = i;
	qsort_r(ord, l->n, sizeof(*ord), cmp_host, (void *)l->t);
	l->hosts = xcalloc(l->n, sizeof(*l->hosts));
	for (i = 0; i < l->n; i = k) {
		for (k = i + 1; k < l->n && strcasecmp(
		    l->t[ord[k]]->connect_host,
		    l->t[ord[i]]->connect_host) == 0; k++)
			;
		l->hosts[h].pending = xcalloc(k - i, sizeof(size_t));
		memcpy(l->hosts[h].pending, ord + i, (k - i) * sizeof(size_t));
		l->hosts[h].npending = k - i;
		h++;
	}
	l->nhosts = h;
	l->ready = xcalloc(h + 1, sizeof(*l->ready));
	/* Start with the host of the first target, and so on. */
	for (i = 0; i < h; i++)
		ord[i] = i;
	qsort_r(ord, h, sizeof(*ord), cmp_first, l->hosts);
	for (i = 0; i < h; i++)
		ready_push(l, ord[i]);
	free(ord);
}

static void
hosts_free(struct loop *l)
{
	size_t h;

	for (h = 0; h < l->nhosts; h++)
		free(l->hosts[h].pending);
	free(l->hosts);
	free(l->ready);
}

/* --- one job -------------------------------------------------------- */

static void
list_remove(struct loop *l, struct job *j)
{
	if (j->prev != NULL)
		j->prev->next = j->next;
	else
		l->first = j->next;
	if (j->next != NULL)
		j->next->prev = j->prev;
	else
		l->last = j->prev;
}

static void
watch(struct loop *l, struct job *j, uint32_t events)
{
	struct epoll_event ev;

	if (j->c.fd < 0 || events == j->events)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = j;
	if (epoll_ctl(l->ep, j->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD,
	    j->c.fd, &ev) == 0)
		j->events = events;
}

static void
close_fd(struct loop *l, struct job *j)
{
	if (j->c.fd >= 0) {
		(void)epoll_ctl(l->ep, EPOLL_CTL_DEL, j->c.fd, NULL);
		conn_close(&j->c);
	}
	j->events = 0;
	j->c.len = 0;
	j->outlen = 0;
}

/* The connection ends: free it, let another start. */
static void
release(struct loop *l, struct job *j)
{
	struct host *h = &l->hosts[j->host];

	if (j->ts != NULL) {
		tlsstep_free(j->ts);
		j->ts = NULL;
	}
	close_fd(l, j);
	lookup_drop(j->lk);
	j->lk = NULL;
	if (j->res != NULL)
		freeaddrinfo(j->res);
	j->res = NULL;
	l->active--;
	h->active--;
	if (!h->ready && h->head < h->npending)
		ready_push(l, j->host);
}

/*
 * On the diagnosis thread: done for j, downloads that its diagnosis asks
 * for starting in the background (j->wait: their URLs).
 */
static void
run_done(void *item, void *arg)
{
	struct job *j = item;
	struct loop *l = arg;
	long long left = j->final ? 0 : j->deadline - mono_ms();

	j->left = left > 0 ? (int)left : 0;
	httpcache_set_miss(j->left > 0 ? HTTPCACHE_LATER : HTTPCACHE_NEVER,
	    j->left);
	j->rc = l->done(l->arg, j->i, &j->r, j->old ? &j->o : NULL, j->left);
	j->wait = httpcache_take_misses();
	httpcache_set_miss(HTTPCACHE_FETCH, 0);
}

static void diagnosed_one(struct loop *, struct job *);

/* Hand j to done; with final, or past the deadline, with no download. */
static void
report(struct loop *l, struct job *j, int final)
{
	static const enum target_reach reached[] = {
		[J_RESOLVING] = REACH_NOTHING, [J_CONNECTING] = REACH_RESOLVED,
		[J_STARTTLS] = REACH_CONNECTED, [J_TLS] = REACH_TLS
	};

	httpcache_urls_free(j->wait);
	j->wait = NULL;
	j->final = final;
	if (j->state <= J_TLS)
		j->cur->reached = reached[j->state];
	j->state = J_DIAG;
	l->diagnosing++;
	if (l->work != NULL) {
		scanwork_submit(l->work, j);
		return;
	}
	run_done(j, l);
	diagnosed_one(l, j);
}

/* done answered for j: it waits for its downloads, or it has ended. */
static void
diagnosed_one(struct loop *l, struct job *j)
{
	l->diagnosing--;
	if (j->rc == SCANLOOP_WAIT) {
		if (j->wait == NULL || j->left == 0 ||
		    j->deadline <= mono_ms())
			report(l, j, 1);
		else if (httpcache_settled(j->wait))
			report(l, j, 0);
		else
			j->state = J_WAIT;
		return;
	}
	list_remove(l, j);
	l->done_count++;
	httpcache_urls_free(j->wait);
	fetch_result_clear(&j->r);
	fetch_result_clear(&j->o);
	free(j);
}

/* The diagnosis thread finished jobs. */
static void
diagnoses_done(struct loop *l)
{
	struct job *j;

	while ((j = scanwork_take(l->work)) != NULL)
		diagnosed_one(l, j);
}

/* The job's network part ends. */
static void
finish(struct loop *l, struct job *j)
{
	release(l, j);
	report(l, j, 0);
}

/* Downloads ended: the jobs that waited for them go on. */
static void
downloads_done(struct loop *l)
{
	struct job *j, *next;

	if (httpcache_poll() == 0)
		return;
	for (j = l->first; j != NULL; j = next) {
		next = j->next;
		if (j->state == J_WAIT && httpcache_settled(j->wait))
			report(l, j, 0);
	}
}

/* Send what is queued.  Returns 0, or -1 with the error set. */
static int
flush(struct loop *l, struct job *j)
{
	ssize_t w;

	while (j->ts != NULL && j->outlen < sizeof(j->out) &&
	    tlsstep_pending(j->ts))
		j->outlen += tlsstep_drain(j->ts, j->out + j->outlen,
		    sizeof(j->out) - j->outlen);
	while (j->outlen > 0) {
		w = send(j->c.fd, j->out, j->outlen, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w < 0) {
			conn_fail(&j->c, "cannot send to %s port %u: %s",
			    j->c.address, j->c.port, strerror(errno));
			return -1;
		}
		memmove(j->out, j->out + w, j->outlen - (size_t)w);
		j->outlen -= (size_t)w;
	}
	watch(l, j, EPOLLIN | (j->outlen > 0 ? EPOLLOUT : 0));
	return 0;
}

static void connect_next(struct loop *, struct job *);

/* The attempt failed: retry with old protocols, or report. */
static void
attempt_failed(struct loop *l, struct job *j)
{
	if (!j->old && j->state == J_TLS &&
	    j->c.handshake_failed &&
	    j->deadline > mono_ms() && j->res != NULL) {
		tlsstep_free(j->ts);
		j->ts = NULL;
		close_fd(l, j);
		j->cur->reached = REACH_TLS;
		j->old = 1;
		j->cur = &j->o;
		j->o.security_level = l->level;
		j->c.err = j->o.error;
		j->c.errlen = sizeof(j->o.error);
		j->c.handshake_failed = 0;
		j->ai = j->res;
		j->tried = 0;
		j->all[0] = '\0';
		connect_next(l, j);
		return;
	}
	if (j->cur->chain != NULL) {
		certlist_free(j->cur->chain);
		j->cur->chain = NULL;
	}
	finish(l, j);
}

/* The handshake went as far as it could: done, failed, or waiting. */
static void
tls_result(struct loop *l, struct job *j, int st)
{
	if (st == TLSSTEP_WANT_READ) {
		if (flush(l, j) != 0) {
			if (tlsstep_failed(j->ts, &j->c, 1) != TLSSTEP_CERT) {
				attempt_failed(l, j);
				return;
			}
			st = TLSSTEP_CERT;
		} else
			return;
	}
	if (st == TLSSTEP_ERROR ||
	    tlsstep_collect(j->ts, &j->c, j->cur) != 0) {
		attempt_failed(l, j);
		return;
	}
	j->cur->error[0] = '\0';
	/* Say goodbye politely; a failure here changes nothing. */
	tlsstep_goodbye(j->ts);
	(void)flush(l, j);
	finish(l, j);
}

/*
 * STARTTLS is done (or not needed): begin the handshake.  Nothing of the
 * server is buffered: starttls_step() refuses bytes behind its answer.
 */
static void
tls_begin(struct loop *l, struct job *j)
{
	j->state = J_TLS;
	j->c.phase = "during the TLS handshake";
	j->ts = tlsstep_new(j->old ? l->ctx_old : l->ctx, j->t, &j->c, j->cur);
	if (j->ts == NULL) {
		finish(l, j);
		return;
	}
	tls_result(l, j, tlsstep_step(j->ts, &j->c));
}

/* Queue line with CR LF.  Returns 0, or -1 with the error set. */
static int
queue_line(struct job *j, const char *line)
{
	size_t n = strlen(line);

	if (j->outlen + n + 2 > sizeof(j->out)) {
		conn_fail(&j->c, "the server does not read what we send %s",
		    j->c.phase);
		return -1;
	}
	memcpy(j->out + j->outlen, line, n);
	memcpy(j->out + j->outlen + n, "\r\n", 2);
	j->outlen += n + 2;
	return 0;
}

/* Each complete line of the dialogue.  Returns 1 when it is done. */
static int
dialogue_lines(struct loop *l, struct job *j, int *failed)
{
	char line[SOCK_MAX_LINE + 1], out[STARTTLS_MAX_OUT];
	char *nl;
	size_t n;
	int rc;

	while ((nl = memchr(j->c.buf, '\n', j->c.len)) != NULL) {
		n = (size_t)(nl - j->c.buf);
		memcpy(line, j->c.buf, n);
		line[n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		j->c.len -= n + 1;
		memmove(j->c.buf, nl + 1, j->c.len);
		rc = starttls_step(&j->st, &j->c, line, out, sizeof(out));
		if (rc == STARTTLS_DONE)
			return 1;
		if (rc == STARTTLS_FAIL) {
			/* A goodbye, when polite, best effort. */
			if (out[0] != '\0' && j->outlen + strlen(out) + 2 <=
			    sizeof(j->out)) {
				memcpy(j->out + j->outlen, out, strlen(out));
				j->outlen += strlen(out);
				memcpy(j->out + j->outlen, "\r\n", 2);
				j->outlen += 2;
				(void)send(j->c.fd, j->out, j->outlen,
				    MSG_NOSIGNAL | MSG_DONTWAIT);
			}
			*failed = 1;
			return 0;
		}
		if (rc == STARTTLS_SEND && (queue_line(j, out) != 0 ||
		    flush(l, j) != 0)) {
			*failed = 1;
			return 0;
		}
	}
	if (j->c.len == sizeof(j->c.buf)) {
		conn_fail(&j->c, "the server sent a line longer than %d "
		    "bytes %s", SOCK_MAX_LINE, j->c.phase);
		*failed = 1;
	}
	return 0;
}

/* Bytes of the server during the plain-text dialogue. */
static void
dialogue_read(struct loop *l, struct job *j)
{
	ssize_t r;
	int failed = 0;

	r = recv(j->c.fd, j->c.buf + j->c.len, sizeof(j->c.buf) - j->c.len,
	    0);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r == 0)
		conn_fail(&j->c, "the server closed the connection %s",
		    j->c.phase);
	else if (r < 0 && errno == ECONNRESET)
		conn_fail(&j->c, "the server reset the connection %s",
		    j->c.phase);
	else if (r < 0)
		conn_fail(&j->c, "cannot receive from %s port %u: %s",
		    j->c.address, j->c.port, strerror(errno));
	if (r <= 0) {
		finish(l, j);
		return;
	}
	j->c.len += (size_t)r;
	if (dialogue_lines(l, j, &failed))
		tls_begin(l, j);
	else if (failed)
		finish(l, j);
}

/* Bytes of the server during the handshake. */
static void
tls_read(struct loop *l, struct job *j)
{
	char buf[16384];
	ssize_t r;

	r = recv(j->c.fd, buf, sizeof(buf), 0);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r < 0 && errno == ECONNRESET)
		conn_fail(&j->c, "the server reset the connection %s",
		    j->c.phase);
	else if (r < 0)
		conn_fail(&j->c, "cannot receive from %s port %u: %s",
		    j->c.address, j->c.port, strerror(errno));
	if (r < 0 || tlsstep_feed(j->ts, &j->c, buf, (size_t)r) != 0) {
		if (tlsstep_failed(j->ts, &j->c, 1) == TLSSTEP_CERT)
			tls_result(l, j, TLSSTEP_CERT);
		else
			attempt_failed(l, j);
		return;
	}
	tls_result(l, j, tlsstep_step(j->ts, &j->c));
}

/* The socket connected: speak. */
static void
connected(struct loop *l, struct job *j)
{
	if (starttls_needed(j->t->proto)) {
		j->state = J_STARTTLS;
		starttls_begin(&j->st, &j->c, j->t->proto);
		watch(l, j, EPOLLIN);
		return;
	}
	tls_begin(l, j);
}

/* After the last address failed: the sentence of every failure. */
static void
no_address_left(struct loop *l, struct job *j)
{
	char *e;

	if (j->tried > 1) {
		e = msg_escape(j->t->connect_host);
		conn_fail(&j->c, "cannot connect to %s port %u: %s", e,
		    j->t->connect_port, j->all);
		free(e);
	} else
		conn_fail(&j->c, "%s", j->all);
	if (j->old)
		attempt_failed(l, j);
	else
		finish(l, j);
}

/* Dial the next address of the target, or report that none answered. */
static void
connect_next(struct loop *l, struct job *j)
{
	char why[256];
	int fd;

	for (; j->ai != NULL; j->ai = j->ai->ai_next) {
		if (getnameinfo(j->ai->ai_addr, j->ai->ai_addrlen,
		    j->c.address, sizeof(j->c.address), NULL, 0,
		    NI_NUMERICHOST) != 0)
			snprintf(j->c.address, sizeof(j->c.address), "?");
		j->c.port = j->t->connect_port;
		snprintf(j->phase, sizeof(j->phase), "while connecting to %s "
		    "port %u", j->c.address, j->c.port);
		j->c.phase = j->phase;
		fd = socket(j->ai->ai_family, j->ai->ai_socktype |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, j->ai->ai_protocol);
		if (fd < 0) {
			conn_connect_error(why, sizeof(why), j->c.address,
			    j->c.port, errno);
			conn_add_reason(j->all, sizeof(j->all), why,
			    j->tried++);
			continue;
		}
		j->c.fd = fd;
		j->state = J_CONNECTING;
		if (connect(fd, j->ai->ai_addr, j->ai->ai_addrlen) == 0 ||
		    errno == EINPROGRESS) {
			watch(l, j, EPOLLOUT);
			return;
		}
		conn_connect_error(why, sizeof(why), j->c.address, j->c.port,
		    errno);
		conn_add_reason(j->all, sizeof(j->all), why, j->tried++);
		close_fd(l, j);
	}
	no_address_left(l, j);
}

/* The socket became writable while connecting: did it connect? */
static void
connect_done(struct loop *l, struct job *j)
{
	socklen_t len = sizeof(int);
	char why[256];
	int e = 0;

	if (getsockopt(j->c.fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
		e = errno;
	/* Connected, then hung up at once: what it sent tells more. */
	if (e == ECONNRESET || e == EPIPE)
		e = 0;
	if (e == 0) {
		connected(l, j);
		return;
	}
	conn_connect_error(why, sizeof(why), j->c.address, j->c.port, e);
	conn_add_reason(j->all, sizeof(j->all), why, j->tried++);
	close_fd(l, j);
	j->ai = j->ai->ai_next;
	connect_next(l, j);
}

/* The lookup answered (gai: its result). */
static void
resolved(struct loop *l, struct job *j, int gai)
{
	char *e;

	if (gai != 0) {
		e = msg_escape(j->t->connect_host);
		conn_fail(&j->c, "cannot resolve %s: %s", e,
		    gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
		free(e);
		finish(l, j);
		return;
	}
	j->ai = j->res;
	connect_next(l, j);
}

/* Start the lookup: numeric addresses at once, names in the background. */
static void
resolve(struct loop *l, struct job *j)
{
	struct addrinfo hints;
	struct sigevent sev;
	char service[16], *e;
	int gai;

	e = msg_escape(j->t->connect_host);
	snprintf(j->phase, sizeof(j->phase), "while resolving %s", e);
	free(e);
	j->c.phase = j->phase;
	j->state = J_RESOLVING;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	snprintf(service, sizeof(service), "%u", j->t->connect_port);
	if (getaddrinfo(j->t->connect_host, service, &hints, &j->res) == 0) {
		resolved(l, j, 0);
		return;
	}
	j->res = NULL;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = gai_notify;
	if ((j->lk = lookup_start(j->t->connect_host, j->t->connect_port,
	    &sev, &gai)) == NULL)
		resolved(l, j, gai);
}

/* Lookups that finished since the last look. */
static void
lookups_done(struct loop *l)
{
	struct job *j, *next;
	uint64_t v;
	int gai;

	(void)!read(gai_efd, &v, sizeof(v));
	for (j = l->first; j != NULL; j = next) {
		next = j->next;
		if (j->state != J_RESOLVING || j->lk == NULL ||
		    (gai = lookup_result(j->lk, &j->res)) == EAI_INPROGRESS)
			continue;
		lookup_drop(j->lk);
		j->lk = NULL;
		resolved(l, j, gai);
	}
}

/* Start the next target whose host has room, if the limits allow. */
static int
start_one(struct loop *l, long long now)
{
	struct job *j;
	struct host *h;
	size_t hi;

	/* Diagnoses behind too: a new connection would wait for them. */
	if (l->active >= l->lim->concurrency || l->rhead == l->rtail ||
	    l->diagnosing >= l->lim->concurrency)
		return 0;
	if (l->lim->rate > 0 && now < l->next_start)
		return 0;
	hi = l->ready[l->rhead];
	l->rhead = (l->rhead + 1) % (l->nhosts + 1);
	h = &l->hosts[hi];
	h->ready = 0;
	j = xcalloc(1, sizeof(*j));
	j->i = h->pending[h->head++];
	j->t = l->t[j->i];
	j->host = hi;
	j->deadline = now + l->lim->timeout_ms;
	j->cur = &j->r;
	j->r.security_level = l->level;
	conn_init(&j->c, l->lim->timeout_ms, j->r.error, sizeof(j->r.error));
	/* Deadlines grow with the start time: the list stays sorted. */
	j->prev = l->last;
	if (l->last != NULL)
		l->last->next = j;
	else
		l->first = j;
	l->last = j;
	l->active++;
	h->active++;
	if (h->head < h->npending && h->active < l->lim->per_host)
		ready_push(l, hi);
	if (l->lim->rate > 0)
		l->next_start = (l->next_start > now ? l->next_start : now) +
		    (long long)(1000.0 / l->lim->rate);
	resolve(l, j);
	return 1;
}

/* Every job whose deadline passed ends with "timed out". */
static void
expire(struct loop *l, long long now)
{
	struct job *j, *next;

	for (j = l->first; j != NULL && j->deadline <= now; j = next) {
		next = j->next;
		if (j->state == J_DIAG)
			continue;
		if (j->state != J_WAIT) {
			conn_timed_out(&j->c);
			release(l, j);
		}
		report(l, j, 1);
	}
}

/* The first deadline of a job the loop itself must end. */
static struct job *
next_deadline(struct loop *l)
{
	struct job *j;

	for (j = l->first; j != NULL && j->state == J_DIAG; j = j->next)
		;
	return j;
}

static void
event(struct loop *l, struct job *j, uint32_t ev)
{
	if (j->state == J_CONNECTING) {
		connect_done(l, j);
		return;
	}
	if ((ev & EPOLLOUT) && j->outlen > 0 && flush(l, j) != 0) {
		if (j->state == J_TLS &&
		    tlsstep_failed(j->ts, &j->c, 1) == TLSSTEP_CERT)
			tls_result(l, j, TLSSTEP_CERT);
		else if (j->state == J_TLS)
			attempt_failed(l, j);
		else
			finish(l, j);
		return;
	}
	if ((ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) == 0)
		return;
	if (j->state == J_STARTTLS)
		dialogue_read(l, j);
	else if (j->state == J_TLS)
		tls_read(l, j);
}

/* How long epoll may sleep: to the next deadline or start. */
static int
wait_ms(struct loop *l, long long now)
{
	struct job *j = next_deadline(l);
	long long w = 1000;

	if (j != NULL && j->deadline - now < w)
		w = j->deadline - now;
	if (l->lim->rate > 0 && l->rhead != l->rtail &&
	    l->active < l->lim->concurrency && l->next_start - now < w)
		w = l->next_start - now;
	return w > 0 ? (int)w : 0;
}

static int
loop_init(struct loop *l)
{
	struct epoll_event ev;
	struct conn c;
	char err[512] = "";

	conn_init(&c, 0, err, sizeof(err));
	if ((l->ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		msg_error("epoll: %s", strerror(errno));
		return -1;
	}
	if (gai_efd < 0 && (gai_efd = eventfd(0, EFD_NONBLOCK |
	    EFD_CLOEXEC)) < 0) {
		msg_error("eventfd: %s", strerror(errno));
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, gai_efd, &ev) != 0) {
		msg_error("epoll: %s", strerror(errno));
		return -1;
	}
	ev.data.ptr = &downloads;
	if (httpcache_fd() < 0)
		return -1;
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, httpcache_fd(), &ev) != 0) {
		msg_error("epoll: %s", strerror(errno));
		return -1;
	}
	/* Without the thread the loop diagnoses, as it did before. */
	ev.data.ptr = &diagnosed;
	if ((l->work = scanwork_start(run_done, l)) != NULL &&
	    epoll_ctl(l->ep, EPOLL_CTL_ADD, scanwork_fd(l->work), &ev) != 0) {
		scanwork_free(l->work);
		l->work = NULL;
	}
	if ((l->ctx = tlsstep_ctx_new(0, &c, &l->level)) == NULL ||
	    (l->ctx_old = tlsstep_ctx_new(FETCH_ALLOW_OLD, &c,
	    &(int){ 0 })) == NULL) {
		msg_error("%s", err);
		return -1;
	}
	hosts_init(l);
	return 0;
}

int
scanloop_run(const struct target *const *t, size_t n,
    const struct scanloop_limits *lim, scanloop_done_fn *done, void *arg)
{
	struct epoll_event evs[256];
	struct scanwork *w;
	struct job *j;
	struct loop l;
	long long now;
	int i, k, rc = -1;

	memset(&l, 0, sizeof(l));
	l.t = t;
	l.n = n;
	l.lim = lim;
	l.done = done;
	l.arg = arg;
	l.ep = -1;
	if (n == 0)
		return 0;
	if (loop_init(&l) != 0)
		goto out;
	while (l.done_count < n) {
		now = mono_ms();
		while (start_one(&l, now))
			;
		k = epoll_wait(l.ep, evs, 256, wait_ms(&l, now));
		if (k < 0 && errno != EINTR) {
			msg_error("epoll: %s", strerror(errno));
			goto out;
		}
		for (i = 0; i < k; i++) {
			if (evs[i].data.ptr == NULL)
				lookups_done(&l);
			else if (evs[i].data.ptr == &downloads)
				downloads_done(&l);
			else if (evs[i].data.ptr == &diagnosed)
				diagnoses_done(&l);
			else
				event(&l, evs[i].data.ptr, evs[i].events);
		}
		expire(&l, mono_ms());
	}
	rc = 0;
out:
	/* What the thread holds comes back; the loop ends the rest. */
	if ((w = l.work) != NULL) {
		scanwork_stop(w);
		l.work = NULL;
		while ((j = scanwork_take(w)) != NULL)
			diagnosed_one(&l, j);
		scanwork_free(w);
	}
	while (l.first != NULL) {
		if (l.first->state != J_WAIT) {
			snprintf(l.first->cur->error,
			    sizeof(l.first->cur->error), "the scan stopped");
			release(&l, l.first);
		}
		report(&l, l.first, 1);
	}
	httpcache_stop();
	if (l.hosts != NULL)
		hosts_free(&l);
	SSL_CTX_free(l.ctx);
	SSL_CTX_free(l.ctx_old);
	if (l.ep >= 0)
		close(l.ep);
	return rc;
}

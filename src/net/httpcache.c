/* httpcache.c - http GET answers by URL, fetched now or in the background. */
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "monoclock.h"
#include "httpcache.h"
#include "httpget.h"
#include "msg.h"

/*
 * One background download.  Its thread alone writes it until done is
 * set; the loop's thread reads it only after seeing done and joining.
 */
struct job {
	char		*url;
	int		 timeout_ms;
	unsigned char	*body;
	size_t		 len;
	int		 rc;
	char		 err[512];
	int		 done;
	pthread_t	 th;
};

enum estate {
	E_ANSWERED,
	E_QUEUED,
	E_RUNNING
};

struct entry {
	char		*url;
	enum estate	 state;
	unsigned char	*body;		/* NULL: the GET failed, err says */
	size_t		 len;
	char		*err;
	long long	 deadline;	/* ms: a queued download's end */
	struct job	*job;		/* while running */
};

/*
 * The cache is the run's, under lock: a scan's loop takes in downloads
 * while its diagnosis thread asks.  How a miss is treated, and the misses
 * of the calls since, are each thread's own.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int enabled;
static struct entry **cache;
static size_t ncache, bytes;
static _Thread_local enum httpcache_miss miss_mode = HTTPCACHE_FETCH;
static _Thread_local int miss_timeout_ms;
static _Thread_local char **misses;
static _Thread_local size_t nmisses;
static int efd = -1;
static int running;

void
httpcache_enable(void)
{
	enabled = 1;
}

static struct entry *
find(const char *url)
{
	size_t i;

	for (i = 0; i < ncache; i++)
		if (strcmp(cache[i]->url, url) == 0)
			return cache[i];
	return NULL;
}

static struct entry *
add(const char *url, enum estate state)
{
	struct entry *e;

	if (ncache == HTTPCACHE_MAX_ENTRIES)
		return NULL;
	cache = xrealloc(cache, (ncache + 1) * sizeof(*cache));
	e = xcalloc(1, sizeof(*e));
	e->url = xstrdup(url);
	e->state = state;
	cache[ncache++] = e;
	return e;
}

/* Forget cache[i]: a later question asks the server again. */
static void
drop(size_t i)
{
	struct entry *e = cache[i];

	bytes -= e->body != NULL ? e->len : 0;
	free(e->url);
	free(e->body);
	free(e->err);
	free(e);
	cache[i] = cache[--ncache];
}

/* An answer (body, or err) for e, within the limit of bytes kept. */
static void
answer(struct entry *e, unsigned char *body, size_t len, const char *err)
{
	e->state = E_ANSWERED;
	if (body != NULL && bytes + len > HTTPCACHE_MAX_BYTES) {
		free(body);
		body = NULL;
		err = "not kept: the downloads of this run fill the cache";
	}
	e->body = body;
	e->len = body != NULL ? len : 0;
	e->err = body == NULL ? xstrdup(err) : NULL;
	bytes += e->len;
}

static void
keep(const char *url, const unsigned char *body, size_t len, const char *err)
{
	unsigned char *copy = NULL;
	struct entry *e;

	if ((e = add(url, E_ANSWERED)) == NULL)
		return;
	if (body != NULL) {
		copy = xmalloc(len + 1);
		memcpy(copy, body, len);
	}
	answer(e, copy, len, err);
}

static void *
run(void *arg)
{
	struct job *jb = arg;
	uint64_t one = 1;

	jb->rc = httpget(jb->url, NULL, NULL, 0, jb->timeout_ms, &jb->body,
	    &jb->len, jb->err, sizeof(jb->err));
	__atomic_store_n(&jb->done, 1, __ATOMIC_RELEASE);
	(void)!write(efd, &one, sizeof(one));
	return NULL;
}

/* Start the queued downloads, oldest first, while threads are free. */
static void
start_queued(void)
{
	struct entry *e;
	struct job *jb;
	long long left;
	size_t i;

	for (i = 0; i < ncache && running < HTTPCACHE_MAX_THREADS; ) {
		e = cache[i];
		if (e->state != E_QUEUED) {
			i++;
			continue;
		}
		if ((left = e->deadline - mono_ms()) <= 0) {
			drop(i);
			continue;
		}
		jb = xcalloc(1, sizeof(*jb));
		jb->url = xstrdup(e->url);
		jb->timeout_ms = (int)left;
		if ((errno = pthread_create(&jb->th, NULL, run, jb)) != 0) {
			answer(e, NULL, 0, strerror(errno));
			free(jb->url);
			free(jb);
			/* Its askers learn it as they would an answer. */
			(void)!write(efd, &(uint64_t){ 1 }, sizeof(uint64_t));
			continue;
		}
		e->job = jb;
		e->state = E_RUNNING;
		running++;
		i++;
	}
}

/* The download of cache[i] ended: keep its answer.  1 if dropped. */
static int
settle(size_t i)
{
	struct entry *e = cache[i];
	struct job *jb = e->job;
	int dropped = 0;

	(void)pthread_join(jb->th, NULL);
	running--;
	e->job = NULL;
	/* A timeout may be the asker's short deadline: ask again later. */
	if (jb->rc == HTTPGET_TIMED_OUT) {
		drop(i);
		dropped = 1;
	} else
		answer(e, jb->rc == 0 ? jb->body : NULL, jb->len, jb->err);
	if (dropped)
		free(jb->body);
	free(jb->url);
	free(jb);
	return dropped;
}

static void
misses_clear(void)
{
	httpcache_urls_free(misses);
	misses = NULL;
	nmisses = 0;
}

void
httpcache_set_miss(enum httpcache_miss m, int timeout_ms)
{
	misses_clear();
	miss_mode = m;
	miss_timeout_ms = timeout_ms;
}

static void
add_miss(const char *url)
{
	size_t i;

	for (i = 0; i < nmisses; i++)
		if (strcmp(misses[i], url) == 0)
			return;
	misses = xrealloc(misses, (nmisses + 2) * sizeof(*misses));
	misses[nmisses++] = xstrdup(url);
	misses[nmisses] = NULL;
}

/* HTTPCACHE_LATER: queue url (or let its download end later). */
static int
later(struct entry *e, const char *url, char *err, size_t errlen)
{
	long long end = mono_ms() + miss_timeout_ms;

	if (e == NULL && (e = add(url, E_QUEUED)) == NULL) {
		snprintf(err, errlen, "not fetched: more than %d URLs in "
		    "this run", HTTPCACHE_MAX_ENTRIES);
		return -1;
	}
	if (e->state == E_QUEUED && e->deadline < end)
		e->deadline = end;
	add_miss(url);
	start_queued();
	snprintf(err, errlen, "not fetched yet");
	return -1;
}

/* The answer held for url, or a miss treated as miss_mode says. */
static int
lookup(const char *url, unsigned char **resp, size_t *resp_len, char *err,
    size_t errlen)
{
	struct entry *e = enabled ? find(url) : NULL;

	if (e != NULL && e->state == E_ANSWERED) {
		if (e->body == NULL) {
			snprintf(err, errlen, "%s", e->err);
			return -1;
		}
		*resp = xmalloc(e->len + 1);
		memcpy(*resp, e->body, e->len);
		*resp_len = e->len;
		return 0;
	}
	if (enabled && miss_mode == HTTPCACHE_NEVER) {
		snprintf(err, errlen, "not fetched: out of time");
		return -1;
	}
	if (enabled && miss_mode == HTTPCACHE_LATER)
		return later(e, url, err, errlen);
	return 1;
}

int
httpcache_get(const char *url, int timeout_ms, unsigned char **resp,
    size_t *resp_len, char *err, size_t errlen)
{
	int rc;

	*resp = NULL;
	*resp_len = 0;
	pthread_mutex_lock(&lock);
	rc = lookup(url, resp, resp_len, err, errlen);
	pthread_mutex_unlock(&lock);
	if (rc <= 0)
		return rc;
	/* Fetched now, without the lock: nobody waits for this one. */
	rc = httpget(url, NULL, NULL, 0, timeout_ms, resp, resp_len, err,
	    errlen);
	pthread_mutex_lock(&lock);
	if (enabled && find(url) == NULL) {
		if (rc == 0)
			keep(url, *resp, *resp_len, NULL);
		else if (rc != HTTPGET_TIMED_OUT)
			keep(url, NULL, 0, err);
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

char **
httpcache_take_misses(void)
{
	char **m = misses;

	misses = NULL;
	nmisses = 0;
	return m;
}

size_t
httpcache_missed(void)
{
	return nmisses;
}

void
httpcache_urls_free(char **urls)
{
	char **u;

	for (u = urls; u != NULL && *u != NULL; u++)
		free(*u);
	free(urls);
}

int
httpcache_settled(char *const *urls)
{
	const struct entry *e;
	int settled = 1;

	pthread_mutex_lock(&lock);
	for (; settled && urls != NULL && *urls != NULL; urls++)
		if ((e = find(*urls)) != NULL && e->state != E_ANSWERED)
			settled = 0;
	pthread_mutex_unlock(&lock);
	return settled;
}

int
httpcache_fd(void)
{
	if (efd < 0 && (efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		msg_error("eventfd: %s", strerror(errno));
	return efd;
}

int
httpcache_poll(void)
{
	uint64_t v;
	size_t i;
	int ended = 0;

	if (efd >= 0)
		(void)!read(efd, &v, sizeof(v));
	pthread_mutex_lock(&lock);
	for (i = 0; i < ncache; ) {
		if (cache[i]->state != E_RUNNING ||
		    !__atomic_load_n(&cache[i]->job->done, __ATOMIC_ACQUIRE)) {
			i++;
			continue;
		}
		ended++;
		if (!settle(i))
			i++;
	}
	start_queued();
	pthread_mutex_unlock(&lock);
	return ended;
}

void
httpcache_stop(void)
{
	size_t i;

	misses_clear();
	miss_mode = HTTPCACHE_FETCH;
	pthread_mutex_lock(&lock);
	for (i = 0; i < ncache; ) {
		if (cache[i]->state == E_QUEUED)
			drop(i);
		else if (cache[i]->state != E_RUNNING || !settle(i))
			i++;
	}
	pthread_mutex_unlock(&lock);
}

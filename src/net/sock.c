/* sock.c - TCP connections where every operation shares one deadline. */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monoclock.h"
#include "addrclass.h"
#include "lookup.h"
#include "msg.h"
#include "sock.h"

void
conn_init(struct conn *c, int timeout_ms, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->timeout_ms = timeout_ms;
	c->err = err;
	c->errlen = errlen;
	c->phase = "while connecting";
	c->end = mono_ms() + timeout_ms;
}

void
conn_fail(struct conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
}

int
conn_left(const struct conn *c)
{
	return mono_left(c->end);
}

void
conn_timed_out(struct conn *c)
{
	if (c->timeout_ms % 1000 == 0)
		conn_fail(c, "timed out after %d s %s", c->timeout_ms / 1000,
		    c->phase);
	else
		conn_fail(c, "timed out after %.1f s %s",
		    c->timeout_ms / 1000.0, c->phase);
}

/* Wait for events on the socket.  Returns 0, or -1 with the error set. */
static int
conn_wait(struct conn *c, short events)
{
	struct pollfd p;
	int n, left;

	for (;;) {
		left = conn_left(c);
		if (left == 0) {
			conn_timed_out(c);
			return -1;
		}
		p.fd = c->fd;
		p.events = events;
		p.revents = 0;
		n = poll(&p, 1, left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR) {
			conn_fail(c, "poll: %s", strerror(errno));
			return -1;
		}
	}
}

void
conn_connect_error(char *buf, size_t n, const char *addr, unsigned port,
    int e)
{
	if (e == ECONNREFUSED)
		snprintf(buf, n, "connection refused by %s port %u", addr,
		    port);
	else
		snprintf(buf, n, "cannot connect to %s port %u: %s", addr,
		    port, strerror(e));
}

/*
 * Connect to one address.  Returns the connected socket, -1 after a
 * failure described in why (try the next address), or -2 when the
 * deadline passed (error set).
 */
static int
connect_one(struct conn *c, const struct addrinfo *ai, char *why,
    size_t whylen)
{
	socklen_t len = sizeof(int);
	int fd, e = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		conn_connect_error(why, whylen, c->address, c->port, errno);
		return -1;
	}
	c->fd = fd;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS) {
			e = errno;
		} else if (conn_wait(c, POLLOUT) != 0) {
			close(fd);
			c->fd = -1;
			return -2;
		} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
		    &len) != 0) {
			e = errno;
		} else if (e == ECONNRESET || e == EPIPE) {
			/* Connected, then hung up at once: what it sent
			 * before is still to be read, and tells more. */
			e = 0;
		}
	}
	if (e != 0) {
		conn_connect_error(why, whylen, c->address, c->port, e);
		close(fd);
		c->fd = -1;
		return -1;
	}
	return fd;
}

void
conn_add_reason(char *all, size_t n, const char *why, int count)
{
	size_t used = strlen(all);

	if (used < n)
		snprintf(all + used, n - used, "%s%s", count > 0 ? "; " : "",
		    why);
}

/*
 * getaddrinfo() within the deadline.  Returns what getaddrinfo() would,
 * or EAI_AGAIN with the error set on a timeout.
 */
static int
resolve(struct conn *c, const char *host, unsigned port,
    struct addrinfo **res)
{
	struct lookup *lk;
	struct gaicb *list[1];
	struct timespec ts;
	int gai, left;

	if ((lk = lookup_start(host, port, NULL, &gai)) == NULL)
		return gai;
	list[0] = &lk->cb;
	while ((gai = lookup_result(lk, res)) == EAI_INPROGRESS) {
		if ((left = conn_left(c)) == 0)
			break;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		(void)gai_suspend((const struct gaicb *const *)list, 1, &ts);
	}
	lookup_drop(lk);
	if (gai == EAI_INPROGRESS) {
		conn_timed_out(c);
		gai = EAI_AGAIN;
	}
	return gai;
}

int
conn_open(struct conn *c, const char *host, unsigned port)
{
	struct addrinfo *res = NULL, *ai;
	char why[256], all[400] = "", *e, phase[160];
	const char *kind;
	int rc = -1, tried = 0, gai;

	e = msg_escape(host);
	snprintf(phase, sizeof(phase), "while resolving %s", e);
	free(e);
	c->phase = phase;
	gai = resolve(c, host, port, &res);
	if (gai == EAI_AGAIN && c->err[0] != '\0')
		goto out;
	if (gai != 0) {
		e = msg_escape(host);
		conn_fail(c, "cannot resolve %s: %s", e,
		    gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
		free(e);
		goto out;
	}
	c->resolved = 1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, c->address,
		    sizeof(c->address), NULL, 0, NI_NUMERICHOST) != 0)
			snprintf(c->address, sizeof(c->address), "?");
		c->port = port;
		if (c->public_only &&
		    (kind = addrclass_special(ai->ai_addr)) != NULL) {
			snprintf(why, sizeof(why), "not asked: %s is a %s "
			    "address", c->address, kind);
			conn_add_reason(all, sizeof(all), why, tried++);
			c->refused++;
			continue;
		}
		snprintf(phase, sizeof(phase), "while connecting to %s "
		    "port %u", c->address, port);
		c->phase = phase;
		switch (connect_one(c, ai, why, sizeof(why))) {
		case -2:
			goto out;
		case -1:
			conn_add_reason(all, sizeof(all), why, tried++);
			continue;
		}
		rc = 0;
		goto out;
	}
	if (tried > 1) {
		e = msg_escape(host);
		conn_fail(c, "cannot connect to %s port %u: %s", e, port, all);
		free(e);
	} else {
		conn_fail(c, "%s", all);
	}
out:
	c->phase = "";
	if (res != NULL)
		freeaddrinfo(res);
	return rc;
}

int
conn_write(struct conn *c, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		if (conn_wait(c, POLLOUT) != 0)
			return -1;
		w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w < 0) {
			conn_fail(c, "cannot send to %s port %u: %s",
			    c->address, c->port, strerror(errno));
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t
conn_read(struct conn *c, void *buf, size_t n)
{
	ssize_t r;

	if (c->len > 0) {
		if (n > c->len)
			n = c->len;
		memcpy(buf, c->buf, n);
		memmove(c->buf, c->buf + n, c->len - n);
		c->len -= n;
		return (ssize_t)n;
	}
	for (;;) {
		if (conn_wait(c, POLLIN) != 0)
			return -1;
		r = recv(c->fd, buf, n, 0);
		if (r >= 0)
			return r;
		if (errno == EINTR || errno == EAGAIN)
			continue;
		if (errno == ECONNRESET)
			conn_fail(c, "the server reset the connection %s",
			    c->phase);
		else
			conn_fail(c, "cannot receive from %s port %u: %s",
			    c->address, c->port, strerror(errno));
		return -1;
	}
}

int
conn_getline(struct conn *c, char *line)
{
	char *nl;
	size_t n;
	ssize_t r;

	while ((nl = memchr(c->buf, '\n', c->len)) == NULL) {
		if (c->len == sizeof(c->buf)) {
			conn_fail(c, "the server sent a line longer than %d "
			    "bytes %s", SOCK_MAX_LINE, c->phase);
			return -1;
		}
		for (;;) {
			if (conn_wait(c, POLLIN) != 0)
				return -1;
			r = recv(c->fd, c->buf + c->len,
			    sizeof(c->buf) - c->len, 0);
			if (r >= 0 || (errno != EINTR && errno != EAGAIN))
				break;
		}
		if (r == 0) {
			conn_fail(c, "the server closed the connection %s",
			    c->phase);
			return -1;
		}
		if (r < 0) {
			conn_fail(c, "cannot receive from %s port %u: %s",
			    c->address, c->port, strerror(errno));
			return -1;
		}
		c->len += (size_t)r;
	}
	n = (size_t)(nl - c->buf);
	memcpy(line, c->buf, n);
	line[n] = '\0';
	if (n > 0 && line[n - 1] == '\r')
		line[n - 1] = '\0';
	c->len -= n + 1;
	memmove(c->buf, nl + 1, c->len);
	return (int)strlen(line);
}

void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* fetch.c - a TARGET's chain: connect, STARTTLS, handshake, one deadline. */
#include <sys/socket.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "fetch.h"
#include "msg.h"
#include "sock.h"
#include "starttls.h"
#include "tlsstep.h"

/* Send what OpenSSL queued.  Returns 0, or -1 with the error set. */
static int
flush_out(struct conn *c, struct tlsstep *ts)
{
	char buf[4096];
	size_t n;

	while ((n = tlsstep_drain(ts, buf, sizeof(buf))) > 0)
		if (conn_write(c, buf, n) != 0)
			return -1;
	return 0;
}

/*
 * Drive the handshake with blocking reads and writes, each within the
 * deadline.  Returns 1 when it completed, 0 when it failed after the
 * server's certificate arrived, -1 with the error set.
 */
static int
handshake(struct conn *c, struct tlsstep *ts)
{
	char buf[16384];
	ssize_t n;
	int st;

	c->phase = "during the TLS handshake";
	for (;;) {
		st = tlsstep_step(ts, c);
		if (flush_out(c, ts) != 0)
			return tlsstep_failed(ts, c, 1) == TLSSTEP_CERT ?
			    0 : -1;
		if (st != TLSSTEP_WANT_READ)
			return st;
		n = conn_read(c, buf, sizeof(buf));
		if (n < 0 || tlsstep_feed(ts, c, buf, (size_t)n) != 0)
			return tlsstep_failed(ts, c, 1);
	}
}

/* TLS on the connected c.  Returns 0, or -1 with the error set. */
static int
tls(struct conn *c, const struct target *t, int flags,
    struct fetch_result *r)
{
	SSL_CTX *ctx = NULL;
	struct tlsstep *ts = NULL;
	int rc = -1;

	if ((ctx = tlsstep_ctx_new(flags, c, &r->security_level)) == NULL ||
	    (ts = tlsstep_new(ctx, t, c, r)) == NULL)
		goto out;
	if (handshake(c, ts) < 0 || tlsstep_collect(ts, c, r) != 0)
		goto out;
	/* Say goodbye politely; a failure here changes nothing. */
	tlsstep_goodbye(ts);
	(void)flush_out(c, ts);
	rc = 0;
out:
	tlsstep_free(ts);
	SSL_CTX_free(ctx);
	return rc;
}

int
fetch_chain(const struct target *t, int timeout_ms, int flags,
    struct fetch_result *r)
{
	struct conn c;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	r->security_level = -1;
	conn_init(&c, timeout_ms, r->error, sizeof(r->error));
	if (!target_is_network(t)) {
		conn_fail(&c, "%s is not a network target", t->input);
		return -1;
	}
	if (conn_open(&c, t->connect_host, t->connect_port) != 0) {
		r->reached = c.resolved ? REACH_RESOLVED : REACH_NOTHING;
		goto out;
	}
	r->reached = REACH_CONNECTED;
	if (starttls_run(&c, t->proto) != 0)
		goto out;
	r->reached = REACH_TLS;
	if (tls(&c, t, flags, r) != 0)
		goto out;
	r->error[0] = '\0';
	rc = 0;
out:
	conn_close(&c);
	r->handshake_failed = rc != 0 && c.handshake_failed;
	if (rc != 0) {
		certlist_free(r->chain);
		r->chain = NULL;
	}
	return rc;
}

void
fetch_result_clear(struct fetch_result *r)
{
	if (r == NULL)
		return;
	certlist_free(r->chain);
	free(r->protocol);
	free(r->cipher);
	free(r->address);
	free(r->instead);
	memset(r, 0, sizeof(*r));
}

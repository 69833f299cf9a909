/* tlsstep.h - one TLS handshake over memory BIOs, driven by its caller. */
#ifndef TRUSTFIX_TLSSTEP_H
#define TRUSTFIX_TLSSTEP_H

#include <openssl/ssl.h>

#include "fetch.h"
#include "sock.h"

/* What tlsstep_step() and tlsstep_failed() say. */
enum tlsstep_state {
	TLSSTEP_ERROR = -1,	/* no certificate; c's error says why */
	TLSSTEP_CERT = 0,	/* failed, but after the certificate came */
	TLSSTEP_DONE = 1,	/* the handshake completed */
	TLSSTEP_WANT_READ = 2	/* feed the server's bytes, step again */
};

struct tlsstep;

/*
 * A client context that accepts any certificate (old protocols too with
 * FETCH_ALLOW_OLD); *level is the system's default security level.
 * Returns NULL with c's error set.
 */
SSL_CTX	*tlsstep_ctx_new(int flags, struct conn *c, int *level);

/* A handshake with t's SNI; r learns what the callbacks see. */
struct tlsstep *tlsstep_new(SSL_CTX *ctx, const struct target *t,
	    struct conn *c, struct fetch_result *r);
/* Run the handshake as far as the bytes fed allow. */
int	tlsstep_step(struct tlsstep *, struct conn *c);
/*
 * Bytes the server sent (n 0: it closed).  Counted against
 * FETCH_MAX_HANDSHAKE.  Returns 0, or -1 with c's error set; then call
 * tlsstep_failed(..., 1).
 */
int	tlsstep_feed(struct tlsstep *, struct conn *c, const char *buf,
	    size_t n);
/*
 * The handshake cannot go on; broken: the transport failed (refine the
 * error by what the server sent first).  Returns TLSSTEP_CERT or
 * TLSSTEP_ERROR.
 */
int	tlsstep_failed(struct tlsstep *, struct conn *c, int broken);
/* Move up to cap bytes that OpenSSL wants sent into buf; their count. */
size_t	tlsstep_drain(struct tlsstep *, char *buf, size_t cap);
/* 1 if OpenSSL has bytes to send. */
int	tlsstep_pending(struct tlsstep *);
/* Fill r from the session.  Returns 0, or -1 with c's error set. */
int	tlsstep_collect(struct tlsstep *, struct conn *c,
	    struct fetch_result *r);
/* Queue a close_notify when the handshake completed. */
void	tlsstep_goodbye(struct tlsstep *);
void	tlsstep_free(struct tlsstep *);

#endif

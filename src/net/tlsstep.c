/* tlsstep.c - one TLS handshake over memory BIOs, driven by its caller. */
#include <sys/socket.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "msg.h"
#include "tlsstep.h"

/* What the callbacks learn during one handshake. */
struct tlsstep {
	struct fetch_result *r;
	SSL		*ssl;
	BIO		*rbio, *wbio;	/* owned by ssl */
	char		 alert[64];	/* alert the server sent, if any */
	size_t		 received;	/* bytes read from the server */
	char		 first[128];	/* the first of them */
	size_t		 nfirst;
	const struct target *t;
};

static int hs_index = -1;

static struct tlsstep *
hs_get(const SSL *ssl)
{
	return SSL_get_ex_data(ssl, hs_index);
}

/* Record that a certificate was asked for, and send none. */
static int
client_cert_cb(SSL *ssl, X509 **x509, EVP_PKEY **pkey)
{
	struct tlsstep *h = hs_get(ssl);

	if (h != NULL)
		h->r->client_cert_requested = 1;
	return 0;
}

/*
 * Take any chain without the verification libssl would run and then
 * ignore (SSL_VERIFY_NONE): the diagnosis verifies it, as each client
 * does, and a scan saves a chain building per server.
 */
static int
accept_any(X509_STORE_CTX *ctx, void *arg)
{
	(void)ctx;
	(void)arg;
	return 1;
}

static void
info_cb(const SSL *ssl, int where, int ret)
{
	struct tlsstep *h = hs_get(ssl);

	if (h != NULL && (where & SSL_CB_READ_ALERT) && h->alert[0] == '\0')
		snprintf(h->alert, sizeof(h->alert), "%s",
		    SSL_alert_desc_string_long(ret));
}

SSL_CTX *
tlsstep_ctx_new(int flags, struct conn *c, int *default_level)
{
	SSL_CTX *ctx;

	if (hs_index < 0)
		hs_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		conn_fail(c, "cannot set up TLS: %s", msg_ossl_reason());
		return NULL;
	}
	*default_level = SSL_CTX_get_security_level(ctx);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_cert_verify_callback(ctx, accept_any, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	/*
	 * OpenSSL judges a Certificate message by its announced length;
	 * let our byte count, with its clearer message, speak first.
	 */
	SSL_CTX_set_max_cert_list(ctx, 2 * FETCH_MAX_HANDSHAKE);
	SSL_CTX_set_client_cert_cb(ctx, client_cert_cb);
	SSL_CTX_set_info_callback(ctx, info_cb);
	if ((flags & FETCH_ALLOW_OLD) != 0) {
		SSL_CTX_set_security_level(ctx, 0);
		if (!SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION) ||
		    !SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0")) {
			conn_fail(c, "cannot allow old TLS versions: %s",
			    msg_ossl_reason());
			SSL_CTX_free(ctx);
			return NULL;
		}
	}
	return ctx;
}

struct tlsstep *
tlsstep_new(SSL_CTX *ctx, const struct target *t, struct conn *c,
    struct fetch_result *r)
{
	struct tlsstep *h = xcalloc(1, sizeof(*h));

	h->r = r;
	h->t = t;
	if ((h->rbio = BIO_new(BIO_s_mem())) == NULL ||
	    (h->wbio = BIO_new(BIO_s_mem())) == NULL ||
	    (h->ssl = SSL_new(ctx)) == NULL) {
		conn_fail(c, "cannot set up TLS: %s", msg_ossl_reason());
		BIO_free(h->rbio);
		BIO_free(h->wbio);
		free(h);
		return NULL;
	}
	BIO_set_mem_eof_return(h->rbio, -1);
	/* ssl owns both BIOs from here on. */
	SSL_set_bio(h->ssl, h->rbio, h->wbio);
	SSL_set_ex_data(h->ssl, hs_index, h);
	if (t->sni != NULL && !SSL_set_tlsext_host_name(h->ssl, t->sni)) {
		conn_fail(c, "cannot send the name %s in SNI: %s", t->sni,
		    msg_ossl_reason());
		tlsstep_free(h);
		return NULL;
	}
	SSL_set_connect_state(h->ssl);
	return h;
}

void
tlsstep_free(struct tlsstep *h)
{
	if (h == NULL)
		return;
	SSL_free(h->ssl);
	free(h);
	ERR_clear_error();
}

size_t
tlsstep_drain(struct tlsstep *h, char *buf, size_t cap)
{
	int n;

	if (BIO_ctrl_pending(h->wbio) == 0)
		return 0;
	n = BIO_read(h->wbio, buf, (int)cap);
	return n > 0 ? (size_t)n : 0;
}

int
tlsstep_pending(struct tlsstep *h)
{
	return BIO_ctrl_pending(h->wbio) > 0;
}

/* Keep the first bytes the server sent, to tell later whether it spoke
 * TLS at all. */
static void
note_first(struct tlsstep *h, const char *buf, size_t n)
{
	if (h->nfirst > 0 || n == 0)
		return;
	h->nfirst = n < sizeof(h->first) ? n : sizeof(h->first);
	memcpy(h->first, buf, h->nfirst);
}

int
tlsstep_feed(struct tlsstep *h, struct conn *c, const char *buf, size_t n)
{
	if (n == 0) {
		conn_fail(c, "the server closed the connection during the "
		    "TLS handshake");
		return -1;
	}
	note_first(h, buf, n);
	h->received += n;
	if (h->received > FETCH_MAX_HANDSHAKE) {
		conn_fail(c, "the server sent more than %d KiB during the "
		    "handshake", FETCH_MAX_HANDSHAKE / 1024);
		return -1;
	}
	if (BIO_write(h->rbio, buf, (int)n) != (int)n) {
		conn_fail(c, "cannot buffer the handshake: %s",
		    msg_ossl_reason());
		return -1;
	}
	return 0;
}

/* Greetings of the protocols that talk first, and the URL that fits. */
static const struct greeting {
	const char	*starts;
	const char	*protocol;
	const char	*scheme;	/* NULL: no TLS to be had here */
	enum target_proto proto;
} greetings[] = {
	{ "220 ", "SMTP", "smtp", PROTO_SMTP },
	{ "220-", "SMTP", "smtp", PROTO_SMTP },
	{ "* OK", "IMAP", "imap", PROTO_IMAP },
	{ "+OK", "POP3", "pop3", PROTO_POP3 },
	{ "SSH-", "SSH", NULL, PROTO_FILE },
	{ "HTTP/", "plain HTTP", NULL, PROTO_FILE },
};

/*
 * ": this is SMTP: use smtp://HOST:PORT (STARTTLS)", or "" for an unknown
 * line; the URL also goes to r->instead, so that no one need parse it back
 * out of the message.
 */
static char *
advice(const struct tlsstep *h, const struct conn *c, const char *line,
    size_t n)
{
	const struct greeting *g;
	const char *host = h->t != NULL && h->t->host != NULL ? h->t->host :
	    c->address;
	size_t i, len;

	for (i = 0; i < sizeof(greetings) / sizeof(greetings[0]); i++) {
		g = &greetings[i];
		len = strlen(g->starts);
		if (n < len || strncmp(line, g->starts, len) != 0)
			continue;
		if (g->scheme == NULL)
			return xasprintf(": this is %s, not TLS",
			    g->protocol);
		if (h->t != NULL && h->t->proto == g->proto)
			break;
		free(h->r->instead);
		h->r->instead = xasprintf("%s://%s%s%s:%u", g->scheme,
		    strchr(host, ':') ? "[" : "", host,
		    strchr(host, ':') ? "]" : "", c->port);
		return xasprintf(": this is %s: use %s (STARTTLS)",
		    g->protocol, h->r->instead);
	}
	return xstrdup("");
}

/*
 * When the server's first bytes are not a TLS record, say so (and what it
 * said, when that is a line of text, and which protocol that line is) and
 * return 1.  TLS records start with a content type from 20 to 24, then
 * version 3.x; random bytes rarely pass both.
 */
static int
not_tls(struct conn *c, const struct tlsstep *h)
{
	unsigned char type = (unsigned char)h->first[0];
	size_t n;
	char *e, *a;

	if (h->nfirst == 0 || (type >= 20 && type <= 24 && (h->nfirst < 3 ||
	    ((unsigned char)h->first[1] == 3 &&
	    (unsigned char)h->first[2] <= 4))))
		return 0;
	for (n = 0; n < h->nfirst && h->first[n] != '\r' &&
	    h->first[n] != '\n'; n++)
		if (!isprint((unsigned char)h->first[n]))
			break;
	if (n > 0 && (n == h->nfirst || h->first[n] == '\r' ||
	    h->first[n] == '\n')) {
		e = msg_escape_len(h->first, n);
		a = advice(h, c, h->first, n);
		conn_fail(c, "the server does not speak TLS here; it sent "
		    "\"%s%s\"%s", e, n == sizeof(h->first) ? "..." : "", a);
		free(a);
		free(e);
	} else
		conn_fail(c, "the server does not speak TLS here; its first "
		    "bytes are not a TLS record");
	return 1;
}

/*
 * The connection broke (reset, closed, or our ClientHello could not be
 * sent).  A server that talks first and hangs up - a mail or SSH banner,
 * random bytes - may have done so before our ClientHello arrived: look at
 * what it left in the socket before blaming the connection.
 */
static void
broken_transport(struct conn *c, struct tlsstep *h)
{
	char buf[sizeof(h->first)];
	ssize_t n;

	if (h->nfirst == 0) {
		n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			note_first(h, buf, (size_t)n);
	}
	(void)not_tls(c, h);
}

static void
handshake_error(struct conn *c, const SSL *ssl, struct tlsstep *h)
{
	const char *reason = msg_ossl_reason();
	int v = SSL_version(ssl);

	if (not_tls(c, h))
		return;
	c->handshake_failed = 1;
	if (v >= TLS1_VERSION && v < TLS1_2_VERSION)
		conn_fail(c, "TLS handshake failed: %s (the server chose %s, "
		    "which this client's settings refuse)", reason,
		    SSL_get_version(ssl));
	else if (h->alert[0] != '\0')
		conn_fail(c, "TLS handshake failed: %s (the server sent the "
		    "alert \"%s\")", reason, h->alert);
	else
		conn_fail(c, "TLS handshake failed: %s", reason);
}

/* Fill r from the finished (or certificate-bearing) session. */
int
tlsstep_collect(struct tlsstep *h, struct conn *c, struct fetch_result *r)
{
	SSL *ssl = h->ssl;
	STACK_OF(X509) *sk = SSL_get_peer_cert_chain(ssl);
	const SSL_CIPHER *cipher;
	int i, n;

	n = sk != NULL ? sk_X509_num(sk) : 0;
	if (n == 0) {
		conn_fail(c, "the server sent no certificate");
		return -1;
	}
	if (n > FETCH_MAX_CHAIN) {
		conn_fail(c, "the server sent %d certificates, more than %d",
		    n, FETCH_MAX_CHAIN);
		return -1;
	}
	r->chain = certlist_new();
	for (i = 0; i < n; i++)
		certlist_add1(r->chain, sk_X509_value(sk, i), NULL,
		    SOURCE_SERVER);
	r->protocol = xstrdup(SSL_get_version(ssl));
	cipher = SSL_get_current_cipher(ssl);
	if (cipher == NULL)
		cipher = SSL_get_pending_cipher(ssl);
	r->cipher = xstrdup(cipher != NULL ? SSL_CIPHER_get_name(cipher) :
	    "unknown");
	r->old_protocol = SSL_version(ssl) < TLS1_2_VERSION;
	r->address = xstrdup(c->address);
	r->port = c->port;
	return 0;
}

int
tlsstep_failed(struct tlsstep *h, struct conn *c, int broken)
{
	STACK_OF(X509) *sk = SSL_get_peer_cert_chain(h->ssl);

	if (broken)
		broken_transport(c, h);
	/*
	 * A server that insists on a client certificate ends the handshake
	 * after sending its own: keep it, that is what we came for.
	 */
	if (h->r->client_cert_requested && sk != NULL && sk_X509_num(sk) > 0)
		return TLSSTEP_CERT;
	return TLSSTEP_ERROR;
}

int
tlsstep_step(struct tlsstep *h, struct conn *c)
{
	int ret, err;

	ERR_clear_error();
	ret = SSL_connect(h->ssl);
	if (ret == 1)
		return TLSSTEP_DONE;
	err = SSL_get_error(h->ssl, ret);
	/* Memory BIOs never block a write. */
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
		return TLSSTEP_WANT_READ;
	handshake_error(c, h->ssl, h);
	return tlsstep_failed(h, c, 0);
}

void
tlsstep_goodbye(struct tlsstep *h)
{
	if (SSL_is_init_finished(h->ssl))
		(void)SSL_shutdown(h->ssl);
	ERR_clear_error();
}

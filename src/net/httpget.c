/* httpget.c - bounded HTTP requests for AIA issuers, CRLs and OCSP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/httperr.h>

#include "httpget.h"
#include "monoclock.h"
#include "msg.h"
#include "sock.h"

static void
ossl_reason(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_peek_error();
	char buf[256];

	if (e != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		snprintf(err, errlen, "%s: %s", what,
		    ERR_reason_error_string(e) ? ERR_reason_error_string(e) :
		    buf);
	} else
		snprintf(err, errlen, "%s", what);
	ERR_clear_error();
}

/* Read all of b, at most HTTPGET_MAX_BODY bytes. */
static int
slurp(BIO *b, unsigned char **resp, size_t *len, char *err, size_t errlen)
{
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;
	int r;

	for (;;) {
		if (n == cap) {
			if (cap >= HTTPGET_MAX_BODY) {
				snprintf(err, errlen, "answer larger than %d "
				    "bytes", HTTPGET_MAX_BODY);
				free(buf);
				return -1;
			}
			cap = cap ? cap * 2 : 16384;
			buf = xrealloc(buf, cap + 1);
		}
		r = BIO_read(b, buf + n, (int)(cap - n));
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*resp = buf;
	*len = n;
	return 0;
}

/* Set once, before any download thread starts. */
static int allow_private;

void
httpget_allow_private(int on)
{
	allow_private = on;
}

/*
 * A socket BIO connected to host:port.  Connect ourselves: OpenSSL's
 * connect retries a refused connection until the timeout.
 */
static BIO *
dial(const char *host, const char *port, int timeout_ms, char *err,
    size_t errlen)
{
	struct conn c;
	size_t n;
	BIO *sb;

	conn_init(&c, timeout_ms, err, errlen);
	c.public_only = !allow_private;
	if (conn_open(&c, host, (unsigned)atoi(port)) != 0) {
		if (c.refused > 0 && (n = strlen(err)) + 1 < errlen)
			snprintf(err + n, errlen - n, " (a certificate's "
			    "URLs reach only public addresses unless "
			    "--aia-allow-private is given)");
		conn_close(&c);
		return NULL;
	}
	if ((sb = BIO_new_socket(c.fd, BIO_CLOSE)) == NULL) {
		conn_close(&c);
		return NULL;
	}
	BIO_socket_nbio(BIO_get_fd(sb, NULL), 1);
	return sb;
}

/* Why OSSL_HTTP_exchange() returned no answer and no redirect. */
static void
no_answer(char *err, size_t errlen)
{
	if (ERR_GET_REASON(ERR_peek_last_error()) ==
	    HTTP_R_MAX_RESP_LEN_EXCEEDED)
		snprintf(err, errlen, "answer larger than %d bytes",
		    HTTPGET_MAX_BODY);
	else if (ERR_GET_REASON(ERR_peek_error()) ==
	    HTTP_R_MISSING_ASN1_ENCODING)
		snprintf(err, errlen, "the answer is no certificate "
		    "(not DER)");
	else
		ossl_reason(err, errlen, "no answer");
}

/* One request; *redirect receives a new URL when the server redirects. */
static int
one(const char *url, const char *ctype, const unsigned char *body,
    size_t body_len, int timeout_ms, char **redirect, unsigned char **resp,
    size_t *resp_len, char *err, size_t errlen)
{
	OSSL_HTTP_REQ_CTX *rctx = NULL;
	BIO *req = NULL, *rb = NULL, *sb = NULL;
	char *host = NULL, *port = NULL, *path = NULL;
	int ssl = 0, rc = -1;
	/* OpenSSL counts whole seconds; our own deadline is the sharper. */
	int secs = (timeout_ms + 999) / 1000;

	if (!OSSL_HTTP_parse_url(url, &ssl, NULL, &host, &port, NULL, &path,
	    NULL, NULL)) {
		ossl_reason(err, errlen, "malformed URL");
		goto out;
	}
	if (ssl || strncmp(url, "http://", 7) != 0) {
		snprintf(err, errlen, "not an http URL");
		goto out;
	}
	if ((sb = dial(host, port, timeout_ms, err, errlen)) == NULL)
		goto out;
	rctx = OSSL_HTTP_open(host, port, NULL, NULL, 0, sb, sb, NULL,
	    NULL, 0, secs);
	if (rctx == NULL) {
		ossl_reason(err, errlen, "cannot connect");
		goto out;
	}
	if (body != NULL && (req = BIO_new_mem_buf(body, (int)body_len)) ==
	    NULL)
		goto out;
	if (!OSSL_HTTP_set1_request(rctx, path, NULL, ctype, req, NULL, 1,
	    HTTPGET_MAX_BODY, secs, 0)) {
		ossl_reason(err, errlen, "cannot send the request");
		goto out;
	}
	rb = OSSL_HTTP_exchange(rctx, redirect);
	if (rb == NULL) {
		if (*redirect != NULL)
			rc = 0;
		else
			no_answer(err, errlen);
		goto out;
	}
	rc = slurp(rb, resp, resp_len, err, errlen);
out:
	BIO_free(rb);
	BIO_free(req);
	OSSL_HTTP_close(rctx, rc == 0);
	BIO_free_all(sb);
	OPENSSL_free(host);
	OPENSSL_free(port);
	OPENSSL_free(path);
	ERR_clear_error();
	return rc;
}

/* A Location that is a path: resolve it against url. */
static int
absolute(const char *url, char **redirect)
{
	char *host = NULL, *port = NULL, *abs;
	int ssl;

	if (!OSSL_HTTP_parse_url(url, &ssl, NULL, &host, &port, NULL, NULL,
	    NULL, NULL)) {
		ERR_clear_error();
		return -1;
	}
	abs = xasprintf("http://%s%s%s:%s%s", strchr(host, ':') ? "[" : "",
	    host, strchr(host, ':') ? "]" : "", port, *redirect);
	OPENSSL_free(host);
	OPENSSL_free(port);
	OPENSSL_free(*redirect);
	*redirect = OPENSSL_strdup(abs);
	free(abs);
	return *redirect != NULL ? 0 : -1;
}

int
httpget(const char *url, const char *content_type, const unsigned char *body,
    size_t body_len, int timeout_ms, unsigned char **resp, size_t *resp_len,
    char *err, size_t errlen)
{
	char *cur = xstrdup(url), *redirect = NULL;
	long long deadline = mono_ms() + timeout_ms;
	int n, left, rc = -1;

	*resp = NULL;
	*resp_len = 0;
	for (n = 0; ; n++) {
		if ((left = mono_left(deadline)) <= 0) {
			snprintf(err, errlen, timeout_ms % 1000 == 0 ?
			    "timed out after %.0f s" : "timed out after %.1f s",
			    timeout_ms / 1000.0);
			rc = HTTPGET_TIMED_OUT;
			break;
		}
		redirect = NULL;
		if (one(cur, content_type, body, body_len, left, &redirect,
		    resp, resp_len, err, errlen) != 0) {
			/* Failed with no time left: whichever layer said so. */
			if (mono_left(deadline) <= 0)
				rc = HTTPGET_TIMED_OUT;
			break;
		}
		if (redirect == NULL) {
			rc = 0;
			break;
		}
		if (n >= HTTPGET_MAX_REDIRECTS) {
			snprintf(err, errlen, "more than %d redirects",
			    HTTPGET_MAX_REDIRECTS);
			break;
		}
		if (redirect[0] == '/' && absolute(cur, &redirect) != 0) {
			snprintf(err, errlen, "cannot follow a redirect");
			break;
		}
		if (strncmp(redirect, "http://", 7) != 0) {
			char *e = msg_escape(redirect);

			snprintf(err, errlen, "redirected to %.200s, not an "
			    "http URL", e);
			free(e);
			break;
		}
		free(cur);
		cur = xstrdup(redirect);
		OPENSSL_free(redirect);
		redirect = NULL;
	}
	OPENSSL_free(redirect);
	free(cur);
	return rc;
}

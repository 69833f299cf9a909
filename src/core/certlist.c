/* certlist.c - an ordered list of certificates with where each came from. */
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>

#include "certlist.h"
#include "msg.h"

struct certlist *
certlist_new(void)
{
	return xcalloc(1, sizeof(struct certlist));
}

void
certlist_free(struct certlist *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		X509_free(l->v[i].x509);
		free(l->v[i].origin);
	}
	free(l->v);
	free(l);
}

void
certlist_add0(struct certlist *l, X509 *x509, const char *origin,
    enum cert_source source)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].x509 = x509;
	l->v[l->n].origin = origin ? xstrdup(origin) : NULL;
	l->v[l->n].source = source;
	l->n++;
}

void
certlist_add1(struct certlist *l, X509 *x509, const char *origin,
    enum cert_source source)
{
	X509_up_ref(x509);
	certlist_add0(l, x509, origin, source);
}

STACK_OF(X509) *
certlist_get1_stack(const struct certlist *l)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	size_t i;

	if (sk == NULL)
		msg_oom();
	for (i = 0; i < l->n; i++) {
		X509_up_ref(l->v[i].x509);
		if (!sk_X509_push(sk, l->v[i].x509))
			msg_oom();
	}
	return sk;
}

const char *
cert_source_name(enum cert_source s)
{
	switch (s) {
	case SOURCE_SERVER:
		return "server";
	case SOURCE_FILE:
		return "file";
	case SOURCE_AIA:
		return "aia";
	case SOURCE_STORE:
		return "store";
	case SOURCE_GIVEN:
		return "untrusted";
	}
	return "unknown";
}

/* The PEM text of xs[0..n), NUL-terminated; msg_oom() when OpenSSL fails. */
static char *
pem_text(X509 *const *xs, size_t n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *s;
	long len;
	size_t i;

	for (i = 0; b != NULL && i < n; i++)
		if (!PEM_write_bio_X509(b, xs[i]))
			msg_oom();	/* a memory BIO fails for no other reason */
	if (b == NULL)
		msg_oom();
	len = BIO_get_mem_data(b, &data);
	s = xmalloc((size_t)len + 1);
	memcpy(s, data, (size_t)len);
	s[len] = '\0';
	BIO_free(b);
	return s;
}

char *
cert_pem(X509 *x)
{
	return pem_text(&x, 1);
}

char *
certlist_pem(const struct certlist *l)
{
	X509 **xs = xcalloc(l->n + 1, sizeof(*xs));
	char *s;
	size_t i;

	for (i = 0; i < l->n; i++)
		xs[i] = l->v[i].x509;
	s = pem_text(xs, l->n);
	free(xs);
	return s;
}

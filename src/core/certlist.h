/* certlist.h - an ordered list of certificates with where each came from. */
#ifndef TRUSTFIX_CERTLIST_H
#define TRUSTFIX_CERTLIST_H

#include <stddef.h>
#include <openssl/x509.h>

enum cert_source {
	SOURCE_SERVER,		/* sent by the server */
	SOURCE_FILE,		/* read from a file the user named */
	SOURCE_AIA,		/* fetched from an AIA caIssuers URL */
	SOURCE_STORE,		/* a trust anchor of the store */
	SOURCE_GIVEN		/* --untrusted: a client-side intermediate */
};

struct cert_entry {
	X509		*x509;
	char		*origin;	/* file or "archive!member"; or NULL */
	enum cert_source source;
};

struct certlist {
	struct cert_entry *v;
	size_t		 n;
	size_t		 cap;
};

struct certlist *certlist_new(void);
void	certlist_free(struct certlist *);
/* Takes ownership of x509; copies origin (may be NULL). */
void	certlist_add0(struct certlist *, X509 *x509, const char *origin,
	    enum cert_source source);
/* Takes a new reference to x509. */
void	certlist_add1(struct certlist *, X509 *x509, const char *origin,
	    enum cert_source source);
/* A new STACK_OF(X509) holding references to every certificate. */
STACK_OF(X509) *certlist_get1_stack(const struct certlist *);
const char *cert_source_name(enum cert_source);

/* The PEM text of x, and of every certificate of l in order (NUL-ended). */
char	*cert_pem(X509 *x);
char	*certlist_pem(const struct certlist *l);

#endif

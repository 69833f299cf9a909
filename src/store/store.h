/* store.h - the trust store: pick a backend, list, import, remove, verify. */
#ifndef TRUSTFIX_STORE_H
#define TRUSTFIX_STORE_H

#include <stddef.h>
#include <openssl/x509.h>

/*
 * Only certificates that a command has already parsed and checked come
 * in here: no network code reaches the store.
 */

enum store_kind {
	STORE_DIRECTORY,	/* --store DIR: a p11-kit token in DIR */
	STORE_P11KIT,		/* the trust module's writable token */
	STORE_CACERTS		/* a local anchor directory, a refresh */
};

/* Purposes an anchor may be restricted to (stapled extendedKeyUsage). */
enum store_purpose {
	PURPOSE_SERVER_AUTH = 1,
	PURPOSE_CLIENT_AUTH = 2,
	PURPOSE_EMAIL = 4,
	PURPOSE_CODE_SIGNING = 8
};

struct store_anchor {
	X509		*x509;		/* see store_anchor_get0_x509() */
	unsigned char	*der;
	size_t		 der_len;
	char		*subject;	/* one line, not escaped */
	char		 expires[11];	/* notAfter, "YYYY-MM-DD" UTC */
	char		*label;		/* PKCS#11 label */
	char		*where;		/* token path */
	char		 sha256[65];
	int		 trustfix;	/* imported by trustfix */
	int		 distribution;	/* one of the distribution's own */
	int		 distrusted;
	unsigned	 purposes;	/* enum store_purpose bits; 0: any */
};

struct store_anchors {
	struct store_anchor *v;
	size_t		 n;
};

struct store;

enum store_open_flags {
	STORE_WRITE = 1		/* lock the store for a change */
};

/*
 * Open spec: NULL or "auto", "p11-kit", "ca-certificates", or a
 * directory (anything containing a '/' or naming a directory; created
 * if missing).  Returns 0, or -1 after reporting.
 */
int	store_open(const char *spec, unsigned flags, struct store **st);
void	store_close(struct store *st);
/* "directory", "p11-kit", "ca-certificates". */
const char *store_backend_name(const struct store *st);
/* The directory or token path the store writes. */
const char *store_location(const struct store *st);
/* 1 if the backend can restrict an anchor to purposes. */
int	store_has_purposes(const struct store *st);

/*
 * The certificate of a, decoded on first use (decoding is what costs
 * when listing a distribution's hundreds of anchors).  Lent; NULL if it
 * does not parse.
 */
X509	*store_anchor_get0_x509(struct store_anchor *a);

/* Every anchor (trusted or distrusted) the trust module sees. */
int	store_list(struct store *st, struct store_anchors *out);
void	store_anchors_clear(struct store_anchors *a);

/*
 * Make x a trust anchor labelled "trustfix:label", restricted to
 * purposes (0: any).  Returns 1 when the store changed (or would, with
 * dry_run), 0 when x was already trusted that way, STORE_REFUSED when it
 * refused to change anything (reported), -1 after reporting a failure.
 */
#define STORE_REFUSED	(-2)
/* The longest label: its file name must fit in NAME_MAX with room. */
#define STORE_LABEL_MAX	128
int	store_import(struct store *st, X509 *x, const char *label,
	    unsigned purposes, int dry_run);

/*
 * 1 once store_import or store_remove changed a store in this process:
 * what happened must be said even when the report cannot be written.
 */
int	store_changed(void);

/*
 * What store_import would change for x, for --dry-run: "would write
 * FILE into the BACKEND store LOCATION, then run COMMAND".  Caller frees.
 */
char	*store_import_plan(const struct store *st, X509 *x,
	    const char *label);

/*
 * Remove the anchor a (from store_list).  Refuses anchors trustfix did
 * not import unless force.  Returns 1 when the store changed (or would),
 * 0 when there was nothing to remove, -1 after reporting.
 */
int	store_remove(struct store *st, const struct store_anchor *a,
	    int force, int dry_run);

/*
 * Check that both p11-kit's trust module and OpenSSL's default store
 * (for a directory store: the directory as p11-kit reads it afresh)
 * trust x (present = 1) or no longer do (present = 0).  Returns 0, or
 * -1 with *advice set to a sentence saying exactly what to run.
 */
int	store_verify(struct store *st, X509 *x, int present, char **advice);

/* The anchors (trusted, not distrusted) as an X509_STORE; NULL on error. */
X509_STORE *store_get1_x509_store(struct store *st);

/* "server-auth,email" -> bits; -1 for an unknown name (not reported). */
int	store_purposes_parse(const char *s);
/* A NULL-terminated list of names for bits (0: {"any"}); free with free(). */
const char **store_purpose_names(unsigned bits);
/* The same joined with commas ("server-auth,email", "any"); freed. */
char	*store_purposes_text(unsigned bits);

/*
 * A fingerprint as a user typed it (any case, colons allowed) into
 * lowercase hex; returns the number of hex digits, or -1 if it is not
 * hex (not reported).
 */
int	store_parse_fingerprint(const char *in, char out[65]);

/* The label trustfix gives x: its subject CN, or the subject. */
char	*store_default_label(const X509 *x);

#endif

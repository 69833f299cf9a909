/* store-int.h - what the trust-store backends share; not for commands. */
#ifndef TRUSTFIX_STORE_INT_H
#define TRUSTFIX_STORE_INT_H

#include <sys/stat.h>
#include <openssl/x509v3.h>

#include "spawn.h"
#include "store.h"

#define STORE_LABEL_PREFIX	"trustfix:"
#define STORE_FILE_PREFIX	"trustfix-"
#define STORE_LOCK_NAME		".trustfix.lock"
#define STORE_LOCK_TIMEOUT	300	/* seconds to wait for another run */
#define P11KIT_JOURNAL		".trustfix-refresh"
#define STORE_REFRESH_LIMIT	600	/* seconds a refresh command may run */

/* The PKCS#11 view of p11-kit's trust module (store-p11.c). */
struct p11_view;

/* The trust module loaded in-process with paths=dir; once per process. */
int	p11v_open_dir(const char *dir, struct p11_view **v);
/* The trust-policy modules p11-kit is configured with. */
int	p11v_open_system(struct p11_view **v);
void	p11v_close(struct p11_view *v);
/* Finalize and initialize again, so the module reads its files afresh. */
int	p11v_reload(struct p11_view *v);
/* Path of the first writable token, or NULL. */
const char *p11v_writable_path(struct p11_view *v);
/*
 * Path of the first token that is a directory (writable for root, as on
 * Fedora), or NULL where every token is a bundle file (as on Debian).
 */
const char *p11v_dir_path(struct p11_view *v);
int	p11v_list(struct p11_view *v, struct store_anchors *out);
/*
 * Add x to the first writable token (extension object first, so that a
 * crash never leaves an unrestricted anchor).  Returns 0, or -1.
 */
int	p11v_create(struct p11_view *v, X509 *x, const char *label,
	    unsigned purposes);
/* Replace the stapled extendedKeyUsage of x on the writable token. */
int	p11v_set_purposes(struct p11_view *v, X509 *x, const char *label,
	    unsigned purposes);
/*
 * Destroy the certificate objects for x on writable tokens (labelled
 * trustfix's unless force), then its stapled extensions.  Returns the
 * number destroyed, or -1.
 */
int	p11v_destroy(struct p11_view *v, X509 *x, int force);

/* Purposes as extendedKeyUsage (store-eku.c). */
unsigned store_eku_bits(EXTENDED_KEY_USAGE *eku);
/* Of the DER of an Extension (a stapled one), and of a certificate's own. */
unsigned store_stapled_bits(const unsigned char *der, unsigned long len);
unsigned store_own_eku_bits(const unsigned char *der, long len);
/* DER of an extendedKeyUsage extension for bits, and of its OID. */
unsigned char *store_eku_ext_der(unsigned bits, int *len);
unsigned char *store_eku_oid_der(int *len);

/* Changes shared by the directory and p11-kit stores (store-p11.c). */
/* Complete a change of purposes a crash cut short.  0, or -1 reported. */
int	store_p11_purpose_roll_forward(struct store *st);
int	store_p11_import(struct store *st, X509 *x, const char *label,
	    unsigned purposes, int dry_run, int (*refresh)(struct store *));
int	store_p11_remove(struct store *st, const struct store_anchor *a,
	    int force, int dry_run, int (*refresh)(struct store *));
/* 1 if the trust module, read afresh, trusts x; 0 if not; -1. */
int	store_p11_sees(struct store *st, X509 *x);
/* The list of the directory and p11-kit stores: what the module sees. */
int	store_p11_list(struct store *st, struct store_anchors *out);

struct store_ops {
	const char	*name;
	enum store_kind	 kind;
	int		 purposes;	/* can carry purposes */
	int		(*list)(struct store *, struct store_anchors *);
	int		(*import)(struct store *, X509 *, const char *label,
			    unsigned purposes, int dry_run);
	int		(*remove)(struct store *, const struct store_anchor *,
			    int force, int dry_run);
	int		(*verify)(struct store *, X509 *, int present,
			    char **advice);
};

struct store {
	const struct store_ops *ops;
	char		*location;	/* token directory or anchor dir */
	char		*lockpath;
	int		 lock_fd;
	unsigned	 flags;
	struct p11_view	*p11;
	char		*certs_dir;	/* ca-certificates: /etc/ssl/certs */
};

extern const struct store_ops store_dir_ops;
extern const struct store_ops store_p11kit_ops;
extern const struct store_ops store_cacerts_ops;

int	store_dir_open(struct store *st, const char *dir);
int	store_p11kit_open(struct store *st, struct p11_view *v);
int	store_cacerts_open(struct store *st, struct p11_view *v);
/* The anchor file the ca-certificates backend writes for x. */
char	*store_cacerts_file(const struct store *st, X509 *x,
	    const char *label);
/* The refresh command of the p11-kit backend on this host. */
const char *store_p11kit_refresh_name(void);

/* Shared helpers (store.c). */
int	store_take_lock(struct store *st, const char *dir);
/*
 * Run a refresh command (what names it in the message).  Returns 0, or
 * -1 after reporting its failure with what it said.
 */
int	store_refresh_run(const char *const argv[], const char *what);
/*
 * Run a tool that changes what the machine trusts (argv[0] a name,
 * found among the system's programs before PATH: spawn_find_system()).
 * As spawn_run(); at most STORE_TOOL_MAX_ARGS arguments are passed.
 */
#define STORE_TOOL_MAX_ARGS	15
int	store_run_tool(const char *const argv[], struct spawn_result *res);
/* 1 if a was modified after b (to the nanosecond). */
int	store_mtime_after(const struct stat *a, const struct stat *b);
/* Where OpenSSL's default verify locations hold x: a mask, 0 if nowhere. */
#define OSSL_IN_FILE	1	/* the bundle file */
#define OSSL_IN_DIR	2	/* the hashed directory */
int	store_openssl_sees(X509 *x);
/* Find x in a list by fingerprint; NULL if absent. */
const struct store_anchor *store_anchors_find(const struct store_anchors *a,
	    X509 *x);
/* Set a's DER (taking der) and fingerprint; the rest is the caller's. */
void	store_anchor_fill_der(struct store_anchor *a, unsigned char *der,
	    size_t len);
/* A file-name-safe form of label: [A-Za-z0-9._-], at most 60 bytes. */
char	*store_safe_name(const char *label);
/* "a.pem"'s certificates appended to sk; 0 or -1 (not reported). */
int	store_read_pems(const char *path, STACK_OF(X509) *sk);

#endif

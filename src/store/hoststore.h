/* hoststore.h - the host's other trust stores: find, read, change. */
#ifndef TRUSTFIX_HOSTSTORE_H
#define TRUSTFIX_HOSTSTORE_H

#include <openssl/x509.h>

struct store;

/*
 * Limits: a reading or writing tool runs at most HOSTSTORE_TOOL_SECONDS;
 * at most HOSTSTORE_MAX stores are looked at, HOSTSTORE_MAX_USERS homes,
 * and a bundle or store file is read up to HOSTSTORE_MAX_FILE bytes.
 */
#define HOSTSTORE_TOOL_SECONDS	30
#define HOSTSTORE_MAX		64
#define HOSTSTORE_MAX_USERS	256
#define HOSTSTORE_MAX_FILE	(8 * 1024 * 1024)

enum hoststore_kind {
	HS_SYSTEM,	/* the system store (p11-kit, ca-certificates) */
	HS_JAVA,	/* a Java keystore (JKS or PKCS#12), keytool */
	HS_NSS,		/* an NSS database (cert9.db, cert8.db), certutil */
	HS_DOTNET,	/* the .NET user root store: one PFX per anchor */
	HS_CERTIFI,	/* a Python environment's certifi bundle */
	HS_NODE		/* Node's compiled-in roots */
};

/* The kinds --also names, as bits. */
enum hoststore_also {
	ALSO_JAVA = 1,
	ALSO_NSS = 2,
	ALSO_DOTNET = 4,
	ALSO_ALL = 7
};

struct hoststore {
	enum hoststore_kind kind;
	char	*location;	/* file or directory */
	char	*readers;	/* who reads it, one line */
	char	*user;		/* the owning user, or NULL */
	long	 anchors;	/* trusted certificates; -1 when unknown */
	int	 follows;	/* 1: kept in step with the system store */
	char	*how;		/* why it follows (or not), one line */
	char	*error;		/* why it could not be read, or NULL */
	char	*tool;		/* keytool of that JRE, certutil, node */
	int	 created;	/* import: made by us (an NSS db) */
	struct store *st;	/* the system store (lent) */
};

struct hoststores {
	struct hoststore *v;
	size_t	 n;
	struct store *st;	/* the system store, when we opened it */
};

struct hoststore_opts {
	const char	*home;		/* default: $HOME */
	const char	*java_keystore;	/* only this Java keystore */
	const char	*nssdb;		/* only this NSS database */
	const char	*storepass;	/* Java keystore password */
	const char	*system;	/* --store for the system store */
	struct store	*st;		/* or that store, open (lent) */
	int		 all_users;	/* also other users' homes */
	int		 count;		/* count anchors (costs a tool run) */
	int		 seconds;	/* tool time limit; 0: default */
};

/* "java,nss" -> bits; -1 for an unknown name (not reported). */
int	hoststore_also_parse(const char *s);
/* "system", "java", "nss", "dotnet", "certifi", "node". */
const char *hoststore_kind_name(enum hoststore_kind kind);

/*
 * Find the stores of this host (or only those of the kinds in also,
 * when also is not 0; then the system store is left out), counting
 * anchors when opts->count.  A store that cannot be read is listed with
 * its error.  Returns 0, or -1 after reporting.
 */
int	hoststores_find(const struct hoststore_opts *opts, unsigned also,
	    struct hoststores *out);
void	hoststores_clear(struct hoststores *l);

/*
 * 1 if the store trusts x (as its own client would decide: keytool's
 * list, NSS's vfychain, .NET's files), 0 if not, -1 when it cannot tell
 * (*why set, the caller frees).  pem is x in a PEM file.
 */
int	hoststore_trusts(const struct hoststore *hs,
	    const struct hoststore_opts *opts, X509 *x, const char *pem,
	    char **why);

/*
 * Add x (also as the PEM file pem) to the store under a trustfix name
 * made from label, or remove it (x or any certificate with its
 * fingerprint).  A store that follows the system store is not written.
 * Returns 1 when the store changed (or would, with dry_run), 0 when
 * nothing needed changing, HOSTSTORE_REFUSED when the change was refused
 * (an entry trustfix did not add, without --force), -1 on another error;
 * both after reporting.
 */
#define HOSTSTORE_REFUSED	(-2)
int	hoststore_import(struct hoststore *hs,
	    const struct hoststore_opts *opts, X509 *x, const char *pem,
	    const char *label, int dry_run);
int	hoststore_remove(struct hoststore *hs,
	    const struct hoststore_opts *opts, X509 *x, const char *pem,
	    int force, int dry_run);

/*
 * The certificate whose SHA-256 fingerprint starts with hex (lowercase)
 * in a Java keystore, the .NET store or a certifi bundle; NULL when none
 * holds it or another kind of store.  The caller frees it.
 */
X509	*hoststore_get1_cert(const struct hoststore *hs,
	    const struct hoststore_opts *opts, const char *hex);

/*
 * x in a new PEM file in a private temporary directory, for the tools;
 * NULL after reporting.  _free removes both.
 */
char	*hoststore_pem_tmp(X509 *x);
void	hoststore_pem_tmp_free(char *path);

/* Per kind, in hoststore-KIND.c. */
long	hs_java_count(struct hoststore *hs, const char *pass);
int	hs_java_trusts(const struct hoststore *hs, const char *pass,
	    const char *sha256, char **why);
X509	*hs_java_get1(const struct hoststore *hs, const char *pass,
	    const char *hex);
int	hs_java_change(struct hoststore *hs, const char *pass, X509 *x,
	    const char *pem, const char *alias, int add, int force);
long	hs_nss_count(struct hoststore *hs);
int	hs_nss_trusts(const struct hoststore *hs, const char *pem,
	    char **why);
int	hs_nss_change(struct hoststore *hs, X509 *x, const char *pem,
	    const char *nick, int add, int force);
long	hs_dotnet_count(struct hoststore *hs);
int	hs_dotnet_trusts(const struct hoststore *hs, const char *sha256,
	    char **why);
X509	*hs_dotnet_get1(const struct hoststore *hs, const char *hex);
int	hs_dotnet_change(struct hoststore *hs, X509 *x, const char *label,
	    int add, int force);

#endif

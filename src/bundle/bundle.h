/* bundle.h - device bundles: the files each device class installs. */
#ifndef TRUSTFIX_BUNDLE_H
#define TRUSTFIX_BUNDLE_H

#include <stddef.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "certlist.h"
#include "devprofile.h"

/* The Java keystore password everybody expects when none is given. */
#define BUNDLE_DEFAULT_STORE_PASSWORD	"changeit"
/* The largest archive bundle writes: far above any set of roots. */
#define BUNDLE_MAX_ARCHIVE	(256 * 1024 * 1024)

struct bundle_opts {
	const char	*identifier;	/* mobileconfig PayloadIdentifier */
	const char	*organization;	/* PayloadOrganization */
	const char	*display_name;	/* PayloadDisplayName */
	X509		*sign_cert;	/* sign the mobileconfig (CMS) */
	EVP_PKEY	*sign_key;
	STACK_OF(X509)	*sign_chain;	/* extra certificates, or NULL */
	const char	*store_password; /* NULL: the default above */
};

/* One certificate of the bundle and the names derived from it. */
struct bundle_cert {
	X509		*x509;
	char		*base;		/* file name without suffix, unique */
	char		 sha256[65];
	char		 sha1[41];	/* Windows' "Thumbprint" */
	char		*subject;	/* escaped for text files */
	char		*issuer;
	char		*not_before;	/* RFC 3339 UTC */
	char		*not_after;
	int		 root;		/* self-signed, not an intermediate */
};

struct bundle_file {
	char		*path;		/* "ios/Contoso_Root_CA.cer" */
	unsigned char	*data;
	size_t		 len;
};

struct bundle {
	struct bundle_cert *certs;
	size_t		 ncerts;
	struct bundle_file *files;
	size_t		 nfiles;
	char		**devices;	/* names, in the order added */
	size_t		 ndevices;
	time_t		 mtime;		/* of every entry */
	int		 signed_profiles;
};

enum bundle_format {
	BUNDLE_DIR,
	BUNDLE_ZIP,
	BUNDLE_TAR_GZ
};

/*
 * A bundle of the certificates of list (duplicates dropped), its
 * entries dated mtime.  Takes references to the certificates.
 */
struct bundle *bundle_new(const struct certlist *list, time_t mtime);
void	bundle_free(struct bundle *);

/*
 * The entries' date: SOURCE_DATE_EPOCH when set, else the newest
 * notBefore of list.  Returns 0, or -1 after reporting a malformed
 * SOURCE_DATE_EPOCH.
 */
int	bundle_epoch(const struct certlist *list, time_t *t);

/* Add the folder of one device class.  0, or -1 after reporting. */
int	bundle_add_device(struct bundle *, const struct devprofile *,
	    const struct bundle_opts *);
/* Add the top-level MANIFEST (after every device).  0 or -1. */
int	bundle_add_manifest(struct bundle *);

/* The output format that OUT's name asks for. */
enum bundle_format bundle_format_of(const char *out);
const char *bundle_format_name(enum bundle_format);

/*
 * Write the bundle to out atomically (temporary name, then rename).
 * An existing out is replaced only when force is set (an empty
 * directory counts as missing).  Returns 0; 1 when out exists and
 * force is not set (reported); -1 on any other failure (reported).
 * On failure nothing is left behind.  A zip's DOS dates are in the
 * process's time zone (libarchive's doing): the command runs in UTC.
 */
int	bundle_write(const struct bundle *, const char *out, int force);

/* Internal to bundle*.c. */
void	bundle_add_file0(struct bundle *, char *path, unsigned char *data,
	    size_t len);
int	bundle_der(X509 *, unsigned char **, size_t *);
int	bundle_pem(X509 *, unsigned char **, size_t *);
int	bundle_p7b(const struct bundle *, unsigned char **, size_t *);
int	bundle_truststore(const struct bundle *, const char *password,
	    unsigned char **, size_t *);
int	bundle_firefox(const struct bundle *, const char *const *names,
	    size_t n, unsigned char **, size_t *);
int	bundle_mobileconfig(const struct bundle *, const struct devprofile *,
	    const struct bundle_opts *, unsigned char **, size_t *);
/* The mobileconfig PayloadIdentifier: the option's or one derived. */
char	*bundle_identifier(const struct bundle *, const struct bundle_opts *);
/* A UUID (version-5 bits) from SHA-256(a || "\0" || b), uppercase. */
void	bundle_uuid(const char *a, const char *b, char out[37]);

#endif

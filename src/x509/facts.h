/* facts.h - what one certificate says: names, validity, key, extensions. */
#ifndef TRUSTFIX_FACTS_H
#define TRUSTFIX_FACTS_H

#include <time.h>
#include <openssl/x509.h>

#include "certlist.h"

/* Strings below are allocated; the caller frees them. */

/* RFC 2253-like one-line name, most significant first ("CN=a, O=b"). */
char	*facts_name(const X509_NAME *name);
char	*facts_subject(const X509 *x);
char	*facts_issuer(const X509 *x);
/* The subject's commonName, or NULL. */
char	*facts_common_name(const X509 *x);
/* Lowercase hex SHA-256 of the DER, no colons (65 bytes with NUL). */
void	facts_sha256(const X509 *x, char hex[65]);
/*
 * Lowercase hex SHA-1 of the DER (41 bytes with NUL): the "Thumbprint"
 * Windows, AD CS and certutil show.
 */
void	facts_sha1(const X509 *x, char hex[41]);
/* Serial in lowercase hex. */
char	*facts_serial(const X509 *x);
/* "RSA 2048", "EC P-256", "Ed25519", "DSA 1024". */
char	*facts_key(const X509 *x);
/* "sha256WithRSAEncryption". */
char	*facts_signature(const X509 *x);
/* RFC 3339 UTC "2026-01-02T03:04:05Z" of an ASN1_TIME. */
char	*facts_time(const ASN1_TIME *t);
/* Seconds since the epoch of notBefore / notAfter. */
time_t	 facts_not_before(const X509 *x);
time_t	 facts_not_after(const X509 *x);
/*
 * Whole days from at until notAfter, rounded down (negative once
 * expired), or FACTS_NO_DAYS when the date cannot be read.
 */
#define FACTS_NO_DAYS	(-2147483647L - 1)
long	 facts_days_left(const X509 *x, time_t at);

int	facts_is_self_signed(X509 *x);	/* issuer == subject, sig verifies */
int	facts_is_self_issued(const X509 *x);	/* issuer == subject */
int	facts_is_ca(X509 *x);		/* basicConstraints CA:TRUE */

/* SANs: NULL-terminated arrays the caller frees with facts_strv_free. */
char	**facts_dns_names(const X509 *x);
/* "192.0.2.1", "2001:db8::1" */
char	**facts_ip_addresses(const X509 *x);
/* AIA caIssuers and OCSP URLs, CRL distribution point URLs. */
char	**facts_ca_issuers(const X509 *x);
char	**facts_ocsp_urls(const X509 *x);
char	**facts_crl_urls(const X509 *x);

/* What fetches such a URL: by its scheme, in any case. */
enum url_kind {
	URL_HTTP,		/* http:// */
	URL_LDAP,		/* ldap:// */
	URL_OTHER		/* https://, file:, ldaps://... not fetched */
};
enum url_kind	facts_url_kind(const char *url);
/* extendedKeyUsage short names ("serverAuth"), or NULL if absent. */
char	**facts_eku(const X509 *x);
/* Subject / authority key identifiers in hex with colons, or NULL. */
char	*facts_ski(const X509 *x);
char	*facts_aki(const X509 *x);
/*
 * Active Directory Certificate Services markers found in x: the
 * Microsoft extensions and AIA/CDP URLs of DESIGN.md, as short
 * descriptions ("certificate template (1.3.6.1.4.1.311.21.7)").
 */
char	**facts_adcs_markers(const X509 *x);
size_t	 facts_strv_len(char **v);
void	 facts_strv_free(char **v);

#endif

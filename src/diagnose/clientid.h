/* clientid.h - the client profiles a verdict speaks for: ids and names. */
#ifndef TRUSTFIX_CLIENTID_H
#define TRUSTFIX_CLIENTID_H

/* Spelled as in DESIGN.md ("Verdicts are per client"); the JSON order. */
enum client_id {
	CL_OPENSSL,
	CL_OPENSSL_STRICT,
	CL_DOTNET,
	CL_GNUTLS,
	CL_NSS,
	CL_JAVA,
	CL_GO,
	CL_RFC5280,
	CL_COUNT
};

#define CL_BIT(c)	(1u << (c))
/* Every real client: all but the standards' profile. */
#define CL_REAL		(CL_BIT(CL_RFC5280) - 1)
#define CL_EVERY	(CL_BIT(CL_COUNT) - 1)
#define CL_DEFAULT	(CL_BIT(CL_OPENSSL) | CL_BIT(CL_DOTNET))
/* The profiles judged by rules over the findings, not by running OpenSSL. */
#define CL_RULES	(CL_BIT(CL_GNUTLS) | CL_BIT(CL_NSS) | \
	CL_BIT(CL_JAVA) | CL_BIT(CL_GO) | CL_BIT(CL_RFC5280))
#define CL_ENV		"TRUSTFIX_CLIENTS"

/* .NET's own words: SslPolicyErrors and X509ChainStatusFlags. */
enum dotnet_policy {
	DN_NOT_AVAILABLE = 1,	/* RemoteCertificateNotAvailable */
	DN_NAME_MISMATCH = 2,	/* RemoteCertificateNameMismatch */
	DN_CHAIN_ERRORS = 4		/* RemoteCertificateChainErrors */
};

/* X509ChainStatusFlags that .NET on Linux reports. */
enum dotnet_status {
	DN_NOT_TIME_VALID = 1 << 0,
	DN_REVOKED = 1 << 1,
	DN_NOT_SIGNATURE_VALID = 1 << 2,
	DN_NOT_VALID_FOR_USAGE = 1 << 3,
	DN_UNTRUSTED_ROOT = 1 << 4,
	DN_INVALID_BASIC_CONSTRAINTS = 1 << 5,
	DN_NOT_PERMITTED_NAME = 1 << 6,
	DN_EXCLUDED_NAME = 1 << 7,
	DN_PARTIAL_CHAIN = 1 << 8,
	DN_CRITICAL_EXTENSION = 1 << 9,
	DN_CYCLIC = 1 << 10,
	DN_REVOCATION_UNKNOWN = 1 << 11
};

/* "openssl", "openssl-strict", ... */
const char *client_name(enum client_id);
/* How the text output names it: "OpenSSL", ".NET", ... */
const char *client_label(enum client_id);
/*
 * A comma-separated list of ids, or "all" (every real client).  Returns
 * 0 with *set, or -1 and has reported the word it does not know.
 */
int	client_parse(const char *list, unsigned *set);
/* "OpenSSL, GnuTLS and Go" for the clients of set; the caller frees. */
char	*client_words(unsigned set);

#endif

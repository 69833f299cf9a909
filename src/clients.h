/* clients.h - what an OpenSSL client and a .NET client would report. */
#ifndef TRUSTFIX_CLIENTS_H
#define TRUSTFIX_CLIENTS_H

#include <time.h>
#include <jansson.h>
#include <openssl/x509.h>

#include "certlist.h"

struct client_openssl {
	int		 trusted;
	int		 code;		/* X509_V_* of the first error */
	const char	*error;		/* X509_verify_cert_error_string */
};

enum dotnet_policy {
	DN_NOT_AVAILABLE = 1,		/* RemoteCertificateNotAvailable */
	DN_NAME_MISMATCH = 2,		/* RemoteCertificateNameMismatch */
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

struct client_dotnet {
	int		 trusted;
	unsigned	 policy;	/* enum dotnet_policy bits */
	unsigned	 status;	/* enum dotnet_status bits */
	char		*message;	/* what such a client logs, or NULL */
};

struct diagnosis;
struct diag_opts;

/*
 * The OpenSSL client: X509_verify_cert with the anchors in use, the
 * certificates sent (and any given), the host name check and the
 * system's security level (-1: no level check); the first error in
 * OpenSSL's own order.
 */
void	clients_openssl(const struct certlist *sent,
	    const struct diag_opts *o, int seclevel, struct client_openssl *);
/* The .NET client, from the diagnosis's findings and path. */
void	clients_dotnet(const struct diagnosis *d, const struct diag_opts *o,
	    struct client_dotnet *);
/* .NET when no certificate came: RemoteCertificateNotAvailable. */
void	clients_none(struct client_openssl *, struct client_dotnet *);
void	clients_dotnet_clear(struct client_dotnet *);
/* The "clients" object of DESIGN.md. */
json_t	*clients_json(const struct client_openssl *,
	    const struct client_dotnet *);

#endif

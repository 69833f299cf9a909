/* diagnose.h - verification with every error collected, rules, verdict. */
#ifndef TRUSTFIX_DIAGNOSE_H
#define TRUSTFIX_DIAGNOSE_H

#include <time.h>
#include <openssl/x509.h>

#include "certlist.h"
#include "chain.h"
#include "clients.h"
#include "deploy.h"
#include "findings.h"

#define DIAG_EXPIRING_DAYS	30	/* the default of --warn-days */
#define DIAG_MAX_WARN_DAYS	36500

/*
 * Download url within timeout_ms for a revocation check: a CRL (http
 * GET, or the first certificateRevocationList value of an ldap URL;
 * ldap_host serves ldap:/// URLs) or, when body is not NULL, an OCSP
 * answer to body POSTed as ctype.  0 with *resp (the caller frees), or
 * -1 with why in err.
 */
typedef int diag_get_fn(const char *url, const char *ctype,
    const unsigned char *body, size_t blen, const char *ldap_host,
    int timeout_ms, unsigned char **resp, size_t *resp_len, char *err,
    size_t errlen);

struct diag_opts {
	const char	*name;		/* DNS name or IP to check, or NULL */
	time_t		 at;		/* verification time */
	int		 at_given;	/* --at was given */
	int		 server_auth;	/* check the serverAuth purpose */
	int		 aia;		/* fetch missing issuers */
	chain_fetch_fn	*fetch;		/* how; NULL: fetch nothing */
	void		*fetch_arg;
	int		 seclevel;	/* the clients' OpenSSL security level;
					   -1: ask OpenSSL's configuration */
	unsigned	 clients;	/* CL_BIT()s the verdict speaks for */
	const char	*ldap_host;	/* for ldap:/// AIA and CRL URLs */
	int		 no_ldap;	/* read no ldap URL (scan's loop) */
	int		 check_revocation;
	diag_get_fn	*get;		/* its downloads; NULL: none */
	int		 timeout;	/* seconds, per download */
	long long	 deadline;	/* mono_ms(): for all downloads */
	X509_STORE	*anchors;	/* trust anchors in use; never NULL */
	struct deploy_public public_anchors; /* the distribution's, to tell
					   a public root from a private one */
	int		 default_anchors; /* anchors are the client default */
	const struct certlist *untrusted; /* --untrusted, or NULL */
	const char	*target;	/* TARGET as given, for the fixes */
	const char	*connect;	/* --connect, for the fixes */
	const char	*store;		/* --store, for the fixes */
	int		 network;	/* TARGET is a server */
	int		 warn_days;	/* expiring-soon under this many days
					   left; 0: 30; -1: never */
};

struct diagnosis {
	struct findings	 findings;	/* errors first */
	struct chain	*chain;		/* NULL when nothing was received */
	struct certlist	*all;		/* path, then sent but off-path */
	enum deployment	 deployment;
	char		*deployment_evidence;
	char		**suggested;	/* names the client could use */
	int		 trusted;	/* every named client accepts */
	unsigned	 named;		/* the clients the verdict is for */
	int		 seclevel;	/* the OpenSSL level the views used */
	char		*instead;	/* the STARTTLS URL to use instead of
					   TARGET, or NULL */
	struct client_view view[CL_COUNT];
};

/*
 * Diagnose the certificates a server sent (sent->v[0] is its own) for
 * the client described by o.  Returns a diagnosis the caller frees.
 */
struct diagnosis *diagnose_chain(const struct certlist *sent,
	    const struct diag_opts *o);

/*
 * A diagnosis without certificate: handshake-failed, with why, the
 * STARTTLS URL that would work instead (or NULL) for the fix, and how
 * far the attempt got (before TLS, no client judged anything).
 */
struct diagnosis *diagnose_no_certificate(const char *why,
	    const char *instead, enum target_reach reached,
	    const struct diag_opts *o);

/* Add old-protocol: only TLS < 1.2 (protocol) worked with the server. */
void	diagnose_old_protocol(struct diagnosis *, const char *protocol,
	    const struct diag_opts *o);

void	diagnosis_free(struct diagnosis *);

/*
 * The issuer of the path's certificate i when the server did not send it
 * and AIA supplied it (a missing-intermediate that .NET fetches itself
 * when it came over http); NULL otherwise.
 */
/* 1 if e came from an http AIA URL, which .NET on Linux fetches too. */
int	diagnose_fetched_by_dotnet(const struct cert_entry *e);
const struct cert_entry *diagnose_fetched_issuer(const struct diagnosis *,
	    int i);

/* The security level of OpenSSL's default configuration (a TLS client). */
int	diagnose_security_level(void);

/* Internal to the diagnose module: the words of each finding. */
void	explain_findings(struct diagnosis *, const struct diag_opts *);

#endif

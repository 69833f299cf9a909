/* clients.h - each client profile's view of a diagnosis. */
#ifndef TRUSTFIX_CLIENTS_H
#define TRUSTFIX_CLIENTS_H

#include <openssl/x509.h>

#include "certlist.h"
#include "clientid.h"
#include "target.h"

/* What one client would do with the chain, in its own words. */
struct client_view {
	int		 trusted;
	int		 code;		/* OpenSSL views: X509_V_* of the first
					   error; 0 when trusted */
	char		*error;		/* the client's own error, or NULL */
	char		*message;	/* the sentence it logs, or NULL */
	unsigned	 policy;	/* dotnet: enum dotnet_policy bits */
	unsigned	 status;	/* dotnet: enum dotnet_status bits */
};

struct diagnosis;
struct diag_opts;
struct finding;

/*
 * The clients that are OpenSSL underneath (openssl, openssl-strict,
 * dotnet): X509_verify_cert as that client calls it, every error
 * collected; each error marks the finding it means as rejected by that
 * client, or adds it when trustfix's own path avoided it.
 */
void	clients_ossl(struct diagnosis *, const struct certlist *sent,
	    const struct diag_opts *, enum client_id);
/*
 * The clients judged by their rules over the findings (gnutls, nss,
 * java, go, rfc5280): marks and adds findings, then sets their views.
 */
void	clients_rules(struct diagnosis *, const struct certlist *sent,
	    const struct diag_opts *);
/*
 * The view of a rule-judged client from the findings it rejects for;
 * name is the one asked for (--name), or NULL.
 */
void	clients_rule_view(struct diagnosis *, enum client_id,
	    const char *name);
/* What client c says for f when findings.def's words are not it; NULL. */
char	*clients_rule_error(const struct diagnosis *,
	    const struct finding *, enum client_id, const char *name);
/* .NET's trusted, error and message from its policy and status bits. */
void	clients_dotnet_words(struct client_view *);
/*
 * Every view untrusted: no certificate (the attempt got as far as
 * reached; why says what failed), or old protocol.
 */
void	clients_fail(struct diagnosis *, int no_certificate,
	    enum target_reach reached, const char *why);
void	clients_clear(struct diagnosis *);
/*
 * The i-th name of .NET's SslPolicyErrors (policy) or X509ChainStatus
 * flags, and its bit; NULL past the last.
 */
const char *clients_dotnet_flag(int policy, size_t i, unsigned *bit);
/* One line of text for client c: "accepts" or its own words. */
char	*clients_line(const struct diagnosis *, enum client_id c);

#endif

/* clients.c - each client profile's view of a diagnosis. */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509_vfy.h>

#include "clients.h"
#include "diagnose.h"
#include "msg.h"

static const struct {
	unsigned	 bit;
	const char	*name;
} status_names[] = {
	{ DN_NOT_TIME_VALID, "NotTimeValid" },
	{ DN_REVOKED, "Revoked" },
	{ DN_NOT_SIGNATURE_VALID, "NotSignatureValid" },
	{ DN_NOT_VALID_FOR_USAGE, "NotValidForUsage" },
	{ DN_UNTRUSTED_ROOT, "UntrustedRoot" },
	{ DN_INVALID_BASIC_CONSTRAINTS, "InvalidBasicConstraints" },
	{ DN_NOT_PERMITTED_NAME, "HasNotPermittedNameConstraint" },
	{ DN_EXCLUDED_NAME, "HasExcludedNameConstraint" },
	{ DN_PARTIAL_CHAIN, "PartialChain" },
	{ DN_CRITICAL_EXTENSION, "HasNotSupportedCriticalExtension" },
	{ DN_CYCLIC, "Cyclic" },
	{ DN_REVOCATION_UNKNOWN, "RevocationStatusUnknown" },
	{ 0, NULL }
};

static const struct {
	unsigned	 bit;
	const char	*name;
} policy_names[] = {
	{ DN_NOT_AVAILABLE, "RemoteCertificateNotAvailable" },
	{ DN_NAME_MISMATCH, "RemoteCertificateNameMismatch" },
	{ DN_CHAIN_ERRORS, "RemoteCertificateChainErrors" },
	{ 0, NULL }
};

/* How each rule-judged client starts the sentence it logs. */
static const char *const prefix[CL_COUNT] = {
	[CL_GNUTLS] = "*** PKI verification of server certificate failed: ",
	[CL_NSS] = "tstclnt: ",
	[CL_JAVA] = "javax.net.ssl.SSLHandshakeException: ",
	[CL_GO] = "tls: failed to verify certificate: ",
	[CL_RFC5280] = "",
};

void
clients_rule_view(struct diagnosis *d, enum client_id c, const char *name)
{
	struct client_view *v = &d->view[c];
	const struct finding *f = NULL;
	const char *w;
	size_t i;

	for (i = 0; i < d->findings.n && f == NULL; i++)
		if (d->findings.v[i].rejected_by & CL_BIT(c))
			f = &d->findings.v[i];
	free(v->error);
	free(v->message);
	memset(v, 0, sizeof(*v));
	v->trusted = f == NULL;
	if (f == NULL)
		return;
	w = finding_native(f->id, c);
	v->error = clients_rule_error(d, f, c, name);
	if (v->error == NULL)
		v->error = xstrdup(w != NULL ? w : finding_name(f->id));
	v->message = xasprintf("%s%s", prefix[c] ? prefix[c] : "",
	    c == CL_RFC5280 && f->detail != NULL ? f->detail : v->error);
}

/* The sentence .NET logs for the policy errors and chain status. */
static char *
dotnet_message(const struct client_view *v)
{
	char *m, *t;
	const char *sep = " ";
	size_t i;

	if (v->status == 0)
		return xasprintf("The remote certificate is invalid according "
		    "to the validation procedure: %s",
		    (v->policy & DN_NOT_AVAILABLE) ?
		    "RemoteCertificateNotAvailable" :
		    "RemoteCertificateNameMismatch");
	m = xstrdup("The remote certificate is invalid because of errors "
	    "in the certificate chain:");
	for (i = 0; status_names[i].name != NULL; i++) {
		if ((v->status & status_names[i].bit) == 0)
			continue;
		t = xasprintf("%s%s%s", m, sep, status_names[i].name);
		free(m);
		m = t;
		sep = ", ";
	}
	return m;
}

void
clients_dotnet_words(struct client_view *v)
{
	v->trusted = v->policy == 0;
	free(v->message);
	v->message = v->trusted ? NULL : dotnet_message(v);
	free(v->error);
	v->error = v->trusted ? NULL : xstrdup(v->status ?
	    "RemoteCertificateChainErrors" : (v->policy & DN_NOT_AVAILABLE) ?
	    "RemoteCertificateNotAvailable" : "RemoteCertificateNameMismatch");
}

/*
 * TLS never began: no client judged anything, each says what the
 * network said (.NET: HttpRequestException, with the system's words).
 */
static void
unreached(struct diagnosis *d, const char *why)
{
	struct client_view *v;
	int c;

	for (c = 0; c < CL_COUNT; c++) {
		v = &d->view[c];
		v->error = xstrdup(c == CL_DOTNET ? "HttpRequestException" :
		    why);
		if (c == CL_OPENSSL || c == CL_OPENSSL_STRICT)
			v->code = X509_V_ERR_UNSPECIFIED;
		else
			v->message = xstrdup(why);
		if (c == CL_DOTNET)
			v->policy = DN_NOT_AVAILABLE;
	}
}

void
clients_fail(struct diagnosis *d, int no_certificate,
    enum target_reach reached, const char *why)
{
	enum finding_id id = no_certificate ? F_HANDSHAKE_FAILED :
	    F_OLD_PROTOCOL;
	struct client_view *v;
	const char *w;
	int c;

	clients_clear(d);
	if (no_certificate && reached < REACH_TLS && why != NULL) {
		unreached(d, why);
		return;
	}
	for (c = 0; c < CL_COUNT; c++) {
		v = &d->view[c];
		if (c == CL_DOTNET) {
			v->policy = no_certificate ? DN_NOT_AVAILABLE : 0;
			v->error = xstrdup("AuthenticationException");
			v->message = xstrdup(no_certificate ? "The SSL "
			    "connection could not be established, see inner "
			    "exception." : "The SSL connection could not be "
			    "established, see inner exception. "
			    "(Authentication failed: the server offers only "
			    "TLS 1.0/1.1.)");
			continue;
		}
		if (c == CL_OPENSSL || c == CL_OPENSSL_STRICT) {
			/* Not 0: no verification ever said "ok". */
			v->code = X509_V_ERR_UNSPECIFIED;
			v->error = xstrdup(no_certificate ? "no certificate "
			    "received" : "unsupported protocol: the server "
			    "offers only TLS 1.0/1.1");
			continue;
		}
		w = finding_native(id, (enum client_id)c);
		v->error = xstrdup(w != NULL ? w : finding_name(id));
		v->message = xasprintf("%s%s", prefix[c] ? prefix[c] : "",
		    v->error);
	}
}

void
clients_clear(struct diagnosis *d)
{
	int c;

	for (c = 0; c < CL_COUNT; c++) {
		free(d->view[c].error);
		free(d->view[c].message);
		memset(&d->view[c], 0, sizeof(d->view[c]));
	}
}

const char *
clients_dotnet_flag(int policy, size_t i, unsigned *bit)
{
	if (policy) {
		*bit = policy_names[i].bit;
		return policy_names[i].name;
	}
	*bit = status_names[i].bit;
	return status_names[i].name;
}

char *
clients_line(const struct diagnosis *d, enum client_id c)
{
	const struct client_view *v = &d->view[c];

	if (v->trusted)
		return xstrdup(c == CL_OPENSSL || c == CL_OPENSSL_STRICT ?
		    "accepts (verify return code 0)" : c == CL_DOTNET ?
		    "accepts (SslPolicyErrors.None)" : "accepts");
	if ((c == CL_OPENSSL || c == CL_OPENSSL_STRICT) && v->code != 0 &&
	    v->code != X509_V_ERR_UNSPECIFIED)
		return xasprintf("rejects: verify error %d: %s", v->code,
		    v->error ? v->error : "?");
	return xasprintf("rejects: %s", v->message ? v->message :
	    v->error ? v->error : "?");
}

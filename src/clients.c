/* clients.c - what an OpenSSL client and a .NET client would report. */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "clients.h"
#include "diagnose.h"
#include "facts.h"
#include "msg.h"
#include "target.h"

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

void
clients_openssl(const struct certlist *sent, const struct diag_opts *o,
    int seclevel, struct client_openssl *c)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untr = sk_X509_new_null();
	X509_VERIFY_PARAM *param;
	size_t i;

	c->trusted = 0;
	c->code = X509_V_ERR_UNSPECIFIED;
	if (ctx == NULL || untr == NULL)
		goto out;
	for (i = 1; i < sent->n; i++)
		sk_X509_push(untr, sent->v[i].x509);
	for (i = 0; o->untrusted != NULL && i < o->untrusted->n; i++)
		sk_X509_push(untr, o->untrusted->v[i].x509);
	if (!X509_STORE_CTX_init(ctx, o->anchors, sent->v[0].x509, untr))
		goto out;
	param = X509_STORE_CTX_get0_param(ctx);
	if (o->at_given)
		X509_VERIFY_PARAM_set_time(param, o->at);
	if (seclevel >= 0)
		X509_VERIFY_PARAM_set_auth_level(param, seclevel);
	if (o->server_auth)
		X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	if (o->name != NULL && target_is_ip(o->name))
		X509_VERIFY_PARAM_set1_ip_asc(param, o->name);
	else if (o->name != NULL)
		X509_VERIFY_PARAM_set1_host(param, o->name, 0);
	c->trusted = X509_verify_cert(ctx) > 0;
	c->code = X509_STORE_CTX_get_error(ctx);
out:
	c->error = X509_verify_cert_error_string(c->code);
	ERR_clear_error();
	sk_X509_free(untr);
	X509_STORE_CTX_free(ctx);
}

/* .NET checks the extendedKeyUsage of the server certificate only. */
static int
eku_refuses(X509 *leaf)
{
	char **eku = facts_eku(leaf), **e;
	int refuses = eku != NULL;

	for (e = eku; e != NULL && *e != NULL; e++)
		if (strcmp(*e, "serverAuth") == 0 ||
		    strcmp(*e, "anyExtendedKeyUsage") == 0)
			refuses = 0;
	facts_strv_free(eku);
	return refuses;
}

static unsigned
status_of(const struct diagnosis *d)
{
	const struct certlist *p = d->chain->path;
	unsigned st = 0;
	size_t i;

	for (i = 0; i < d->findings.n; i++) {
		const struct finding *f = &d->findings.v[i];

		switch (f->id) {
		case F_SELF_SIGNED:
			st |= DN_UNTRUSTED_ROOT;
			break;
		case F_MISSING_INTERMEDIATE:
			/* An issuer fetched over AIA: .NET fetches it too. */
			if (diagnose_fetched_issuer(d, f->cert) != NULL)
				break;
			/* FALLTHROUGH */
		case F_UNTRUSTED_ROOT:
			/* .NET takes any self-issued certificate as a root. */
			st |= facts_is_self_issued(p->v[p->n - 1].x509) ?
			    DN_UNTRUSTED_ROOT : DN_PARTIAL_CHAIN;
			break;
		case F_EXPIRED:
		case F_NOT_YET_VALID:
			st |= DN_NOT_TIME_VALID;
			break;
		case F_NOT_A_CA:
		case F_PATH_LENGTH:
			st |= DN_INVALID_BASIC_CONSTRAINTS;
			break;
		case F_NAME_CONSTRAINTS:
			st |= f->detail && strstr(f->detail, "excluded") ?
			    DN_EXCLUDED_NAME : DN_NOT_PERMITTED_NAME;
			break;
		case F_BAD_SIGNATURE:
			st |= DN_NOT_SIGNATURE_VALID;
			break;
		case F_REVOKED:
			st |= DN_REVOKED;
			break;
		case F_REVOCATION_UNKNOWN:
			st |= DN_REVOCATION_UNKNOWN;
			break;
		case F_CRITICAL_EXTENSION:
			st |= DN_CRITICAL_EXTENSION;
			break;
		default:
			break;
		}
	}
	if (d->chain->anchored == 0 && facts_is_self_issued(
	    p->v[p->n - 1].x509))
		st |= DN_UNTRUSTED_ROOT;
	if (eku_refuses(p->v[0].x509))
		st |= DN_NOT_VALID_FOR_USAGE;
	return st;
}

static char *
policy_message(unsigned policy)
{
	char *m = xstrdup("The remote certificate is invalid according to "
	    "the validation procedure:"), *t;
	const char *sep = " ";
	size_t i;

	for (i = 0; policy_names[i].name != NULL; i++) {
		if ((policy & policy_names[i].bit) == 0)
			continue;
		t = xasprintf("%s%s%s", m, sep, policy_names[i].name);
		free(m);
		m = t;
		sep = ", ";
	}
	return m;
}

void
clients_dotnet(const struct diagnosis *d, const struct diag_opts *o,
    struct client_dotnet *c)
{
	memset(c, 0, sizeof(*c));
	if (d->chain == NULL) {
		c->policy = DN_NOT_AVAILABLE;
		c->message = xstrdup("The SSL connection could not be "
		    "established, see inner exception.");
		return;
	}
	if (findings_get(&d->findings, F_OLD_PROTOCOL) != NULL) {
		c->message = xstrdup("The SSL connection could not be "
		    "established, see inner exception. (Authentication "
		    "failed: the server offers only TLS 1.0/1.1.)");
		return;
	}
	c->status = status_of(d);
	if (c->status != 0)
		c->policy |= DN_CHAIN_ERRORS;
	if (findings_get(&d->findings, F_NAME_MISMATCH) != NULL)
		c->policy |= DN_NAME_MISMATCH;
	c->trusted = c->policy == 0;
	if (!c->trusted)
		c->message = policy_message(c->policy);
}

void
clients_none(struct client_openssl *os, struct client_dotnet *dn)
{
	os->trusted = 0;
	os->code = 0;
	os->error = "no certificate received";
	memset(dn, 0, sizeof(*dn));
	dn->policy = DN_NOT_AVAILABLE;
	dn->message = xstrdup("The SSL connection could not be established, "
	    "see inner exception.");
}

void
clients_dotnet_clear(struct client_dotnet *c)
{
	if (c == NULL)
		return;
	free(c->message);
	memset(c, 0, sizeof(*c));
}

json_t *
clients_json(const struct client_openssl *os, const struct client_dotnet *dn)
{
	json_t *pol = json_array(), *st = json_array();
	size_t i;

	for (i = 0; policy_names[i].name != NULL; i++)
		if (dn->policy & policy_names[i].bit)
			json_array_append_new(pol,
			    json_string(policy_names[i].name));
	for (i = 0; status_names[i].name != NULL; i++)
		if (dn->status & status_names[i].bit)
			json_array_append_new(st,
			    json_string(status_names[i].name));
	return json_pack("{s:{s:b,s:i,s:s},s:{s:b,s:o,s:o,s:s?}}",
	    "openssl", "trusted", os->trusted, "code", os->code,
	    "error", os->error ? os->error : "",
	    "dotnet", "trusted", dn->trusted, "ssl_policy_errors", pol,
	    "chain_status", st, "message", dn->message);
}

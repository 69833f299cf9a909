/* clients-ossl.c - the views of the clients that verify with OpenSSL. */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "chain.h"
#include "clients.h"
#include "diagnose.h"
#include "facts.h"
#include "msg.h"
#include "target.h"

#define OSSL_MAX_ERRORS	32	/* errors kept of one verification */

struct verr {
	int	 code;
	int	 depth;
	X509	*x;		/* a reference, or NULL */
};

struct run {
	struct verr	 v[OSSL_MAX_ERRORS];
	size_t		 n;
};

static int
collect(int ok, X509_STORE_CTX *ctx)
{
	struct run *r = X509_STORE_CTX_get_app_data(ctx);
	int code, depth;
	size_t i;
	X509 *x;

	if (ok || r == NULL)
		return 1;
	code = X509_STORE_CTX_get_error(ctx);
	depth = X509_STORE_CTX_get_error_depth(ctx);
	for (i = 0; i < r->n; i++)
		if (r->v[i].code == code && r->v[i].depth == depth)
			return 1;
	if (r->n == OSSL_MAX_ERRORS)
		return 1;
	x = X509_STORE_CTX_get_current_cert(ctx);
	if (x != NULL && !X509_up_ref(x))
		x = NULL;
	r->v[r->n].code = code;
	r->v[r->n].depth = depth;
	r->v[r->n].x = x;
	r->n++;
	return 1;
}

/* Its index in d->all, appending it (from the store) when absent. */
static int
cert_index(struct diagnosis *d, X509 *x)
{
	size_t i;

	if (x == NULL)
		return -1;
	for (i = 0; i < d->all->n; i++)
		if (X509_cmp(d->all->v[i].x509, x) == 0)
			return (int)i;
	certlist_add1(d->all, x, NULL, SOURCE_STORE);
	return (int)d->all->n - 1;
}

static int
issuer_class(enum finding_id id)
{
	return id == F_SELF_SIGNED || id == F_UNTRUSTED_ROOT ||
	    id == F_MISSING_INTERMEDIATE;
}

/* Mark the findings of id (on cert, when cert >= 0); how many. */
static int
mark_id(struct diagnosis *d, enum finding_id id, int cert, unsigned bit)
{
	size_t i;
	int n = 0;

	for (i = 0; i < d->findings.n; i++) {
		struct finding *f = &d->findings.v[i];

		if (f->id == id && (cert < 0 || f->cert == cert)) {
			f->rejected_by |= bit;
			n++;
		}
	}
	return n;
}

/*
 * Client c met error e: mark the finding that means it, or add it when
 * trustfix's own path did not meet it (OpenSSL does not backtrack past
 * an expired trusted root, nor accept a trust anchor that is no root).
 */
static void
merge(struct diagnosis *d, enum client_id c, const struct verr *e)
{
	enum finding_id id = finding_of_code(e->code);
	unsigned bit = CL_BIT(c);
	struct finding *f;
	int cert = cert_index(d, e->x);
	char *s;

	if (e->code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	    e->code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	    e->code == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE)
		id = e->depth == 0 &&
		    e->code != X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ?
		    F_MISSING_INTERMEDIATE : F_UNTRUSTED_ROOT;
	if (issuer_class(id)) {
		if (mark_id(d, id, -1, bit) > 0 ||
		    mark_id(d, F_SELF_SIGNED, -1, bit) +
		    mark_id(d, F_UNTRUSTED_ROOT, -1, bit) +
		    mark_id(d, F_MISSING_INTERMEDIATE, -1, bit) > 0)
			return;
	} else if (mark_id(d, id, cert, bit) > 0 ||
	    (cert < 0 && mark_id(d, id, -1, bit) > 0))
		return;
	s = e->x != NULL ? facts_subject(e->x) : NULL;
	f = findings_add(&d->findings, id, SEV_ERROR, cert, NULL,
	    xasprintf("%s: %s (error %d at depth %d%s%s)", client_label(c),
	    X509_verify_cert_error_string(e->code), e->code, e->depth,
	    s ? ", " : "", s ? s : ""), NULL);
	f->code = e->code;
	f->rejected_by |= bit;
	free(s);
}

/* .NET's X509ChainStatusFlags for an OpenSSL error. */
static unsigned
dotnet_status(int code)
{
	switch (code) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		return DN_PARTIAL_CHAIN;
	case X509_V_ERR_EXCLUDED_VIOLATION:
		return DN_EXCLUDED_NAME;
	}
	return finding_dotnet(finding_of_code(code));
}

/*
 * .NET on Linux: self-issued anchors are roots, any other anchor an
 * intermediate (OpenSslCachedSystemStoreProvider); the issuers AIA
 * gave over http are there too, since .NET fetches http caIssuers itself
 * (not ldap ones).
 */
static X509_STORE *
dotnet_store(X509_STORE *anchors, STACK_OF(X509) *untr,
    const struct diagnosis *d)
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(anchors);
	X509_STORE *st = NULL;
	X509 *x;
	size_t k;
	int i, other = 0;

	for (k = 0; d->all != NULL && k < d->all->n; k++)
		if (diagnose_fetched_by_dotnet(&d->all->v[k]))
			sk_X509_push(untr, d->all->v[k].x509);
	for (i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		x = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
		if (x != NULL && !facts_is_self_issued(x))
			other = 1;
	}
	if (!other || (st = X509_STORE_new()) == NULL) {
		X509_STORE_up_ref(anchors);
		return anchors;
	}
	for (i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		x = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
		if (x == NULL)
			continue;
		if (facts_is_self_issued(x))
			X509_STORE_add_cert(st, x);
		else
			sk_X509_push(untr, x);
	}
	return st;
}

/*
 * .NET checks serverAuth on every element (anyExtendedKeyUsage does not
 * stand for it), and the name on its own, without partial wildcards:
 * both as the .NET SslStream client of tests/conformance.sh does.
 */
static void
dotnet_checks(struct diagnosis *d, const struct diag_opts *o,
    X509_STORE_CTX *ctx, struct client_view *v)
{
	STACK_OF(X509) *ch = X509_STORE_CTX_get0_chain(ctx);
	X509 *leaf = d->chain->path->v[0].x509, *x;
	unsigned bit = CL_BIT(CL_DOTNET);
	char *cn;
	int i, ok;

	for (i = 0; o->server_auth && i < sk_X509_num(ch); i++) {
		x = sk_X509_value(ch, i);
		if ((X509_get_extension_flags(x) & EXFLAG_XKUSAGE) &&
		    !(X509_get_extended_key_usage(x) & XKU_SSL_SERVER)) {
			v->status |= DN_NOT_VALID_FOR_USAGE;
			if (mark_id(d, F_NO_SERVER_AUTH, -1, bit) == 0)
				findings_add(&d->findings, F_NO_SERVER_AUTH,
				    SEV_ERROR, cert_index(d, x), NULL,
				    xstrdup(".NET: its extendedKeyUsage lacks "
				    "serverAuth (anyExtendedKeyUsage does not "
				    "count)"), NULL)->rejected_by |= bit;
		}
	}
	if (o->name == NULL)
		return;
	if (target_is_ip(o->name)) {
		ok = X509_check_ip_asc(leaf, o->name, 0) == 1;
		if (!ok && (cn = facts_common_name(leaf)) != NULL) {
			/* An IP falls back to the CN. */
			ok = strcmp(cn, o->name) == 0;
			free(cn);
		}
	} else
		ok = X509_check_host(leaf, o->name, 0,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
	if (!ok) {
		v->policy |= DN_NAME_MISMATCH;
		if (mark_id(d, F_NAME_MISMATCH, -1, bit) == 0)
			findings_add(&d->findings, F_NAME_MISMATCH, SEV_ERROR,
			    0, NULL, xasprintf(".NET: the certificate is not "
			    "valid for %s", o->name), NULL)->rejected_by |=
			    bit;
	}
	ERR_clear_error();
}

/* The verify parameters of client c, as that client sets them. */
static void
params(X509_STORE_CTX *ctx, const struct diagnosis *d,
    const struct diag_opts *o, enum client_id c)
{
	X509_VERIFY_PARAM *p = X509_STORE_CTX_get0_param(ctx);

	X509_VERIFY_PARAM_set_time(p, o->at);
	if (c == CL_DOTNET) {
		X509_VERIFY_PARAM_set_flags(p, X509_V_FLAG_CHECK_SS_SIGNATURE);
		/*
		 * No purpose (.NET checks serverAuth itself, below), but the
		 * anchors' trust for TLS servers: .NET reads the bundle
		 * extracted for them, without the e-mail-only anchors.
		 */
		if (o->server_auth)
			X509_STORE_CTX_set_trust(ctx, X509_TRUST_SSL_SERVER);
		return;
	}
	if (c == CL_OPENSSL_STRICT) {
		X509_VERIFY_PARAM_set_flags(p, X509_V_FLAG_X509_STRICT |
		    X509_V_FLAG_PARTIAL_CHAIN);
		/* Python's ssl module sets this. */
		X509_VERIFY_PARAM_set_hostflags(p,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	}
	if (d->seclevel >= 0)
		X509_VERIFY_PARAM_set_auth_level(p, d->seclevel);
	if (o->server_auth)
		X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	if (o->name != NULL && target_is_ip(o->name))
		X509_VERIFY_PARAM_set1_ip_asc(p, o->name);
	else if (o->name != NULL)
		X509_VERIFY_PARAM_set1_host(p, o->name, 0);
}

/*
 * Revocation evidence found with --check-revocation: the clients are
 * taken to check it as asked (OpenSSL with CRLs, .NET's X509Chain with
 * RevocationMode.Online), so each rejects the certificate it names.
 */
static void
revoked(const struct diagnosis *d, struct run *r)
{
	size_t i;

	for (i = 0; i < d->findings.n && r->n < OSSL_MAX_ERRORS; i++) {
		const struct finding *f = &d->findings.v[i];

		if (f->id != F_REVOKED || f->cert < 0 ||
		    (size_t)f->cert >= d->all->n ||
		    !X509_up_ref(d->all->v[f->cert].x509))
			continue;
		r->v[r->n].code = X509_V_ERR_CERT_REVOKED;
		r->v[r->n].depth = f->cert;
		r->v[r->n].x = d->all->v[f->cert].x509;
		r->n++;
	}
}

static void
words(struct client_view *v, enum client_id c, const struct run *r)
{
	const char *s;

	v->trusted = r->n == 0 && v->policy == 0;
	if (c == CL_DOTNET) {
		clients_dotnet_words(v);
		return;
	}
	v->code = r->n > 0 ? r->v[0].code : X509_V_OK;
	if (v->trusted)
		return;
	s = X509_verify_cert_error_string(v->code);
	v->error = xstrdup(s);
	v->message = c == CL_OPENSSL ? xasprintf("certificate verify failed: "
	    "verify error:num=%d:%s", v->code, s) : xasprintf("[SSL: "
	    "CERTIFICATE_VERIFY_FAILED] certificate verify failed: %s", s);
}

void
clients_ossl(struct diagnosis *d, const struct certlist *sent,
    const struct diag_opts *o, enum client_id c)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untr = sk_X509_new_null();
	struct client_view *v = &d->view[c];
	X509_STORE *st = NULL;
	struct run r;
	size_t i;
	int ready = 0;

	memset(&r, 0, sizeof(r));
	free(v->error);
	free(v->message);
	memset(v, 0, sizeof(*v));
	if (ctx == NULL || untr == NULL)
		goto out;
	for (i = 1; i < sent->n; i++)
		sk_X509_push(untr, sent->v[i].x509);
	for (i = 0; o->untrusted != NULL && i < o->untrusted->n; i++)
		sk_X509_push(untr, o->untrusted->v[i].x509);
	if (c == CL_DOTNET)
		st = dotnet_store(o->anchors, untr, d);
	else if (X509_STORE_up_ref(o->anchors))
		st = o->anchors;
	if (st == NULL || !X509_STORE_CTX_init(ctx, st, sent->v[0].x509,
	    untr))
		goto out;
	ready = 1;
	X509_STORE_CTX_set_app_data(ctx, &r);
	X509_STORE_CTX_set_verify_cb(ctx, collect);
	params(ctx, d, o, c);
	(void)X509_verify_cert(ctx);
	revoked(d, &r);
	for (i = 0; i < r.n; i++) {
		merge(d, c, &r.v[i]);
		if (c == CL_DOTNET)
			v->status |= dotnet_status(r.v[i].code);
	}
	if (c == CL_DOTNET) {
		dotnet_checks(d, o, ctx, v);
		if (v->status != 0)
			v->policy |= DN_CHAIN_ERRORS;
	}
out:
	if (!ready)
		r.v[r.n++].code = X509_V_ERR_OUT_OF_MEM;
	words(v, c, &r);
	for (i = 0; i < r.n; i++)
		X509_free(r.v[i].x);
	ERR_clear_error();
	sk_X509_free(untr);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
}

/* diagnose.c - verification with every error collected, rules, verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "chain.h"
#include "diagnose.h"
#include "facts.h"
#include "msg.h"
#include "names.h"
#include "profile.h"
#include "revoke.h"

/* One rating of a candidate path. */
struct eval {
	const struct diag_opts	*o;
	struct findings		*best;		/* of the best path so far */
	int			*best_score;
	const struct certlist	*path;
	int			 anchored;
	struct findings		*out;
	int			*level;		/* security level, or -1 */
};

static int
ossl_min_bits(int level)
{
	static const int bits[] = { 0, 80, 112, 128, 192, 256 };

	if (level < 0)
		level = 0;
	if (level > 5)
		level = 5;
	return bits[level];
}

int
diagnose_security_level(void)
{
	SSL_CTX *ctx;
	int level = 1;

	if ((ctx = SSL_CTX_new(TLS_client_method())) != NULL) {
		level = SSL_CTX_get_security_level(ctx);
		SSL_CTX_free(ctx);
	}
	ERR_clear_error();
	return level;
}

/* The level the clients use: as given, else OpenSSL's default (once). */
static int
eval_level(struct eval *e)
{
	if (*e->level < 0)
		*e->level = e->o->seclevel >= 0 ? e->o->seclevel :
		    diagnose_security_level();
	return *e->level;
}

static struct finding *
add_code(struct eval *e, enum finding_id id, enum severity sev, int cert,
    int code, char *detail)
{
	struct finding *f;

	f = findings_add(e->out, id, sev, cert, NULL, detail, NULL);
	if (f->code == 0)
		f->code = code;
	return f;
}

static void
add(struct eval *e, enum finding_id id, enum severity sev, int cert,
    char *detail)
{
	findings_add(e->out, id, sev, cert, NULL, detail, NULL);
}

/*
 * The path says depth+1 issued depth, yet OpenSSL found no issuer:
 * OpenSSL refuses that link (key usage, key identifiers, a broken
 * extension).  Say why.
 */
static void
refused_link(struct eval *e, int depth)
{
	X509 *sub, *iss;
	int r;

	if (depth < 0 || (size_t)depth + 1 >= e->path->n)
		return;
	sub = e->path->v[depth].x509;
	iss = e->path->v[depth + 1].x509;
	r = X509_check_issued(iss, sub);
	if (r == X509_V_OK)
		r = X509_V_ERR_UNSPECIFIED;
	add_code(e, finding_of_code(r), SEV_ERROR, depth + 1, r,
	    xasprintf("OpenSSL does not accept it as "
	    "the issuer of certificate %d: %s", depth,
	    X509_verify_cert_error_string(r)));
	ERR_clear_error();
}

static int
verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct eval *e = X509_STORE_CTX_get_app_data(ctx);
	int err, depth;
	enum finding_id id;
	X509 *x;
	char *s;

	if (ok || e == NULL)
		return 1;
	err = X509_STORE_CTX_get_error(ctx);
	depth = X509_STORE_CTX_get_error_depth(ctx);
	x = X509_STORE_CTX_get_current_cert(ctx);
	if (e->anchored && (err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	    err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	    err == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE)) {
		refused_link(e, depth);
		return 1;
	}
	if (finding_judged_here(err))
		return 1;
	id = finding_of_code(err);
	if (depth < 0 || (size_t)depth >= e->path->n)
		depth = 0;
	s = x ? facts_subject(x) : NULL;
	add_code(e, id, SEV_ERROR, depth, err,
	    xasprintf("OpenSSL: %s (error %d at depth %d%s%s)",
	    X509_verify_cert_error_string(err), err, depth, s ? ", " : "",
	    s ? s : ""));
	free(s);
	return 1;
}

/* X509_verify_cert on exactly this path, every error collected. */
static void
eval_openssl(struct eval *e)
{
	const struct certlist *p = e->path;
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untr = sk_X509_new_null();
	X509_VERIFY_PARAM *param;
	unsigned long flags;
	size_t i, top = e->anchored ? p->n - 1 : p->n;

	if (st == NULL || ctx == NULL || untr == NULL)
		goto out;
	if (e->anchored)
		X509_STORE_add_cert(st, p->v[p->n - 1].x509);
	for (i = 1; i < top; i++)
		sk_X509_push(untr, p->v[i].x509);
	if (!X509_STORE_CTX_init(ctx, st, p->v[0].x509, untr))
		goto out;
	X509_STORE_CTX_set_app_data(ctx, e);
	param = X509_STORE_CTX_get0_param(ctx);
	flags = X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN;
	X509_VERIFY_PARAM_set_flags(param, flags);
	X509_VERIFY_PARAM_set_time(param, e->o->at);
	if (e->o->server_auth)
		X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
	(void)X509_verify_cert(ctx);
out:
	ERR_clear_error();
	sk_X509_free(untr);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
}

/* Where the path ends: at an anchor, or why not. */
static void
eval_end(struct eval *e)
{
	const struct certlist *p = e->path;
	X509 *top = p->v[p->n - 1].x509;
	int last = (int)p->n - 1;
	char *s, *aki;

	if (e->anchored)
		return;
	s = facts_subject(top);
	if (chain_self_signed(top)) {
		const struct cert_entry *t = &p->v[last];

		add(e, last == 0 ? F_SELF_SIGNED : F_UNTRUSTED_ROOT,
		    SEV_ERROR, last, xasprintf("%s is self-signed and is not "
		    "among the trust anchors in use%s%s%s", s ? s : "?",
		    t->source == SOURCE_AIA ? " (fetched from " :
		    t->source == SOURCE_SERVER && last > 0 ?
		    " (the server sends it)" : "",
		    t->source == SOURCE_AIA && t->origin ? t->origin : "",
		    t->source == SOURCE_AIA ? ")" : ""));
	} else {
		free(s);
		s = facts_issuer(top);
		aki = facts_aki(top);
		add(e, last == 0 ? F_MISSING_INTERMEDIATE : F_UNTRUSTED_ROOT,
		    SEV_ERROR, last, xasprintf("issuer %s%s%s%s is neither "
		    "sent, nor given, nor a trust anchor", s ? s : "?",
		    aki ? " (key identifier " : "", aki ? aki : "",
		    aki ? ")" : ""));
		free(aki);
	}
	free(s);
}

static void
eval_times(struct eval *e)
{
	const struct certlist *p = e->path;
	time_t at = e->o->at;
	long warn = e->o->warn_days == 0 ? DIAG_EXPIRING_DAYS :
	    e->o->warn_days < 0 ? 0 : e->o->warn_days;
	size_t i;
	int a, b;
	char *t;

	for (i = 0; i < p->n; i++) {
		X509 *x = p->v[i].x509;

		b = ASN1_TIME_cmp_time_t(X509_get0_notBefore(x), at);
		a = ASN1_TIME_cmp_time_t(X509_get0_notAfter(x), at);
		if (a == -2 || b == -2) {
			add(e, F_PROFILE, SEV_ERROR, (int)i, xstrdup("the "
			    "validity dates cannot be read"));
			continue;
		}
		if (b > 0) {
			t = facts_time(X509_get0_notBefore(x));
			add(e, F_NOT_YET_VALID, SEV_ERROR, (int)i,
			    xasprintf("valid from %s", t ? t : "?"));
			free(t);
		}
		if (a < 0) {
			t = facts_time(X509_get0_notAfter(x));
			add(e, F_EXPIRED, SEV_ERROR, (int)i,
			    xasprintf("valid until %s", t ? t : "?"));
			free(t);
		} else if (b <= 0 &&
		    ASN1_TIME_cmp_time_t(X509_get0_notAfter(x),
		    at + warn * 86400) < 0) {
			t = facts_time(X509_get0_notAfter(x));
			add(e, F_EXPIRING_SOON, SEV_WARNING, (int)i,
			    xasprintf("valid until %s: %ld days left, under "
			    "the %ld days of --warn-days", t ? t : "?",
			    facts_days_left(x, at), warn));
			free(t);
		}
	}
}

static void
eval_weak(struct eval *e)
{
	const struct certlist *p = e->path;
	int level, minbits, mdnid, secbits, bits, type;
	size_t i;
	EVP_PKEY *k;
	char *s;

	for (i = 0; i < p->n; i++) {
		X509 *x = p->v[i].x509;
		int anchor = e->anchored && i == p->n - 1;

		if (!anchor && X509_get_signature_info(x, &mdnid, NULL,
		    &secbits, NULL) && (mdnid == NID_md5 ||
		    mdnid == NID_sha1 || mdnid == NID_md4 ||
		    mdnid == NID_md2 || mdnid == NID_md5_sha1)) {
			level = eval_level(e);
			minbits = ossl_min_bits(level);
			s = facts_signature(x);
			add_code(e, F_WEAK_SIGNATURE, SEV_ERROR, (int)i,
			    X509_V_ERR_CA_MD_TOO_WEAK, xasprintf(
			    "signed with %s (%d bits of security; security "
			    "level %d requires %d)", s ? s : OBJ_nid2sn(mdnid),
			    secbits, level, minbits));
			free(s);
		}
		if ((k = X509_get0_pubkey(x)) == NULL)
			continue;
		type = EVP_PKEY_get_base_id(k);
		bits = EVP_PKEY_get_bits(k);
		secbits = EVP_PKEY_get_security_bits(k);
		if (((type == EVP_PKEY_RSA || type == EVP_PKEY_RSA_PSS ||
		    type == EVP_PKEY_DSA) && bits < 2048) ||
		    (type == EVP_PKEY_EC && bits < 256)) {
			level = eval_level(e);
			minbits = ossl_min_bits(level);
			s = facts_key(x);
			add_code(e, F_WEAK_KEY, SEV_ERROR, (int)i, i == 0 ?
			    X509_V_ERR_EE_KEY_TOO_SMALL :
			    X509_V_ERR_CA_KEY_TOO_SMALL,
			    xasprintf("%s key (%d bits "
			    "of security; security level %d requires %d)",
			    s ? s : "?", secbits, level, minbits));
			free(s);
		}
	}
	ERR_clear_error();
}

/*
 * Intermediates the path needs but the server did not send: fetched over
 * AIA.  .NET and browsers fetch http ones too, OpenSSL clients do not, so
 * a mail router still fails: the same finding as an issuer not found at
 * all, on the certificate whose issuer is missing.  Over LDAP only
 * Windows fetches them.
 */
static void
eval_fetched(struct eval *e)
{
	const struct certlist *p = e->path;
	size_t i, top = e->anchored ? p->n - 1 : p->n;
	char *s;

	for (i = 1; i < top; i++) {
		if (p->v[i].source != SOURCE_AIA ||
		    chain_self_signed(p->v[i].x509))
			continue;
		s = facts_subject(p->v[i].x509);
		if (diagnose_fetched_by_dotnet(&p->v[i]))
			add(e, F_MISSING_INTERMEDIATE, SEV_ERROR, (int)i - 1,
			    xasprintf("the server does not send %s; trustfix "
			    "fetched it from %s (AIA caIssuers). .NET and "
			    "browsers fetch it too, OpenSSL clients do not: "
			    "they stop with \"unable to get local issuer "
			    "certificate\"", s ? s : "?", p->v[i].origin ?
			    p->v[i].origin : "its AIA URL"));
		else
			add(e, F_MISSING_INTERMEDIATE, SEV_ERROR, (int)i - 1,
			    xasprintf("the server does not send %s; trustfix "
			    "fetched it over LDAP from %s (AIA caIssuers), as "
			    "Windows domain members do. OpenSSL clients and "
			    ".NET on Linux (http AIA only) do not: they stop "
			    "with \"unable to get local issuer certificate\"",
			    s ? s : "?", p->v[i].origin ? p->v[i].origin :
			    "its AIA URL"));
		free(s);
	}
}

static void
eval_path(struct eval *e)
{
	eval_openssl(e);
	eval_end(e);
	eval_fetched(e);
	eval_times(e);
	eval_weak(e);
	profile_check(e->path, e->anchored, e->o->server_auth, e->o->name,
	    e->out);
}

static int
judge(const struct certlist *path, int anchored, void *arg)
{
	struct eval e = *(struct eval *)arg;
	struct findings f;
	int score;

	memset(&f, 0, sizeof(f));
	e.path = path;
	e.anchored = anchored;
	e.out = &f;
	eval_path(&e);
	score = (int)findings_errors(&f) + (anchored ? 0 : 1000);
	/* Path building keeps the first best path: keep its findings. */
	if (*e.best_score < 0 || score < *e.best_score) {
		findings_clear(e.best);
		*e.best = f;
		*e.best_score = score;
	} else
		findings_clear(&f);
	return score;
}

static void
check_name(struct diagnosis *d, const struct diag_opts *o, struct eval *e)
{
	X509 *leaf = d->chain->path->v[0].x509;
	char **dns, **ips, *cn, *n = msg_escape(o->name);

	switch (names_check(leaf, o->name)) {
	case NAME_MATCH_SAN:
		break;
	case NAME_MATCH_CN_ONLY:
		cn = facts_common_name(leaf);
		add(e, F_CN_ONLY, SEV_ERROR, 0, xasprintf("the certificate "
		    "has no subjectAltName; only its CN (%s) carries %s",
		    cn ? cn : "?", n));
		free(cn);
		break;
	case NAME_MISMATCH:
		d->suggested = names_suggest(leaf, o->name);
		dns = facts_dns_names(leaf);
		ips = facts_ip_addresses(leaf);
		cn = facts_common_name(leaf);
		/* Without SANs the certificate fails twice: the name, and
		 * the CN-only form that browsers and phones refuse. */
		if (X509_get_ext_by_NID(leaf, NID_subject_alt_name, -1) < 0)
			add(e, F_CN_ONLY, SEV_ERROR, 0, xasprintf("the "
			    "certificate has no subjectAltName; only its CN "
			    "(%s) carries a name", cn ? cn : "none"));
		if (facts_strv_len(dns) + facts_strv_len(ips) == 0)
			add(e, F_NAME_MISMATCH, SEV_ERROR, 0, xasprintf("the "
			    "certificate has no subjectAltName and its CN "
			    "(%s) is not %s", cn ? cn : "none", n));
		else
			add(e, F_NAME_MISMATCH, SEV_ERROR, 0, xasprintf("%s "
			    "is none of the certificate's subjectAltNames "
			    "(%zu)", n, facts_strv_len(dns) +
			    facts_strv_len(ips)));
		facts_strv_free(dns);
		facts_strv_free(ips);
		free(cn);
		break;
	case NAME_INVALID:
		add(e, F_INVALID_NAME, SEV_ERROR, -1, xasprintf("%s is no "
		    "host name and no IP address", n));
		break;
	}
	free(n);
}

static int
weakest_bits(const struct certlist *l)
{
	int i, weakest = 256, bits;
	size_t k;

	for (k = 0; k < l->n; k++) {
		X509 *x = l->v[k].x509;

		if (X509_get0_pubkey(x) != NULL &&
		    (bits = EVP_PKEY_get_security_bits(X509_get0_pubkey(x))) <
		    weakest)
			weakest = bits;
		if (X509_get_signature_info(x, NULL, NULL, &i, NULL) &&
		    i < weakest && !chain_self_signed(x))
			weakest = i;
	}
	ERR_clear_error();
	return weakest;
}

static void
collect_all(struct diagnosis *d)
{
	size_t i;

	d->all = certlist_new();
	for (i = 0; i < d->chain->path->n; i++)
		certlist_add1(d->all, d->chain->path->v[i].x509,
		    d->chain->path->v[i].origin, d->chain->path->v[i].source);
	for (i = 0; i < d->chain->offpath->n; i++)
		certlist_add1(d->all, d->chain->offpath->v[i].x509,
		    d->chain->offpath->v[i].origin,
		    d->chain->offpath->v[i].source);
}

/*
 * Each client's view, then the severities and the verdict for the named
 * clients.  The rule-judged views come first: they judge the findings of
 * trustfix's own path, before the OpenSSL clients add what their own
 * path building meets.
 */
static void
verdict(struct diagnosis *d, const struct certlist *sent,
    const struct diag_opts *o)
{
	int c;

	d->named = o->clients != 0 ? o->clients : CL_DEFAULT;
	if (sent != NULL) {
		clients_rules(d, sent, o);
		clients_ossl(d, sent, o, CL_OPENSSL);
		clients_ossl(d, sent, o, CL_OPENSSL_STRICT);
		clients_ossl(d, sent, o, CL_DOTNET);
		for (c = CL_GNUTLS; c < CL_COUNT; c++)
			clients_rule_view(d, (enum client_id)c, o->name);
	}
	findings_judge(&d->findings, d->named);
	explain_findings(d, o);
	findings_sort(&d->findings);
	d->trusted = d->chain != NULL;
	for (c = 0; c < CL_COUNT; c++)
		if ((d->named & CL_BIT(c)) && !d->view[c].trusted)
			d->trusted = 0;
}

struct diagnosis *
diagnose_chain(const struct certlist *sent, const struct diag_opts *o)
{
	struct diagnosis *d = xcalloc(1, sizeof(*d));
	struct chain_opts copts;
	struct findings best;
	struct eval e;
	int best_score = -1, level = -1;

	memset(&e, 0, sizeof(e));
	memset(&best, 0, sizeof(best));
	e.o = o;
	e.best = &best;
	e.best_score = &best_score;
	e.level = &level;
	copts.fetch = o->aia ? o->fetch : NULL;
	copts.fetch_arg = o->fetch_arg;
	copts.deadline = o->deadline;
	copts.timeout = o->timeout;
	copts.at = o->at;
	copts.ldap_host = o->ldap_host;
	copts.no_ldap = o->no_ldap;
	d->chain = chain_build(sent, o->untrusted, o->anchors, &copts, judge,
	    &e);
	e.path = d->chain->path;
	e.anchored = d->chain->anchored;
	e.out = &d->findings;
	findings_move(&d->findings, &best);
	if (o->check_revocation)
		revoke_check(d->chain, o, &d->findings);
	if (o->name != NULL)
		check_name(d, o, &e);
	if (d->chain->order != NULL)
		add(&e, F_CHAIN_ORDER, SEV_WARNING, -1,
		    xstrdup(d->chain->order));
	collect_all(d);
	d->deployment = deploy_classify(d->all, &o->public_anchors,
	    &d->deployment_evidence);
	/*
	 * Creating an SSL_CTX to learn the level costs a millisecond: only
	 * when a key or signature gives less than 128 bits of security,
	 * which no default level up to 3 refuses.
	 */
	if (level < 0 && o->seclevel >= 0)
		level = o->seclevel;
	else if (level < 0 && weakest_bits(d->all) < 128)
		level = diagnose_security_level();
	d->seclevel = level;
	verdict(d, sent, o);
	return d;
}

struct diagnosis *
diagnose_no_certificate(const char *why, const char *instead,
    enum target_reach reached, const struct diag_opts *o)
{
	struct diagnosis *d = xcalloc(1, sizeof(*d));

	d->seclevel = -1;
	d->instead = instead != NULL ? xstrdup(instead) : NULL;
	d->all = certlist_new();
	d->deployment = DEPLOY_PRIVATE_CA;
	findings_add(&d->findings, F_HANDSHAKE_FAILED, SEV_ERROR, -1, NULL,
	    xstrdup(why), NULL)->rejected_by = CL_EVERY;
	clients_fail(d, 1, reached, why);
	verdict(d, NULL, o);
	return d;
}

void
diagnose_old_protocol(struct diagnosis *d, const char *protocol,
    const struct diag_opts *o)
{
	findings_add(&d->findings, F_OLD_PROTOCOL, SEV_ERROR, -1, NULL,
	    xasprintf("the handshake failed with TLS 1.2 and later and "
	    "succeeded with %s once old protocols were allowed",
	    protocol ? protocol : "TLS 1.0/1.1"), NULL)->rejected_by =
	    CL_EVERY;
	clients_fail(d, 0, REACH_TLS, NULL);
	verdict(d, NULL, o);
}

int
diagnose_fetched_by_dotnet(const struct cert_entry *e)
{
	return e->source == SOURCE_AIA && e->origin != NULL &&
	    facts_url_kind(e->origin) == URL_HTTP;
}

const struct cert_entry *
diagnose_fetched_issuer(const struct diagnosis *d, int i)
{
	const struct certlist *p = d->chain != NULL ? d->chain->path : NULL;

	if (p == NULL || i < 0 || (size_t)i + 1 >= p->n ||
	    p->v[i + 1].source != SOURCE_AIA)
		return NULL;
	return &p->v[i + 1];
}

void
diagnosis_free(struct diagnosis *d)
{
	if (d == NULL)
		return;
	findings_clear(&d->findings);
	chain_free(d->chain);
	certlist_free(d->all);
	free(d->deployment_evidence);
	facts_strv_free(d->suggested);
	free(d->instead);
	clients_clear(d);
	free(d);
}

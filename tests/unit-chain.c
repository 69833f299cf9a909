/* unit-chain.c - path building with backtracking, AIA answers, findings. */
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

#include "certblob.h"
#include "chain.h"
#include "findings.h"
#include "monoclock.h"
#include "tap.h"

static EVP_PKEY *
key(void)
{
	return EVP_EC_gen("P-256");
}

/* A certificate for cn and key k, signed by issuer (NULL: itself). */
static X509 *
mk(const char *cn, EVP_PKEY *k, X509 *issuer, EVP_PKEY *ik, long from,
    long until, int ca)
{
	X509 *x = X509_new();
	X509V3_CTX v3;
	X509_EXTENSION *e;
	static long serial = 1;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(issuer ? issuer : x));
	X509_time_adj_ex(X509_getm_notBefore(x), 0, from, NULL);
	X509_time_adj_ex(X509_getm_notAfter(x), 0, until, NULL);
	X509_set_pubkey(x, k);
	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
	    ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	X509_sign(x, ik ? ik : k, EVP_sha256());
	return x;
}

/* Judge: one point per certificate that is not valid now. */
static int
judge(const struct certlist *path, int anchored, void *arg)
{
	size_t i;
	int score = anchored ? 0 : 1000;

	(void)arg;
	for (i = 0; i < path->n; i++)
		if (X509_cmp_current_time(X509_get0_notAfter(path->v[i].x509))
		    < 0)
			score++;
	return score;
}

static void
test_backtracking(void)
{
	EVP_PKEY *rk = key(), *ik = key(), *lk = key();
	X509 *r = mk("root", rk, NULL, NULL, -10, 3650, 1);
	/* Two intermediates with one name and key; the first has expired. */
	X509 *i1 = mk("inter", ik, r, rk, -400, -1, 1);
	X509 *i2 = mk("inter", ik, r, rk, -10, 365, 1);
	X509 *l = mk("leaf", lk, i2, ik, -1, 30, 0);
	X509_STORE *st = X509_STORE_new(), *empty;
	struct certlist *sent = certlist_new();
	struct chain_opts o = { .fetch = NULL, .deadline = 0, .timeout = 1 };
	struct chain *c;

	X509_STORE_add_cert(st, r);
	certlist_add1(sent, l, NULL, SOURCE_SERVER);
	certlist_add1(sent, i1, NULL, SOURCE_SERVER);
	certlist_add1(sent, i2, NULL, SOURCE_SERVER);
	c = chain_build(sent, NULL, st, &o, judge, NULL);
	is_int(c->path->n, 3, "backtracking: a path of three");
	ok(c->anchored, "backtracking: anchored");
	ok(c->path->n > 1 && X509_cmp(c->path->v[1].x509, i2) == 0,
	    "backtracking: the valid intermediate, not the first one");
	is_int(c->score, 0, "backtracking: a path without fault");
	is_int(c->path->v[2].source, SOURCE_STORE, "the root from the store");
	ok(c->sent_in_path[0] && !c->sent_in_path[1] && c->sent_in_path[2],
	    "in_path: the expired intermediate is off the path");
	is_int(c->offpath->n, 1, "one certificate off the path");
	ok(c->order != NULL && strstr(c->order, "certificate 3 of 3") != NULL,
	    "order: the intermediate used was sent third");
	chain_free(c);

	/* Without the root: the path stops below it. */
	empty = X509_STORE_new();
	c = chain_build(sent, NULL, empty, &o, judge, NULL);
	ok(!c->anchored, "no anchor: not anchored");
	is_int(c->path->n, 2, "no anchor: leaf and intermediate");
	chain_free(c);
	X509_STORE_free(empty);

	ok(chain_self_signed(r), "the root is self-signed");
	ok(!chain_self_signed(l), "the leaf is not");
	ok(chain_names_issuer(i2, l), "i2 names the leaf's issuer");
	ok(chain_is_anchor(st, r) && !chain_is_anchor(st, i2),
	    "chain_is_anchor");
	certlist_free(sent);
	X509_STORE_free(st);
	X509_free(r);
	X509_free(i1);
	X509_free(i2);
	X509_free(l);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(lk);
}

/* What the offline fetch was asked, and the issuer it answers with. */
struct asked {
	X509		*issuer;
	int		 calls;
	char		 urls[256];
	const char	*ldap_host;
	int		 timeout_ms;
};

static int
fake_fetch(const char *url, const char *ldap_host, int timeout_ms,
    STACK_OF(X509) **out, char *err, size_t errlen, void *arg)
{
	struct asked *a = arg;

	a->calls++;
	strncat(a->urls, url, sizeof(a->urls) - strlen(a->urls) - 2);
	strcat(a->urls, " ");
	a->ldap_host = ldap_host;
	a->timeout_ms = timeout_ms;
	if (strncmp(url, "http://", 7) != 0) {
		snprintf(err, errlen, "no such entry");
		return -1;
	}
	*out = sk_X509_new_null();
	X509_up_ref(a->issuer);
	sk_X509_push(*out, a->issuer);
	return 0;
}

/* A missing issuer comes through the caller's function, not the network. */
static void
test_fetch_callback(void)
{
	EVP_PKEY *rk = key(), *ik = key(), *lk = key();
	X509 *r = mk("root", rk, NULL, NULL, -10, 3650, 1);
	X509 *i = mk("inter", ik, r, rk, -10, 365, 1);
	X509 *l = mk("leaf", lk, i, ik, -1, 30, 0);
	X509_STORE *st = X509_STORE_new();
	struct certlist *sent = certlist_new();
	struct asked a = { .issuer = i };
	struct chain_opts o = { .fetch = fake_fetch, .fetch_arg = &a,
	    .timeout = 2, .ldap_host = "dc1.contoso.test", .no_ldap = 0 };
	X509V3_CTX v3;
	X509_EXTENSION *e;
	struct chain *c;

	X509V3_set_ctx(&v3, i, l, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v3, NID_info_access,
	    "caIssuers;URI:ldap:///CN=inter?cACertificate,"
	    "caIssuers;URI:http://pki.contoso.test/inter.crt");
	X509_add_ext(l, e, -1);
	X509_EXTENSION_free(e);
	X509_sign(l, ik, EVP_sha256());
	X509_STORE_add_cert(st, r);
	certlist_add1(sent, l, NULL, SOURCE_SERVER);

	o.deadline = mono_ms() + 60000;
	c = chain_build(sent, NULL, st, &o, judge, NULL);
	ok(c->anchored && c->path->n == 3, "fetch: the issuer from the "
	    "caller's function completes the path");
	is_int(c->path->n > 1 ? (int)c->path->v[1].source : -1, SOURCE_AIA,
	    "fetch: the intermediate is marked as fetched");
	is_str(a.urls, "ldap:///CN=inter?cACertificate "
	    "http://pki.contoso.test/inter.crt ",
	    "fetch: asked for both URLs, in order");
	ok(a.ldap_host != NULL && strcmp(a.ldap_host, "dc1.contoso.test") == 0,
	    "fetch: given the host for ldap:/// URLs");
	ok(a.timeout_ms > 0 && a.timeout_ms <= 2000,
	    "fetch: within the per-download limit (%d ms)", a.timeout_ms);
	chain_free(c);

	memset(a.urls, 0, sizeof(a.urls));
	a.calls = 0;
	o.no_ldap = 1;
	c = chain_build(sent, NULL, st, &o, judge, NULL);
	is_str(a.urls, "http://pki.contoso.test/inter.crt ",
	    "no_ldap: the ldap URL is not asked");
	chain_free(c);

	a.calls = 0;
	o.deadline = mono_ms() - 1;
	c = chain_build(sent, NULL, st, &o, judge, NULL);
	is_int(a.calls, 0, "out of time: nothing asked");
	ok(!c->anchored && c->aia_log != NULL && c->aia_log[0] != NULL &&
	    strstr(c->aia_log[0], "out of time") != NULL,
	    "out of time: said in the AIA log");
	chain_free(c);

	certlist_free(sent);
	X509_STORE_free(st);
	X509_free(r);
	X509_free(i);
	X509_free(l);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(lk);
}

static void
test_parse(void)
{
	EVP_PKEY *k = key();
	X509 *a = mk("a", k, NULL, NULL, 0, 1, 1), *b = mk("b", k, NULL, NULL,
	    0, 1, 1);
	STACK_OF(X509) *sk = NULL, *in = sk_X509_new_null();
	unsigned char *der = NULL;
	PKCS7 *p7 = PKCS7_new();
	BIO *mem = BIO_new(BIO_s_mem());
	char *pem;
	long pemlen;
	int len;

	len = i2d_X509(a, &der);
	ok(certblob_parse(der, (size_t)len, &sk) == 0 &&
	    sk_X509_num(sk) == 1, "DER: one certificate");
	sk_X509_pop_free(sk, X509_free);
	ok(certblob_parse(der, (size_t)len - 1, &sk) != 0,
	    "truncated DER: none");
	OPENSSL_free(der);
	der = NULL;

	PEM_write_bio_X509(mem, a);
	PEM_write_bio_X509(mem, b);
	pemlen = BIO_get_mem_data(mem, &pem);
	ok(certblob_parse((unsigned char *)pem, (size_t)pemlen, &sk) == 0 &&
	    sk_X509_num(sk) == 2, "PEM: two certificates");
	sk_X509_pop_free(sk, X509_free);

	sk_X509_push(in, a);
	sk_X509_push(in, b);
	PKCS7_set_type(p7, NID_pkcs7_signed);
	PKCS7_content_new(p7, NID_pkcs7_data);
	PKCS7_add_certificate(p7, a);
	PKCS7_add_certificate(p7, b);
	len = i2d_PKCS7(p7, &der);
	ok(certblob_parse(der, (size_t)len, &sk) == 0 &&
	    sk_X509_num(sk) == 2, "PKCS#7 certs-only: two certificates");
	sk_X509_pop_free(sk, X509_free);
	ok(certblob_parse((const unsigned char *)"<html>", 6, &sk) != 0 &&
	    sk == NULL, "HTML: no certificate");
	OPENSSL_free(der);
	PKCS7_free(p7);
	BIO_free(mem);
	sk_X509_free(in);
	X509_free(a);
	X509_free(b);
	EVP_PKEY_free(k);
}

static void
test_findings(void)
{
	/* The ids of DESIGN.md, in its order: a contract. */
	static const char *const design[] = { "self-signed",
	    "untrusted-root", "missing-intermediate", "name-mismatch",
	    "cn-only", "expired", "not-yet-valid", "expiring-soon",
	    "weak-signature", "weak-key", "no-server-auth", "not-a-ca",
	    "path-length", "name-constraints", "revoked", "chain-order",
	    "handshake-failed", "old-protocol" };
	struct findings fs;
	size_t i, j;
	int dup = 0;

	for (i = 0; i < sizeof(design) / sizeof(design[0]); i++)
		is_str(finding_name((enum finding_id)i), design[i],
		    "finding id %zu is %s", i, design[i]);
	for (i = 0; i < F_COUNT; i++)
		for (j = i + 1; j < F_COUNT; j++)
			dup += strcmp(finding_name((enum finding_id)i),
			    finding_name((enum finding_id)j)) == 0;
	is_int(dup, 0, "finding ids are unique");
	memset(&fs, 0, sizeof(fs));
	findings_add(&fs, F_CHAIN_ORDER, SEV_WARNING, -1, NULL, NULL, NULL);
	findings_add(&fs, F_EXPIRED, SEV_ERROR, 1, NULL, strdup("a"), NULL);
	findings_add(&fs, F_EXPIRED, SEV_ERROR, 1, NULL, strdup("b"), NULL);
	findings_add(&fs, F_EXPIRED, SEV_ERROR, 0, NULL, NULL, NULL);
	is_int(fs.n, 3, "one finding per id and certificate");
	is_int(findings_errors(&fs), 2, "two errors");
	findings_sort(&fs);
	is_int(fs.v[0].severity, SEV_ERROR, "errors first");
	is_int(fs.v[2].id, F_CHAIN_ORDER, "warnings after");
	is_str(fs.v[0].detail, "a", "the first evidence is kept");
	is_str(severity_name(SEV_WARNING), "warning", "severity names");
	findings_clear(&fs);
	findings_clear(NULL);
}

int
main(void)
{
	test_backtracking();
	test_fetch_callback();
	test_parse();
	test_findings();
	return tap_done();
}

/* unit-facts.c - facts of certificates built in memory, checked one by one. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "facts.h"
#include "factsmemo.h"
#include "tap.h"

#define LDAP_AIA "ldap:///CN=Contoso%20Root%20CA,CN=AIA," \
	"CN=Public%20Key%20Services,CN=Services,CN=Configuration," \
	"DC=contoso,DC=test?cACertificate?base?objectClass=" \
	"certificationAuthority"
#define HTTP_AIA "http://pki.contoso.test/aia/root.crt"
#define CDP_URL "http://pki.contoso.test/CertEnroll/Contoso%20Root%20CA.crl"
#define OCSP_URL "http://ocsp.contoso.test/"

struct spec {
	const char	*cn, *o;	/* subject */
	EVP_PKEY	*key;		/* subject key */
	X509		*issuer;	/* NULL: self-issued */
	EVP_PKEY	*ikey;		/* signing key */
	const EVP_MD	*md;
	long		 serial;
	time_t		 nb, na;
	const char	*exts[12];	/* "name=value", NULL-ended */
};

static void
add_ext(X509 *x, X509 *issuer, const char *spec)
{
	char *name = strdup(spec), *value = strchr(name, '=');
	X509_EXTENSION *ext;
	X509V3_CTX ctx;

	*value++ = '\0';
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_nconf(NULL, &ctx, name, value);
	if (ext == NULL || !X509_add_ext(x, ext, -1)) {
		fprintf(stderr, "bad extension %s\n", spec);
		abort();
	}
	X509_EXTENSION_free(ext);
	free(name);
}

/* AIA with URLs that hold commas, which the config syntax cannot take. */
static void
add_aia(X509 *x, const int *methods, const char *const *urls, int n)
{
	AUTHORITY_INFO_ACCESS *aia = sk_ACCESS_DESCRIPTION_new_null();
	ACCESS_DESCRIPTION *ad;
	ASN1_IA5STRING *s;
	int i;

	for (i = 0; i < n; i++) {
		ad = ACCESS_DESCRIPTION_new();
		ad->method = OBJ_nid2obj(methods[i]);
		s = ASN1_IA5STRING_new();
		ASN1_STRING_set(s, urls[i], -1);
		GENERAL_NAME_set0_value(ad->location, GEN_URI, s);
		sk_ACCESS_DESCRIPTION_push(aia, ad);
	}
	X509_add1_ext_i2d(x, NID_info_access, aia, 0, X509V3_ADD_DEFAULT);
	AUTHORITY_INFO_ACCESS_free(aia);
}

static X509 *
make(const struct spec *s)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	int i;

	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), s->serial);
	if (s->o != NULL)
		X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
		    (const unsigned char *)s->o, -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)s->cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, s->issuer != NULL ?
	    X509_get_subject_name(s->issuer) : n);
	X509_NAME_free(n);
	ASN1_TIME_set(X509_getm_notBefore(x), s->nb);
	ASN1_TIME_set(X509_getm_notAfter(x), s->na);
	X509_set_pubkey(x, s->key);
	for (i = 0; s->exts[i] != NULL; i++)
		add_ext(x, s->issuer != NULL ? s->issuer : x, s->exts[i]);
	return x;
}

static void
sign(X509 *x, const struct spec *s)
{
	if (!X509_sign(x, s->ikey, s->md)) {
		fprintf(stderr, "cannot sign %s\n", s->cn);
		abort();
	}
}

static int
has(char **v, const char *want)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		if (strcmp(v[i], want) == 0)
			return 1;
	return 0;
}

static int
has_prefix(char **v, const char *want)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		if (strncmp(v[i], want, strlen(want)) == 0)
			return 1;
	return 0;
}

static void
test_root(X509 *root, EVP_PKEY *ec)
{
	char *s, **v;

	is_str(s = facts_subject(root), "CN=Contoso Root CA, O=Contoso",
	    "subject: most significant first, comma and space");
	free(s);
	ok(facts_is_self_signed(root), "root is self-signed");
	ok(facts_is_self_issued(root), "root is self-issued");
	ok(facts_is_ca(root), "root is a CA");
	is_str(s = facts_key(root), "EC P-256", "EC key named by its curve");
	free(s);
	is_str(s = facts_signature(root), "ecdsa-with-SHA256",
	    "EC signature algorithm");
	free(s);
	v = facts_adcs_markers(root);
	is_int(facts_strv_len(v), 1, "root: one AD CS marker");
	ok(has(v, "CA version (1.3.6.1.4.1.311.21.1)"),
	    "root: CA version extension found");
	facts_strv_free(v);
	ok(facts_eku(root) == NULL, "no extendedKeyUsage is NULL");
	ok((s = facts_ski(root)) != NULL && strlen(s) == 59,
	    "SKI as 20 hex bytes with colons");
	free(s);
	(void)ec;
}

static void
test_leaf_names(X509 *leaf)
{
	char **v;

	v = facts_dns_names(leaf);
	is_int(facts_strv_len(v), 2, "two DNS names");
	ok(v != NULL && strcmp(v[0], "mail.contoso.test") == 0 &&
	    strcmp(v[1], "autodiscover.contoso.test") == 0,
	    "DNS names in order");
	facts_strv_free(v);
	v = facts_ip_addresses(leaf);
	is_int(facts_strv_len(v), 2, "two IP addresses");
	ok(has(v, "192.0.2.1"), "IPv4 address as text");
	ok(has(v, "2001:db8::1"), "IPv6 address compressed");
	facts_strv_free(v);
	v = facts_eku(leaf);
	ok(has(v, "serverAuth") && has(v, "clientAuth") &&
	    facts_strv_len(v) == 2, "EKU short names");
	facts_strv_free(v);
	v = facts_ca_issuers(leaf);
	ok(facts_strv_len(v) == 2 && has(v, LDAP_AIA) && has(v, HTTP_AIA),
	    "AIA caIssuers URLs, ldap and http");
	facts_strv_free(v);
	v = facts_ocsp_urls(leaf);
	ok(facts_strv_len(v) == 1 && has(v, OCSP_URL), "AIA OCSP URL");
	facts_strv_free(v);
	v = facts_crl_urls(leaf);
	ok(facts_strv_len(v) == 1 && has(v, CDP_URL), "CDP URL");
	facts_strv_free(v);
}

static void
test_leaf(X509 *leaf, X509 *root)
{
	char *s, *r, **v;

	test_leaf_names(leaf);
	ok(!facts_is_self_signed(leaf), "leaf is not self-signed");
	ok(!facts_is_self_issued(leaf), "leaf is not self-issued");
	ok(!facts_is_ca(leaf), "CA:FALSE is not a CA");
	is_str(s = facts_key(leaf), "RSA 2048", "RSA key and size");
	free(s);
	is_str(s = facts_signature(leaf), "ecdsa-with-SHA384",
	    "signature of the issuer's algorithm");
	free(s);
	is_str(s = facts_serial(leaf), "0123abcd", "serial lowercase hex");
	free(s);
	is_str(s = facts_issuer(leaf), "CN=Contoso Root CA, O=Contoso",
	    "issuer name");
	free(s);
	is_str(s = facts_common_name(leaf), "mail.contoso.test",
	    "common name");
	free(s);
	s = facts_aki(leaf);
	r = facts_ski(root);
	ok(s != NULL && r != NULL && strcmp(s, r) == 0,
	    "AKI of the leaf is the SKI of the root");
	free(s);
	free(r);
	v = facts_adcs_markers(leaf);
	ok(has(v, "certificate template (1.3.6.1.4.1.311.21.7)"),
	    "template extension is a marker");
	ok(has(v, "certificate template name (1.3.6.1.4.1.311.20.2)"),
	    "template name extension is a marker");
	ok(has_prefix(v, "AIA Active Directory LDAP URL"),
	    "percent-encoded LDAP AIA URL is a marker");
	ok(has_prefix(v, "CDP CertEnroll URL"), "CertEnroll CDP is a marker");
	ok(!has_prefix(v, "AIA CertEnroll") && facts_strv_len(v) == 4,
	    "the plain http AIA is not a marker");
	facts_strv_free(v);
}

static void
test_time(X509 *leaf)
{
	char *s;

	is_str(s = facts_time(X509_get0_notBefore(leaf)),
	    "2023-11-14T22:13:20Z", "notBefore in RFC 3339 UTC");
	free(s);
	is_int(facts_not_before(leaf), 1700000000, "notBefore epoch");
	is_int(facts_not_after(leaf), 4102444800L, "notAfter epoch (2100)");
	is_str(s = facts_time(X509_get0_notAfter(leaf)),
	    "2100-01-01T00:00:00Z", "GeneralizedTime after 2049");
	free(s);
}

static void
test_sha256(X509 *x)
{
	unsigned char *der = NULL, md[32];
	char hex[65], want[65];
	unsigned int i;
	int len;

	len = i2d_X509(x, &der);
	EVP_Digest(der, (size_t)len, md, NULL, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		snprintf(want + 2 * i, 3, "%02x", md[i]);
	facts_sha256(x, hex);
	is_str(hex, want, "SHA-256 of the DER, lowercase hex");
	OPENSSL_free(der);
}

static const char *const contract[] = { "subject", "issuer", "serial",
	"not_before", "not_after", "sha256", "self_signed", "is_ca",
	"dns_names", "ip_addresses", "key", "signature", "source", NULL };

/* The memo answers what out_json_cert answers, and callers' keys stay theirs. */
static void
test_memo(X509 *leaf, X509 *root)
{
	json_t *want = out_json_cert(leaf, SOURCE_SERVER), *a, *b, *c;

	factsmemo_enable(2);
	a = factsmemo_json(leaf, SOURCE_SERVER);
	json_object_set_new(a, "in_path", json_true());
	b = factsmemo_json(leaf, SOURCE_SERVER);
	ok(json_equal(b, want), "remembered facts equal out_json_cert's");
	ok(json_object_get(b, "in_path") == NULL,
	    "a caller's key does not reach the memory");
	c = factsmemo_json(leaf, SOURCE_AIA);
	is_str(json_string_value(json_object_get(c, "source")), "aia",
	    "the source is part of what is remembered");
	json_decref(c);
	/* A third certificate fills the memory of two: it starts over. */
	c = factsmemo_json(root, SOURCE_STORE);
	ok(json_is_true(json_object_get(c, "self_signed")),
	    "a full memory starts over");
	json_decref(c);
	factsmemo_enable(0);
	c = factsmemo_json(leaf, SOURCE_SERVER);
	ok(json_equal(c, want), "without memory: out_json_cert");
	json_decref(a);
	json_decref(b);
	json_decref(c);
	json_decref(want);
}

static void
test_json(X509 *leaf, X509 *root)
{
	json_t *j = out_json_cert(leaf, SOURCE_SERVER), *r;
	void *it = json_object_iter(j);
	int i, inorder = 1;

	for (i = 0; contract[i] != NULL; i++, it = json_object_iter_next(j,
	    it))
		if (it == NULL || strcmp(json_object_iter_key(it),
		    contract[i]) != 0)
			inorder = 0;
	ok(inorder, "chain[] keys of the contract come first, in order");
	is_str(json_string_value(json_object_get(j, "source")), "server",
	    "source name");
	ok(json_is_false(json_object_get(j, "self_signed")) &&
	    json_is_false(json_object_get(j, "is_ca")), "booleans");
	is_int(json_array_size(json_object_get(j, "dns_names")), 2,
	    "dns_names array");
	is_str(json_string_value(json_array_get(json_object_get(j,
	    "ip_addresses"), 1)), "2001:db8::1", "ip_addresses array");
	is_str(json_string_value(json_object_get(j, "not_before")),
	    "2023-11-14T22:13:20Z", "not_before string");
	is_int(json_array_size(json_object_get(j, "adcs_markers")), 4,
	    "adcs_markers extra key");
	r = out_json_cert(root, SOURCE_AIA);
	ok(json_is_true(json_object_get(r, "self_signed")) &&
	    json_is_true(json_object_get(r, "is_ca")), "root booleans");
	ok(json_is_null(json_object_get(r, "eku")), "absent EKU is null");
	is_str(json_string_value(json_object_get(r, "source")), "aia",
	    "aia source");
	json_decref(j);
	json_decref(r);
}

static void
test_misc(EVP_PKEY *ed, EVP_PKEY *ec)
{
	struct spec es = { "router.example.test", NULL, NULL, NULL, NULL,
	    NULL, 7, 1700000000, 1700086400, {
	    "authorityInfoAccess=caIssuers;URI:ldap://dir.example.test/"
	    "cn=ca", NULL } };
	struct spec cs = { "evil\033[2Jname", NULL, NULL, NULL, NULL, NULL,
	    8, 1700000000, 1700086400, { NULL } };
	EVP_PKEY *small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	X509 *x;
	char *s, **v;

	es.key = es.ikey = ed;
	x = make(&es);
	sign(x, &es);
	is_str(s = facts_key(x), "Ed25519", "Ed25519 key");
	free(s);
	is_str(s = facts_signature(x), "ED25519", "Ed25519 signature");
	free(s);
	ok(facts_is_self_signed(x), "Ed25519 self-signed");
	ok(!facts_is_ca(x), "no basicConstraints is not a CA");
	v = facts_dns_names(x);
	ok(v != NULL && v[0] == NULL, "no SAN: an empty vector");
	facts_strv_free(v);
	v = facts_adcs_markers(x);
	is_int(facts_strv_len(v), 0, "an ordinary ldap URL is no marker");
	facts_strv_free(v);
	X509_free(x);

	/* Same name as issuer, but signed by another key. */
	es.ikey = ec;
	es.md = EVP_sha256();
	es.exts[0] = NULL;
	x = make(&es);
	sign(x, &es);
	ok(facts_is_self_issued(x), "forged self-issued cert is self-issued");
	ok(!facts_is_self_signed(x), "but not self-signed");
	X509_free(x);

	cs.key = cs.ikey = small;
	cs.md = EVP_sha1();
	x = make(&cs);
	sign(x, &cs);
	s = facts_subject(x);
	ok(s != NULL && strchr(s, '\033') == NULL,
	    "control characters in names are escaped");
	free(s);
	is_str(s = facts_key(x), "RSA 1024", "RSA 1024 key");
	free(s);
	is_str(s = facts_signature(x), "sha1WithRSAEncryption",
	    "SHA-1 signature");
	free(s);
	X509_free(x);
	EVP_PKEY_free(small);
	facts_strv_free(NULL);
	is_int(facts_strv_len(NULL), 0, "NULL vector has length 0");
}

int
main(void)
{
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	static const int methods[] = { NID_ad_ca_issuers, NID_ad_ca_issuers,
	    NID_ad_OCSP };
	static const char *const urls[] = { LDAP_AIA, HTTP_AIA, OCSP_URL };
	struct spec rs = { "Contoso Root CA", "Contoso", NULL, NULL, NULL,
	    NULL, 1, 1700000000, 4102444800L, {
	    "basicConstraints=critical,CA:TRUE",
	    "keyUsage=critical,keyCertSign,cRLSign",
	    "subjectKeyIdentifier=hash",
	    "1.3.6.1.4.1.311.21.1=DER:02:01:00", NULL } };
	struct spec ls = { "mail.contoso.test", "Contoso", NULL, NULL, NULL,
	    NULL, 0x123abcd, 1700000000, 4102444800L, {
	    "basicConstraints=CA:FALSE",
	    "subjectAltName=DNS:mail.contoso.test,"
	    "DNS:autodiscover.contoso.test,IP:192.0.2.1,IP:2001:db8::1",
	    "extendedKeyUsage=serverAuth,clientAuth",
	    "authorityKeyIdentifier=keyid:always",
	    "crlDistributionPoints=URI:" CDP_URL,
	    "1.3.6.1.4.1.311.21.7=DER:30:03:06:01:01",
	    "1.3.6.1.4.1.311.20.2=DER:1e:04:00:57:00:53", NULL } };
	X509 *root, *leaf;

	rs.key = rs.ikey = ec;
	rs.md = EVP_sha256();
	root = make(&rs);
	sign(root, &rs);
	ls.key = rsa;
	ls.issuer = root;
	ls.ikey = ec;
	ls.md = EVP_sha384();
	leaf = make(&ls);
	add_aia(leaf, methods, urls, 3);
	sign(leaf, &ls);

	test_root(root, ec);
	test_leaf(leaf, root);
	test_time(leaf);
	test_sha256(leaf);
	test_json(leaf, root);
	test_memo(leaf, root);
	test_misc(ed, ec);
	X509_free(leaf);
	X509_free(root);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ed);
	return tap_done();
}

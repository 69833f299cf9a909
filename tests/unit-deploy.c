/* unit-deploy.c - deployment classification on chains built in memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "anchors.h"
#include "certlist.h"
#include "deploy.h"
#include "tap.h"

#define ADCS_LDAP "ldap:///CN=Contoso%20Root%20CA,CN=AIA," \
	"CN=Public%20Key%20Services,CN=Services,CN=Configuration," \
	"DC=contoso,DC=test?cACertificate?base?objectClass=" \
	"certificationAuthority"

struct ca {
	X509		*x;
	EVP_PKEY	*key;
};

static EVP_PKEY *
new_key(void)
{
	return EVP_EC_gen("P-256");
}

static void
add_ext(X509 *x, X509 *issuer, const char *name, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *e;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_nconf(NULL, &v3, name, value);
	if (e == NULL) {
		printf("# cannot make extension %s=%s\n", name, value);
		exit(1);
	}
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

static void
add_aia(X509 *x, const char *url)
{
	AUTHORITY_INFO_ACCESS *aia = sk_ACCESS_DESCRIPTION_new_null();
	ACCESS_DESCRIPTION *ad = ACCESS_DESCRIPTION_new();
	ASN1_IA5STRING *s = ASN1_IA5STRING_new();

	ASN1_STRING_set(s, url, -1);
	ASN1_OBJECT_free(ad->method);
	ad->method = OBJ_nid2obj(NID_ad_ca_issuers);
	GENERAL_NAME_set0_value(ad->location, GEN_URI, s);
	sk_ACCESS_DESCRIPTION_push(aia, ad);
	X509_add1_ext_i2d(x, NID_info_access, aia, 0, X509V3_ADD_DEFAULT);
	AUTHORITY_INFO_ACCESS_free(aia);
}

/*
 * A certificate for cn with key, signed by issuer (NULL: by itself).
 * ms_oid, if not NULL, adds that Microsoft extension; url an AIA URL.
 */
static X509 *
make(const char *cn, EVP_PKEY *key, const struct ca *issuer, int ca,
    const char *ms_oid, const char *url)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	static long serial = 1;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->x) : n);
	X509_NAME_free(n);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	add_ext(x, NULL, "basicConstraints", ca ? "critical,CA:TRUE" :
	    "CA:FALSE");
	if (ms_oid != NULL)
		add_ext(x, NULL, ms_oid, "DER:02:01:00");
	if (url != NULL)
		add_aia(x, url);
	X509_sign(x, issuer ? issuer->key : key, EVP_sha256());
	return x;
}

static struct ca
make_ca(const char *cn, const struct ca *issuer, const char *ms_oid)
{
	struct ca c;

	c.key = new_key();
	c.x = make(cn, c.key, issuer, 1, ms_oid, NULL);
	return c;
}

static void
ca_free(struct ca *c)
{
	X509_free(c->x);
	EVP_PKEY_free(c->key);
}

/* The public anchors of the checks: a store made here, or none. */
static struct deploy_public public;

/* Classify the certificates given, leaf first; check kind and evidence. */
static void
check(const char *what, enum deployment want, const char *ev_part,
    X509 **v, size_t n)
{
	struct certlist *l = certlist_new();
	char *ev = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		certlist_add1(l, v[i], NULL, SOURCE_SERVER);
	is_str(deploy_name(deploy_classify(l, &public, &ev)), deploy_name(want),
	    "%s", what);
	ok(ev != NULL && strstr(ev, ev_part) != NULL,
	    "%s: evidence \"%s\" says \"%s\"", what, ev ? ev : "(null)",
	    ev_part);
	free(ev);
	certlist_free(l);
}

static void
write_anchors(const char *path, X509 **v, size_t n)
{
	FILE *f = fopen(path, "w");
	size_t i;

	for (i = 0; f != NULL && i < n; i++)
		PEM_write_X509(f, v[i]);
	if (f == NULL || fclose(f) != 0) {
		printf("# cannot write %s\n", path);
		exit(1);
	}
}

int
main(void)
{
	struct ca pub, pubi, priv, ms_root, ms_iss, fake;
	EVP_PKEY *k = new_key();
	X509 *v[4];
	char path[] = "/tmp/trustfix-unit-deploy.XXXXXX";
	int fd;

	is_str(deploy_name(DEPLOY_SELF_SIGNED), "self-signed", "name 1");
	is_str(deploy_name(DEPLOY_WINDOWS_PKI), "windows-pki", "name 2");
	is_str(deploy_name(DEPLOY_PUBLIC_CA), "public-ca", "name 3");
	is_str(deploy_name(DEPLOY_PRIVATE_CA), "private-ca", "name 4");

	pub = make_ca("Public Root", NULL, NULL);
	pubi = make_ca("Public Issuing", &pub, NULL);
	priv = make_ca("Private Root", NULL, NULL);
	ms_root = make_ca("Contoso Root CA", NULL, "1.3.6.1.4.1.311.21.1");
	ms_iss = make_ca("Contoso Issuing CA 01", &ms_root, NULL);
	/* The same name as the public root, another key. */
	fake = make_ca("Public Root", NULL, NULL);

	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);
	v[0] = pub.x;
	write_anchors(path, v, 1);
	setenv("TRUSTFIX_DEFAULT_ANCHORS", path, 1);
	ok(anchors_distribution(NULL) != NULL, "the anchor override loads");
	ok(anchors_distribution(NULL) == anchors_distribution(NULL),
	    "the default anchors are cached");

	/* Without public anchors nothing is public, and the words say so. */
	v[0] = make("www.example.com", k, &pubi, 0, NULL, NULL);
	v[1] = pubi.x;
	v[2] = pub.x;
	check("no public anchors given", DEPLOY_PRIVATE_CA,
	    "could not be read", v, 3);
	X509_free(v[0]);
	public.store = anchors_distribution(&public.where);

	v[0] = make("router.example.test", k, NULL, 0, NULL, NULL);
	check("self-signed server", DEPLOY_SELF_SIGNED, "its own issuer", v,
	    1);
	X509_free(v[0]);

	v[0] = make("mail.contoso.test", k, &ms_iss, 0, NULL, NULL);
	v[1] = ms_iss.x;
	v[2] = ms_root.x;
	check("AD CS CA version on the root", DEPLOY_WINDOWS_PKI,
	    "1.3.6.1.4.1.311.21.1", v, 3);
	check("AD CS root not sent, no marker", DEPLOY_PRIVATE_CA,
	    "Contoso Root CA", v, 2);
	X509_free(v[0]);

	v[0] = make("mail.contoso.test", k, &ms_iss, 0,
	    "1.3.6.1.4.1.311.21.7", NULL);
	check("certificate template on the server", DEPLOY_WINDOWS_PKI,
	    "the server certificate", v, 1);
	X509_free(v[0]);
	v[0] = make("mail.contoso.test", k, &ms_iss, 0,
	    "1.3.6.1.4.1.311.20.2", NULL);
	check("template name on the server", DEPLOY_WINDOWS_PKI,
	    "1.3.6.1.4.1.311.20.2", v, 1);
	X509_free(v[0]);
	v[0] = make("mail.contoso.test", k, &ms_iss, 0,
	    "1.3.6.1.4.1.311.21.2", NULL);
	check("previous CA hash", DEPLOY_WINDOWS_PKI, "1.3.6.1.4.1.311.21.2",
	    v, 1);
	X509_free(v[0]);
	v[0] = make("mail.contoso.test", k, &ms_iss, 0, NULL, ADCS_LDAP);
	check("percent-encoded AD CS LDAP AIA", DEPLOY_WINDOWS_PKI, "LDAP",
	    v, 1);
	X509_free(v[0]);
	v[0] = make("mail.contoso.test", k, &ms_iss, 0, NULL,
	    "http://pki.contoso.test/CertEnroll/root.crt");
	check("CertEnroll AIA", DEPLOY_WINDOWS_PKI, "CertEnroll", v, 1);
	X509_free(v[0]);
	v[0] = make("mail.example.test", k, &priv, 0, NULL,
	    "http://pki.example.test/ldap/root.crt");
	check("plain http AIA", DEPLOY_PRIVATE_CA, "Private Root", v, 1);
	X509_free(v[0]);

	v[0] = make("www.example.com", k, &pubi, 0, NULL, NULL);
	v[1] = pubi.x;
	v[2] = pub.x;
	check("public root sent", DEPLOY_PUBLIC_CA, "Public Root", v, 3);
	check("public root not sent", DEPLOY_PUBLIC_CA, "default anchors", v,
	    2);
	v[1] = priv.x;
	v[2] = pubi.x;
	check("unrelated certificate sent first", DEPLOY_PUBLIC_CA,
	    "Public Root", v, 3);
	check("intermediate missing", DEPLOY_PRIVATE_CA, "Public Issuing", v,
	    2);
	X509_free(v[0]);

	v[0] = make("www.example.com", k, &fake, 0, NULL, NULL);
	v[1] = fake.x;
	check("a root named like a public one", DEPLOY_PRIVATE_CA,
	    "not one of", v, 2);
	check("a public-looking issuer, not sent", DEPLOY_PRIVATE_CA,
	    "whose issuer \"CN=Public Root\"", v, 1);
	X509_free(v[0]);
	v[0] = make("mail.example.test", k, &priv, 0, NULL, NULL);
	v[1] = priv.x;
	check("private root sent", DEPLOY_PRIVATE_CA, "Private Root", v, 2);
	check("private root not sent", DEPLOY_PRIVATE_CA, "Private Root", v,
	    1);
	X509_free(v[0]);
	check("nothing to classify", DEPLOY_PRIVATE_CA, "no certificate", v,
	    0);

	unlink(path);
	ca_free(&pub);
	ca_free(&pubi);
	ca_free(&priv);
	ca_free(&ms_root);
	ca_free(&ms_iss);
	ca_free(&fake);
	EVP_PKEY_free(k);
	return tap_done();
}

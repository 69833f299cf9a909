/* bundle-formats.c - DER, PEM, PKCS#7, Java PKCS#12 and Firefox outputs. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>

#include "bundle.h"
#include "msg.h"

/* Java's "trusted key usage" bag attribute, and its "any" value. */
#define ORACLE_TRUSTED_KEY_USAGE	"2.16.840.1.113894.746875.1.1"
#define ANY_EXTENDED_KEY_USAGE		"2.5.29.37.0"
#define P12_MAC_ITER			2048

int
bundle_der(X509 *x, unsigned char **out, size_t *len)
{
	unsigned char *p;
	int n;

	if ((n = i2d_X509(x, NULL)) <= 0) {
		msg_error("cannot encode a certificate: %s",
		    msg_ossl_reason());
		return -1;
	}
	*out = p = xmalloc((size_t)n);
	i2d_X509(x, &p);
	*len = (size_t)n;
	return 0;
}

int
bundle_pem(X509 *x, unsigned char **out, size_t *len)
{
	char *pem = cert_pem(x);

	*out = (unsigned char *)pem;
	*len = strlen(pem);
	return 0;
}

/* A certs-only ("degenerate") PKCS#7 SignedData, as Windows imports. */
int
bundle_p7b(const struct bundle *b, unsigned char **out, size_t *len)
{
	PKCS7 *p7 = NULL;
	unsigned char *p;
	size_t i;
	int n, rc = -1;

	if ((p7 = PKCS7_new()) == NULL ||
	    !PKCS7_set_type(p7, NID_pkcs7_signed) ||
	    !PKCS7_content_new(p7, NID_pkcs7_data))
		goto err;
	for (i = 0; i < b->ncerts; i++)
		if (!PKCS7_add_certificate(p7, b->certs[i].x509))
			goto err;
	if ((n = i2d_PKCS7(p7, NULL)) <= 0)
		goto err;
	*out = p = xmalloc((size_t)n);
	i2d_PKCS7(p7, &p);
	*len = (size_t)n;
	rc = 0;
	goto out;
err:
	msg_error("cannot build the PKCS#7 file: %s", msg_ossl_reason());
out:
	PKCS7_free(p7);
	return rc;
}

/* One certificate bag that Java's keytool lists as a trustedCertEntry. */
static PKCS12_SAFEBAG *
trusted_bag(const struct bundle_cert *c)
{
	PKCS12_SAFEBAG *bag;
	ASN1_OBJECT *any = NULL;
	char *alias;
	size_t i;
	int ok;

	if ((bag = PKCS12_SAFEBAG_create_cert(c->x509)) == NULL)
		return NULL;
	alias = xstrdup(c->base);
	for (i = 0; alias[i] != '\0'; i++)
		if (alias[i] >= 'A' && alias[i] <= 'Z')
			alias[i] = (char)(alias[i] - 'A' + 'a');
	any = OBJ_txt2obj(ANY_EXTENDED_KEY_USAGE, 1);
	ok = any != NULL && PKCS12_add_friendlyname_utf8(bag, alias, -1) &&
	    PKCS12_add1_attr_by_txt(bag, ORACLE_TRUSTED_KEY_USAGE,
	    V_ASN1_OBJECT, (const unsigned char *)any, -1);
	ASN1_OBJECT_free(any);
	free(alias);
	if (!ok) {
		PKCS12_SAFEBAG_free(bag);
		return NULL;
	}
	return bag;
}

/*
 * The MAC salt is normally random; derive it from the content so
 * that the same certificates and password give the same bytes.  It
 * is no secret: it only has to differ between stores.
 */
static void
mac_salt(const struct bundle *b, unsigned char salt[16])
{
	unsigned char md[32];
	EVP_MD_CTX *ctx;
	size_t i;

	ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, "trustfix truststore", 19);
	for (i = 0; i < b->ncerts; i++)
		EVP_DigestUpdate(ctx, b->certs[i].sha256, 64);
	EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	memcpy(salt, md, 16);
}

int
bundle_truststore(const struct bundle *b, const char *password,
    unsigned char **out, size_t *len)
{
	STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
	STACK_OF(PKCS7) *safes = NULL;
	PKCS12_SAFEBAG *bag;
	PKCS7 *p7 = NULL;
	PKCS12 *p12 = NULL;
	unsigned char salt[16], *p;
	size_t i;
	int n, rc = -1;

	if ((bags = sk_PKCS12_SAFEBAG_new_null()) == NULL)
		goto err;
	for (i = 0; i < b->ncerts; i++) {
		if ((bag = trusted_bag(&b->certs[i])) == NULL)
			goto err;
		if (!sk_PKCS12_SAFEBAG_push(bags, bag)) {
			PKCS12_SAFEBAG_free(bag);
			goto err;
		}
	}
	/* Certificates need no secrecy: a plain data safe, as keytool
	 * itself writes them since Java 12. */
	if ((safes = sk_PKCS7_new_null()) == NULL ||
	    (p7 = PKCS12_pack_p7data(bags)) == NULL)
		goto err;
	if (!sk_PKCS7_push(safes, p7))
		goto err;
	p7 = NULL;
	mac_salt(b, salt);
	if ((p12 = PKCS12_add_safes(safes, 0)) == NULL ||
	    !PKCS12_set_mac(p12, password, -1, salt, sizeof(salt),
	    P12_MAC_ITER, EVP_sha256()))
		goto err;
	if ((n = i2d_PKCS12(p12, NULL)) <= 0)
		goto err;
	*out = p = xmalloc((size_t)n);
	i2d_PKCS12(p12, &p);
	*len = (size_t)n;
	rc = 0;
	goto out;
err:
	msg_error("cannot build the Java truststore: %s", msg_ossl_reason());
out:
	PKCS7_free(p7);
	sk_PKCS7_pop_free(safes, PKCS7_free);
	sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
	PKCS12_free(p12);
	return rc;
}

/* Firefox enterprise policy: {"policies":{"Certificates":{"Install":[]}}} */
int
bundle_firefox(const struct bundle *b, const char *const *names, size_t n,
    unsigned char **out, size_t *len)
{
	json_t *root, *install;
	char *s;
	size_t i;

	(void)b;
	install = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(install, json_string(names[i]));
	root = json_pack("{s:{s:{s:o}}}", "policies", "Certificates",
	    "Install", install);
	s = root != NULL ? json_dumps(root, JSON_INDENT(2)) : NULL;
	json_decref(root);
	if (s == NULL) {
		msg_error("cannot build policies.json");
		return -1;
	}
	*len = strlen(s) + 1;
	*out = (unsigned char *)xasprintf("%s\n", s);
	free(s);
	return 0;
}

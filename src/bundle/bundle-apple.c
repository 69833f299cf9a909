/* bundle-apple.c - Apple configuration profiles (libplist), CMS-signed. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <plist/plist.h>

#include "bundle.h"
#include "facts.h"
#include "msg.h"

void
bundle_uuid(const char *a, const char *b, char out[37])
{
	unsigned char md[32];
	EVP_MD_CTX *ctx;

	ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, a, strlen(a));
	EVP_DigestUpdate(ctx, "", 1);
	EVP_DigestUpdate(ctx, b, strlen(b));
	EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	/* Name-based UUID layout (RFC 4122 section 4.3): version 5, variant
	 * 10, although from SHA-256 rather than SHA-1. */
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-"
	    "%02X%02X%02X%02X%02X%02X", md[0], md[1], md[2], md[3], md[4],
	    md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12], md[13],
	    md[14], md[15]);
}

char *
bundle_identifier(const struct bundle *b, const struct bundle_opts *opts)
{
	char *id;
	size_t i;

	if (opts->identifier != NULL)
		return xstrdup(opts->identifier);
	id = xasprintf("local.trustfix.%s",
	    b->ncerts > 0 ? b->certs[0].base : "roots");
	for (i = 0; id[i] != '\0'; i++) {
		if (id[i] == '_')
			id[i] = '-';
		id[i] = (char)tolower((unsigned char)id[i]);
	}
	return id;
}

/* One text entry of a name (escaped), or NULL. */
static char *
name_entry(X509 *x, int nid)
{
	X509_NAME *name = X509_get_subject_name(x);
	unsigned char *u = NULL;
	char *s = NULL;
	int i;

	if ((i = X509_NAME_get_index_by_NID(name, nid, -1)) < 0)
		return NULL;
	if (ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(
	    X509_NAME_get_entry(name, i))) >= 0 && u != NULL)
		s = msg_escape((char *)u);
	OPENSSL_free(u);
	return s;
}

static char *
cert_label(const struct bundle_cert *c)
{
	char *s = name_entry(c->x509, NID_commonName);

	return s != NULL ? s : xstrdup(c->base);
}

static plist_t
root_payload(const struct bundle_cert *c, const char *id)
{
	unsigned char *der = NULL;
	size_t len;
	plist_t d;
	char uuid[37], *s;

	if (bundle_der(c->x509, &der, &len) < 0)
		return NULL;
	d = plist_new_dict();
	s = xasprintf("%s.cer", c->base);
	plist_dict_set_item(d, "PayloadCertificateFileName",
	    plist_new_string(s));
	free(s);
	plist_dict_set_item(d, "PayloadContent",
	    plist_new_data((const char *)der, len));
	free(der);
	/* Apple takes intermediates as plain certificate payloads. */
	plist_dict_set_item(d, "PayloadDescription", plist_new_string(
	    c->root ? "Adds a CA root certificate" :
	    "Adds an intermediate CA certificate"));
	s = cert_label(c);
	plist_dict_set_item(d, "PayloadDisplayName", plist_new_string(s));
	free(s);
	s = xasprintf("%s.%s.%.16s", id, c->root ? "root" : "ca",
	    c->sha256);
	plist_dict_set_item(d, "PayloadIdentifier", plist_new_string(s));
	free(s);
	plist_dict_set_item(d, "PayloadType", plist_new_string(c->root ?
	    "com.apple.security.root" : "com.apple.security.pkcs1"));
	bundle_uuid(id, c->sha256, uuid);
	plist_dict_set_item(d, "PayloadUUID", plist_new_string(uuid));
	plist_dict_set_item(d, "PayloadVersion", plist_new_uint(1));
	return d;
}

/* Display name and organization when the options give none. */
static void
default_names(const struct bundle *b, char **display, char **org)
{
	char *s;
	size_t i;

	if (b->ncerts == 1) {
		s = cert_label(&b->certs[0]);
		*display = xasprintf("Trusted root: %s", s);
		free(s);
	} else {
		*display = xasprintf("Trusted roots (%zu)", b->ncerts);
	}
	*org = NULL;
	for (i = 0; i < b->ncerts && *org == NULL; i++)
		*org = name_entry(b->certs[i].x509, NID_organizationName);
	if (*org == NULL)
		*org = b->ncerts > 0 ? cert_label(&b->certs[0]) :
		    xstrdup("trustfix");
}

static plist_t
profile_plist(const struct bundle *b, const struct bundle_opts *opts)
{
	plist_t top = NULL, arr, p;
	char *id, *display = NULL, *org = NULL, *all, uuid[37];
	size_t i;

	id = bundle_identifier(b, opts);
	/* Prefixed, or a single root's UUID would be the profile's too. */
	all = xcalloc(b->ncerts + 1, 64);
	memcpy(all, "Configuration", 13);
	arr = plist_new_array();
	for (i = 0; i < b->ncerts; i++) {
		if ((p = root_payload(&b->certs[i], id)) == NULL) {
			plist_free(arr);
			goto out;
		}
		plist_array_append_item(arr, p);
		memcpy(all + 13 + 64 * i, b->certs[i].sha256, 64);
	}
	default_names(b, &display, &org);
	top = plist_new_dict();
	plist_dict_set_item(top, "PayloadContent", arr);
	plist_dict_set_item(top, "PayloadDescription", plist_new_string(
	    "Installs root certificates so that this device trusts the "
	    "servers whose certificates they issued."));
	plist_dict_set_item(top, "PayloadDisplayName", plist_new_string(
	    opts->display_name != NULL ? opts->display_name : display));
	plist_dict_set_item(top, "PayloadIdentifier", plist_new_string(id));
	plist_dict_set_item(top, "PayloadOrganization", plist_new_string(
	    opts->organization != NULL ? opts->organization : org));
	plist_dict_set_item(top, "PayloadRemovalDisallowed",
	    plist_new_bool(0));
	plist_dict_set_item(top, "PayloadType",
	    plist_new_string("Configuration"));
	bundle_uuid(id, all, uuid);
	plist_dict_set_item(top, "PayloadUUID", plist_new_string(uuid));
	plist_dict_set_item(top, "PayloadVersion", plist_new_uint(1));
out:
	free(id);
	free(all);
	free(display);
	free(org);
	return top;
}

/*
 * CMS SignedData with the profile inside.  The signingTime attribute is
 * the bundle's date rather than the clock's, so that the same input
 * signs to the same bytes (with an RSA key; ECDSA draws a nonce).
 */
static int
sign_profile(const struct bundle *b, const struct bundle_opts *opts,
    unsigned char **data, size_t *len)
{
	const int flags = CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	ASN1_TIME *t = NULL;
	BIO *in = NULL, *out = NULL;
	char *p;
	long n;
	int i, rc = -1;

	if (X509_check_private_key(opts->sign_cert, opts->sign_key) != 1) {
		msg_error("--sign-key does not belong to the --sign-cert "
		    "certificate: %s", msg_ossl_reason());
		return -1;
	}
	if ((in = BIO_new_mem_buf(*data, (int)*len)) == NULL ||
	    (out = BIO_new(BIO_s_mem())) == NULL ||
	    (cms = CMS_sign(NULL, NULL, NULL, NULL, flags)) == NULL ||
	    (si = CMS_add1_signer(cms, opts->sign_cert, opts->sign_key,
	    EVP_sha256(), flags)) == NULL ||
	    (t = ASN1_TIME_set(NULL, b->mtime)) == NULL ||
	    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime,
	    t->type, t, -1))
		goto err;
	for (i = 0; opts->sign_chain != NULL &&
	    i < sk_X509_num(opts->sign_chain); i++)
		if (!CMS_add1_cert(cms, sk_X509_value(opts->sign_chain, i)))
			goto err;
	if (!CMS_final(cms, in, NULL, flags) || !i2d_CMS_bio(out, cms) ||
	    (n = BIO_get_mem_data(out, &p)) <= 0)
		goto err;
	free(*data);
	*data = xmalloc((size_t)n);
	memcpy(*data, p, (size_t)n);
	*len = (size_t)n;
	rc = 0;
	goto out;
err:
	msg_error("cannot sign the configuration profile: %s",
	    msg_ossl_reason());
out:
	ASN1_TIME_free(t);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(out);
	return rc;
}

int
bundle_mobileconfig(const struct bundle *b, const struct devprofile *p,
    const struct bundle_opts *opts, unsigned char **data, size_t *len)
{
	plist_t top;
	char *xml = NULL;
	uint32_t n = 0;

	(void)p;
	if ((top = profile_plist(b, opts)) == NULL)
		return -1;
	plist_to_xml(top, &xml, &n);
	plist_free(top);
	if (xml == NULL) {
		msg_error("cannot write the configuration profile");
		return -1;
	}
	*data = xmalloc(n);
	memcpy(*data, xml, n);
	*len = n;
	plist_to_xml_free(xml);
	if (opts->sign_cert != NULL && sign_profile(b, opts, data, len) < 0) {
		free(*data);
		*data = NULL;
		return -1;
	}
	return 0;
}

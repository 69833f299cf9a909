/* store-eku.c - purposes as extendedKeyUsage, for stapled extensions. */
#include "config.h"

#include <string.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "store-int.h"

static const struct {
	unsigned	 bit;
	int		 nid;
} eku_map[] = {
	{ PURPOSE_SERVER_AUTH, NID_server_auth },
	{ PURPOSE_CLIENT_AUTH, NID_client_auth },
	{ PURPOSE_EMAIL, NID_email_protect },
	{ PURPOSE_CODE_SIGNING, NID_code_sign },
};

unsigned char *
store_eku_oid_der(int *len)
{
	unsigned char *der = NULL;

	*len = i2d_ASN1_OBJECT(OBJ_nid2obj(NID_ext_key_usage), &der);
	return der;
}

unsigned
store_eku_bits(EXTENDED_KEY_USAGE *eku)
{
	unsigned bits = 0;
	size_t k;
	int i;

	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++)
		for (k = 0; k < sizeof(eku_map) / sizeof(eku_map[0]); k++)
			if (OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) ==
			    eku_map[k].nid)
				bits |= eku_map[k].bit;
	/* Restricted to purposes we have no name for: still restricted. */
	return bits == 0 && sk_ASN1_OBJECT_num(eku) > 0 ? 0x80000000u : bits;
}

/* The purposes of a stapled extension value (DER of an Extension). */
unsigned
store_stapled_bits(const unsigned char *der, unsigned long len)
{
	const unsigned char *p = der;
	X509_EXTENSION *ext;
	EXTENDED_KEY_USAGE *eku;
	unsigned bits = 0;

	if ((ext = d2i_X509_EXTENSION(NULL, &p, (long)len)) == NULL)
		return 0;
	if ((eku = X509V3_EXT_d2i(ext)) != NULL) {
		bits = store_eku_bits(eku);
		EXTENDED_KEY_USAGE_free(eku);
	}
	X509_EXTENSION_free(ext);
	return bits;
}

/*
 * The extendedKeyUsage of a certificate's own extensions, found with
 * OpenSSL's TLV reader, so that listing hundreds of anchors does not
 * decode (and set up the public key of) every certificate.
 */
unsigned
store_own_eku_bits(const unsigned char *der, long len)
{
	const unsigned char *p = der, *q, *end;
	X509_EXTENSIONS *exts;
	EXTENDED_KEY_USAGE *eku;
	unsigned bits = 0;
	long l;
	int tag, cls;

	/* Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { ... } } */
	if ((ASN1_get_object(&p, &l, &tag, &cls, len) & 0x80) ||
	    (ASN1_get_object(&p, &l, &tag, &cls, l) & 0x80))
		return 0;
	for (end = p + l; p < end; p = q + l) {
		q = p;
		if (ASN1_get_object(&q, &l, &tag, &cls, end - p) & 0x80)
			break;
		if (cls != V_ASN1_CONTEXT_SPECIFIC || tag != 3)
			continue;
		if ((exts = d2i_X509_EXTENSIONS(NULL, &q, l)) == NULL)
			break;
		if ((eku = X509V3_get_d2i(exts, NID_ext_key_usage, NULL,
		    NULL)) != NULL) {
			bits = store_eku_bits(eku);
			EXTENDED_KEY_USAGE_free(eku);
		}
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
		break;
	}
	ERR_clear_error();
	return bits;
}

/* DER of an extendedKeyUsage extension for bits. */
unsigned char *
store_eku_ext_der(unsigned bits, int *len)
{
	EXTENDED_KEY_USAGE *eku = sk_ASN1_OBJECT_new_null();
	X509_EXTENSION *ext;
	unsigned char *der = NULL;
	size_t k;

	for (k = 0; k < sizeof(eku_map) / sizeof(eku_map[0]); k++)
		if (bits & eku_map[k].bit)
			sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(eku_map[k].nid));
	ext = X509V3_EXT_i2d(NID_ext_key_usage, 0, eku);
	sk_ASN1_OBJECT_free(eku);
	*len = ext ? i2d_X509_EXTENSION(ext, &der) : -1;
	X509_EXTENSION_free(ext);
	return *len > 0 ? der : NULL;
}


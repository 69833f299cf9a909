/*
 * certblob.c - the certificates of one answer: what an AIA caIssuers URL
 * or an LDAP cACertificate value holds, or a distribution's anchor file.
 */
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "certblob.h"

int
certblob_parse(const unsigned char *buf, size_t len, STACK_OF(X509) **out)
{
	const unsigned char *p = buf;
	STACK_OF(X509) *sk = NULL;
	PKCS7 *p7 = NULL;
	X509 *x = NULL;
	BIO *b = NULL;
	int i;

	*out = NULL;
	if ((sk = sk_X509_new_null()) == NULL)
		return -1;
	if ((x = d2i_X509(NULL, &p, (long)len)) != NULL && p == buf + len) {
		sk_X509_push(sk, x);
		goto out;
	}
	X509_free(x);
	p = buf;
	if ((p7 = d2i_PKCS7(NULL, &p, (long)len)) != NULL &&
	    PKCS7_type_is_signed(p7) && p7->d.sign != NULL &&
	    p7->d.sign->cert != NULL) {
		for (i = 0; i < sk_X509_num(p7->d.sign->cert); i++) {
			x = sk_X509_value(p7->d.sign->cert, i);
			X509_up_ref(x);
			sk_X509_push(sk, x);
		}
		goto out;
	}
	if ((b = BIO_new_mem_buf(buf, (int)len)) != NULL)
		while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
			sk_X509_push(sk, x);
out:
	PKCS7_free(p7);
	BIO_free(b);
	ERR_clear_error();
	if (sk_X509_num(sk) == 0) {
		sk_X509_free(sk);
		return -1;
	}
	*out = sk;
	return 0;
}

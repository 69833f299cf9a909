/* fuzz-aia.c - libFuzzer harness: certblob_parse on an AIA download. */
#include <stdint.h>
#include <stdlib.h>

#include "certblob.h"

/*
 * The whole input is what an http or ldap caIssuers URL answered: DER
 * or PEM certificates, or PKCS#7 certs-only.  The CRL and OCSP answers
 * are parsed inside revoke.c, by OpenSSL, with no entry point of ours.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STACK_OF(X509) *sk;

	if (certblob_parse(data, size, &sk) == 0)
		sk_X509_pop_free(sk, X509_free);
	return 0;
}

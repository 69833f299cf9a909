/* certblob.h - the certificates of one downloaded answer, in memory. */
#ifndef TRUSTFIX_CERTBLOB_H
#define TRUSTFIX_CERTBLOB_H

#include <stddef.h>
#include <openssl/x509.h>

/*
 * One DER certificate, a DER PKCS#7 certs-only bundle (.p7c, as AD CS
 * publishes) or PEM certificates: 0 with them in *out (the caller
 * frees), or -1 when buf holds none.
 */
int	certblob_parse(const unsigned char *buf, size_t len,
	    STACK_OF(X509) **out);

#endif

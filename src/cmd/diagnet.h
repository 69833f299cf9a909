/* diagnet.h - the downloads a diagnosis asks for, over http and ldap. */
#ifndef TRUSTFIX_DIAGNET_H
#define TRUSTFIX_DIAGNET_H

#include <stddef.h>
#include <openssl/x509.h>

/*
 * The certificates at an AIA caIssuers URL: http through the cache
 * (httpcache.h), or every cACertificate value of an ldap URL.  A
 * chain_fetch_fn (chain.h).
 */
int	diagnet_aia_fetch(const char *url, const char *ldap_host,
	    int timeout_ms, STACK_OF(X509) **out, char *err, size_t errlen,
	    void *arg);

/*
 * A revocation answer: a CRL over http (through the cache) or ldap, or
 * an OCSP answer to body over http.  A diag_get_fn (diagnose.h).
 */
int	diagnet_revoke_get(const char *url, const char *ctype,
	    const unsigned char *body, size_t blen, const char *ldap_host,
	    int timeout_ms, unsigned char **resp, size_t *resp_len,
	    char *err, size_t errlen);

#endif

/* revoke.h - revocation evidence: CRLs over http, OCSP. */
#ifndef TRUSTFIX_REVOKE_H
#define TRUSTFIX_REVOKE_H

#include <openssl/x509.h>

#include "chain.h"
#include "diagnose.h"
#include "findings.h"

#define REVOKE_MAX_FETCHES	4	/* CRL and OCSP requests */

/*
 * Fetch the CRLs of the path's certificates (http distribution points)
 * and ask the leaf's OCSP responder; adds revoked / revocation-unknown
 * findings for what OCSP says.  Returns the CRLs for X509_verify_cert
 * (the caller frees them), or NULL.
 */
STACK_OF(X509_CRL) *revoke_check(const struct chain *c,
	    const struct diag_opts *o, struct findings *out);

#endif

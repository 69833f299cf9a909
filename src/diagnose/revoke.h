/* revoke.h - revocation evidence: CRLs over http and ldap, OCSP. */
#ifndef TRUSTFIX_REVOKE_H
#define TRUSTFIX_REVOKE_H

#include <openssl/x509.h>

#include "chain.h"
#include "findings.h"

struct diag_opts;

#define REVOKE_MAX_FETCHES	4	/* CRL and OCSP requests */

/*
 * For each certificate of the path below its top, ask its OCSP
 * responders, then its http and ldap CRL distribution points, within
 * the limits; add revoked (error) or revocation-unknown (warning)
 * findings.
 */
void	revoke_check(const struct chain *c, const struct diag_opts *o,
	    struct findings *out);

#endif

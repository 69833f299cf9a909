/* profile.h - RFC 5280 profile rules that OpenSSL's verification skips. */
#ifndef TRUSTFIX_PROFILE_H
#define TRUSTFIX_PROFILE_H

#include "certlist.h"
#include "findings.h"

/*
 * Check path (leaf first; anchored: the last one is a trust anchor)
 * against the rules of RFC 5280 and the CA/Browser Forum baseline that
 * X509_verify_cert does not apply, adding findings (detail only).
 */
void	profile_check(const struct certlist *path, int anchored,
	    int server_auth, const char *name, struct findings *out);

#endif

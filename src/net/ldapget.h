/* ldapget.h - bounded anonymous LDAP reads for AIA issuers and CRLs. */
#ifndef TRUSTFIX_LDAPGET_H
#define TRUSTFIX_LDAPGET_H

#include <stddef.h>

#define LDAPGET_MAX_BODY	(1024 * 1024)	/* bytes of all values */
#define LDAPGET_MAX_ENTRIES	4	/* entries of one search */
#define LDAPGET_MAX_VALUES	16	/* values of all entries */
#define LDAPGET_PORT		389

/* The values read: v[i] of len[i] bytes. */
struct ldapget_values {
	unsigned char	**v;
	size_t		 *len;
	size_t		  n;
};

/*
 * Read url (ldap:// only; the DN, scope and filter it names) with an
 * anonymous bind: the values of the attribute the URL names, or of attr
 * when it names none ("cACertificate", "certificateRevocationList"),
 * with or without ";binary".  A URL without a host (AD CS writes
 * ldap:///CN=...) goes to host ("name", "name:port", "[v6]:port"); NULL
 * refuses it.  Referrals are not followed.  All within timeout_ms,
 * at most LDAPGET_MAX_ENTRIES, LDAPGET_MAX_VALUES and LDAPGET_MAX_BODY.
 * Returns 0 with at least one value in *out (free with
 * ldapget_values_clear()), or -1 with err saying why (nothing printed).
 */
int	ldapget(const char *url, const char *attr, const char *host,
	    int timeout_ms, struct ldapget_values *out, char *err,
	    size_t errlen);
void	ldapget_values_clear(struct ldapget_values *);

/* 1 if host is "name", "name:port" or "[v6]:port" (for --ldap-host). */
int	ldapget_host_ok(const char *host);

#endif

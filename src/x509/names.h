/* names.h - RFC 6125 / RFC 9525 host-name and IP matching, and suggestions. */
#ifndef TRUSTFIX_NAMES_H
#define TRUSTFIX_NAMES_H

#include <openssl/x509.h>

enum name_match {
	NAME_MATCH_SAN,		/* a subjectAltName matches */
	NAME_MATCH_CN_ONLY,	/* no subjectAltName; the CN matches */
	NAME_MISMATCH,		/* nothing matches */
	NAME_INVALID		/* the requested name is no host name or IP */
};

/*
 * Check name (a DNS name, an IPv4 address or an IPv6 address without
 * brackets) against leaf: DNS names case-insensitively, one wildcard only
 * as the whole leftmost label, never matching two labels or the bare
 * domain; IP addresses only against iPAddress SANs; the CN only when
 * there is no subjectAltName.
 */
enum name_match names_check(X509 *leaf, const char *name);

/* 1 if name is a syntactically valid DNS host name or IP address. */
int	names_valid(const char *name);

/*
 * The names of leaf a client could use instead of name (SAN DNS names
 * and IPs, or the CN without SANs), ranked by likeness to name, most
 * alike first; wildcards are shown as they are.  Only the first 1000
 * names are ranked.  A NULL-terminated array the caller frees with
 * facts_strv_free().
 */
char	**names_suggest(X509 *leaf, const char *name);

#endif

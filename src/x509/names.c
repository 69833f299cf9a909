/* names.c - RFC 6125 / RFC 9525 host-name and IP matching, and suggestions. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "msg.h"
#include "names.h"

/*
 * The rules, where RFC 6125 / RFC 9525 leave a choice:
 *
 * - A requested (reference) name may end in one dot, an absolute name;
 *   the dot is dropped before comparing.  A name in the certificate
 *   (presented) ending in a dot is malformed and never matches, as in
 *   mozilla::pkix and webpki.
 * - Labels are letters, digits and hyphens (not first or last), 1 to 63
 *   octets, 253 octets in all.  Only ASCII: IDNA A-labels are compared
 *   as sent, case-insensitively.  An underscore is allowed in a
 *   requested name (internal hosts have them) and shown in suggestions,
 *   but a certificate's name with one is malformed (RFC 5280 4.2.1.6,
 *   CA/Browser Forum) and never matches.
 * - A wildcard is the whole leftmost label of a presented name ("*.b.c")
 *   with at least two labels after it; it matches exactly one non-empty
 *   label.  Partial wildcards ("f*.b.c"), wildcards in other labels and
 *   wildcards over one label ("*.com") never match.
 * - An IP address (inet_pton) matches iPAddress entries only, by bytes.
 * - The subject CN is consulted only when the certificate has no
 *   dNSName, iPAddress or URI entry (RFC 6125 6.4.4), and only for DNS
 *   names; such a match is NAME_MATCH_CN_ONLY.
 * - Entries that are not IA5String, hold a NUL, or are not well-formed
 *   host names never match.
 */

#define NAME_MAX_LEN	253
#define LABEL_MAX_LEN	63

/*
 * Names of one certificate ranked by names_suggest().  Ranking is
 * quadratic in their number; a handshake can carry tens of thousands.
 */
#define SUGGEST_MAX	1000

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

#define SYN_WILDCARD	0x1	/* a leftmost "*" label is allowed */
#define SYN_UNDERSCORE	0x2	/* so is "_" in labels */

static int
label_char(int c, int flags)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' ||
	    (c == '_' && (flags & SYN_UNDERSCORE));
}

static int
label_ok(const char *s, size_t n, int flags)
{
	size_t i;

	if (n == 0 || n > LABEL_MAX_LEN || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!label_char((unsigned char)s[i], flags))
			return 0;
	return 1;
}

/*
 * Syntax of a dotted name of len octets (no trailing dot allowed).
 * Returns -1 if malformed, 0 for a plain name, 1 for a wildcard name
 * (only with SYN_WILDCARD).
 */
static int
dns_syntax(const char *s, size_t len, int flags)
{
	const char *p = s, *end = s + len, *dot;
	int wild = 0, labels = 0;

	if (len == 0 || len > NAME_MAX_LEN)
		return -1;
	if ((flags & SYN_WILDCARD) && len >= 2 && s[0] == '*' &&
	    s[1] == '.') {
		wild = 1;
		p = s + 2;
		labels = 1;
	}
	while (p <= end) {
		dot = memchr(p, '.', end - p);
		if (dot == NULL)
			dot = end;
		if (!label_ok(p, dot - p, flags))
			return -1;
		labels++;
		p = dot + 1;
	}
	if (wild && labels < 3)
		return -1;
	return wild;
}

static int
same_ci(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* Presented name pat (plen octets, may hold anything) against ref. */
static int
dns_match(const char *pat, size_t plen, const char *ref)
{
	size_t rlen = strlen(ref);
	const char *rest;
	int wild;

	if (memchr(pat, '\0', plen) != NULL)
		return 0;
	if ((wild = dns_syntax(pat, plen, SYN_WILDCARD)) < 0)
		return 0;
	if (!wild)
		return plen == rlen && same_ci(pat, ref, rlen);
	rest = strchr(ref, '.');
	if (rest == NULL || rest == ref)
		return 0;
	return (size_t)(ref + rlen - rest) == plen - 1 &&
	    same_ci(pat + 1, rest, plen - 1);
}

/*
 * The reference name in canonical form: one trailing dot dropped, copied
 * to buf (NAME_MAX_LEN + 1 octets).  Returns 0, or -1 if no host name.
 */
static int
ref_dns(const char *name, char *buf)
{
	size_t len = strlen(name);

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (dns_syntax(name, len, SYN_UNDERSCORE) != 0)
		return -1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	return 0;
}

/* Octets of an IP literal in out; returns 4, 16, or 0 if not one. */
static int
ref_ip(const char *name, unsigned char out[16])
{
	if (inet_pton(AF_INET, name, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, name, out) == 1)
		return 16;
	return 0;
}

int
names_valid(const char *name)
{
	unsigned char ip[16];
	char buf[NAME_MAX_LEN + 1];

	if (name == NULL)
		return 0;
	return ref_ip(name, ip) != 0 || ref_dns(name, buf) == 0;
}

/* The subjectAltName entries; *present says whether the extension is. */
static GENERAL_NAMES *
get_sans(X509 *x, int *present)
{
	GENERAL_NAMES *sans;
	int crit = -1;

	sans = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
	*present = sans != NULL || crit != -1;
	return sans;
}

static int
san_dns_match(const GENERAL_NAME *gn, const char *ref)
{
	const ASN1_IA5STRING *s = gn->d.dNSName;

	if (s == NULL || ASN1_STRING_type(s) != V_ASN1_IA5STRING)
		return 0;
	return dns_match((const char *)ASN1_STRING_get0_data(s),
	    ASN1_STRING_length(s), ref);
}

static int
san_ip_match(const GENERAL_NAME *gn, const unsigned char *ip, int iplen)
{
	const ASN1_OCTET_STRING *s = gn->d.iPAddress;

	return s != NULL && ASN1_STRING_length(s) == iplen &&
	    memcmp(ASN1_STRING_get0_data(s), ip, iplen) == 0;
}

/* The i-th CN of x as a NUL-free ASCII string, or NULL. */
static char *
cn_string(X509 *x, int *lastpos)
{
	const X509_NAME *subj = X509_get_subject_name(x);
	X509_NAME_ENTRY *e;
	unsigned char *utf8 = NULL;
	char *out = NULL;
	int len, i;

	*lastpos = X509_NAME_get_index_by_NID(subj, NID_commonName, *lastpos);
	if (*lastpos < 0)
		return NULL;
	e = X509_NAME_get_entry(subj, *lastpos);
	len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
	if (len < 0)
		return xstrdup("");
	for (i = 0; i < len; i++)
		if (utf8[i] == 0 || utf8[i] > 0x7e)
			break;
	out = xstrdup(i == len ? (char *)utf8 : "");
	OPENSSL_free(utf8);
	return out;
}

static int
cn_match(X509 *x, const char *ref)
{
	char *cn;
	int pos = -1, hit = 0;

	while (!hit && (cn = cn_string(x, &pos)) != NULL) {
		hit = dns_match(cn, strlen(cn), ref);
		free(cn);
	}
	return hit;
}

/* 1 if gn is a name type that rules out the CN (RFC 6125 6.4.4). */
static int
san_usable(const GENERAL_NAME *gn)
{
	return gn->type == GEN_DNS || gn->type == GEN_IPADD ||
	    gn->type == GEN_URI;
}

enum name_match
names_check(X509 *leaf, const char *name)
{
	GENERAL_NAMES *sans = NULL;
	const GENERAL_NAME *gn;
	unsigned char ip[16];
	char ref[NAME_MAX_LEN + 1];
	enum name_match rc = NAME_MISMATCH;
	int iplen, present, usable, i;

	if (name == NULL)
		return NAME_INVALID;
	iplen = ref_ip(name, ip);
	if (iplen == 0 && ref_dns(name, ref) != 0)
		return NAME_INVALID;
	sans = get_sans(leaf, &present);
	usable = present && sans == NULL;	/* malformed: no CN either */
	for (i = 0; i < sk_GENERAL_NAME_num(sans); i++) {
		gn = sk_GENERAL_NAME_value(sans, i);
		usable |= san_usable(gn);
		if (iplen == 0 && gn->type == GEN_DNS &&
		    san_dns_match(gn, ref))
			rc = NAME_MATCH_SAN;
		if (iplen != 0 && gn->type == GEN_IPADD &&
		    san_ip_match(gn, ip, iplen))
			rc = NAME_MATCH_SAN;
		if (rc == NAME_MATCH_SAN)
			goto out;
	}
	if (!usable && iplen == 0 && cn_match(leaf, ref))
		rc = NAME_MATCH_CN_ONLY;
out:
	GENERAL_NAMES_free(sans);
	return rc;
}

struct cand {
	char	*name;
	int	 same_kind;	/* both IPs, or both DNS names */
	int	 suffix;	/* labels shared from the right */
	size_t	 dist;		/* edit distance */
	size_t	 order;		/* position in the certificate */
};

/* Labels name and want share from the right; "*" stands for any one. */
static int
shared_suffix(const char *name, const char *want)
{
	const char *a = name + strlen(name), *b = want + strlen(want);
	const char *la, *lb;
	int n = 0;

	while (a > name && b > want) {
		for (la = a; la > name && la[-1] != '.'; la--)
			;
		for (lb = b; lb > want && lb[-1] != '.'; lb--)
			;
		if (!((a - la == 1 && *la == '*') ||
		    (a - la == b - lb && same_ci(la, lb, a - la))))
			break;
		n++;
		a = la > name ? la - 1 : la;
		b = lb > want ? lb - 1 : lb;
	}
	return n;
}

/* Levenshtein distance, case-insensitive. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d;
	size_t *row = xcalloc(lb + 1, sizeof(*row));
	size_t diag, up;

	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			d = diag + (lower((unsigned char)a[i - 1]) !=
			    lower((unsigned char)b[j - 1]));
			if (up + 1 < d)
				d = up + 1;
			if (row[j - 1] + 1 < d)
				d = row[j - 1] + 1;
			row[j] = d;
			diag = up;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

static int
cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;

	if (a->same_kind != b->same_kind)
		return b->same_kind - a->same_kind;
	if (a->suffix != b->suffix)
		return b->suffix - a->suffix;
	if (a->dist != b->dist)
		return a->dist < b->dist ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static void
cand_add(struct cand **v, size_t *n, char *s, int is_ip, const char *want)
{
	unsigned char ip[16];
	size_t i;

	for (i = 0; i < *n; i++) {
		if (strlen((*v)[i].name) == strlen(s) &&
		    same_ci((*v)[i].name, s, strlen(s))) {
			free(s);
			return;
		}
	}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].name = s;
	(*v)[*n].same_kind = (ref_ip(want, ip) != 0) == is_ip;
	(*v)[*n].suffix = is_ip ? 0 : shared_suffix(s, want);
	(*v)[*n].dist = edit_distance(s, want);
	(*v)[*n].order = *n;
	(*n)++;
}

/* A SAN entry as a name a client could ask for, or NULL. */
static char *
san_string(const GENERAL_NAME *gn)
{
	const ASN1_STRING *s;
	char buf[INET6_ADDRSTRLEN];
	int len;

	if (gn->type == GEN_DNS) {
		s = gn->d.dNSName;
		if (s == NULL || ASN1_STRING_type(s) != V_ASN1_IA5STRING)
			return NULL;
		len = ASN1_STRING_length(s);
		if (memchr(ASN1_STRING_get0_data(s), '\0', len) != NULL ||
		    dns_syntax((const char *)ASN1_STRING_get0_data(s), len,
		    SYN_WILDCARD | SYN_UNDERSCORE) < 0)
			return NULL;
		return xasprintf("%.*s", len,
		    (const char *)ASN1_STRING_get0_data(s));
	}
	if (gn->type != GEN_IPADD || (s = gn->d.iPAddress) == NULL)
		return NULL;
	len = ASN1_STRING_length(s);
	if ((len != 4 && len != 16) || inet_ntop(len == 4 ? AF_INET :
	    AF_INET6, ASN1_STRING_get0_data(s), buf, sizeof(buf)) == NULL)
		return NULL;
	return xstrdup(buf);
}

char **
names_suggest(X509 *leaf, const char *name)
{
	GENERAL_NAMES *sans;
	struct cand *v = NULL;
	char **out, *s;
	const char *want = name ? name : "";
	size_t n = 0, i;
	int present, usable = 0, pos = -1, k;

	sans = get_sans(leaf, &present);
	usable = present && sans == NULL;
	for (k = 0; k < sk_GENERAL_NAME_num(sans); k++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, k);

		usable |= san_usable(gn);
		if (n < SUGGEST_MAX && (s = san_string(gn)) != NULL)
			cand_add(&v, &n, s, gn->type == GEN_IPADD, want);
	}
	while (!usable && n < SUGGEST_MAX &&
	    (s = cn_string(leaf, &pos)) != NULL) {
		if (*s != '\0' && dns_syntax(s, strlen(s),
		    SYN_WILDCARD | SYN_UNDERSCORE) >= 0)
			cand_add(&v, &n, s, 0, want);
		else
			free(s);
	}
	GENERAL_NAMES_free(sans);
	if (n > 1)
		qsort(v, n, sizeof(*v), cand_cmp);
	out = xcalloc(n + 1, sizeof(*out));
	for (i = 0; i < n; i++)
		out[i] = v[i].name;
	free(v);
	return out;
}

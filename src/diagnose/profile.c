/* profile.c - RFC 5280 profile rules that OpenSSL's verification skips. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "chain.h"
#include "facts.h"
#include "msg.h"
#include "profile.h"

static void
bad(struct findings *out, enum finding_id id, size_t i, char *detail)
{
	findings_add(out, id, SEV_ERROR, (int)i, NULL, detail, NULL);
}

/* RFC 5280 4.1.2.2: positive, at most 20 octets. */
static void
serial(X509 *x, size_t i, int anchor, struct findings *out)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	int octets;

	if (bn == NULL)
		return;
	octets = BN_num_bytes(bn) + (BN_num_bits(bn) % 8 == 0);
	if (BN_is_negative(bn))
		bad(out, F_PROFILE, i, xstrdup("the serial number is negative"
		    " (RFC 5280 4.1.2.2)"));
	else if (BN_is_zero(bn) && !anchor)	/* old roots have 0 */
		bad(out, F_PROFILE, i, xstrdup("the serial number is zero "
		    "(RFC 5280 4.1.2.2)"));
	else if (octets > 20)
		bad(out, F_PROFILE, i, xasprintf("the serial number is %d "
		    "octets long, more than 20 (RFC 5280 4.1.2.2)", octets));
	BN_free(bn);
}

/* Extensions that do not parse, and criticality RFC 5280 forbids. */
static void
extensions(X509 *x, size_t i, struct findings *out)
{
	const X509V3_EXT_METHOD *m;
	X509_EXTENSION *ext;
	void *v;
	int k, nid, crit;

	for (k = 0; k < X509_get_ext_count(x); k++) {
		ext = X509_get_ext(x, k);
		nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
		crit = X509_EXTENSION_get_critical(ext);
		if ((m = X509V3_EXT_get(ext)) != NULL) {
			if ((v = X509V3_EXT_d2i(ext)) == NULL)
				bad(out, F_PROFILE, i, xasprintf("the %s "
				    "extension is malformed",
				    OBJ_nid2ln(nid)));
			else if (m->it != NULL)
				ASN1_item_free(v, ASN1_ITEM_ptr(m->it));
			else if (m->ext_free != NULL)
				m->ext_free(v);
		}
		if (nid == NID_policy_constraints && !crit)
			bad(out, F_PROFILE, i, xstrdup("policyConstraints is "
			    "not critical (RFC 5280 4.2.1.11)"));
		if (nid == NID_subject_key_identifier && crit)
			bad(out, F_PROFILE, i, xstrdup("subjectKeyIdentifier "
			    "is critical (RFC 5280 4.2.1.2)"));
		if (nid == NID_authority_key_identifier && crit)
			bad(out, F_PROFILE, i,
			    xstrdup("authorityKeyIdentifier is critical "
			    "(RFC 5280 4.2.1.1)"));
		if (nid == NID_subject_alt_name && crit &&
		    X509_NAME_entry_count(X509_get_subject_name(x)) > 0)
			bad(out, F_PROFILE, i, xstrdup("subjectAltName is "
			    "critical although the subject is not empty "
			    "(RFC 5280 4.2.1.6)"));
	}
	ERR_clear_error();
}

/* RFC 5280 4.2.1.1: every certificate but a self-signed one has an AKI. */
static void
key_ids(X509 *x, size_t i, int anchor, struct findings *out)
{
	AUTHORITY_KEYID *akid;
	int crit = 0;

	akid = X509_get_ext_d2i(x, NID_authority_key_identifier, &crit, NULL);
	if (akid == NULL && crit == -1 && !anchor && !chain_self_signed(x))
		bad(out, F_PROFILE, i, xstrdup("no authorityKeyIdentifier "
		    "although not self-signed (RFC 5280 4.2.1.1)"));
	if (akid != NULL && !anchor && akid->keyid == NULL)
		bad(out, F_PROFILE, i, xstrdup("the authorityKeyIdentifier "
		    "has no keyIdentifier (RFC 5280 4.2.1.1)"));
	AUTHORITY_KEYID_free(akid);
	ERR_clear_error();
}

/* An LDH host name, a wildcard only as the whole leftmost label. */
static int
dns_syntax_ok(const char *s, size_t len)
{
	size_t i, label = 0;

	if (len == 0 || len > 253 || s[0] == '.' || s[len - 1] == '.')
		return 0;
	if (len > 2 && s[0] == '*' && s[1] == '.') {
		s += 2;
		len -= 2;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '-')
			return 0;
		if (label == 0 && c == '-')
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0 && s[len - 1] != '-';
}

static void
san_syntax(X509 *x, struct findings *out)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL);
	const ASN1_IA5STRING *s;
	int k;

	for (k = 0; k < sk_GENERAL_NAME_num(gens); k++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, k);

		if (g->type != GEN_DNS)
			continue;
		s = g->d.dNSName;
		if (!dns_syntax_ok((const char *)ASN1_STRING_get0_data(s),
		    (size_t)ASN1_STRING_length(s))) {
			char *e = msg_escape_len((const char *)
			    ASN1_STRING_get0_data(s),
			    (size_t)ASN1_STRING_length(s));

			bad(out, F_PROFILE, 0, xasprintf("the subjectAltName "
			    "DNS name '%s' is malformed", e));
			free(e);
		}
	}
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
}

/* Is the DNS name n inside the dNSName subtree c (RFC 5280 4.2.1.10)? */
static int
dns_within(const char *n, size_t nl, const char *c, size_t cl)
{
	if (cl == 0)
		return 1;
	if (c[0] == '.')
		return nl > cl && strncasecmp(n + nl - cl, c, cl) == 0;
	if (nl == cl)
		return strncasecmp(n, c, cl) == 0;
	return nl > cl && n[nl - cl - 1] == '.' &&
	    strncasecmp(n + nl - cl, c, cl) == 0;
}

static int
subtrees_have_dns(STACK_OF(GENERAL_SUBTREE) *st)
{
	int k;

	for (k = 0; k < sk_GENERAL_SUBTREE_num(st); k++)
		if (sk_GENERAL_SUBTREE_value(st, k)->base->type == GEN_DNS)
			return 1;
	return 0;
}

static int
subtrees_match(STACK_OF(GENERAL_SUBTREE) *st, const char *n)
{
	const ASN1_IA5STRING *c;
	int k;

	for (k = 0; k < sk_GENERAL_SUBTREE_num(st); k++) {
		GENERAL_SUBTREE *t = sk_GENERAL_SUBTREE_value(st, k);

		if (t->base->type != GEN_DNS)
			continue;
		c = t->base->d.dNSName;
		if (dns_within(n, strlen(n), (const char *)
		    ASN1_STRING_get0_data(c), (size_t)ASN1_STRING_length(c)))
			return 1;
	}
	return 0;
}

/* The constraints themselves: not empty, DNS bases without a dot first. */
static int
nc_wellformed(NAME_CONSTRAINTS *nc, size_t i, struct findings *out)
{
	STACK_OF(GENERAL_SUBTREE) *sts[2] = { nc->permittedSubtrees,
	    nc->excludedSubtrees };
	const ASN1_IA5STRING *c;
	int k, m;

	if (sk_GENERAL_SUBTREE_num(nc->permittedSubtrees) <= 0 &&
	    sk_GENERAL_SUBTREE_num(nc->excludedSubtrees) <= 0) {
		bad(out, F_NAME_CONSTRAINTS, i, xstrdup("nameConstraints "
		    "with neither permitted nor excluded subtrees (RFC 5280 "
		    "4.2.1.10)"));
		return 0;
	}
	for (m = 0; m < 2; m++)
		for (k = 0; k < sk_GENERAL_SUBTREE_num(sts[m]); k++) {
			GENERAL_SUBTREE *t = sk_GENERAL_SUBTREE_value(sts[m],
			    k);

			if (t->base->type != GEN_DNS)
				continue;
			c = t->base->d.dNSName;
			if (ASN1_STRING_length(c) > 0 &&
			    ASN1_STRING_get0_data(c)[0] == '.') {
				bad(out, F_NAME_CONSTRAINTS, i, xstrdup("a "
				    "dNSName constraint starts with a dot "
				    "(RFC 5280 4.2.1.10)"));
				return 0;
			}
		}
	return 1;
}

/*
 * Name constraints of each CA over the certificates below it: their
 * subjects and subjectAltNames; the CN only when there is no
 * subjectAltName at all (OpenSSL also applies them to the CN beside an
 * iPAddress-only SAN); and the requested name, which a wildcard SAN may
 * stand for (CVE-2025-61727).
 */
static void
name_constraints(const struct certlist *p, const char *name,
    struct findings *out)
{
	NAME_CONSTRAINTS *nc;
	size_t i, j;
	int r, crit;

	for (i = 1; i < p->n; i++) {
		nc = X509_get_ext_d2i(p->v[i].x509, NID_name_constraints,
		    &crit, NULL);
		if (nc == NULL)
			continue;
		if (!nc_wellformed(nc, i, out)) {
			NAME_CONSTRAINTS_free(nc);
			continue;
		}
		for (j = 0; j < i; j++) {
			X509 *x = p->v[j].x509;

			if (j > 0 && facts_is_self_issued(x))
				continue;
			r = NAME_CONSTRAINTS_check(x, nc);
			if (r == X509_V_OK && j == 0 && X509_get_ext_by_NID(x,
			    NID_subject_alt_name, -1) < 0)
				r = NAME_CONSTRAINTS_check_CN(x, nc);
			if (r != X509_V_OK)
				findings_add(out, F_NAME_CONSTRAINTS,
				    SEV_ERROR, (int)j, NULL, xasprintf(
				    "%s (constraint of certificate %zu)",
				    X509_verify_cert_error_string(r), i),
				    NULL)->code = r;
		}
		if (name != NULL && strchr(name, ':') == NULL &&
		    strspn(name, "0123456789.") != strlen(name) &&
		    (subtrees_match(nc->excludedSubtrees, name) ||
		    (subtrees_have_dns(nc->permittedSubtrees) &&
		    !subtrees_match(nc->permittedSubtrees, name))))
			bad(out, F_NAME_CONSTRAINTS, 0, xasprintf("the name "
			    "asked for is outside the name constraints of "
			    "certificate %zu", i));
		NAME_CONSTRAINTS_free(nc);
	}
	ERR_clear_error();
}

static void
keys(X509 *x, size_t i, struct findings *out)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	int type;

	if (k == NULL)
		return;
	type = EVP_PKEY_get_base_id(k);
	if (type == EVP_PKEY_DSA)
		findings_add(out, F_WEAK_KEY, SEV_ERROR, (int)i, NULL,
		    xstrdup("a DSA key: TLS 1.3 and browsers no longer accept "
		    "DSA"), NULL);
	if (type == EVP_PKEY_RSA && EVP_PKEY_get_bits(k) % 8 != 0)
		bad(out, F_PROFILE, i, xasprintf("an RSA modulus of %d bits, "
		    "not a multiple of 8", EVP_PKEY_get_bits(k)));
	ERR_clear_error();
}

/* What may issue, and what an end entity may not carry. */
static void
roles(const struct certlist *p, struct findings *out)
{
	X509 *x;
	size_t i;

	for (i = 1; i < p->n; i++) {
		x = p->v[i].x509;
		if ((X509_get_extension_flags(x) & EXFLAG_KUSAGE) &&
		    !(X509_get_key_usage(x) & KU_KEY_CERT_SIGN))
			findings_add(out, F_NOT_A_CA, SEV_ERROR, (int)i, NULL,
			    xstrdup("its keyUsage lacks keyCertSign, yet it "
			    "issued the certificate below it"), NULL)->code =
			    X509_V_ERR_KEYUSAGE_NO_CERTSIGN;
	}
	x = p->v[0].x509;
	if (p->n > 1 && !facts_is_self_issued(x) &&
	    X509_get_ext_by_NID(x, NID_name_constraints, -1) >= 0 &&
	    !(X509_get_extension_flags(x) & EXFLAG_CA))
		bad(out, F_PROFILE, 0, xstrdup("nameConstraints in an end-"
		    "entity certificate (RFC 5280 4.2.1.10)"));
	if (p->n > 1 && !facts_is_self_issued(x) &&
	    (X509_get_extension_flags(x) & EXFLAG_CA) &&
	    (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE) ||
	    !(X509_get_key_usage(x) & KU_KEY_CERT_SIGN)))
		bad(out, F_PROFILE, 0, xstrdup("the server certificate says "
		    "CA:TRUE but may not sign certificates"));
}

void
profile_check(const struct certlist *path, int anchored, int server_auth,
    const char *name, struct findings *out)
{
	size_t i;

	for (i = 0; i < path->n; i++) {
		X509 *x = path->v[i].x509;
		int anchor = anchored && i == path->n - 1;

		serial(x, i, anchor, out);
		extensions(x, i, out);
		key_ids(x, i, anchor, out);
		keys(x, i, out);
	}
	san_syntax(path->v[0].x509, out);
	name_constraints(path, name, out);
	roles(path, out);
}

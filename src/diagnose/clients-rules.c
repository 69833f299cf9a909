/* clients-rules.c - the views of GnuTLS, NSS, Java, Go and RFC 5280. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "clients.h"
#include "diagnose.h"
#include "facts.h"
#include "msg.h"
#include "names.h"
#include "target.h"

#define JAVA_MAX_SENT	10	/* jdk.tls.maxCertificateChainLength */
#define GNUTLS_MAX_PATH	16	/* DEFAULT_MAX_VERIFY_DEPTH */

#define B(c)	CL_BIT(c)
#define ONLY_STD	B(CL_RFC5280)

static int
is_anchor(const struct diagnosis *d, int cert)
{
	return d->chain->anchored && cert >= 0 &&
	    (size_t)cert + 1 == d->chain->path->n;
}

/* Who rejects for a weak signature: SHA-1 and MD5 differ. */
static unsigned
weak_signature(X509 *x)
{
	int md = NID_undef;

	if (x != NULL)
		(void)X509_get_signature_info(x, &md, NULL, NULL, NULL);
	if (md == NID_sha1)
		return B(CL_GNUTLS) | B(CL_GO) | ONLY_STD;
	return CL_RULES;
}

/* Who rejects for a weak key: only RSA under 1024 bits everywhere. */
static unsigned
weak_key(X509 *x)
{
	EVP_PKEY *k = x != NULL ? X509_get0_pubkey(x) : NULL;
	int type;

	if (k == NULL)
		return ONLY_STD;
	type = EVP_PKEY_get_base_id(k);
	if (type == EVP_PKEY_DSA)
		return B(CL_GO) | ONLY_STD;
	if ((type == EVP_PKEY_RSA || type == EVP_PKEY_RSA_PSS) &&
	    EVP_PKEY_get_bits(k) < 1024)
		return CL_RULES;
	return ONLY_STD;
}

/*
 * The rule profiles that reject the chain for finding f of trustfix's
 * own path.  The name and usage findings are RFC 5280's: the other
 * profiles judge those with their own matchers below.
 */
static unsigned
rejecters(const struct diagnosis *d, const struct finding *f)
{
	unsigned bits = finding_rules(f->id);
	X509 *x = f->cert >= 0 && (size_t)f->cert < d->all->n ?
	    d->all->v[f->cert].x509 : NULL;

	switch (f->id) {
	case F_NAME_MISMATCH:
	case F_CN_ONLY:
	case F_NO_SERVER_AUTH:
		return bits & ONLY_STD;
	case F_EXPIRED:
	case F_NOT_YET_VALID:
		/* Java does not check a trust anchor's dates. */
		return is_anchor(d, f->cert) ? bits & ~B(CL_JAVA) : bits;
	case F_NOT_A_CA:
		if (is_anchor(d, f->cert))
			return ONLY_STD;
		/* For Go, issuers() below judges keyUsage as Go does. */
		return x != NULL && (X509_get_extension_flags(x) &
		    EXFLAG_BCONS) && !(X509_get_extension_flags(x) &
		    EXFLAG_CA) ? bits : bits & ~B(CL_GO);
	case F_CRITICAL_EXTENSION:
		/* Java and NSS do not read a trust anchor's extensions. */
		return is_anchor(d, f->cert) ? bits & ~(B(CL_JAVA) |
		    B(CL_NSS)) : bits;
	case F_PATH_LENGTH:
		/* Java takes only a trust anchor's name and key. */
		return is_anchor(d, f->cert) ? bits & ~B(CL_JAVA) : bits;
	case F_WEAK_SIGNATURE:
		return weak_signature(x);
	case F_WEAK_KEY:
		return weak_key(x);
	default:
		return bits;
	}
}

/* Mark finding id on cert for client c, adding it with detail if absent. */
static void
reject(struct diagnosis *d, enum finding_id id, int cert, enum client_id c,
    char *detail)
{
	size_t i;

	for (i = 0; i < d->findings.n; i++)
		if (d->findings.v[i].id == id && (cert < 0 ||
		    d->findings.v[i].cert == cert)) {
			d->findings.v[i].rejected_by |= B(c);
			free(detail);
			return;
		}
	findings_add(&d->findings, id, SEV_ERROR, cert, NULL, detail,
	    NULL)->rejected_by |= B(c);
}

/* Does x have an extendedKeyUsage without serverAuth? */
static int
eku_lacks_server(X509 *x)
{
	return (X509_get_extension_flags(x) & EXFLAG_XKUSAGE) &&
	    !(X509_get_extended_key_usage(x) & XKU_SSL_SERVER);
}

/* Does the subjectAltName hold a dNSName or an iPAddress? */
static int
san_addresses(X509 *leaf)
{
	char **dns = facts_dns_names(leaf), **ip = facts_ip_addresses(leaf);
	int any = (dns != NULL && dns[0] != NULL) ||
	    (ip != NULL && ip[0] != NULL);

	facts_strv_free(dns);
	facts_strv_free(ip);
	return any;
}

/*
 * The kind of partial wildcard the name matched only through: 1 for a
 * star ending the first label ("w*.b.c"), 2 for one starting it
 * ("*w.b.c"), 3 for one inside it; 0 when no partial wildcard was needed.
 */
static int
partial_wildcard(X509 *leaf, const char *name, size_t len)
{
	char **dns;
	const char *star, *dot;
	size_t i;
	int kind = 0;

	if (X509_check_host(leaf, name, len,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1 ||
	    X509_check_host(leaf, name, len, 0, NULL) != 1)
		return 0;
	dns = facts_dns_names(leaf);
	for (i = 0; dns != NULL && dns[i] != NULL && kind == 0; i++) {
		star = strchr(dns[i], '*');
		dot = strchr(dns[i], '.');
		if (star == NULL || dot == NULL || star > dot ||
		    dot - dns[i] == 1)
			continue;
		kind = star == dns[i] ? 2 : star + 1 == dot ? 1 : 3;
	}
	facts_strv_free(dns);
	return kind;
}

/*
 * Does client c match the name against the leaf?  The CN is a host
 * name's last resort: for OpenSSL and Java when the subjectAltName holds
 * no dNSName, for GnuTLS when it holds no dNSName and no iPAddress, for
 * NSS when it holds no name of the asked kind (CERT_VerifyCertName: an
 * address is then compared with the CN as text), for Go never.
 */
static int
name_ok(enum client_id c, X509 *leaf, const char *name)
{
	unsigned flags = 0;
	size_t len;
	char **ips, *cn;
	int ok;

	if (target_is_ip(name)) {
		ok = X509_check_ip_asc(leaf, name, 0) == 1;
		ips = facts_ip_addresses(leaf);
		if (!ok && c == CL_NSS && (ips == NULL || ips[0] == NULL) &&
		    (cn = facts_common_name(leaf)) != NULL) {
			ok = strcasecmp(cn, name) == 0;
			free(cn);
		}
		facts_strv_free(ips);
		return ok;
	}
	len = strlen(name);
	if (c == CL_GO) {
		flags = X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
		/* Go drops the root's dot: "www.example.com." matches. */
		if (len > 1 && name[len - 1] == '.')
			len--;
	} else if (c == CL_GNUTLS && san_addresses(leaf))
		flags = X509_CHECK_FLAG_NEVER_CHECK_SUBJECT;
	if (X509_check_host(leaf, name, len, flags, NULL) != 1)
		return 0;
	/* GnuTLS refuses "w*.b.c", NSS "*w.b.c"; each takes the other. */
	switch (partial_wildcard(leaf, name, len)) {
	case 1:
		return c != CL_GNUTLS;
	case 2:
		return c != CL_NSS;
	default:
		return 1;
	}
}

static void
names(struct diagnosis *d, const struct diag_opts *o)
{
	X509 *leaf = d->chain->path->v[0].x509;
	int c, san;

	if (o->name == NULL || names_check(leaf, o->name) == NAME_INVALID)
		return;
	san = X509_get_ext_by_NID(leaf, NID_subject_alt_name, -1) >= 0;
	for (c = CL_GNUTLS; c <= CL_GO; c++) {
		if (name_ok((enum client_id)c, leaf, o->name))
			continue;
		if (c == CL_GO && !san && findings_get(&d->findings,
		    F_CN_ONLY) != NULL && name_ok(CL_OPENSSL, leaf, o->name))
			reject(d, F_CN_ONLY, 0, CL_GO, NULL);
		else
			reject(d, F_NAME_MISMATCH, 0, (enum client_id)c,
			    xasprintf("%s: the certificate is not valid for "
			    "%s", client_label((enum client_id)c), o->name));
	}
	ERR_clear_error();
}

/*
 * extendedKeyUsage: GnuTLS and NSS read it on every certificate below
 * the anchor, Go on every one, Java on the server's only; Java and
 * GnuTLS also want digitalSignature in a server's keyUsage.
 */
static void
usage(struct diagnosis *d)
{
	const struct certlist *p = d->chain->path;
	size_t i, top = d->chain->anchored ? p->n - 1 : p->n, end;
	X509 *x;
	uint32_t any;
	int c;

	for (c = CL_GNUTLS; c <= CL_GO; c++) {
		end = c == CL_JAVA ? 1 : c == CL_GO ? p->n : top;
		for (i = 0; i < end && i < p->n; i++) {
			x = p->v[i].x509;
			/*
			 * anyExtendedKeyUsage stands for serverAuth except
			 * for NSS below the anchor and GnuTLS on an
			 * intermediate (cert_ComputeCertType: a CA with
			 * clientAuth is an SSL CA for NSS).
			 */
			any = (c == CL_NSS || (c == CL_GNUTLS && i > 0)) ?
			    0 : XKU_ANYEKU;
			/* NSS takes clientAuth on a CA as serverAuth too. */
			if (c == CL_NSS && i > 0)
				any = XKU_SSL_CLIENT;
			if ((X509_get_extension_flags(x) & EXFLAG_XKUSAGE) &&
			    !(X509_get_extended_key_usage(x) &
			    (XKU_SSL_SERVER | any)))
				reject(d, F_NO_SERVER_AUTH, (int)i,
				    (enum client_id)c, xstrdup(any ? "its "
				    "extendedKeyUsage lacks serverAuth" : "its "
				    "extendedKeyUsage lacks serverAuth "
				    "(anyExtendedKeyUsage does not count)"));
		}
	}
	x = p->v[0].x509;
	if ((X509_get_extension_flags(x) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE)) {
		reject(d, F_NO_SERVER_AUTH, 0, CL_JAVA, xstrdup("its keyUsage "
		    "lacks digitalSignature, which TLS 1.3 and ECDHE need"));
		reject(d, F_NO_SERVER_AUTH, 0, CL_GNUTLS, NULL);
	}
}

/*
 * Go checks each issuer as it verifies a signature with it: a v3 issuer
 * needs basicConstraints CA:TRUE and, with a keyUsage, keyCertSign; an
 * intermediate needs CA:TRUE even as v1.  Java and GnuTLS want the same
 * of a v3 trust anchor, which OpenSSL takes as it is.
 */
static void
issuers(struct diagnosis *d)
{
	const struct certlist *p = d->chain->path;
	const char *why;
	uint32_t fl;
	size_t i;
	X509 *x;
	int v3, anchor;

	for (i = 1; i < p->n; i++) {
		x = p->v[i].x509;
		fl = X509_get_extension_flags(x);
		v3 = X509_get_version(x) == X509_VERSION_3;
		anchor = is_anchor(d, (int)i);
		if ((fl & EXFLAG_BCONS) ? !(fl & EXFLAG_CA) : v3 || !anchor)
			why = "it is not marked as a CA (basicConstraints)";
		else if ((fl & EXFLAG_KUSAGE) &&
		    !(X509_get_key_usage(x) & KU_KEY_CERT_SIGN))
			why = "its keyUsage lacks keyCertSign";
		else
			continue;
		reject(d, F_NOT_A_CA, (int)i, CL_GO, xstrdup(why));
		if (anchor && v3) {
			reject(d, F_NOT_A_CA, (int)i, CL_JAVA, NULL);
			if ((fl & EXFLAG_KUSAGE) &&
			    !(X509_get_key_usage(x) & KU_KEY_CERT_SIGN))
				reject(d, F_NOT_A_CA, (int)i, CL_GNUTLS,
				    NULL);
		}
	}
}

/*
 * NSS (tstclnt, Firefox's and Thunderbird's library) takes no server
 * certificate that is a CA, none that is its own trust anchor under the
 * trust flags trustfix gives (C,,), and wants keyEncipherment in the
 * keyUsage of an RSA server key.
 */
static void
nss_leaf(struct diagnosis *d)
{
	X509 *leaf = d->chain->path->v[0].x509;
	EVP_PKEY *k = X509_get0_pubkey(leaf);
	uint32_t fl = X509_get_extension_flags(leaf);

	if ((fl & EXFLAG_BCONS) && (fl & EXFLAG_CA))
		reject(d, F_PROFILE, 0, CL_NSS, xstrdup("NSS does not take "
		    "a CA certificate (CA:TRUE) as a server's"));
	else if (d->chain->anchored && d->chain->path->n == 1)
		reject(d, F_SELF_SIGNED, 0, CL_NSS, xstrdup("NSS does not "
		    "take a server certificate as its own trust anchor"));
	if (k != NULL && EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA &&
	    (fl & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(leaf) & KU_KEY_ENCIPHERMENT))
		reject(d, F_NO_SERVER_AUTH, 0, CL_NSS, xstrdup("its keyUsage "
		    "lacks keyEncipherment, which NSS wants of an RSA server "
		    "key"));
	if (k != NULL && EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
	    (fl & EXFLAG_KUSAGE) && !(X509_get_key_usage(leaf) &
	    (KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT)))
		reject(d, F_NO_SERVER_AUTH, 0, CL_NSS, xstrdup("its keyUsage "
		    "has neither digitalSignature nor keyAgreement, one of "
		    "which NSS wants of an EC server key"));
}

/*
 * GnuTLS and NSS take a certificate for the issuer of another only when
 * its subjectKeyIdentifier is the one the other's authorityKeyIdentifier
 * names; OpenSSL's path building does the same, but trustfix's path may
 * have been built by a client that does not.
 */
static void
key_identifiers(struct diagnosis *d)
{
	const struct certlist *p = d->chain->path;
	AUTHORITY_KEYID *akid;
	size_t i;

	for (i = 0; i + 1 < p->n; i++) {
		akid = X509_get_ext_d2i(p->v[i].x509,
		    NID_authority_key_identifier, NULL, NULL);
		if (akid == NULL)
			continue;
		if (X509_check_akid(p->v[i + 1].x509, akid) != X509_V_OK) {
			reject(d, F_UNTRUSTED_ROOT, (int)i + 1, CL_GNUTLS,
			    xstrdup("its subjectKeyIdentifier is not the "
			    "one the authorityKeyIdentifier below names"));
			reject(d, F_UNTRUSTED_ROOT, (int)i + 1, CL_NSS, NULL);
		}
		AUTHORITY_KEYID_free(akid);
	}
	ERR_clear_error();
}

/* The index in d->all of x, or -1. */
static int
all_index(const struct diagnosis *d, X509 *x)
{
	size_t i;

	for (i = 0; i < d->all->n; i++)
		if (X509_cmp(d->all->v[i].x509, x) == 0)
			return (int)i;
	return -1;
}

/*
 * GnuTLS sorts what the server sent by taking, for each certificate, the
 * first one sent after it that names it as issuer, and verifies that:
 * an out-of-date copy of an issuer sent before the valid one is the one
 * it judges, where OpenSSL's path building prefers the valid copy.
 */
static void
gnutls_sent_issuers(struct diagnosis *d, const struct certlist *sent,
    time_t at)
{
	const struct certlist *p = d->chain->path;
	X509 *first;
	size_t i, j;
	int cmp, idx;

	for (i = 0; i + 1 < p->n; i++) {
		first = NULL;
		for (j = 1; j < sent->n && first == NULL; j++)
			if (X509_cmp(sent->v[j].x509, p->v[i].x509) != 0 &&
			    chain_names_issuer(sent->v[j].x509,
			    p->v[i].x509))
				first = sent->v[j].x509;
		if (first == NULL || X509_cmp(first, p->v[i + 1].x509) == 0)
			continue;
		cmp = X509_cmp_time(X509_get0_notAfter(first), &at);
		idx = all_index(d, first);
		if (cmp <= 0)
			reject(d, F_EXPIRED, idx, CL_GNUTLS, xstrdup("GnuTLS "
			    "takes this out-of-date copy, sent first, for the "
			    "issuer and not the valid one sent after it"));
		else if (X509_cmp_time(X509_get0_notBefore(first), &at) > 0)
			reject(d, F_NOT_YET_VALID, idx, CL_GNUTLS,
			    xstrdup("GnuTLS takes this copy, sent first, for "
			    "the issuer and not the valid one sent after it"));
		return;
	}
}

static void
lengths(struct diagnosis *d)
{
	if (d->chain->nsent > JAVA_MAX_SENT)
		reject(d, F_CHAIN_LENGTH, -1, CL_JAVA, xasprintf("the server "
		    "sends %zu certificates; Java accepts at most %d "
		    "(jdk.tls.maxCertificateChainLength)", d->chain->nsent,
		    JAVA_MAX_SENT));
	if (d->chain->path->n > GNUTLS_MAX_PATH)
		reject(d, F_CHAIN_LENGTH, -1, CL_GNUTLS, xasprintf("the path "
		    "has %zu certificates; GnuTLS verifies at most %d",
		    d->chain->path->n, GNUTLS_MAX_PATH));
}

/*
 * The CA/Browser Forum's rules for a TLS server's chain, which only the
 * standards' profile enforces: the server's extendedKeyUsage is not
 * critical and has no anyExtendedKeyUsage (7.1.2.7.6, 7.1.2.7.10); a
 * root has none (7.1.2.1.2).
 */
static void
baseline(struct diagnosis *d)
{
	const struct certlist *p = d->chain->path;
	X509 *leaf = p->v[0].x509, *top = p->v[p->n - 1].x509;
	int i;

	i = X509_get_ext_by_NID(leaf, NID_ext_key_usage, -1);
	if (i >= 0 && X509_EXTENSION_get_critical(X509_get_ext(leaf, i)))
		reject(d, F_PROFILE, 0, CL_RFC5280, xstrdup("its "
		    "extendedKeyUsage is critical (CA/Browser Forum baseline "
		    "7.1.2.7.6)"));
	if ((X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) &&
	    (X509_get_extended_key_usage(leaf) & XKU_ANYEKU))
		reject(d, F_PROFILE, 0, CL_RFC5280, xstrdup("its "
		    "extendedKeyUsage has anyExtendedKeyUsage (CA/Browser "
		    "Forum baseline 7.1.2.7.10)"));
	if (p->n > 1 && d->chain->anchored && facts_is_self_issued(top) &&
	    (X509_get_extension_flags(top) & EXFLAG_XKUSAGE))
		reject(d, F_PROFILE, (int)p->n - 1, CL_RFC5280, xstrdup("the "
		    "root has an extendedKeyUsage (CA/Browser Forum baseline "
		    "7.1.2.1.2)"));
}

void
clients_rules(struct diagnosis *d, const struct certlist *sent,
    const struct diag_opts *o)
{
	size_t i;

	for (i = 0; i < d->findings.n; i++)
		d->findings.v[i].rejected_by |= rejecters(d,
		    &d->findings.v[i]);
	names(d, o);
	issuers(d);
	key_identifiers(d);
	gnutls_sent_issuers(d, sent, o->at);
	if (o->server_auth) {
		nss_leaf(d);
		usage(d);
		baseline(d);
	}
	lengths(d);
}

/* The leaf's DNS names (ip: its IP addresses), ", " between. */
static char *
san_list(X509 *leaf, int ip)
{
	char **v = ip ? facts_ip_addresses(leaf) : facts_dns_names(leaf);
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++) {
		t = xasprintf("%s%s%s", s, i ? ", " : "", v[i]);
		free(s);
		s = t;
	}
	facts_strv_free(v);
	return s;
}

/* Go's HostnameError, word for word. */
static char *
go_name_error(X509 *leaf, const char *name)
{
	int ip = target_is_ip(name);
	char *valid, *s, *cn;
	int legacy = 0;

	/* A CN that would have matched is named as such, even an IP. */
	if (X509_get_ext_by_NID(leaf, NID_subject_alt_name, -1) < 0 &&
	    (cn = facts_common_name(leaf)) != NULL) {
		legacy = ip ? strcasecmp(cn, name) == 0 :
		    X509_check_host(leaf, name, 0, 0, NULL) == 1;
		free(cn);
	}
	if (legacy)
		return xstrdup("x509: certificate relies on legacy Common "
		    "Name field, use SANs instead");
	valid = san_list(leaf, ip);
	if (ip && *valid == '\0')
		s = xasprintf("x509: cannot validate certificate for %s "
		    "because it doesn't contain any IP SANs", name);
	else if (*valid == '\0')
		s = xasprintf("x509: certificate is not valid for any names, "
		    "but wanted to match %s", name);
	else
		s = xasprintf("x509: certificate is valid for %s, not %s",
		    valid, name);
	free(valid);
	return s;
}

/* Java's HostnameChecker, word for word. */
static char *
java_name_error(X509 *leaf, const char *name)
{
	char **dns;
	char *s;

	if (X509_get_ext_by_NID(leaf, NID_subject_alt_name, -1) < 0)
		return target_is_ip(name) ?
		    xstrdup("No subject alternative names present") :
		    xasprintf("No name matching %s found", name);
	if (target_is_ip(name))
		return xasprintf("No subject alternative names matching IP "
		    "address %s found", name);
	dns = facts_dns_names(leaf);
	s = dns != NULL && dns[0] != NULL ? xasprintf("No subject "
	    "alternative DNS name matching %s found.", name) :
	    xasprintf("No name matching %s found", name);
	facts_strv_free(dns);
	return s;
}

/*
 * What client c says when it rejects for f, where that depends on more
 * than the finding: the certificate's place and fields, the name.  NULL
 * when the finding's own words (findings.def) are the client's.
 */
char *
clients_rule_error(const struct diagnosis *d, const struct finding *f,
    enum client_id c, const char *name)
{
	X509 *x = f->cert >= 0 && (size_t)f->cert < d->all->n ?
	    d->all->v[f->cert].x509 : NULL;
	X509 *leaf = d->all->v[0].x509;
	uint32_t fl = x != NULL ? X509_get_extension_flags(x) : 0;
	int anchor = is_anchor(d, f->cert), ca = (fl & EXFLAG_CA) != 0;
	char *who, *s;

	switch (c) {
	case CL_NSS:
		if ((f->id == F_EXPIRED || f->id == F_NOT_YET_VALID) &&
		    f->cert > 0)
			return xstrdup("SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE");
		if (f->id == F_SELF_SIGNED && !ca)
			return xstrdup("SEC_ERROR_CA_CERT_INVALID");
		if (f->id == F_PROFILE)
			return xstrdup("SEC_ERROR_INADEQUATE_CERT_TYPE");
		if (f->id == F_NOT_A_CA && x != NULL && !anchor)
			return xstrdup(ca ? "SEC_ERROR_INADEQUATE_KEY_USAGE" :
			    "SEC_ERROR_UNKNOWN_ISSUER");
		if (f->id == F_NO_SERVER_AUTH && f->cert > 0)
			return xstrdup("SEC_ERROR_CA_CERT_INVALID");
		if (f->id == F_NO_SERVER_AUTH && !eku_lacks_server(leaf))
			return xstrdup("SEC_ERROR_INADEQUATE_KEY_USAGE");
		return NULL;
	case CL_GNUTLS:
		if (f->id == F_NO_SERVER_AUTH && f->cert == 0 &&
		    !eku_lacks_server(leaf))
			return xstrdup("Key usage violation in certificate "
			    "has been detected.");
		if (f->id == F_NOT_A_CA && ca)
			return xstrdup("The certificate chain violates the "
			    "signer's constraints.");
		return NULL;
	case CL_JAVA:
		if (f->id == F_NAME_MISMATCH && name != NULL)
			return java_name_error(leaf, name);
		if (f->id == F_NOT_A_CA && x != NULL && anchor) {
			who = facts_subject(x);	/* as X500Principal prints */
			/* Java wants CA:TRUE of a v3 anchor, keyCertSign if
			 * it has a keyUsage. */
			s = xasprintf("TrustAnchor with subject \"%s\" %s", who,
			    ca || X509_get_version(x) != X509_VERSION_3 ?
			    "does not have keyCertSign bit set in KeyUsage "
			    "extension" : "is not a CA certificate");
			free(who);
			return s;
		}
		if (f->id == F_NOT_A_CA && ca)
			return xstrdup("CA key usage check failed: keyCertSign "
			    "bit is not set");
		if (f->id == F_NO_SERVER_AUTH && f->cert == 0 &&
		    (X509_get_extension_flags(leaf) & EXFLAG_KUSAGE) &&
		    !(X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE))
			return xstrdup("KeyUsage does not allow digital "
			    "signatures");
		if (f->id == F_CHAIN_LENGTH)
			/* Java stops reading at the first one too many. */
			return xasprintf("The certificate chain length (%d) "
			    "exceeds the maximum allowed length (%d)",
			    JAVA_MAX_SENT + 1, JAVA_MAX_SENT);
		return NULL;
	case CL_GO:
		if (f->id == F_NAME_MISMATCH && name != NULL)
			return go_name_error(leaf, name);
		/* A v3 issuer that may not sign is no candidate at all. */
		if (f->id == F_NOT_A_CA && x != NULL &&
		    X509_get_version(x) == X509_VERSION_3)
			return xstrdup("x509: certificate signed by unknown "
			    "authority (possibly because of \"x509: invalid "
			    "signature: parent certificate cannot sign this "
			    "kind of certificate\"");
		return NULL;
	default:
		return NULL;
	}
}

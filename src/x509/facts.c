/* facts.c - what one certificate says: names, validity, key, extensions. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "facts.h"
#include "hexdigest.h"
#include "msg.h"

/* RFC 2253 escaping, but UTF-8 kept as is and a space after commas. */
#define NAME_FLAGS ((ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | \
	XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_DN_REV | XN_FLAG_FN_SN | \
	XN_FLAG_DUMP_UNKNOWN_FIELDS)

/* A growing NULL-terminated vector of strings. */
struct strv {
	char	**v;
	size_t	  n;
};

static void
strv_add0(struct strv *sv, char *s)
{
	sv->v = xrealloc(sv->v, (sv->n + 2) * sizeof(*sv->v));
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

/* Bytes from a certificate as a C string; a NUL inside is escaped. */
static char *
bytes_str(const unsigned char *p, int len)
{
	char *s;

	if (p == NULL || len <= 0)
		return xstrdup("");
	if (memchr(p, '\0', (size_t)len) != NULL)
		return msg_escape_len((const char *)p, (size_t)len);
	s = xmalloc((size_t)len + 1);
	memcpy(s, p, (size_t)len);
	s[len] = '\0';
	return s;
}

size_t
facts_strv_len(char **v)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

void
facts_strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

char *
facts_name(const X509_NAME *name)
{
	BIO *b;
	char *data, *s;
	long len;

	if (name == NULL)
		return xstrdup("");
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		msg_oom();
	if (X509_NAME_print_ex(b, name, 0, NAME_FLAGS) < 0) {
		ERR_clear_error();
		BIO_free(b);
		return xstrdup("");
	}
	len = BIO_get_mem_data(b, &data);
	s = bytes_str((const unsigned char *)data, (int)len);
	BIO_free(b);
	return s;
}

char *
facts_subject(const X509 *x)
{
	return facts_name(X509_get_subject_name(x));
}

char *
facts_issuer(const X509 *x)
{
	return facts_name(X509_get_issuer_name(x));
}

char *
facts_common_name(const X509 *x)
{
	const X509_NAME *n = X509_get_subject_name(x);
	const ASN1_STRING *d;
	unsigned char *utf8 = NULL;
	char *s;
	int i, len;

	i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	if (i < 0)
		return NULL;
	d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
	if ((len = ASN1_STRING_to_UTF8(&utf8, d)) < 0) {
		ERR_clear_error();
		return NULL;
	}
	s = bytes_str(utf8, len);
	OPENSSL_free(utf8);
	return s;
}

/* Lowercase hex of a digest of x's DER into hex (2 * size + 1 bytes). */
static void
digest_hex(const X509 *x, const EVP_MD *type, size_t size, char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	hex[0] = '\0';
	if (!X509_digest(x, type, md, &len) || len != size) {
		ERR_clear_error();
		return;
	}
	hex_encode(md, len, hex);
}

void
facts_sha256(const X509 *x, char hex[65])
{
	digest_hex(x, EVP_sha256(), 32, hex);
}

void
facts_sha1(const X509 *x, char hex[41])
{
	digest_hex(x, EVP_sha1(), 20, hex);
}

static void
lowercase(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

char *
facts_serial(const X509 *x)
{
	BIGNUM *bn;
	char *hex, *s;

	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	if (bn == NULL || (hex = BN_bn2hex(bn)) == NULL) {
		ERR_clear_error();
		BN_free(bn);
		return xstrdup("");
	}
	s = xstrdup(hex);
	lowercase(s);
	OPENSSL_free(hex);
	BN_free(bn);
	return s;
}

/* "P-256" for a named curve, or the OpenSSL group name. */
static char *
ec_curve(const EVP_PKEY *pk)
{
	char group[80];
	const char *nist;
	size_t len = 0;
	int nid;

	if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof(group), &len)) {
		ERR_clear_error();
		return NULL;
	}
	nid = OBJ_sn2nid(group);
	if (nid != NID_undef && (nist = EC_curve_nid2nist(nid)) != NULL)
		return xstrdup(nist);
	return xstrdup(group);
}

char *
facts_key(const X509 *x)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	const char *type;
	char *curve, *s;

	if (pk == NULL) {
		ERR_clear_error();
		return xstrdup("unknown");
	}
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		type = "RSA";
		break;
	case EVP_PKEY_DSA:
		type = "DSA";
		break;
	case EVP_PKEY_EC:
		if ((curve = ec_curve(pk)) == NULL)
			return xasprintf("EC %d", EVP_PKEY_get_bits(pk));
		s = xasprintf("EC %s", curve);
		free(curve);
		return s;
	case EVP_PKEY_ED25519:
		return xstrdup("Ed25519");
	case EVP_PKEY_ED448:
		return xstrdup("Ed448");
	default:
		type = OBJ_nid2sn(EVP_PKEY_get_base_id(pk));
		if (type == NULL || EVP_PKEY_get_base_id(pk) == NID_undef)
			type = "unknown";
		break;
	}
	return xasprintf("%s %d", type, EVP_PKEY_get_bits(pk));
}

char *
facts_signature(const X509 *x)
{
	const ASN1_BIT_STRING *sig;
	const X509_ALGOR *alg;
	const ASN1_OBJECT *obj;
	char buf[128];
	int nid;

	X509_get0_signature(&sig, &alg, x);
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	nid = OBJ_obj2nid(obj);
	if (nid != NID_undef && OBJ_nid2ln(nid) != NULL)
		return xstrdup(OBJ_nid2ln(nid));
	if (OBJ_obj2txt(buf, sizeof(buf), obj, 1) <= 0)
		return xstrdup("unknown");
	return xstrdup(buf);
}

char *
facts_time(const ASN1_TIME *t)
{
	struct tm tm;
	char buf[32];

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		return xstrdup("");
	}
	if (strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return xstrdup("");
	return xstrdup(buf);
}

static time_t
asn1_epoch(const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		return (time_t)-1;
	}
	return timegm(&tm);
}

time_t
facts_not_before(const X509 *x)
{
	return asn1_epoch(X509_get0_notBefore(x));
}

time_t
facts_not_after(const X509 *x)
{
	return asn1_epoch(X509_get0_notAfter(x));
}

long
facts_days_left(const X509 *x, time_t at)
{
	time_t a = facts_not_after(x);
	long long d;

	if (a == (time_t)-1)
		return FACTS_NO_DAYS;
	d = (long long)a - (long long)at;
	/* Whole days, rounded down: -1 once the last day has passed. */
	return (long)(d >= 0 ? d / 86400 : -((-d + 86399) / 86400));
}

int
facts_is_self_issued(const X509 *x)
{
	return X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) == 0;
}

/*
 * Not X509_check_issued(x, x): it also demands keyCertSign, which a
 * self-signed server certificate rarely has.
 */
int
facts_is_self_signed(X509 *x)
{
	EVP_PKEY *pk;
	int ok;

	if (!facts_is_self_issued(x))
		return 0;
	if ((pk = X509_get0_pubkey(x)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	ok = X509_verify(x, pk) == 1;
	ERR_clear_error();
	return ok;
}

int
facts_is_ca(X509 *x)
{
	return (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
}

/* Names of one type from a GENERAL_NAMES, appended to sv. */
static void
general_names(const GENERAL_NAMES *gens, int type, struct strv *sv)
{
	const GENERAL_NAME *g;
	const ASN1_OCTET_STRING *ip;
	char buf[INET6_ADDRSTRLEN];
	int i, t;

	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != type)
			continue;
		if (type == GEN_DNS || type == GEN_URI) {
			const ASN1_IA5STRING *s = type == GEN_DNS ?
			    g->d.dNSName : g->d.uniformResourceIdentifier;

			strv_add0(sv, bytes_str(ASN1_STRING_get0_data(s),
			    ASN1_STRING_length(s)));
			continue;
		}
		ip = g->d.iPAddress;
		t = ASN1_STRING_length(ip) == 4 ? AF_INET :
		    ASN1_STRING_length(ip) == 16 ? AF_INET6 : 0;
		if (t == 0 || inet_ntop(t, ASN1_STRING_get0_data(ip), buf,
		    sizeof(buf)) == NULL)
			strv_add0(sv, xstrdup("(invalid address)"));
		else
			strv_add0(sv, xstrdup(buf));
	}
}

static char **
san_names(const X509 *x, int type)
{
	GENERAL_NAMES *gens;
	struct strv sv = { NULL, 0 };

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	ERR_clear_error();
	general_names(gens, type, &sv);
	GENERAL_NAMES_free(gens);
	if (sv.v == NULL)
		strv_add0(&sv, NULL);
	return sv.v;
}

char **
facts_dns_names(const X509 *x)
{
	return san_names(x, GEN_DNS);
}

char **
facts_ip_addresses(const X509 *x)
{
	return san_names(x, GEN_IPADD);
}

static char **
aia_urls(const X509 *x, int method)
{
	AUTHORITY_INFO_ACCESS *aia;
	ACCESS_DESCRIPTION *ad;
	GENERAL_NAMES *one;
	struct strv sv = { NULL, 0 };
	int i;

	aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	ERR_clear_error();
	if ((one = sk_GENERAL_NAME_new_null()) == NULL)
		msg_oom();
	for (i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		if (OBJ_obj2nid(ad->method) != method)
			continue;
		if (!sk_GENERAL_NAME_push(one, ad->location))
			msg_oom();
		general_names(one, GEN_URI, &sv);
		(void)sk_GENERAL_NAME_pop(one);
	}
	sk_GENERAL_NAME_free(one);
	AUTHORITY_INFO_ACCESS_free(aia);
	if (sv.v == NULL)
		strv_add0(&sv, NULL);
	return sv.v;
}

char **
facts_ca_issuers(const X509 *x)
{
	return aia_urls(x, NID_ad_ca_issuers);
}

char **
facts_ocsp_urls(const X509 *x)
{
	return aia_urls(x, NID_ad_OCSP);
}

char **
facts_crl_urls(const X509 *x)
{
	CRL_DIST_POINTS *cdp;
	DIST_POINT *dp;
	struct strv sv = { NULL, 0 };
	int i;

	cdp = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
	ERR_clear_error();
	for (i = 0; i < sk_DIST_POINT_num(cdp); i++) {
		dp = sk_DIST_POINT_value(cdp, i);
		if (dp->distpoint != NULL && dp->distpoint->type == 0)
			general_names(dp->distpoint->name.fullname, GEN_URI,
			    &sv);
	}
	CRL_DIST_POINTS_free(cdp);
	if (sv.v == NULL)
		strv_add0(&sv, NULL);
	return sv.v;
}

char **
facts_eku(const X509 *x)
{
	EXTENDED_KEY_USAGE *eku;
	const ASN1_OBJECT *obj;
	struct strv sv = { NULL, 0 };
	char buf[128];
	int i, nid;

	eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	ERR_clear_error();
	if (eku == NULL)
		return NULL;
	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		obj = sk_ASN1_OBJECT_value(eku, i);
		nid = OBJ_obj2nid(obj);
		if (nid != NID_undef)
			strv_add0(&sv, xstrdup(OBJ_nid2sn(nid)));
		else if (OBJ_obj2txt(buf, sizeof(buf), obj, 1) > 0)
			strv_add0(&sv, xstrdup(buf));
	}
	EXTENDED_KEY_USAGE_free(eku);
	if (sv.v == NULL)
		strv_add0(&sv, NULL);
	return sv.v;
}

static char *
octets_hex(const ASN1_OCTET_STRING *os)
{
	char *h, *s;

	if (os == NULL || ASN1_STRING_length(os) <= 0)
		return NULL;
	h = OPENSSL_buf2hexstr(ASN1_STRING_get0_data(os),
	    ASN1_STRING_length(os));
	if (h == NULL)
		msg_oom();
	s = xstrdup(h);
	OPENSSL_free(h);
	return s;
}

char *
facts_ski(const X509 *x)
{
	ASN1_OCTET_STRING *os;
	char *s;

	os = X509_get_ext_d2i(x, NID_subject_key_identifier, NULL, NULL);
	ERR_clear_error();
	s = octets_hex(os);
	ASN1_OCTET_STRING_free(os);
	return s;
}

char *
facts_aki(const X509 *x)
{
	AUTHORITY_KEYID *akid;
	char *s;

	akid = X509_get_ext_d2i(x, NID_authority_key_identifier, NULL, NULL);
	ERR_clear_error();
	s = akid != NULL ? octets_hex(akid->keyid) : NULL;
	AUTHORITY_KEYID_free(akid);
	return s;
}

/* s with %XX sequences decoded; invalid ones are kept as they are. */
static char *
percent_decode(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *p = out;
	char hex[3] = { 0, 0, 0 };

	while (*s != '\0') {
		if (s[0] == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			hex[0] = s[1];
			hex[1] = s[2];
			*p++ = (char)strtol(hex, NULL, 16);
			s += 3;
		} else
			*p++ = *s++;
	}
	*p = '\0';
	return out;
}

/* "ldap" or "certenroll" when url looks like AD CS published it. */
static const char *
adcs_url_kind(const char *url)
{
	char *d = percent_decode(url);
	const char *kind = NULL;

	if (strncasecmp(d, "ldap:", 5) == 0 &&
	    strcasestr(d, "CN=Public Key Services") != NULL)
		kind = "ldap";
	else if (strcasestr(d, "/CertEnroll/") != NULL)
		kind = "certenroll";
	free(d);
	return kind;
}

static const struct {
	const char *oid;
	const char *what;
} adcs_exts[] = {
	{ "1.3.6.1.4.1.311.21.7", "certificate template" },
	{ "1.3.6.1.4.1.311.20.2", "certificate template name" },
	{ "1.3.6.1.4.1.311.21.1", "CA version" },
	{ "1.3.6.1.4.1.311.21.2", "previous CA certificate hash" },
};

static void
adcs_urls(char **urls, const char *where, struct strv *sv)
{
	const char *kind;
	char *e;
	size_t i;

	for (i = 0; urls != NULL && urls[i] != NULL; i++) {
		if ((kind = adcs_url_kind(urls[i])) == NULL)
			continue;
		e = msg_escape(urls[i]);
		strv_add0(sv, xasprintf("%s %s URL (%s)", where,
		    strcmp(kind, "ldap") == 0 ? "Active Directory LDAP" :
		    "CertEnroll", e));
		free(e);
	}
}

char **
facts_adcs_markers(const X509 *x)
{
	struct strv sv = { NULL, 0 };
	ASN1_OBJECT *obj;
	char **urls;
	size_t i;

	for (i = 0; i < sizeof(adcs_exts) / sizeof(adcs_exts[0]); i++) {
		if ((obj = OBJ_txt2obj(adcs_exts[i].oid, 1)) == NULL)
			msg_oom();
		if (X509_get_ext_by_OBJ(x, obj, -1) >= 0)
			strv_add0(&sv, xasprintf("%s (%s)", adcs_exts[i].what,
			    adcs_exts[i].oid));
		ASN1_OBJECT_free(obj);
	}
	urls = facts_ca_issuers(x);
	adcs_urls(urls, "AIA", &sv);
	facts_strv_free(urls);
	urls = facts_crl_urls(x);
	adcs_urls(urls, "CDP", &sv);
	facts_strv_free(urls);
	if (sv.v == NULL)
		strv_add0(&sv, NULL);
	return sv.v;
}

enum url_kind
facts_url_kind(const char *url)
{
	if (strncasecmp(url, "http://", 7) == 0)
		return URL_HTTP;
	if (strncasecmp(url, "ldap://", 7) == 0)
		return URL_LDAP;
	return URL_OTHER;
}

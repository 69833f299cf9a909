/* unit-names.c - host-name matching vectors on certificates made in memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509v3.h>

#include "names.h"
#include "tap.h"

/*
 * SAN entries are written "D:dns", "I:ip", "U:uri", "E:email", "O:" (an
 * otherName); "%00" in a value stands for a NUL octet.  NOSAN: no
 * subjectAltName extension at all, { NULL }: an empty one.
 */
#define NOSAN	"-"
#define M_SAN	NAME_MATCH_SAN
#define M_CN	NAME_MATCH_CN_ONLY
#define M_NO	NAME_MISMATCH
#define M_BAD	NAME_INVALID

struct row {
	const char	*san[4];
	const char	*cn;
	const char	*name;
	enum name_match	 want;
};

static const struct row rows[] = {
	/* plain names, case, trailing dots */
	{ { "D:example.com" }, NULL, "example.com", M_SAN },
	{ { "D:example.com" }, NULL, "EXAMPLE.COM", M_SAN },
	{ { "D:ExAmPlE.cOm" }, NULL, "example.com", M_SAN },
	{ { "D:example.com" }, NULL, "example.com.", M_SAN },
	{ { "D:example.com." }, NULL, "example.com", M_NO },
	{ { "D:example.com." }, NULL, "example.com.", M_NO },
	{ { "D:example.com.." }, NULL, "example.com", M_NO },
	{ { "D:example.com" }, NULL, "www.example.com", M_NO },
	{ { "D:www.example.com" }, NULL, "example.com", M_NO },
	{ { "D:a" }, NULL, "a", M_SAN },
	{ { "D:a" }, NULL, "b", M_NO },
	{ { "D:f" }, NULL, "f.", M_SAN },
	{ { "D:ww.house.example" }, NULL, "www.house.example", M_NO },
	{ { "D:host-1.example.com" }, NULL, "host-1.example.com", M_SAN },
	{ { "D:my_host.corp.example" }, NULL, "my_host.corp.example", M_NO },
	{ { "D:*.corp.example" }, NULL, "my_host.corp.example", M_SAN },
	{ { NOSAN }, "my_host.corp.example", "my_host.corp.example", M_NO },
	{ { "D:a.example.com", "D:b.example.com" }, NULL, "b.example.com",
	    M_SAN },
	{ { "D:a.example.com", "D:b.example.com" }, NULL, "c.example.com",
	    M_NO },
	/* wildcards */
	{ { "D:*.example.com" }, NULL, "www.example.com", M_SAN },
	{ { "D:*.example.com" }, NULL, "WWW.Example.Com", M_SAN },
	{ { "D:*.example.com" }, NULL, "www.example.com.", M_SAN },
	{ { "D:*.example.com" }, NULL, "example.com", M_NO },
	{ { "D:*.example.com" }, NULL, "a.b.example.com", M_NO },
	{ { "D:*.example.com" }, NULL, "wwwexample.com", M_NO },
	{ { "D:*.example.com" }, NULL, "www.example.org", M_NO },
	{ { "D:*.example.co.uk" }, NULL, "test.example.co.uk", M_SAN },
	{ { "D:*.example.com." }, NULL, "www.example.com", M_NO },
	{ { "D:*.com" }, NULL, "example.com", M_NO },
	{ { "D:*.example" }, NULL, "test.example", M_NO },
	{ { "D:*" }, NULL, "host", M_NO },
	{ { "D:*." }, NULL, "foo", M_NO },
	{ { "D:*.*.example.com" }, NULL, "a.b.example.com", M_NO },
	{ { "D:www.*.example.com" }, NULL, "www.a.example.com", M_NO },
	{ { "D:a.*.com" }, NULL, "a.foo.com", M_NO },
	{ { "D:*.bar.*.com" }, NULL, "foo.bar.x.com", M_NO },
	{ { "D:f*.example.com" }, NULL, "foo.example.com", M_NO },
	{ { "D:*oo.example.com" }, NULL, "foo.example.com", M_NO },
	{ { "D:f*o.example.com" }, NULL, "foo.example.com", M_NO },
	{ { "D:w*.example.com" }, NULL, "w.example.com", M_NO },
	{ { "D:**.example.com" }, NULL, "a.example.com", M_NO },
	{ { "D:xn--*.example.com" }, NULL, "xn--a.example.com", M_NO },
	{ { "D:*.xn--poema-9qae5a.com.br" }, NULL,
	    "www.xn--poema-9qae5a.com.br", M_SAN },
	{ { "D:*.xn--poema-9qae5a.com.br" }, NULL,
	    "xn--poema-9qae5a.com.br", M_NO },
	{ { "D:xn--poema-9qae5a.com.br" }, NULL, "xn--poema-9qae5a.com.br",
	    M_SAN },
	{ { "D:*.2.3.4" }, NULL, "1.2.3.4", M_NO },
	/* malformed presented names */
	{ { "D:" }, NULL, "a", M_NO },
	{ { "D:." }, NULL, "a", M_NO },
	{ { "D:.example.com" }, NULL, "a.example.com", M_NO },
	{ { "D:www.example.com%00" }, NULL, "www.example.com", M_NO },
	{ { "D:www.example.com%00*.example.com" }, NULL, "www.example.com",
	    M_NO },
	{ { "D:null.example.org%00example.org" }, NULL, "example.org", M_NO },
	{ { "D:www example.com" }, NULL, "www example.com", M_BAD },
	{ { "D:www.example .com" }, NULL, "www.example.com", M_NO },
	{ { "D:?.example.com" }, NULL, "a.example.com", M_NO },
	{ { "D:(www|ftp).example.com" }, NULL, "www.example.com", M_NO },
	{ { "D:-www.example.com" }, NULL, "-www.example.com", M_BAD },
	{ { "D:www-.example.com" }, NULL, "www.example.com", M_NO },
	{ { "D:a..example.com" }, NULL, "a.example.com", M_NO },
	{ { "D:www.ex\xc3\xa4mple.com" }, NULL, "www.example.com", M_NO },
	{ { "D:www.ex\xc3\xa4mple.com" }, NULL, "www.ex\xc3\xa4mple.com",
	    M_BAD },
	{ { "D:[2001:db8::1]" }, NULL, "2001:db8::1", M_NO },
	{ { "D:2001:db8::1" }, NULL, "2001:db8::1", M_NO },
	{ { "D:192.0.2.1" }, NULL, "192.0.2.1", M_NO },
	/* IP addresses */
	{ { "I:192.0.2.1" }, NULL, "192.0.2.1", M_SAN },
	{ { "I:192.0.2.1" }, NULL, "192.0.2.2", M_NO },
	{ { "I:192.0.2.1" }, NULL, "::ffff:192.0.2.1", M_NO },
	{ { "I:2001:db8::1" }, NULL, "2001:DB8:0:0:0:0:0:1", M_SAN },
	{ { "I:2001:db8::1" }, NULL, "2001:db8::2", M_NO },
	{ { "I:127.0.0.1", "I:::1" }, NULL, "::1", M_SAN },
	{ { "I:127.0.0.1", "I:::1" }, NULL, "127.0.0.1", M_SAN },
	{ { "I:127.0.0.1" }, NULL, "localhost", M_NO },
	{ { "D:example.com", "I:10.0.0.1" }, NULL, "127.1", M_NO },
	{ { "I:192.0.2.1" }, "192.0.2.1", "192.0.2.1", M_SAN },
	{ { "D:example.com" }, "192.0.2.1", "192.0.2.1", M_NO },
	{ { NULL }, "192.0.2.1", "192.0.2.1", M_NO },
	{ { NOSAN }, "192.0.2.1", "192.0.2.1", M_NO },
	{ { "I:192.0.2.1" }, NULL, "[192.0.2.1]", M_BAD },
	{ { "I:::1" }, NULL, "[::1]", M_BAD },
	/* the CN: only without dNSName, iPAddress or URI entries */
	{ { NOSAN }, "example.com", "example.com", M_CN },
	{ { NOSAN }, "example.com", "EXAMPLE.com", M_CN },
	{ { NOSAN }, "example.com", "www.example.com", M_NO },
	{ { NOSAN }, "*.example.com", "www.example.com", M_CN },
	{ { NOSAN }, "f*.example.com", "foo.example.com", M_NO },
	{ { NOSAN }, "example.com%00.evil.com", "example.com", M_NO },
	{ { NOSAN }, NULL, "example.com", M_NO },
	{ { "O:" }, "example.com", "example.com", M_CN },
	{ { "E:admin@example.com" }, "example.com", "example.com", M_CN },
	{ { "O:" }, NULL, "example.com", M_NO },
	{ { "D:other.example" }, "example.com", "example.com", M_NO },
	{ { "I:192.0.2.1" }, "example.com", "example.com", M_NO },
	{ { "U:https://example.com/" }, "example.com", "example.com", M_NO },
	{ { "D:linuxfr.org", "D:linuxfr.com", "O:" }, "linuxfrz.org",
	    "linuxfrz.org", M_NO },
	{ { "D:linuxfr.org", "D:linuxfr.com", "O:" }, "linuxfrz.org",
	    "linuxfr.com", M_SAN },
	/* invalid requested names */
	{ { "D:example.com" }, NULL, "", M_BAD },
	{ { "D:example.com" }, NULL, ".", M_BAD },
	{ { "D:example.com" }, NULL, ".example.com", M_BAD },
	{ { "D:example.com" }, NULL, "example..com", M_BAD },
	{ { "D:example.com" }, NULL, "example.com..", M_BAD },
	{ { "D:*.example.com" }, NULL, "*.example.com", M_BAD },
	{ { "D:example.com" }, NULL, "https://example.com", M_BAD },
	{ { "D:example.com" }, NULL, "example.com:443", M_BAD },
	{ { "D:example.com" }, NULL, "example.com ", M_BAD },
	{ { "I:192.0.2.1" }, NULL, "192.0.2.1 ", M_BAD },
	{ { "D:example.com" }, NULL, "<unsupported>", M_BAD },
	{ { "D:example.com" }, NULL, "b\xc3\xbc" "cher.example", M_BAD },
};

static size_t
unescape(const char *in, char *out)
{
	size_t n = 0;

	while (*in != '\0') {
		if (strncmp(in, "%00", 3) == 0) {
			out[n++] = '\0';
			in += 3;
		} else
			out[n++] = *in++;
	}
	return n;
}

static GENERAL_NAME *
make_gn(const char *spec)
{
	GENERAL_NAME *gn = GENERAL_NAME_new();
	ASN1_STRING *s;
	char buf[256];
	size_t n = unescape(spec + 2, buf);

	switch (spec[0]) {
	case 'I':
		buf[n] = '\0';
		gn->type = GEN_IPADD;
		gn->d.iPAddress = a2i_IPADDRESS(buf);
		return gn;
	case 'O':
		gn->type = GEN_OTHERNAME;
		gn->d.otherName = OTHERNAME_new();
		ASN1_OBJECT_free(gn->d.otherName->type_id);
		gn->d.otherName->type_id = OBJ_txt2obj("1.3.6.1.4.1.99999.1",
		    1);
		ASN1_TYPE_set(gn->d.otherName->value, V_ASN1_NULL, NULL);
		return gn;
	case 'D':
		gn->type = GEN_DNS;
		break;
	case 'U':
		gn->type = GEN_URI;
		break;
	case 'E':
		gn->type = GEN_EMAIL;
		break;
	}
	s = ASN1_STRING_type_new(V_ASN1_IA5STRING);
	ASN1_STRING_set(s, buf, (int)n);
	gn->d.ia5 = s;
	return gn;
}

static X509 *
make_cert(const char *const san[4], const char *cn)
{
	X509 *x = X509_new();
	GENERAL_NAMES *gns;
	X509_NAME *subj = X509_NAME_new();
	char buf[256];
	size_t n, i;

	X509_set_version(x, 2);
	if (cn != NULL) {
		n = unescape(cn, buf);
		X509_NAME_add_entry_by_NID(subj, NID_commonName, MBSTRING_ASC,
		    (unsigned char *)buf, (int)n, -1, 0);
	}
	X509_set_subject_name(x, subj);
	X509_NAME_free(subj);
	if (san[0] == NULL || strcmp(san[0], NOSAN) != 0) {
		gns = sk_GENERAL_NAME_new_null();
		for (i = 0; i < 4 && san[i] != NULL; i++)
			sk_GENERAL_NAME_push(gns, make_gn(san[i]));
		X509_add1_ext_i2d(x, NID_subject_alt_name, gns, 0,
		    X509V3_ADD_DEFAULT);
		GENERAL_NAMES_free(gns);
	}
	return x;
}

static const char *
match_name(enum name_match m)
{
	switch (m) {
	case NAME_MATCH_SAN:
		return "san";
	case NAME_MATCH_CN_ONLY:
		return "cn-only";
	case NAME_MISMATCH:
		return "mismatch";
	case NAME_INVALID:
		return "invalid";
	}
	return "?";
}

static void
strv_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static char *
join(char **v)
{
	static char buf[1024];
	size_t i;

	buf[0] = '\0';
	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if (i > 0)
			strcat(buf, " ");
		strcat(buf, v[i]);
	}
	return buf;
}

static void
test_rows(void)
{
	size_t i;
	X509 *x;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		x = make_cert(rows[i].san, rows[i].cn);
		is_str(match_name(names_check(x, rows[i].name)),
		    match_name(rows[i].want), "row %zu: %s [%s%s%s] cn=%s", i,
		    rows[i].name, rows[i].san[0] ? rows[i].san[0] : "",
		    rows[i].san[1] ? " " : "", rows[i].san[1] ? "..." : "",
		    rows[i].cn ? rows[i].cn : "-");
		X509_free(x);
	}
}

static void
test_valid(void)
{
	static const struct {
		const char *name;
		int want;
	} v[] = {
		{ "example.com", 1 }, { "example.com.", 1 }, { "a", 1 },
		{ "127.1", 1 }, { "192.0.2.1", 1 }, { "::1", 1 },
		{ "2001:db8::1", 1 }, { "xn--bcher-kva.example", 1 },
		{ "my_host", 1 }, { "", 0 }, { ".", 0 }, { "a..b", 0 },
		{ "-a.example", 0 }, { "a-.example", 0 }, { "[::1]", 0 },
		{ "*.example.com", 0 }, { "host:443", 0 }, { "a b", 0 },
		{ "b\xc3\xbc" "cher.example", 0 },
	};
	char label[80], longname[300];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		is_int(names_valid(v[i].name), v[i].want,
		    "names_valid(\"%s\")", v[i].name);
	is_int(names_valid(NULL), 0, "names_valid(NULL)");
	memset(label, 'a', 63);
	strcpy(label + 63, ".example");
	is_int(names_valid(label), 1, "a 63-octet label is valid");
	memset(label, 'a', 64);
	strcpy(label + 64, ".example");
	is_int(names_valid(label), 0, "a 64-octet label is not");
	memset(longname, 'a', sizeof(longname));
	for (i = 1; i < 253; i += 2)
		longname[i] = '.';
	longname[253] = '\0';
	is_int(names_valid(longname), 1, "a 253-octet name is valid");
	longname[253] = 'a';
	longname[254] = '\0';
	longname[252] = '.';
	is_int(names_valid(longname), 0, "a 254-octet name is not");
}

static void
test_suggest(void)
{
	static const struct {
		const char *san[4];
		const char *cn;
		const char *name;
		const char *want;
	} v[] = {
		{ { "D:www.example.org", "D:mail.contoso.test",
		    "D:autodiscover.contoso.test" }, NULL, "mial.contoso.test",
		    "mail.contoso.test autodiscover.contoso.test "
		    "www.example.org" },
		{ { "D:*.contoso.test", "D:contoso.test" }, NULL,
		    "a.b.contoso.test", "*.contoso.test contoso.test" },
		{ { "I:192.0.2.1", "D:host.example", "I:192.0.2.7" }, NULL,
		    "192.0.2.5", "192.0.2.1 192.0.2.7 host.example" },
		{ { "I:2001:db8::1" }, NULL, "host.example", "2001:db8::1" },
		{ { "D:Mail.Example", "D:mail.example", "D:" }, NULL,
		    "x.example", "Mail.Example" },
		{ { "D:bad%00.example", "D:ok.example" }, NULL, "x.example",
		    "ok.example" },
		{ { NOSAN }, "legacy.example", "other.example",
		    "legacy.example" },
		{ { "O:" }, "legacy.example", "other.example",
		    "legacy.example" },
		{ { "I:192.0.2.1" }, "legacy.example", "other.example",
		    "192.0.2.1" },
		{ { NOSAN }, NULL, "other.example", "" },
		{ { "D:my_host.corp.example" }, NULL, "myhost.corp.example",
		    "my_host.corp.example" },
	};
	char **got;
	size_t i;
	X509 *x;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		x = make_cert(v[i].san, v[i].cn);
		got = names_suggest(x, v[i].name);
		ok(got != NULL, "names_suggest %zu returns an array", i);
		is_str(join(got), v[i].want, "suggestions for %s", v[i].name);
		strv_free(got);
		X509_free(x);
	}
}

static void
test_bad_san_extension(void)
{
	X509 *x = make_cert((const char *[4]){ NOSAN }, "example.com");
	X509_EXTENSION *ext;
	ASN1_OCTET_STRING *junk = ASN1_OCTET_STRING_new();

	/* An extension that does not decode: a SAN is there, so no CN. */
	ASN1_OCTET_STRING_set(junk, (const unsigned char *)"\x30\x03\x01", 3);
	ext = X509_EXTENSION_create_by_NID(NULL, NID_subject_alt_name, 0,
	    junk);
	X509_add_ext(x, ext, -1);
	is_str(match_name(names_check(x, "example.com")), "mismatch",
	    "an undecodable subjectAltName rules out the CN");
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(junk);
	X509_free(x);
}

/* A handshake can carry tens of thousands of names: ranking stays quick. */
static void
test_many_sans(void)
{
	X509 *x = make_cert((const char *[4]){ NOSAN }, NULL);
	GENERAL_NAMES *gns = sk_GENERAL_NAME_new_null();
	char name[64], **got;
	time_t start = time(NULL);
	int i;

	for (i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "D:h%d.example.test", i);
		sk_GENERAL_NAME_push(gns, make_gn(name));
	}
	X509_add1_ext_i2d(x, NID_subject_alt_name, gns, 0, X509V3_ADD_DEFAULT);
	GENERAL_NAMES_free(gns);
	got = names_suggest(x, "h1.example.test");
	ok(got != NULL && got[0] != NULL &&
	    strcmp(got[0], "h1.example.test") == 0,
	    "20000 SANs: the closest name is suggested first");
	for (i = 0; got != NULL && got[i] != NULL; i++)
		;
	ok(i == 1000, "20000 SANs: 1000 names ranked (%d)", i);
	ok(time(NULL) - start < 10, "20000 SANs: ranked in seconds");
	is_str(match_name(names_check(x, "h19999.example.test")), "san",
	    "20000 SANs: the last one still matches");
	strv_free(got);
	X509_free(x);
}

int
main(void)
{
	test_rows();
	test_valid();
	test_suggest();
	test_bad_san_extension();
	test_many_sans();
	return tap_done();
}

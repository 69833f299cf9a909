/* unit-bundle.c - device profiles, UUIDs and output formats, by table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "devprofile.h"
#include "msg.h"
#include "tap.h"

struct row {
	const char	*text;
	const char	*name;		/* NULL: must be refused */
	const char	*title;
	const char	*outputs;	/* "kind:arg kind:arg" */
	const char	*instructions;
};

static const struct row rows[] = {
	{ "name = ios\ntitle = iPhone\noutput = mobileconfig r.mobileconfig\n"
	    "output = der .cer\n[instructions]\nTap it.\n",
	    "ios", "iPhone", "mobileconfig:r.mobileconfig der:.cer",
	    "Tap it.\n" },
	/* Comments, blank lines, spaces, CRLF; title defaults to name. */
	{ "# a comment\n\n  name=x-1 \r\n\toutput =   pem   .crt\r\n"
	    "[instructions]\n\n\nline 1\n  @FILES@\n",
	    "x-1", "x-1", "pem:.crt", "line 1\n  @FILES@\n" },
	{ "name = j\noutput = truststore t.p12\noutput = p7b a.p7b\n"
	    "[instructions]\nx", "j", "j", "truststore:t.p12 p7b:a.p7b", "x" },
	{ "name = f\noutput = pem .crt\noutput = firefox-policies p.json\n"
	    "[instructions]\nx\n", "f", "f", "pem:.crt firefox-policies:p.json",
	    "x\n" },
	/* Refused. */
	{ "name = f\noutput = firefox-policies p.json\n[instructions]\nx\n",
	    NULL, NULL, NULL, NULL },
	{ "name = x\noutput = der .cer\n", NULL, NULL, NULL, NULL },
	{ "name = x\noutput = der .cer\n[instructions]\n", NULL, NULL, NULL,
	    NULL },
	{ "output = der .cer\n[instructions]\nx\n", NULL, NULL, NULL, NULL },
	{ "name = X\noutput = der .cer\n[instructions]\nx\n", NULL, NULL,
	    NULL, NULL },
	{ "name = a b\noutput = der .cer\n[instructions]\nx\n", NULL, NULL,
	    NULL, NULL },
	{ "name = x\n[instructions]\nx\n", NULL, NULL, NULL, NULL },
	{ "name = manifest\noutput = der .cer\n[instructions]\nx\n", NULL,
	    NULL, NULL, NULL },
	{ "name = x\nname = y\noutput = der .cer\n[instructions]\nx\n", NULL,
	    NULL, NULL, NULL },
	{ "name = x\ncolour = red\noutput = der .cer\n[instructions]\nx\n",
	    NULL, NULL, NULL, NULL },
	{ "name = x\noutput = zip a.zip\n[instructions]\nx\n", NULL, NULL,
	    NULL, NULL },
	{ "name = x\noutput = der cer\n[instructions]\nx\n", NULL, NULL,
	    NULL, NULL },
	{ "name = x\noutput = p7b .p7b\n[instructions]\nx\n", NULL, NULL,
	    NULL, NULL },
	{ "name = x\noutput = p7b ../a.p7b\n[instructions]\nx\n", NULL, NULL,
	    NULL, NULL },
	{ "name = x\noutput = p7b a/b.p7b\n[instructions]\nx\n", NULL, NULL,
	    NULL, NULL },
	{ "name = x\noutput = p7b README-DEVICE.txt\n[instructions]\nx\n",
	    NULL, NULL, NULL, NULL },
	{ "name = x\noutput = der\n[instructions]\nx\n", NULL, NULL, NULL,
	    NULL },
	{ "just text\n", NULL, NULL, NULL, NULL },
	{ "", NULL, NULL, NULL, NULL },
};

static char *
outputs(const struct devprofile *p)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < p->nout; i++) {
		t = xasprintf("%s%s%s:%s", s, i ? " " : "",
		    devprofile_kind_name(p->out[i].kind), p->out[i].arg);
		free(s);
		s = t;
	}
	return s;
}

static void
test_profiles(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct devprofile *p;
		char *o;

		p = devprofile_parse(r->text, strlen(r->text), "t.profile");
		if (r->name == NULL) {
			ok(p == NULL, "row %zu is refused", i);
			devprofile_free(p);
			continue;
		}
		ok(p != NULL, "row %zu parses", i);
		if (p == NULL)
			continue;
		is_str(p->name, r->name, "row %zu: name", i);
		is_str(p->title, r->title, "row %zu: title", i);
		o = outputs(p);
		is_str(o, r->outputs, "row %zu: outputs", i);
		is_str(p->text, r->instructions, "row %zu: instructions", i);
		free(o);
		devprofile_free(p);
	}
	ok(devprofile_parse("name = x\0y", 10, "t") == NULL,
	    "a NUL byte is refused");
}

static void
test_uuid(void)
{
	char a[37], b[37], c[37];

	bundle_uuid("com.contoso", "abc", a);
	bundle_uuid("com.contoso", "abc", b);
	bundle_uuid("com.contoso", "abd", c);
	is_str(a, b, "UUIDs are reproducible");
	ok(strcmp(a, c) != 0, "and differ with the input");
	is_int(strlen(a), 36, "36 characters");
	ok(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-',
	    "8-4-4-4-12 layout");
	ok(a[14] == '5', "version 5 nibble");
	ok(strchr("89AB", a[19]) != NULL, "RFC 4122 variant");
	ok(strspn(a, "0123456789ABCDEF-") == 36, "uppercase hex");
}

static void
test_formats(void)
{
	is_int(bundle_format_of("a.zip"), BUNDLE_ZIP, "a.zip is a zip");
	is_int(bundle_format_of("a.tar.gz"), BUNDLE_TAR_GZ, "a.tar.gz");
	is_int(bundle_format_of("a.tgz"), BUNDLE_TAR_GZ, "a.tgz");
	is_int(bundle_format_of("out"), BUNDLE_DIR, "out is a directory");
	is_int(bundle_format_of("a.zip/"), BUNDLE_DIR,
	    "a.zip/ is a directory");
	is_int(bundle_format_of(".zip"), BUNDLE_DIR, ".zip alone is a name");
}

int
main(void)
{
	/* Refusals are reported on stderr; keep the TAP stream clean. */
	if (freopen("/dev/null", "w", stderr) == NULL)
		return 1;
	test_profiles();
	test_uuid();
	test_formats();
	return tap_done();
}

/* out-bundle.c - what bundle wrote, as text and JSON. */
#include "config.h"

#include <stdlib.h>

#include "bundle.h"
#include "facts.h"
#include "hexdigest.h"
#include "msg.h"
#include "out.h"

json_t *
out_json_bundle(const struct bundle *b, const char *out)
{
	json_t *doc, *a, *c;
	char hex[65];
	size_t i;

	doc = json_object();
	json_object_set_new(doc, "output", msg_json(out));
	json_object_set_new(doc, "format", json_string(
	    bundle_format_name(bundle_format_of(out))));
	a = json_array();
	for (i = 0; i < b->ndevices; i++)
		json_array_append_new(a, msg_json(b->devices[i]));
	json_object_set_new(doc, "devices", a);
	json_object_set_new(doc, "signed", json_boolean(b->signed_profiles));
	json_object_set_new(doc, "mtime", json_integer(b->mtime));
	a = json_array();
	for (i = 0; i < b->ncerts; i++) {
		c = out_json_cert(b->certs[i].x509, SOURCE_FILE);
		json_object_set_new(c, "name", msg_json(b->certs[i].base));
		json_array_append_new(a, c);
	}
	json_object_set_new(doc, "certificates", a);
	a = json_array();
	for (i = 0; i < b->nfiles; i++) {
		(void)sha256_hex(b->files[i].data, b->files[i].len, hex);
		json_array_append_new(a, json_pack("{s:o,s:I,s:s}", "path",
		    msg_json(b->files[i].path), "size",
		    (json_int_t)b->files[i].len, "sha256", hex));
	}
	json_object_set_new(doc, "files", a);
	return doc;
}

void
out_text_bundle(FILE *f, const struct bundle *b, const char *out)
{
	char *o = msg_escape(out);
	size_t i;

	fprintf(f, "wrote %s (%s): %zu certificate%s for", o,
	    bundle_format_name(bundle_format_of(out)), b->ncerts,
	    b->ncerts == 1 ? "" : "s");
	for (i = 0; i < b->ndevices; i++)
		fprintf(f, "%s %s", i ? "," : "", b->devices[i]);
	fprintf(f, "%s\n", b->signed_profiles ? " (Apple profile signed)" : "");
	for (i = 0; i < b->ncerts; i++)
		fprintf(f, "  %s\n    SHA-256 %s\n    SHA-1   %s\n",
		    b->certs[i].subject, b->certs[i].sha256,
		    b->certs[i].sha1);
	free(o);
}

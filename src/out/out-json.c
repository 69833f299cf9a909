/* out-json.c - the JSON rendering of results. */
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "fileutil.h"
#include "msg.h"
#include "out.h"

json_t *
out_json_target(const struct target *t, const char *address, unsigned port)
{
	json_t *o = json_object();

	json_object_set_new(o, "input", msg_json(t->input));
	json_object_set_new(o, "protocol",
	    json_string(target_proto_name(t->proto)));
	json_object_set_new(o, "host", msg_json(t->host));
	json_object_set_new(o, "port",
	    json_integer(port != 0 ? port : t->connect_port));
	json_object_set_new(o, "address", msg_json(address));
	json_object_set_new(o, "name", msg_json(t->name));
	json_object_set_new(o, "sni", msg_json(t->sni));
	return o;
}

json_t *
out_json_files_target(char *const *files, int nfiles)
{
	json_t *o = json_object(), *a = json_array();
	size_t len = 0;
	char *in;
	int i;

	for (i = 0; i < nfiles; i++) {
		json_array_append_new(a, msg_json(files[i]));
		len += strlen(files[i]) + 1;
	}
	in = xcalloc(1, len + 1);
	for (i = 0; i < nfiles; i++) {
		if (i > 0)
			strcat(in, " ");
		strcat(in, files[i]);
	}
	json_object_set_new(o, "input", msg_json(in));
	json_object_set_new(o, "protocol", json_string("file"));
	json_object_set_new(o, "files", a);
	free(in);
	return o;
}

json_t *
out_json_tls(const struct fetch_result *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "protocol", msg_json(r->protocol));
	json_object_set_new(o, "cipher", msg_json(r->cipher));
	json_object_set_new(o, "client_certificate_requested",
	    json_boolean(r->client_cert_requested));
	return o;
}

json_t *
out_json_store(const struct store *st)
{
	return json_pack("{s:s, s:o}", "backend", store_backend_name(st),
	    "location", msg_json(store_location(st)));
}

json_t *
out_json_chain(const struct certlist *l, int with_file)
{
	json_t *a = json_array(), *c;
	size_t i;

	for (i = 0; i < l->n; i++) {
		c = out_json_cert(l->v[i].x509, l->v[i].source);
		if (with_file)
			json_object_set_new(c, "file", msg_json(l->v[i].origin));
		json_array_append_new(a, c);
	}
	return a;
}

json_t *
out_json_anchor(struct store_anchor *a)
{
	X509 *x = store_anchor_get0_x509(a);
	json_t *j, *p = json_array();
	const char **v = store_purpose_names(a->purposes);
	size_t i;

	j = x ? out_json_cert(x, SOURCE_STORE) : json_pack("{s:s}", "sha256",
	    a->sha256);
	for (i = 0; v[i] != NULL; i++)
		json_array_append_new(p, json_string(v[i]));
	free(v);
	json_object_set_new(j, "trustfix", json_boolean(a->trustfix));
	json_object_set_new(j, "distribution",
	    json_boolean(a->distribution));
	json_object_set_new(j, "distrusted", json_boolean(a->distrusted));
	json_object_set_new(j, "purposes", p);
	json_object_set_new(j, "label", msg_json(a->label));
	json_object_set_new(j, "token", msg_json(a->where));
	return j;
}

json_t *
out_json_list(const struct store *st, struct store_anchor *const *v,
    size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, out_json_anchor(v[i]));
	return json_pack("{s:o, s:o}", "store", out_json_store(st),
	    "anchors", arr);
}

json_t *
out_json_inspect(json_t *target, const struct fetch_result *r,
    const struct certlist *chain)
{
	json_t *doc = json_object();

	json_object_set_new(doc, "target", target);
	json_object_set_new(doc, "tls", r != NULL ? out_json_tls(r) :
	    json_null());
	json_object_set_new(doc, "chain", out_json_chain(chain, r == NULL));
	return doc;
}

/* A line out_json_print_line() could not write: stdio never saw it. */
static int line_failed;

int
out_lines_failed(void)
{
	return line_failed;
}

int
out_json_print_line(FILE *f, json_t *doc, size_t precision)
{
	size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER, n;
	char *s;
	int rc = -1;

	if (precision > 0)
		flags |= JSON_REAL_PRECISION(precision);
	s = json_dumps(doc, flags);
	json_decref(doc);
	/*
	 * One write(2) per document, past stdio (which would cut a long
	 * line at its buffer's size): a line is whole or absent, even when
	 * the run is interrupted.
	 */
	if (s != NULL && fflush(f) == 0) {
		n = strlen(s);
		s[n] = '\n';
		if (fu_write_all(fileno(f), s, n + 1) == 0)
			rc = 0;
	}
	if (rc != 0)
		line_failed = 1;
	free(s);
	return rc;
}

int
out_json_print(FILE *f, json_t *doc)
{
	int rc = 0;

	if (json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
	    fputc('\n', f) == EOF)
		rc = -1;
	json_decref(doc);
	return rc;
}

/* cmd-export-root.c - the export-root command: the root above a server. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <openssl/pem.h>

#include "anchors.h"
#include "chain.h"
#include "cmd.h"
#include "diagopts.h"
#include "exitcode.h"
#include "facts.h"
#include "httpget.h"
#include "fetch.h"
#include "fileutil.h"
#include "getchain.h"
#include "load.h"
#include "msg.h"
#include "out.h"
#include "store.h"
#include "target.h"

enum {
	OPT_OUTPUT = OPT_COMMON_LAST,
	OPT_FORMAT
};

static const struct opt_spec specs[] = {
	{ "output", 'o', required_argument, OPT_OUTPUT, "FILE",
	    "write the root to FILE (default: standard output)" },
	{ "format", 0, required_argument, OPT_FORMAT, "FORMAT",
	    "pem (default) or der" },
	OPT_ROW_STORE,
	OPT_ROW_NO_AIA,
	OPT_ROW_LDAP_HOST,
	OPT_ROW_AIA_ALLOW_PRIVATE,
	OPT_ROW_TIMEOUT,
	OPT_ROW_SNI,
	OPT_ROW_CONNECT,
	OPT_ROW_PASSWORD_FILE,
	OPT_ROW_JSON,
	OPT_ROW_HELP,
	OPT_ROW_END
};

struct export_opts {
	const char	*output;
	int		 der;
};

static int
handle(int key, const char *arg, void *ctx)
{
	struct export_opts *o = ctx;
	char *e;

	switch (key) {
	case OPT_OUTPUT:
		o->output = arg;
		return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "pem") != 0 && strcmp(arg, "der") != 0) {
			e = msg_escape(arg);
			msg_error("--format: expected pem or der, not '%s'",
			    e);
			free(e);
			return -1;
		}
		o->der = strcmp(arg, "der") == 0;
		return 0;
	}
	return -1;
}

/*
 * Nothing above the top: say whom to ask for what.  Above a CA the
 * missing issuer is the root; above the server's own certificate it is
 * the CA that issued it, and the root is further up.
 */
static void
name_missing(X509 *top, const struct chain *c, json_t *doc, int json)
{
	char *issuer = facts_issuer(top), *aki = facts_aki(top);
	char *subject = facts_subject(top);
	char *si = msg_escape(issuer ? issuer : "?");
	char *st = msg_escape(subject ? subject : "?");
	int leaf = c->path->n == 1;
	json_t *urls = json_array();
	char **u;

	msg_error("no root could be reached above %s", st);
	if (!json && leaf)
		fprintf(stderr, "The server does not send the CA certificate "
		    "that issued its own, and it could not be fetched.\n"
		    "Ask the PKI administrator for that CA's certificate and "
		    "the root above it:\n  issuing CA:     %s\n", si);
	else if (!json)
		fprintf(stderr, "Ask the PKI administrator for the root "
		    "certificate:\n  root subject:   %s\n", si);
	if (!json && aki != NULL)
		fprintf(stderr, "  key identifier: %s\n", aki);
	for (u = c->aia_other; u != NULL && *u != NULL; u++) {
		char *s = msg_escape(*u);

		if (!json)
			fprintf(stderr, "  published at:   %s\n", s);
		json_array_append_new(urls, msg_json(*u));
		free(s);
	}
	for (u = c->aia_log; u != NULL && *u != NULL; u++)
		if (!json)
			fprintf(stderr, "  tried:          %s\n", *u);
	json_object_set_new(doc, "root", json_null());
	json_object_set_new(doc, "missing", json_pack("{s:o, s:s, s:s?, s:o}",
	    "subject", msg_json(issuer ? issuer : ""), "role", leaf ? "issuing-ca" :
	    "root", "key_identifier", aki, "aia", urls));
	free(si);
	free(st);
	free(aki);
	free(issuer);
	free(subject);
}

static int
write_root(X509 *root, const struct export_opts *o)
{
	unsigned char *der = NULL;
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long len;
	int rc = -1;

	if (o->der) {
		if ((len = i2d_X509(root, &der)) <= 0)
			goto out;
		data = (char *)der;
	} else {
		PEM_write_bio_X509(b, root);
		len = BIO_get_mem_data(b, &data);
	}
	if (o->output != NULL)
		rc = fu_write_atomic(o->output, data, (size_t)len, 0644);
	else if (fwrite(data, 1, (size_t)len, stdout) == (size_t)len)
		rc = 0;
out:
	OPENSSL_free(der);
	BIO_free(b);
	return rc;
}

static const char *
how_found(const struct chain *c, X509 *root)
{
	const struct cert_entry *e = &c->path->v[c->path->n - 1];

	if (c->path->n == 1)
		return "the server's own self-signed certificate";
	if (c->anchored && e->source == SOURCE_STORE)
		return "a trust anchor of the store (already trusted)";
	(void)root;
	return e->source == SOURCE_AIA ? "fetched from an AIA caIssuers URL" :
	    "sent by the server";
}

/* Report and write the root; returns an exit code. */
static int
export(struct chain *c, const struct export_opts *o,
    const struct common_opts *co, json_t *doc)
{
	X509 *root = c->path->v[c->path->n - 1].x509;
	const char *url = c->path->v[c->path->n - 1].source == SOURCE_AIA ?
	    c->path->v[c->path->n - 1].origin : NULL;
	char fp[65], sha1[41], *subject, *safe;
	FILE *f = co->json || o->output == NULL ? stderr : stdout;
	json_t *j;

	if (!c->anchored && !chain_self_signed(root)) {
		name_missing(root, c, doc, co->json);
		return EXIT_FAILED;
	}
	facts_sha256(root, fp);
	facts_sha1(root, sha1);
	subject = facts_subject(root);
	safe = msg_escape(subject ? subject : "?");
	if (!co->json)
		fprintf(f, "root:    %s\nsha256:  %s\nsha1:    %s\n"
		    "from:    %s\n", safe, fp, sha1, how_found(c, root));
	free(safe);
	safe = url != NULL ? msg_escape(url) : NULL;
	if (!co->json && safe != NULL)
		fprintf(f, "url:     %s\n", safe);
	free(safe);
	free(subject);
	j = facts_json(root, c->path->v[c->path->n - 1].source);
	json_object_set_new(j, "found", json_string(how_found(c, root)));
	if (url != NULL)
		json_object_set_new(j, "url", msg_json(url));
	json_object_set_new(doc, "root", j);
	json_object_set_new(doc, "output", msg_json(o->output));
	if ((co->json && o->output == NULL) || write_root(root, o) == 0)
		return EXIT_OK;
	msg_error("cannot write the root%s%s", o->output ? " to " : "",
	    o->output ? o->output : "");
	return EXIT_FAILED;
}

static int
run_export(const char *input, const struct export_opts *o,
    struct common_opts *co)
{
	struct getchain_req req;
	struct chain *c = NULL;
	json_t *doc = json_object();
	int code;

	memset(&req, 0, sizeof(req));
	if ((code = getchain_path(input, co, &req, &c)) != EXIT_OK)
		goto out;
	json_object_set_new(doc, "target", json_pack("{s:o}", "input",
	    msg_json(input)));
	code = export(c, o, co, doc);
	if (co->json) {
		if (o->output == NULL && code == EXIT_OK) {
			char *pem = NULL;
			BIO *b = BIO_new(BIO_s_mem());
			long len;

			PEM_write_bio_X509(b, c->path->v[c->path->n - 1].x509);
			len = BIO_get_mem_data(b, &pem);
			json_object_set_new(json_object_get(doc, "root"),
			    "pem", json_stringn(pem, (size_t)len));
			BIO_free(b);
		}
		out_json_print(stdout, doc);
		doc = NULL;
	}
out:
	json_decref(doc);
	chain_free(c);
	return code;
}

int
cmd_export_root(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	struct export_opts o;
	int first;

	memset(&o, 0, sizeof(o));
	switch ((first = opt_parse(cmd, argc, argv, specs, handle, &o, co))) {
	case -2:
		return EXIT_OK;
	case -1:
		return EXIT_USAGE;
	}
	if (argc - first != 1) {
		msg_error("expected one TARGET");
		return EXIT_USAGE;
	}
	if (o.der && o.output == NULL && !co->json)
		msg_note("writing DER to standard output");
	return run_export(argv[first], &o, co);
}

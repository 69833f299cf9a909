/* cmd-export-root.c - the export-root command: the root above a server. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
#include "out-export.h"
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

static int
write_root(X509 *root, const struct export_opts *o)
{
	unsigned char *der = NULL;
	char *data, *pem = NULL;
	long len;
	int rc = -1;

	if (o->der) {
		if ((len = i2d_X509(root, &der)) <= 0)
			goto out;
		data = (char *)der;
	} else {
		data = pem = cert_pem(root);
		len = (long)strlen(pem);
	}
	if (o->output != NULL)
		rc = fu_write_atomic(o->output, data, (size_t)len, 0644);
	else if (fwrite(data, 1, (size_t)len, stdout) == (size_t)len)
		rc = 0;
out:
	OPENSSL_free(der);
	free(pem);
	return rc;
}

/* Report and write the root (reached: c ends at one); an exit code. */
static int
export(const struct chain *c, int reached, const struct export_opts *o,
    const struct common_opts *co)
{
	X509 *root = c->path->v[c->path->n - 1].x509;
	char *subject, *shown;

	if (!reached) {
		subject = facts_subject(root);
		shown = msg_escape(subject ? subject : "?");
		msg_error("no root could be reached above %s", shown);
		free(shown);
		free(subject);
		if (!co->json)
			out_text_missing_root(stderr, c);
		return EXIT_FAILED;
	}
	if (!co->json)
		out_text_root(o->output == NULL ? stderr : stdout, c);
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
	int code, reached;

	memset(&req, 0, sizeof(req));
	if ((code = getchain_path(input, co, &req, &c)) != EXIT_OK)
		goto out;
	reached = c->anchored ||
	    chain_self_signed(c->path->v[c->path->n - 1].x509);
	code = export(c, reached, o, co);
	if (co->json)
		out_json_print(stdout, out_json_export_root(input, c, reached,
		    o->output, o->output == NULL && code == EXIT_OK));
out:
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
	if ((first = opt_parse(cmd, argc, argv, specs, handle, &o, co)) < 0)
		return opt_exit(first);
	if (opt_operands(argc - first, argv + first, 1, 1, "one TARGET") != 0)
		return EXIT_USAGE;
	if (o.der && o.output == NULL && !co->json)
		msg_note("writing DER to standard output");
	return run_export(argv[first], &o, co);
}

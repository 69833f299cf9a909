/* cmd-export-chain.c - the export-chain command: what a server should send. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/pem.h>

#include "chain.h"
#include "cmd.h"
#include "diagopts.h"
#include "exitcode.h"
#include "facts.h"
#include "httpget.h"
#include "fileutil.h"
#include "getchain.h"
#include "load.h"
#include "msg.h"
#include "out.h"
#include "out-export.h"
#include "target.h"

enum {
	OPT_OUTPUT = OPT_COMMON_LAST,
	OPT_WITH_LEAF,
	OPT_CHAIN_UNTRUSTED
};

static const struct opt_spec specs[] = {
	{ "output", 'o', required_argument, OPT_OUTPUT, "FILE",
	    "write the PEM to FILE (default: standard output)" },
	{ "with-leaf", 0, no_argument, OPT_WITH_LEAF, NULL,
	    "start with the server's own certificate" },
	{ "untrusted", 0, required_argument, OPT_CHAIN_UNTRUSTED, "FILE",
	    "intermediates to build the chain from, besides AIA" },
	OPT_ROW_STORE,
	OPT_ROW_NO_AIA,
	OPT_ROW_AIA_ALLOW_PRIVATE,
	OPT_ROW_TIMEOUT,
	OPT_ROW_SNI,
	OPT_ROW_CONNECT,
	OPT_ROW_PASSWORD_FILE,
	OPT_ROW_JSON,
	OPT_ROW_HELP,
	OPT_ROW_END
};

struct xchain_opts {
	const char	*output;
	const char	*untrusted;
	int		 with_leaf;
};

static int
handle(int key, const char *arg, void *ctx)
{
	struct xchain_opts *o = ctx;

	switch (key) {
	case OPT_OUTPUT:
		o->output = arg;
		return 0;
	case OPT_WITH_LEAF:
		o->with_leaf = 1;
		return 0;
	case OPT_CHAIN_UNTRUSTED:
		o->untrusted = arg;
		return 0;
	}
	return -1;
}

/* Prefer a path to an anchor, then one whose certificates are valid now. */
static int
judge(const struct certlist *p, int anchored, void *arg)
{
	time_t now = *(time_t *)arg;
	size_t i;
	int bad = 0;

	for (i = 0; i < p->n; i++)
		if (X509_cmp_time(X509_get0_notAfter(p->v[i].x509), &now) <
		    0 || X509_cmp_time(X509_get0_notBefore(p->v[i].x509),
		    &now) > 0)
			bad++;
	return (anchored ? 0 : 1000) + bad;
}

/* The certificates to send: the leaf with --with-leaf, then no root. */
static struct certlist *
to_send(const struct chain *c, int with_leaf)
{
	struct certlist *l = certlist_new();
	size_t i;

	for (i = with_leaf ? 0 : 1; i < c->path->n; i++)
		if (i == 0 || !chain_self_signed(c->path->v[i].x509))
			certlist_add1(l, c->path->v[i].x509,
			    c->path->v[i].origin, c->path->v[i].source);
	return l;
}

/*
 * The top's issuer is unknown (reached 0): the chain may stop short of
 * the root.  -1 when nothing is left to write but the server's own.
 */
static int
incomplete(const struct chain *c, int reached)
{
	X509 *top = c->path->v[c->path->n - 1].x509;
	char *iss, *e, **u;

	if (reached)
		return 0;
	iss = facts_issuer(top);
	e = msg_escape(iss ? iss : "?");
	if (c->path->n == 1) {
		msg_error("the CA that issued the server's certificate, %s, is "
		    "neither sent, nor given with --untrusted, nor available "
		    "over AIA; get its certificate from the PKI administrator "
		    "and give it with --untrusted FILE", e);
		for (u = c->aia_log; u != NULL && *u != NULL; u++)
			fprintf(stderr, "  tried: %s\n", *u);
		free(e);
		free(iss);
		return -1;
	}
	msg_warn("the issuer of the last certificate, %s, was not found: "
	    "if it is not the root the clients trust, the chain is "
	    "incomplete", e);
	free(e);
	free(iss);
	return 0;
}

/* Write pem where o says; returns an exit code. */
static int
write_out(const struct certlist *l, const char *pem,
    const struct xchain_opts *o, const struct common_opts *co)
{
	int rc = EXIT_OK;

	if (co->json && o->output == NULL)
		return EXIT_OK;
	if (o->output != NULL) {
		if (fu_write_atomic(o->output, pem, strlen(pem), 0644) == -1)
			rc = EXIT_FAILED;
	} else if (fputs(pem, stdout) == EOF)
		rc = EXIT_FAILED;
	if (rc == EXIT_OK && !co->json)
		out_text_chain_written(o->output ? stdout : stderr, l,
		    o->output ? o->output : "chain.pem", o->with_leaf);
	return rc;
}

static int
load_untrusted(const char *path, const struct common_opts *co,
    struct certlist **out)
{
	struct load_opts lo = { NULL };
	size_t i;

	*out = NULL;
	if (path == NULL)
		return EXIT_OK;
	*out = certlist_new();
	(void)co;
	if (load_file(path, &lo, *out) == -1)
		return EXIT_INPUT;
	for (i = 0; i < (*out)->n; i++)
		(*out)->v[i].source = SOURCE_GIVEN;
	return EXIT_OK;
}

static int
run(const char *input, const struct xchain_opts *o, struct common_opts *co)
{
	struct getchain_req req;
	struct certlist *untr = NULL, *l = NULL;
	struct chain *c = NULL;
	time_t now = time(NULL);
	char *pem = NULL;
	int code, reached;

	memset(&req, 0, sizeof(req));
	if ((code = load_untrusted(o->untrusted, co, &untr)) != EXIT_OK)
		goto out;
	req.untrusted = untr;
	req.judge = judge;
	req.judge_arg = &now;
	req.at = now;
	if ((code = getchain_path(input, co, &req, &c)) != EXIT_OK)
		goto out;
	reached = c->anchored ||
	    chain_self_signed(c->path->v[c->path->n - 1].x509);
	if (incomplete(c, reached) == -1) {
		code = EXIT_FAILED;
		goto print;
	}
	l = to_send(c, o->with_leaf);
	pem = certlist_pem(l);
	code = write_out(l, pem, o, co);
	if (code != EXIT_OK)
		msg_error("cannot write the chain%s%s", o->output ? " to " :
		    "", o->output ? o->output : "");
print:
	if (co->json)
		out_json_print(stdout, out_json_export_chain(input, c, reached,
		    l, o->output, o->output == NULL ? pem : NULL));
out:
	free(pem);
	certlist_free(l);
	chain_free(c);
	certlist_free(untr);
	return code;
}

int
cmd_export_chain(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	struct xchain_opts o;
	int first;

	memset(&o, 0, sizeof(o));
	if ((first = opt_parse(cmd, argc, argv, specs, handle, &o, co)) < 0)
		return opt_exit(first);
	if (opt_operands(argc - first, argv + first, 1, 1, "one TARGET") != 0)
		return EXIT_USAGE;
	return run(argv[first], &o, co);
}

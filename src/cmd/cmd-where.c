/* cmd-where.c - the where command: which of the host's stores trust a root. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "exitcode.h"
#include "facts.h"
#include "hostopts.h"
#include "load.h"
#include "msg.h"
#include "out.h"
#include "store.h"

static const struct opt_spec specs[] = {
	OPT_ROW_STORE,
	OPT_ROWS_HOST,
	OPT_ROW_TOOL_TIMEOUT,
	OPT_ROW_JSON,
	OPT_ROW_HELP,
	OPT_ROW_END
};

/*
 * The anchor with that fingerprint (or unique prefix) in the system
 * store, else the first certificate with it in the other stores.
 */
static X509 *
by_fingerprint(struct store *st, const struct hoststores *l,
    const struct hoststore_opts *o, const char *hex)
{
	struct store_anchors a = { NULL, 0 };
	X509 *x = NULL, *c;
	size_t i, n = 0;

	if (store_list(st, &a) == -1)
		goto out;
	for (i = 0; i < a.n; i++)
		if (strncmp(a.v[i].sha256, hex, strlen(hex)) == 0 &&
		    (c = store_anchor_get0_x509(&a.v[i])) != NULL) {
			n++;
			X509_free(x);
			x = X509_dup(c);
		}
	for (i = 0; n == 0 && i < l->n && x == NULL; i++)
		x = hoststore_get1_cert(&l->v[i], o, hex);
	if (n > 1) {
		msg_error("%s: the prefix is not unique; give more digits",
		    hex);
		X509_free(x);
		x = NULL;
	} else if (x == NULL)
		msg_error("%s: no store holds a certificate with this "
		    "fingerprint; give the certificate's file instead", hex);
out:
	store_anchors_clear(&a);
	return x;
}

static X509 *
load_root(const char *arg, struct store *st, const struct hoststores *l,
    const struct hoststore_opts *o)
{
	struct load_opts lo = { NULL };
	struct certlist *cl = certlist_new();
	char hex[65];
	X509 *x = NULL;
	int n = store_parse_fingerprint(arg, hex);

	if (n >= 8 && access(arg, F_OK) != 0) {
		x = by_fingerprint(st, l, o, hex);
		goto out;
	}
	if (load_file(arg, &lo, cl) == -1)
		goto out;
	if (cl->n > 1)
		msg_warn("%s holds %zu certificates: looking for the first",
		    arg, cl->n);
	x = cl->v[0].x509;
	X509_up_ref(x);
out:
	certlist_free(cl);
	return x;
}

int
cmd_where(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	struct hostopts h;
	struct hoststores l = { NULL, 0, NULL };
	char fp[65], *pem = NULL, **why = NULL;
	int *trusted = NULL;
	struct store *st = NULL;
	X509 *x = NULL;
	size_t i;
	int first, code = EXIT_OK;

	memset(&h, 0, sizeof(h));
	first = opt_parse(cmd, argc, argv, specs, hostopts_opt, &h, co);
	if (first < 0 || opt_operands(argc - first, argv + first, 1, 1,
	    "one ROOT: a certificate file or a fingerprint") != 0) {
		code = first < 0 ? opt_exit(first) : EXIT_USAGE;
		goto out;
	}
	if (store_open(co->store, 0, &st) == -1) {
		code = EXIT_STORE;
		goto out;
	}
	h.hs.st = st;
	h.hs.seconds = co->timeout;
	hoststores_find(&h.hs, 0, &l);
	if ((x = load_root(argv[first], st, &l, &h.hs)) == NULL ||
	    (pem = hoststore_pem_tmp(x)) == NULL) {
		code = EXIT_INPUT;
		goto out;
	}
	facts_sha256(x, fp);
	out_text_subject_sha256(co->json ? stderr : stdout, x, fp);
	trusted = xcalloc(l.n + 1, sizeof(*trusted));
	why = xcalloc(l.n + 1, sizeof(*why));
	for (i = 0; i < l.n; i++) {
		trusted[i] = hoststore_trusts(&l.v[i], &h.hs, x, pem, &why[i]);
		if (!co->json)
			out_text_where(stdout, &l.v[i], trusted[i], why[i]);
	}
	if (co->json)
		out_json_print(stdout, out_json_where(x, &l, trusted, why));
out:
	for (i = 0; why != NULL && i < l.n; i++)
		free(why[i]);
	free(why);
	free(trusted);
	hoststore_pem_tmp_free(pem);
	hoststores_clear(&l);
	hostopts_clear(&h);
	store_close(st);
	X509_free(x);
	return code;
}

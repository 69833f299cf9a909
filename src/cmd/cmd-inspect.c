/* cmd-inspect.c - the inspect command: show a server's chain or files'. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "cmd.h"
#include "exitcode.h"
#include "getchain.h"
#include "fetch.h"
#include "load.h"
#include "msg.h"
#include "out.h"
#include "target.h"

static const struct opt_spec specs[] = {
	OPT_ROW_JSON,
	OPT_ROW_TIMEOUT,
	OPT_ROW_SNI,
	OPT_ROW_CONNECT,
	OPT_ROW_PASSWORD_FILE,
	OPT_ROW_HELP,
	OPT_ROW_END
};

/* Parse every operand into ts.  EXIT_OK, or an exit code after reporting. */
static int
parse_targets(int n, char **ops, struct common_opts *co, struct target *ts,
    int *nnet)
{
	int i;

	*nnet = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(ops[i], "-") == 0) {
			ts[i].proto = PROTO_FILE;
			continue;
		}
		if (target_parse(ops[i], co->sni, co->connect, &ts[i]) != 0)
			return EXIT_USAGE;
		if (target_is_network(&ts[i]))
			(*nnet)++;
	}
	if (*nnet > 0 && n > 1) {
		msg_error("give one server at a time (several TARGETs must "
		    "all be files)");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* A file, or standard input for "-". */
static int
load_one(const char *path, const struct load_opts *lo, struct certlist *l)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc;

	if (strcmp(path, "-") != 0)
		return load_file(path, lo, l);
	if (load_read_file("/dev/stdin", LOAD_MAX_FILE, &buf, &len) != 0)
		return -1;
	rc = load_buffer(buf, len, "-", lo, l);
	free(buf);
	return rc;
}

static int
inspect_files(int n, char **ops, struct common_opts *co)
{
	struct load_opts lo = { NULL };
	struct certlist *l = certlist_new();
	char *pw = NULL;
	json_t *doc;
	int i, rc = EXIT_INPUT;

	if (co->password_file != NULL &&
	    (pw = load_password_file(co->password_file)) == NULL)
		goto out;
	lo.password = pw;
	for (i = 0; i < n; i++)
		if (load_one(ops[i], &lo, l) != 0)
			goto out;
	rc = EXIT_OK;
	if (co->json) {
		doc = out_json_inspect(out_json_files_target(ops, n), NULL,
		    l);
		if (out_json_print(stdout, doc) != 0)
			rc = EXIT_FAILED;
	} else {
		out_text_files(stdout, ops, n, l);
		out_text_chain(stdout, l);
	}
out:
	if (pw != NULL)
		OPENSSL_clear_free(pw, strlen(pw));
	certlist_free(l);
	return rc;
}

static int
inspect_server(const struct target *t, struct common_opts *co)
{
	struct fetch_result first, old, *rp;
	json_t *doc;
	char *e;
	int rc = EXIT_NETWORK;

	if (co->password_file != NULL)
		msg_warn("--password-file applies to PKCS#12 files; ignored");
	if ((rp = getchain_fetch(t, co->timeout * 1000, &first, &old)) ==
	    NULL) {
		e = msg_escape(first.error);
		msg_error("%s", e);
		free(e);
		goto out;
	}
	/* An old server's chain, with the old protocol it spoke. */
	if (rp == &old)
		msg_warn("the server speaks only %s: shown with old protocols "
		    "allowed (trustfix diagnose says which clients refuse it)",
		    old.protocol ? old.protocol : "old protocols");
	rc = EXIT_OK;
	if (co->json) {
		doc = out_json_inspect(out_json_target(t, rp->address,
		    rp->port), rp, rp->chain);
		if (out_json_print(stdout, doc) != 0)
			rc = EXIT_FAILED;
	} else {
		out_text_tls(stdout, t, rp);
		out_text_chain(stdout, rp->chain);
	}
out:
	fetch_result_clear(&first);
	fetch_result_clear(&old);
	return rc;
}

int
cmd_inspect(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	struct target *ts = NULL;
	int first, n = 0, nnet, i, rc;

	first = opt_parse(cmd, argc, argv, specs, NULL, NULL, co);
	if (first < 0)
		return opt_exit(first);
	if ((n = argc - first) == 0) {
		msg_error("missing TARGET (a server or a file)");
		fprintf(stderr, "Try 'trustfix inspect --help'.\n");
		return EXIT_USAGE;
	}
	if (co->json)
		msg_set_quiet(1);
	ts = xcalloc((size_t)n, sizeof(*ts));
	if ((rc = parse_targets(n, argv + first, co, ts, &nnet)) != EXIT_OK)
		goto out;
	if (nnet > 0)
		rc = inspect_server(&ts[0], co);
	else
		rc = inspect_files(n, argv + first, co);
out:
	for (i = 0; i < n; i++)
		target_clear(&ts[i]);
	free(ts);
	return rc;
}

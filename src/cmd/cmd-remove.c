/* cmd-remove.c - the remove command: take trustfix's anchors out again. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "exitcode.h"
#include "facts.h"
#include "hostopts.h"
#include "load.h"
#include "msg.h"
#include "out.h"
#include "store.h"

#define MIN_PREFIX	8

static const struct opt_spec specs[] = {
	OPT_ROW_STORE,
	OPT_ROW_ALSO,
	OPT_ROW_HOME,
	OPT_ROW_JAVA_KEYSTORE,
	OPT_ROW_JAVA_PASSWORD_FILE,
	OPT_ROW_NSSDB,
	OPT_ROW_RELOAD,
	OPT_ROW_SERVICE,
	OPT_ROW_YES,
	OPT_ROW_FORCE,
	OPT_ROW_DRY_RUN,
	OPT_ROW_JSON,
	OPT_ROW_HELP,
	OPT_ROW_END
};

/* What one operand named: an anchor of the store, or a certificate. */
struct target_cert {
	struct store_anchor *anchor;	/* NULL: not in the store */
	X509		*x509;			/* lent, or owned below */
	X509		*own;			/* read from a file */
	char		 sha256[65];
};

static int
resolve_file(const char *path, const struct store_anchors *a,
    struct target_cert **v, size_t *n)
{
	struct certlist *list = certlist_new();
	size_t i, k;
	int rc = -1;

	if (load_file(path, NULL, list) == -1)
		goto out;
	for (i = 0; i < list->n; i++) {
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		memset(&(*v)[*n], 0, sizeof(**v));
		facts_sha256(list->v[i].x509, (*v)[*n].sha256);
		for (k = 0; k < a->n; k++)
			if (strcmp(a->v[k].sha256, (*v)[*n].sha256) == 0) {
				(*v)[*n].anchor = &a->v[k];
				(*v)[*n].x509 =
				    store_anchor_get0_x509(&a->v[k]);
			}
		if ((*v)[*n].x509 == NULL) {
			X509_up_ref(list->v[i].x509);
			(*v)[*n].own = (*v)[*n].x509 = list->v[i].x509;
		}
		(*n)++;
	}
	rc = 0;
out:
	certlist_free(list);
	return rc;
}

/* Returns 0, -1 for a usage error, -2 for "not found/ambiguous". */
static int
resolve_fp(const char *arg, const struct store_anchors *a,
    struct target_cert **v, size_t *n)
{
	struct store_anchor *hit = NULL;
	char fp[65], *e;
	size_t k, hits = 0;
	int len = store_parse_fingerprint(arg, fp);

	if (len < MIN_PREFIX) {
		e = msg_escape(arg);
		msg_error("'%s' is neither a file nor a SHA-256 fingerprint "
		    "(at least %d hex digits)", e, MIN_PREFIX);
		free(e);
		return -1;
	}
	for (k = 0; k < a->n; k++)
		if (strncmp(a->v[k].sha256, fp, (size_t)len) == 0) {
			hit = &a->v[k];
			hits++;
		}
	if (hits > 1) {
		msg_error("%s matches %zu anchors; give more digits", fp,
		    hits);
		return -2;
	}
	if (hits == 0 && len < 64) {
		msg_error("no anchor's fingerprint starts with %s", fp);
		return -2;
	}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].anchor = hit;
	(*v)[*n].x509 = hit ? store_anchor_get0_x509(hit) : NULL;
	strcpy((*v)[*n].sha256, hit ? hit->sha256 : fp);
	(*n)++;
	return 0;
}

static int
refuse_foreign(const struct target_cert *v, size_t n,
    const struct common_opts *co)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < n; i++) {
		if (v[i].anchor == NULL || v[i].anchor->trustfix || co->force)
			continue;
		msg_error("refused: %s is %s anchor, not one trustfix "
		    "imported; use --force to remove it anyway", v[i].sha256,
		    v[i].anchor->distribution ? "a distribution" : "another");
		bad = 1;
	}
	if (bad)
		return -1;
	if (co->yes || co->dry_run || msg_confirm("", "Remove %s",
	    n == 1 ? "this anchor" : "these anchors"))
		return 0;
	return -1;
}

static int
remove_one(struct store *st, const struct target_cert *t,
    const struct hostopts *h, const struct common_opts *co,
    struct change_report *rep)
{
	struct change_anchor *a;
	char *advice = NULL;
	int r = 0, code = EXIT_OK;

	if (t->anchor != NULL &&
	    (r = store_remove(st, t->anchor, co->force, co->dry_run)) == -1)
		return EXIT_STORE;
	if (r == 1 && !co->dry_run &&
	    store_verify(st, t->x509, 0, &advice) == -1) {
		msg_error("removed, but the check afterwards failed: %s",
		    advice);
		code = EXIT_STORE;
	}
	free(advice);
	if (!co->json)
		printf("%s\n", r == 0 ? "not in the store, nothing changed" :
		    co->dry_run ?
		    "would remove it (dry run: nothing changed)" :
		    code == EXIT_OK ? "removed and verified" :
		    "removed, not verified");
	a = change_add(rep, t->x509, SOURCE_STORE, t->sha256);
	a->changed = r == 1;
	if (h->also != 0 && t->x509 == NULL) {
		msg_error("%s: give the certificate's file to remove it from "
		    "the other stores", t->sha256);
		code = EXIT_USAGE;
	} else if (code == EXIT_OK && h->also != 0 &&
	    (r = hostopts_apply(h, st, t->x509, NULL, 0, co, a)) != 0)
		code = r == HOSTSTORE_REFUSED ? EXIT_FAILED : EXIT_STORE;
	return code;
}

static int
run_remove(int argc, char **argv, const struct hostopts *h,
    const struct common_opts *co)
{
	struct store *st = NULL;
	struct store_anchors a = { NULL, 0 };
	struct target_cert *v = NULL;
	struct stat sb;
	struct change_report rep;
	size_t n = 0, i;
	int code = EXIT_STORE, r;

	memset(&rep, 0, sizeof(rep));
	if (store_open(co->store, co->dry_run ? 0 : STORE_WRITE, &st) == -1 ||
	    store_list(st, &a) == -1)
		goto out;
	for (i = 0; i < (size_t)argc; i++) {
		if (stat(argv[i], &sb) == 0) {
			if (resolve_file(argv[i], &a, &v, &n) == -1) {
				code = EXIT_INPUT;
				goto out;
			}
		} else if ((r = resolve_fp(argv[i], &a, &v, &n)) != 0) {
			code = r == -1 ? EXIT_USAGE : EXIT_FAILED;
			goto out;
		}
	}
	for (i = 0; i < n; i++)
		out_text_subject_sha256(co->json ? stderr : stdout, v[i].x509,
		    v[i].sha256);
	code = EXIT_FAILED;
	if (refuse_foreign(v, n, co) == -1)
		goto out;
	code = EXIT_OK;
	for (i = 0; i < n && code == EXIT_OK; i++)
		code = remove_one(st, &v[i], h, co, &rep);
	if (hostopts_services(h, co, &rep) != 0 && code == EXIT_OK)
		code = EXIT_FAILED;
	if (co->json)
		out_json_print(stdout, out_json_change(st, &rep));
out:
	change_clear(&rep);
	for (i = 0; i < n; i++)
		X509_free(v[i].own);
	free(v);
	store_anchors_clear(&a);
	store_close(st);
	return code;
}

int
cmd_remove(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	struct hostopts h;
	int first, code;

	memset(&h, 0, sizeof(h));
	first = opt_parse(cmd, argc, argv, specs, hostopts_opt, &h, co);
	if (first < 0 || opt_operands(argc - first, argv + first, 1, -1,
	    "fingerprints or certificate files") != 0) {
		code = first < 0 ? opt_exit(first) : EXIT_USAGE;
		goto out;
	}
	msg_set_quiet(co->json);
	code = run_remove(argc - first, argv + first, &h, co);
out:
	hostopts_clear(&h);
	return code;
}

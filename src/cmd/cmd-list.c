/* cmd-list.c - the list command: the anchors p11-kit's trust module sees. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "diagopts.h"
#include "exitcode.h"
#include "facts.h"
#include "msg.h"
#include "out.h"
#include "store.h"

enum {
	OPT_ALL = OPT_COMMON_LAST,
	OPT_EXPIRING
};

static const struct opt_spec specs[] = {
	OPT_ROW_STORE,
	{ "all", 'a', no_argument, OPT_ALL, NULL,
	    "also list the distribution's own anchors" },
	{ "expiring", 0, required_argument, OPT_EXPIRING, "N",
	    "only anchors expiring within N days (exit 1 if any)" },
	OPT_ROW_JSON,
	OPT_ROW_HELP,
	OPT_ROW_END
};

struct list_opts {
	int	 all;
	int	 expiring;	/* days, or -1 */
};

static int
handle(int key, const char *arg, void *ctx)
{
	struct list_opts *o = ctx;

	if (key == OPT_EXPIRING)
		return diagopts_days("--expiring", arg, &o->expiring);
	if (key != OPT_ALL)
		return -1;
	o->all = 1;
	return 0;
}

/* Whether --expiring leaves a out; a certificate we cannot read stays. */
static int
not_expiring(struct store_anchor *a, const struct list_opts *o)
{
	X509 *x;
	long left;

	if (o->expiring < 0 || (x = store_anchor_get0_x509(a)) == NULL)
		return 0;
	left = facts_days_left(x, time(NULL));
	return left != FACTS_NO_DAYS && left >= o->expiring;
}

int
cmd_list(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	struct store *st = NULL;
	struct store_anchors a = { NULL, 0 };
	struct store_anchor **v = NULL;
	struct list_opts o = { 0, -1 };
	size_t i, shown = 0;
	int first, code = EXIT_STORE;

	if ((first = opt_parse(cmd, argc, argv, specs, handle, &o, co)) < 0)
		return opt_exit(first);
	if (opt_operands(argc - first, argv + first, 0, 0, NULL) != 0)
		return EXIT_USAGE;
	if (store_open(co->store, 0, &st) == -1 || store_list(st, &a) == -1)
		goto out;
	v = xcalloc(a.n + 1, sizeof(*v));
	for (i = 0; i < a.n; i++) {
		if (!o.all && a.v[i].distribution && !a.v[i].trustfix)
			continue;
		if (not_expiring(&a.v[i], &o))
			continue;
		v[shown++] = &a.v[i];
		if (!co->json)
			out_text_anchor(stdout, &a.v[i]);
	}
	if (co->json)
		out_json_print(stdout, out_json_list(st, v, shown));
	else {
		if (shown == 0 && o.expiring >= 0)
			msg_note("no anchor%s expires within %d days in %s "
			    "store %s", o.all ? "" : " besides the "
			    "distribution's", o.expiring,
			    store_backend_name(st), store_location(st));
		else if (shown == 0)
			msg_note("no anchors%s in %s store %s", o.all ? "" :
			    " besides the distribution's",
			    store_backend_name(st),
			    store_location(st));
	}
	code = o.expiring >= 0 && shown > 0 ? EXIT_FAILED : EXIT_OK;
out:
	free(v);
	store_anchors_clear(&a);
	store_close(st);
	return code;
}

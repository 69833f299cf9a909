/* cmd-stores.c - the stores command: the host's stores and their readers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cmd.h"
#include "exitcode.h"
#include "hostopts.h"
#include "msg.h"
#include "out.h"

static const struct opt_spec specs[] = {
	OPT_ROW_STORE,
	OPT_ROWS_HOST,
	OPT_ROW_TOOL_TIMEOUT,
	OPT_ROW_JSON,
	OPT_ROW_HELP,
	OPT_ROW_END
};

static void
store_text(const struct hoststore *hs)
{
	char *loc = msg_escape(hs->location), *rd = msg_escape(hs->readers);
	char *how = msg_escape(hs->how ? hs->how : "");

	printf("%-8s %s\n", hoststore_kind_name(hs->kind), loc);
	if (hs->error != NULL)
		printf("         cannot read it: %s\n", hs->error);
	else if (hs->anchors >= 0)
		printf("         %ld anchor%s\n", hs->anchors,
		    hs->anchors == 1 ? "" : "s");
	if (hs->kind != HS_SYSTEM)
		printf("         %s the system store: %s\n", hs->follows ?
		    "follows" : "does not follow", how);
	else
		printf("         backend: %s\n", how);
	printf("         read by: %s%s%s\n", rd, hs->user ? "; user " : "",
	    hs->user ? hs->user : "");
	free(how);
	free(rd);
	free(loc);
}

int
cmd_stores(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	struct hostopts h;
	struct hoststores l = { NULL, 0, NULL };
	json_t *arr;
	size_t i;
	int first, code = EXIT_OK;

	memset(&h, 0, sizeof(h));
	first = opt_parse(cmd, argc, argv, specs, hostopts_opt, &h, co);
	switch (first) {
	case -2:
		goto out;
	case -1:
		code = EXIT_USAGE;
		goto out;
	}
	if (first < argc) {
		msg_error("expected no operands");
		code = EXIT_USAGE;
		goto out;
	}
	h.hs.system = co->store;
	h.hs.count = 1;
	h.hs.seconds = co->timeout;
	hoststores_find(&h.hs, 0, &l);
	if (co->json) {
		arr = json_array();
		for (i = 0; i < l.n; i++)
			json_array_append_new(arr, out_json_hoststore(&l.v[i]));
		out_json_print(stdout, json_pack("{s:o}", "stores", arr));
	} else
		for (i = 0; i < l.n; i++)
			store_text(&l.v[i]);
out:
	hoststores_clear(&l);
	hostopts_clear(&h);
	return code;
}

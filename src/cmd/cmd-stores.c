/* cmd-stores.c - the stores command: the host's stores and their readers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
cmd_stores(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	struct hostopts h;
	struct hoststores l = { NULL, 0, NULL };
	size_t i;
	int first, code = EXIT_OK;

	memset(&h, 0, sizeof(h));
	first = opt_parse(cmd, argc, argv, specs, hostopts_opt, &h, co);
	if (first < 0 || opt_operands(argc - first, argv + first, 0, 0,
	    NULL) != 0) {
		code = first < 0 ? opt_exit(first) : EXIT_USAGE;
		goto out;
	}
	h.hs.system = co->store;
	h.hs.count = 1;
	h.hs.seconds = co->timeout;
	hoststores_find(&h.hs, 0, &l);
	if (co->json)
		out_json_print(stdout, out_json_hoststores(&l));
	else
		for (i = 0; i < l.n; i++)
			out_text_hoststore(stdout, &l.v[i]);
out:
	hoststores_clear(&l);
	hostopts_clear(&h);
	return code;
}

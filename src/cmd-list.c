/* cmd-list.c - the list command (not built yet). */
#include "cmd.h"
#include "exitcode.h"
#include "msg.h"

static const struct opt_spec specs[] = {
	OPT_ROW_HELP,
	OPT_ROW_END
};

int
cmd_list(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	switch (opt_parse(cmd, argc, argv, specs, NULL, NULL, co)) {
	case -2:
		return EXIT_OK;
	case -1:
		return EXIT_USAGE;
	}
	msg_error("this command is not built yet");
	return EXIT_USAGE;
}

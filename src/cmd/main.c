/* main.c - global options, the command table, process hygiene. */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "exitcode.h"
#include "msg.h"
#include "out.h"
#include "store.h"

static const struct cmd_info commands[] = {
	{ "inspect", cmd_inspect,
	    "show the chain a server presents, or a file holds",
	    "TARGET...", TOUCHES_NETWORK },
	{ "diagnose", cmd_diagnose,
	    "say whether a client would trust it, why not, and the fix",
	    "TARGET | --chain FILE --name NAME",
	    TOUCHES_NETWORK | NEEDS_STORE },
	{ "export-root", cmd_export_root,
	    "write the root that issued the server's certificate",
	    "TARGET", TOUCHES_NETWORK | NEEDS_STORE },
	{ "export-chain", cmd_export_chain,
	    "write, as PEM, the chain the server should send",
	    "TARGET", TOUCHES_NETWORK | NEEDS_STORE },
	{ "import", cmd_import,
	    "add trust anchors to the system trust store (or --store)",
	    "FILE...", NEEDS_STORE },
	{ "remove", cmd_remove,
	    "remove anchors that trustfix imported",
	    "FINGERPRINT|FILE...", NEEDS_STORE },
	{ "list", cmd_list,
	    "list the anchors of the trust store",
	    "", NEEDS_STORE },
	{ "bundle", cmd_bundle,
	    "write a device bundle (zip / tar.gz / directory)",
	    "FILE... -o OUT", TOUCHES_NETWORK },
	{ "stores", cmd_stores,
	    "the trust stores on this host and what reads them",
	    "", NEEDS_STORE },
	{ "where", cmd_where,
	    "which of those stores trust ROOT",
	    "ROOT", NEEDS_STORE },
	{ "scan", cmd_scan,
	    "diagnose many targets at once (or --from postfix, ...)",
	    "[FILE|-]", TOUCHES_NETWORK | NEEDS_STORE },
	{ NULL, NULL, NULL, NULL, 0 }
};

static void
usage(FILE *f)
{
	const struct cmd_info *c;

	fprintf(f, "usage: trustfix [--version | --help] COMMAND [OPTIONS] "
	    "[ARGS]\n\n"
	    "Find out why a TLS client does not trust a server, "
	    "and fix it.\n\n"
	    "commands:\n");
	for (c = commands; c->name != NULL; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'trustfix COMMAND --help' for a command's options; "
	    "see trustfix(1).\n");
}

/* Make sure fds 0, 1 and 2 are open, so no file we open becomes one. */
static void
sanitize_fds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

static int
finish(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout) || out_lines_failed()) {
		/*
		 * The change is made and verified: a reader that went away
		 * does not undo it, so the exit status still says it
		 * happened (import | head, a failing consumer of --json).
		 */
		if (store_changed()) {
			msg_error("cannot write the output, but the trust "
			    "store was changed; 'trustfix list' shows it");
			return code;
		}
		msg_error("cannot write the output");
		return code == EXIT_OK ? EXIT_FAILED : code;
	}
	return code;
}

int
main(int argc, char **argv)
{
	const struct cmd_info *c;
	struct common_opts co;
	const char *env;
	char *e;

	sanitize_fds();
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return finish(EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 ||
	    strcmp(argv[1], "-v") == 0) {
		printf("trustfix %s\n", PACKAGE_VERSION);
		return finish(EXIT_OK);
	}
	for (c = commands; c->name != NULL; c++)
		if (strcmp(argv[1], c->name) == 0)
			break;
	if (c->name == NULL) {
		e = msg_escape(argv[1]);
		msg_error("unknown command '%s'", e);
		free(e);
		fprintf(stderr, "Try 'trustfix --help'.\n");
		return EXIT_USAGE;
	}
	msg_set_command(c->name);
	memset(&co, 0, sizeof(co));
	if (c->needs & TOUCHES_NETWORK)
		co.timeout = 10;
	if ((c->needs & NEEDS_STORE) && (env = getenv("TRUSTFIX_STORE")) &&
	    *env != '\0')
		co.store = env;
	exit(finish(c->run(c, argc - 1, argv + 1, &co)));
}

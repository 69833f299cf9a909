/* opt.c - option tables that drive both getopt_long and --help. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "exitcode.h"
#include "ldapget.h"
#include "msg.h"
#include "opt.h"
#include "store.h"

int
opt_positive(const char *name, const char *arg, int max)
{
	char *end, *e;
	long v;

	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || v <= 0 || v > max) {
		e = msg_escape(arg);
		msg_error("--%s: expected a number from 1 to %d, not '%s'",
		    name, max, e);
		free(e);
		return -1;
	}
	return (int)v;
}

int
opt_fingerprint(int digits, const char *arg, char out[65])
{
	char *e;

	if (store_parse_fingerprint(arg, out) == digits)
		return 0;
	e = msg_escape(arg);
	msg_error("--expect-sha%d: expected %d hex digits (colons%s allowed), "
	    "not '%s'", digits == 64 ? 256 : 1, digits, digits == 64 ? "" :
	    " and spaces", e);
	free(e);
	return -1;
}

static int
handle_common(int key, const char *arg, struct common_opts *co)
{
	char *e;

	switch (key) {
	case OPT_JSON:
		co->json = 1;
		return 0;
	case OPT_TIMEOUT:
		co->timeout = opt_positive("timeout", arg, 3600);
		return co->timeout < 0 ? -1 : 0;
	case OPT_SNI:
		co->sni = arg;
		return 0;
	case OPT_CONNECT:
		co->connect = arg;
		return 0;
	case OPT_STORE:
		if (*arg == '\0') {
			msg_error("--store: expected a store or directory");
			return -1;
		}
		co->store = arg;
		return 0;
	case OPT_PASSWORD_FILE:
		co->password_file = arg;
		return 0;
	case OPT_YES:
		co->yes = 1;
		return 0;
	case OPT_FORCE:
		co->force = 1;
		return 0;
	case OPT_DRY_RUN:
		co->dry_run = 1;
		return 0;
	case OPT_NO_AIA:
		co->no_aia = 1;
		return 0;
	case OPT_LDAP_HOST:
		if (!ldapget_host_ok(arg)) {
			e = msg_escape(arg);
			msg_error("--ldap-host %s: expected HOST or HOST:PORT",
			    e);
			free(e);
			return -1;
		}
		co->ldap_host = arg;
		return 0;
	case OPT_AIA_ALLOW_PRIVATE:
		co->aia_allow_private = 1;
		return 0;
	}
	return 1;	/* not a shared option */
}

void
opt_usage(const struct cmd_info *cmd, const struct opt_spec *specs)
{
	const struct opt_spec *s;
	char left[64];

	printf("usage: trustfix %s [OPTIONS] %s\n", cmd->name, cmd->synopsis);
	printf("%s\n\noptions:\n", cmd->summary);
	for (s = specs; s->name != NULL; s++) {
		if (s->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s",
			    s->short_name, s->name, s->arg ? " " : "",
			    s->arg ? s->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", s->name,
			    s->arg ? " " : "", s->arg ? s->arg : "");
		if (strlen(left) > 26)
			printf("  %s\n  %-26s  %s\n", left, "", s->help);
		else
			printf("  %-26s  %s\n", left, s->help);
	}
}

/* Report what getopt_long() refused: c is '?' or ':'. */
static void
bad_option(const struct cmd_info *cmd, int c, char **argv)
{
	const char *what = c == ':' ? "missing value for" : "unknown option";
	char letter[2] = { (char)optopt, '\0' };
	char *e;

	if (optopt >= OPT_HELP || optopt == 0) {
		e = msg_escape(argv[optind - 1]);
		msg_error("%s '%s'", optopt ? what : "unknown option", e);
	} else {
		e = msg_escape(letter);
		msg_error("%s -%s", what, e);
	}
	free(e);
	fprintf(stderr, "Try 'trustfix %s --help'.\n", cmd->name);
}

int
opt_parse(const struct cmd_info *cmd, int argc, char **argv,
    const struct opt_spec *specs,
    int (*handle)(int key, const char *arg, void *ctx), void *ctx,
    struct common_opts *co)
{
	struct option *lopts;
	char shorts[128];
	size_t n = 0, i, k = 0;
	int c, rc = -1;

	while (specs[n].name != NULL)
		n++;
	lopts = xcalloc(n + 1, sizeof(*lopts));
	shorts[k++] = ':';	/* report a missing value as ':' */
	for (i = 0; i < n; i++) {
		lopts[i].name = specs[i].name;
		lopts[i].has_arg = specs[i].has_arg;
		lopts[i].val = specs[i].key;
		if (specs[i].short_name && k + 3 < sizeof(shorts)) {
			shorts[k++] = (char)specs[i].short_name;
			if (specs[i].has_arg == required_argument)
				shorts[k++] = ':';
		}
	}
	shorts[k] = '\0';
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, lopts, NULL)) != -1) {
		int key = c;

		if (c == '?' || c == ':') {
			bad_option(cmd, c, argv);
			goto out;
		}
		/* A short option's key is its letter: map it to the row. */
		for (i = 0; i < n; i++)
			if (specs[i].short_name == c && c < 256)
				key = specs[i].key;
		if (key == OPT_HELP) {
			opt_usage(cmd, specs);
			rc = -2;
			goto out;
		}
		switch (handle_common(key, optarg, co)) {
		case 0:
			continue;
		case -1:
			goto out;
		}
		if (handle == NULL || handle(key, optarg, ctx) != 0)
			goto out;
	}
	rc = optind;
out:
	free(lopts);
	return rc;
}

int
opt_exit(int parsed)
{
	return parsed == -2 ? EXIT_OK : EXIT_USAGE;
}

int
opt_operands(int n, char **v, int min, int max, const char *what)
{
	char *e;

	if (n >= min && (max < 0 || n <= max))
		return 0;
	if (max == 0) {
		e = msg_escape(v[0]);
		msg_error("unexpected argument '%s'", e);
		free(e);
	} else
		msg_error("expected %s", what);
	return -1;
}

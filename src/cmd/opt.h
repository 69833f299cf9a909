/* opt.h - option tables that drive both getopt_long and --help. */
#ifndef TRUSTFIX_OPT_H
#define TRUSTFIX_OPT_H

#include <getopt.h>

/* Keys of the options shared by several commands, parsed in one place. */
enum opt_common_key {
	OPT_HELP = 1000,
	OPT_JSON,
	OPT_TIMEOUT,
	OPT_SNI,
	OPT_CONNECT,
	OPT_STORE,
	OPT_PASSWORD_FILE,
	OPT_YES,
	OPT_FORCE,
	OPT_DRY_RUN,
	OPT_NO_AIA,
	OPT_LDAP_HOST,
	OPT_AIA_ALLOW_PRIVATE,
	OPT_COMMON_LAST		/* commands number their own keys from here */
};

struct opt_spec {
	const char	*name;		/* long name, without "--" */
	int		 short_name;	/* 'o', or 0 */
	int		 has_arg;	/* no_argument or required_argument */
	int		 key;		/* OPT_* or the command's own */
	const char	*arg;		/* placeholder in --help: "SECONDS" */
	const char	*help;		/* one line */
};

/* Rows for the shared options, so every command words them alike. */
#define OPT_ROW_JSON	{ "json", 0, no_argument, OPT_JSON, NULL, \
	"print one JSON document on stdout" }
#define OPT_ROW_TIMEOUT	{ "timeout", 0, required_argument, OPT_TIMEOUT, \
	"SECONDS", "give up on the network after SECONDS (default 10)" }
#define OPT_ROW_SNI	{ "sni", 0, required_argument, OPT_SNI, "NAME", \
	"send NAME in SNI instead of the target's host" }
#define OPT_ROW_CONNECT	{ "connect", 0, required_argument, OPT_CONNECT, \
	"ADDR[:PORT]", "dial ADDR instead of the target's host" }
#define OPT_ROW_STORE	{ "store", 0, required_argument, OPT_STORE, \
	"STORE", "auto, p11-kit, ca-certificates, or a directory" }
#define OPT_ROW_PASSWORD_FILE { "password-file", 0, required_argument, \
	OPT_PASSWORD_FILE, "FILE", "PKCS#12 password, first line of FILE" }
#define OPT_ROW_YES	{ "yes", 'y', no_argument, OPT_YES, NULL, \
	"do not ask for confirmation" }
#define OPT_ROW_FORCE	{ "force", 'f', no_argument, OPT_FORCE, NULL, \
	"override a refusal" }
#define OPT_ROW_DRY_RUN	{ "dry-run", 'n', no_argument, OPT_DRY_RUN, NULL, \
	"say what would change, change nothing" }
#define OPT_ROW_NO_AIA	{ "no-aia", 0, no_argument, OPT_NO_AIA, NULL, \
	"do not fetch missing issuers from AIA URLs" }
#define OPT_ROW_LDAP_HOST { "ldap-host", 0, required_argument, \
	OPT_LDAP_HOST, "HOST[:PORT]", \
	"LDAP server for ldap:/// URLs (default: target)" }
#define OPT_ROW_AIA_ALLOW_PRIVATE { "aia-allow-private", 0, no_argument, \
	OPT_AIA_ALLOW_PRIVATE, NULL, \
	"let AIA, OCSP, CRL URLs reach loopback, private, ... addresses" }
#define OPT_ROW_HELP	{ "help", 'h', no_argument, OPT_HELP, NULL, \
	"show this help and exit" }
#define OPT_ROW_END	{ NULL, 0, 0, 0, NULL, NULL }

/* What the shared options said; defaults set by the dispatcher. */
struct common_opts {
	int		 json;
	int		 timeout;	/* seconds */
	const char	*sni;
	const char	*connect;
	const char	*store;		/* --store, or TRUSTFIX_STORE */
	const char	*password_file;
	int		 yes;
	int		 force;
	int		 dry_run;
	int		 no_aia;
	const char	*ldap_host;	/* --ldap-host, or NULL */
	int		 aia_allow_private;
};

struct cmd_info;

/*
 * Parse argv with specs.  Shared keys land in co; other keys go to
 * handle(key, optarg, ctx), which returns 0, or -1 after reporting a
 * usage error.  Returns the index of the first operand, -1 on a usage
 * error (reported), or -2 when --help was printed.
 */
int	opt_parse(const struct cmd_info *cmd, int argc, char **argv,
	    const struct opt_spec *specs,
	    int (*handle)(int key, const char *arg, void *ctx), void *ctx,
	    struct common_opts *co);

/* The exit status for opt_parse()'s -2 (--help: 0) and -1 (usage: 2). */
int	opt_exit(int parsed);

/*
 * Check the n operands v: at least min, at most max (-1: any).  Returns
 * 0, or -1 after reporting "expected WHAT" ("unexpected argument 'X'"
 * when max is 0).
 */
int	opt_operands(int n, char **v, int min, int max, const char *what);

/* Print "usage: ..." and the option table on stdout. */
void	opt_usage(const struct cmd_info *cmd, const struct opt_spec *specs);

/* Parse a positive integer option value; -1 after reporting. */
int	opt_positive(const char *name, const char *arg, int max);

/*
 * Parse the value of --expect-sha256 (digits 64) or --expect-sha1
 * (digits 40) into out, lowercase; 0, or -1 after reporting.
 */
int	opt_fingerprint(int digits, const char *arg, char out[65]);

#endif

/* hostopts.h - the options naming the host's other stores, their --also. */
#ifndef TRUSTFIX_HOSTOPTS_H
#define TRUSTFIX_HOSTOPTS_H

#include "hoststore.h"
#include "opt.h"
#include "out-change.h"

enum hostopt_key {
	OPT_HOME = 2000,
	OPT_JAVA_KEYSTORE,
	OPT_JAVA_PASSWORD_FILE,
	OPT_NSSDB,
	OPT_ALL_USERS,
	OPT_ALSO,
	OPT_RELOAD,
	OPT_SERVICE
};

#define HOSTOPTS_MAX_SERVICES	16	/* --service given */

#define OPT_ROW_HOME	{ "home", 0, required_argument, OPT_HOME, "DIR", \
	"the user's stores under DIR (default: $HOME)" }
#define OPT_ROW_JAVA_KEYSTORE { "java-keystore", 0, required_argument, \
	OPT_JAVA_KEYSTORE, "FILE", "this Java keystore instead of the JREs'" }
#define OPT_ROW_JAVA_PASSWORD_FILE { "java-password-file", 0, \
	required_argument, OPT_JAVA_PASSWORD_FILE, "FILE", \
	"keystore password, first line of FILE (default changeit)" }
#define OPT_ROW_NSSDB	{ "nssdb", 0, required_argument, OPT_NSSDB, "DIR", \
	"this NSS database instead of the user's" }
#define OPT_ROW_ALL_USERS { "all-users", 0, no_argument, OPT_ALL_USERS, \
	NULL, "also the stores in other users' homes" }
#define OPT_ROW_ALSO	{ "also", 0, required_argument, OPT_ALSO, \
	"KINDS", "also java, nss, dotnet, or all (comma-separated)" }

#define OPT_ROW_RELOAD	{ "reload", 0, no_argument, OPT_RELOAD, NULL, \
	"reload the services that keep the old anchors" }
#define OPT_ROW_SERVICE	{ "service", 0, required_argument, OPT_SERVICE, \
	"CONFIG", "only the service configured by CONFIG (repeatable)" }

/* The rows of the options that name the stores (stores, where, ...). */
#define OPT_ROW_TOOL_TIMEOUT { "timeout", 0, required_argument, OPT_TIMEOUT, \
	"SECONDS", "stop a store's tool after SECONDS (default 30)" }
#define OPT_ROWS_HOST	OPT_ROW_HOME, OPT_ROW_ALL_USERS, \
	OPT_ROW_JAVA_KEYSTORE, OPT_ROW_JAVA_PASSWORD_FILE, OPT_ROW_NSSDB

struct hostopts {
	struct hoststore_opts	 hs;
	unsigned		 also;
	char			*password;	/* owned */
	int			 reload;	/* --reload */
	const char		*only[HOSTOPTS_MAX_SERVICES + 1];
	int			 nonly;		/* --service given */
};

/*
 * Handle one of the keys above: 0, 1 when key is not one of them, or
 * -1 after reporting a usage error.
 */
int	hostopts_handle(struct hostopts *h, int key, const char *arg);
/* The same as an opt_parse() handler, ctx a struct hostopts. */
int	hostopts_opt(int key, const char *arg, void *ctx);
void	hostopts_clear(struct hostopts *h);

/*
 * import/remove --also: after the system store (st, open) changed, add
 * x to (add = 1) or remove it from the stores h->also names, saying
 * per store what happened (on stdout unless --json) and keeping it in
 * a's "also" list.  Returns 0; HOSTSTORE_REFUSED when a store refused
 * the change (an entry trustfix did not add) and none failed otherwise;
 * -1 when a store failed (all reported).
 */
struct common_opts;
int	hostopts_apply(const struct hostopts *h, struct store *st, X509 *x,
	    const char *label, int add, const struct common_opts *co,
	    struct change_anchor *a);

/*
 * After import/remove: when an anchor of rep changed in the system
 * store, find the running services that keep the old anchors and say
 * how to reload them (on stdout unless --json; kept in rep); with
 * --reload run those commands.  Returns 0, or -1 when a reload failed
 * (reported).
 */
int	hostopts_services(const struct hostopts *h, const struct common_opts *co,
	    struct change_report *rep);

#endif

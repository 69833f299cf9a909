/* diagopts.h - diagnose's options, shared by every command that diagnoses. */
#ifndef TRUSTFIX_DIAGOPTS_H
#define TRUSTFIX_DIAGOPTS_H

#include <jansson.h>
#include <time.h>

#include "diagnose.h"
#include "fetch.h"
#include "opt.h"
#include "target.h"

enum {
	OPT_CHAIN = OPT_COMMON_LAST,
	OPT_UNTRUSTED,
	OPT_NAME,
	OPT_TRUST,
	OPT_AT,
	OPT_PURPOSE,
	OPT_CHECK_REVOCATION,
	OPT_WARN_DAYS,
	OPT_CLIENT,
	OPT_DIAG_LAST		/* commands number their own keys from here */
};

/* The rows of the options that say how to judge a chain. */
#define DIAGOPTS_ROWS \
	{ "untrusted", 0, required_argument, OPT_UNTRUSTED, "FILE", \
	    "intermediates the client has (not sent)" }, \
	{ "name", 0, required_argument, OPT_NAME, "HOST|IP", \
	    "name the client asks for (default: the host)" }, \
	{ "trust", 0, required_argument, OPT_TRUST, "FILE|DIR", \
	    "trust only these anchors (repeatable)" }, \
	OPT_ROW_STORE, \
	{ "at", 0, required_argument, OPT_AT, "TIME", \
	    "YYYY-MM-DD[THH:MM:SSZ] or epoch seconds" }, \
	{ "purpose", 0, required_argument, OPT_PURPOSE, "PURPOSE", \
	    "server-auth (the default), or any" }, \
	OPT_ROW_NO_AIA, \
	OPT_ROW_AIA_ALLOW_PRIVATE, \
	{ "check-revocation", 0, no_argument, OPT_CHECK_REVOCATION, NULL, \
	    "ask OCSP responders and CRL servers" }, \
	{ "warn-days", 0, required_argument, OPT_WARN_DAYS, "N", \
	    "expiring-soon when under N days are left (default 30)" }, \
	{ "client", 0, required_argument, OPT_CLIENT, "LIST", \
	    "the clients the verdict is for (openssl,dotnet; all)" }

struct dopts {
	const char	*chain;
	const char	*untrusted[16];
	int		 nuntrusted;
	const char	*name;
	const char	*trust[64];
	int		 ntrust;
	time_t		 at;
	int		 at_given;
	int		 purpose;	/* -1 unset, 0 any, 1 server-auth */
	int		 check_revocation;
	int		 warn_days;
	unsigned	 clients;	/* --client, else TRUSTFIX_CLIENTS */
};

void	diagopts_init(struct dopts *d);
/* A count of days for opt into *days (0 to 36500); -1 reported. */
int	diagopts_days(const char *opt, const char *arg, int *days);
/* An option of DIAGOPTS_ROWS: 0, 1 when key is not one, -1 reported. */
int	diagopts_handle(struct dopts *d, int key, const char *arg);

/*
 * The anchors and --untrusted certificates, loaded once.  Returns an
 * exit code; on EXIT_OK *st (and *untr, NULL without --untrusted) are
 * the caller's.
 */
int	diagopts_load(struct dopts *d, struct common_opts *co,
	    X509_STORE **st, int *deflt, struct certlist **untr);

/* The diag_opts of one diagnosis; net: the target is a server. */
void	diagopts_fill(struct diag_opts *o, const struct dopts *d,
	    const struct common_opts *co, int net);

/*
 * What a fetch brought, diagnosed: r the first attempt, old (may be
 * NULL) a retry that allowed old protocols.
 */
struct diagnosis *diagopts_diagnose_fetched(const struct fetch_result *r,
	    const struct fetch_result *old, const struct diag_opts *o);

#endif

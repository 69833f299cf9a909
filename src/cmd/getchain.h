/* getchain.h - what a target presents, and the anchors to build on. */
#ifndef TRUSTFIX_GETCHAIN_H
#define TRUSTFIX_GETCHAIN_H

#include <time.h>
#include <openssl/x509.h>

#include "certlist.h"
#include "chain.h"
#include "fetch.h"
#include "opt.h"
#include "target.h"

/*
 * Fetch what server t presents: one attempt, and when its handshake was
 * refused a second that allows TLS 1.0/1.1, both within one deadline of
 * timeout_ms.  r is the first attempt, old the second (zeroed when none
 * was made or it failed); the caller clears both.  Returns the one of
 * them that holds a chain, or NULL with r->error saying why (not
 * reported: the caller decides).
 */
struct fetch_result *getchain_fetch(const struct target *t, int timeout_ms,
	    struct fetch_result *r, struct fetch_result *old);

/*
 * The certificates t presents, as sent (a server's, retried with old
 * protocols allowed), or a file's.  Returns an exit code; *sent is set
 * (the caller frees it) on EXIT_OK and has reported otherwise.
 */
int	getchain_sent(const struct target *t, const struct common_opts *co,
	    struct certlist **sent);

/*
 * The anchors of --store, or the distribution's default ones.  *owned
 * says whether the caller frees the result; NULL after reporting.
 */
X509_STORE *getchain_anchors(const struct common_opts *co, int *owned);

/* What getchain_path needs beyond the options; zeroes for export-root. */
struct getchain_req {
	const struct certlist	*untrusted;	/* more candidates, or NULL */
	chain_judge_fn		*judge;		/* see chain_build() */
	void			*judge_arg;
	time_t			 at;		/* see struct chain_opts */
};

/*
 * The path from what input presents up to a root, as export-root,
 * export-chain and bundle find it: input parsed with --sni and
 * --connect, the chain sent (getchain_sent), the anchors
 * (getchain_anchors), issuers fetched over AIA, all within one
 * deadline of co->timeout seconds.  Returns an exit code; *c (the
 * caller frees it) is set on EXIT_OK, and the failure reported
 * otherwise.
 */
int	getchain_path(const char *input, const struct common_opts *co,
	    const struct getchain_req *req, struct chain **c);

#endif

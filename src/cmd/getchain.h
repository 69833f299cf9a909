/* getchain.h - what a target presents, and the anchors to build on. */
#ifndef TRUSTFIX_GETCHAIN_H
#define TRUSTFIX_GETCHAIN_H

#include <openssl/x509.h>

#include "certlist.h"
#include "opt.h"
#include "target.h"

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

#endif

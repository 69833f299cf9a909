/* scanloop.h - many servers fetched at once by one epoll loop. */
#ifndef TRUSTFIX_SCANLOOP_H
#define TRUSTFIX_SCANLOOP_H

#include <stddef.h>

#include "fetch.h"
#include "target.h"

#define SCANLOOP_MAX_CONCURRENCY	4096

struct scanloop_limits {
	int	 concurrency;	/* connections at once */
	int	 per_host;	/* connections at once to one host name */
	double	 rate;		/* new connections per second; 0: no limit */
	int	 timeout_ms;	/* per target: resolve to the last byte */
};

#define SCANLOOP_WAIT	1	/* done's answer: call again later */

/*
 * Called per target when its fetch ends: r is the first attempt, old
 * (or NULL) a retry that allowed TLS 1.0/1.1 after r's handshake
 * failed; left_ms is what remains of the target's deadline.  r and old
 * are the loop's.  While left_ms > 0, httpcache_get() downloads in the
 * background: when it could not answer, done may return SCANLOOP_WAIT
 * (having reported nothing) to be called again once those downloads
 * end, or at the deadline with left_ms 0.  Otherwise it returns 0.
 */
typedef int scanloop_done_fn(void *arg, size_t i,
    const struct fetch_result *r, const struct fetch_result *old,
    int left_ms);

/*
 * Fetch the chains of the n network targets t[0..n-1] within the
 * limits, one event loop, one TLS context.  Returns 0 when every target
 * was reported to done, or -1 after reporting why the loop could not
 * run at all.
 */
int	scanloop_run(const struct target *const *t, size_t n,
	    const struct scanloop_limits *lim, scanloop_done_fn *done,
	    void *arg);

#endif

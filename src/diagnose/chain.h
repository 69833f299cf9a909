/* chain.h - build the path from a server certificate to a root, via AIA. */
#ifndef TRUSTFIX_CHAIN_H
#define TRUSTFIX_CHAIN_H

#include <time.h>
#include <openssl/x509.h>

#include "certlist.h"

#define CHAIN_MAX_FETCHES	4	/* AIA downloads per diagnosis */
#define CHAIN_MAX_DEPTH		32	/* certificates in one path */

/*
 * Download an AIA caIssuers URL (http://, or ldap:// unless no_ldap;
 * ldap_host serves ldap:/// URLs) within timeout_ms: 0 with the
 * certificates it holds in *out (the caller's), or -1 with why in err.
 * Chain building reads no network itself: the caller gives this.
 */
typedef int chain_fetch_fn(const char *url, const char *ldap_host,
    int timeout_ms, STACK_OF(X509) **out, char *err, size_t errlen,
    void *arg);

struct chain_opts {
	chain_fetch_fn	*fetch;		/* NULL: fetch no missing issuer */
	void		*fetch_arg;
	long long	 deadline;	/* mono_ms(): the network's end */
	int		 timeout;	/* seconds, for one download at most */
	const char	*ldap_host;	/* HOST[:PORT] for ldap:///, or NULL */
	int		 no_ldap;	/* fetch no ldap URL (scan) */
	time_t		 at;		/* validity time; 0: not judged.  When
					   every issuer at hand is out of date
					   then, AIA is asked for a renewed one */
};

/*
 * Rates a candidate path (leaf first; anchored: the last certificate is
 * a trust anchor): 0 means no fault, higher is worse.  Path building
 * keeps the best path and stops at the first with score 0.
 */
typedef int chain_judge_fn(const struct certlist *path, int anchored,
    void *arg);

struct chain {
	struct certlist	*path;		/* leaf first */
	int		 anchored;	/* the last one is a trust anchor */
	int		 score;		/* the judge's score of path */
	struct certlist	*offpath;	/* sent, not on the path */
	struct certlist	*fetched;	/* every issuer AIA supplied */
	int		*sent_in_path;	/* per sent certificate */
	size_t		 nsent;
	char		*order;		/* why the order sent is wrong; NULL */
	/* When the path ends below a root: the top's caIssuers URLs. */
	char		**aia_http;
	char		**aia_other;	/* ldap:// and the rest */
	char		**aia_log;	/* one line per download attempt */
	int		 fetches;
};

/*
 * Build the best path from sent->v[0] using the other sent certificates,
 * untrusted (may be NULL), the anchors and, with opts->fetch, issuers
 * fetched from http caIssuers URLs.  Backtracks over candidate issuers.
 * Returns a chain the caller frees; never NULL.
 */
struct chain *chain_build(const struct certlist *sent,
	    const struct certlist *untrusted, X509_STORE *anchors,
	    const struct chain_opts *opts, chain_judge_fn *judge, void *arg);
void	chain_free(struct chain *);

/* 1 if x itself is one of the anchors of store. */
int	chain_is_anchor(X509_STORE *store, X509 *x);
/* 1 if x is issued by itself and its signature verifies with its key. */
int	chain_self_signed(X509 *x);
/* 1 if issuer's name and key identifier fit subject's issuer fields. */
int	chain_names_issuer(X509 *issuer, X509 *subject);

#endif

/* httpcache.h - http GET answers by URL, fetched now or in the background. */
#ifndef TRUSTFIX_HTTPCACHE_H
#define TRUSTFIX_HTTPCACHE_H

#include <stddef.h>

#define HTTPCACHE_MAX_ENTRIES	1024
#define HTTPCACHE_MAX_BYTES	(32 * 1024 * 1024)	/* bodies kept */
#define HTTPCACHE_MAX_THREADS	8	/* background downloads at once */

/* What httpcache_get() does with a URL it holds no answer for. */
enum httpcache_miss {
	HTTPCACHE_FETCH,	/* download it now (the default) */
	HTTPCACHE_LATER,	/* download it in the background, fail now */
	HTTPCACHE_NEVER		/* fail: the caller is out of time */
};

/* From now on, keep answers (a scan asks for the same URLs often). */
void	httpcache_enable(void);

/*
 * How the following httpcache_get() calls treat a miss; with
 * HTTPCACHE_LATER, a download started for them ends within timeout_ms.
 * Forgets the misses of the previous calls.
 */
void	httpcache_set_miss(enum httpcache_miss, int timeout_ms);

/*
 * httpget() of url, answered from the cache when it is on and holds
 * url: a body, or a failure other than a timeout.  Same contract.
 */
int	httpcache_get(const char *url, int timeout_ms, unsigned char **resp,
	    size_t *resp_len, char *err, size_t errlen);

/*
 * The URLs that httpcache_get() could not answer since
 * httpcache_set_miss(HTTPCACHE_LATER, ...): a NULL-terminated array the
 * caller frees with httpcache_urls_free(), or NULL when there were none.
 */
char	**httpcache_take_misses(void);
/* How many there are so far. */
size_t	httpcache_missed(void);
void	httpcache_urls_free(char **);

/* 1 when none of urls is still being downloaded. */
int	httpcache_settled(char *const *urls);

/*
 * An eventfd that becomes readable when a background download ends, or
 * -1 after reporting why it cannot be made.
 */
int	httpcache_fd(void);
/* Take in the downloads that ended, start queued ones; how many ended. */
int	httpcache_poll(void);
/* Wait for the background downloads (each ends by its deadline). */
void	httpcache_stop(void);

#endif

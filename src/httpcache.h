/* httpcache.h - http GET answers kept by URL for the life of a process. */
#ifndef TRUSTFIX_HTTPCACHE_H
#define TRUSTFIX_HTTPCACHE_H

#include <stddef.h>

#define HTTPCACHE_MAX_ENTRIES	1024
#define HTTPCACHE_MAX_BYTES	(32 * 1024 * 1024)	/* bodies kept */

/* From now on, keep answers (a scan asks for the same URLs often). */
void	httpcache_enable(void);

/*
 * httpget() of url, answered from the cache when it is on and holds
 * url: a body, or a failure other than a timeout.  Same contract.
 */
int	httpcache_get(const char *url, int timeout, unsigned char **resp,
	    size_t *resp_len, char *err, size_t errlen);

#endif

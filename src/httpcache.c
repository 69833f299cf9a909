/* httpcache.c - http GET answers kept by URL for the life of a process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpcache.h"
#include "httpget.h"
#include "msg.h"

struct entry {
	char		*url;
	unsigned char	*body;		/* NULL: the GET failed, err says */
	size_t		 len;
	char		*err;
};

static int enabled;
static struct entry *cache;
static size_t ncache, bytes;

void
httpcache_enable(void)
{
	enabled = 1;
}

static const struct entry *
find(const char *url)
{
	size_t i;

	for (i = 0; i < ncache; i++)
		if (strcmp(cache[i].url, url) == 0)
			return &cache[i];
	return NULL;
}

static void
keep(const char *url, const unsigned char *body, size_t len, const char *err)
{
	struct entry *e;

	if (ncache == HTTPCACHE_MAX_ENTRIES || bytes + len >
	    HTTPCACHE_MAX_BYTES)
		return;
	cache = xrealloc(cache, (ncache + 1) * sizeof(*cache));
	e = &cache[ncache++];
	e->url = xstrdup(url);
	e->body = NULL;
	e->len = len;
	e->err = err ? xstrdup(err) : NULL;
	if (body != NULL) {
		e->body = xmalloc(len + 1);
		memcpy(e->body, body, len);
		bytes += len;
	}
}

int
httpcache_get(const char *url, int timeout, unsigned char **resp,
    size_t *resp_len, char *err, size_t errlen)
{
	const struct entry *e;
	int rc;

	if (enabled && (e = find(url)) != NULL) {
		if (e->body == NULL) {
			snprintf(err, errlen, "%s", e->err);
			return -1;
		}
		*resp = xmalloc(e->len + 1);
		memcpy(*resp, e->body, e->len);
		*resp_len = e->len;
		return 0;
	}
	rc = httpget(url, NULL, NULL, 0, timeout, resp, resp_len, err,
	    errlen);
	/* A timeout may be the caller's short deadline: ask again later. */
	if (enabled && rc == 0)
		keep(url, *resp, *resp_len, NULL);
	else if (enabled && strstr(err, "timed out") == NULL)
		keep(url, NULL, 0, err);
	return rc;
}

/* lookup.c - a host name resolved in the background (getaddrinfo_a). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "lookup.h"
#include "msg.h"

/*
 * Lookups still running when dropped: glibc's thread writes into them
 * until it ends, so they are never freed.  One list for every thread
 * (the scan's loop, connections, background downloads).
 */
static struct lookup *abandoned;
static pthread_mutex_t abandoned_lock = PTHREAD_MUTEX_INITIALIZER;

struct lookup *
lookup_start(const char *host, unsigned port, struct sigevent *sev,
    int *gai)
{
	struct lookup *lk = xcalloc(1, sizeof(*lk));
	struct gaicb *list[1];

	lk->host = xstrdup(host);
	(void)snprintf(lk->service, sizeof(lk->service), "%u", port);
	lk->hints.ai_family = AF_UNSPEC;
	lk->hints.ai_socktype = SOCK_STREAM;
	lk->cb.ar_name = lk->host;
	lk->cb.ar_service = lk->service;
	lk->cb.ar_request = &lk->hints;
	list[0] = &lk->cb;
	if ((*gai = getaddrinfo_a(GAI_NOWAIT, list, 1, sev)) != 0) {
		free(lk->host);
		free(lk);
		return NULL;
	}
	return lk;
}

int
lookup_result(struct lookup *lk, struct addrinfo **res)
{
	int gai = gai_error(&lk->cb);

	if (gai == 0) {
		*res = lk->cb.ar_result;
		lk->cb.ar_result = NULL;
	}
	return gai;
}

void
lookup_drop(struct lookup *lk)
{
	if (lk == NULL)
		return;
	if (gai_cancel(&lk->cb) == EAI_NOTCANCELED) {
		(void)pthread_mutex_lock(&abandoned_lock);
		lk->next = abandoned;
		abandoned = lk;
		(void)pthread_mutex_unlock(&abandoned_lock);
		return;
	}
	if (lk->cb.ar_result != NULL)
		freeaddrinfo(lk->cb.ar_result);
	free(lk->host);
	free(lk);
}

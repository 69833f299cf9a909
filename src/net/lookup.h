/* lookup.h - a host name resolved in the background (getaddrinfo_a). */
#ifndef TRUSTFIX_LOOKUP_H
#define TRUSTFIX_LOOKUP_H

#include <netdb.h>
#include <signal.h>

struct lookup {
	struct gaicb	 cb;
	struct addrinfo	 hints;
	char		*host;
	char		 service[16];
	struct lookup	*next;		/* on the abandoned list */
};

/*
 * Start resolving host and port (TCP, any family); sev says how to be
 * told when it ends (NULL: ask lookup_result).  The lookup, or NULL
 * with getaddrinfo_a()'s error in *gai.
 */
struct lookup *lookup_start(const char *host, unsigned port,
	    struct sigevent *sev, int *gai);

/* EAI_INPROGRESS while running; 0 with the addresses taken into *res. */
int	lookup_result(struct lookup *lk, struct addrinfo **res);

/*
 * Done with lk (NULL: nothing): freed, or, while glibc's thread still
 * fills it, kept on a list that is never freed (it is still ours).
 */
void	lookup_drop(struct lookup *lk);

#endif

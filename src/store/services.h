/* services.h - find running services that cache TLS anchors; their reload. */
#ifndef TRUSTFIX_SERVICES_H
#define TRUSTFIX_SERVICES_H

#include <sys/types.h>

#define SERVICES_MAX		64	/* services listed */
#define SERVICES_TIME_LIMIT	60	/* seconds for one reload command */

/*
 * One running service, found in /proc by its process name and its
 * executable (never by asking a shell).  The argvs are NULL-terminated;
 * reload is NULL when the service needs none (it makes a new TLS
 * context for every connection), retry NULL when it has no queue.
 */
struct service {
	const char	*name;		/* "postfix", "exim", "dovecot", ... */
	pid_t		 pid;		/* its master or daemon process */
	char		*exe;		/* /proc/PID/exe */
	char		*config;	/* configuration directory or file */
	char		**reload;	/* argv that reloads it */
	char		**retry;	/* argv that retries deferred mail */
	const char	*why;		/* what keeps the old anchors */
};

struct service_list {
	struct service	*v;
	size_t		 n;
};

/*
 * The services running on this host.  only (NULL, or a NULL-terminated
 * list) keeps those whose configuration is one of the paths given.
 * Never fails: an unreadable process is skipped.
 */
void	services_find(const char *const *only, struct service_list *out);
void	services_clear(struct service_list *);

/* An argv as one line an administrator can paste; the caller frees. */
char	*services_command(char *const *argv);

#endif

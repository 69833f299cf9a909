/* sock.h - TCP connections where every operation shares one deadline. */
#ifndef TRUSTFIX_SOCK_H
#define TRUSTFIX_SOCK_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define SOCK_MAX_LINE		4096	/* one line of a plain-text dialogue */

/*
 * One connection and its deadline.  Failures are written as a sentence
 * into err (the caller's buffer); phase ends a timeout message, as in
 * "timed out after 10 s during the TLS handshake".
 */
struct conn {
	int		 fd;
	long long	 end;		/* deadline, mono_ms() */
	int		 timeout_ms;
	const char	*phase;
	char		*err;
	size_t		 errlen;
	char		 address[64];	/* numeric address that answered */
	unsigned	 port;
	char		 buf[SOCK_MAX_LINE];	/* received, not consumed */
	size_t		 len;
	int		 public_only;	/* conn_open: public addresses only */
	int		 refused;	/* addresses it would not dial */
	int		 resolved;	/* conn_open: the name resolved */
	int		 handshake_failed; /* TLS itself failed, not the peer */
};

/* Start the deadline; err/errlen receive failures. */
void	conn_init(struct conn *c, int timeout_ms, char *err, size_t errlen);
/*
 * Resolve host and connect to each address in order until one answers,
 * all before the deadline; with public_only, never to an address that
 * addrclass_special() names (counted in refused).  The lookup
 * (getaddrinfo_a(), lookup.c) keeps the deadline too.
 * Returns 0, or -1 with the error set.
 */
int	conn_open(struct conn *c, const char *host, unsigned port);
/* Milliseconds left before the deadline, 0 when it has passed. */
int	conn_left(const struct conn *c);
/* Write all of buf.  Returns 0, or -1 with the error set. */
int	conn_write(struct conn *c, const void *buf, size_t n);
/* Read what arrives (buffered bytes first): >0 bytes, 0 at EOF, -1 error. */
ssize_t	conn_read(struct conn *c, void *buf, size_t n);
/*
 * One line without its CR LF into line (size SOCK_MAX_LINE + 1).
 * Returns its length, or -1 with the error set (EOF, too long, timeout).
 */
int	conn_getline(struct conn *c, char *line);
/* Set the error: printf-like. */
void	conn_fail(struct conn *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	conn_close(struct conn *c);

/* For event loops that connect by themselves, the same words: */
/* "timed out after N s <phase>" */
void	conn_timed_out(struct conn *c);
/* Why connecting to addr port failed (errno e), as a sentence in buf. */
void	conn_connect_error(char *buf, size_t n, const char *addr,
	    unsigned port, int e);
/* Append one address's failure (why) to all, "; "-separated. */
void	conn_add_reason(char *all, size_t n, const char *why, int count);

#endif

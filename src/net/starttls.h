/* starttls.h - the SMTP, IMAP and POP3 dialogues that lead to TLS. */
#ifndef TRUSTFIX_STARTTLS_H
#define TRUSTFIX_STARTTLS_H

#include "sock.h"
#include "target.h"

#define STARTTLS_MAX_LINES	100	/* lines of a multi-line reply */

#define STARTTLS_MAX_OUT	300	/* one line we send, without CR LF */

/* What starttls_step() asks of its caller. */
enum starttls_next {
	STARTTLS_READ = 1,	/* read the next line, step again */
	STARTTLS_SEND,		/* send out with CR LF, read, step again */
	STARTTLS_DONE,		/* the server expects a ClientHello now */
	STARTTLS_FAIL		/* c's error says why; out: a goodbye or "" */
};

/*
 * One dialogue as a state machine of lines, so that a blocking caller
 * (starttls_run) and an event loop speak it alike.  Every protocol
 * starts by reading the server's greeting.
 */
struct starttls {
	enum target_proto proto;
	int		 state;
	int		 code;		/* SMTP: the reply's code */
	int		 offered;	/* STARTTLS was announced */
	int		 lines;		/* of the current reply */
	char		 first[SOCK_MAX_LINE + 1]; /* the reply's first line */
};

/* 1 if proto speaks plain text before TLS. */
int	starttls_needed(enum target_proto proto);
/* Start the dialogue of proto on c (sets c's phase). */
void	starttls_begin(struct starttls *st, struct conn *c,
	    enum target_proto proto);
/*
 * Feed the server's next line (without CR LF).  out (outlen bytes, at
 * least STARTTLS_MAX_OUT) receives the line to send.  Returns an enum
 * starttls_next.
 */
int	starttls_step(struct starttls *st, struct conn *c, const char *line,
	    char *out, size_t outlen);

/*
 * Speak proto's plain-text dialogue on c up to the point where the
 * server expects a TLS ClientHello.  Protocols with implicit TLS need
 * nothing.  Returns 0, or -1 with c's error set.
 */
int	starttls_run(struct conn *c, enum target_proto proto);

#endif

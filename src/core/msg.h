/* msg.h - messages on stderr in one voice, and escaping of untrusted text. */
#ifndef TRUSTFIX_MSG_H
#define TRUSTFIX_MSG_H

#include <stddef.h>

#include <jansson.h>

/* The command named in "trustfix: COMMAND: message"; NULL for none. */
void	msg_set_command(const char *command);

/* "trustfix: COMMAND: message" on stderr; the format has no newline. */
void	msg_error(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* "trustfix: COMMAND: warning: message". */
void	msg_warn(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* "trustfix: COMMAND: message" for progress and notes (not results). */
void	msg_note(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/*
 * Ask "question? [y/N] " on stderr and read the answer from stdin.
 * Returns 1 for yes; 0 after reporting a refusal when stdin is not a
 * terminal (hint goes before "pass --yes": "" or "check X and "), or
 * "not confirmed; nothing changed" for any other answer.
 */
int	msg_confirm(const char *hint, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Silence msg_note() (for --json and --quiet). */
void	msg_set_quiet(int quiet);

/*
 * Text from outside (subjects, banners, archive names) made safe for a
 * terminal: control and non-UTF-8 bytes become \xNN, characters that
 * reorder or hide text (bidi overrides, zero-width) \uNNNN.  Returns a string
 * the caller frees; never NULL (aborts on allocation failure).
 */
char	*msg_escape(const char *s);
char	*msg_escape_len(const char *s, size_t len);
/*
 * Text from outside as a JSON string, never dropped: valid UTF-8 as it is
 * (jansson escapes what JSON needs), other bytes as \xNN as in msg_escape().
 * json_null() for NULL.
 */
json_t	*msg_json(const char *s);

/*
 * The reason of the newest OpenSSL error, in a buffer of the calling
 * thread, and the error queue cleared; msg_oom() when one of the errors
 * is a failed allocation.  "unknown error" when the queue is empty.
 */
const char *msg_ossl_reason(void);

/*
 * Out of memory: "trustfix: out of memory" on stderr and exit 1, with
 * neither stdio nor exit handlers (they may want memory).
 */
void	msg_oom(void) __attribute__((noreturn));

/* Allocation that cannot fail (msg_oom() when it does). */
void	*xmalloc(size_t n);
void	*xcalloc(size_t n, size_t size);
void	*xrealloc(void *p, size_t n);
char	*xstrdup(const char *s);
char	*xasprintf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

#endif

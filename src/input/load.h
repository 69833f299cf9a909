/* load.h - certificates from PEM, DER, PKCS#7, PKCS#12 and archives. */
#ifndef TRUSTFIX_LOAD_H
#define TRUSTFIX_LOAD_H

#include <stddef.h>
#include "certlist.h"

/* Limits on what a file may make us read. */
#define LOAD_MAX_FILE		(16 * 1024 * 1024) /* one file or member */
#define LOAD_MAX_CERTS		1000	/* certificates in all */
#define LOAD_MAX_MEMBERS	1000	/* archive members */
#define LOAD_MAX_UNPACKED	(64 * 1024 * 1024)	/* archive, unpacked */
#define LOAD_MAX_DEPTH		2	/* archives inside archives */

struct load_opts {
	const char	*password;	/* PKCS#12 password, or NULL */
};

/*
 * Append every certificate of the file at path to list (SOURCE_FILE,
 * origin = path, or "path!member" for archive members), recognising
 * the format by content.  Returns 0, or -1 after reporting why
 * ("cannot read x.pem: ...", "x.bin: no certificate found").
 */
int	load_file(const char *path, const struct load_opts *opts,
	    struct certlist *list);

/* The same from memory; name is used in messages and as origin. */
int	load_buffer(const unsigned char *buf, size_t len, const char *name,
	    const struct load_opts *opts, struct certlist *list);

/*
 * Open path for reading if it is a regular file, without blocking on a
 * FIFO or a device on the way.  Returns a descriptor, or -1 with errno
 * set (EINVAL: not a regular file); reports nothing.
 */
int	load_open_regular(const char *path);

/*
 * Read a whole file (at most max bytes) into a NUL-terminated buffer
 * the caller frees; only a regular file, or /dev/stdin.  Returns 0, or
 * -1 after reporting.
 */
int	load_read_file(const char *path, size_t max, unsigned char **buf,
	    size_t *len);

/* Read a password file: first line, no newline.  NULL after reporting. */
char	*load_password_file(const char *path);

#endif

/* fileutil.h - atomic file writes, lock files and test-only fault points. */
#ifndef TRUSTFIX_FILEUTIL_H
#define TRUSTFIX_FILEUTIL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * Write data to path atomically: a temporary file in the same directory,
 * fchmod to mode, fsync, rename over path, fsync the directory.  On
 * failure the temporary file is removed.  Returns 0, or -1 after
 * reporting.
 */
int	fu_write_atomic(const char *path, const void *data, size_t len,
	    mode_t mode);

/* write(2) all of data, again after EINTR; 0, or -1 with errno set. */
int	fu_write_all(int fd, const void *data, size_t len);

/* Rename, then fsync the directory.  Returns 0, or -1 after reporting. */
int	fu_rename(const char *from, const char *to);

/* Unlink (a missing file is fine), then fsync the directory. */
int	fu_unlink(const char *path);

/* fsync the directory that holds path. */
int	fu_sync_parent(const char *path);

/*
 * One line of f into *buf (grown as getline(3) does, newline kept), at
 * most max bytes: its length; FU_LINE_LONG when the line is longer (the
 * rest of it is read and dropped, *buf holds its first max bytes); -1
 * at the end of f or on a read error (ferror).
 */
#define FU_LINE_LONG	(-2)
ssize_t	fu_getline(char **buf, size_t *cap, FILE *f, size_t max);

/* mkdir -p; returns 0, or -1 after reporting. */
int	fu_mkdir_p(const char *path, mode_t mode);

/*
 * Take an exclusive lock on the lock file at path (created if missing),
 * waiting at most timeout seconds.  Returns the descriptor that holds
 * the lock, or -1 after reporting.  fu_unlock(-1) does nothing.
 */
int	fu_lock(const char *path, int timeout);
void	fu_unlock(int fd);

/*
 * fault_point("after-write"): in builds configured with
 * --enable-fault-injection, end the process at once (status 99) when
 * TRUSTFIX_FAULT names this point, to test crash consistency.  Compiled
 * out otherwise.  Include config.h first.
 */
#ifdef ENABLE_FAULT_INJECTION
void	fault_point(const char *name);
#else
#define fault_point(name)	((void)0)
#endif

#endif

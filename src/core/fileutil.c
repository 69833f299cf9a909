/* fileutil.c - atomic file writes, lock files and test-only fault points. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileutil.h"
#include "monoclock.h"
#include "msg.h"

static char *
parent_of(const char *path)
{
	char *copy = xstrdup(path), *dir;

	dir = xstrdup(dirname(copy));
	free(copy);
	return dir;
}

int
fu_sync_parent(const char *path)
{
	char *dir = parent_of(path);
	int fd, rc = -1;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		msg_error("cannot open %s: %s", dir, strerror(errno));
		goto out;
	}
	if (fsync(fd) == -1 && errno != EINVAL) {
		msg_error("cannot sync %s: %s", dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	free(dir);
	return rc;
}

int
fu_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
fu_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char *dir = parent_of(path), *tmp = NULL;
	int fd = -1, rc = -1;

	tmp = xasprintf("%s/.trustfix-tmp.XXXXXX", dir);
	if ((fd = mkstemp(tmp)) == -1) {
		msg_error("cannot create a file in %s: %s", dir,
		    strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fu_write_all(fd, data, len) == -1 || fchmod(fd, mode) == -1 ||
	    fsync(fd) == -1) {
		msg_error("cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fault_point("after-write");
	if (close(fd) == -1) {
		fd = -1;
		msg_error("cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		msg_error("cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	rc = fu_sync_parent(path);
out:
	if (fd != -1)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(dir);
	return rc;
}

int
fu_rename(const char *from, const char *to)
{
	if (rename(from, to) == -1) {
		msg_error("cannot rename %s to %s: %s", from, to,
		    strerror(errno));
		return -1;
	}
	return fu_sync_parent(to);
}

ssize_t
fu_getline(char **buf, size_t *cap, FILE *f, size_t max)
{
	size_t len = 0;
	int c, long_line = 0;

	flockfile(f);
	while ((c = getc_unlocked(f)) != EOF) {
		if (len < max) {
			if (len + 2 > *cap) {
				*cap = *cap < 128 ? 128 : *cap * 2;
				*buf = xrealloc(*buf, *cap);
			}
			(*buf)[len++] = (char)c;
		} else
			long_line = 1;
		if (c == '\n')
			break;
	}
	funlockfile(f);
	if (len == 0 && !long_line)
		return -1;
	if (*cap < len + 1) {
		*cap = len + 1;
		*buf = xrealloc(*buf, *cap);
	}
	(*buf)[len] = '\0';
	return long_line ? FU_LINE_LONG : (ssize_t)len;
}

int
fu_unlink(const char *path)
{
	if (unlink(path) == -1 && errno != ENOENT) {
		msg_error("cannot remove %s: %s", path, strerror(errno));
		return -1;
	}
	return fu_sync_parent(path);
}

int
fu_mkdir_p(const char *path, mode_t mode)
{
	char *copy = xstrdup(path), *p, save;
	int rc = -1;

	for (p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		save = *p;
		*p = '\0';
		if (mkdir(copy, mode) == -1 && errno != EEXIST) {
			msg_error("cannot create %s: %s", copy,
			    strerror(errno));
			goto out;
		}
		*p = save;
		if (save == '\0')
			break;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

int
fu_lock(const char *path, int timeout)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	long long deadline = mono_ms() + timeout * 1000LL;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd == -1) {
		msg_error("cannot open the lock file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			msg_error("cannot lock %s: %s", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if (mono_left(deadline) == 0) {
			msg_error("another trustfix holds the lock %s; "
			    "gave up after %d seconds", path, timeout);
			close(fd);
			return -1;
		}
		nanosleep(&nap, NULL);
	}
	return fd;
}

void
fu_unlock(int fd)
{
	if (fd != -1)
		close(fd);
}

#ifdef ENABLE_FAULT_INJECTION
void
fault_point(const char *name)
{
	const char *want = getenv("TRUSTFIX_FAULT");

	if (want != NULL && strcmp(want, name) == 0)
		_exit(99);
}
#endif

/* bundle-write.c - write a bundle with libarchive: atomic, reproducible. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "bundle.h"
#include "fileutil.h"
#include "lazyarchive.h"
#include "msg.h"

static mode_t
current_umask(void)
{
	mode_t m = umask(022);

	umask(m);
	return m;
}

/* Why libarchive failed: the system's reason when there is one. */
static const char *
reason(struct archive *a)
{
	int e = archive_errno(a);

	if (e > 0)
		return strerror(e);
	return archive_error_string(a) ? archive_error_string(a) :
	    "unknown error";
}

static void
set_entry(struct archive_entry *e, const char *path, mode_t type,
    mode_t perm, size_t size, time_t mtime)
{
	archive_entry_clear(e);
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, mtime, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_uname(e, "root");
	archive_entry_set_gname(e, "root");
}

static int
put(struct archive *a, struct archive_entry *e, const void *data,
    size_t len)
{
	if (archive_write_header(a, e) != ARCHIVE_OK)
		return -1;
	if (len > 0 && archive_write_data(a, data, len) != (la_ssize_t)len)
		return -1;
	return archive_write_finish_entry(a) == ARCHIVE_OK ? 0 : -1;
}

/*
 * Every entry in sorted order, each device folder just before its
 * files, prefix (a temporary directory, or "") before each path;
 * label names the output in messages.
 */
static int
write_entries(struct archive *a, const struct bundle *b, const char *prefix,
    const char *label)
{
	struct archive_entry *e;
	char *path = NULL;
	const char *slash, *last = NULL;
	size_t i, lastlen = 0;
	int rc = -1;

	e = archive_entry_new();
	for (i = 0; i < b->nfiles; i++) {
		const struct bundle_file *f = &b->files[i];

		slash = strchr(f->path, '/');
		if (slash != NULL && (last == NULL ||
		    lastlen != (size_t)(slash - f->path) ||
		    strncmp(last, f->path, lastlen) != 0)) {
			last = f->path;
			lastlen = (size_t)(slash - f->path);
			free(path);
			path = xasprintf("%s%.*s/", prefix, (int)lastlen,
			    f->path);
			set_entry(e, path, AE_IFDIR, 0755, 0, b->mtime);
			if (put(a, e, NULL, 0) < 0)
				goto out;
		}
		free(path);
		path = xasprintf("%s%s", prefix, f->path);
		set_entry(e, path, AE_IFREG, 0644, f->len, b->mtime);
		if (put(a, e, f->data, f->len) < 0)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		msg_error("cannot write %s: %s (at %s)", label, reason(a),
		    path + strlen(prefix));
	free(path);
	archive_entry_free(e);
	return rc;
}

static struct archive *
new_archive(enum bundle_format f)
{
	struct archive *a = archive_write_new();

	if (f == BUNDLE_ZIP) {
		if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
		    archive_write_set_options(a,
		    "zip:compression=deflate") != ARCHIVE_OK)
			goto err;
	} else {
		if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
		    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
		    archive_write_set_options(a, "gzip:!timestamp") !=
		    ARCHIVE_OK)
			goto err;
	}
	return a;
err:
	msg_error("libarchive: %s", archive_error_string(a));
	archive_write_free(a);
	return NULL;
}

/* The archive in memory, as libarchive writes it. */
struct membuf {
	unsigned char	*p;
	size_t		 len, cap;
	int		 too_big;	/* over BUNDLE_MAX_ARCHIVE */
};

static la_ssize_t
membuf_write(struct archive *a, void *arg, const void *data, size_t n)
{
	struct membuf *m = arg;

	(void)a;
	if (n > BUNDLE_MAX_ARCHIVE - m->len) {
		m->too_big = 1;
		return -1;
	}
	if (m->len + n > m->cap) {
		while (m->len + n > m->cap)
			m->cap = m->cap ? m->cap * 2 : 64 * 1024;
		m->p = xrealloc(m->p, m->cap);
	}
	memcpy(m->p + m->len, data, n);
	m->len += n;
	return (la_ssize_t)n;
}

/*
 * Write the archive to fd.  libarchive writes it into memory first: when
 * its own write fails (a full disk) it marks the archive fatal and never
 * ends its compressor, whose memory then leaks (libarchive 3.6).
 * Returns 0, or -1 after reporting.
 */
static int
write_archive(const struct bundle *b, enum bundle_format f, int fd,
    const char *out)
{
	struct membuf m = { NULL, 0, 0, 0 };
	struct archive *a;
	int rc = -1;

	if ((a = new_archive(f)) == NULL)
		return -1;
	if (archive_write_open2(a, &m, NULL, membuf_write, NULL, NULL) !=
	    ARCHIVE_OK) {
		msg_error("cannot write %s: %s", out, reason(a));
		goto out;
	}
	if (write_entries(a, b, "", out) < 0)
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		msg_error("cannot write %s: %s", out, m.too_big ? "larger "
		    "than the largest bundle trustfix writes" : reason(a));
		goto out;
	}
	if (fu_write_all(fd, m.p, m.len) == -1) {
		msg_error("cannot write %s: %s", out, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	archive_write_free(a);
	free(m.p);
	return rc;
}

static void
sync_dir(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Move tmp to out without replacing anything: 0, or -1 with errno. */
static int
rename_noreplace(const char *tmp, const char *out, int isdir)
{
	struct stat st;

	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* The file system cannot.  For a file, link() refuses an existing
	 * name too; a directory can only be checked first. */
	if (isdir) {
		if (lstat(out, &st) == 0) {
			errno = EEXIST;
			return -1;
		}
		return rename(tmp, out);
	}
	if (link(tmp, out) < 0)
		return -1;
	unlink(tmp);
	return 0;
}

/* "DIR/.BASE.tmp-XXXXXX" next to out, and DIR. */
static char *
temp_name(const char *out, const char *what, char **dir)
{
	char *d = xstrdup(out), *bcopy = xstrdup(out), *t;

	*dir = xstrdup(dirname(d));
	t = xasprintf("%s/.%s.%s-XXXXXX", *dir, basename(bcopy), what);
	free(d);
	free(bcopy);
	return t;
}

static int
write_file(const struct bundle *b, enum bundle_format f, const char *out,
    int force)
{
	char *tmp, *dir = NULL, *o = msg_escape(out);
	int fd, rc = -1;

	tmp = temp_name(out, "tmp", &dir);
	if ((fd = mkstemp(tmp)) < 0) {
		msg_error("cannot create a file next to %s: %s", o,
		    strerror(errno));
		goto out;
	}
	if (write_archive(b, f, fd, o) < 0)
		goto fail;
	if (fchmod(fd, 0666 & ~current_umask()) < 0 || fsync(fd) < 0) {
		msg_error("cannot write %s: %s", o, strerror(errno));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		msg_error("cannot write %s: %s", o, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (force ? rename(tmp, out) : rename_noreplace(tmp, out, 0)) {
		if (errno == EEXIST) {
			msg_error("%s exists; --force replaces it", o);
			rc = 1;
		} else {
			msg_error("cannot create %s: %s", o, strerror(errno));
		}
		goto fail;
	}
	sync_dir(dir);
	rc = 0;
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	free(dir);
	free(o);
	return rc;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

static void
remove_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Unpack the bundle into the directory tmp with libarchive. */
static int
fill_dir(const struct bundle *b, const char *tmp, const char *label)
{
	struct archive *a;
	char *prefix;
	int rc = -1;

	a = archive_write_disk_new();
	archive_write_disk_set_options(a, ARCHIVE_EXTRACT_TIME |
	    ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	    ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_NO_OVERWRITE);
	prefix = xasprintf("%s/", tmp);
	if (write_entries(a, b, prefix, label) == 0) {
		if (archive_write_close(a) == ARCHIVE_OK)
			rc = 0;
		else
			msg_error("cannot write %s: %s", label, reason(a));
	}
	archive_write_free(a);
	free(prefix);
	return rc;
}

static int
is_empty_dir(const char *path)
{
	struct dirent **names = NULL;
	int n, i;

	if ((n = scandir(path, &names, NULL, NULL)) < 0)
		return 0;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return n <= 2;	/* "." and ".." */
}

/*
 * --force deletes the old directory: only one that a bundle wrote, so
 * that "-o ~" or "-o ." cannot remove someone's files.
 */
static int
is_bundle_dir(const char *dir)
{
	static const char sig[] = "Device bundle written by " PACKAGE_NAME;
	char buf[sizeof(sig)], *path;
	ssize_t n = -1;
	int fd;

	path = xasprintf("%s/MANIFEST", dir);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW)) >= 0) {
		n = read(fd, buf, sizeof(sig) - 1);
		close(fd);
	}
	free(path);
	return n == (ssize_t)sizeof(sig) - 1 &&
	    memcmp(buf, sig, sizeof(sig) - 1) == 0;
}

/* Replace the directory out with tmp: old out away, tmp in, old gone. */
static int
swap_dir(const char *tmp, const char *out, const char *o)
{
	char *old, *dir = NULL;
	int rc = -1;

	old = temp_name(out, "old", &dir);
	if (mkdtemp(old) == NULL || rename(out, old) < 0) {
		msg_error("cannot replace %s: %s", o, strerror(errno));
		rmdir(old);
		goto out;
	}
	if (rename(tmp, out) < 0) {
		msg_error("cannot replace %s: %s", o, strerror(errno));
		rename(old, out);
		goto out;
	}
	remove_tree(old);
	sync_dir(dir);
	rc = 0;
out:
	free(old);
	free(dir);
	return rc;
}

static int
write_dir(const struct bundle *b, const char *out, int force)
{
	char *tmp, *dir = NULL, *o = msg_escape(out);
	struct stat st;
	int rc = -1, made = 0;

	tmp = temp_name(out, "tmp", &dir);
	if (mkdtemp(tmp) == NULL) {
		msg_error("cannot create a directory next to %s: %s", o,
		    strerror(errno));
		goto out;
	}
	made = 1;
	if (chmod(tmp, 0777 & ~current_umask()) < 0 || fill_dir(b, tmp, o) < 0)
		goto out;
	if (rename_noreplace(tmp, out, 1) == 0) {
		sync_dir(dir);
		rc = 0;
		goto out;
	}
	if (errno != EEXIST && errno != ENOTEMPTY) {
		msg_error("cannot create %s: %s", o, strerror(errno));
		goto out;
	}
	if (lstat(out, &st) < 0 || !S_ISDIR(st.st_mode)) {
		msg_error("%s exists and is not a directory", o);
		goto out;
	}
	if (is_empty_dir(out) && rename(tmp, out) == 0) {
		sync_dir(dir);
		rc = 0;
		goto out;
	}
	if (!force) {
		msg_error("%s exists; --force replaces it", o);
		rc = 1;
		goto out;
	}
	if (!is_bundle_dir(out)) {
		msg_error("%s is not a bundle (no MANIFEST of %s): not "
		    "replaced, even with --force", o, PACKAGE_NAME);
		rc = 1;
		goto out;
	}
	rc = swap_dir(tmp, out, o);
out:
	if (rc != 0 && made)
		remove_tree(tmp);
	free(tmp);
	free(dir);
	free(o);
	return rc;
}

int
bundle_write(const struct bundle *b, const char *out, int force)
{
	enum bundle_format f = bundle_format_of(out);
	char *path;
	size_t len;
	int rc;

	sigset_t block, old;

	if (lazyarchive_load() < 0) {
		msg_error("cannot load libarchive: %s", lazyarchive_error());
		return -1;
	}
	path = xstrdup(out);
	len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	/* An interrupt waits until the bundle is complete or cleaned up. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (f == BUNDLE_DIR)
		rc = write_dir(b, path, force);
	else
		rc = write_file(b, f, path, force);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(path);
	return rc;
}

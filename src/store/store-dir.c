/* store-dir.c - the directory backend: DIR as a p11-kit trust token. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileutil.h"
#include "msg.h"
#include "store-int.h"

static int
dir_import(struct store *st, X509 *x, const char *label, unsigned purposes,
    int dry_run)
{
	return store_p11_import(st, x, label, purposes, dry_run, NULL);
}

static int
dir_remove(struct store *st, const struct store_anchor *a, int force,
    int dry_run)
{
	return store_p11_remove(st, a, force, dry_run, NULL);
}

/* 1 if one of the files in dir holds x, read with OpenSSL alone. */
static int
files_hold(const char *dir, X509 *x)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	struct dirent *e;
	DIR *d;
	char *path;
	int found = 0, i;

	if ((d = opendir(dir)) == NULL)
		goto out;
	while ((e = readdir(d)) != NULL && !found) {
		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		store_read_pems(path, sk);
		free(path);
		for (i = 0; i < sk_X509_num(sk) && !found; i++)
			found = X509_cmp(sk_X509_value(sk, i), x) == 0;
		sk_X509_pop_free(sk, X509_free);
		sk = sk_X509_new_null();
	}
	closedir(d);
out:
	sk_X509_pop_free(sk, X509_free);
	return found;
}

static int
dir_verify(struct store *st, X509 *x, int present, char **advice)
{
	int p11 = store_p11_sees(st, x);
	int files = files_hold(st->location, x);

	if (p11 == present && files == present)
		return 0;
	if (p11 != present)
		*advice = xasprintf("p11-kit's trust module, reading %s "
		    "afresh, %s it: check the .p11-kit files there and "
		    "their permissions, then run the command again",
		    st->location, present ? "does not see" : "still sees");
	else
		*advice = xasprintf("the files in %s %s it: check them for "
		    "copies written by other tools", st->location,
		    present ? "do not hold" : "still hold");
	return -1;
}

const struct store_ops store_dir_ops = {
	"directory", STORE_DIRECTORY, 1,
	store_p11_list, dir_import, dir_remove, dir_verify
};

/*
 * A name that p11-kit's paths='...' option would read otherwise than we
 * do: a quote or a backslash ends or escapes the quoting, ':' separates
 * paths, and control characters are no one's directory.
 */
static int
name_ok(const char *dir)
{
	const unsigned char *p;

	for (p = (const unsigned char *)dir; *p != '\0'; p++)
		if (*p == '\'' || *p == '\\' || *p == ':' || *p < 0x20 ||
		    *p == 0x7f)
			return 0;
	return 1;
}

/*
 * p11-kit's trust module opens every file of its directory and would wait
 * forever on a FIFO planted there: refuse anything but files and
 * directories first.
 */
static int
only_files(const char *dir)
{
	struct dirent *e;
	struct stat sb;
	DIR *d;
	char *path, *shown;
	int rc = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		path = xasprintf("%s/%s", dir, e->d_name);
		if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) &&
		    !S_ISDIR(sb.st_mode)) {
			shown = msg_escape(path);
			msg_error("the store holds %s, which is not a file "
			    "(%s): p11-kit's trust module would wait on it; "
			    "remove it", shown, S_ISFIFO(sb.st_mode) ?
			    "a FIFO" : "a socket or device");
			free(shown);
			rc = -1;
		}
		free(path);
	}
	closedir(d);
	return rc;
}

int
store_dir_open(struct store *st, const char *dir)
{
	char real[PATH_MAX], *shown;

	st->ops = &store_dir_ops;
	if (!name_ok(dir)) {
		shown = msg_escape(dir);
		msg_error("--store %s: a directory name may not contain ', "
		    "\\, : or control characters", shown);
		free(shown);
		return -1;
	}
	/* Only a change makes the store: a typo must not make one. */
	if ((st->flags & STORE_WRITE) && fu_mkdir_p(dir, 0755) == -1)
		return -1;
	if (realpath(dir, real) == NULL) {
		shown = msg_escape(dir);
		msg_error("cannot open the store %s: %s", shown,
		    strerror(errno));
		free(shown);
		return -1;
	}
	if (!name_ok(real)) {
		shown = msg_escape(real);
		msg_error("--store: the directory's real name %s may not "
		    "contain ', \\, : or control characters", shown);
		free(shown);
		return -1;
	}
	st->location = xstrdup(real);
	if ((st->flags & STORE_WRITE) &&
	    store_take_lock(st, st->location) == -1)
		return -1;
	if (only_files(st->location) == -1)
		return -1;
	if (p11v_open_dir(st->location, &st->p11) == -1)
		return -1;
	if ((st->flags & STORE_WRITE) && p11v_writable_path(st->p11) == NULL) {
		msg_error("cannot write the store %s: permission denied",
		    st->location);
		return -1;
	}
	if (st->flags & STORE_WRITE)
		return store_p11_purpose_roll_forward(st);
	return 0;
}

/* store-dir.c - the directory backend: DIR as a p11-kit trust token. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

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

int
store_dir_open(struct store *st, const char *dir)
{
	char real[PATH_MAX];

	st->ops = &store_dir_ops;
	if (fu_mkdir_p(dir, 0755) == -1)
		return -1;
	if (realpath(dir, real) == NULL) {
		msg_error("cannot open the store %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	st->location = xstrdup(real);
	if ((st->flags & STORE_WRITE) &&
	    store_take_lock(st, st->location) == -1)
		return -1;
	if (p11v_open_dir(st->location, &st->p11) == -1)
		return -1;
	if ((st->flags & STORE_WRITE) && p11v_writable_path(st->p11) == NULL) {
		msg_error("cannot write the store %s: permission denied",
		    st->location);
		return -1;
	}
	return 0;
}

/* anchors.c - the trust anchors of a diagnosis: files, dirs, the default. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>

#include "anchors.h"
#include "certblob.h"
#include "load.h"
#include "msg.h"

static int
add_list(X509_STORE *st, struct certlist *l)
{
	size_t i;
	int n = 0;

	for (i = 0; i < l->n; i++)
		if (X509_STORE_add_cert(st, l->v[i].x509))
			n++;
	ERR_clear_error();
	return n;
}

/* A file of a directory: quietly skip what holds no certificate. */
static int
add_quiet(X509_STORE *st, const char *path)
{
	STACK_OF(X509) *sk = NULL;
	unsigned char *buf = NULL;
	struct stat sb;
	size_t len;
	FILE *f;
	int i, n = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	if (fstat(fileno(f), &sb) != 0 || sb.st_size <= 0 ||
	    sb.st_size > LOAD_MAX_FILE) {
		fclose(f);
		return 0;
	}
	buf = xmalloc((size_t)sb.st_size);
	len = fread(buf, 1, (size_t)sb.st_size, f);
	fclose(f);
	if (len > 0 && certblob_parse(buf, len, &sk) == 0) {
		for (i = 0; i < sk_X509_num(sk); i++)
			if (X509_STORE_add_cert(st, sk_X509_value(sk, i)))
				n++;
		sk_X509_pop_free(sk, X509_free);
	}
	free(buf);
	ERR_clear_error();
	return n;
}

int
anchors_add_path(X509_STORE *st, const char *path)
{
	struct certlist *l;
	struct dirent *de;
	struct stat sb;
	DIR *d;
	char *p, *e;
	int n = 0;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if ((d = opendir(path)) == NULL) {
			e = msg_escape(path);
			msg_error("cannot read %s: %s", e, strerror(errno));
			free(e);
			return -1;
		}
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			p = xasprintf("%s/%s", path, de->d_name);
			if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
				n += add_quiet(st, p);
			free(p);
		}
		closedir(d);
		return n;
	}
	l = certlist_new();
	if (load_file(path, NULL, l) != 0)
		n = -1;
	else
		n = add_list(st, l);
	certlist_free(l);
	return n;
}

/* Adds file or directory path to store; 1 if something could be read. */
static int
load_default(X509_STORE *store, const char *path)
{
	struct stat st;
	int ok;

	if (path == NULL || stat(path, &st) != 0)
		return 0;
	if (S_ISDIR(st.st_mode))
		ok = X509_STORE_load_path(store, path);
	else
		ok = X509_STORE_load_file(store, path);
	ERR_clear_error();
	return ok == 1;
}

/*
 * 1 if dir is an OpenSSL hashed directory: it holds a HHHHHHHH.N link,
 * so that a lookup by subject opens only the files of that hash.
 */
static int
hashed_dir(const char *dir)
{
	struct dirent *de;
	DIR *d;
	size_t n;
	int found = 0;

	if (dir == NULL || (d = opendir(dir)) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		n = strspn(de->d_name, "0123456789abcdef");
		found = n == 8 && de->d_name[8] == '.' &&
		    de->d_name[9] >= '0' && de->d_name[9] <= '9';
	}
	closedir(d);
	return found;
}

/*
 * TRUSTFIX_DEFAULT_ANCHORS=FILE|DIR stands in for the distribution's
 * anchors, so that tests can name a "public" root without touching the
 * machine's store.  SSL_CERT_FILE/SSL_CERT_DIR are deliberately ignored:
 * they say what one client trusts, not what the distribution ships.
 */
static int distribution_whole;	/* the bundle file was read too */

/*
 * Where the distribution keeps a hashed directory (Debian's
 * /etc/ssl/certs), only that is opened, and only the files of the
 * subject asked for: parsing the whole bundle (some 150 certificates) to
 * learn whether one root is among them costs more than the diagnosis.
 */
X509_STORE *
anchors_distribution(const char **where)
{
	static X509_STORE *store;
	static char *store_where;
	static int tried;
	const char *over = getenv("TRUSTFIX_DEFAULT_ANCHORS");
	const char *dir = X509_get_default_cert_dir();
	int n = 0;

	if (!tried) {
		tried = 1;
		if ((store = X509_STORE_new()) == NULL)
			msg_oom();
		if (over != NULL && *over != '\0') {
			n = load_default(store, over);
			store_where = xstrdup(over);
			distribution_whole = 1;
		} else if (hashed_dir(dir)) {
			n = load_default(store, dir);
			store_where = xstrdup(dir);
		} else {
			n += load_default(store, X509_get_default_cert_file());
			n += load_default(store, dir);
			store_where = xstrdup(X509_get_default_cert_file());
			distribution_whole = 1;
		}
		if (n == 0) {
			X509_STORE_free(store);
			store = NULL;
		}
	}
	if (where != NULL)
		*where = store_where;
	return store;
}

static int
env_set(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0';
}

X509_STORE *
anchors_default(void)
{
	X509_STORE *st;

	/* Nothing overrides the defaults: share the distribution's store,
	 * which the deployment classification loads anyway, rather than
	 * parse the system bundle twice; when that store is the hashed
	 * directory alone, verify as OpenSSL clients do, with both. */
	if (!env_set("SSL_CERT_FILE") && !env_set("SSL_CERT_DIR") &&
	    !env_set("TRUSTFIX_DEFAULT_ANCHORS") &&
	    (st = anchors_distribution(NULL)) != NULL &&
	    distribution_whole && X509_STORE_up_ref(st))
		return st;
	if ((st = X509_STORE_new()) == NULL)
		return NULL;
	if (!X509_STORE_set_default_paths(st))
		msg_warn("cannot read the default trust anchors: %s",
		    msg_ossl_reason());
	ERR_clear_error();
	return st;
}

/* anchors.c - the trust anchors of a diagnosis: files, dirs, the default. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>

#include "anchors.h"
#include "chain.h"
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
	if (len > 0 && chain_parse_certs(buf, len, &sk) == 0) {
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

X509_STORE *
anchors_default(void)
{
	X509_STORE *st = X509_STORE_new();

	if (st == NULL)
		return NULL;
	if (!X509_STORE_set_default_paths(st))
		msg_warn("cannot read the default trust anchors: %s",
		    msg_ossl_reason());
	ERR_clear_error();
	return st;
}

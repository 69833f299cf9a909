/* unit-store.c - the trust store's parsers and names, from tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"
#include "msg.h"
#include "store-int.h"
#include "tap.h"

static const struct {
	const char	*in;
	int		 len;		/* -1: rejected */
	const char	*out;
} fps[] = {
	{ "501b27b9", 8, "501b27b9" },
	{ "50:1B:27:B9", 8, "501b27b9" },
	{ "50 1b 27 b9 c4", 10, "501b27b9c4" },
#define FP64 "501b27b9c444212943dc8571b0a647e59d609bec1a6ba9c214b5ef4e0feeffee"
	{ FP64, 64, FP64 },
	{ "501B27B9C444212943DC8571B0A647E59D609BEC1A6BA9C214B5EF4E0FEEFFEE",
	    64, FP64 },
	{ "501b27b9c444212943dc8571b0a647e59d609bec1a6ba9c214b5ef4e0feeffee00",
	    -1, NULL },
	{ "xyz", -1, NULL },
	{ "", -1, NULL },
	{ ":::", -1, NULL },
};

static const struct {
	const char	*label;
	const char	*safe;
} names[] = {
	{ "Contoso Root CA", "Contoso_Root_CA" },
	{ "../../etc/passwd", "anchor" },
	{ "CA ../x", "CA_.._x" },
	{ "a/b\\c", "a_b_c" },
	{ "Zürich CA (2024), Inc.", "Z_rich_CA_2024_Inc" },
	{ "...", "anchor" },
	{ "-rf", "anchor" },
	{ "\x1b[31mred", "31mred" },
	{ "", "anchor" },
};

static const struct {
	const char	*in;
	int		 bits;
} purposes[] = {
	{ "server-auth", PURPOSE_SERVER_AUTH },
	{ "server-auth,email", PURPOSE_SERVER_AUTH | PURPOSE_EMAIL },
	{ "client-auth,code-signing", PURPOSE_CLIENT_AUTH |
	    PURPOSE_CODE_SIGNING },
	{ "web", -1 },
	{ "server-auth,", PURPOSE_SERVER_AUTH },
	{ "", -1 },
	{ "Server-Auth", -1 },
};

static const struct {
	const char	*o;		/* organizationName, or NULL */
	const char	*cn;		/* commonName, or NULL */
	const char	*label;
} labels[] = {
	{ "Contoso", "Contoso Root CA", "Contoso Root CA" },
	{ NULL, "Z\xc3\xbcrich CA", "Z\xc3\xbcrich CA" },
	{ NULL, "red\x1b[31m", "red\\x1b[31m" },
	{ "Contoso", NULL, "/O=Contoso" },
	{ "Con\ttoso", NULL, "/O=Con\\x09toso" },
};

static void
test_labels(void)
{
	X509 *x;
	X509_NAME *n;
	char *s;
	size_t i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		x = X509_new();
		n = X509_get_subject_name(x);
		if (labels[i].o != NULL)
			X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
			    (const unsigned char *)labels[i].o, -1, -1, 0);
		if (labels[i].cn != NULL)
			X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
			    (const unsigned char *)labels[i].cn, -1, -1, 0);
		s = store_default_label(x);
		is_str(s, labels[i].label, "default label %s", labels[i].label);
		free(s);
		X509_free(x);
	}
}

static void
test_atomic(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir, *path, *lock, buf[16];
	FILE *f;
	int fd, fd2;

	dir = xasprintf("%s/unit-store.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		free(dir);
		return;
	}
	path = xasprintf("%s/sub/dir/file", dir);
	lock = xasprintf("%s/lock", dir);
	ok(fu_mkdir_p(path, 0755) == 0, "fu_mkdir_p makes every level");
	rmdir(path);
	ok(fu_write_atomic(path, "hello", 5, 0600) == 0, "fu_write_atomic");
	f = fopen(path, "r");
	is_str(f && fgets(buf, sizeof(buf), f) ? buf : NULL, "hello",
	    "the file holds the data");
	if (f != NULL)
		fclose(f);
	ok(access(path, W_OK) == 0 || getuid() != 0, "mode applied");
	ok(fu_write_atomic(path, "bye", 3, 0644) == 0, "and replaces it");
	fd = fu_lock(lock, 1);
	ok(fd >= 0, "fu_lock takes the lock");
	fd2 = fu_lock(lock, 1);
	ok(fd2 == -1, "a second lock on the file waits, then gives up");
	fu_unlock(fd);
	fd2 = fu_lock(lock, 1);
	ok(fd2 >= 0, "and gets it once the first is released");
	fu_unlock(fd2);
	unlink(lock);
	unlink(path);
	free(path);
	path = xasprintf("%s/sub/dir", dir);
	rmdir(path);
	free(path);
	path = xasprintf("%s/sub", dir);
	rmdir(path);
	rmdir(dir);
	free(path);
	free(lock);
	free(dir);
}

int
main(void)
{
	char out[65], *s;
	const char **v;
	size_t i;
	int n;

	for (i = 0; i < sizeof(fps) / sizeof(fps[0]); i++) {
		n = store_parse_fingerprint(fps[i].in, out);
		is_int(n, fps[i].len, "fingerprint '%s': %d digits",
		    fps[i].in, fps[i].len);
		if (n > 0)
			is_str(out, fps[i].out, "fingerprint '%s' -> %s",
			    fps[i].in, fps[i].out);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		s = store_safe_name(names[i].label);
		is_str(s, names[i].safe, "file name for '%s'", names[i].safe);
		free(s);
	}
	for (i = 0; i < sizeof(purposes) / sizeof(purposes[0]); i++)
		is_int(store_purposes_parse(purposes[i].in), purposes[i].bits,
		    "purposes '%s'", purposes[i].in);
	v = store_purpose_names(0);
	is_str(v[0], "any", "no restriction is 'any'");
	ok(v[1] == NULL, "and only that");
	free(v);
	v = store_purpose_names(PURPOSE_SERVER_AUTH | PURPOSE_EMAIL);
	is_str(v[0], "server-auth", "names in order: server-auth");
	is_str(v[1], "email", "then email");
	free(v);
	test_labels();
	test_atomic();
	return tap_done();
}

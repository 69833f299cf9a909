/* hoststore-dotnet.c - the .NET user root store: one PFX per anchor. */
#include "config.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>

#include "facts.h"
#include "fileutil.h"
#include "hoststore.h"
#include "load.h"
#include "msg.h"

#define DOTNET_MAX_FILES	1000

/* The certificate of one PFX file and its friendlyName; NULL if none. */
static X509 *
read_pfx(const char *path, char **alias)
{
	unsigned char *buf = NULL;
	const unsigned char *p;
	const unsigned char *a;
	size_t len;
	PKCS12 *p12 = NULL;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	STACK_OF(X509) *ca = NULL;
	int alen;

	*alias = NULL;
	if (load_read_file(path, 1024 * 1024, &buf, &len) == -1)
		goto out;
	p = buf;
	if ((p12 = d2i_PKCS12(NULL, &p, (long)len)) == NULL ||
	    !PKCS12_parse(p12, NULL, &key, &x, &ca)) {
		x = NULL;
		goto out;
	}
	if (x == NULL && sk_X509_num(ca) > 0)
		x = sk_X509_shift(ca);
	if (x != NULL && (a = X509_alias_get0(x, &alen)) != NULL)
		*alias = msg_escape_len((const char *)a, (size_t)alen);
out:
	ERR_clear_error();
	sk_X509_pop_free(ca, X509_free);
	EVP_PKEY_free(key);
	PKCS12_free(p12);
	free(buf);
	return x;
}

/*
 * Call each(path, x, alias, ctx) for every *.pfx of the store, at most
 * DOTNET_MAX_FILES; returns how many hold a certificate.
 */
static long
each_pfx(const struct hoststore *hs, void (*each)(const char *, X509 *,
    const char *, void *), void *ctx)
{
	char *pat = xasprintf("%s/*.pfx", hs->location), *alias;
	glob_t g;
	size_t i;
	long n = 0;
	X509 *x;

	memset(&g, 0, sizeof(g));
	if (glob(pat, 0, NULL, &g) == 0)
		for (i = 0; i < g.gl_pathc && i < DOTNET_MAX_FILES; i++) {
			if ((x = read_pfx(g.gl_pathv[i], &alias)) == NULL)
				continue;
			n++;
			if (each != NULL)
				each(g.gl_pathv[i], x, alias, ctx);
			X509_free(x);
			free(alias);
		}
	globfree(&g);
	free(pat);
	return n;
}

long
hs_dotnet_count(struct hoststore *hs)
{
	return each_pfx(hs, NULL, NULL);
}

struct match {
	const char	*sha256;	/* or a prefix of one */
	char		*path;		/* the first match */
	char		*alias;
	X509		*x509;
};

static void
match(const char *path, X509 *x, const char *alias, void *ctx)
{
	struct match *m = ctx;
	char fp[65];

	facts_sha256(x, fp);
	if (m->path == NULL &&
	    strncmp(fp, m->sha256, strlen(m->sha256)) == 0) {
		m->path = xstrdup(path);
		m->alias = alias != NULL ? xstrdup(alias) : NULL;
		X509_up_ref(x);
		m->x509 = x;
	}
}

int
hs_dotnet_trusts(const struct hoststore *hs, const char *sha256,
    char **why)
{
	struct match m = { sha256, NULL, NULL, NULL };
	int rc;

	(void)why;
	each_pfx(hs, match, &m);
	rc = m.path != NULL;
	free(m.path);
	free(m.alias);
	X509_free(m.x509);
	return rc;
}

X509 *
hs_dotnet_get1(const struct hoststore *hs, const char *hex)
{
	struct match m = { hex, NULL, NULL, NULL };

	each_pfx(hs, match, &m);
	free(m.path);
	free(m.alias);
	return m.x509;
}

/* The PFX .NET's X509Store writes: the certificate only, no password. */
static int
write_pfx(const char *path, X509 *x, const char *label)
{
	char *name = xasprintf("trustfix:%s", label);
	unsigned char *der = NULL;
	PKCS12 *p12;
	int len, rc = -1;

	p12 = PKCS12_create(NULL, name, NULL, x, NULL, 0, -1, 0, -1, 0);
	if (p12 == NULL || (len = i2d_PKCS12(p12, &der)) <= 0) {
		msg_error("cannot make a PKCS#12 file of the certificate: %s",
		    msg_ossl_reason());
		goto out;
	}
	rc = fu_write_atomic(path, der, (size_t)len, 0600);
out:
	OPENSSL_free(der);
	PKCS12_free(p12);
	free(name);
	return rc;
}

/* Files in a user's home belong to that user, also when root writes. */
static void
give_to_home_owner(const char *path, const char *home)
{
	struct stat st;

	if (geteuid() == 0 && stat(home, &st) == 0 && st.st_uid != 0 &&
	    chown(path, st.st_uid, st.st_gid) == -1)
		msg_warn("cannot chown %s: %s", path, strerror(errno));
}

int
hs_dotnet_change(struct hoststore *hs, X509 *x, const char *label,
    int add, int force)
{
	unsigned char sha1[20];
	char sha[65], thumb[41], *path = NULL, *lockp = NULL, *home = NULL;
	struct match m = { sha, NULL, NULL, NULL };
	unsigned i;
	int lock = -1, rc = -1;

	facts_sha256(x, sha);
	X509_digest(x, EVP_sha1(), sha1, NULL);
	for (i = 0; i < 20; i++)
		snprintf(thumb + 2 * i, 3, "%02X", sha1[i]);
	/* .../HOME/.dotnet/corefx/cryptography/x509stores/root */
	home = xasprintf("%s/../../../../..", hs->location);
	if (add && fu_mkdir_p(hs->location, 0700) == -1)
		goto out;
	lockp = xasprintf("%s/.trustfix-lock", hs->location);
	if (access(hs->location, F_OK) != 0) {
		rc = 0;
		goto out;
	}
	if ((lock = fu_lock(lockp, 60)) == -1)
		goto out;
	each_pfx(hs, match, &m);
	if ((m.path != NULL) == add) {
		rc = 0;
		goto out;
	}
	if (add) {
		path = xasprintf("%s/%s.pfx", hs->location, thumb);
		if (write_pfx(path, x, label) == -1)
			goto out;
		give_to_home_owner(path, home);
		for (i = 0; i < 5; i++) {	/* root, ..., .dotnet */
			free(path);
			path = xasprintf("%s%.*s", hs->location, 3 * (int)i,
			    "/../../../..");
			give_to_home_owner(path, home);
		}
	} else {
		if ((m.alias == NULL || strncmp(m.alias, "trustfix:", 9)) &&
		    !force) {
			msg_error("refused: %s was not written by trustfix; "
			    "use --force", m.path);
			rc = HOSTSTORE_REFUSED;
			goto out;
		}
		if (fu_unlink(m.path) == -1)
			goto out;
	}
	rc = 1;
out:
	fu_unlock(lock);
	free(m.path);
	free(m.alias);
	X509_free(m.x509);
	free(path);
	free(lockp);
	free(home);
	return rc;
}

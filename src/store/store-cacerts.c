/* store-cacerts.c - the ca-certificates backend: anchor files + refresh. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/pem.h>

#include "facts.h"
#include "fileutil.h"
#include "load.h"
#include "msg.h"
#include "spawn.h"
#include "store-int.h"

#define LOCAL_DEBIAN	"/usr/local/share/ca-certificates"
#define LOCAL_SUSE	"/etc/pki/trust/anchors"
#define ETC_CERTS	"/etc/ssl/certs"
#define HOOKS_DIR	"/etc/ca-certificates/update.d"
#define DIST_CERTS	"/usr/share/ca-certificates"
#define CERTS_CONF	"/etc/ca-certificates.conf"
#define PENDING		".removing"
#define BUNDLE_NEW	ETC_CERTS "/ca-certificates.crt.new"
/* In the local anchor directory while a refresh of ours runs. */
#define JOURNAL		".trustfix-refresh"

/*
 * The first line of every file trustfix writes, with the certificate's
 * SHA-256: ownership is in the file as well as in its name, so a file
 * placed by hand under a trustfix- name is not taken for trustfix's.
 * PEM readers (OpenSSL, GnuTLS, p11-kit, Java) skip text before BEGIN.
 */
#define OWNER_MARK	"# Imported by trustfix; SHA-256 "

/* A certificate file in the local anchor directory. */
struct local_file {
	char		*name;		/* "trustfix-x.crt" */
	char		 sha256[65];
	int		 pending;	/* ".trustfix-x.crt.removing" */
	int		 marked;	/* begins with OWNER_MARK sha256 */
};

struct local_files {
	struct local_file *v;
	size_t		 n;
};

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void
locals_clear(struct local_files *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
sha_of_file(const char *path, char sha[65])
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	int rc = -1;

	if (store_read_pems(path, sk) == 0) {
		facts_sha256(sk_X509_value(sk, 0), sha);
		rc = 0;
	}
	sk_X509_pop_free(sk, X509_free);
	return rc;
}

/* Does the file at path begin with the owner mark for sha? */
static int
has_owner_mark(const char *path, const char *sha)
{
	char want[sizeof(OWNER_MARK) + 65], got[sizeof(want)];
	ssize_t n = 0;
	int fd;

	(void)snprintf(want, sizeof(want), "%s%s\n", OWNER_MARK, sha);
	if ((fd = load_open_regular(path)) == -1)
		return 0;
	n = read(fd, got, strlen(want));
	close(fd);
	return n == (ssize_t)strlen(want) && memcmp(got, want, (size_t)n) == 0;
}

/* The *.crt files of dir, and trustfix's pending removals. */
static void
scan_local(const char *dir, struct local_files *l)
{
	struct local_file *f;
	struct dirent *e;
	DIR *d;
	char *path;
	int pending;

	memset(l, 0, sizeof(*l));
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		pending = e->d_name[0] == '.' &&
		    ends_with(e->d_name, ".crt" PENDING);
		if (!pending && (e->d_name[0] == '.' ||
		    !ends_with(e->d_name, ".crt")))
			continue;
		l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
		f = &l->v[l->n];
		path = xasprintf("%s/%s", dir, e->d_name);
		if (sha_of_file(path, f->sha256) == 0) {
			f->name = xstrdup(e->d_name);
			f->pending = pending;
			f->marked = has_owner_mark(path, f->sha256);
			l->n++;
		}
		free(path);
	}
	closedir(d);
}

static const struct local_file *
local_find(const struct local_files *l, const char *sha, int pending)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].sha256, sha) == 0 &&
		    l->v[i].pending == pending)
			return &l->v[i];
	return NULL;
}

/* Written by trustfix: its name and its first line say so. */
static int
is_ours(const struct local_file *f)
{
	const char *name = f->pending ? f->name + 1 : f->name;

	return f->marked && strncmp(name, STORE_FILE_PREFIX,
	    strlen(STORE_FILE_PREFIX)) == 0;
}

/*
 * update-ca-certificates rehashes only when it adds or removes a link:
 * after a crash between its "ln" and its "openssl rehash" it never would.
 */
static void
rehash(void)
{
	const char *argv[] = { "openssl", "rehash", ETC_CERTS, NULL };
	struct spawn_result res;
	char *said;

	if (store_run_tool(argv, &res) == -1)
		return;
	if (!spawn_ok(&res)) {
		said = spawn_message(&res);
		msg_warn("openssl rehash %s failed: %s", ETC_CERTS, said);
		free(said);
	}
	spawn_result_clear(&res);
}

/*
 * Run update-ca-certificates under a journal naming the hook line of our
 * change (line: "+/etc/ssl/certs/NAME.pem\n", or NULL), so that the next
 * run can repair what a crash in the middle left (see repair()).
 */
static int
refresh(struct store *st, const char *line)
{
	const char *argv[] = { "update-ca-certificates", NULL };
	char *journal = xasprintf("%s/%s", st->location, JOURNAL);
	int rc = -1;

	if (line == NULL)
		line = "";
	if (fu_write_atomic(journal, line, strlen(line), 0644) == -1)
		goto out;
	fault_point("after-journal");
	if (store_refresh_run(argv, "update-ca-certificates") == -1)
		goto out;
	rehash();
	fault_point("after-rehash");
	rc = fu_unlink(journal);
out:
	free(journal);
	return rc;
}

/* Our links in /etc/ssl/certs: NAME.pem and the hash links to it. */
static int
remove_links(const char *crt_name)
{
	struct dirent *e;
	struct stat sb;
	char *pem_name, *pem, *path, target[4096];
	ssize_t len;
	DIR *d;
	int hashed = 0;

	pem_name = xasprintf("%.*s.pem", (int)(strlen(crt_name) - 4),
	    crt_name);
	pem = xasprintf("%s/%s", ETC_CERTS, pem_name);
	if ((d = opendir(ETC_CERTS)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			path = xasprintf("%s/%s", ETC_CERTS, e->d_name);
			len = readlink(path, target, sizeof(target) - 1);
			if (len > 0) {
				target[len] = '\0';
				if ((strcmp(target, pem_name) == 0 ||
				    strcmp(target, pem) == 0) &&
				    fu_unlink(path) == 0)
					hashed++;
			}
			free(path);
		}
		closedir(d);
	}
	if (lstat(pem, &sb) == 0 && S_ISLNK(sb.st_mode))
		fu_unlink(pem);
	/* Other certificates' HASH.1 must not hide behind a gap at .0. */
	if (hashed > 0)
		rehash();
	free(pem);
	free(pem_name);
	return 0;
}

static int
hook_name_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!(*s == '_' || *s == '-' || (*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* Tell the hooks line ("-/etc/ssl/certs/NAME.pem\n" or "+..."). */
static void
run_hooks(const char *line)
{
	struct dirent **names = NULL;
	struct spawn_result res;
	char *hook, *said;
	const char *argv[2] = { NULL, NULL };
	int n, i;

	n = scandir(HOOKS_DIR, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		hook = xasprintf("%s/%s", HOOKS_DIR, names[i]->d_name);
		argv[0] = hook;
		if (hook_name_ok(names[i]->d_name) &&
		    access(hook, X_OK) == 0 && spawn_run_input(argv, NULL,
		    line, strlen(line), &res) == 0) {
			if (!spawn_ok(&res)) {
				said = spawn_message(&res);
				msg_warn("the hook %s failed: %s", hook,
				    said);
				free(said);
			}
			spawn_result_clear(&res);
		}
		free(hook);
		free(names[i]);
	}
	free(names);
}

/* The hook line of a local anchor file: sign, then its link's path. */
static char *
hook_line(char sign, const char *crt_name)
{
	return xasprintf("%c%s/%.*s.pem\n", sign, ETC_CERTS,
	    (int)(strlen(crt_name) - 4), crt_name);
}

/* After the rename to ".NAME.removing": links, bundle, hooks, journal. */
static int
finish_removal(struct store *st, const char *pending_name)
{
	char *crt = xasprintf("%.*s",
	    (int)(strlen(pending_name) - 1 - strlen(PENDING)),
	    pending_name + 1);
	char *path = xasprintf("%s/%s", st->location, pending_name);
	char *line = hook_line('-', crt);
	int rc = -1;

	remove_links(crt);
	fault_point("after-links");
	if (refresh(st, NULL) == -1)
		goto out;
	fault_point("after-refresh");
	run_hooks(line);
	fault_point("after-hooks");
	rc = fu_unlink(path);
out:
	free(line);
	free(path);
	free(crt);
	return rc;
}

/*
 * A refresh of ours was cut short (its journal is there): the bundle's
 * ".new" it left would be appended to (every anchor of the last run twice
 * in the bundle), the hashed directory may lack the new links, and the
 * hooks may not have been told.  Start the bundle afresh, refresh,
 * rehash, and tell the hooks the journal's line again (they take a "+"
 * twice: it replaces).
 */
static int
repair(struct store *st)
{
	unsigned char *text = NULL;
	char *journal = xasprintf("%s/%s", st->location, JOURNAL);
	char *line, *save = NULL, *crt, *nl;
	const char *argv[] = { "update-ca-certificates", NULL };
	size_t len = 0;
	struct stat sb;
	int rc = -1;

	if (lstat(journal, &sb) == -1) {
		rc = 0;
		goto out;
	}
	if (load_read_file(journal, 64 * 1024, &text, &len) == -1 ||
	    fu_unlink(BUNDLE_NEW) == -1 ||
	    store_refresh_run(argv, "update-ca-certificates") == -1)
		goto out;
	rehash();
	for (line = strtok_r((char *)text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] != '+' || strncmp(line + 1, ETC_CERTS "/",
		    strlen(ETC_CERTS) + 1) != 0 || !ends_with(line, ".pem"))
			continue;
		nl = xasprintf("%s\n", line);
		crt = xasprintf("%s/%.*s.crt", st->location,
		    (int)(strlen(line) - strlen(ETC_CERTS) - 6),
		    line + strlen(ETC_CERTS) + 2);
		if (access(crt, F_OK) == 0)
			run_hooks(nl);
		free(crt);
		free(nl);
	}
	fault_point("after-repair");
	rc = fu_unlink(journal);
out:
	free(text);
	free(journal);
	return rc;
}

/*
 * Complete what a crashed run left: a refresh cut short, pending
 * removals, and anchor files newer than the bundle (written, but the
 * refresh did not run).
 */
static int
roll_forward(struct store *st)
{
	struct local_files l;
	struct stat bundle, sb;
	char *path;
	size_t i;
	int stale = 0, rc = 0;

	if (repair(st) == -1)
		return -1;
	scan_local(st->location, &l);
	for (i = 0; i < l.n && rc == 0; i++)
		if (l.v[i].pending)
			rc = finish_removal(st, l.v[i].name);
	if (stat(X509_get_default_cert_file(), &bundle) == -1)
		stale = 1;
	for (i = 0; i < l.n && !stale; i++) {
		if (l.v[i].pending || !is_ours(&l.v[i]))
			continue;
		path = xasprintf("%s/%s", st->location, l.v[i].name);
		if (stat(path, &sb) == 0 && store_mtime_after(&sb, &bundle))
			stale = 1;
		free(path);
	}
	if (rc == 0 && stale && l.n > 0)
		rc = refresh(st, NULL);
	locals_clear(&l);
	return rc;
}

/* Fingerprints and paths of the distribution's own certificate files. */
static void
scan_dist(const char *dir, const char *rel, struct local_files *l)
{
	struct dirent *e;
	struct local_file *f;
	struct stat sb;
	DIR *d;
	char *path, *r;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		r = *rel ? xasprintf("%s/%s", rel, e->d_name) :
		    xstrdup(e->d_name);
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			scan_dist(path, r, l);
		else if (ends_with(e->d_name, ".crt")) {
			l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
			f = &l->v[l->n];
			if (sha_of_file(path, f->sha256) == 0) {
				f->name = r;
				f->pending = 0;
				l->n++;
				r = NULL;
			}
		}
		free(r);
		free(path);
	}
	closedir(d);
}

static int
cacerts_list(struct store *st, struct store_anchors *out)
{
	struct local_files l;
	const struct local_file *f;
	struct store_anchor *a;
	size_t i;

	if (p11v_list(st->p11, out) == -1)
		return -1;
	/*
	 * The bundle holds the distribution's certificates (selected from
	 * /usr/share/ca-certificates) and the local anchor directory's.
	 */
	scan_local(st->location, &l);
	for (i = 0; i < out->n; i++) {
		a = &out->v[i];
		f = local_find(&l, a->sha256, 0);
		a->trustfix = f != NULL && is_ours(f);
		/*
		 * A removal that stopped before the refresh: still trusted,
		 * and still trustfix's until a run completes it.
		 */
		if (f == NULL && (f = local_find(&l, a->sha256, 1)) != NULL)
			a->trustfix = is_ours(f);
		a->distribution = f == NULL && !a->distrusted;
	}
	locals_clear(&l);
	return 0;
}

/* The file trustfix writes for x: the owner mark, then its PEM. */
static char *
pem_of(X509 *x, const char *sha)
{
	char *pem = cert_pem(x), *s;

	s = xasprintf("%s%s\n%s", OWNER_MARK, sha, pem);
	free(pem);
	return s;
}

char *
store_cacerts_file(const struct store *st, X509 *x, const char *label)
{
	char sha[65], *safe = store_safe_name(label), *path;

	facts_sha256(x, sha);
	path = xasprintf("%s/%s%s-%.8s.crt", st->location, STORE_FILE_PREFIX,
	    safe, sha);
	free(safe);
	return path;
}

static int
cacerts_import(struct store *st, X509 *x, const char *label,
    unsigned purposes, int dry_run)
{
	struct local_files l;
	char sha[65];
	const struct local_file *f;
	char *path = NULL, *pem = NULL, *name = NULL, *line = NULL;
	int rc = -1;

	(void)purposes;
	facts_sha256(x, sha);
	scan_local(st->location, &l);
	/* The cheap look first: a new anchor is not in the bundle. */
	if (store_openssl_sees(x) == (OSSL_IN_FILE | OSSL_IN_DIR) &&
	    store_p11_sees(st, x) == 1) {
		rc = 0;
		goto out;
	}
	if (dry_run) {
		rc = 1;
		goto out;
	}
	if ((f = local_find(&l, sha, 0)) == NULL) {
		path = store_cacerts_file(st, x, label);
		name = xstrdup(strrchr(path, '/') + 1);
		pem = pem_of(x, sha);
		if (fu_write_atomic(path, pem, strlen(pem), 0644) == -1)
			goto out;
		fault_point("after-rename");
	} else
		name = xstrdup(f->name);
	line = hook_line('+', name);
	if (refresh(st, line) == -1)
		goto out;
	rc = 1;
out:
	locals_clear(&l);
	free(line);
	free(name);
	free(pem);
	free(path);
	return rc;
}

/* --force on a distribution anchor: deselect it in ca-certificates.conf. */
static int
deselect(struct store *st, const struct store_anchor *a, int dry_run)
{
	struct local_files dist = { NULL, 0 };
	const struct local_file *f;
	unsigned char *conf = NULL;
	size_t len = 0, n;
	char *out = NULL, *p, *line, *save = NULL;
	int rc = -1;

	scan_dist(DIST_CERTS, "", &dist);
	if ((f = local_find(&dist, a->sha256, 0)) == NULL) {
		msg_error("%s is in no file trustfix can deselect; remove it "
		    "where it was added", a->sha256);
		goto out;
	}
	if (load_read_file(CERTS_CONF, 1024 * 1024, &conf, &len) == -1)
		goto out;
	/*
	 * A line of n >= 1 bytes gains at most a '!' and a newline, so the
	 * whole stays within 2 * len + 1 (len + 2 was a byte short when the
	 * line deselected was the last one and had no newline).
	 */
	p = out = xmalloc(2 * len + 2);
	for (line = strtok_r((char *)conf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, f->name) == 0)
			*p++ = '!';
		n = strlen(line);
		memcpy(p, line, n);
		p += n;
		*p++ = '\n';
	}
	*p = '\0';
	if (dry_run) {
		rc = 1;
		goto out;
	}
	if (fu_write_atomic(CERTS_CONF, out, (size_t)(p - out), 0644) == -1 ||
	    refresh(st, NULL) == -1)
		goto out;
	rc = 1;
out:
	free(out);
	free(conf);
	locals_clear(&dist);
	return rc;
}

static int
cacerts_remove(struct store *st, const struct store_anchor *a, int force,
    int dry_run)
{
	struct local_files l;
	const struct local_file *f;
	char *from = NULL, *pending = NULL, *to = NULL;
	int rc = -1;

	scan_local(st->location, &l);
	/* A removal that stopped before the refresh (see cacerts_list). */
	if ((f = local_find(&l, a->sha256, 1)) != NULL) {
		rc = dry_run ? 1 : finish_removal(st, f->name) == 0 ? 1 : -1;
		goto out;
	}
	if ((f = local_find(&l, a->sha256, 0)) == NULL) {
		rc = force ? deselect(st, a, dry_run) : 0;
		goto out;
	}
	if (dry_run) {
		rc = 1;
		goto out;
	}
	from = xasprintf("%s/%s", st->location, f->name);
	pending = xasprintf(".%s%s", f->name, PENDING);
	to = xasprintf("%s/%s", st->location, pending);
	if (fu_rename(from, to) == -1)
		goto out;
	fault_point("after-rename");
	if (finish_removal(st, pending) == -1)
		goto out;
	rc = 1;
out:
	locals_clear(&l);
	free(to);
	free(pending);
	free(from);
	return rc;
}

static int
cacerts_verify(struct store *st, X509 *x, int present, char **advice)
{
	int p11 = store_p11_sees(st, x), seen = store_openssl_sees(x);
	int want = present ? OSSL_IN_FILE | OSSL_IN_DIR : 0;
	int off = seen ^ want;

	if (p11 == present && off == 0)
		return 0;
	if (off != 0)
		*advice = xasprintf("OpenSSL's %s (%s) %s it: run "
		    "'update-ca-certificates --fresh' as root and check %s",
		    (off & OSSL_IN_FILE) ? "default bundle" :
		    "hashed directory", (off & OSSL_IN_FILE) ?
		    X509_get_default_cert_file() : X509_get_default_cert_dir(),
		    present ? "does not have" : "still has", st->location);
	else
		*advice = xasprintf("p11-kit's trust module %s it: run "
		    "'update-ca-certificates --fresh' as root, then 'trust "
		    "list --filter=ca-anchors'", present ? "does not see" :
		    "still sees");
	return -1;
}

const struct store_ops store_cacerts_ops = {
	"ca-certificates", STORE_CACERTS, 0,
	cacerts_list, cacerts_import, cacerts_remove, cacerts_verify
};

int
store_cacerts_open(struct store *st, struct p11_view *v)
{
	struct stat sb;

	st->ops = &store_cacerts_ops;
	st->p11 = v;
	if (v == NULL) {
		msg_error("p11-kit's trust module is needed to read "
		    "the store");
		return -1;
	}
	/* SUSE keeps local anchors where p11-kit reads them. */
	if (stat(LOCAL_SUSE, &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    stat(LOCAL_DEBIAN, &sb) == -1)
		st->location = xstrdup(LOCAL_SUSE);
	else
		st->location = xstrdup(LOCAL_DEBIAN);
	st->certs_dir = xstrdup(ETC_CERTS);
	if (!(st->flags & STORE_WRITE))
		return 0;
	if (access(st->location, W_OK) == -1 && errno != ENOENT) {
		msg_error("cannot change the trust store %s: %s; run as root, "
		    "or use --store DIR for a private store", st->location,
		    strerror(errno));
		return -1;
	}
	if (fu_mkdir_p(st->location, 0755) == -1 ||
	    store_take_lock(st, st->location) == -1 ||
	    roll_forward(st) == -1 || p11v_reload(st->p11) == -1)
		return -1;
	return 0;
}

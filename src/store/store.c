/* store.c - pick the trust-store backend and run its changes under a lock. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "facts.h"
#include "fileutil.h"
#include "hexdigest.h"
#include "load.h"
#include "msg.h"
#include "spawn.h"
#include "store-int.h"

static const struct {
	const char	*name;
	unsigned	 bit;
} purpose_names[] = {
	{ "server-auth", PURPOSE_SERVER_AUTH },
	{ "client-auth", PURPOSE_CLIENT_AUTH },
	{ "email", PURPOSE_EMAIL },
	{ "code-signing", PURPOSE_CODE_SIGNING },
};
#define NPURPOSES (sizeof(purpose_names) / sizeof(purpose_names[0]))

int
store_purposes_parse(const char *s)
{
	char *copy = xstrdup(s), *tok, *save = NULL;
	int bits = 0;
	size_t i;

	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NPURPOSES; i++)
			if (strcmp(tok, purpose_names[i].name) == 0)
				break;
		if (i == NPURPOSES) {
			bits = -1;
			break;
		}
		bits |= (int)purpose_names[i].bit;
	}
	free(copy);
	return bits == 0 ? -1 : bits;
}

const char **
store_purpose_names(unsigned bits)
{
	const char **v = xcalloc(NPURPOSES + 2, sizeof(*v));
	size_t i, n = 0;

	for (i = 0; i < NPURPOSES; i++)
		if (bits & purpose_names[i].bit)
			v[n++] = purpose_names[i].name;
	if (bits == 0)
		v[n++] = "any";
	else if (n == 0)
		v[n++] = "other";
	return v;
}

char *
store_purposes_text(unsigned bits)
{
	const char **v = store_purpose_names(bits);
	size_t i, len = 1;
	char *s;

	for (i = 0; v[i] != NULL; i++)
		len += strlen(v[i]) + 1;
	s = xcalloc(1, len);
	for (i = 0; v[i] != NULL; i++) {
		if (i > 0)
			strcat(s, ",");
		strcat(s, v[i]);
	}
	free(v);
	return s;
}

/* Cut s to STORE_LABEL_MAX bytes, not inside a UTF-8 sequence. */
static char *
label_cut(char *s)
{
	size_t n = strlen(s);

	if (n > STORE_LABEL_MAX) {
		n = STORE_LABEL_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		s[n] = '\0';
	}
	return s;
}

char *
store_default_label(const X509 *x)
{
	char *cn = facts_common_name(x), *label, buf[256];

	if (cn != NULL && *cn != '\0') {
		label = msg_escape(cn);
		free(cn);
		return label_cut(label);
	}
	free(cn);
	X509_NAME_oneline(X509_get_subject_name(x), buf, sizeof(buf));
	return label_cut(msg_escape(buf));
}

int
store_parse_fingerprint(const char *in, char out[65])
{
	size_t n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ':' || *in == ' ')
			continue;
		if (!isxdigit((unsigned char)*in) || n == 64)
			return -1;
		out[n++] = (char)tolower((unsigned char)*in);
	}
	out[n] = '\0';
	return n == 0 ? -1 : (int)n;
}

char *
store_safe_name(const char *label)
{
	char *s = xmalloc(61), *p = s;

	for (; *label != '\0' && p < s + 60; label++) {
		unsigned char c = (unsigned char)*label;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-')
			*p++ = (char)c;
		else if (p > s && p[-1] != '_')
			*p++ = '_';
	}
	while (p > s && (p[-1] == '_' || p[-1] == '.'))
		p--;
	*p = '\0';
	if (*s == '\0' || *s == '.' || *s == '-') {
		free(s);
		s = xstrdup("anchor");
	}
	return s;
}

void
store_anchor_fill_der(struct store_anchor *a, unsigned char *der,
    size_t len)
{
	a->der = der;
	a->der_len = len;
	(void)sha256_hex(der, len, a->sha256);
}

X509 *
store_anchor_get0_x509(struct store_anchor *a)
{
	const unsigned char *p = a->der;

	if (a->x509 == NULL && a->der != NULL)
		a->x509 = d2i_X509(NULL, &p, (long)a->der_len);
	ERR_clear_error();
	return a->x509;
}

const struct store_anchor *
store_anchors_find(const struct store_anchors *a, X509 *x)
{
	unsigned char *der = NULL;
	char sha[65];
	int len;
	size_t i;

	if ((len = i2d_X509(x, &der)) <= 0)
		return NULL;
	(void)sha256_hex(der, (size_t)len, sha);
	OPENSSL_free(der);
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].sha256, sha) == 0)
			return &a->v[i];
	return NULL;
}

void
store_anchors_clear(struct store_anchors *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++) {
		X509_free(a->v[i].x509);
		free(a->v[i].der);
		free(a->v[i].subject);
		free(a->v[i].label);
		free(a->v[i].where);
	}
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

int
store_read_pems(const char *path, STACK_OF(X509) *sk)
{
	FILE *f;
	X509 *x;
	int n = 0, fd;

	if ((fd = load_open_regular(path)) == -1)
		return -1;
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return -1;
	}
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		sk_X509_push(sk, x);
		n++;
	}
	fclose(f);
	ERR_clear_error();
	return n > 0 ? 0 : -1;
}

/* 1 if a PEM file holds the certificate der (plain or TRUSTED). */
static int
pem_file_has(const char *path, const unsigned char *der, long len)
{
	int fd = load_open_regular(path);
	BIO *b = fd == -1 ? NULL : BIO_new_fd(fd, BIO_CLOSE);
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long dlen;
	int found = 0;

	while (b != NULL && !found &&
	    PEM_read_bio(b, &name, &header, &data, &dlen) == 1) {
		if (strcmp(name, PEM_STRING_X509) == 0 ||
		    strcmp(name, PEM_STRING_X509_OLD) == 0)
			found = dlen == len && memcmp(data, der, len) == 0;
		else if (strcmp(name, PEM_STRING_X509_TRUSTED) == 0)
			found = dlen >= len && memcmp(data, der, len) == 0;
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(data);
	}
	if (b == NULL && fd != -1)
		close(fd);
	BIO_free(b);
	ERR_clear_error();
	return found;
}

/*
 * Where OpenSSL's compiled-in default locations hold x: OSSL_IN_FILE for
 * the bundle file, OSSL_IN_DIR for a HASH.N file of the hashed directory
 * (what -CApath and Postfix's smtp_tls_CApath read).  Read byte-wise
 * rather than through an X509_STORE, which would decode every certificate.
 */
int
store_openssl_sees(X509 *x)
{
	unsigned char *der = NULL;
	unsigned long hash;
	char *path;
	int len, ok = 0, i, seen = 0;

	if ((len = i2d_X509(x, &der)) <= 0)
		return 0;
	if (pem_file_has(X509_get_default_cert_file(), der, len))
		seen |= OSSL_IN_FILE;
	hash = X509_NAME_hash_ex(X509_get_subject_name(x), NULL, NULL, &ok);
	for (i = 0; ok && !(seen & OSSL_IN_DIR) && i < 100; i++) {
		path = xasprintf("%s/%08lx.%d", X509_get_default_cert_dir(),
		    hash, i);
		if (access(path, F_OK) != 0) {
			free(path);
			break;
		}
		if (pem_file_has(path, der, len))
			seen |= OSSL_IN_DIR;
		free(path);
	}
	OPENSSL_free(der);
	ERR_clear_error();
	return seen;
}

int
store_run_tool(const char *const argv[], struct spawn_result *res)
{
	const char *v[STORE_TOOL_MAX_ARGS + 1];
	char *prog;
	size_t i;
	int rc;

	if ((prog = spawn_find_system(argv[0])) == NULL) {
		msg_error("cannot find the program %s", argv[0]);
		return -1;
	}
	v[0] = prog;
	for (i = 1; argv[i] != NULL && i < STORE_TOOL_MAX_ARGS; i++)
		v[i] = argv[i];
	v[i] = NULL;
	rc = spawn_run(v, NULL, res);
	free(prog);
	return rc;
}

int
store_refresh_run(const char *const argv[], const char *what)
{
	struct spawn_result res;
	char *said;
	int rc = -1;

	/* The lock is held meanwhile: a hung refresh must not keep it. */
	spawn_set_time_limit(STORE_REFRESH_LIMIT);
	rc = store_run_tool(argv, &res);
	spawn_set_time_limit(0);
	if (rc == -1)
		return -1;
	rc = -1;
	if (spawn_ok(&res))
		rc = 0;
	else {
		said = spawn_message(&res);
		msg_error("%s failed: %s", what, said);
		free(said);
	}
	spawn_result_clear(&res);
	return rc;
}

int
store_mtime_after(const struct stat *a, const struct stat *b)
{
	return a->st_mtim.tv_sec > b->st_mtim.tv_sec ||
	    (a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec > b->st_mtim.tv_nsec);
}

/* Temporary files of a run that crashed before its rename. */
static void
remove_stale_temps(const char *dir)
{
	struct dirent *e;
	DIR *d;
	char *path;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, ".trustfix-tmp.", 14) == 0) {
			path = xasprintf("%s/%s", dir, e->d_name);
			fu_unlink(path);
			free(path);
		}
	closedir(d);
}

int
store_take_lock(struct store *st, const char *dir)
{
	st->lockpath = xasprintf("%s/%s", dir, STORE_LOCK_NAME);
	st->lock_fd = fu_lock(st->lockpath, STORE_LOCK_TIMEOUT);
	if (st->lock_fd == -1)
		return -1;
	remove_stale_temps(dir);
	return 0;
}

static int
open_system(struct store *st, const char *spec)
{
	struct p11_view *v = NULL;
	char *uca;
	int want_p11 = strcmp(spec, "p11-kit") == 0;
	int want_ca = strcmp(spec, "ca-certificates") == 0;

	if (p11v_open_system(&v) == -1 && !want_ca)
		return -1;
	if (!want_ca && v != NULL && p11v_dir_path(v) != NULL)
		return store_p11kit_open(st, v);
	if (want_p11) {
		msg_error("p11-kit's trust module has no writable token here: "
		    "use --store ca-certificates or --store DIR");
		p11v_close(v);
		return -1;
	}
	if ((uca = spawn_find_system("update-ca-certificates")) == NULL) {
		msg_error("found no writable trust store: neither a writable "
		    "p11-kit token nor update-ca-certificates; use "
		    "--store DIR");
		p11v_close(v);
		return -1;
	}
	free(uca);
	return store_cacerts_open(st, v);
}

int
store_open(const char *spec, unsigned flags, struct store **out)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int rc;

	st->lock_fd = -1;
	st->flags = flags;
	if (spec == NULL)
		spec = "auto";
	if (strcmp(spec, "auto") == 0 || strcmp(spec, "p11-kit") == 0 ||
	    strcmp(spec, "ca-certificates") == 0)
		rc = open_system(st, spec);
	else
		rc = store_dir_open(st, spec);
	if (rc == -1) {
		store_close(st);
		st = NULL;
	}
	*out = st;
	return rc;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	p11v_close(st->p11);
	fu_unlock(st->lock_fd);
	free(st->lockpath);
	free(st->location);
	free(st->certs_dir);
	free(st);
}

const char *
store_backend_name(const struct store *st)
{
	return st->ops->name;
}

const char *
store_location(const struct store *st)
{
	return st->location;
}

int
store_has_purposes(const struct store *st)
{
	return st->ops->purposes;
}

int
store_list(struct store *st, struct store_anchors *out)
{
	return st->ops->list(st, out);
}

/* Did this process change a trust store?  See store_changed(). */
static int changed_any;

int
store_changed(void)
{
	return changed_any;
}

int
store_import(struct store *st, X509 *x, const char *label,
    unsigned purposes, int dry_run)
{
	int rc = st->ops->import(st, x, label, purposes, dry_run);

	if (rc == 1 && !dry_run)
		changed_any = 1;
	return rc;
}

char *
store_import_plan(const struct store *st, X509 *x, const char *label)
{
	char *full, *file, *s;
	const char *run;

	if (st->ops->kind == STORE_CACERTS) {
		file = store_cacerts_file(st, x, label);
		run = "update-ca-certificates";
	} else {
		/* p11-kit names the file after the label, as p11_path_canon
		 * does (and adds a number if that name is taken). */
		full = xasprintf("%s%s", STORE_LABEL_PREFIX, label);
		for (s = full; *s != '\0'; s++)
			if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
			    "OPQRSTUVWXYZ0123456789.-_", *s) == NULL)
				*s = '_';
		file = xasprintf("%s/%s.p11-kit", st->location, full);
		free(full);
		run = st->ops->kind == STORE_P11KIT ?
		    store_p11kit_refresh_name() : NULL;
	}
	s = xasprintf("would write %s into the %s store %s%s%s", file,
	    st->ops->name, st->location, run ? ", then run " : "; no "
	    "refresh command: p11-kit reads the directory", run ? run : "");
	free(file);
	return s;
}

int
store_remove(struct store *st, const struct store_anchor *a, int force,
    int dry_run)
{
	int rc;

	if (!a->trustfix && !force) {
		msg_error("%s was not imported by trustfix; use --force to "
		    "remove it anyway", a->sha256);
		return -1;
	}
	rc = st->ops->remove(st, a, force, dry_run);
	if (rc == 1 && !dry_run)
		changed_any = 1;
	return rc;
}

int
store_verify(struct store *st, X509 *x, int present, char **advice)
{
	*advice = NULL;
	return st->ops->verify(st, x, present, advice);
}

/*
 * An anchor restricted to purposes carries them as OpenSSL's trust
 * settings, as in the trusted bundle OpenSSL clients read
 * (ca-bundle.trust.crt): verified for a TLS server, an anchor trusted
 * only for e-mail is then rejected, as those clients reject it.
 */
static void
trust_purposes(X509 *x, unsigned purposes)
{
	static const struct {
		unsigned	bit;
		int		nid;
	} map[] = {
		{ PURPOSE_SERVER_AUTH, NID_server_auth },
		{ PURPOSE_CLIENT_AUTH, NID_client_auth },
		{ PURPOSE_EMAIL, NID_email_protect },
		{ PURPOSE_CODE_SIGNING, NID_code_sign },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (purposes & map[i].bit)
			X509_add1_trust_object(x, OBJ_nid2obj(map[i].nid));
}

X509_STORE *
store_get1_x509_store(struct store *st)
{
	struct store_anchors a;
	X509_STORE *s;
	size_t i;

	if (store_list(st, &a) == -1)
		return NULL;
	s = X509_STORE_new();
	for (i = 0; i < a.n; i++)
		if (!a.v[i].distrusted &&
		    store_anchor_get0_x509(&a.v[i]) != NULL) {
			trust_purposes(a.v[i].x509, a.v[i].purposes);
			X509_STORE_add_cert(s, a.v[i].x509);
		}
	store_anchors_clear(&a);
	return s;
}

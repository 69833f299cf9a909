/* hoststore.c - find the host's trust stores and dispatch to their kinds. */
#include "config.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/pem.h>

#include "facts.h"
#include "hoststore.h"
#include "load.h"
#include "msg.h"
#include "spawn.h"
#include "store.h"

#define JAVA_SHARED	"/etc/ssl/certs/java/cacerts"
#define JAVA_HOOK	"/etc/ca-certificates/update.d/jks-keystore"
#define DOTNET_ROOT	".dotnet/corefx/cryptography/x509stores/root"

static const char *const kind_names[] = {
	"system", "java", "nss", "dotnet", "certifi", "node"
};

const char *
hoststore_kind_name(enum hoststore_kind kind)
{
	return kind_names[kind];
}

int
hoststore_also_parse(const char *s)
{
	static const struct { const char *name; int bits; } names[] = {
		{ "java", ALSO_JAVA }, { "nss", ALSO_NSS },
		{ "dotnet", ALSO_DOTNET }, { "all", ALSO_ALL }, { NULL, 0 }
	};
	size_t len, i;
	int bits = 0;

	while (*s != '\0') {
		len = strcspn(s, ",");
		for (i = 0; names[i].name != NULL; i++)
			if (strlen(names[i].name) == len &&
			    strncmp(s, names[i].name, len) == 0)
				break;
		if (names[i].name == NULL)
			return -1;
		bits |= names[i].bits;
		s += len + (s[len] == ',');
	}
	return bits == 0 ? -1 : bits;
}

static struct hoststore *
add(struct hoststores *l, enum hoststore_kind kind, const char *location,
    const char *readers)
{
	struct hoststore *hs;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].kind == kind &&
		    strcmp(l->v[i].location, location) == 0)
			return NULL;
	if (l->n >= HOSTSTORE_MAX)
		return NULL;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	hs = &l->v[l->n++];
	memset(hs, 0, sizeof(*hs));
	hs->kind = kind;
	hs->location = xstrdup(location);
	hs->readers = xstrdup(readers);
	hs->anchors = -1;
	return hs;
}

void
hoststores_clear(struct hoststores *l)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++) {
		free(l->v[i].location);
		free(l->v[i].readers);
		free(l->v[i].user);
		free(l->v[i].how);
		free(l->v[i].error);
		free(l->v[i].tool);
	}
	if (l != NULL) {
		store_close(l->st);
		l->st = NULL;
		free(l->v);
		l->v = NULL;
		l->n = 0;
	}
}

static void
find_system(const struct hoststore_opts *o, struct hoststores *l)
{
	struct store_anchors a = { NULL, 0 };
	struct store *st = o->st;
	struct hoststore *hs;
	size_t i;

	if (st == NULL && store_open(o->system, 0, &l->st) == -1)
		return;
	if (st == NULL)
		st = l->st;
	hs = add(l, HS_SYSTEM, store_location(st), "OpenSSL clients "
	    "(curl, Postfix, Python's ssl), GnuTLS, .NET, p11-kit");
	hs->how = xstrdup(store_backend_name(st));
	hs->follows = 1;
	hs->st = st;
	if (o->count && store_list(st, &a) == 0)
		for (hs->anchors = 0, i = 0; i < a.n; i++)
			hs->anchors += !a.v[i].distrusted;
	store_anchors_clear(&a);
}

/* One JRE's cacerts (or a keystore named), merged by its real file. */
static void
add_java(struct hoststores *l, const char *p, const char *shared)
{
	char real[PATH_MAX], *jre, *tool, *r;
	struct hoststore *hs = NULL;
	size_t k;

	if (realpath(p, real) == NULL)
		snprintf(real, sizeof(real), "%s", p);
	jre = xstrdup(strncmp(p, "/usr/lib/jvm/", 13) == 0 ? p + 13 : "");
	jre[strcspn(jre, "/")] = '\0';
	tool = xasprintf("/usr/lib/jvm/%s/bin/keytool", jre);
	for (k = 0; k < l->n; k++)
		if (l->v[k].kind == HS_JAVA &&
		    strcmp(l->v[k].location, real) == 0)
			hs = &l->v[k];
	if (hs == NULL && (hs = add(l, HS_JAVA, real, "Java")) != NULL) {
		hs->follows = *shared != '\0' && strcmp(real, shared) == 0 &&
		    access(JAVA_HOOK, X_OK) == 0;
		hs->how = xstrdup(hs->follows ? "ca-certificates-java's "
		    "hook " JAVA_HOOK : "its own copy");
	}
	if (hs != NULL && *jre != '\0') {
		r = xasprintf("%s%s%s", hs->readers,
		    strchr(hs->readers, ' ') ? ", " : " ", jre);
		free(hs->readers);
		hs->readers = r;
		if (hs->tool == NULL && access(tool, X_OK) == 0) {
			hs->tool = tool;
			tool = NULL;
		}
	}
	free(tool);
	free(jre);
}

/* Every JRE's cacerts, one entry per real file, with the JREs using it. */
static void
find_java(const struct hoststore_opts *o, struct hoststores *l)
{
	static const char *const pats[] = {
		"/usr/lib/jvm/*/lib/security/cacerts",
		"/usr/lib/jvm/*/jre/lib/security/cacerts", JAVA_SHARED, NULL
	};
	char shared[PATH_MAX];
	glob_t g;
	size_t i, j;

	if (realpath(JAVA_SHARED, shared) == NULL)
		shared[0] = '\0';
	if (o->java_keystore != NULL)
		add_java(l, o->java_keystore, shared);
	for (i = 0; o->java_keystore == NULL && pats[i] != NULL; i++) {
		memset(&g, 0, sizeof(g));
		if (glob(pats[i], 0, NULL, &g) == 0)
			for (j = 0; j < g.gl_pathc; j++)
				add_java(l, g.gl_pathv[j], shared);
		globfree(&g);
	}
	for (j = 0; j < l->n; j++)
		if (l->v[j].kind == HS_JAVA && l->v[j].tool == NULL)
			l->v[j].tool = xstrdup("keytool");
}

static int
has_db(const char *dir)
{
	char *a = xasprintf("%s/cert9.db", dir);
	char *b = xasprintf("%s/cert8.db", dir);
	int r = access(a, F_OK) == 0 || access(b, F_OK) == 0;

	free(a);
	free(b);
	return r;
}

/* 1 when the database loads p11-kit's trust module (pkcs11.txt). */
static int
nss_loads_p11kit(const char *dir)
{
	char *p = xasprintf("%s/pkcs11.txt", dir);
	unsigned char *buf = NULL;
	size_t len;
	int r = 0;

	if (access(p, R_OK) == 0 &&
	    load_read_file(p, 1024 * 1024, &buf, &len) == 0)
		r = strstr((char *)buf, "p11-kit-trust") != NULL;
	free(buf);
	free(p);
	return r;
}

static void
add_nss(struct hoststores *l, const char *dir, const char *readers,
    const char *user)
{
	struct hoststore *hs = add(l, HS_NSS, dir, readers);

	if (hs == NULL)
		return;
	hs->user = user ? xstrdup(user) : NULL;
	hs->follows = nss_loads_p11kit(dir);
	hs->how = xstrdup(hs->follows ? "loads p11-kit's trust module" :
	    "its own database");
	hs->tool = xstrdup("certutil");
}

static void
find_home(const struct hoststore_opts *o, unsigned also, const char *home,
    const char *user, struct hoststores *l)
{
	static const struct { const char *pat, *readers; } profiles[] = {
		{ ".mozilla/firefox/*", "Firefox profile" },
		{ "snap/firefox/common/.mozilla/firefox/*",
		    "Firefox (snap) profile" },
		{ ".thunderbird/*", "Thunderbird profile" },
		{ NULL, NULL }
	};
	struct hoststore *hs;
	char *p;
	glob_t g;
	size_t i, j;

	if ((also == 0 || (also & ALSO_NSS)) && o->nssdb == NULL) {
		p = xasprintf("%s/.pki/nssdb", home);
		if (has_db(p) || also != 0)
			add_nss(l, p, "Chromium, Evolution, NSS tools", user);
		free(p);
		for (i = 0; profiles[i].pat != NULL; i++) {
			p = xasprintf("%s/%s", home, profiles[i].pat);
			memset(&g, 0, sizeof(g));
			if (glob(p, GLOB_ONLYDIR, NULL, &g) == 0)
				for (j = 0; j < g.gl_pathc; j++)
					if (has_db(g.gl_pathv[j]))
						add_nss(l, g.gl_pathv[j],
						    profiles[i].readers, user);
			globfree(&g);
			free(p);
		}
	}
	if (also == 0 || (also & ALSO_DOTNET)) {
		p = xasprintf("%s/" DOTNET_ROOT, home);
		if ((access(p, F_OK) == 0 || also != 0) &&
		    (hs = add(l, HS_DOTNET, p, ".NET X509Chain, SslStream "
		    "(besides the system store)")) != NULL) {
			hs->user = user ? xstrdup(user) : NULL;
			hs->how = xstrdup("its own files");
		}
		free(p);
	}
}

static void
find_homes(const struct hoststore_opts *o, unsigned also,
    struct hoststores *l)
{
	const char *home = o->home ? o->home : getenv("HOME");
	struct passwd *pw;
	int n = 0;

	if (o->nssdb != NULL && (also == 0 || (also & ALSO_NSS)))
		add_nss(l, o->nssdb, "NSS clients given this database", NULL);
	if (home != NULL && *home != '\0')
		find_home(o, also, home, NULL, l);
	if (!o->all_users)
		return;
	setpwent();
	while ((pw = getpwent()) != NULL && n++ < HOSTSTORE_MAX_USERS)
		if (pw->pw_dir[0] == '/' && strcmp(pw->pw_dir, "/") != 0 &&
		    access(pw->pw_dir, R_OK | X_OK) == 0)
			find_home(o, also, pw->pw_dir, pw->pw_name, l);
	endpwent();
}

/* Python environments' certifi: where() is the file requests reads. */
static void
find_certifi(const struct hoststore_opts *o, struct hoststores *l)
{
	static const char *const pats[] = {
		"/usr/lib/python3/dist-packages/certifi",
		"/usr/lib/python3*/site-packages/certifi",
		"/usr/local/lib/python3*/*-packages/certifi",
		"/opt/*/lib/python3*/site-packages/certifi",
		"/opt/*/*/lib/python3*/site-packages/certifi",
		"~/.local/lib/python3*/site-packages/certifi",
		"~/.pyenv/versions/*/lib/python3*/site-packages/certifi",
		"~/.venv/lib/python3*/site-packages/certifi",
		NULL
	};
	const char *home = o->home ? o->home : getenv("HOME");
	struct hoststore *hs;
	unsigned char *buf;
	char *pat, *core, *pem, *env;
	size_t i, j, len;
	glob_t g;
	int deb;

	for (i = 0; pats[i] != NULL; i++) {
		if (pats[i][0] == '~' && (home == NULL || *home == '\0'))
			continue;
		pat = pats[i][0] == '~' ? xasprintf("%s%s", home,
		    pats[i] + 1) : xstrdup(pats[i]);
		memset(&g, 0, sizeof(g));
		if (glob(pat, GLOB_ONLYDIR, NULL, &g) != 0)
			g.gl_pathc = 0;
		for (j = 0; j < g.gl_pathc; j++) {
			core = xasprintf("%s/core.py", g.gl_pathv[j]);
			buf = NULL;
			deb = load_read_file(core, 1024 * 1024, &buf,
			    &len) == 0 && strstr((char *)buf,
			    "/etc/ssl/certs/ca-certificates.crt") != NULL;
			pem = deb ? xstrdup(
			    "/etc/ssl/certs/ca-certificates.crt") :
			    xasprintf("%s/cacert.pem", g.gl_pathv[j]);
			env = xstrdup(g.gl_pathv[j]);
			*strstr(env, "/lib/python") = '\0';
			free(core);
			core = xasprintf("Python requests, pip (certifi in "
			    "%s)", env);
			if ((hs = add(l, HS_CERTIFI, pem, core)) != NULL) {
				hs->follows = deb;
				hs->how = xstrdup(deb ? "Debian's certifi "
				    "returns the system bundle" :
				    "its own cacert.pem");
			}
			free(env);
			free(core);
			free(pem);
			free(buf);
		}
		globfree(&g);
		free(pat);
	}
}

static void
find_node(const struct hoststore_opts *o, struct hoststores *l)
{
	const char *argv[] = { "node", "-p", "tls.rootCertificates.length+' '"
	    "+((process.config.variables.node_use_openssl_ca||process.config"
	    ".variables.openssl_use_def_ca_store)?1:0)", NULL };
	const char *extra = getenv("NODE_EXTRA_CA_CERTS");
	struct spawn_result r;
	struct hoststore *hs;
	char *node = spawn_find("node"), *how;
	long n;
	int ossl;

	if (node == NULL)
		return;
	hs = add(l, HS_NODE, node, "Node.js (tls, https, fetch)");
	free(node);
	if (hs == NULL)
		return;
	hs->tool = xstrdup("node");
	if (spawn_run(argv, NULL, &r) == -1 || !spawn_ok(&r) ||
	    sscanf(r.output, "%ld %d", &n, &ossl) != 2) {
		hs->error = r.output ? spawn_message(&r) :
		    xstrdup("cannot run node");
		hs->how = xstrdup("compiled-in roots");
	} else {
		hs->anchors = o->count ? n : -1;
		hs->follows = ossl;
		how = xasprintf("%s%s%s", ossl ? "OpenSSL's store "
		    "(--use-openssl-ca)" : "compiled-in roots, unless "
		    "--use-openssl-ca", extra ? "; NODE_EXTRA_CA_CERTS=" : "",
		    extra ? extra : "");
		hs->how = msg_escape(how);
		free(how);
	}
	spawn_result_clear(&r);
}

static void
count(struct hoststore *hs, const struct hoststore_opts *o)
{
	struct certlist *cl;

	switch (hs->kind) {
	case HS_JAVA:
		hs->anchors = access(hs->location, F_OK) == 0 ?
		    hs_java_count(hs, o->storepass) : 0;
		break;
	case HS_NSS:
		hs->anchors = has_db(hs->location) ? hs_nss_count(hs) : 0;
		break;
	case HS_DOTNET:
		hs->anchors = hs_dotnet_count(hs);
		break;
	case HS_CERTIFI:
		cl = certlist_new();
		if (load_file(hs->location, NULL, cl) == 0)
			hs->anchors = (long)cl->n;
		else
			hs->error = xstrdup("cannot read the bundle");
		certlist_free(cl);
		break;
	default:
		break;
	}
}

int
hoststores_find(const struct hoststore_opts *o, unsigned also,
    struct hoststores *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	spawn_set_time_limit(o->seconds > 0 ? o->seconds :
	    HOSTSTORE_TOOL_SECONDS);
	if (also == 0)
		find_system(o, out);
	if (also == 0 || (also & ALSO_JAVA))
		find_java(o, out);
	find_homes(o, also, out);
	if (also == 0) {
		find_certifi(o, out);
		find_node(o, out);
	}
	for (i = 0; i < out->n; i++) {
		if (out->v[i].kind == HS_NODE && out->n > 0 &&
		    out->v[0].kind == HS_SYSTEM)
			out->v[i].st = out->v[0].st;
		if (o->count)
			count(&out->v[i], o);
	}
	spawn_set_time_limit(0);
	return 0;
}

/* Both p11-kit's trust module and OpenSSL's default store trust x. */
static int
system_trusts(const struct hoststore *hs, X509 *x, char **why)
{
	char *advice = NULL;
	int rc;

	if (hs->st == NULL) {
		*why = xstrdup("the system store is not open");
		return -1;
	}
	rc = store_verify(hs->st, x, 1, &advice) == 0;
	free(advice);
	return rc;
}

/* Node's compiled-in roots, as Node itself lists them. */
static int
node_trusts(X509 *x, char **why)
{
	const char *argv[] = { "node", "-p", "const n=s=>s.replace("
	    "/-----[^-]+-----|\\s/g,'');tls.rootCertificates.some(c=>n(c)"
	    "===n(process.env.TRUSTFIX_PEM))?'yes':'no'", NULL };
	const char *envp[] = { NULL, NULL };
	struct spawn_result r;
	char *pem = cert_pem(x), *env;
	int rc = -1;

	env = xasprintf("TRUSTFIX_PEM=%s", pem);
	free(pem);
	envp[0] = env;
	if (spawn_run(argv, envp, &r) == -1)
		*why = xstrdup("cannot run node");
	else if (spawn_ok(&r) && strncmp(r.output, "yes", 3) == 0)
		rc = 1;
	else if (spawn_ok(&r) && strncmp(r.output, "no", 2) == 0)
		rc = 0;
	else
		*why = spawn_message(&r);
	spawn_result_clear(&r);
	free(env);
	return rc;
}

char *
hoststore_pem_tmp(X509 *x)
{
	const char *t = getenv("TMPDIR");
	char *dir, *path = NULL;
	FILE *f;

	dir = xasprintf("%s/trustfix-XXXXXX", t && *t ? t : "/tmp");
	if (mkdtemp(dir) == NULL) {
		msg_error("cannot make a temporary directory: %s",
		    strerror(errno));
		goto out;
	}
	path = xasprintf("%s/anchor.pem", dir);
	if ((f = fopen(path, "w")) != NULL && !PEM_write_X509(f, x)) {
		fclose(f);
		f = NULL;
	}
	if (f == NULL || fclose(f) != 0) {
		msg_error("cannot write %s: %s", path, strerror(errno));
		hoststore_pem_tmp_free(path);
		path = NULL;
	}
out:
	free(dir);
	return path;
}

void
hoststore_pem_tmp_free(char *path)
{
	char *slash;

	if (path == NULL)
		return;
	unlink(path);
	if ((slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		rmdir(path);
	}
	free(path);
}

static int
trusts(const struct hoststore *hs, const struct hoststore_opts *o, X509 *x,
    const char *pem, char **why)
{
	struct certlist *cl;
	char sha[65], fp[65];
	size_t i;
	int rc = 0;

	facts_sha256(x, sha);
	switch (hs->kind) {
	case HS_JAVA:
		return access(hs->location, F_OK) != 0 ? 0 :
		    hs_java_trusts(hs, o->storepass, sha, why);
	case HS_NSS:
		return !has_db(hs->location) ? 0 :
		    hs_nss_trusts(hs, pem, why);
	case HS_DOTNET:
		return hs_dotnet_trusts(hs, sha, why);
	case HS_CERTIFI:
		cl = certlist_new();
		if (load_file(hs->location, NULL, cl) == -1) {
			*why = xstrdup("cannot read the bundle");
			rc = -1;
		}
		for (i = 0; i < cl->n && rc == 0; i++) {
			facts_sha256(cl->v[i].x509, fp);
			rc = strcmp(fp, sha) == 0;
		}
		certlist_free(cl);
		return rc;
	case HS_SYSTEM:
		return system_trusts(hs, x, why);
	case HS_NODE:
		return hs->follows ? system_trusts(hs, x, why) :
		    node_trusts(x, why);
	}
	return -1;
}

X509 *
hoststore_get1_cert(const struct hoststore *hs,
    const struct hoststore_opts *o, const char *hex)
{
	struct certlist *cl;
	char fp[65];
	X509 *x = NULL;
	size_t i;

	spawn_set_time_limit(o->seconds > 0 ? o->seconds :
	    HOSTSTORE_TOOL_SECONDS);
	switch (hs->kind) {
	case HS_JAVA:
		if (access(hs->location, F_OK) == 0)
			x = hs_java_get1(hs, o->storepass, hex);
		break;
	case HS_DOTNET:
		x = hs_dotnet_get1(hs, hex);
		break;
	case HS_CERTIFI:
		cl = certlist_new();
		if (load_file(hs->location, NULL, cl) == 0)
			for (i = 0; i < cl->n && x == NULL; i++) {
				facts_sha256(cl->v[i].x509, fp);
				if (strncmp(fp, hex, strlen(hex)) == 0) {
					x = cl->v[i].x509;
					X509_up_ref(x);
				}
			}
		certlist_free(cl);
		break;
	default:
		break;
	}
	spawn_set_time_limit(0);
	return x;
}

/* "trustfix-contoso-root-ca-0123456789abcdef": readable and unique. */
static char *
make_name(X509 *x, const char *label)
{
	char sha[65], *name, *p;

	facts_sha256(x, sha);
	name = xasprintf("trustfix-%.40s-%.16s", label, sha);
	for (p = name; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		else if (!((*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '.'))
			*p = '-';
	return name;
}

static int
change(struct hoststore *hs, const struct hoststore_opts *o, X509 *x,
    const char *pem, const char *label, int add_it, int force, int dry)
{
	char *why = NULL, *name = NULL;
	int has, rc = -1;

	if (hs->follows || dry) {
		if ((has = trusts(hs, o, x, pem, &why)) == -1) {
			msg_error("cannot read %s: %s", hs->location, why);
			goto out;
		}
		rc = hs->follows ? 0 : has != add_it;
		if (hs->follows && has != add_it && !dry) {
			msg_error("%s follows the system store (%s), but "
			    "does not %s it: run update-ca-certificates "
			    "--fresh", hs->location, hs->how, add_it ?
			    "have" : "drop");
			rc = -1;
		}
		goto out;
	}
	name = make_name(x, label);
	switch (hs->kind) {
	case HS_JAVA:
		rc = hs_java_change(hs, o->storepass, x, pem, name, add_it,
		    force);
		break;
	case HS_NSS:
		rc = hs_nss_change(hs, x, pem, name, add_it, force);
		break;
	case HS_DOTNET:
		rc = hs_dotnet_change(hs, x, label, add_it, force);
		break;
	default:
		msg_error("trustfix does not change %s stores",
		    hoststore_kind_name(hs->kind));
		break;
	}
	if (rc == 1 && (has = trusts(hs, o, x, pem, &why)) !=
	    add_it) {
		msg_error("changed %s, but the check afterwards failed: %s",
		    hs->location, why ? why : add_it ? "it does not trust "
		    "the certificate" : "it still trusts the certificate");
		rc = -1;
	}
out:
	free(name);
	free(why);
	return rc;
}

/* Only the stores' tools have a time limit, not the system's refresh. */
int
hoststore_trusts(const struct hoststore *hs,
    const struct hoststore_opts *o, X509 *x, const char *pem, char **why)
{
	int rc;

	spawn_set_time_limit(o->seconds > 0 ? o->seconds :
	    HOSTSTORE_TOOL_SECONDS);
	rc = trusts(hs, o, x, pem, why);
	spawn_set_time_limit(0);
	return rc;
}

int
hoststore_import(struct hoststore *hs, const struct hoststore_opts *o,
    X509 *x, const char *pem, const char *label, int dry_run)
{
	int rc;

	spawn_set_time_limit(o->seconds > 0 ? o->seconds :
	    HOSTSTORE_TOOL_SECONDS);
	rc = change(hs, o, x, pem, label, 1, 0, dry_run);
	spawn_set_time_limit(0);
	return rc;
}

int
hoststore_remove(struct hoststore *hs, const struct hoststore_opts *o,
    X509 *x, const char *pem, int force, int dry_run)
{
	int rc;

	spawn_set_time_limit(o->seconds > 0 ? o->seconds :
	    HOSTSTORE_TOOL_SECONDS);
	rc = change(hs, o, x, pem, NULL, 0, force, dry_run);
	spawn_set_time_limit(0);
	return rc;
}

/* bundle.c - assemble a device bundle: file names, device folders, texts. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bundle.h"
#include "facts.h"
#include "hexdigest.h"
#include "msg.h"

/* A growing text buffer for the README and MANIFEST files. */
struct text {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void
text_add(struct text *t, const char *s, size_t len)
{
	if (t->len + len + 1 > t->cap) {
		t->cap = (t->len + len + 1) * 2;
		t->s = xrealloc(t->s, t->cap);
	}
	memcpy(t->s + t->len, s, len);
	t->len += len;
	t->s[t->len] = '\0';
}

static void __attribute__((format(printf, 2, 3)))
text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s == NULL)
		msg_oom();
	text_add(t, s, strlen(s));
	free(s);
}

/* A certificate's name as a file name: [A-Za-z0-9._-], at most 60. */
static char *
file_base(X509 *x, const char *sha256)
{
	char *cn, *out;
	size_t i, j = 0;

	cn = facts_common_name(x);
	out = xmalloc(cn != NULL ? strlen(cn) + 1 : 1);
	for (i = 0; cn != NULL && cn[i] != '\0' && j < 60; i++) {
		unsigned char c = (unsigned char)cn[i];

		if (!isalnum(c) && c != '.' && c != '-' && c != '_')
			c = '_';
		if (c == '_' && (j == 0 || out[j - 1] == '_'))
			continue;
		if (c == '.' && j == 0)
			continue;
		out[j++] = (char)c;
	}
	while (j > 0 && (out[j - 1] == '_' || out[j - 1] == '.'))
		j--;
	out[j] = '\0';
	free(cn);
	if (j == 0) {
		free(out);
		out = xasprintf("root-%.12s", sha256);
	}
	return out;
}

/* File systems of phones and desktops often ignore case. */
static int
base_taken(const struct bundle *b, const char *base)
{
	size_t i;

	for (i = 0; i < b->ncerts; i++)
		if (strcasecmp(b->certs[i].base, base) == 0)
			return 1;
	return 0;
}

static void
add_cert(struct bundle *b, X509 *x, const char *sha256)
{
	struct bundle_cert *c;
	char *base, *s;

	base = file_base(x, sha256);
	if (base_taken(b, base)) {
		char *u = xasprintf("%s-%.8s", base, sha256);

		free(base);
		base = u;
	}
	b->certs = xrealloc(b->certs, (b->ncerts + 1) * sizeof(*b->certs));
	c = &b->certs[b->ncerts++];
	memset(c, 0, sizeof(*c));
	X509_up_ref(x);
	c->x509 = x;
	c->base = base;
	memcpy(c->sha256, sha256, sizeof(c->sha256));
	facts_sha1(x, c->sha1);
	s = facts_subject(x);
	c->subject = msg_escape(s);
	free(s);
	s = facts_issuer(x);
	c->issuer = msg_escape(s);
	free(s);
	c->not_before = facts_time(X509_get0_notBefore(x));
	c->not_after = facts_time(X509_get0_notAfter(x));
	c->root = facts_is_self_signed(x);
}

struct bundle *
bundle_new(const struct certlist *list, time_t mtime)
{
	struct bundle *b;
	size_t i, j;

	b = xcalloc(1, sizeof(*b));
	b->mtime = mtime;
	for (i = 0; i < list->n; i++) {
		char sha[65];

		facts_sha256(list->v[i].x509, sha);
		for (j = 0; j < b->ncerts; j++)
			if (strcmp(b->certs[j].sha256, sha) == 0)
				break;
		if (j == b->ncerts)
			add_cert(b, list->v[i].x509, sha);
	}
	return b;
}

void
bundle_free(struct bundle *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->ncerts; i++) {
		X509_free(b->certs[i].x509);
		free(b->certs[i].base);
		free(b->certs[i].subject);
		free(b->certs[i].issuer);
		free(b->certs[i].not_before);
		free(b->certs[i].not_after);
	}
	for (i = 0; i < b->nfiles; i++) {
		free(b->files[i].path);
		free(b->files[i].data);
	}
	for (i = 0; i < b->ndevices; i++)
		free(b->devices[i]);
	free(b->certs);
	free(b->files);
	free(b->devices);
	free(b);
}

int
bundle_epoch(const struct certlist *list, time_t *t)
{
	const char *env;
	char *end;
	long long v;
	size_t i;

	env = getenv("SOURCE_DATE_EPOCH");
	if (env != NULL && *env != '\0') {
		errno = 0;
		v = strtoll(env, &end, 10);
		if (errno != 0 || *end != '\0' || v < 0 ||
		    v > 253402300799LL) {
			char *e = msg_escape(env);

			msg_error("SOURCE_DATE_EPOCH: expected seconds since "
			    "1970, not '%s'", e);
			free(e);
			return -1;
		}
		*t = (time_t)v;
		return 0;
	}
	*t = 0;
	for (i = 0; i < list->n; i++) {
		time_t nb = facts_not_before(list->v[i].x509);

		if (nb > *t)
			*t = nb;
	}
	return 0;
}

void
bundle_add_file0(struct bundle *b, char *path, unsigned char *data,
    size_t len)
{
	b->files = xrealloc(b->files, (b->nfiles + 1) * sizeof(*b->files));
	b->files[b->nfiles].path = path;
	b->files[b->nfiles].data = data;
	b->files[b->nfiles].len = len;
	b->nfiles++;
}


static int
has_file(const struct bundle *b, const char *path)
{
	size_t i;

	for (i = 0; i < b->nfiles; i++)
		if (strcmp(b->files[i].path, path) == 0)
			return 1;
	return 0;
}

/* Add dev/name holding data (taken); -1 after reporting a clash. */
static int
add_dev_file(struct bundle *b, const struct devprofile *p, const char *name,
    unsigned char *data, size_t len)
{
	char *path = xasprintf("%s/%s", p->name, name);

	if (has_file(b, path)) {
		char *o = msg_escape(p->origin);

		msg_error("%s: two outputs write %s", o, path);
		free(o);
		free(path);
		free(data);
		return -1;
	}
	bundle_add_file0(b, path, data, len);
	return 0;
}

static int
add_per_cert(struct bundle *b, const struct devprofile *p,
    const struct devprofile_output *o)
{
	unsigned char *data;
	size_t i, len;
	char *name;
	int rc;

	for (i = 0; i < b->ncerts; i++) {
		if (o->kind == DEVPROFILE_DER)
			rc = bundle_der(b->certs[i].x509, &data, &len);
		else
			rc = bundle_pem(b->certs[i].x509, &data, &len);
		if (rc < 0)
			return -1;
		name = xasprintf("%s%s", b->certs[i].base, o->arg);
		rc = add_dev_file(b, p, name, data, len);
		free(name);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The per-certificate file names that policies.json installs. */
static int
add_firefox(struct bundle *b, const struct devprofile *p,
    const struct devprofile_output *o)
{
	const struct devprofile_output *pc = NULL;
	unsigned char *data = NULL;
	char **names;
	size_t i, len;
	int rc = -1;

	for (i = 0; i < p->nout && pc == NULL; i++)
		if (p->out[i].kind == DEVPROFILE_DER ||
		    p->out[i].kind == DEVPROFILE_PEM)
			pc = &p->out[i];
	names = xcalloc(b->ncerts + 1, sizeof(*names));
	for (i = 0; i < b->ncerts; i++)
		names[i] = xasprintf("%s%s", b->certs[i].base, pc->arg);
	if (bundle_firefox(b, (const char *const *)names, b->ncerts, &data,
	    &len) < 0)
		goto out;
	rc = add_dev_file(b, p, o->arg, data, len);
out:
	for (i = 0; i < b->ncerts; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int
add_output(struct bundle *b, const struct devprofile *p,
    const struct devprofile_output *o, const struct bundle_opts *opts)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = -1;

	switch (o->kind) {
	case DEVPROFILE_DER:
	case DEVPROFILE_PEM:
		return add_per_cert(b, p, o);
	case DEVPROFILE_FIREFOX:
		return add_firefox(b, p, o);
	case DEVPROFILE_P7B:
		rc = bundle_p7b(b, &data, &len);
		break;
	case DEVPROFILE_MOBILECONFIG:
		rc = bundle_mobileconfig(b, p, opts, &data, &len);
		if (rc == 0 && opts->sign_cert != NULL)
			b->signed_profiles = 1;
		break;
	case DEVPROFILE_TRUSTSTORE:
		rc = bundle_truststore(b, opts->store_password != NULL ?
		    opts->store_password : BUNDLE_DEFAULT_STORE_PASSWORD,
		    &data, &len);
		break;
	}
	if (rc < 0)
		return -1;
	return add_dev_file(b, p, o->arg, data, len);
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct bundle_file *)a)->path,
	    ((const struct bundle_file *)b)->path);
}

/* hex, then uppercase colon-separated as phones and certmgr show it. */
static void
add_fingerprint(struct text *t, const char *label, const char *hex)
{
	size_t j;

	text_printf(t, "    %-8s %s\n             ", label, hex);
	for (j = 0; hex[j] != '\0' && hex[j + 1] != '\0'; j += 2)
		text_printf(t, "%s%c%c", j ? ":" : "",
		    toupper((unsigned char)hex[j]),
		    toupper((unsigned char)hex[j + 1]));
	text_add(t, "\n", 1);
}

static void
add_cert_list(struct text *t, const struct bundle *b)
{
	size_t i;

	for (i = 0; i < b->ncerts; i++) {
		const struct bundle_cert *c = &b->certs[i];

		text_printf(t, "  %s%s\n", c->subject, c->root ? "" :
		    " (intermediate CA)");
		add_fingerprint(t, "SHA-256:", c->sha256);
		add_fingerprint(t, "SHA-1:", c->sha1);
		text_printf(t, "    valid %s to %s\n", c->not_before,
		    c->not_after);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the files of the device folder starting at index first. */
static char **
folder_names(const struct bundle *b, size_t first, size_t *n)
{
	char **v;
	size_t i;

	*n = b->nfiles - first;
	v = xcalloc(*n + 1, sizeof(*v));
	for (i = 0; i < *n; i++)
		v[i] = strchr(b->files[first + i].path, '/') + 1;
	qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

/* One line of instructions with its @PLACEHOLDERS@ filled in. */
static void
expand_line(struct text *t, const char *line, size_t len,
    const char *const *keys, const char *const *vals, char **files,
    size_t nfiles)
{
	size_t i, k, ind = strspn(line, " \t");

	if (len - ind == 7 && memcmp(line + ind, "@FILES@", 7) == 0) {
		for (i = 0; i < nfiles; i++) {
			text_add(t, line, ind);
			text_printf(t, "%s\n", files[i]);
		}
		return;
	}
	for (i = 0; i < len; i++) {
		for (k = 0; keys[k] != NULL; k++) {
			size_t kl = strlen(keys[k]);

			if (len - i >= kl &&
			    memcmp(line + i, keys[k], kl) == 0)
				break;
		}
		if (keys[k] == NULL) {
			text_add(t, line + i, 1);
			continue;
		}
		text_add(t, vals[k], strlen(vals[k]));
		i += strlen(keys[k]) - 1;
	}
	text_add(t, "\n", 1);
}

static void
add_readme(struct bundle *b, const struct devprofile *p,
    const struct bundle_opts *opts, size_t first)
{
	const char *keys[] = { "@TITLE@", "@DEVICE@", "@STORE_PASSWORD@",
	    "@IDENTIFIER@", NULL };
	const char *vals[4];
	struct text t = { NULL, 0, 0 };
	char **files, *id;
	const char *s, *nl;
	size_t nfiles, i;

	files = folder_names(b, first, &nfiles);
	id = bundle_identifier(b, opts);
	vals[0] = p->title;
	vals[1] = p->name;
	vals[2] = opts->store_password == NULL ?
	    BUNDLE_DEFAULT_STORE_PASSWORD :
	    "PASSWORD";
	vals[3] = id;
	text_printf(&t, "%s\n", p->title);
	for (i = strlen(p->title); i > 0; i--)
		text_add(&t, "=", 1);
	text_add(&t, "\n\n", 2);
	for (s = p->text; *s != '\0'; s = nl + 1) {
		if ((nl = strchr(s, '\n')) == NULL)
			nl = s + strlen(s);
		expand_line(&t, s, (size_t)(nl - s), keys, vals, files,
		    nfiles);
		if (*nl == '\0')
			break;
	}
	text_printf(&t, "\nCertificates in this folder (compare the "
	    "fingerprints with the ones\nyour administrator gave you "
	    "before you trust them):\n\n");
	add_cert_list(&t, b);
	bundle_add_file0(b, xasprintf("%s/README-DEVICE.txt", p->name),
	    (unsigned char *)t.s, t.len);
	free(files);
	free(id);
}

int
bundle_add_device(struct bundle *b, const struct devprofile *p,
    const struct bundle_opts *opts)
{
	size_t i, first = b->nfiles;

	for (i = 0; i < p->nout; i++)
		if (add_output(b, p, &p->out[i], opts) < 0)
			return -1;
	add_readme(b, p, opts, first);
	b->devices = xrealloc(b->devices,
	    (b->ndevices + 1) * sizeof(*b->devices));
	b->devices[b->ndevices++] = xstrdup(p->name);
	return 0;
}

static void
rfc3339(time_t t, char out[32])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)t);
}

int
bundle_add_manifest(struct bundle *b)
{
	struct text t = { NULL, 0, 0 };
	char date[32], hex[65];
	size_t i;

	qsort(b->files, b->nfiles, sizeof(*b->files), cmp_file);
	rfc3339(b->mtime, date);
	text_printf(&t, "Device bundle written by %s %s\nDevices:",
	    PACKAGE_NAME, PACKAGE_VERSION);
	for (i = 0; i < b->ndevices; i++)
		text_printf(&t, " %s", b->devices[i]);
	text_printf(&t, "\nFiles dated: %s\n\nCertificates: %zu\n\n", date,
	    b->ncerts);
	for (i = 0; i < b->ncerts; i++) {
		const struct bundle_cert *c = &b->certs[i];

		text_printf(&t, "%s\n  kind:       %s\n  subject:    %s\n"
		    "  issuer:     %s\n  not before: %s\n  not after:  %s\n"
		    "  SHA-256:    %s\n  SHA-1:      %s\n"
		    "  files:      */%s.*\n\n", c->base,
		    c->root ? "root (self-signed)" : "intermediate CA",
		    c->subject, c->issuer, c->not_before, c->not_after,
		    c->sha256, c->sha1, c->base);
	}
	text_printf(&t, "Files and their SHA-256 (check them with "
	    "\"sha256sum -c MANIFEST\"):\n\n");
	for (i = 0; i < b->nfiles; i++) {
		if (sha256_hex(b->files[i].data, b->files[i].len, hex) == -1) {
			msg_error("cannot compute a SHA-256");
			free(t.s);
			return -1;
		}
		text_printf(&t, "%s  %s\n", hex, b->files[i].path);
	}
	bundle_add_file0(b, xstrdup("MANIFEST"), (unsigned char *)t.s, t.len);
	qsort(b->files, b->nfiles, sizeof(*b->files), cmp_file);
	return 0;
}

enum bundle_format
bundle_format_of(const char *out)
{
	size_t len = strlen(out);

	if (len > 4 && strcmp(out + len - 4, ".zip") == 0)
		return BUNDLE_ZIP;
	if (len > 7 && strcmp(out + len - 7, ".tar.gz") == 0)
		return BUNDLE_TAR_GZ;
	if (len > 4 && strcmp(out + len - 4, ".tgz") == 0)
		return BUNDLE_TAR_GZ;
	return BUNDLE_DIR;
}

const char *
bundle_format_name(enum bundle_format f)
{
	switch (f) {
	case BUNDLE_ZIP:
		return "zip";
	case BUNDLE_TAR_GZ:
		return "tar.gz";
	case BUNDLE_DIR:
		break;
	}
	return "directory";
}

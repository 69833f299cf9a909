/* cmd-bundle.c - the bundle command: roots packaged for each device class. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "bundle.h"
#include "chain.h"
#include "cmd.h"
#include "devprofile.h"
#include "diagopts.h"
#include "exitcode.h"
#include "getchain.h"
#include "facts.h"
#include "httpget.h"
#include "fetch.h"
#include "load.h"
#include "msg.h"
#include "out.h"
#include "target.h"

enum {
	OPT_DEVICE = OPT_COMMON_LAST,
	OPT_OUTPUT,
	OPT_PROFILE,
	OPT_IDENTIFIER,
	OPT_ORGANIZATION,
	OPT_DISPLAY_NAME,
	OPT_SIGN_CERT,
	OPT_SIGN_KEY,
	OPT_STORE_PASSWORD_FILE,
	OPT_EXPECT,
	OPT_EXPECT_SHA1
};

/* Fingerprints a root fetched over the network may have. */
#define BUNDLE_MAX_EXPECT	16

static const struct opt_spec specs[] = {
	{ "device", 'd', required_argument, OPT_DEVICE, "LIST",
	    "device classes, comma-separated, or all (default)" },
	{ "output", 'o', required_argument, OPT_OUTPUT, "OUT",
	    "write OUT: NAME.zip, NAME.tar.gz or a directory" },
	OPT_ROW_FORCE,
	{ "profile", 0, required_argument, OPT_PROFILE, "FILE",
	    "add the device class described by FILE (repeatable)" },
	{ "identifier", 0, required_argument, OPT_IDENTIFIER, "ID",
	    "PayloadIdentifier of the Apple profile" },
	{ "organization", 0, required_argument, OPT_ORGANIZATION, "ORG",
	    "organization shown with the Apple profile" },
	{ "display-name", 0, required_argument, OPT_DISPLAY_NAME, "NAME",
	    "name shown for the Apple profile" },
	{ "sign-cert", 0, required_argument, OPT_SIGN_CERT, "FILE",
	    "sign the Apple profile with this certificate (and chain)" },
	{ "sign-key", 0, required_argument, OPT_SIGN_KEY, "FILE",
	    "the private key of --sign-cert (PEM or DER)" },
	{ "store-password-file", 0, required_argument,
	    OPT_STORE_PASSWORD_FILE, "FILE",
	    "Java truststore password (default: changeit)" },
	{ "expect-sha256", 0, required_argument, OPT_EXPECT, "HEX",
	    "a root fetched from a server must have this SHA-256 "
	    "(repeatable)" },
	{ "expect-sha1", 0, required_argument, OPT_EXPECT_SHA1, "HEX",
	    "or this SHA-1, the Windows thumbprint (repeatable)" },
	OPT_ROW_YES,
	OPT_ROW_PASSWORD_FILE,
	OPT_ROW_TIMEOUT,
	OPT_ROW_SNI,
	OPT_ROW_CONNECT,
	OPT_ROW_NO_AIA,
	OPT_ROW_LDAP_HOST,
	OPT_ROW_AIA_ALLOW_PRIVATE,
	OPT_ROW_JSON,
	OPT_ROW_HELP,
	OPT_ROW_END
};

struct ctx {
	const char	*devices;
	const char	*out;
	const char	**profiles;
	size_t		 nprofiles;
	const char	*sign_cert;
	const char	*sign_key;
	const char	*store_password_file;
	char		 expect[BUNDLE_MAX_EXPECT][65];	/* SHA-256 or SHA-1 */
	size_t		 nexpect;
	struct bundle_opts bo;
};

static int
expect_add(struct ctx *c, int digits, const char *arg)
{
	if (c->nexpect == BUNDLE_MAX_EXPECT) {
		msg_error("--expect-sha%d: at most %d fingerprints",
		    digits == 64 ? 256 : 1, BUNDLE_MAX_EXPECT);
		return -1;
	}
	if (opt_fingerprint(digits, arg, c->expect[c->nexpect]) == -1)
		return -1;
	c->nexpect++;
	return 0;
}

/*
 * A root fetched over the network goes into profiles a help desk installs
 * everywhere: it must have a fingerprint --expect-sha256/--expect-sha1
 * gave, or be confirmed at a terminal, or be taken with --yes (a warning).
 */
static int
root_accepted(const struct ctx *c, const struct common_opts *co,
    const char *in, const char *subject, const char *sha, const char *sha1)
{
	size_t i;

	for (i = 0; i < c->nexpect; i++)
		if (strcmp(c->expect[i], sha) == 0 ||
		    strcmp(c->expect[i], sha1) == 0) {
			msg_note("%s: root %s has the expected fingerprint",
			    in, subject);
			return 1;
		}
	if (c->nexpect > 0) {
		msg_error("refused: %s: root %s has SHA-256 %s (SHA-1 %s), "
		    "no fingerprint --expect-sha256 or --expect-sha1 gave; "
		    "nothing bundled", in, subject, sha, sha1);
		return 0;
	}
	if (co->yes) {
		msg_warn("%s: root %s fetched over the network: compare "
		    "SHA-256 %s (SHA-1 %s) with the one its administrator "
		    "gives you", in, subject, sha, sha1);
		return 1;
	}
	return msg_confirm("give --expect-sha256 with the fingerprint its "
	    "administrator gives you, or ", "%s: bundle the root %s, SHA-256 "
	    "%s (SHA-1 %s), fetched over the network", in, subject, sha,
	    sha1);
}

static int
handle(int key, const char *arg, void *vctx)
{
	struct ctx *c = vctx;

	switch (key) {
	case OPT_DEVICE:
		c->devices = arg;
		break;
	case OPT_OUTPUT:
		c->out = arg;
		break;
	case OPT_PROFILE:
		c->profiles = xrealloc(c->profiles,
		    (c->nprofiles + 1) * sizeof(*c->profiles));
		c->profiles[c->nprofiles++] = arg;
		break;
	case OPT_IDENTIFIER:
		c->bo.identifier = arg;
		break;
	case OPT_ORGANIZATION:
		c->bo.organization = arg;
		break;
	case OPT_DISPLAY_NAME:
		c->bo.display_name = arg;
		break;
	case OPT_SIGN_CERT:
		c->sign_cert = arg;
		break;
	case OPT_SIGN_KEY:
		c->sign_key = arg;
		break;
	case OPT_STORE_PASSWORD_FILE:
		c->store_password_file = arg;
		break;
	case OPT_EXPECT:
	case OPT_EXPECT_SHA1:
		return expect_add(c, key == OPT_EXPECT ? 64 : 40, arg);
	default:
		return -1;
	}
	return 0;
}

static int
pw_cb(char *buf, int size, int rwflag, void *u)
{
	size_t len = u != NULL ? strlen(u) : 0;

	(void)rwflag;
	if (u == NULL || len >= (size_t)size)
		return -1;
	memcpy(buf, u, len);
	return (int)len;
}

/* A private key from PEM, DER or PKCS#12 (.pfx), or NULL. */
static EVP_PKEY *
read_key(const unsigned char *buf, size_t len, const char *password)
{
	EVP_PKEY *k = NULL;
	PKCS12 *p12 = NULL;
	X509 *x = NULL;
	BIO *bio;

	bio = BIO_new_mem_buf(buf, (int)len);
	k = PEM_read_bio_PrivateKey(bio, NULL, pw_cb, (void *)password);
	BIO_free(bio);
	if (k == NULL) {
		bio = BIO_new_mem_buf(buf, (int)len);
		k = d2i_PrivateKey_bio(bio, NULL);
		BIO_free(bio);
	}
	if (k == NULL) {
		bio = BIO_new_mem_buf(buf, (int)len);
		if ((p12 = d2i_PKCS12_bio(bio, NULL)) != NULL &&
		    !PKCS12_parse(p12, password ? password : "", &k, &x, NULL))
			k = NULL;
		BIO_free(bio);
	}
	PKCS12_free(p12);
	X509_free(x);
	return k;
}

/*
 * The signer: the certificate of --sign-cert that --sign-key belongs
 * to, the file's other certificates as its chain, and the key.
 */
static int
load_signer(struct ctx *c, const char *password)
{
	struct load_opts lo = { password };
	struct certlist *l = certlist_new();
	unsigned char *buf = NULL;
	size_t len = 0, i;
	char *k = msg_escape(c->sign_key);
	int rc = EXIT_INPUT;

	if (load_file(c->sign_cert, &lo, l) < 0 ||
	    load_read_file(c->sign_key, 1024 * 1024, &buf, &len) < 0)
		goto out;
	if ((c->bo.sign_key = read_key(buf, len, password)) == NULL) {
		msg_error("%s: not a private key, or encrypted without "
		    "--password-file: %s", k, msg_ossl_reason());
		goto out;
	}
	c->bo.sign_chain = sk_X509_new_null();
	for (i = 0; i < l->n; i++) {
		X509 *x = l->v[i].x509;

		if (c->bo.sign_cert == NULL &&
		    X509_check_private_key(x, c->bo.sign_key) == 1) {
			X509_up_ref(x);
			c->bo.sign_cert = x;
		} else if (X509_up_ref(x) && !sk_X509_push(c->bo.sign_chain,
		    x))
			X509_free(x);
	}
	ERR_clear_error();
	rc = EXIT_OK;
	if (c->bo.sign_cert == NULL) {
		msg_error("%s does not belong to a certificate of --sign-cert",
		    k);
		rc = EXIT_FAILED;
	}
out:
	if (buf != NULL)
		OPENSSL_cleanse(buf, len);
	free(buf);
	free(k);
	certlist_free(l);
	return rc;
}

static struct devprofile *
find_profile(struct devprofile **v, size_t n, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(v[i]->name) == len &&
		    strncmp(v[i]->name, name, len) == 0)
			return v[i];
	return NULL;
}

/* 1 if --device names only classes of --profile files. */
static int
all_given(const char *list, struct devprofile **v, size_t n)
{
	const char *s, *end;
	size_t len;

	if (list == NULL || strcmp(list, "all") == 0 || n == 0)
		return 0;
	for (s = list; *s != '\0'; s = *end ? end + 1 : end) {
		end = s + strcspn(s, ",");
		len = (size_t)(end - s);
		if (len > 0 && find_profile(v, n, s, len) == NULL)
			return 0;
	}
	return 1;
}

/*
 * The device classes: those of --profile files (which replace an
 * installed one of the same name), then the installed ones.
 */
static int
load_profiles(struct ctx *c, struct devprofile ***v, size_t *n)
{
	struct devprofile **inst = NULL, *p;
	size_t ninst = 0, i;
	int rc = -1;

	for (i = 0; i < c->nprofiles; i++) {
		if ((p = devprofile_load(c->profiles[i])) == NULL)
			goto out;
		if (find_profile(*v, *n, p->name, strlen(p->name)) != NULL) {
			msg_error("two --profile files describe '%s'",
			    p->name);
			devprofile_free(p);
			goto out;
		}
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = p;
	}
	if (!all_given(c->devices, *v, *n) &&
	    devprofile_load_dir(devprofile_dir(), &inst, &ninst) < 0)
		goto out;
	for (i = 0; i < ninst; i++) {
		if (find_profile(*v, *n, inst[i]->name,
		    strlen(inst[i]->name)) != NULL) {
			devprofile_free(inst[i]);
			continue;
		}
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = inst[i];
	}
	ninst = 0;
	rc = 0;
out:
	for (i = 0; i < ninst; i++)
		devprofile_free(inst[i]);
	free(inst);
	return rc;
}

static int
cmp_profile(const void *a, const void *b)
{
	return strcmp((*(struct devprofile *const *)a)->name,
	    (*(struct devprofile *const *)b)->name);
}

/* Pick the devices of list ("ios,android" or "all") into sel. */
static int
select_devices(const char *list, struct devprofile **v, size_t n,
    struct devprofile **sel, size_t *nsel)
{
	const char *s = list, *end;
	struct devprofile *p;
	size_t i, len;

	*nsel = 0;
	if (n == 0) {
		msg_error("no device profiles found (see TRUSTFIX_BUNDLES_DIR "
		    "in trustfix-bundle(1))");
		return -1;
	}
	if (list == NULL || strcmp(list, "all") == 0) {
		memcpy(sel, v, n * sizeof(*v));
		*nsel = n;
		goto sort;
	}
	for (; *s != '\0'; s = *end ? end + 1 : end) {
		end = s + strcspn(s, ",");
		len = (size_t)(end - s);
		if (len == 0)
			continue;
		if ((p = find_profile(v, n, s, len)) == NULL) {
			char *d = msg_escape_len(s, len), *known = xstrdup("");

			for (i = 0; i < n; i++) {
				char *k = xasprintf("%s%s%s", known,
				    i ? ", " : "", v[i]->name);

				free(known);
				known = k;
			}
			msg_error("--device: unknown device class '%s' "
			    "(known: %s, or all)", d, known);
			free(d);
			free(known);
			return -1;
		}
		if (find_profile(sel, *nsel, s, len) == NULL)
			sel[(*nsel)++] = p;
	}
	if (*nsel == 0) {
		msg_error("--device: no device class given");
		return -1;
	}
sort:
	qsort(sel, *nsel, sizeof(*sel), cmp_profile);
	return 0;
}

/* Only CA certificates, unless self-signed or --force. */
static int
check_certs(const struct certlist *l, int force)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < l->n; i++) {
		X509 *x = l->v[i].x509;
		char *s, *e, *o;

		if (facts_is_ca(x))
			continue;
		s = facts_subject(x);
		e = msg_escape(s);
		o = msg_escape(l->v[i].origin ? l->v[i].origin : "?");
		if (facts_is_self_signed(x))
			msg_warn("%s: %s is not a CA: devices will trust "
			    "this one server certificate", o, e);
		else if (force)
			msg_warn("%s: %s is not a CA certificate; bundled "
			    "because of --force", o, e);
		else {
			msg_error("%s: %s is not a CA certificate; give its "
			    "root (or --force)", o, e);
			rc = -1;
		}
		free(s);
		free(e);
		free(o);
	}
	return rc;
}

/* OUT exists and is not an empty directory that a bundle could fill. */
static int
out_taken(const char *out)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (lstat(out, &st) < 0)
		return 0;
	if (!S_ISDIR(st.st_mode) || bundle_format_of(out) != BUNDLE_DIR ||
	    (d = opendir(out)) == NULL)
		return 1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n > 0;
}

/* The root above a server's certificate, found as export-root does. */
static int
target_root(const struct ctx *cx, const char *input,
    const struct common_opts *co, struct certlist *list)
{
	struct getchain_req req;
	struct chain *c = NULL;
	X509 *top;
	char *in = msg_escape(input), *s = NULL, *e = NULL, sha[65],
	    sha1[41];
	size_t i;
	int rc;

	memset(&req, 0, sizeof(req));
	if ((rc = getchain_path(input, co, &req, &c)) != EXIT_OK)
		goto out;
	top = c->path->v[c->path->n - 1].x509;
	s = facts_issuer(top);
	e = msg_escape(s);
	if (!chain_self_signed(top)) {
		msg_error("%s: no root reached; ask the server's "
		    "administrator for the root that issued %s", in, e);
		for (i = 0; c->aia_log != NULL && c->aia_log[i] != NULL; i++) {
			char *l = msg_escape(c->aia_log[i]);

			msg_note("AIA: %s", l);
			free(l);
		}
		rc = EXIT_FAILED;
		goto out;
	}
	facts_sha256(top, sha);
	facts_sha1(top, sha1);
	if (!root_accepted(cx, co, in, e, sha, sha1)) {
		rc = EXIT_FAILED;
		goto out;
	}
	certlist_add1(list, top, input, c->path->v[c->path->n - 1].source);
	rc = EXIT_OK;
out:
	chain_free(c);
	free(s);
	free(e);
	free(in);
	return rc;
}

/* Passwords, the certificates of the operands, the signer. */
static int
load_inputs(struct ctx *c, struct common_opts *co, char **files,
    int nfiles, struct certlist *list, char **password, char **store_pw)
{
	struct load_opts lo = { NULL };
	int i, rc;

	if (co->password_file != NULL &&
	    (*password = load_password_file(co->password_file)) == NULL)
		return EXIT_INPUT;
	if (c->store_password_file != NULL) {
		*store_pw = load_password_file(c->store_password_file);
		if (*store_pw == NULL)
			return EXIT_INPUT;
		if (**store_pw == '\0') {
			msg_error("%s: the truststore password is empty",
			    c->store_password_file);
			return EXIT_INPUT;
		}
		c->bo.store_password = *store_pw;
	}
	lo.password = *password;
	for (i = 0; i < nfiles; i++) {
		/* Only URLs go to the network: a missing file is an error. */
		if (strstr(files[i], "://") != NULL) {
			if ((rc = target_root(c, files[i], co, list)) != EXIT_OK)
				return rc;
		} else if (load_file(files[i], &lo, list) < 0)
			return EXIT_INPUT;
	}
	if (c->sign_cert != NULL)
		return load_signer(c, *password);
	return EXIT_OK;
}

static void
free_secret(char *s)
{
	if (s != NULL)
		OPENSSL_cleanse(s, strlen(s));
	free(s);
}

static int
usage_checks(const struct ctx *c, int first, int argc)
{
	if (first >= argc)
		msg_error("give the certificate files to bundle");
	else if (c->out == NULL || *c->out == '\0')
		msg_error("give the output with -o OUT (NAME.zip, "
		    "NAME.tar.gz or a directory)");
	else if ((c->sign_cert == NULL) != (c->sign_key == NULL))
		msg_error("--sign-cert and --sign-key go together");
	else
		return 0;
	fprintf(stderr, "Try 'trustfix bundle --help'.\n");
	return -1;
}

int
cmd_bundle(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	struct ctx c;
	struct devprofile **profiles = NULL, **sel = NULL;
	struct certlist *list = certlist_new();
	struct bundle *b = NULL;
	char *password = NULL, *store_pw = NULL, *o;
	size_t nprofiles = 0, nsel = 0, i;
	time_t t;
	int first, rc = EXIT_USAGE;

	memset(&c, 0, sizeof(c));
	first = opt_parse(cmd, argc, argv, specs, handle, &c, co);
	if (first == -2)
		rc = EXIT_OK;
	if (first < 0 || usage_checks(&c, first, argc) < 0)
		goto out;
	msg_set_quiet(co->json);
	if (!co->force && out_taken(c.out)) {
		o = msg_escape(c.out);
		msg_error("%s exists; --force replaces it", o);
		free(o);
		rc = EXIT_FAILED;
		goto out;
	}
	rc = EXIT_INPUT;
	if (load_profiles(&c, &profiles, &nprofiles) < 0)
		goto out;
	sel = xcalloc(nprofiles + 1, sizeof(*sel));
	if (select_devices(c.devices, profiles, nprofiles, sel, &nsel) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = load_inputs(&c, co, argv + first, argc - first, list,
	    &password, &store_pw)) != EXIT_OK)
		goto out;
	rc = EXIT_USAGE;
	if (bundle_epoch(list, &t) < 0)
		goto out;
	rc = EXIT_FAILED;
	if (check_certs(list, co->force) < 0)
		goto out;
	b = bundle_new(list, t);
	for (i = 0; i < nsel; i++)
		if (bundle_add_device(b, sel[i], &c.bo) < 0)
			goto out;
	/*
	 * libarchive writes a zip entry's DOS date in local time: the
	 * process runs in UTC so that a bundle is the same byte for byte
	 * wherever it is made (its other dates are UTC already).
	 */
	if (setenv("TZ", "UTC0", 1) == 0)
		tzset();
	if (bundle_add_manifest(b) < 0 || bundle_write(b, c.out, co->force))
		goto out;
	if (co->json)
		out_json_print(stdout, out_json_bundle(b, c.out));
	else
		out_text_bundle(stdout, b, c.out);
	rc = EXIT_OK;
out:
	for (i = 0; i < nprofiles; i++)
		devprofile_free(profiles[i]);
	free(profiles);
	free(sel);
	free(c.profiles);
	certlist_free(list);
	bundle_free(b);
	X509_free(c.bo.sign_cert);
	sk_X509_pop_free(c.bo.sign_chain, X509_free);
	EVP_PKEY_free(c.bo.sign_key);
	free_secret(password);
	free_secret(store_pw);
	return rc;
}

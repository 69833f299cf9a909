/* cmd-import.c - the import command: checked certificates become anchors. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "cmd.h"
#include "exitcode.h"
#include "facts.h"
#include "hostopts.h"
#include "load.h"
#include "msg.h"
#include "out.h"
#include "store.h"

enum {
	OPT_PURPOSE = OPT_COMMON_LAST,
	OPT_EXPECT,
	OPT_EXPECT_SHA1,
	OPT_LABEL
};

static const struct opt_spec specs[] = {
	OPT_ROW_STORE,
	{ "purpose", 0, required_argument, OPT_PURPOSE, "PURPOSE",
	    "trust only for PURPOSE: server-auth, client-auth, email, "
	    "code-signing (comma-separated)" },
	{ "expect-sha256", 0, required_argument, OPT_EXPECT, "HEX",
	    "refuse any certificate with another SHA-256 fingerprint" },
	{ "expect-sha1", 0, required_argument, OPT_EXPECT_SHA1, "HEX",
	    "refuse any certificate with another SHA-1 (Windows thumbprint)" },
	{ "label", 0, required_argument, OPT_LABEL, "NAME",
	    "label the anchor trustfix:NAME (default: its common name)" },
	OPT_ROW_ALSO,
	OPT_ROW_HOME,
	OPT_ROW_JAVA_KEYSTORE,
	OPT_ROW_JAVA_PASSWORD_FILE,
	OPT_ROW_NSSDB,
	OPT_ROW_RELOAD,
	OPT_ROW_SERVICE,
	OPT_ROW_PASSWORD_FILE,
	OPT_ROW_YES,
	OPT_ROW_FORCE,
	OPT_ROW_DRY_RUN,
	OPT_ROW_JSON,
	OPT_ROW_HELP,
	OPT_ROW_END
};

struct import_opts {
	int		 purposes;
	char		 expect[65];
	char		 expect_sha1[65];
	const char	*label;
	struct hostopts	 host;		/* --also and its stores */
};

static int
handle(int key, const char *arg, void *ctx)
{
	struct import_opts *o = ctx;
	char *e;

	switch (key) {
	case OPT_PURPOSE:
		if ((o->purposes = store_purposes_parse(arg)) == -1) {
			e = msg_escape(arg);
			msg_error("--purpose: expected server-auth, "
			    "client-auth, email or code-signing, not '%s'", e);
			free(e);
			return -1;
		}
		return 0;
	case OPT_EXPECT:
		return opt_fingerprint(64, arg, o->expect);
	case OPT_EXPECT_SHA1:
		return opt_fingerprint(40, arg, o->expect_sha1);
	case OPT_LABEL:
		if (*arg == '\0') {
			msg_error("--label: expected a name");
			return -1;
		}
		if (strlen(arg) > STORE_LABEL_MAX) {
			msg_error("--label: longer than %d bytes",
			    STORE_LABEL_MAX);
			return -1;
		}
		o->label = arg;
		return 0;
	}
	return hostopts_handle(&o->host, key, arg) == 0 ? 0 : -1;
}

/*
 * Why OpenSSL would use x to sign other certificates although its
 * basicConstraints do not say CA:TRUE (X509_check_ca()), or NULL.
 */
static const char *
hidden_ca_reason(X509 *x)
{
	uint32_t fl = X509_get_extension_flags(x);

	if (fl & EXFLAG_BCONS)
		return NULL;
	switch (X509_check_ca(x)) {
	case 3:
		return "it is a self-signed X.509 version 1 certificate";
	case 4:
		return "its keyUsage allows keyCertSign";
	case 5:
		return "its Netscape certificate type names a CA";
	}
	return NULL;
}

/* What makes x a trust anchor that no client will use; NULL if none. */
static const char *
useless_reason(X509 *x)
{
	uint32_t fl = X509_get_extension_flags(x);
	EVP_PKEY *k = X509_get0_pubkey(x);

	if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0)
		return "it has expired";
	if (k == NULL || EVP_PKEY_get_security_bits(k) < 112)
		return "its key is weak (under 112 bits of security)";
	if (fl & EXFLAG_CRITICAL)
		return "it has a critical extension that OpenSSL does not know";
	if (facts_is_self_issued(x) && !facts_is_self_signed(x))
		return "its self-signature does not verify";
	return NULL;
}

/* A refusal that --force overrides; 0 to go on, -1 refused. */
static int
refuse(const struct common_opts *co, const char *why, const char *then)
{
	if (co->force) {
		msg_warn("%s; importing it because of --force", why);
		return 0;
	}
	msg_error("refused: %s; %s, or use --force", why, then);
	return -1;
}

/* The refusals of DESIGN.md; 0 when x may be imported. */
static int
check_cert(X509 *x, const char *fp, const struct import_opts *o,
    const struct common_opts *co)
{
	char sha1[41];
	const char *why;
	int rc = 0;

	if (o->expect[0] != '\0' && strcmp(fp, o->expect) != 0) {
		msg_error("refused: the certificate's SHA-256 is %s, "
		    "not the expected %s", fp, o->expect);
		return -1;
	}
	facts_sha1(x, sha1);
	if (o->expect_sha1[0] != '\0' && strcmp(sha1, o->expect_sha1) != 0) {
		msg_error("refused: the certificate's SHA-1 is %s, "
		    "not the expected %s", sha1, o->expect_sha1);
		return -1;
	}
	if ((why = useless_reason(x)) != NULL)
		msg_warn("no client will use this anchor: %s", why);
	if ((why = hidden_ca_reason(x)) != NULL) {
		msg_warn("this certificate has no basicConstraints, but "
		    "OpenSSL uses it as a CA because %s: whoever holds its "
		    "key can sign certificates for any name", why);
		rc = refuse(co, "it would be trusted as a CA without "
		    "saying so", "ask for a certificate with basicConstraints");
	} else if (facts_is_ca(x) && X509_check_ca(x) == 0)
		rc = refuse(co, "basicConstraints says CA:TRUE but its "
		    "keyUsage lacks keyCertSign, so no client accepts what it "
		    "signs", "import the CA that signs its servers instead");
	else if (facts_is_ca(x))
		rc = 0;
	else if (facts_is_self_signed(x))
		msg_warn("this is a server's own self-signed certificate, "
		    "not a CA (basicConstraints CA:FALSE or none): trusting "
		    "it trusts that one server only");
	else
		rc = refuse(co, "the certificate is not a CA (no CA:TRUE) "
		    "and not self-signed", "import its root instead (see "
		    "'trustfix export-root')");
	return rc;
}

/* Import and verify one certificate; returns an exit code. */
static int
import_one(struct store *st, struct cert_entry *e, const char *label,
    const struct import_opts *o, const struct common_opts *co,
    struct change_report *rep)
{
	char *name = label ? xstrdup(label) : store_default_label(e->x509);
	char *advice = NULL, *plan = NULL, sha[65];
	struct change_anchor *a;
	int r, code = EXIT_OK;

	r = store_import(st, e->x509, name, (unsigned)o->purposes,
	    co->dry_run);
	if (r == STORE_REFUSED || r == -1) {
		code = r == -1 ? EXIT_STORE : EXIT_FAILED;
		goto out;
	}
	if (r == 1 && !co->dry_run &&
	    store_verify(st, e->x509, 1, &advice) == -1) {
		msg_error("imported, but the check afterwards failed: %s",
		    advice);
		code = EXIT_STORE;
	}
	if (r == 1 && co->dry_run)
		plan = store_import_plan(st, e->x509, name);
	if (!co->json && plan != NULL)
		printf("%s (dry run: nothing changed)\n", plan);
	else if (!co->json)
		printf("%s\n", r == 0 ? "already trusted, nothing changed" :
		    code == EXIT_OK ? "imported and verified" :
		    "imported, not verified");
	facts_sha256(e->x509, sha);
	a = change_add(rep, e->x509, SOURCE_FILE, sha);
	a->file = xstrdup(e->origin ? e->origin : "");
	a->label = xasprintf("trustfix:%s", name);
	a->changed = r == 1;
	a->plan = plan;
	plan = NULL;
	a->verified = r == 0 || (!co->dry_run && code == EXIT_OK);
	if (code == EXIT_OK && o->host.also != 0 && (r = hostopts_apply(
	    &o->host, st, e->x509, name, 1, co, a)) != 0)
		code = r == HOSTSTORE_REFUSED ? EXIT_FAILED : EXIT_STORE;
out:
	free(plan);
	free(advice);
	free(name);
	return code;
}

static int
load_all(int argc, char **argv, const struct common_opts *co,
    struct certlist *list)
{
	struct load_opts lo = { NULL };
	int i, rc = 0;

	if (co->password_file != NULL &&
	    (lo.password = load_password_file(co->password_file)) == NULL)
		return -1;
	for (i = 0; i < argc; i++)
		if (load_file(argv[i], &lo, list) == -1)
			rc = -1;
	if (lo.password != NULL) {
		OPENSSL_cleanse((char *)lo.password, strlen(lo.password));
		free((char *)lo.password);
	}
	return rc;
}

static int
run_import(struct certlist *list, const struct import_opts *o,
    const struct common_opts *co)
{
	struct store *st = NULL;
	struct change_report rep;
	size_t i;
	int code = EXIT_OK, c;

	memset(&rep, 0, sizeof(rep));
	if (store_open(co->store, co->dry_run ? 0 : STORE_WRITE, &st) == -1) {
		code = EXIT_STORE;
		goto out;
	}
	if (o->purposes != 0 && !store_has_purposes(st)) {
		msg_error("refused: the %s store cannot restrict an anchor to "
		    "a purpose, so it would be trusted for every purpose; "
		    "import without --purpose to trust it for all, or into "
		    "a p11-kit store (--store DIR)", store_backend_name(st));
		code = EXIT_FAILED;
		goto out;
	}
	for (i = 0; i < list->n; i++) {
		if (!co->json && list->n > 1)
			printf("%s", i ? "\n" : "");
		c = import_one(st, &list->v[i], o->label, o, co, &rep);
		if (c != EXIT_OK) {
			code = c;
			break;
		}
	}
	if (hostopts_services(&o->host, co, &rep) != 0 && code == EXIT_OK)
		code = EXIT_FAILED;
	if (co->json)
		out_json_print(stdout, out_json_change(st, &rep));
out:
	change_clear(&rep);
	store_close(st);
	return code;
}

int
cmd_import(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	struct import_opts o;
	struct certlist *list = NULL;
	char fp[65];
	size_t i;
	int first, code = EXIT_FAILED;

	memset(&o, 0, sizeof(o));
	if ((first = opt_parse(cmd, argc, argv, specs, handle, &o, co)) < 0)
		return opt_exit(first);
	if (opt_operands(argc - first, argv + first, 1, -1,
	    "one or more certificate files") != 0)
		return EXIT_USAGE;
	msg_set_quiet(co->json);
	list = certlist_new();
	if (load_all(argc - first, argv + first, co, list) == -1) {
		code = EXIT_INPUT;
		goto out;
	}
	for (i = 0; i < list->n; i++) {
		facts_sha256(list->v[i].x509, fp);
		out_text_subject_sha256(co->json ? stderr : stdout,
		    list->v[i].x509, fp);
		if (check_cert(list->v[i].x509, fp, &o, co) == -1)
			goto out;
	}
	if (!co->yes && !co->dry_run && !msg_confirm("check the fingerprint "
	    "and ", "Trust %s in %s", list->n == 1 ? "this certificate" :
	    "these certificates", co->store ? co->store :
	    "the system trust store"))
		goto out;
	code = run_import(list, &o, co);
out:
	hostopts_clear(&o.host);
	certlist_free(list);
	return code;
}

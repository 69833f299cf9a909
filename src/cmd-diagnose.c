/* cmd-diagnose.c - the diagnose command: would a client trust it, why not. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "anchors.h"
#include "cmd.h"
#include "diagnose.h"
#include "exitcode.h"
#include "fetch.h"
#include "load.h"
#include "msg.h"
#include "names.h"
#include "out-diagnose.h"
#include "out.h"
#include "store.h"
#include "target.h"

enum {
	OPT_CHAIN = OPT_COMMON_LAST,
	OPT_UNTRUSTED,
	OPT_NAME,
	OPT_TRUST,
	OPT_AT,
	OPT_PURPOSE,
	OPT_CHECK_REVOCATION
};

static const struct opt_spec specs[] = {
	{ "chain", 0, required_argument, OPT_CHAIN, "FILE",
	    "offline: the certificates of FILE, leaf first" },
	{ "untrusted", 0, required_argument, OPT_UNTRUSTED, "FILE",
	    "intermediates the client has (not sent)" },
	{ "name", 0, required_argument, OPT_NAME, "HOST|IP",
	    "name the client asks for (default: the host)" },
	{ "trust", 0, required_argument, OPT_TRUST, "FILE|DIR",
	    "trust only these anchors (repeatable)" },
	OPT_ROW_STORE,
	{ "at", 0, required_argument, OPT_AT, "TIME",
	    "YYYY-MM-DD[THH:MM:SSZ] or epoch seconds" },
	{ "purpose", 0, required_argument, OPT_PURPOSE, "PURPOSE",
	    "server-auth (the default), or any" },
	OPT_ROW_NO_AIA,
	{ "check-revocation", 0, no_argument, OPT_CHECK_REVOCATION, NULL,
	    "ask OCSP responders and CRL servers" },
	OPT_ROW_JSON,
	OPT_ROW_TIMEOUT,
	OPT_ROW_SNI,
	OPT_ROW_CONNECT,
	OPT_ROW_PASSWORD_FILE,
	OPT_ROW_HELP,
	OPT_ROW_END
};

struct dopts {
	const char	*chain;
	const char	*untrusted[16];
	int		 nuntrusted;
	const char	*name;
	const char	*trust[64];
	int		 ntrust;
	time_t		 at;
	int		 at_given;
	int		 purpose;	/* -1 unset, 0 any, 1 server-auth */
	int		 check_revocation;
};

/* "2026-01-02", "2026-01-02T03:04:05Z" or seconds since the epoch. */
static int
parse_time(const char *s, time_t *t)
{
	struct tm tm;
	const char *end;
	char *e;
	long long v;

	if (*s != '\0' && strspn(s, "0123456789") == strlen(s)) {
		errno = 0;
		v = strtoll(s, &e, 10);
		if (errno != 0)
			return -1;
		*t = (time_t)v;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end != NULL && *end == 'T')
		end = strptime(end, "T%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0' || strlen(s) < 10)
		return -1;
	*t = timegm(&tm);
	return 0;
}

static int
handle(int key, const char *arg, void *ctx)
{
	struct dopts *d = ctx;
	char *e;

	switch (key) {
	case OPT_CHAIN:
		d->chain = arg;
		return 0;
	case OPT_UNTRUSTED:
		if (d->nuntrusted == 16) {
			msg_error("--untrusted: at most 16 files");
			return -1;
		}
		d->untrusted[d->nuntrusted++] = arg;
		return 0;
	case OPT_NAME:
		d->name = arg;
		return 0;
	case OPT_TRUST:
		if (d->ntrust == 64) {
			msg_error("--trust: at most 64 files or directories");
			return -1;
		}
		d->trust[d->ntrust++] = arg;
		return 0;
	case OPT_AT:
		if (parse_time(arg, &d->at) != 0) {
			e = msg_escape(arg);
			msg_error("--at: expected YYYY-MM-DD, "
			    "YYYY-MM-DDTHH:MM:SSZ or seconds, not '%s'", e);
			free(e);
			return -1;
		}
		d->at_given = 1;
		return 0;
	case OPT_PURPOSE:
		if (strcmp(arg, "server-auth") == 0)
			d->purpose = 1;
		else if (strcmp(arg, "any") == 0)
			d->purpose = 0;
		else {
			e = msg_escape(arg);
			msg_error("--purpose: expected server-auth or any, "
			    "not '%s'", e);
			free(e);
			return -1;
		}
		return 0;
	case OPT_CHECK_REVOCATION:
		d->check_revocation = 1;
		return 0;
	}
	return -1;
}

/* The anchors in use.  Returns an exit code; *st is set on EXIT_OK. */
static int
load_anchors(const struct dopts *d, struct common_opts *co, X509_STORE **st,
    int *deflt)
{
	struct store *s = NULL;
	int i;

	*deflt = 0;
	if (d->ntrust > 0) {
		if ((*st = X509_STORE_new()) == NULL)
			return EXIT_FAILED;
		for (i = 0; i < d->ntrust; i++)
			if (anchors_add_path(*st, d->trust[i]) < 0)
				return EXIT_INPUT;
		return EXIT_OK;
	}
	if (co->store != NULL) {
		if (store_open(co->store, 0, &s) != 0)
			return EXIT_STORE;
		*st = store_get1_x509_store(s);
		store_close(s);
		return *st != NULL ? EXIT_OK : EXIT_STORE;
	}
	*deflt = 1;
	*st = anchors_default();
	return *st != NULL ? EXIT_OK : EXIT_FAILED;
}

/* Certificates of a file as if a server had sent them. */
static int
load_sent(const char *path, const char *pw, struct certlist **out)
{
	struct load_opts lo = { pw };
	struct certlist *l = certlist_new();
	size_t i;

	if (load_file(path, &lo, l) != 0) {
		certlist_free(l);
		return EXIT_INPUT;
	}
	for (i = 0; i < l->n; i++)
		l->v[i].source = SOURCE_SERVER;
	*out = l;
	return EXIT_OK;
}

static int
print(const struct diagnosis *d, const struct target *t,
    const struct diag_opts *o, const char *address, unsigned port, int json)
{
	json_t *tj;
	char *what;

	if (json) {
		if (t != NULL && target_is_network(t))
			tj = out_json_target(t, address, port);
		else {
			tj = json_object();
			json_object_set_new(tj, "input", json_string(
			    o->target ? o->target : ""));
			json_object_set_new(tj, "protocol",
			    json_string("file"));
			json_object_set_new(tj, "host", json_null());
			json_object_set_new(tj, "port", json_null());
			json_object_set_new(tj, "address", json_null());
		}
		json_object_set_new(tj, "name", o->name ?
		    json_string(o->name) : json_null());
		return out_json_print(stdout, out_diagnose_json(tj, d));
	}
	if (t != NULL && target_is_network(t))
		what = xasprintf("%s (%s port %u, name %s)", t->input,
		    address ? address : t->connect_host, port ? port :
		    t->connect_port, o->name);
	else
		what = xasprintf("%s%s%s", o->target, o->name ? ", name " : "",
		    o->name ? o->name : "");
	out_diagnose_text(stdout, what, d, out_color(stdout));
	free(what);
	return 0;
}

static struct diagnosis *
diagnose_server(const struct target *t, struct common_opts *co,
    const struct diag_opts *o, struct fetch_result *r)
{
	struct diagnosis *d;
	struct fetch_result old;
	int left, got;

	got = fetch_chain(t, co->timeout * 1000, 0, r) == 0;
	diagnose_set_security_level(r->security_level);
	if (got)
		return diagnose_chain(r->chain, o);
	left = (int)(o->deadline - time(NULL));
	memset(&old, 0, sizeof(old));
	if (strncmp(r->error, "TLS handshake failed", 20) == 0 && left > 0 &&
	    fetch_chain(t, left * 1000, FETCH_ALLOW_OLD, &old) == 0 &&
	    old.old_protocol) {
		d = diagnose_chain(old.chain, o);
		diagnose_old_protocol(d, old.protocol, o);
		fetch_result_clear(r);
		*r = old;
		return d;
	}
	fetch_result_clear(&old);
	return diagnose_no_certificate(r->error, o);
}

static int
check_operands(int argc, char **argv, int i, const struct dopts *d,
    struct common_opts *co, struct target *t)
{
	char *e;

	if (argc - i > 1 || (argc - i == 1) == (d->chain != NULL)) {
		msg_error("give one TARGET, or --chain FILE");
		fprintf(stderr, "Try 'trustfix diagnose --help'.\n");
		return EXIT_USAGE;
	}
	if (d->chain != NULL)
		return EXIT_OK;
	if (strstr(argv[i], "://") == NULL && strchr(argv[i], '/') == NULL &&
	    strchr(argv[i], ':') == NULL && access(argv[i], F_OK) != 0 &&
	    (strcasestr(argv[i], ".pem") || strcasestr(argv[i], ".crt") ||
	    strcasestr(argv[i], ".cer") || strcasestr(argv[i], ".der"))) {
		e = msg_escape(argv[i]);
		msg_error("cannot read %s: %s", e, strerror(errno));
		free(e);
		return EXIT_INPUT;
	}
	if (target_parse(argv[i], co->sni, co->connect, t) != 0)
		return EXIT_USAGE;
	return EXIT_OK;
}

static int
load_untrusted(const struct dopts *d, struct certlist **out)
{
	size_t j;
	int i;

	if (d->nuntrusted == 0)
		return EXIT_OK;
	*out = certlist_new();
	for (i = 0; i < d->nuntrusted; i++)
		if (load_file(d->untrusted[i], NULL, *out) != 0)
			return EXIT_INPUT;
	for (j = 0; j < (*out)->n; j++)
		(*out)->v[j].source = SOURCE_GIVEN;
	return EXIT_OK;
}

static void
fill_opts(struct diag_opts *o, const struct dopts *d,
    const struct common_opts *co, int net)
{
	o->at = d->at_given ? d->at : time(NULL);
	o->at_given = d->at_given;
	o->server_auth = d->purpose != 0;
	o->aia = !co->no_aia;
	o->check_revocation = d->check_revocation;
	o->timeout = co->timeout;
	o->deadline = time(NULL) + co->timeout;
	o->network = net;
	o->connect = net ? co->connect : NULL;
	o->store = d->ntrust == 0 ? co->store : NULL;
}

int
cmd_diagnose(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	struct dopts d;
	struct diag_opts o;
	struct target t;
	struct fetch_result r;
	struct certlist *sent = NULL, *untr = NULL;
	struct diagnosis *dg = NULL;
	X509_STORE *st = NULL;
	char *pw = NULL, *e;
	int i, rc, net;

	memset(&d, 0, sizeof(d));
	memset(&o, 0, sizeof(o));
	memset(&t, 0, sizeof(t));
	memset(&r, 0, sizeof(r));
	d.purpose = -1;
	if ((i = opt_parse(cmd, argc, argv, specs, handle, &d, co)) < 0)
		return i == -2 ? EXIT_OK : EXIT_USAGE;
	if ((rc = check_operands(argc, argv, i, &d, co, &t)) != EXIT_OK)
		goto out;
	net = d.chain == NULL && target_is_network(&t);
	o.name = d.name ? d.name : net ? t.host : NULL;
	if (o.name != NULL && !names_valid(o.name)) {
		e = msg_escape(o.name);
		msg_error("'%s' is no host name and no IP address", e);
		free(e);
		rc = EXIT_USAGE;
		goto out;
	}
	if (net && d.name != NULL) {
		free(t.name);
		t.name = xstrdup(d.name);
	}
	rc = EXIT_INPUT;
	if (co->password_file != NULL &&
	    (pw = load_password_file(co->password_file)) == NULL)
		goto out;
	if ((rc = load_anchors(&d, co, &st, &o.default_anchors)) != EXIT_OK ||
	    (rc = load_untrusted(&d, &untr)) != EXIT_OK)
		goto out;
	fill_opts(&o, &d, co, net);
	o.anchors = st;
	o.untrusted = untr;
	o.target = d.chain ? d.chain : argv[i];
	if (net)
		dg = diagnose_server(&t, co, &o, &r);
	else if ((rc = load_sent(d.chain ? d.chain : t.path, pw, &sent)) !=
	    EXIT_OK)
		goto out;
	else
		dg = diagnose_chain(sent, &o);
	rc = dg->chain == NULL ? EXIT_NETWORK : dg->trusted ? EXIT_OK :
	    EXIT_FAILED;
	if (print(dg, net ? &t : NULL, &o, r.address, r.port, co->json) != 0)
		rc = EXIT_FAILED;
out:
	diagnosis_free(dg);
	if (pw != NULL)
		OPENSSL_clear_free(pw, strlen(pw));
	certlist_free(sent);
	certlist_free(untr);
	X509_STORE_free(st);
	fetch_result_clear(&r);
	target_clear(&t);
	return rc;
}

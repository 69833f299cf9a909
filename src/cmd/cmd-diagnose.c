/* cmd-diagnose.c - the diagnose command: would a client trust it, why not. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "cmd.h"
#include "diagnose.h"
#include "diagopts.h"
#include "exitcode.h"
#include "getchain.h"
#include "fetch.h"
#include "load.h"
#include "msg.h"
#include "names.h"
#include "out-diagnose.h"
#include "out-nagios.h"
#include "out.h"
#include "target.h"

enum {
	OPT_NAGIOS = OPT_DIAG_LAST
};

static const struct opt_spec specs[] = {
	{ "chain", 0, required_argument, OPT_CHAIN, "FILE",
	    "offline: the certificates of FILE, leaf first" },
	DIAGOPTS_ROWS,
	OPT_ROW_LDAP_HOST,
	OPT_ROW_JSON,
	{ "nagios", 0, no_argument, OPT_NAGIOS, NULL,
	    "one Nagios/Icinga status line; exit 0 OK, 1 WARNING, "
	    "2 CRITICAL, 3 UNKNOWN" },
	OPT_ROW_TIMEOUT,
	OPT_ROW_SNI,
	OPT_ROW_CONNECT,
	OPT_ROW_PASSWORD_FILE,
	OPT_ROW_HELP,
	OPT_ROW_END
};

struct diagnose_args {
	struct dopts	 d;
	int		 nagios;
};

static int
handle(int key, const char *arg, void *ctx)
{
	struct diagnose_args *a = ctx;

	if (key == OPT_CHAIN) {
		a->d.chain = arg;
		return 0;
	}
	if (key == OPT_NAGIOS) {
		a->nagios = 1;
		return 0;
	}
	return diagopts_handle(&a->d, key, arg) == 0 ? 0 : -1;
}

static int
verdict_code(const struct diagnosis *d)
{
	return d->chain == NULL ? EXIT_NETWORK : d->trusted ? EXIT_OK :
	    EXIT_FAILED;
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

/* Prints d; returns an exit code. */
static int
print(const struct diagnosis *d, const struct target *t,
    const struct diag_opts *o, const char *address, unsigned port,
    const struct common_opts *co, int nagios)
{
	char *what;

	if (nagios)
		return (int)out_nagios(stdout, o->target, d, o,
		    d->findings.n == 0 ? NULL : d->findings.v[0].detail ?
		    d->findings.v[0].detail : d->findings.v[0].summary);
	if (co->json)
		return out_json_print(stdout,
		    out_diagnose_document(d, t, o, address, port)) == 0 ?
		    verdict_code(d) : EXIT_FAILED;
	if (t != NULL && target_is_network(t))
		what = xasprintf("%s (%s port %u, name %s)", t->input,
		    address ? address : t->connect_host, port ? port :
		    t->connect_port, o->name);
	else
		what = xasprintf("%s%s%s", o->target, o->name ? ", name " : "",
		    o->name ? o->name : "");
	out_diagnose_text(stdout, what, d, out_color(stdout));
	free(what);
	return verdict_code(d);
}

static struct diagnosis *
diagnose_server(const struct target *t, struct common_opts *co,
    const struct diag_opts *o, struct fetch_result *r)
{
	struct diagnosis *d;
	struct fetch_result old;

	if (getchain_fetch(t, co->timeout * 1000, r, &old) == &old &&
	    old.old_protocol) {
		d = diagopts_diagnose_fetched(r, &old, o);
		fetch_result_clear(r);
		*r = old;
		return d;
	}
	d = diagopts_diagnose_fetched(r, NULL, o);
	fetch_result_clear(&old);
	return d;
}

static int
check_operands(int argc, char **argv, int i, const struct dopts *d,
    struct common_opts *co, struct target *t)
{
	if (argc - i > 1 || (argc - i == 1) == (d->chain != NULL)) {
		msg_error("give one TARGET, or --chain FILE");
		fprintf(stderr, "Try 'trustfix diagnose --help'.\n");
		return EXIT_USAGE;
	}
	if (d->chain != NULL)
		return EXIT_OK;
	if (target_parse(argv[i], co->sni, co->connect, t) != 0)
		return EXIT_USAGE;
	return EXIT_OK;
}

int
cmd_diagnose(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	struct diagnose_args a;
	struct dopts *d = &a.d;
	struct diag_opts o;
	struct target t;
	struct fetch_result r;
	struct certlist *sent = NULL, *untr = NULL;
	struct diagnosis *dg = NULL;
	X509_STORE *st = NULL;
	char *pw = NULL, *e;
	int i, rc, net, dg_done = 0;

	memset(&a, 0, sizeof(a));
	diagopts_init(d);
	memset(&o, 0, sizeof(o));
	memset(&t, 0, sizeof(t));
	memset(&r, 0, sizeof(r));
	if ((i = opt_parse(cmd, argc, argv, specs, handle, &a, co)) < 0)
		return i == -2 ? EXIT_OK : a.nagios ? NAGIOS_UNKNOWN :
		    EXIT_USAGE;
	if (a.nagios && co->json) {
		msg_error("--nagios and --json: give one of them");
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = check_operands(argc, argv, i, d, co, &t)) != EXIT_OK)
		goto out;
	net = d->chain == NULL && target_is_network(&t);
	o.name = d->name ? d->name : net ? t.host : NULL;
	if (o.name != NULL && !names_valid(o.name)) {
		e = msg_escape(o.name);
		msg_error("'%s' is no host name and no IP address", e);
		free(e);
		rc = EXIT_USAGE;
		goto out;
	}
	if (net && d->name != NULL) {
		free(t.name);
		t.name = xstrdup(d->name);
	}
	rc = EXIT_INPUT;
	if (co->password_file != NULL &&
	    (pw = load_password_file(co->password_file)) == NULL)
		goto out;
	if ((rc = diagopts_load(d, co, &st, &o.default_anchors, &untr)) !=
	    EXIT_OK)
		goto out;
	diagopts_fill(&o, d, co, net);
	if (o.ldap_host == NULL && net)
		o.ldap_host = t.host;
	o.anchors = st;
	o.untrusted = untr;
	o.target = d->chain ? d->chain : argv[i];
	if (net)
		dg = diagnose_server(&t, co, &o, &r);
	else if ((rc = load_sent(d->chain ? d->chain : t.path, pw, &sent)) !=
	    EXIT_OK)
		goto out;
	else
		dg = diagnose_chain(sent, &o);
	rc = print(dg, net ? &t : NULL, &o, r.address, r.port, co, a.nagios);
	dg_done = 1;
out:
	if (a.nagios && !dg_done) {
		/* What stopped us was reported on stderr already. */
		printf("TRUSTFIX UNKNOWN - %s: no diagnosis (see the error "
		    "on standard error)\n", o.target ? o.target :
		    i < argc ? argv[i] : "diagnose");
		rc = NAGIOS_UNKNOWN;
	}
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

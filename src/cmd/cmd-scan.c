/* cmd-scan.c - the scan command: diagnose many servers at once. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cmd.h"
#include "diagnose.h"
#include "diagopts.h"
#include "exitcode.h"
#include "factsmemo.h"
#include "httpcache.h"
#include "load.h"
#include "monoclock.h"
#include "msg.h"
#include "names.h"
#include "out-diagnose.h"
#include "out.h"
#include "scanloop.h"
#include "scanout.h"
#include "scansrc.h"
#include "target.h"

/* Certificates whose facts a scan keeps: a few MB at most. */
#define SCAN_FACTS_MEMO	4096

enum {
	OPT_CONCURRENCY = OPT_DIAG_LAST,
	OPT_PER_HOST,
	OPT_RATE,
	OPT_RESUME,
	OPT_FROM
};

static const struct opt_spec specs[] = {
	{ "from", 0, required_argument, OPT_FROM, "SOURCE",
	    "targets from postfix[:DIR], fetchmail[:FILE], exim[:FILE], "
	    "crm:FILE" },
	{ "concurrency", 0, required_argument, OPT_CONCURRENCY, "N",
	    "connections at once (default 64)" },
	{ "per-host", 0, required_argument, OPT_PER_HOST, "N",
	    "connections at once to one host (default 2)" },
	{ "rate", 0, required_argument, OPT_RATE, "N",
	    "new connections per second at most" },
	{ "resume", 0, required_argument, OPT_RESUME, "OUT",
	    "skip the targets already in the JSON Lines file OUT" },
	DIAGOPTS_ROWS,
	{ "json", 0, no_argument, OPT_JSON, NULL,
	    "print JSON Lines: one document per target, then a summary" },
	{ "timeout", 0, required_argument, OPT_TIMEOUT, "SECONDS",
	    "give up on a target after SECONDS (default 10)" },
	OPT_ROW_SNI,
	OPT_ROW_CONNECT,
	OPT_ROW_PASSWORD_FILE,
	OPT_ROW_HELP,
	OPT_ROW_END
};

struct sopts {
	struct dopts	 d;
	int		 concurrency;
	int		 per_host;
	int		 rate;
	const char	*resume;
	const char	*from[16];
	int		 nfrom;
};

static int
handle(int key, const char *arg, void *ctx)
{
	struct sopts *s = ctx;

	switch (key) {
	case OPT_CONCURRENCY:
		s->concurrency = opt_positive("concurrency", arg,
		    SCANLOOP_MAX_CONCURRENCY);
		return s->concurrency < 0 ? -1 : 0;
	case OPT_PER_HOST:
		s->per_host = opt_positive("per-host", arg,
		    SCANLOOP_MAX_CONCURRENCY);
		return s->per_host < 0 ? -1 : 0;
	case OPT_RATE:
		s->rate = opt_positive("rate", arg, 100000);
		return s->rate < 0 ? -1 : 0;
	case OPT_RESUME:
		s->resume = arg;
		return 0;
	case OPT_FROM:
		if (s->nfrom == 16) {
			msg_error("--from: at most 16 sources");
			return -1;
		}
		s->from[s->nfrom++] = arg;
		return 0;
	}
	return diagopts_handle(&s->d, key, arg) == 0 ? 0 : -1;
}

/* The targets: FILE or - as a list, and every --from. */
static int
read_targets(int argc, char **argv, int i, const struct sopts *s,
    struct scan_list *l)
{
	int k, rc;

	if (argc - i > 1 || (argc - i == 0 && s->nfrom == 0)) {
		msg_error("give one FILE of targets (or -), or --from SOURCE");
		fprintf(stderr, "Try 'trustfix scan --help'.\n");
		return EXIT_USAGE;
	}
	for (k = 0; k < s->nfrom; k++)
		if ((rc = scansrc_from(s->from[k], l)) != 0)
			return rc == -2 ? EXIT_USAGE : EXIT_INPUT;
	if (argc - i == 1 && scansrc_list(argv[i], l) != 0)
		return EXIT_INPUT;
	return EXIT_OK;
}

/* Parse each entry's TARGET; report every bad one. */
static int
parse_targets(struct scan *sc, const struct sopts *s,
    struct common_opts *co)
{
	struct scan_item *it;
	const struct scan_entry *en;
	size_t k;
	char *e;
	int bad = 0;

	for (k = 0; k < sc->n; k++) {
		it = &sc->items[k];
		en = &sc->l->v[it->origins[0]];
		if (target_parse(en->input, co->sni, co->connect,
		    &it->t) != 0) {
			e = msg_escape(en->file);
			msg_error("%s:%zu: not a TARGET", e, en->line);
			free(e);
			bad = 1;
			continue;
		}
		if (s->d.name != NULL && target_is_network(&it->t)) {
			free(it->t.name);
			it->t.name = xstrdup(s->d.name);
		}
	}
	if (s->d.name != NULL && !names_valid(s->d.name)) {
		e = msg_escape(s->d.name);
		msg_error("'%s' is no host name and no IP address", e);
		free(e);
		bad = 1;
	}
	return bad ? EXIT_USAGE : EXIT_OK;
}

/* Diagnose one fetched target and write its line, or wait for AIA. */
static int
one_done(void *arg, size_t i, const struct fetch_result *r,
    const struct fetch_result *old, int left_ms)
{
	struct scan *sc = arg;
	struct scan_item *it = sc->net[i];
	const struct fetch_result *used = r;
	struct diag_opts o = *sc->base;
	struct diagnosis *dg;

	o.name = sc->name ? sc->name : it->t.host;
	o.target = it->t.input;
	o.deadline = mono_ms() + left_ms;
	if (o.check_revocation || o.aia)
		o.timeout = (left_ms + 999) / 1000;
	dg = diagopts_diagnose_fetched(r, old, &o);
	if (left_ms > 0 && httpcache_missed() > 0) {
		diagnosis_free(dg);
		return SCANLOOP_WAIT;
	}
	if (r->chain == NULL && old != NULL && old->chain != NULL &&
	    old->old_protocol)
		used = old;
	scanout_item(sc, it, dg, &o, used->address, used->port);
	diagnosis_free(dg);
	return 0;
}

/* Targets that are files: diagnosed at once, no network. */
static void
scan_files(struct scan *sc, const char *pw)
{
	struct load_opts lo = { pw };
	struct scan_item *it;
	struct certlist *l;
	struct diagnosis *dg;
	struct diag_opts o;
	size_t k, j;

	for (k = 0; k < sc->n; k++) {
		it = &sc->items[k];
		if (it->skip || target_is_network(&it->t))
			continue;
		o = *sc->base;
		o.network = 0;
		o.connect = NULL;
		o.name = sc->name;
		o.target = it->t.input;
		l = certlist_new();
		if (load_file(it->t.path, &lo, l) != 0 || l->n == 0)
			dg = diagnose_no_certificate("the file holds no "
			    "readable certificate", NULL, REACH_TLS, &o);
		else {
			for (j = 0; j < l->n; j++)
				l->v[j].source = SOURCE_SERVER;
			dg = diagnose_chain(l, &o);
		}
		scanout_item(sc, it, dg, &o, NULL, 0);
		diagnosis_free(dg);
		certlist_free(l);
	}
}

/* Fetch and diagnose every network target in one loop. */
static int
scan_network(struct scan *sc, const struct sopts *s, struct common_opts *co)
{
	struct scanloop_limits lim;
	const struct target **tv;
	size_t k, n = 0;
	int rc;

	tv = xcalloc(sc->n + 1, sizeof(*tv));
	sc->net = xcalloc(sc->n + 1, sizeof(*sc->net));
	for (k = 0; k < sc->n; k++)
		if (!sc->items[k].skip && target_is_network(&sc->items[k].t)) {
			sc->net[n] = &sc->items[k];
			tv[n++] = &sc->items[k].t;
		}
	lim.concurrency = s->concurrency;
	lim.per_host = s->per_host;
	lim.rate = s->rate;
	lim.timeout_ms = co->timeout * 1000;
	rc = scanloop_run(tv, n, &lim, one_done, sc);
	free(tv);
	return rc;
}

int
cmd_scan(const struct cmd_info *cmd, int argc, char **argv,
    struct common_opts *co)
{
	struct sopts s;
	struct scan sc;
	struct scan_list l;
	struct diag_opts o;
	struct certlist *untr = NULL;
	X509_STORE *st = NULL;
	char *pw = NULL;
	int i, rc;

	memset(&s, 0, sizeof(s));
	memset(&sc, 0, sizeof(sc));
	memset(&l, 0, sizeof(l));
	memset(&o, 0, sizeof(o));
	diagopts_init(&s.d);
	s.concurrency = 64;
	s.per_host = 2;
	if ((i = opt_parse(cmd, argc, argv, specs, handle, &s, co)) < 0)
		return opt_exit(i);
	if ((rc = read_targets(argc, argv, i, &s, &l)) != EXIT_OK)
		goto out;
	scanout_init(&sc, &l, co->json);
	if ((rc = parse_targets(&sc, &s, co)) != EXIT_OK)
		goto out;
	rc = EXIT_INPUT;
	if ((s.resume != NULL && scanout_resume(&sc, s.resume) != 0) ||
	    (co->password_file != NULL &&
	    (pw = load_password_file(co->password_file)) == NULL))
		goto out;
	if ((rc = diagopts_load(&s.d, co, &st, &o.default_anchors, &untr)) !=
	    EXIT_OK)
		goto out;
	diagopts_fill(&o, &s.d, co, 1);
	/* libldap reads block: they would stall every other target. */
	o.no_ldap = 1;
	o.anchors = st;
	o.untrusted = untr;
	sc.base = &o;
	sc.name = s.d.name;
	httpcache_enable();
	factsmemo_enable(SCAN_FACTS_MEMO);
	scanout_begin(&sc);
	scan_files(&sc, pw);
	if (scan_network(&sc, &s, co) != 0)
		rc = EXIT_FAILED;
	else
		rc = scanout_end(&sc);
out:
	factsmemo_enable(0);
	scanout_clear(&sc);
	scan_list_clear(&l);
	if (pw != NULL)
		OPENSSL_clear_free(pw, strlen(pw));
	certlist_free(untr);
	X509_STORE_free(st);
	return rc;
}

/* diagopts.c - diagnose's options, shared by every command that diagnoses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anchors.h"
#include "diagnet.h"
#include "diagopts.h"
#include "exitcode.h"
#include "facts.h"
#include "httpget.h"
#include "load.h"
#include "monoclock.h"
#include "msg.h"
#include "out-diagnose.h"
#include "out.h"
#include "store.h"

void
diagopts_init(struct dopts *d)
{
	memset(d, 0, sizeof(*d));
	d->purpose = -1;
	d->warn_days = DIAG_EXPIRING_DAYS;
}

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
handle_purpose(struct dopts *d, const char *arg)
{
	char *e;

	if (strcmp(arg, "server-auth") == 0)
		d->purpose = 1;
	else if (strcmp(arg, "any") == 0)
		d->purpose = 0;
	else {
		e = msg_escape(arg);
		msg_error("--purpose: expected server-auth or any, not '%s'",
		    e);
		free(e);
		return -1;
	}
	return 0;
}

int
diagopts_days(const char *opt, const char *arg, int *days)
{
	char *end, *e;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 0 ||
	    v > DIAG_MAX_WARN_DAYS) {
		e = msg_escape(arg);
		msg_error("%s: expected a number of days from 0 to %d, not "
		    "'%s'", opt, DIAG_MAX_WARN_DAYS, e);
		free(e);
		return -1;
	}
	*days = (int)v;
	return 0;
}

int
diagopts_handle(struct dopts *d, int key, const char *arg)
{
	char *e;

	switch (key) {
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
		return handle_purpose(d, arg);
	case OPT_CHECK_REVOCATION:
		d->check_revocation = 1;
		return 0;
	case OPT_WARN_DAYS:
		return diagopts_days("--warn-days", arg, &d->warn_days);
	case OPT_CLIENT:
		return client_parse(arg, &d->clients) == 0 ? 0 : -1;
	}
	return 1;
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

int
diagopts_load(struct dopts *d, struct common_opts *co,
    X509_STORE **st, int *deflt, struct certlist **untr)
{
	const char *env;
	int rc;

	*st = NULL;
	*untr = NULL;
	if (d->clients == 0 && (env = getenv(CL_ENV)) != NULL &&
	    *env != '\0' && client_parse(env, &d->clients) != 0)
		return EXIT_USAGE;
	if ((rc = load_anchors(d, co, st, deflt)) == EXIT_OK)
		rc = load_untrusted(d, untr);
	if (rc != EXIT_OK) {
		X509_STORE_free(*st);
		*st = NULL;
		certlist_free(*untr);
		*untr = NULL;
	}
	return rc;
}

void
diagopts_fill(struct diag_opts *o, const struct dopts *d,
    const struct common_opts *co, int net)
{
	o->at = d->at_given ? d->at : time(NULL);
	o->public_anchors.store = anchors_distribution(
	    &o->public_anchors.where);
	o->at_given = d->at_given;
	o->server_auth = d->purpose != 0;
	o->aia = !co->no_aia;
	o->fetch = o->aia ? diagnet_aia_fetch : NULL;
	httpget_allow_private(co->aia_allow_private);
	o->fetch_arg = NULL;
	o->seclevel = -1;
	o->clients = d->clients != 0 ? d->clients : CL_DEFAULT;
	o->ldap_host = co->ldap_host;
	o->check_revocation = d->check_revocation;
	o->get = diagnet_revoke_get;
	o->timeout = co->timeout;
	o->deadline = mono_ms() + co->timeout * 1000LL;
	o->network = net;
	o->connect = net ? co->connect : NULL;
	o->store = d->ntrust == 0 ? co->store : NULL;
	o->warn_days = d->warn_days == 0 ? -1 : d->warn_days;
}

struct diagnosis *
diagopts_diagnose_fetched(const struct fetch_result *r,
    const struct fetch_result *old, const struct diag_opts *o)
{
	struct diag_opts lo = *o;
	struct diagnosis *d;

	/* The level the client's own TLS context showed. */
	if (r->security_level >= 0)
		lo.seclevel = r->security_level;
	if (r->chain != NULL)
		return diagnose_chain(r->chain, &lo);
	if (old != NULL && old->chain != NULL && old->old_protocol) {
		d = diagnose_chain(old->chain, &lo);
		diagnose_old_protocol(d, old->protocol, &lo);
		return d;
	}
	return diagnose_no_certificate(r->error, r->instead, r->reached, &lo);
}

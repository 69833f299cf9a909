/* out-nagios.c - a diagnosis as a Nagios/Icinga plugin's status line. */
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "msg.h"
#include "out-nagios.h"

static const char *const state_names[] = {
	[NAGIOS_OK] = "OK",
	[NAGIOS_WARNING] = "WARNING",
	[NAGIOS_CRITICAL] = "CRITICAL",
	[NAGIOS_UNKNOWN] = "UNKNOWN"
};

/* The first error, else the first warning, else NULL. */
static const struct finding *
worst(const struct diagnosis *d)
{
	const struct finding *w = NULL;
	size_t i;

	for (i = 0; i < d->findings.n; i++) {
		if (d->findings.v[i].severity == SEV_ERROR)
			return &d->findings.v[i];
		if (d->findings.v[i].severity == SEV_WARNING && w == NULL)
			w = &d->findings.v[i];
	}
	return w;
}

/* The fewest days left on the path, and which certificate has them. */
static long
first_expiry(const struct diagnosis *d, time_t at, size_t *which)
{
	long best = FACTS_NO_DAYS, n;
	size_t i;

	*which = 0;
	for (i = 0; i < d->chain->path->n; i++) {
		n = facts_days_left(d->chain->path->v[i].x509, at);
		if (n != FACTS_NO_DAYS &&
		    (best == FACTS_NO_DAYS || n < best)) {
			best = n;
			*which = i;
		}
	}
	return best;
}

/* Nagios reserves '|' for performance data; keep it out of words. */
static char *
plain(const char *s)
{
	char *e = msg_escape(s ? s : "?"), *p;

	for (p = e; *p != '\0'; p++)
		if (*p == '|')
			*p = '/';
	return e;
}

enum nagios_state
out_nagios(FILE *f, const char *what, const struct diagnosis *d,
    const struct diag_opts *o, const char *why)
{
	const struct finding *w;
	enum nagios_state st;
	char *t = plain(what), *s = NULL, *subj;
	size_t i, which;
	long days;
	int warn = o->warn_days == 0 ? DIAG_EXPIRING_DAYS :
	    o->warn_days < 0 ? 0 : o->warn_days;

	if (d == NULL || d->chain == NULL) {
		s = plain(why);
		fprintf(f, "TRUSTFIX UNKNOWN - %s: %s\n", t, s);
		st = NAGIOS_UNKNOWN;
		goto out;
	}
	w = worst(d);
	st = !d->trusted ? NAGIOS_CRITICAL : w != NULL ? NAGIOS_WARNING :
	    NAGIOS_OK;
	days = first_expiry(d, o->at, &which);
	if (w != NULL)
		s = plain(w->summary);
	else {
		subj = facts_subject(d->chain->path->v[which].x509);
		s = plain(subj);
		free(subj);
	}
	fprintf(f, "TRUSTFIX %s - %s: %s%s%s", state_names[st], t,
	    st == NAGIOS_OK ? "trusted; first to expire: " : "",
	    w != NULL ? finding_name(w->id) : "", w != NULL ? ": " : "");
	if (st == NAGIOS_OK)
		fprintf(f, "%s in %ld days", s, days);
	else
		fprintf(f, "%s", s);
	if (days != FACTS_NO_DAYS)
		fprintf(f, " | days_left=%ld;%d:;0:", days, warn);
	fputc('\n', f);
	for (i = 0; i < d->findings.n; i++) {
		free(s);
		s = plain(d->findings.v[i].summary);
		fprintf(f, "%s %s: %s\n",
		    severity_name(d->findings.v[i].severity),
		    finding_name(d->findings.v[i].id), s);
	}
out:
	free(s);
	free(t);
	return st;
}

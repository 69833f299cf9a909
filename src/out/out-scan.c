/* out-scan.c - a scan's lines and summary, as text and JSON Lines. */
#include "config.h"

#include <stdlib.h>

#include "diagnose.h"
#include "msg.h"
#include "scansrc.h"
#include "out.h"

/* The first error's summary; without a certificate, why not. */
static const char *
first_error(const struct diagnosis *d)
{
	const struct finding *f;
	size_t i;

	for (i = 0; i < d->findings.n; i++) {
		f = &d->findings.v[i];
		if (f->severity != SEV_ERROR)
			continue;
		if (f->id == F_HANDSHAKE_FAILED && f->detail != NULL)
			return f->detail;
		return f->summary;
	}
	return NULL;
}

void
out_text_scan_item(FILE *f, const char *verdict, const char *input,
    const struct scan_entry *e, int counts, const struct diagnosis *d)
{
	const char *why = d->trusted ? NULL : first_error(d);
	char *in = msg_escape(input), *file = msg_escape(e->file);
	char *w = why ? msg_escape(why) : NULL, *p = NULL;

	if (e->policy != NULL)
		p = msg_escape(e->policy);
	fprintf(f, "%-9s  %s  (%s:%zu%s%s%s)%s%s\n", verdict, in, file,
	    e->line, p ? ", policy " : "", p ? p : "",
	    !counts && !d->trusted ? ", not an error there" : "",
	    w ? ": " : "", w ? w : "");
	free(in);
	free(file);
	free(w);
	free(p);
}

json_t *
out_json_scan_item(json_t *doc, const struct scan_list *l,
    const size_t *origins, size_t n, int counts)
{
	const struct scan_entry *e;
	json_t *a = json_array(), *o;
	size_t k;

	for (k = 0; k < n; k++) {
		e = &l->v[origins[k]];
		o = json_pack("{s:o, s:I}", "file", msg_json(e->file), "line",
		    (json_int_t)e->line);
		if (e->setting != NULL)
			json_object_set_new(o, "setting",
			    msg_json(e->setting));
		if (e->policy != NULL)
			json_object_set_new(o, "policy",
			    msg_json(e->policy));
		json_array_append_new(a, o);
	}
	json_object_set_new(doc, "origin", a);
	json_object_set_new(doc, "error", json_boolean(counts));
	return doc;
}

json_t *
out_json_scan_summary(const struct scan_tally *t)
{
	return json_pack("{s:{s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:i}}",
	    "summary", "targets", (json_int_t)t->targets,
	    "scanned", (json_int_t)t->scanned,
	    "skipped", (json_int_t)t->skipped,
	    "trusted", (json_int_t)t->trusted,
	    "untrusted", (json_int_t)t->untrusted,
	    "failed", (json_int_t)t->failed,
	    "seconds", t->seconds, "exit", t->exit);
}

void
out_text_scan_summary(FILE *f, const struct scan_tally *t)
{
	fprintf(f, "%zu targets: %zu trusted, %zu untrusted, %zu failed",
	    t->scanned, t->trusted, t->untrusted, t->failed);
	if (t->skipped > 0)
		fprintf(f, ", %zu skipped (already done)", t->skipped);
	fprintf(f, " in %.1f s\n", t->seconds);
}

/* scanout.c - a scan's lines, summary, progress, resume and exit status. */
#include <errno.h>
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "monoclock.h"
#include "diagopts.h"
#include "exitcode.h"
#include "msg.h"
#include "out.h"
#include "scanout.h"

#define PROGRESS_MS	200	/* between two progress lines */

/*
 * What a failure means under each Postfix TLS level: "secure", "verify"
 * (and a plain list, no policy) need a trusted certificate; "encrypt",
 * "fingerprint" and "dane-only" need TLS but authenticate otherwise (or
 * not at all); "may", "dane" and "none" fall back to plain text.
 */
static void
policy_counts(const char *p, int *fail, int *untrusted)
{
	if (p == NULL || strcmp(p, "secure") == 0 ||
	    strcmp(p, "verify") == 0) {
		*fail = *untrusted = 1;
	} else if (strcmp(p, "encrypt") == 0 ||
	    strcmp(p, "fingerprint") == 0 || strcmp(p, "dane-only") == 0) {
		*fail = 1;
		*untrusted = 0;
	} else
		*fail = *untrusted = 0;
}

void
scanout_init(struct scan *sc, struct scan_list *l, int json)
{
	struct hsearch_data h;
	struct scan_item *it;
	ENTRY e, *found;
	size_t i, k;
	int f, u;

	memset(sc, 0, sizeof(*sc));
	memset(&h, 0, sizeof(h));
	sc->l = l;
	sc->json = json;
	sc->items = xcalloc(l->n + 1, sizeof(*sc->items));
	if (hcreate_r(l->n * 2 + 16, &h) == 0)
		msg_oom();
	for (i = 0; i < l->n; i++) {
		e.key = l->v[i].input;
		e.data = (void *)(uintptr_t)sc->n;
		if (hsearch_r(e, ENTER, &found, &h) == 0)
			msg_oom();
		k = (size_t)(uintptr_t)found->data;
		it = &sc->items[k];
		if (k == sc->n)
			sc->n++;
		it->origins = xrealloc(it->origins, (it->norigins + 1) *
		    sizeof(size_t));
		it->origins[it->norigins++] = i;
		policy_counts(l->v[i].policy, &f, &u);
		it->fail_counts |= f;
		it->untrusted_counts |= u;
	}
	hdestroy_r(&h);
}

/* The input of each complete document of path. */
int
scanout_resume(struct scan *sc, const char *path)
{
	struct hsearch_data h;
	struct scan_item *it;
	ENTRY en, *found;
	FILE *f;
	json_t *doc, *in;
	char *buf = NULL, *e;
	size_t cap = 0, k;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;	/* nothing done yet */
		e = msg_escape(path);
		msg_error("--resume: cannot read %s: %s", e, strerror(errno));
		free(e);
		return -1;
	}
	memset(&h, 0, sizeof(h));
	if (hcreate_r(sc->n * 2 + 16, &h) == 0)
		msg_oom();
	for (k = 0; k < sc->n; k++) {
		en.key = sc->items[k].t.input;
		en.data = &sc->items[k];
		if (hsearch_r(en, ENTER, &found, &h) == 0)
			msg_oom();
	}
	while (getline(&buf, &cap, f) >= 0) {
		/* A line cut short by an interrupt does not parse: redo. */
		if ((doc = json_loads(buf, 0, NULL)) == NULL)
			continue;
		in = json_object_get(json_object_get(doc, "target"), "input");
		en.key = (char *)json_string_value(in);
		if (en.key != NULL && hsearch_r(en, FIND, &found, &h) != 0 &&
		    !(it = found->data)->skip) {
			it->skip = 1;
			sc->skipped++;
		}
		json_decref(doc);
	}
	hdestroy_r(&h);
	free(buf);
	fclose(f);
	return 0;
}

void
scanout_begin(struct scan *sc)
{
	sc->todo = sc->n - sc->skipped;
	sc->progress = isatty(STDERR_FILENO);
	sc->t0 = mono_ms();
}

static void
progress(struct scan *sc, int last)
{
	long long now = mono_ms();
	double secs = (now - sc->t0) / 1000.0, rate;

	if (!sc->progress || (!last && now - sc->shown < PROGRESS_MS))
		return;
	sc->shown = now;
	rate = secs > 0 ? sc->done / secs : 0;
	fprintf(stderr, "\r\033[K%zu/%zu  %.0f/s  trusted %zu  untrusted %zu  "
	    "failed %zu", sc->done, sc->todo, rate, sc->trusted,
	    sc->untrusted, sc->failed);
	if (!last && rate > 0)
		fprintf(stderr, "  ETA %.0f s", (sc->todo - sc->done) / rate);
	if (last)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* Where the target came from: [{"file", "line", "setting", "policy"}]. */
static json_t *
origins_json(const struct scan *sc, const struct scan_item *it)
{
	const struct scan_entry *e;
	json_t *a = json_array(), *o;
	size_t k;

	for (k = 0; k < it->norigins; k++) {
		e = &sc->l->v[it->origins[k]];
		o = json_object();
		json_object_set_new(o, "file", msg_json(e->file));
		json_object_set_new(o, "line", json_integer((json_int_t)
		    e->line));
		if (e->setting != NULL)
			json_object_set_new(o, "setting",
			    msg_json(e->setting));
		if (e->policy != NULL)
			json_object_set_new(o, "policy",
			    msg_json(e->policy));
		json_array_append_new(a, o);
	}
	return a;
}

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

static void
text_line(const struct scan *sc, const struct scan_item *it,
    const struct diagnosis *d, const char *verdict, int counts)
{
	const struct scan_entry *e = &sc->l->v[it->origins[0]];
	const char *why = d->trusted ? NULL : first_error(d);
	char *in = msg_escape(it->t.input), *file = msg_escape(e->file);
	char *w = why ? msg_escape(why) : NULL, *p = NULL;

	if (e->policy != NULL)
		p = msg_escape(e->policy);
	printf("%-9s  %s  (%s:%zu%s%s%s)%s%s\n", verdict, in, file, e->line,
	    p ? ", policy " : "", p ? p : "",
	    !counts && !d->trusted ? ", not an error there" : "",
	    w ? ": " : "", w ? w : "");
	free(in);
	free(file);
	free(w);
	free(p);
}

void
scanout_item(struct scan *sc, struct scan_item *it, const struct diagnosis *d,
    const struct diag_opts *o, const char *address, unsigned port)
{
	const char *verdict;
	json_t *doc;
	int counts, code;

	if (d->chain == NULL) {
		verdict = "failed";
		sc->failed++;
		counts = it->fail_counts;
		code = EXIT_NETWORK;
	} else if (d->trusted) {
		verdict = "trusted";
		sc->trusted++;
		counts = 0;
		code = EXIT_OK;
	} else {
		verdict = "untrusted";
		sc->untrusted++;
		counts = it->untrusted_counts;
		code = EXIT_FAILED;
	}
	if (counts && (sc->worst == EXIT_OK || code == EXIT_NETWORK))
		sc->worst = code;
	sc->done++;
	if (sc->json) {
		doc = diagopts_document(d, target_is_network(&it->t) ?
		    &it->t : NULL, o, address, port);
		json_object_set_new(doc, "origin", origins_json(sc, it));
		json_object_set_new(doc, "error", json_boolean(counts));
		(void)out_json_print_line(stdout, doc, 0);
	} else
		text_line(sc, it, d, verdict, counts);
	fflush(stdout);
	progress(sc, 0);
}

int
scanout_end(struct scan *sc)
{
	double secs = (mono_ms() - sc->t0) / 1000.0;
	json_t *doc;

	progress(sc, 1);
	if (sc->json) {
		doc = json_pack("{s:{s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:i}}",
		    "summary", "targets", (json_int_t)sc->n,
		    "scanned", (json_int_t)sc->done,
		    "skipped", (json_int_t)sc->skipped,
		    "trusted", (json_int_t)sc->trusted,
		    "untrusted", (json_int_t)sc->untrusted,
		    "failed", (json_int_t)sc->failed,
		    "seconds", secs, "exit", sc->worst);
		(void)out_json_print_line(stdout, doc, 4);
	} else {
		printf("%zu targets: %zu trusted, %zu untrusted, %zu failed",
		    sc->done, sc->trusted, sc->untrusted, sc->failed);
		if (sc->skipped > 0)
			printf(", %zu skipped (already done)", sc->skipped);
		printf(" in %.1f s\n", secs);
	}
	fflush(stdout);
	return sc->worst;
}

void
scanout_clear(struct scan *sc)
{
	size_t k;

	for (k = 0; k < sc->n; k++) {
		free(sc->items[k].origins);
		target_clear(&sc->items[k].t);
	}
	free(sc->items);
	free(sc->net);
	memset(sc, 0, sizeof(*sc));
}

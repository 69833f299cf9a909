/* scanout.c - a scan's lines, summary, progress, resume and exit status. */
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "monoclock.h"
#include "diagopts.h"
#include "exitcode.h"
#include "msg.h"
#include "out-diagnose.h"
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

/* A target --resume found done: skip it. */
static void
skip_done(const char *input, void *arg)
{
	struct hsearch_data *h = arg;
	ENTRY en, *found;

	en.key = (char *)input;
	if (hsearch_r(en, FIND, &found, h) != 0)
		((struct scan_item *)found->data)->skip = 1;
}

int
scanout_resume(struct scan *sc, const char *path)
{
	struct hsearch_data h;
	ENTRY en, *found;
	size_t k;
	int rc;

	memset(&h, 0, sizeof(h));
	if (hcreate_r(sc->n * 2 + 16, &h) == 0)
		msg_oom();
	for (k = 0; k < sc->n; k++) {
		en.key = sc->items[k].t.input;
		en.data = &sc->items[k];
		if (hsearch_r(en, ENTER, &found, &h) == 0)
			msg_oom();
	}
	rc = scansrc_done(path, skip_done, &h);
	hdestroy_r(&h);
	for (k = 0; k < sc->n; k++)
		sc->skipped += sc->items[k].skip != 0;
	return rc;
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

void
scanout_item(struct scan *sc, struct scan_item *it, const struct diagnosis *d,
    const struct diag_opts *o, const char *address, unsigned port)
{
	const char *verdict;
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
	if (sc->json)
		(void)out_json_print_line(stdout, out_json_scan_item(
		    out_diagnose_document(d, target_is_network(&it->t) ?
		    &it->t : NULL, o, address, port), sc->l, it->origins,
		    it->norigins, counts), 0);
	else
		out_text_scan_item(stdout, verdict, it->t.input,
		    &sc->l->v[it->origins[0]], counts, d);
	fflush(stdout);
	progress(sc, 0);
}

int
scanout_end(struct scan *sc)
{
	struct scan_tally t = { sc->n, sc->done, sc->skipped, sc->trusted,
	    sc->untrusted, sc->failed, (mono_ms() - sc->t0) / 1000.0,
	    sc->worst };

	progress(sc, 1);
	if (sc->json)
		(void)out_json_print_line(stdout, out_json_scan_summary(&t), 4);
	else
		out_text_scan_summary(stdout, &t);
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

/* chain.c - build the path from a server certificate to a root, via AIA. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "chain.h"
#include "facts.h"
#include "monoclock.h"
#include "msg.h"

#define MAX_VISITS	4000	/* nodes of the search tree */
#define MAX_JUDGED	256	/* complete paths rated */

struct build {
	const struct certlist	*sent;
	const struct certlist	*untrusted;
	X509_STORE		*anchors;
	X509_STORE_CTX		*lookup;
	const struct chain_opts	*opts;
	chain_judge_fn		*judge;
	void			*arg;
	struct certlist		*aia;		/* fetched issuers */
	char			**fetched;	/* URLs tried */
	struct chain		*c;
	struct certlist		*cur;
	int			 visits;
	int			 judged;
	int			 done;
};

static void
strv_push(char ***v, char *s)
{
	size_t n = facts_strv_len(*v);

	*v = xrealloc(*v, (n + 2) * sizeof(**v));
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

static int
strv_has(char **v, const char *s)
{
	for (; v != NULL && *v != NULL; v++)
		if (strcmp(*v, s) == 0)
			return 1;
	return 0;
}

int
chain_self_signed(X509 *x)
{
	EVP_PKEY *k;
	int r;

	if (X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) != 0)
		return 0;
	if ((k = X509_get0_pubkey(x)) == NULL)
		return 0;
	r = X509_verify(x, k);
	ERR_clear_error();
	return r > 0;
}

int
chain_names_issuer(X509 *issuer, X509 *subject)
{
	AUTHORITY_KEYID *akid;
	int r;

	if (X509_NAME_cmp(X509_get_subject_name(issuer),
	    X509_get_issuer_name(subject)) != 0)
		return 0;
	akid = X509_get_ext_d2i(subject, NID_authority_key_identifier, NULL,
	    NULL);
	r = X509_check_akid(issuer, akid);
	AUTHORITY_KEYID_free(akid);
	ERR_clear_error();
	return r == X509_V_OK;
}

int
chain_is_anchor(X509_STORE *store, X509 *x)
{
	X509_STORE_CTX *ctx;
	STACK_OF(X509) *sk;
	int i, found = 0;

	if (store == NULL || (ctx = X509_STORE_CTX_new()) == NULL)
		return 0;
	if (X509_STORE_CTX_init(ctx, store, NULL, NULL) &&
	    (sk = X509_STORE_CTX_get1_certs(ctx,
	    X509_get_subject_name(x))) != NULL) {
		for (i = 0; i < sk_X509_num(sk) && !found; i++)
			found = X509_cmp(sk_X509_value(sk, i), x) == 0;
		sk_X509_pop_free(sk, X509_free);
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return found;
}

static void
aia_log(struct chain *c, const char *url, const char *what)
{
	char *u = msg_escape(url);

	strv_push(&c->aia_log, xasprintf("%s: %s", u, what));
	free(u);
}

/* 1 for the URLs trustfix fetches: http, and ldap unless told not to. */
static int
fetchable(const struct chain_opts *o, const char *url)
{
	return facts_url_kind(url) == URL_HTTP ||
	    (facts_url_kind(url) == URL_LDAP && !o->no_ldap);
}

/* Download the caIssuers of x; returns how many certificates came. */
static int
fetch_issuers(struct build *b, X509 *x)
{
	char **urls = facts_ca_issuers(x), **u;
	STACK_OF(X509) *sk = NULL;
	char err[512], *s;
	int i, left, got = 0;

	for (u = urls; u != NULL && *u != NULL; u++) {
		if (!fetchable(b->opts, *u) || strv_has(b->fetched, *u))
			continue;
		if (b->c->fetches >= CHAIN_MAX_FETCHES) {
			aia_log(b->c, *u, "not fetched: at most 4 downloads");
			break;
		}
		if ((left = mono_left(b->opts->deadline)) >
		    b->opts->timeout * 1000)
			left = b->opts->timeout * 1000;
		if (left <= 0) {
			aia_log(b->c, *u, "not fetched: out of time");
			break;
		}
		b->c->fetches++;
		strv_push(&b->fetched, xstrdup(*u));
		if (b->opts->fetch(*u, b->opts->ldap_host, left, &sk, err,
		    sizeof(err), b->opts->fetch_arg) != 0) {
			aia_log(b->c, *u, err);
			continue;
		}
		for (i = 0; i < sk_X509_num(sk); i++) {
			x = sk_X509_value(sk, i);
			certlist_add1(b->aia, x, *u, SOURCE_AIA);
			s = facts_subject(x);
			aia_log(b->c, *u, s ? s : "?");
			free(s);
			got++;
		}
		sk_X509_pop_free(sk, X509_free);
		sk = NULL;
	}
	facts_strv_free(urls);
	return got;
}

struct cand {
	X509		*x;
	const char	*origin;
	enum cert_source source;
	int		 rank;		/* lower is tried first */
};

static int
in_list(const struct cand *cv, size_t n, const struct certlist *cur, X509 *x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (X509_cmp(cv[i].x, x) == 0)
			return 1;
	for (i = 0; i < cur->n; i++)
		if (X509_cmp(cur->v[i].x509, x) == 0)
			return 1;
	return 0;
}

static void
consider(struct build *b, X509 *x, X509 *cand, const char *origin,
    enum cert_source src, struct cand **cv, size_t *n)
{
	int sig;

	if (X509_NAME_cmp(X509_get_subject_name(cand),
	    X509_get_issuer_name(x)) != 0 || in_list(*cv, *n, b->cur, cand))
		return;
	sig = X509_get0_pubkey(cand) != NULL &&
	    X509_verify(x, X509_get0_pubkey(cand)) > 0;
	ERR_clear_error();
	if (!sig && !chain_names_issuer(cand, x))
		return;
	*cv = xrealloc(*cv, (*n + 1) * sizeof(**cv));
	(*cv)[*n].x = cand;
	(*cv)[*n].origin = origin;
	(*cv)[*n].source = src;
	(*cv)[*n].rank = (sig ? 0 : 2) + (src == SOURCE_STORE ? 0 : 1);
	(*n)++;
}

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->rank - y->rank;
}

/*
 * The possible issuers of x, best first: anchors, then what was sent,
 * given or fetched; signatures that verify before those that do not.
 * *store_sk holds the references of anchors; the caller frees it.
 */
static size_t
candidates(struct build *b, X509 *x, struct cand **cvp, STACK_OF(X509)
    **store_sk, int *nsig)
{
	const struct certlist *lists[3] = { b->sent, b->untrusted, b->aia };
	struct cand *cv = NULL;
	size_t n = 0, i, j, k;

	*store_sk = X509_STORE_CTX_get1_certs(b->lookup,
	    X509_get_issuer_name(x));
	ERR_clear_error();
	for (i = 0; *store_sk != NULL && i < (size_t)sk_X509_num(*store_sk);
	    i++)
		consider(b, x, sk_X509_value(*store_sk, i), NULL,
		    SOURCE_STORE, &cv, &n);
	for (k = 0; k < 3; k++)
		for (j = 0; lists[k] != NULL && j < lists[k]->n; j++)
			consider(b, x, lists[k]->v[j].x509,
			    lists[k]->v[j].origin, lists[k]->v[j].source,
			    &cv, &n);
	/* qsort is not stable: rank ties keep their order by index. */
	for (i = 0; i < n; i++)
		cv[i].rank = cv[i].rank * 1000 + (int)i;
	if (n > 1)
		qsort(cv, n, sizeof(*cv), cand_cmp);
	*nsig = 0;
	for (i = 0; i < n; i++)
		if (cv[i].rank / 1000 < 2)
			(*nsig)++;
	*cvp = cv;
	return n;
}

static void
finish(struct build *b, int anchored)
{
	struct chain *c = b->c;
	size_t i;
	int score;

	if (b->judged >= MAX_JUDGED) {
		b->done = 1;
		return;
	}
	b->judged++;
	score = b->judge ? b->judge(b->cur, anchored, b->arg) :
	    !anchored;
	if (c->path != NULL && score >= c->score)
		return;
	certlist_free(c->path);
	c->path = certlist_new();
	for (i = 0; i < b->cur->n; i++)
		certlist_add1(c->path, b->cur->v[i].x509, b->cur->v[i].origin,
		    b->cur->v[i].source);
	c->anchored = anchored;
	c->score = score;
	if (score == 0)
		b->done = 1;
}

static void
pop(struct certlist *l)
{
	l->n--;
	X509_free(l->v[l->n].x509);
	free(l->v[l->n].origin);
}

/* 1 if some candidate with a verifying signature is valid at opts->at. */
static int
any_current(const struct build *b, const struct cand *cv, size_t n)
{
	time_t at = b->opts->at;
	size_t i;

	if (at == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (cv[i].rank / 1000 < 2 &&
		    X509_cmp_time(X509_get0_notAfter(cv[i].x), &at) >= 0 &&
		    X509_cmp_time(X509_get0_notBefore(cv[i].x), &at) <= 0)
			return 1;
	return 0;
}

static void
dfs(struct build *b)
{
	X509 *x = b->cur->v[b->cur->n - 1].x509;
	STACK_OF(X509) *store_sk = NULL;
	struct cand *cv = NULL;
	size_t n, i;
	int nsig;

	if (b->done || ++b->visits > MAX_VISITS)
		return;
	if (chain_is_anchor(b->anchors, x)) {
		finish(b, 1);
		return;
	}
	if (chain_self_signed(x) || b->cur->n >= CHAIN_MAX_DEPTH) {
		finish(b, 0);
		return;
	}
	n = candidates(b, x, &cv, &store_sk, &nsig);
	if ((nsig == 0 || !any_current(b, cv, n)) && b->opts->fetch != NULL &&
	    fetch_issuers(b, x) > 0) {
		free(cv);
		sk_X509_pop_free(store_sk, X509_free);
		n = candidates(b, x, &cv, &store_sk, &nsig);
	}
	if (n == 0)
		finish(b, 0);
	for (i = 0; i < n && !b->done; i++) {
		certlist_add1(b->cur, cv[i].x, cv[i].origin, cv[i].source);
		dfs(b);
		pop(b->cur);
	}
	free(cv);
	sk_X509_pop_free(store_sk, X509_free);
}

static int
path_index(const struct certlist *path, X509 *x)
{
	size_t i;

	for (i = 0; i < path->n; i++)
		if (X509_cmp(path->v[i].x509, x) == 0)
			return (int)i;
	return -1;
}

/* Which sent certificates are on the path, and is their order right? */
static void
check_sent(struct chain *c, const struct certlist *sent)
{
	size_t i, j;
	int p, related;
	char *s;

	c->nsent = sent->n;
	c->sent_in_path = xcalloc(sent->n + 1, sizeof(int));
	for (i = 0; i < sent->n; i++) {
		p = path_index(c->path, sent->v[i].x509);
		c->sent_in_path[i] = p >= 0;
		if (p >= 0) {
			if ((size_t)p != i && c->order == NULL)
				c->order = xasprintf("certificate %zu of %zu "
				    "sent belongs at position %d of the path",
				    i + 1, sent->n, p + 1);
			continue;
		}
		certlist_add1(c->offpath, sent->v[i].x509, sent->v[i].origin,
		    sent->v[i].source);
		related = 0;
		for (j = 0; j < c->path->n && !related; j++)
			related = chain_names_issuer(sent->v[i].x509,
			    c->path->v[j].x509);
		if (!related && c->order == NULL) {
			s = facts_subject(sent->v[i].x509);
			c->order = xasprintf("certificate %zu of %zu sent "
			    "(%s) issued none of the path", i + 1, sent->n,
			    s ? s : "?");
			free(s);
		}
	}
}

static void
top_urls(struct chain *c)
{
	X509 *top = c->path->v[c->path->n - 1].x509;
	char **urls, **u;

	if (c->anchored || chain_self_signed(top))
		return;
	urls = facts_ca_issuers(top);
	for (u = urls; u != NULL && *u != NULL; u++)
		if (facts_url_kind(*u) == URL_HTTP)
			strv_push(&c->aia_http, xstrdup(*u));
		else
			strv_push(&c->aia_other, xstrdup(*u));
	facts_strv_free(urls);
}

struct chain *
chain_build(const struct certlist *sent, const struct certlist *untrusted,
    X509_STORE *anchors, const struct chain_opts *opts,
    chain_judge_fn *judge, void *arg)
{
	struct build b;
	struct chain *c = xcalloc(1, sizeof(*c));

	memset(&b, 0, sizeof(b));
	b.sent = sent;
	b.untrusted = untrusted;
	b.anchors = anchors;
	b.opts = opts;
	b.judge = judge;
	b.arg = arg;
	b.aia = certlist_new();
	b.cur = certlist_new();
	b.c = c;
	c->offpath = certlist_new();
	b.lookup = X509_STORE_CTX_new();
	/* Both fail only without memory. */
	if (b.lookup == NULL || !X509_STORE_CTX_init(b.lookup, anchors, NULL,
	    NULL))
		msg_oom();
	certlist_add1(b.cur, sent->v[0].x509, sent->v[0].origin,
	    sent->v[0].source);
	dfs(&b);
	if (c->path == NULL) {
		/* The search gave up before rating any path. */
		b.judged = 0;
		b.done = 0;
		while (b.cur->n > 1)
			pop(b.cur);
		finish(&b, 0);
	}
	check_sent(c, sent);
	top_urls(c);
	X509_STORE_CTX_free(b.lookup);
	c->fetched = b.aia;
	certlist_free(b.cur);
	facts_strv_free(b.fetched);
	return c;
}

void
chain_free(struct chain *c)
{
	if (c == NULL)
		return;
	certlist_free(c->path);
	certlist_free(c->offpath);
	certlist_free(c->fetched);
	free(c->sent_in_path);
	free(c->order);
	facts_strv_free(c->aia_http);
	facts_strv_free(c->aia_other);
	facts_strv_free(c->aia_log);
	free(c);
}

/* revoke.c - revocation evidence: CRLs over http and ldap, OCSP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "diagnose.h"
#include "facts.h"
#include "monoclock.h"
#include "msg.h"
#include "revoke.h"

enum rstatus {
	R_UNKNOWN,
	R_GOOD,
	R_REVOKED
};

struct rctx {
	const struct chain	*c;
	const struct diag_opts	*o;
	int			 fetches;
	char			*why;	/* what was tried, for the evidence */
};

static void
note(struct rctx *r, const char *url, const char *what)
{
	char *u = msg_escape(url), *t;

	t = xasprintf("%s%s%s: %s", r->why ? r->why : "", r->why ? "; " : "",
	    u, what);
	free(r->why);
	r->why = t;
	free(u);
}

/* One download within the limits; 0 with *buf, or -1 (noted). */
static int
get(struct rctx *r, const char *url, const char *ctype,
    const unsigned char *body, size_t blen, unsigned char **buf, size_t *len)
{
	char err[512];
	int left = mono_left(r->o->deadline);
	enum url_kind k = facts_url_kind(url);

	if (k != URL_HTTP && (k != URL_LDAP || body != NULL || r->o->no_ldap))
		return -1;
	if (r->o->get == NULL) {
		note(r, url, "not asked: no downloads");
		return -1;
	}
	if (r->fetches >= REVOKE_MAX_FETCHES) {
		note(r, url, "not asked: at most 4 requests");
		return -1;
	}
	if (left > r->o->timeout * 1000)
		left = r->o->timeout * 1000;
	if (left <= 0) {
		note(r, url, "not asked: out of time");
		return -1;
	}
	r->fetches++;
	if (r->o->get(url, ctype, body, blen, r->o->ldap_host, left, buf, len,
	    err, sizeof(err)) != 0) {
		note(r, url, err);
		return -1;
	}
	return 0;
}

static enum rstatus
by_crl(struct rctx *r, X509 *x, X509 *issuer)
{
	char **urls = facts_crl_urls(x), **u;
	enum rstatus st = R_UNKNOWN;
	const unsigned char *p;
	unsigned char *buf;
	X509_REVOKED *rev;
	X509_CRL *crl;
	size_t len;

	for (u = urls; u != NULL && *u != NULL && st == R_UNKNOWN; u++) {
		if (get(r, *u, NULL, NULL, 0, &buf, &len) != 0)
			continue;
		p = buf;
		crl = d2i_X509_CRL(NULL, &p, (long)len);
		free(buf);
		if (crl == NULL) {
			note(r, *u, "the answer is no CRL");
		} else if (X509_CRL_verify(crl,
		    X509_get0_pubkey(issuer)) <= 0) {
			note(r, *u, "the CRL's signature does not verify");
		} else if (X509_CRL_get0_nextUpdate(crl) != NULL &&
		    ASN1_TIME_cmp_time_t(X509_CRL_get0_nextUpdate(crl),
		    r->o->at) < 0) {
			note(r, *u, "the CRL is out of date");
		} else if (X509_CRL_get0_by_cert(crl, &rev, x) == 1) {
			note(r, *u, "the CRL lists it as revoked");
			st = R_REVOKED;
		} else {
			note(r, *u, "not revoked");
			st = R_GOOD;
		}
		X509_CRL_free(crl);
	}
	facts_strv_free(urls);
	ERR_clear_error();
	return st;
}

/* Ask one OCSP responder about x; the answer must verify to an anchor. */
static enum rstatus
ocsp_one(struct rctx *r, const char *url, X509 *x, X509 *issuer,
    STACK_OF(X509) *path)
{
	OCSP_REQUEST *req = OCSP_REQUEST_new();
	OCSP_CERTID *id = OCSP_cert_to_id(NULL, x, issuer), *id2 = NULL;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	ASN1_GENERALIZEDTIME *thisupd, *nextupd, *revtime;
	unsigned char *der = NULL, *buf = NULL;
	const unsigned char *p;
	enum rstatus st = R_UNKNOWN;
	int dlen, status, reason;
	size_t len;

	if (req == NULL || id == NULL || (id2 = OCSP_CERTID_dup(id)) == NULL ||
	    !OCSP_request_add0_id(req, id2))
		goto out;
	id2 = NULL;
	if ((dlen = i2d_OCSP_REQUEST(req, &der)) <= 0 ||
	    get(r, url, "application/ocsp-request", der, (size_t)dlen, &buf,
	    &len) != 0)
		goto out;
	p = buf;
	if ((resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len)) == NULL ||
	    OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL ||
	    (bs = OCSP_response_get1_basic(resp)) == NULL) {
		note(r, url, "no usable OCSP answer");
		goto out;
	}
	if (OCSP_basic_verify(bs, path, r->o->anchors, 0) <= 0) {
		note(r, url, "the OCSP answer does not verify");
		goto out;
	}
	if (!OCSP_resp_find_status(bs, id, &status, &reason, &revtime,
	    &thisupd, &nextupd) || !OCSP_check_validity(thisupd, nextupd,
	    300, -1)) {
		note(r, url, "the OCSP answer is about something else or out "
		    "of date");
		goto out;
	}
	if (status == V_OCSP_CERTSTATUS_REVOKED) {
		note(r, url, "OCSP says revoked");
		st = R_REVOKED;
	} else if (status == V_OCSP_CERTSTATUS_GOOD) {
		note(r, url, "OCSP says good");
		st = R_GOOD;
	} else
		note(r, url, "OCSP does not know it");
out:
	OCSP_CERTID_free(id2);
	OCSP_CERTID_free(id);
	OCSP_REQUEST_free(req);
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OPENSSL_free(der);
	free(buf);
	ERR_clear_error();
	return st;
}

static enum rstatus
by_ocsp(struct rctx *r, X509 *x, X509 *issuer, STACK_OF(X509) *path)
{
	char **urls = facts_ocsp_urls(x), **u;
	enum rstatus st = R_UNKNOWN;

	for (u = urls; u != NULL && *u != NULL && st == R_UNKNOWN; u++)
		st = ocsp_one(r, *u, x, issuer, path);
	facts_strv_free(urls);
	return st;
}

void
revoke_check(const struct chain *c, const struct diag_opts *o,
    struct findings *out)
{
	const struct certlist *p = c->path;
	STACK_OF(X509) *path = certlist_get1_stack(p);
	struct rctx r;
	enum rstatus st;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.o = o;
	/* Each certificate below the anchor, with the issuer above it. */
	for (i = 0; i + 1 < p->n; i++) {
		X509 *x = p->v[i].x509, *iss = p->v[i + 1].x509;

		free(r.why);
		r.why = NULL;
		st = by_ocsp(&r, x, iss, path);
		if (st == R_UNKNOWN)
			st = by_crl(&r, x, iss);
		if (st == R_REVOKED)
			findings_add(out, F_REVOKED, SEV_ERROR, (int)i, NULL,
			    xstrdup(r.why), NULL);
		else if (st == R_UNKNOWN)
			findings_add(out, F_REVOCATION_UNKNOWN, SEV_WARNING,
			    (int)i, NULL, xstrdup(r.why ? r.why : "it names "
			    "no http CRL distribution point and no OCSP "
			    "responder"), NULL);
	}
	free(r.why);
	sk_X509_pop_free(path, X509_free);
}

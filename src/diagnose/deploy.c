/* deploy.c - what kind of deployment a chain comes from, from the evidence. */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "deploy.h"
#include "facts.h"
#include "msg.h"

/* Longest path walked up from the server certificate. */
#define WALK_MAX	16

const char *
deploy_name(enum deployment d)
{
	switch (d) {
	case DEPLOY_SELF_SIGNED:
		return "self-signed";
	case DEPLOY_WINDOWS_PKI:
		return "windows-pki";
	case DEPLOY_PUBLIC_CA:
		return "public-ca";
	case DEPLOY_PRIVATE_CA:
		return "private-ca";
	}
	return "private-ca";
}

/* 1 if issuer's name and key say it signed x. */
static int
signed_by(X509 *x, X509 *issuer)
{
	EVP_PKEY *pk;
	int ok;

	if (X509_NAME_cmp(X509_get_subject_name(issuer),
	    X509_get_issuer_name(x)) != 0)
		return 0;
	if ((pk = X509_get0_pubkey(issuer)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	ok = X509_verify(x, pk) == 1;
	ERR_clear_error();
	return ok;
}

/* The top of the path from the leaf through the certificates of chain. */
static X509 *
chain_top(const struct certlist *chain)
{
	X509 *cur = chain->v[0].x509, *c;
	size_t i;
	int depth;

	for (depth = 0; depth < WALK_MAX; depth++) {
		if (facts_is_self_issued(cur))
			break;
		c = NULL;
		for (i = 0; i < chain->n; i++) {
			if (chain->v[i].x509 != cur &&
			    signed_by(cur, chain->v[i].x509)) {
				c = chain->v[i].x509;
				break;
			}
		}
		if (c == NULL)
			break;
		cur = c;
	}
	return cur;
}

/*
 * 1 if x is a default anchor (the same certificate, or the same subject
 * and key), 2 if a default anchor issued it, 0 otherwise.
 */
static int
anchor_kind(X509_STORE *store, X509 *x)
{
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *sk = NULL;
	X509 *a;
	int i, kind = 0;

	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(ctx, store, NULL, NULL))
		goto out;
	sk = X509_STORE_CTX_get1_certs(ctx, X509_get_subject_name(x));
	for (i = 0; kind == 0 && i < sk_X509_num(sk); i++) {
		a = sk_X509_value(sk, i);
		if (X509_cmp(a, x) == 0 || EVP_PKEY_eq(X509_get0_pubkey(a),
		    X509_get0_pubkey(x)) == 1)
			kind = 1;
	}
	sk_X509_pop_free(sk, X509_free);
	sk = NULL;
	if (kind == 0 && !facts_is_self_issued(x)) {
		sk = X509_STORE_CTX_get1_certs(ctx, X509_get_issuer_name(x));
		for (i = 0; kind == 0 && i < sk_X509_num(sk); i++)
			if (signed_by(x, sk_X509_value(sk, i)))
				kind = 2;
	}
out:
	sk_X509_pop_free(sk, X509_free);
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return kind;
}

/* The first AD CS marker of the chain, as evidence, or NULL. */
static char *
adcs_evidence(const struct certlist *chain)
{
	char **m, *subj, *ev = NULL;
	size_t i;

	for (i = 0; ev == NULL && i < chain->n; i++) {
		m = facts_adcs_markers(chain->v[i].x509);
		if (m != NULL && m[0] != NULL) {
			subj = facts_subject(chain->v[i].x509);
			ev = xasprintf("%s \"%s\" carries the Active "
			    "Directory Certificate Services marker %s%s",
			    i == 0 ? "the server certificate" : "the CA",
			    subj, m[0], m[1] != NULL ? ", and more" : "");
			free(subj);
		}
		facts_strv_free(m);
	}
	return ev;
}

static enum deployment
classify_anchor(const struct certlist *chain, const struct deploy_public *pub,
    char **ev)
{
	const char *where = pub->where != NULL ? pub->where : "?";
	X509_STORE *store = pub->store;
	X509 *top = chain_top(chain);
	char *subj = facts_subject(top), *iss = facts_issuer(top);
	int kind, root = facts_is_self_issued(top);

	kind = store != NULL ? anchor_kind(store, top) : 0;
	if (kind != 0)
		*ev = xasprintf("the root \"%s\" is one of this system's "
		    "default anchors (%s)", kind == 2 ? iss : subj,
		    where);
	else if (store == NULL)
		*ev = xasprintf("this system's default anchors could not be "
		    "read to tell whether the root \"%s\" is public",
		    root ? subj : iss);
	else if (root)
		*ev = xasprintf("the root \"%s\" is not one of this system's "
		    "default anchors, and no certificate has Active Directory "
		    "Certificate Services markers", subj);
	else
		*ev = xasprintf("the chain ends at \"%s\", whose issuer "
		    "\"%s\" is not one of this system's default anchors, and "
		    "no certificate has Active Directory Certificate Services "
		    "markers", subj, iss);
	free(subj);
	free(iss);
	return kind != 0 ? DEPLOY_PUBLIC_CA : DEPLOY_PRIVATE_CA;
}

enum deployment
deploy_classify(const struct certlist *chain, const struct deploy_public *pub,
    char **evidence)
{
	enum deployment d;
	char *ev = NULL;

	if (chain == NULL || chain->n == 0) {
		d = DEPLOY_PRIVATE_CA;
		ev = xstrdup("no certificate to classify");
	} else if (facts_is_self_signed(chain->v[0].x509)) {
		d = DEPLOY_SELF_SIGNED;
		ev = xstrdup("the server certificate is its own issuer: its "
		    "subject and issuer are the same and its own key "
		    "signed it");
	} else if ((ev = adcs_evidence(chain)) != NULL)
		d = DEPLOY_WINDOWS_PKI;
	else
		d = classify_anchor(chain, pub, &ev);
	if (evidence != NULL)
		*evidence = ev;
	else
		free(ev);
	return d;
}

/* out-export.c - what export-root and export-chain found, as text and JSON. */
#include "config.h"

#include <stdlib.h>
#include <openssl/pem.h>

#include "facts.h"
#include "msg.h"
#include "out-export.h"
#include "out.h"

static const struct cert_entry *
top_of(const struct chain *c)
{
	return &c->path->v[c->path->n - 1];
}

static const char *
how_found(const struct chain *c)
{
	const struct cert_entry *e = top_of(c);

	if (c->path->n == 1)
		return "the server's own self-signed certificate";
	if (c->anchored && e->source == SOURCE_STORE)
		return "a trust anchor of the store (already trusted)";
	return e->source == SOURCE_AIA ? "fetched from an AIA caIssuers URL" :
	    "sent by the server";
}

/* The URL the top was fetched from, or NULL. */
static const char *
top_url(const struct chain *c)
{
	return top_of(c)->source == SOURCE_AIA ? top_of(c)->origin : NULL;
}

void
out_text_root(FILE *f, const struct chain *c)
{
	X509 *root = top_of(c)->x509;
	char fp[65], sha1[41], *subject = facts_subject(root), *safe;

	facts_sha256(root, fp);
	facts_sha1(root, sha1);
	safe = msg_escape(subject ? subject : "?");
	fprintf(f, "root:    %s\nsha256:  %s\nsha1:    %s\nfrom:    %s\n",
	    safe, fp, sha1, how_found(c));
	free(safe);
	if (top_url(c) != NULL) {
		safe = msg_escape(top_url(c));
		fprintf(f, "url:     %s\n", safe);
		free(safe);
	}
	free(subject);
}

void
out_text_missing_root(FILE *f, const struct chain *c)
{
	X509 *top = top_of(c)->x509;
	char *issuer = facts_issuer(top), *aki = facts_aki(top);
	char *si = msg_escape(issuer ? issuer : "?"), *s, **u;

	if (c->path->n == 1)
		fprintf(f, "The server does not send the CA certificate that "
		    "issued its own, and it could not be fetched.\nAsk the "
		    "PKI administrator for that CA's certificate and the root "
		    "above it:\n  issuing CA:     %s\n", si);
	else
		fprintf(f, "Ask the PKI administrator for the root "
		    "certificate:\n  root subject:   %s\n", si);
	if (aki != NULL)
		fprintf(f, "  key identifier: %s\n", aki);
	for (u = c->aia_other; u != NULL && *u != NULL; u++) {
		s = msg_escape(*u);
		fprintf(f, "  published at:   %s\n", s);
		free(s);
	}
	for (u = c->aia_log; u != NULL && *u != NULL; u++)
		fprintf(f, "  tried:          %s\n", *u);
	free(si);
	free(aki);
	free(issuer);
}

static const char *
source_words(const struct cert_entry *e)
{
	switch (e->source) {
	case SOURCE_SERVER:
		return "sent by the server";
	case SOURCE_AIA:
		return "fetched from";
	case SOURCE_GIVEN:
		return "from --untrusted";
	case SOURCE_STORE:
		return "a trust anchor here";
	case SOURCE_FILE:
		break;
	}
	return "read from";
}

/* One line per certificate, and the directives that take the file. */
void
out_text_chain_written(FILE *f, const struct certlist *l, const char *file,
    int with_leaf)
{
	char sha[65], sha1[41], *s, *e, *u;
	size_t i;

	for (i = 0; i < l->n; i++) {
		s = facts_subject(l->v[i].x509);
		e = msg_escape(s ? s : "?");
		u = msg_escape(l->v[i].origin ? l->v[i].origin : "");
		facts_sha256(l->v[i].x509, sha);
		facts_sha1(l->v[i].x509, sha1);
		fprintf(f, "%zu. %s\n   %s%s%s\n   sha256: %s\n   sha1:   "
		    "%s\n", i + 1, e, source_words(&l->v[i]),
		    *u != '\0' ? " " : "", u, sha, sha1);
		free(s);
		free(e);
		free(u);
	}
	if (with_leaf)
		fprintf(f, "Use it as the server's certificate file:\n"
		    "  nginx:   ssl_certificate %s;\n"
		    "  Postfix: smtpd_tls_chain_files = KEY.pem, %s\n"
		    "  Dovecot: ssl_cert = <%s\n"
		    "then reload the server (nginx -s reload, postfix reload, "
		    "doveadm reload).\n", file, file, file);
	else
		fprintf(f, "Put these after the server's own certificate in "
		    "its certificate file (or use --with-leaf to write the "
		    "whole file).\n");
}

static json_t *
target_json(const char *input)
{
	return json_pack("{s:o}", "input", msg_json(input));
}

static json_t *
missing_json(const struct chain *c)
{
	X509 *top = top_of(c)->x509;
	char *issuer = facts_issuer(top), *aki = facts_aki(top), **u;
	json_t *urls = json_array(), *j;

	for (u = c->aia_other; u != NULL && *u != NULL; u++)
		json_array_append_new(urls, msg_json(*u));
	j = json_pack("{s:o, s:s, s:o, s:o}", "subject",
	    msg_json(issuer ? issuer : ""), "role", c->path->n == 1 ?
	    "issuing-ca" : "root", "key_identifier", msg_json(aki), "aia",
	    urls);
	free(aki);
	free(issuer);
	return j;
}

json_t *
out_json_export_root(const char *input, const struct chain *c, int reached,
    const char *output, int with_pem)
{
	json_t *doc = json_pack("{s:o}", "target", target_json(input)), *j;
	char *pem;

	if (!reached) {
		json_object_set_new(doc, "root", json_null());
		json_object_set_new(doc, "missing", missing_json(c));
		return doc;
	}
	j = out_json_cert(top_of(c)->x509, top_of(c)->source);
	json_object_set_new(j, "found", json_string(how_found(c)));
	if (top_url(c) != NULL)
		json_object_set_new(j, "url", msg_json(top_url(c)));
	if (with_pem) {
		pem = cert_pem(top_of(c)->x509);
		json_object_set_new(j, "pem", json_string(pem));
		free(pem);
	}
	json_object_set_new(doc, "root", j);
	json_object_set_new(doc, "output", msg_json(output));
	return doc;
}

json_t *
out_json_export_chain(const char *input, const struct chain *c,
    int reached, const struct certlist *l, const char *output,
    const char *pem)
{
	json_t *doc = json_pack("{s:o}", "target", target_json(input));
	json_t *arr, *j;
	char *issuer;
	size_t i;

	if (!reached) {
		issuer = facts_issuer(top_of(c)->x509);
		json_object_set_new(doc, "missing",
		    msg_json(issuer ? issuer : ""));
		free(issuer);
	}
	if (l == NULL)
		return doc;
	arr = json_array();
	for (i = 0; i < l->n; i++) {
		j = out_json_cert(l->v[i].x509, l->v[i].source);
		if (l->v[i].origin != NULL)
			json_object_set_new(j, "from",
			    msg_json(l->v[i].origin));
		json_array_append_new(arr, j);
	}
	json_object_set_new(doc, "chain", arr);
	json_object_set_new(doc, "output", msg_json(output));
	if (pem != NULL)
		json_object_set_new(doc, "pem", json_string(pem));
	return doc;
}

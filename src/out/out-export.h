/* out-export.h - what export-root and export-chain found, as text and JSON. */
#ifndef TRUSTFIX_OUT_EXPORT_H
#define TRUSTFIX_OUT_EXPORT_H

#include <stdio.h>
#include <jansson.h>

#include "certlist.h"
#include "chain.h"

/* The root at the top of c: "root:", "sha256:", "sha1:", "from:", "url:". */
void	out_text_root(FILE *f, const struct chain *c);

/*
 * Nothing above the top of c: whom to ask for what (the issuing CA when
 * the top is the server's own certificate, else the root), its key
 * identifier, where it is published and what was tried.
 */
void	out_text_missing_root(FILE *f, const struct chain *c);

/*
 * export-chain: one line per certificate of l (subject, where it came
 * from, fingerprints), and how to use file, the whole chain with the
 * server's own (with_leaf) or the part after it.
 */
void	out_text_chain_written(FILE *f, const struct certlist *l,
	    const char *file, int with_leaf);

/*
 * export-root --json: {"target": {"input"}, "root": out_json_cert() with
 * "found", "url" (and "pem" when with_pem), "output"}; when no root was
 * reached (reached 0), "root": null and "missing": {"subject", "role",
 * "key_identifier", "aia"}.
 */
json_t	*out_json_export_root(const char *input, const struct chain *c,
	    int reached, const char *output, int with_pem);

/*
 * export-chain --json: {"target": {"input"}, "missing" (the top's
 * issuer when c stops below a root: reached 0), "chain": [out_json_cert()
 * of l with "from"], "output", "pem" (when not NULL)}; without l
 * (nothing to write) only target and missing.
 */
json_t	*out_json_export_chain(const char *input, const struct chain *c,
	    int reached, const struct certlist *l, const char *output,
	    const char *pem);

#endif

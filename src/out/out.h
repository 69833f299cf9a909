/* out.h - rendering of certificates and results as text and JSON. */
#ifndef TRUSTFIX_OUT_H
#define TRUSTFIX_OUT_H

#include <stdio.h>
#include <jansson.h>
#include <openssl/x509.h>

#include "certlist.h"
#include "fetch.h"
#include "store.h"
#include "target.h"

/*
 * The chain[] object of DESIGN.md for one certificate: subject, issuer,
 * serial, not_before, not_after, sha256, self_signed, is_ca, dns_names,
 * ip_addresses, key, signature, source; then sha1 and the rest.
 * Callers add "file", "in_path".  "days_left" counts from now.
 */
json_t	*out_json_cert(X509 *x, enum cert_source source);
/* Set o's "days_left" counted from at (null when unreadable). */
void	 out_json_days_left(json_t *o, const X509 *x, time_t at);

/* Whether to colour f: a terminal, and NO_COLOR unset or empty. */
int	out_color(FILE *f);

/*
 * One certificate as an indented block: "[index] label" (label may be
 * NULL), subject, issuer, serial, validity with days left, SANs, key,
 * signature, SHA-256, CA flag, self-signed, EKU, AIA, CDP, AD CS markers.
 * Text from the certificate is escaped.
 */
void	out_text_cert(FILE *f, X509 *x, int index, const char *label);

/*
 * The two lines an administrator checks before a store changes:
 * "subject: S" (escaped; "(not in the store)" when x is NULL) and
 * "sha256:  HEX", then "sha1:    HEX" when x is not NULL.
 */
void	out_text_subject_sha256(FILE *f, X509 *x, const char *sha256);

/* Every certificate of l, labelled with its origin or source. */
void	out_text_chain(FILE *f, const struct certlist *l);

/* The header of a network inspection: target, address, TLS facts. */
void	out_text_tls(FILE *f, const struct target *t,
	    const struct fetch_result *r);

/* The header of a file inspection: the files and what they held. */
void	out_text_files(FILE *f, char *const *files, int nfiles,
	    const struct certlist *l);

/*
 * DESIGN.md's target object of a network target: {"input", "protocol",
 * "host", "port", "address", "name"} (+ "sni").  address may be NULL;
 * port 0 means t's connect port.
 */
json_t	*out_json_target(const struct target *t, const char *address,
	    unsigned port);

/* {"input", "protocol": "file", "files": [...]} for file targets. */
json_t	*out_json_files_target(char *const *files, int nfiles);

/* {"protocol", "cipher", "client_certificate_requested"}. */
json_t	*out_json_tls(const struct fetch_result *r);

/* {"backend", "location"} of a trust store. */
json_t	*out_json_store(const struct store *st);

/*
 * An anchor of list --json: out_json_cert() (or only "sha256" when the
 * store holds no certificate for it), then "trustfix", "distribution",
 * "distrusted", "purposes", "label", "token".
 */
json_t	*out_json_anchor(struct store_anchor *a);
/* list --json: {"store", "anchors": [out_json_anchor() of v[0..n)]}. */
json_t	*out_json_list(const struct store *st, struct store_anchor *const *v,
	    size_t n);
/* list: "SHA-256  SHA-1  expires  origin  purposes  subject". */
void	out_text_anchor(FILE *f, const struct store_anchor *a);

/* A store of the host as stores --json and where --json show it. */
struct hoststore;
struct hoststores;
json_t	*out_json_hoststore(const struct hoststore *hs);
/* stores --json: {"stores": [out_json_hoststore() of each]}. */
json_t	*out_json_hoststores(const struct hoststores *l);
/* stores: a store, what it holds, whether it follows the system store. */
void	out_text_hoststore(FILE *f, const struct hoststore *hs);
/* where: "trusts it / does not / cannot tell  KIND  LOCATION: why". */
void	out_text_where(FILE *f, const struct hoststore *hs, int trusted,
	    const char *why);
/*
 * where --json: {"certificate": out_json_cert(x), "stores": [each with
 * "trusted" (null: cannot tell) and "why"]}.
 */
json_t	*out_json_where(X509 *x, const struct hoststores *l,
	    const int *trusted, char *const *why);

/*
 * inspect --json: {"target", "tls" (null for files), "chain"}; target is
 * taken over, r is NULL for files.
 */
json_t	*out_json_inspect(json_t *target, const struct fetch_result *r,
	    const struct certlist *chain);

/*
 * bundle --json: {"output", "format", "devices", "signed", "mtime",
 * "certificates": [out_json_cert() with "name"], "files": [{"path",
 * "size", "sha256"}]}.
 */
struct bundle;
json_t	*out_json_bundle(const struct bundle *b, const char *out);
/* bundle: "wrote OUT (format): N certificates for ...", fingerprints. */
void	out_text_bundle(FILE *f, const struct bundle *b, const char *out);

/* scan: one target's line, "VERDICT  TARGET  (FILE:LINE...): why". */
struct scan_entry;
struct scan_list;
struct diagnosis;
void	out_text_scan_item(FILE *f, const char *verdict, const char *input,
	    const struct scan_entry *e, int counts, const struct diagnosis *d);
/*
 * scan --json: doc (a diagnosis document) with "origin": [{"file",
 * "line", "setting", "policy"}] of the entries origins[0..n) of l, and
 * "error": counts.
 */
json_t	*out_json_scan_item(json_t *doc, const struct scan_list *l,
	    const size_t *origins, size_t n, int counts);

/* A scan's counts, for its summary. */
struct scan_tally {
	size_t	 targets, scanned, skipped, trusted, untrusted, failed;
	double	 seconds;
	int	 exit;		/* the scan's exit status */
};
json_t	*out_json_scan_summary(const struct scan_tally *t);
void	out_text_scan_summary(FILE *f, const struct scan_tally *t);

/* [out_json_cert() of each entry], with "file" when with_file is set. */
json_t	*out_json_chain(const struct certlist *l, int with_file);

/*
 * Print doc (indented, keys in insertion order) and a newline on f,
 * and drop the reference.  Returns 0, or -1 on a write error, which
 * is left in ferror(f) for main() to report.
 */
int	out_json_print(FILE *f, json_t *doc);

/*
 * doc as one compact line (JSON Lines; reals with precision digits, 0:
 * jansson's default) in one write(2) after flushing f, and drop the
 * reference.  Returns 0, or -1 on a write error, which
 * out_lines_failed() then tells main() to report.
 */
int	out_json_print_line(FILE *f, json_t *doc, size_t precision);
int	out_lines_failed(void);

#endif

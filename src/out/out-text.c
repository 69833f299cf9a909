/* out-text.c - certificates, chains, TLS facts and anchors as text. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "facts.h"
#include "hexdigest.h"
#include "msg.h"
#include "out.h"

#define BOLD	"\033[1m"
#define RED	"\033[31m"
#define YELLOW	"\033[33m"
#define GREEN	"\033[32m"
#define RESET	"\033[0m"

#define DAY	(24 * 60 * 60)

/* Colours of the block being printed: empty strings when off. */
struct pen {
	const char	*bold, *red, *yellow, *green, *reset;
};

int
out_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	if (nc != NULL && *nc != '\0')
		return 0;
	return isatty(fileno(f));
}

static struct pen
pen_for(FILE *f)
{
	struct pen p = { "", "", "", "", "" };

	if (out_color(f)) {
		p.bold = BOLD;
		p.red = RED;
		p.yellow = YELLOW;
		p.green = GREEN;
		p.reset = RESET;
	}
	return p;
}

/* "  Label:        value", value escaped; takes ownership of value. */
static void
field0(FILE *f, const char *label, char *value)
{
	char *e = msg_escape(value);

	fprintf(f, "    %-14s %s\n", label, e);
	free(e);
	free(value);
}

/* One line per item, the label on the first; takes ownership of v. */
static void
list0(FILE *f, const char *label, char **v)
{
	char *e;
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++) {
		e = msg_escape(v[i]);
		fprintf(f, "    %-14s %s\n", i == 0 ? label : "", e);
		free(e);
	}
	facts_strv_free(v);
}

static long
days(time_t d)
{
	return (long)(d / DAY);
}

static void
validity(FILE *f, X509 *x, const struct pen *p)
{
	char *nb = facts_time(X509_get0_notBefore(x));
	char *na = facts_time(X509_get0_notAfter(x));
	time_t now = time(NULL), b = facts_not_before(x);
	time_t a = facts_not_after(x);
	char note[96];
	const char *c = "";

	if (a == (time_t)-1 || b == (time_t)-1) {
		snprintf(note, sizeof(note), "unreadable dates");
		c = p->red;
	} else if (now > a) {
		snprintf(note, sizeof(note), "expired %ld days ago",
		    days(now - a));
		c = p->red;
	} else if (now < b) {
		snprintf(note, sizeof(note), "not valid yet: starts in %ld "
		    "days", days(b - now));
		c = p->red;
	} else {
		if (a - now < DAY)
			snprintf(note, sizeof(note), "less than a day left");
		else
			snprintf(note, sizeof(note), "%ld days left",
			    days(a - now));
		if (a - now < 30 * DAY)
			c = p->yellow;
	}
	fprintf(f, "    %-14s %s to %s (%s%s%s)\n", "Valid:", nb, na, c, note,
	    *c != '\0' ? p->reset : "");
	free(nb);
	free(na);
}

static void
names(FILE *f, X509 *x)
{
	char *cn;
	char **dns = facts_dns_names(x), **ips = facts_ip_addresses(x);

	if (facts_strv_len(dns) + facts_strv_len(ips) == 0) {
		cn = facts_common_name(x);
		field0(f, "Names:", xasprintf("no subjectAltName (CN %s)",
		    cn != NULL ? cn : "absent"));
		free(cn);
	}
	list0(f, "DNS names:", dns);
	list0(f, "IP addresses:", ips);
}

static void
flags(FILE *f, X509 *x, const struct pen *p)
{
	char **eku = facts_eku(x);

	fprintf(f, "    %-14s %s\n", "CA:", facts_is_ca(x) ? "yes" : "no");
	if (facts_is_self_signed(x))
		fprintf(f, "    %-14s yes\n", "Self-signed:");
	else if (facts_is_self_issued(x))
		fprintf(f, "    %-14s %sissuer = subject, but the signature "
		    "does not verify%s\n", "Self-signed:", p->red, p->reset);
	else
		fprintf(f, "    %-14s no\n", "Self-signed:");
	if (eku == NULL)
		fprintf(f, "    %-14s (none: any purpose)\n", "EKU:");
	else if (eku[0] == NULL)
		fprintf(f, "    %-14s (empty)\n", "EKU:");
	list0(f, "EKU:", eku);
}

void
out_text_cert(FILE *f, X509 *x, int index, const char *label)
{
	struct pen p = pen_for(f);
	char hex[65], *e;

	e = label != NULL ? msg_escape(label) : NULL;
	fprintf(f, "%s[%d]%s%s%s\n", p.bold, index, e != NULL ? " " : "",
	    e != NULL ? e : "", p.reset);
	free(e);
	field0(f, "Subject:", facts_subject(x));
	field0(f, "Issuer:", facts_issuer(x));
	field0(f, "Serial:", facts_serial(x));
	validity(f, x, &p);
	names(f, x);
	field0(f, "Key:", facts_key(x));
	field0(f, "Signature:", facts_signature(x));
	facts_sha256(x, hex);
	fprintf(f, "    %-14s %s\n", "SHA-256:", hex);
	facts_sha1(x, hex);
	fprintf(f, "    %-14s %s\n", "SHA-1:", hex);
	flags(f, x, &p);
	if ((e = facts_ski(x)) != NULL)
		field0(f, "Key ID:", e);
	if ((e = facts_aki(x)) != NULL)
		field0(f, "Issuer key ID:", e);
	list0(f, "CA issuers:", facts_ca_issuers(x));
	list0(f, "OCSP:", facts_ocsp_urls(x));
	list0(f, "CRL:", facts_crl_urls(x));
	list0(f, "AD CS:", facts_adcs_markers(x));
}

void
out_text_subject_sha256(FILE *f, X509 *x, const char *sha256)
{
	char *subject = x ? facts_subject(x) : NULL;
	char *safe = msg_escape(subject ? subject : "(not in the store)");
	char sha1[41];

	fprintf(f, "subject: %s\nsha256:  %s\n", safe, sha256);
	if (x != NULL) {
		facts_sha1(x, sha1);
		fprintf(f, "sha1:    %s\n", sha1);
	}
	free(safe);
	free(subject);
}

void
out_text_chain(FILE *f, const struct certlist *l)
{
	char *label;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (i > 0)
			fputc('\n', f);
		if (l->v[i].origin != NULL)
			label = xasprintf("from %s", l->v[i].origin);
		else if (l->v[i].source == SOURCE_SERVER)
			label = xstrdup("sent by the server");
		else
			label = xasprintf("from %s",
			    cert_source_name(l->v[i].source));
		out_text_cert(f, l->v[i].x509, (int)i, label);
		free(label);
	}
}

void
out_text_tls(FILE *f, const struct target *t, const struct fetch_result *r)
{
	struct pen p = pen_for(f);
	char *in = msg_escape(t->input), *name = msg_escape(t->name);
	char *addr = msg_escape(r->address != NULL ? r->address :
	    t->connect_host);

	fprintf(f, "%s%-16s%s %s\n", p.bold, "Target:", p.reset, in);
	fprintf(f, "%-16s %s %s, port %u\n", "Connected to:",
	    target_proto_name(t->proto), addr,
	    r->port != 0 ? r->port : t->connect_port);
	fprintf(f, "%-16s %s", "Name:", name);
	free(name);
	name = msg_escape(t->sni);
	fprintf(f, " (SNI %s)\n", t->sni != NULL ? name : "not sent");
	fprintf(f, "%-16s %s, %s\n", "TLS:", r->protocol != NULL ?
	    r->protocol : "?", r->cipher != NULL ? r->cipher : "?");
	fprintf(f, "%-16s %s\n", "Client cert:", r->client_cert_requested ?
	    "requested by the server" : "not requested");
	fprintf(f, "%-16s %zu certificate%s sent by the server\n\n", "Chain:",
	    r->chain != NULL ? r->chain->n : 0,
	    r->chain != NULL && r->chain->n == 1 ? "" : "s");
	free(in);
	free(name);
	free(addr);
}

void
out_text_files(FILE *f, char *const *files, int nfiles,
    const struct certlist *l)
{
	struct pen p = pen_for(f);
	char *e;
	int i;

	for (i = 0; i < nfiles; i++) {
		e = msg_escape(files[i]);
		fprintf(f, "%s%-16s%s %s\n", p.bold, i > 0 ? "" :
		    nfiles > 1 ? "Files:" : "File:",
		    p.reset, e);
		free(e);
	}
	fprintf(f, "%-16s %zu certificate%s\n\n", "Holds:", l->n,
	    l->n == 1 ? "" : "s");
}

static const char *
origin_word(const struct store_anchor *a)
{
	if (a->distrusted)
		return "distrusted";
	if (a->trustfix)
		return "trustfix";
	return a->distribution ? "distribution" : "local";
}

void
out_text_anchor(FILE *f, const struct store_anchor *a)
{
	char *safe = msg_escape(a->subject);
	char *purposes = store_purposes_text(a->purposes);
	char sha1[41];

	(void)sha1_hex(a->der, a->der_len, sha1);
	fprintf(f, "%s  %s  %-10s  %-12s  %-11s  %s\n", a->sha256, sha1,
	    a->expires, origin_word(a), purposes, safe);
	free(purposes);
	free(safe);
}

/* out-diagnose.c - a diagnosis as text for a person, and as JSON. */
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "factsmemo.h"
#include "msg.h"
#include "out-diagnose.h"
#include "out.h"

#define WIDTH	78

struct pen {
	FILE	*f;
	int	 color;
};

static const char *
on(const struct pen *p, const char *code)
{
	return p->color ? code : "";
}

static const char *
off(const struct pen *p)
{
	return p->color ? "\033[0m" : "";
}

/* The length of the word at w: up to a space outside `quoted commands`. */
static size_t
word_len(const char *w)
{
	size_t n = 0;
	int quoted = 0;

	for (; w[n] != '\0'; n++) {
		if (w[n] == '`')
			quoted = !quoted;
		else if (w[n] == ' ' && !quoted)
			break;
	}
	return n;
}

/* Print text (escaped) after label, wrapped at WIDTH, indented by 11. */
static void
wrapped(const struct pen *p, const char *label, const char *text)
{
	char *s = msg_escape(text), *w = s;
	size_t col = 11, len;

	fprintf(p->f, "  %-8s ", label);
	while (*w != '\0') {
		len = word_len(w);
		/* The space goes before a word, never at the end of a line. */
		if (col > 11 && col + 1 + len > WIDTH) {
			fprintf(p->f, "\n%11s", "");
			col = 11;
		} else if (col > 11) {
			fputc(' ', p->f);
			col++;
		}
		fprintf(p->f, "%.*s", (int)len, w);
		col += len;
		w += len;
		while (*w == ' ')
			w++;
	}
	fputc('\n', p->f);
	free(s);
}

/* One line per client of set: accepts, or rejects in its own words. */
static void
client_lines(const struct pen *p, const struct diagnosis *d, unsigned set)
{
	char *s, *e, *label;
	int c;

	for (c = 0; c < CL_COUNT; c++) {
		if (!(set & CL_BIT(c)))
			continue;
		s = clients_line(d, (enum client_id)c);
		e = msg_escape(s);
		label = xasprintf("%s:", client_label((enum client_id)c));
		fprintf(p->f, "  %-15s %s%s%s\n", label, on(p,
		    d->view[c].trusted ? "\033[32m" : "\033[31m"), e, off(p));
		free(label);
		free(e);
		free(s);
	}
}

static void
verdict_line(const struct pen *p, const char *what,
    const struct diagnosis *d)
{
	size_t i, nerr = 0, nwarn = 0;
	char *w = msg_escape(what);

	for (i = 0; i < d->findings.n; i++) {
		if (d->findings.v[i].severity == SEV_ERROR)
			nerr++;
		else if (d->findings.v[i].severity == SEV_WARNING)
			nwarn++;
	}
	if (d->chain == NULL)
		fprintf(p->f, "%sNOT TRUSTED%s: no certificate could be "
		    "obtained (%zu error%s", on(p, "\033[1;31m"), off(p),
		    nerr, nerr == 1 ? "" : "s");
	else if (d->trusted)
		fprintf(p->f, "%sTRUSTED%s: every client named accepts "
		    "this certificate", on(p, "\033[1;32m"), off(p));
	else
		fprintf(p->f, "%sNOT TRUSTED%s: a client named rejects this "
		    "certificate (%zu error%s", on(p, "\033[1;31m"), off(p),
		    nerr, nerr == 1 ? "" : "s");
	if (nwarn > 0)
		fprintf(p->f, "%s%zu warning%s", d->trusted ? " (" : ", ",
		    nwarn, nwarn == 1 ? "" : "s");
	if (!d->trusted || nwarn > 0)
		fputc(')', p->f);
	fprintf(p->f, "\n  %-8s %s\n", "target:", w);
	free(w);
	client_lines(p, d, d->named);
}

static void
finding(const struct pen *p, size_t n, const struct finding *f)
{
	const char *c = f->severity == SEV_ERROR ? "\033[1;31m" :
	    f->severity == SEV_WARNING ? "\033[1;33m" : "\033[1m";
	char *s = msg_escape(f->summary);

	fprintf(p->f, "\n%zu. %s%s%s [%s] %s\n", n, on(p, c),
	    severity_name(f->severity), off(p), finding_name(f->id), s);
	free(s);
	if (f->detail != NULL && *f->detail != '\0')
		wrapped(p, "why:", f->detail);
	if (f->fix != NULL && *f->fix != '\0')
		wrapped(p, "fix:", f->fix);
}

static const char *
deploy_meaning(enum deployment dep)
{
	switch (dep) {
	case DEPLOY_SELF_SIGNED:
		return "the server vouches for itself: every client must "
		    "trust this very certificate, or the server needs one "
		    "from a CA.";
	case DEPLOY_WINDOWS_PKI:
		return "the certificate comes from a Windows enterprise CA "
		    "(AD CS): domain-joined Windows machines trust its root "
		    "through Group Policy, but Linux hosts, appliances and "
		    "phones must be given the root (export-root, import, "
		    "bundle).";
	case DEPLOY_PUBLIC_CA:
		return "a public CA: clients with an up-to-date trust store "
		    "already trust its root; fix the server, not the clients.";
	case DEPLOY_PRIVATE_CA:
		break;
	}
	return "a private CA: clients trust it only once its root is "
	    "imported (export-root, import, bundle).";
}

static void
chain_text(const struct pen *p, const struct diagnosis *d)
{
	size_t i, npath = d->chain ? d->chain->path->n : 0;
	char *label;

	if (d->all == NULL || d->all->n == 0)
		return;
	fprintf(p->f, "\n%schain%s (leaf first, as built):\n",
	    on(p, "\033[1m"), off(p));
	for (i = 0; i < d->all->n; i++) {
		const struct cert_entry *e = &d->all->v[i];

		if (i >= npath && e->source != SOURCE_SERVER)
			label = xasprintf("%s, not on trustfix's path (a "
			    "client's own path uses it)",
			    cert_source_name(e->source));
		else if (i >= npath)
			label = xasprintf("sent by the server, not on the "
			    "path");
		else if (i + 1 == npath && d->chain->anchored)
			label = xasprintf("%s, trust anchor",
			    cert_source_name(e->source));
		else if (e->source == SOURCE_AIA)
			label = xasprintf("fetched from %s", e->origin ?
			    e->origin : "AIA");
		else
			label = xstrdup(cert_source_name(e->source));
		out_text_cert(p->f, e->x509, (int)i, label);
		free(label);
	}
}

/* The profiles the verdict does not speak for, for comparison. */
static void
clients_text(const struct pen *p, const struct diagnosis *d)
{
	if ((d->named & CL_EVERY) == CL_EVERY)
		return;
	fprintf(p->f, "\n%sother clients%s (not in the verdict; "
	    "--client):\n", on(p, "\033[1m"), off(p));
	client_lines(p, d, CL_EVERY & ~d->named);
}

void
out_diagnose_text(FILE *f, const char *what, const struct diagnosis *d,
    int color)
{
	struct pen p = { f, color };
	char *ev;
	size_t i;

	verdict_line(&p, what, d);
	for (i = 0; i < d->findings.n; i++)
		finding(&p, i + 1, &d->findings.v[i]);
	if (d->chain != NULL) {
		fprintf(f, "\n%sdeployment%s: %s\n", on(&p, "\033[1m"),
		    off(&p), deploy_name(d->deployment));
		if (d->deployment_evidence != NULL) {
			ev = msg_escape(d->deployment_evidence);
			wrapped(&p, "evidence", ev);
			free(ev);
		}
		wrapped(&p, "meaning", deploy_meaning(d->deployment));
	}
	chain_text(&p, d);
	clients_text(&p, d);
}

static json_t *
dotnet_flags(const struct client_view *v, int policy)
{
	json_t *a = json_array();
	const char *name;
	unsigned bit;
	size_t i;

	for (i = 0; (name = clients_dotnet_flag(policy, i, &bit)) != NULL;
	    i++)
		if ((policy ? v->policy : v->status) & bit)
			json_array_append_new(a, json_string(name));
	return a;
}

/* The "clients" object of DESIGN.md: every profile, named or not. */
static json_t *
clients_json(const struct diagnosis *d)
{
	json_t *all = json_object(), *o;
	const struct client_view *v;
	int c;

	for (c = 0; c < CL_COUNT; c++) {
		v = &d->view[c];
		o = json_object();
		json_object_set_new(o, "trusted", json_boolean(v->trusted));
		json_object_set_new(o, "named",
		    json_boolean(d->named & CL_BIT(c)));
		if (c == CL_OPENSSL || c == CL_OPENSSL_STRICT) {
			json_object_set_new(o, "code", json_integer(v->code));
			json_object_set_new(o, "error", msg_json(v->error ?
			    v->error : X509_verify_cert_error_string(
			    v->code)));
		} else
			json_object_set_new(o, "error",
			    msg_json(v->error));
		json_object_set_new(o, "message", msg_json(v->message));
		if (c == CL_DOTNET) {
			json_object_set_new(o, "ssl_policy_errors",
			    dotnet_flags(v, 1));
			json_object_set_new(o, "chain_status",
			    dotnet_flags(v, 0));
		}
		json_object_set_new(all, client_name((enum client_id)c), o);
	}
	return all;
}

static json_t *
findings_json(const struct diagnosis *d)
{
	json_t *a = json_array(), *rej;
	size_t i;
	int c;

	for (i = 0; i < d->findings.n; i++) {
		const struct finding *f = &d->findings.v[i];

		rej = json_array();
		for (c = 0; c < CL_COUNT; c++)
			if (f->rejected_by & CL_BIT(c))
				json_array_append_new(rej, json_string(
				    client_name((enum client_id)c)));
		json_array_append_new(a, json_pack("{s:s,s:s,s:o,s:o,s:o,"
		    "s:o,s:o}", "id", finding_name(f->id), "severity",
		    severity_name(f->severity), "certificate",
		    f->cert >= 0 ? json_integer(f->cert) : json_null(),
		    "summary", msg_json(f->summary), "detail",
		    msg_json(f->detail), "fix", msg_json(f->fix),
		    "rejected_by", rej));
	}
	return a;
}

json_t *
out_diagnose_json(json_t *target, const struct diagnosis *d)
{
	json_t *doc = json_object(), *chain = json_array(), *names, *c;
	size_t i, npath = d->chain ? d->chain->path->n : 0;
	char **s;

	for (i = 0; d->all != NULL && i < d->all->n; i++) {
		c = factsmemo_json(d->all->v[i].x509, d->all->v[i].source);
		json_object_set_new(c, "in_path", json_boolean(i < npath));
		if (d->all->v[i].source == SOURCE_AIA)
			json_object_set_new(c, "url",
			    msg_json(d->all->v[i].origin));
		json_array_append_new(chain, c);
	}
	names = json_array();
	for (s = d->suggested; s != NULL && *s != NULL; s++)
		json_array_append_new(names, msg_json(*s));
	json_object_set_new(doc, "target", target);
	json_object_set_new(doc, "verdict",
	    json_string(d->trusted ? "trusted" : "untrusted"));
	json_object_set_new(doc, "deployment", d->chain ?
	    json_string(deploy_name(d->deployment)) : json_null());
	json_object_set_new(doc, "findings", findings_json(d));
	json_object_set_new(doc, "chain", chain);
	json_object_set_new(doc, "suggested_names", names);
	json_object_set_new(doc, "clients", clients_json(d));
	return doc;
}

json_t *
out_diagnose_document(const struct diagnosis *dg, const struct target *t,
    const struct diag_opts *o, const char *address, unsigned port)
{
	json_t *tj, *doc, *c;
	size_t i;

	if (t != NULL && target_is_network(t))
		tj = out_json_target(t, address, port);
	else {
		tj = json_object();
		json_object_set_new(tj, "input", msg_json(
		    o->target ? o->target : ""));
		json_object_set_new(tj, "protocol", json_string("file"));
		json_object_set_new(tj, "host", json_null());
		json_object_set_new(tj, "port", json_null());
		json_object_set_new(tj, "address", json_null());
	}
	json_object_set_new(tj, "name", msg_json(o->name));
	doc = out_diagnose_json(tj, dg);
	/* Days left at --at, not at the time of the run. */
	c = json_object_get(doc, "chain");
	for (i = 0; o->at_given && dg->all != NULL && i < dg->all->n &&
	    i < json_array_size(c); i++)
		out_json_days_left(json_array_get(c, i), dg->all->v[i].x509,
		    o->at);
	return doc;
}

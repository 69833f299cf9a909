/* out-change.c - the result of import and remove, and its JSON. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "msg.h"
#include "hoststore.h"
#include "out.h"
#include "out-change.h"

struct change_anchor *
change_add(struct change_report *r, X509 *x, enum cert_source source,
    const char *sha256)
{
	struct change_anchor *a;

	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	a = &r->v[r->n++];
	memset(a, 0, sizeof(*a));
	a->x509 = x;
	a->source = source;
	(void)snprintf(a->sha256, sizeof(a->sha256), "%s", sha256);
	a->verified = -1;
	return a;
}

struct change_also *
change_add_also(struct change_anchor *a)
{
	struct change_also *e;

	a->has_also = 1;
	a->also = xrealloc(a->also, (a->nalso + 1) * sizeof(*a->also));
	e = &a->also[a->nalso++];
	memset(e, 0, sizeof(*e));
	return e;
}

int
change_any(const struct change_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].changed)
			return 1;
	return 0;
}

void
change_clear(struct change_report *r)
{
	size_t i, k;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].file);
		free(r->v[i].label);
		free(r->v[i].plan);
		for (k = 0; k < r->v[i].nalso; k++)
			free(r->v[i].also[k].location);
		free(r->v[i].also);
	}
	free(r->v);
	for (i = 0; r->svc != NULL && i < r->services.n; i++) {
		free(r->svc[i].reload);
		free(r->svc[i].retry);
		free(r->svc[i].error);
	}
	free(r->svc);
	services_clear(&r->services);
	memset(r, 0, sizeof(*r));
}

static const char *
also_outcome(int r, int add, const struct hoststore *hs, int dry_run)
{
	if (r == HOSTSTORE_REFUSED)
		return add ? "refused, not imported" : "refused, not removed";
	if (r == -1)
		return add ? "not imported" : "not removed";
	if (hs->follows)
		return add ? "follows the system store: not written twice, "
		    "and it has it" : "follows the system store: not "
		    "written twice, and it dropped it";
	if (r == 0)
		return add ? "already trusted, nothing changed" :
		    "not in it, nothing changed";
	if (dry_run)
		return add ? "would import it (dry run)" :
		    "would remove it (dry run)";
	return add ? "imported and verified" : "removed and verified";
}

void
out_text_also(FILE *f, const struct hoststore *hs, int r, int add,
    int dry_run)
{
	char *loc = msg_escape(hs->location);

	fprintf(f, "%-6s %s: %s\n", hoststore_kind_name(hs->kind), loc,
	    also_outcome(r, add, hs, dry_run));
	free(loc);
}

void
out_text_services_head(FILE *f, int reloading)
{
	fprintf(f, "\n%s\n", reloading ? "reloading the services that keep "
	    "the old anchors:" : "services that keep the old anchors until "
	    "reloaded (--reload does it):");
}

void
out_text_service(FILE *f, const struct change_service *c)
{
	const struct service *s = &c->svc;
	char *cfg = s->config ? msg_escape(s->config) : NULL;

	fprintf(f, "%s (pid %ld%s%s): %s\n", s->name, (long)s->pid,
	    cfg ? ", " : "", cfg ? cfg : "", s->why);
	if (c->reload != NULL)
		fprintf(f, "  reload:  %s\n", c->reload);
	if (c->retry != NULL)
		fprintf(f, "  %s %s\n", strcmp(s->name, "fetchmail") == 0 ?
		    "poll now:" : "retry deferred mail:", c->retry);
	free(cfg);
}

static json_t *
anchor_json(const struct change_anchor *a)
{
	json_t *j, *arr;
	size_t i;

	j = a->x509 ? out_json_cert(a->x509, a->source) :
	    json_pack("{s:s}", "sha256", a->sha256);
	if (a->file != NULL)
		json_object_set_new(j, "file", msg_json(a->file));
	if (a->label != NULL)
		json_object_set_new(j, "label", msg_json(a->label));
	json_object_set_new(j, "changed", json_boolean(a->changed));
	if (a->plan != NULL)
		json_object_set_new(j, "plan", msg_json(a->plan));
	if (a->verified != -1)
		json_object_set_new(j, "verified", json_boolean(a->verified));
	if (!a->has_also)
		return j;
	arr = json_array();
	for (i = 0; i < a->nalso; i++)
		json_array_append_new(arr, json_pack("{s:s, s:o, s:b, s:b, "
		    "s:b}", "kind", a->also[i].kind, "location",
		    msg_json(a->also[i].location), "follows_system",
		    a->also[i].follows_system, "changed", a->also[i].changed,
		    "verified", a->also[i].verified));
	json_object_set_new(j, "also", arr);
	return j;
}

static json_t *
service_json(const struct change_service *c)
{
	const struct service *s = &c->svc;
	json_t *j;

	j = json_pack("{s:o, s:I, s:o, s:o, s:o, s:o, s:o}", "name",
	    msg_json(s->name), "pid", (json_int_t)s->pid, "exe",
	    msg_json(s->exe), "config", msg_json(s->config), "reload",
	    msg_json(c->reload), "retry", msg_json(c->retry), "why",
	    msg_json(s->why));
	if (c->reloaded != -1)
		json_object_set_new(j, "reloaded", json_boolean(c->reloaded));
	if (c->retried != -1)
		json_object_set_new(j, "retried", json_boolean(c->retried));
	if (c->error != NULL)
		json_object_set_new(j, "error", msg_json(c->error));
	return j;
}

json_t *
out_json_change(const struct store *st, const struct change_report *r)
{
	json_t *anchors = json_array(), *services = json_array();
	size_t i;

	for (i = 0; i < r->n; i++)
		json_array_append_new(anchors, anchor_json(&r->v[i]));
	for (i = 0; r->svc != NULL && i < r->services.n; i++)
		json_array_append_new(services, service_json(&r->svc[i]));
	return json_pack("{s:o, s:o, s:o}", "store", out_json_store(st),
	    "anchors", anchors, "services", services);
}

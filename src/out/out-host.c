/* out-host.c - the host's stores (stores, where) as text and JSON. */
#include "config.h"

#include <stdlib.h>

#include "facts.h"
#include "hoststore.h"
#include "msg.h"
#include "out.h"

json_t *
out_json_hoststore(const struct hoststore *hs)
{
	json_t *j = json_object();

	json_object_set_new(j, "kind",
	    json_string(hoststore_kind_name(hs->kind)));
	json_object_set_new(j, "location", msg_json(hs->location));
	json_object_set_new(j, "readers", msg_json(hs->readers));
	json_object_set_new(j, "user", msg_json(hs->user));
	json_object_set_new(j, "anchors", hs->anchors >= 0 ?
	    json_integer(hs->anchors) : json_null());
	json_object_set_new(j, "follows_system", json_boolean(hs->follows));
	json_object_set_new(j, "how", msg_json(hs->how ? hs->how : ""));
	json_object_set_new(j, "error", msg_json(hs->error));
	return j;
}

json_t *
out_json_hoststores(const struct hoststores *l)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(arr, out_json_hoststore(&l->v[i]));
	return json_pack("{s:o}", "stores", arr);
}

void
out_text_hoststore(FILE *f, const struct hoststore *hs)
{
	char *loc = msg_escape(hs->location), *rd = msg_escape(hs->readers);
	char *how = msg_escape(hs->how ? hs->how : "");

	fprintf(f, "%-8s %s\n", hoststore_kind_name(hs->kind), loc);
	if (hs->error != NULL)
		fprintf(f, "         cannot read it: %s\n", hs->error);
	else if (hs->anchors >= 0)
		fprintf(f, "         %ld anchor%s\n", hs->anchors,
		    hs->anchors == 1 ? "" : "s");
	if (hs->kind != HS_SYSTEM)
		fprintf(f, "         %s the system store: %s\n", hs->follows ?
		    "follows" : "does not follow", how);
	else
		fprintf(f, "         backend: %s\n", how);
	fprintf(f, "         read by: %s%s%s\n", rd, hs->user ? "; user " : "",
	    hs->user ? hs->user : "");
	free(how);
	free(rd);
	free(loc);
}

static const char *
verdict(int t)
{
	return t == 1 ? "trusts it" : t == 0 ? "does not" : "cannot tell";
}

void
out_text_where(FILE *f, const struct hoststore *hs, int trusted,
    const char *why)
{
	char *loc = msg_escape(hs->location);

	fprintf(f, "%-12s %-8s %s%s%s\n", verdict(trusted),
	    hoststore_kind_name(hs->kind), loc, why ? ": " : "",
	    why ? why : "");
	free(loc);
}

json_t *
out_json_where(X509 *x, const struct hoststores *l, const int *trusted,
    char *const *why)
{
	json_t *arr = json_array(), *j;
	size_t i;

	for (i = 0; i < l->n; i++) {
		j = out_json_hoststore(&l->v[i]);
		json_object_set_new(j, "trusted", trusted[i] == -1 ?
		    json_null() : json_boolean(trusted[i]));
		json_object_set_new(j, "why", msg_json(why[i]));
		json_array_append_new(arr, j);
	}
	return json_pack("{s:o, s:o}", "certificate",
	    out_json_cert(x, SOURCE_FILE), "stores", arr);
}

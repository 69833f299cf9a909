/* hostopts.c - the options that point commands at the host's other stores. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "hostopts.h"
#include "load.h"
#include "msg.h"
#include "opt.h"

int
hostopts_handle(struct hostopts *h, int key, const char *arg)
{
	char *e;
	int bits;

	switch (key) {
	case OPT_HOME:
		h->hs.home = arg;
		return 0;
	case OPT_JAVA_KEYSTORE:
		h->hs.java_keystore = arg;
		return 0;
	case OPT_NSSDB:
		h->hs.nssdb = arg;
		return 0;
	case OPT_ALL_USERS:
		h->hs.all_users = 1;
		return 0;
	case OPT_JAVA_PASSWORD_FILE:
		hostopts_clear(h);
		if ((h->password = load_password_file(arg)) == NULL)
			return -1;
		h->hs.storepass = h->password;
		return 0;
	case OPT_ALSO:
		if ((bits = hoststore_also_parse(arg)) == -1) {
			e = msg_escape(arg);
			msg_error("--also: expected java, nss, dotnet or all, "
			    "not '%s'", e);
			free(e);
			return -1;
		}
		h->also = (unsigned)bits;
		return 0;
	}
	return 1;
}

int
hostopts_opt(int key, const char *arg, void *ctx)
{
	return hostopts_handle(ctx, key, arg) == 0 ? 0 : -1;
}

void
hostopts_clear(struct hostopts *h)
{
	if (h->password != NULL) {
		OPENSSL_cleanse(h->password, strlen(h->password));
		free(h->password);
	}
	h->password = NULL;
	h->hs.storepass = NULL;
}

json_t *
hostopts_json(const struct hoststore *hs)
{
	json_t *j = json_object();

	json_object_set_new(j, "kind",
	    json_string(hoststore_kind_name(hs->kind)));
	json_object_set_new(j, "location", json_string(hs->location));
	json_object_set_new(j, "readers", json_string(hs->readers));
	json_object_set_new(j, "user", hs->user ? json_string(hs->user) :
	    json_null());
	json_object_set_new(j, "anchors", hs->anchors >= 0 ?
	    json_integer(hs->anchors) : json_null());
	json_object_set_new(j, "follows_system", json_boolean(hs->follows));
	json_object_set_new(j, "how", json_string(hs->how ? hs->how : ""));
	json_object_set_new(j, "error", hs->error ?
	    json_string(hs->error) : json_null());
	return j;
}

static const char *
outcome(int r, int add, const struct hoststore *hs, int dry_run)
{
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

int
hostopts_apply(const struct hostopts *h, struct store *st, X509 *x,
    const char *label, int add, const struct common_opts *co, json_t *j)
{
	struct hoststore_opts o = h->hs;
	struct hoststores l = { NULL, 0, NULL };
	json_t *arr = json_array(), *e;
	char *pem = NULL, *loc;
	size_t i;
	int r, rc = 0;

	o.st = st;
	o.count = 0;
	if ((pem = hoststore_pem_tmp(x)) == NULL) {
		rc = -1;
		goto out;
	}
	hoststores_find(&o, h->also, &l);
	if (l.n == 0)
		msg_warn("--also: no such store on this host");
	for (i = 0; i < l.n; i++) {
		r = add ? hoststore_import(&l.v[i], &o, x, pem, label,
		    co->dry_run) : hoststore_remove(&l.v[i], &o, x, pem,
		    co->force, co->dry_run);
		if (r == -1)
			rc = -1;
		loc = msg_escape(l.v[i].location);
		if (!co->json)
			printf("%-6s %s: %s\n",
			    hoststore_kind_name(l.v[i].kind), loc,
			    outcome(r, add, &l.v[i], co->dry_run));
		free(loc);
		e = json_pack("{s:s, s:s, s:b, s:b, s:b}", "kind",
		    hoststore_kind_name(l.v[i].kind), "location",
		    l.v[i].location, "follows_system", l.v[i].follows,
		    "changed", r == 1, "verified", r != -1 && !co->dry_run);
		json_array_append_new(arr, e);
	}
out:
	json_object_set_new(j, "also", arr);
	hoststore_pem_tmp_free(pem);
	hoststores_clear(&l);
	return rc;
}

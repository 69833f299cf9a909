/* hostapply.c - import/remove --also: an anchor in or out of other stores. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include "hostopts.h"
#include "msg.h"
#include "opt.h"

static const char *
outcome(int r, int add, const struct hoststore *hs, int dry_run)
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

int
hostopts_apply(const struct hostopts *h, struct store *st, X509 *x,
    const char *label, int add, const struct common_opts *co,
    struct change_anchor *a)
{
	struct hoststore_opts o = h->hs;
	struct hoststores l = { NULL, 0, NULL };
	struct change_also *e;
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
		else if (r == HOSTSTORE_REFUSED && rc == 0)
			rc = HOSTSTORE_REFUSED;
		loc = msg_escape(l.v[i].location);
		if (!co->json)
			printf("%-6s %s: %s\n",
			    hoststore_kind_name(l.v[i].kind), loc,
			    outcome(r, add, &l.v[i], co->dry_run));
		free(loc);
		e = change_add_also(a);
		e->kind = hoststore_kind_name(l.v[i].kind);
		e->location = xstrdup(l.v[i].location);
		e->follows_system = l.v[i].follows;
		e->changed = r == 1;
		e->verified = r >= 0 && !co->dry_run;
	}
out:
	a->has_also = 1;
	hoststore_pem_tmp_free(pem);
	hoststores_clear(&l);
	return rc;
}

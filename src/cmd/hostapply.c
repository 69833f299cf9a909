/* hostapply.c - import/remove --also: an anchor in or out of other stores. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "hostopts.h"
#include "msg.h"
#include "opt.h"

int
hostopts_apply(const struct hostopts *h, struct store *st, X509 *x,
    const char *label, int add, const struct common_opts *co,
    struct change_anchor *a)
{
	struct hoststore_opts o = h->hs;
	struct hoststores l = { NULL, 0, NULL };
	struct change_also *e;
	char *pem = NULL;
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
		if (!co->json)
			out_text_also(stdout, &l.v[i], r, add, co->dry_run);
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

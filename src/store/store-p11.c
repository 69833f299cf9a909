/* store-p11.c - the p11-kit backend, and changes shared with the directory. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "facts.h"
#include "fileutil.h"
#include "msg.h"
#include "spawn.h"
#include "store-int.h"

/* Import, remove and verify, shared by the directory and p11-kit stores. */

/*
 * While the purposes of an anchor change, PURPOSE_JOURNAL beside the lock
 * holds "SHA256 BITS": the old restriction goes before the new one is
 * made (p11-kit allows no other order), and a crash in between would
 * leave the anchor trusted for every purpose.  The next run that opens
 * the store to change it completes the change first.
 */
#define PURPOSE_JOURNAL	".trustfix-purpose"

static char *
purpose_journal(const struct store *st)
{
	char *dir = xstrdup(st->location), *slash, *path;

	/* The p11-kit token's lock is beside it, the directory's inside. */
	if (st->ops->kind == STORE_P11KIT &&
	    (slash = strrchr(dir, '/')) != NULL && slash != dir)
		*slash = '\0';
	path = xasprintf("%s/%s", dir, PURPOSE_JOURNAL);
	free(dir);
	return path;
}

/* Change x's purposes on the token, journalled.  0, or -1 reported. */
static int
set_purposes(struct store *st, X509 *x, const char *label,
    unsigned purposes)
{
	char *j = purpose_journal(st), *line, sha[65];
	int rc = -1;

	facts_sha256(x, sha);
	line = xasprintf("%s %u\n", sha, purposes);
	if (fu_write_atomic(j, line, strlen(line), 0644) == 0 &&
	    p11v_set_purposes(st->p11, x, label, purposes) == 0) {
		fu_unlink(j);
		rc = 0;
	}
	free(line);
	free(j);
	return rc;
}

int
store_p11_purpose_roll_forward(struct store *st)
{
	struct store_anchors a;
	struct store_anchor *b;
	char *j = purpose_journal(st), buf[128], sha[65];
	unsigned bits;
	size_t i;
	FILE *f;
	int rc = 0, n = 0;

	if ((f = fopen(j, "r")) == NULL) {
		free(j);
		return 0;
	}
	if (fgets(buf, sizeof(buf), f) != NULL)
		n = sscanf(buf, "%64s %u", sha, &bits);
	fclose(f);
	if (n == 2 && p11v_list(st->p11, &a) == 0) {
		for (i = 0; i < a.n; i++) {
			b = &a.v[i];
			if (strcmp(b->sha256, sha) != 0 || !b->trustfix ||
			    store_anchor_get0_x509(b) == NULL)
				continue;
			msg_warn("completing a change of purposes that "
			    "stopped: %s is trusted for %s again", sha,
			    bits ? "its purposes" : "every purpose");
			rc = p11v_set_purposes(st->p11,
			    store_anchor_get0_x509(b), b->label, bits);
			break;
		}
		store_anchors_clear(&a);
	}
	if (rc == 0)
		fu_unlink(j);
	free(j);
	return rc == 0 && n == 2 ? p11v_reload(st->p11) : rc;
}

/*
 * p11-kit keeps a purpose restriction per public key (a stapled
 * extension), not per certificate: an anchor with x's key but another
 * certificate (a renewal of an AD CS root keeps its key) would change
 * purposes with x.  Refuse that, saying how to go on; 0 when there is
 * no such anchor or it has the same purposes.
 */
static int
same_key_purposes(struct store_anchors *a, X509 *x,
    const struct store_anchor *found, unsigned purposes)
{
	const struct store_anchor *b;
	EVP_PKEY *k = X509_get0_pubkey(x), *bk;
	X509 *bx;
	size_t i;
	char *want, *have;

	for (i = 0; i < a->n; i++) {
		b = &a->v[i];
		if (b == found || b->distrusted ||
		    (bx = store_anchor_get0_x509(&a->v[i])) == NULL ||
		    (bk = X509_get0_pubkey(bx)) == NULL || k == NULL ||
		    EVP_PKEY_eq(k, bk) != 1 || b->purposes == purposes)
			continue;
		want = store_purposes_text(purposes);
		have = store_purposes_text(b->purposes);
		msg_error("refused: the anchor %s (%s) has the same key and is "
		    "trusted for %s purposes; p11-kit restricts purposes per "
		    "key, so trusting this certificate for %s would change "
		    "that anchor too. Import it %s%s, or remove that anchor "
		    "first", b->sha256, b->subject, have, want,
		    b->purposes ? "with --purpose " : "without --purpose",
		    b->purposes ? have : "");
		free(want);
		free(have);
		return STORE_REFUSED;
	}
	return 0;
}

int
store_p11_import(struct store *st, X509 *x, const char *label,
    unsigned purposes, int dry_run, int (*refresh)(struct store *))
{
	struct store_anchors a;
	const struct store_anchor *found;
	char *full = xasprintf("%s%s", STORE_LABEL_PREFIX, label);
	int rc = -1;

	if (p11v_list(st->p11, &a) == -1)
		goto out;
	found = store_anchors_find(&a, x);
	if (found != NULL && found->distrusted) {
		msg_error("%s distrusts this certificate; remove the "
		    "distrust there first", found->where);
		goto out;
	}
	/*
	 * Never restrict an anchor someone else added by stapling to it,
	 * and never say "already trusted" for a purpose it is trusted
	 * beyond.
	 */
	if (found != NULL && !found->trustfix && purposes != 0 &&
	    found->purposes != purposes) {
		msg_error("refused: %s already trusts this certificate for "
		    "%s, and trustfix does not restrict an anchor it did not "
		    "add; remove it there first, or import without --purpose",
		    found->where, found->purposes == 0 ? "every purpose" :
		    "other purposes");
		rc = STORE_REFUSED;
		goto out;
	}
	if ((rc = same_key_purposes(&a, x, found, purposes)) != 0)
		goto out;
	rc = -1;
	if (found != NULL && (purposes == 0 || !found->trustfix ||
	    found->purposes == purposes)) {
		rc = 0;
		goto out;
	}
	if (dry_run) {
		rc = 1;
		goto out;
	}
	if (found != NULL) {
		if (set_purposes(st, x, full, purposes) == -1)
			goto out;
	} else if (p11v_create(st->p11, x, full, purposes) == -1)
		goto out;
	fault_point("after-create");
	if (refresh != NULL && refresh(st) == -1) {
		/*
		 * p11-kit clients would trust it, OpenSSL's not: undo.  Load
		 * the module afresh first: searching the instance that just
		 * wrote the object reads freed memory in p11-kit 0.24 (seen
		 * under AddressSanitizer).
		 */
		if (found == NULL && p11v_reload(st->p11) == 0 &&
		    p11v_destroy(st->p11, x, 1) > 0)
			msg_error("the anchor was taken out of %s again",
			    st->location);
		goto out;
	}
	rc = 1;
out:
	store_anchors_clear(&a);
	free(full);
	return rc;
}

int
store_p11_remove(struct store *st, const struct store_anchor *a, int force,
    int dry_run, int (*refresh)(struct store *))
{
	const char *w = p11v_writable_path(st->p11);
	const unsigned char *p = a->der;
	X509 *x = NULL;
	int n;

	if (w == NULL || strcmp(a->where, w) != 0) {
		msg_error("this anchor comes from %s, which trustfix does "
		    "not change; remove it there", a->where);
		return -1;
	}
	if (dry_run)
		return 1;
	if ((x = d2i_X509(NULL, &p, (long)a->der_len)) == NULL) {
		msg_error("cannot decode the anchor %s", a->sha256);
		return -1;
	}
	n = p11v_destroy(st->p11, x, force);
	X509_free(x);
	if (n <= 0)
		return n;
	if (refresh != NULL && refresh(st) == -1)
		return -1;
	return 1;
}

int
store_p11_list(struct store *st, struct store_anchors *out)
{
	return p11v_list(st->p11, out);
}

/* 1 if the trust module, read afresh, trusts x. */
int
store_p11_sees(struct store *st, X509 *x)
{
	struct store_anchors a;
	const struct store_anchor *f;
	int seen;

	if (p11v_reload(st->p11) == -1 || p11v_list(st->p11, &a) == -1)
		return -1;
	f = store_anchors_find(&a, x);
	seen = f != NULL && !f->distrusted;
	store_anchors_clear(&a);
	return seen;
}

/* The p11-kit backend: the trust module's writable token. */

const char *
store_p11kit_refresh_name(void)
{
	char *prog = spawn_find_system("update-ca-trust");

	free(prog);
	return prog != NULL ? "update-ca-trust extract" :
	    "trust extract-compat";
}

static int
p11kit_refresh(struct store *st)
{
	const char *extract[] = { "update-ca-trust", "extract", NULL };
	const char *compat[] = { "trust", "extract-compat", NULL };
	char *prog = spawn_find_system("update-ca-trust");

	(void)st;
	if (prog == NULL)
		return store_refresh_run(compat, "'trust extract-compat'");
	free(prog);
	return store_refresh_run(extract, "'update-ca-trust extract'");
}

/*
 * The journal beside the token: there from before a change until its
 * refresh succeeded, so that the next run refreshes what a crash or a
 * failing refresh left behind.
 */
static char *
journal_path(const struct store *st)
{
	char *parent = xstrdup(st->location), *slash, *path;

	if ((slash = strrchr(parent, '/')) != NULL && slash != parent)
		*slash = '\0';
	path = xasprintf("%s/%s", parent, P11KIT_JOURNAL);
	free(parent);
	return path;
}

static int
journal_begin(const struct store *st)
{
	char *j = journal_path(st);
	int rc = fu_write_atomic(j, "", 0, 0644);

	free(j);
	return rc;
}

static void
journal_end(const struct store *st)
{
	char *j = journal_path(st);

	fu_unlink(j);
	free(j);
}

static int
p11kit_import(struct store *st, X509 *x, const char *label,
    unsigned purposes, int dry_run)
{
	int rc;

	if (!dry_run && journal_begin(st) == -1)
		return -1;
	rc = store_p11_import(st, x, label, purposes, dry_run,
	    p11kit_refresh);
	if (!dry_run && rc != -1)
		journal_end(st);
	return rc;
}

static int
p11kit_remove(struct store *st, const struct store_anchor *a, int force,
    int dry_run)
{
	int rc;

	if (!dry_run && journal_begin(st) == -1)
		return -1;
	rc = store_p11_remove(st, a, force, dry_run, p11kit_refresh);
	if (!dry_run && rc != -1)
		journal_end(st);
	return rc;
}

static int
p11kit_verify(struct store *st, X509 *x, int present, char **advice)
{
	int p11 = store_p11_sees(st, x), seen = store_openssl_sees(x);
	const char *fix = store_p11kit_refresh_name();
	int ossl = present ? (seen & OSSL_IN_FILE) != 0 : seen != 0;

	if (p11 == present && ossl == present)
		return 0;
	if (p11 != present)
		*advice = xasprintf("p11-kit's trust module %s it: check %s "
		    "with 'trust list --filter=ca-anchors', then run '%s' "
		    "as root", present ? "does not see" : "still trusts",
		    st->location, fix);
	else
		*advice = xasprintf("OpenSSL's default store (%s) %s it: "
		    "run '%s' as root", X509_get_default_cert_file(),
		    present ? "does not have" : "still has", fix);
	return -1;
}

/*
 * A run that crashed, or whose refresh failed, left its journal, or the
 * token newer than the extracted bundle: refresh before anything else.
 * If that fails again, say so and go on: the change this run makes
 * (a removal, say) must not be blocked by it.
 */
static void
p11kit_roll_forward(struct store *st)
{
	struct stat tok, bundle, sb;
	char *j = journal_path(st);
	int pending = lstat(j, &sb) == 0;

	if (!pending && stat(st->location, &tok) == 0 &&
	    (stat(X509_get_default_cert_file(), &bundle) == -1 ||
	    store_mtime_after(&tok, &bundle)))
		pending = 1;
	if (pending && p11kit_refresh(st) == 0)
		journal_end(st);
	else if (pending)
		msg_warn("the extracted bundles may not match %s until a "
		    "refresh succeeds", st->location);
	free(j);
}

const struct store_ops store_p11kit_ops = {
	"p11-kit", STORE_P11KIT, 1,
	store_p11_list, p11kit_import, p11kit_remove, p11kit_verify
};

int
store_p11kit_open(struct store *st, struct p11_view *v)
{
	const char *w = p11v_writable_path(v);
	char *parent, *slash;
	int rc;

	st->ops = &store_p11kit_ops;
	st->p11 = v;
	st->location = xstrdup(w ? w : p11v_dir_path(v));
	if ((st->flags & STORE_WRITE) && w == NULL) {
		msg_error("cannot change the trust store %s: permission "
		    "denied; run as root, or use --store DIR for a private "
		    "store", st->location);
		return -1;
	}
	if (!(st->flags & STORE_WRITE))
		return 0;
	/* Beside the token: a lock file inside would change its mtime. */
	parent = xstrdup(st->location);
	if ((slash = strrchr(parent, '/')) != NULL && slash != parent)
		*slash = '\0';
	rc = store_take_lock(st, parent);
	free(parent);
	if (rc == -1)
		return -1;
	if (store_p11_purpose_roll_forward(st) == -1)
		return -1;
	p11kit_roll_forward(st);
	return p11v_reload(st->p11);
}

/* hoststore-nss.c - NSS databases through NSS's certutil and vfychain. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"
#include "fileutil.h"
#include "hoststore.h"
#include "load.h"
#include "msg.h"
#include "spawn.h"

/* "sql:DIR" for cert9.db (and a database still to be made), else "dbm:". */
static char *
db_arg(const struct hoststore *hs)
{
	char *p = xasprintf("%s/cert8.db", hs->location);
	char *q = xasprintf("%s/cert9.db", hs->location);
	char *arg;

	arg = xasprintf("%s:%s", access(p, F_OK) == 0 &&
	    access(q, F_OK) != 0 ? "dbm" : "sql", hs->location);
	free(p);
	free(q);
	return arg;
}

/* Run an NSS tool on the database; the output, or NULL with *why. */
static char *
nss_run(const struct hoststore *hs, const char *tool, const char *const
    args[], int *status, char **why)
{
	const char *argv[16];
	char *db = db_arg(hs), *out = NULL;
	struct spawn_result r;
	size_t i = 0;

	argv[i++] = tool;
	argv[i++] = "-d";
	argv[i++] = db;
	while (*args != NULL && i < 15)
		argv[i++] = *args++;
	argv[i] = NULL;
	if (spawn_run(argv, NULL, &r) == -1) {
		*why = xasprintf("cannot run %s", tool);
		goto out;
	}
	*status = r.exited ? r.status : -1;
	if (r.timed_out || !r.exited)
		*why = spawn_message(&r);
	else {
		out = r.output;
		r.output = NULL;
	}
	spawn_result_clear(&r);
out:
	free(db);
	return out;
}

/* What a tool said, on one line, escaped; the caller frees. */
static char *
said(const char *out)
{
	struct spawn_result r = { 1, 0, (char *)out, 0 };

	return spawn_message(&r);
}

/*
 * certutil -L: a header, then "nickname   T,T,T" per certificate.
 * Calls each(nickname, trust, ctx) for every line; returns the count
 * of lines whose SSL trust has C (a trusted CA), or -1 with *why.
 */
static long
each_cert(const struct hoststore *hs, void (*each)(const char *,
    const char *, void *), void *ctx, char **why)
{
	const char *args[] = { "-L", NULL };
	char *out, *line, *save = NULL, *sp, *trust;
	long n = 0;
	int status;

	if ((out = nss_run(hs, "certutil", args, &status, why)) == NULL)
		return -1;
	if (status != 0) {
		*why = said(out);
		free(out);
		return -1;
	}
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		sp = line + strlen(line);
		while (sp > line && sp[-1] == ' ')
			*--sp = '\0';
		if ((trust = strrchr(line, ' ')) == NULL ||
		    strchr(trust, ',') == NULL ||
		    strcmp(trust + 1, "SSL,S/MIME,JAR/XPI") == 0)
			continue;
		*trust++ = '\0';
		for (sp = trust - 1; sp > line && sp[-1] == ' '; )
			*--sp = '\0';
		if (strcspn(trust, ",") > strcspn(trust, "C"))
			n++;
		if (each != NULL)
			each(line, trust, ctx);
	}
	free(out);
	return n;
}

long
hs_nss_count(struct hoststore *hs)
{
	return each_cert(hs, NULL, NULL, &hs->error);
}

/* NSS's own verdict: is the certificate in pem a trusted SSL CA? */
int
hs_nss_trusts(const struct hoststore *hs, const char *pem, char **why)
{
	const char *args[] = { "-u", "3", "-a", pem, NULL };
	char *out;
	int status, rc = -1;

	if ((out = nss_run(hs, "vfychain", args, &status, why)) == NULL)
		return -1;
	if (status == 0 && strstr(out, "Chain is good!") != NULL)
		rc = 1;
	else if (strstr(out, "Chain is bad!") != NULL)
		rc = 0;
	else
		*why = said(out);
	free(out);
	return rc;
}

#define NSS_MAX_LOOKUPS	200	/* nicknames looked into by --force */

struct find_ctx {
	const char	*suffix;	/* "-" and 16 hex digits */
	char		*nick;
	const struct hoststore *hs;
	const char	*sha256;	/* with --force: any nickname */
	int		 looked;
};

/* 1 if the certificate nick names has the fingerprint sha256. */
static int
nick_has(const struct hoststore *hs, const char *nick, const char *sha256)
{
	const char *args[] = { "-L", "-a", "-n", nick, NULL };
	struct certlist *cl = certlist_new();
	char *out, *why = NULL, fp[65];
	size_t i;
	int status, rc = 0;

	out = nss_run(hs, "certutil", args, &status, &why);
	if (out != NULL && status == 0 && load_buffer((unsigned char *)out,
	    strlen(out), nick, NULL, cl) == 0)
		for (i = 0; i < cl->n && !rc; i++) {
			facts_sha256(cl->v[i].x509, fp);
			rc = strcmp(fp, sha256) == 0;
		}
	certlist_free(cl);
	free(out);
	free(why);
	return rc;
}

static void
find_ours(const char *nick, const char *trust, void *ctx)
{
	struct find_ctx *f = ctx;
	size_t n = strlen(nick), s = strlen(f->suffix);

	(void)trust;
	if (f->nick == NULL && strncmp(nick, "trustfix-", 9) == 0 &&
	    n > s && strcmp(nick + n - s, f->suffix) == 0)
		f->nick = xstrdup(nick);
	else if (f->nick == NULL && f->sha256 != NULL &&
	    f->looked++ < NSS_MAX_LOOKUPS && nick_has(f->hs, nick, f->sha256))
		f->nick = xstrdup(nick);
}

/* Make an empty database in a directory that has none (owned as home). */
static int
create_db(struct hoststore *hs)
{
	const char *args[] = { "-N", "--empty-password", NULL };
	static const char *const files[] = { "", "/..", "/cert9.db",
	    "/key4.db", "/pkcs11.txt", NULL };
	char *out, *why = NULL, *parent, *p;
	struct stat st;
	int status, i, rc = -1;

	if (fu_mkdir_p(hs->location, 0700) == -1)
		return -1;
	if ((out = nss_run(hs, "certutil", args, &status, &why)) == NULL ||
	    status != 0) {
		if (why == NULL)
			why = said(out);
		msg_error("cannot create the NSS database %s: %s",
		    hs->location, why);
		goto out;
	}
	/* ~/.pki/nssdb: give it to the owner of ~/.pki's parent */
	parent = xasprintf("%s/../..", hs->location);
	if (stat(parent, &st) == 0 && geteuid() == 0 && st.st_uid != 0)
		for (i = 0; files[i] != NULL; i++) {
			p = xasprintf("%s%s", hs->location, files[i]);
			if (chown(p, st.st_uid, st.st_gid) == -1)
				msg_warn("cannot chown %s: %s", p,
				    strerror(errno));
			free(p);
		}
	free(parent);
	hs->created = 1;
	rc = 0;
out:
	free(out);
	free(why);
	return rc;
}

static int
certutil(struct hoststore *hs, const char *const args[], const char *what)
{
	char *out, *why = NULL;
	int status, rc = -1;

	if ((out = nss_run(hs, "certutil", args, &status, &why)) == NULL ||
	    status != 0) {
		if (why == NULL)
			why = said(out);
		msg_error("certutil could not %s %s: %s (is it read-only, "
		    "or held by a running browser?)", what, hs->location,
		    why);
	} else
		rc = 0;
	free(why);
	free(out);
	return rc;
}

int
hs_nss_change(struct hoststore *hs, X509 *x, const char *pem,
    const char *nick, int add, int force)
{
	char sha[65], suffix[18], *lockp = NULL, *why = NULL, *db = NULL;
	struct find_ctx f = { suffix, NULL, hs, NULL, 0 };
	const char *args[8];
	int lock = -1, rc = -1, has, listed;

	facts_sha256(x, sha);
	snprintf(suffix, sizeof(suffix), "-%.16s", sha);
	db = xasprintf("%s/cert9.db", hs->location);
	if (add && access(db, F_OK) != 0 && create_db(hs) == -1)
		goto out;
	lockp = xasprintf("%s/.trustfix-lock", hs->location);
	if ((lock = fu_lock(lockp, 60)) == -1)
		goto out;
	if ((has = hs_nss_trusts(hs, pem, &why)) == -1) {
		msg_error("cannot read the NSS database %s: %s (is it "
		    "held by a running browser?)", hs->location, why);
		goto out;
	}
	if (has == add) {
		rc = 0;
		goto out;
	}
	if (add) {
		args[0] = "-A";
		args[1] = "-n";
		args[2] = nick;
		args[3] = "-t";
		args[4] = "C,,";
		args[5] = "-i";
		args[6] = pem;
		args[7] = NULL;
	} else {
		f.sha256 = force ? sha : NULL;
		listed = each_cert(hs, find_ours, &f, &why) != -1;
		if (!listed || f.nick == NULL) {
			msg_error("refused: %s trusts it under a nickname "
			    "trustfix did not give; %s", hs->location, force ?
			    "none of its nicknames has it" : "use --force");
			rc = listed && !force ? HOSTSTORE_REFUSED : -1;
			goto out;
		}
		args[0] = "-D";
		args[1] = "-n";
		args[2] = f.nick;
		args[3] = NULL;
	}
	if (certutil(hs, args, add ? "add the certificate to" :
	    "remove the certificate from") == -1)
		goto out;
	rc = 1;
out:
	fu_unlock(lock);
	free(f.nick);
	free(why);
	free(db);
	free(lockp);
	return rc;
}

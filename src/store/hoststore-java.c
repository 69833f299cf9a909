/* hoststore-java.c - Java keystores through that JRE's keytool. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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

/* The password reaches keytool in its environment, never in argv. */
static char *
pass_env(const char *pass)
{
	return xasprintf("TRUSTFIX_STOREPASS=%s",
	    pass != NULL ? pass : "changeit");
}

/*
 * Run keytool with args on the keystore ks; returns its output (the
 * caller frees), or NULL with *why set.
 */
static char *
keytool_run(const struct hoststore *hs, const char *ks, const char *pass,
    const char *const args[], char **why)
{
	const char *argv[16];
	char *env = pass_env(pass), *out = NULL;
	const char *envp[] = { env, NULL };
	struct spawn_result r;
	size_t i = 0;

	argv[i++] = hs->tool;
	while (*args != NULL && i < 10)
		argv[i++] = *args++;
	argv[i++] = "-keystore";
	argv[i++] = ks;
	argv[i++] = "-storepass:env";
	argv[i++] = "TRUSTFIX_STOREPASS";
	argv[i] = NULL;
	if (spawn_run(argv, envp, &r) == -1) {
		*why = xasprintf("cannot run %s", hs->tool);
		goto done;
	}
	if (spawn_ok(&r)) {
		out = r.output;
		r.output = NULL;
	} else
		*why = spawn_message(&r);
	spawn_result_clear(&r);
done:
	OPENSSL_cleanse(env, strlen(env));
	free(env);
	return out;
}

/*
 * keytool -list: the output, or NULL with *why.  A listing cut at
 * spawn's output limit (some 400 entries) is refused, not half-read.
 */
static char *
list(const struct hoststore *hs, const char *ks, const char *pass,
    char **why)
{
	const char *args[] = { "-list", NULL };
	char *out, *p;
	long want = -1, n = 0;

	if ((out = keytool_run(hs, ks, pass, args, why)) == NULL)
		return NULL;
	if ((p = strstr(out, "Your keystore contains ")) != NULL)
		want = strtol(p + 23, NULL, 10);
	for (p = out; (p = strstr(p, "(SHA-256): ")) != NULL; p++)
		n++;
	if (want < 0 || n < want) {
		*why = xasprintf("keytool's listing is %s", want < 0 ?
		    "not in the form trustfix knows" : "longer than trustfix "
		    "reads (64 KiB)");
		free(out);
		out = NULL;
	}
	return out;
}

long
hs_java_count(struct hoststore *hs, const char *pass)
{
	char *out, *p;
	long n = 0;

	if ((out = list(hs, hs->location, pass, &hs->error)) == NULL)
		return -1;
	for (p = out; (p = strstr(p, ", trustedCertEntry,")) != NULL; p++)
		n++;
	free(out);
	return n;
}

/* "AB:CD:..." as keytool prints a SHA-256 fingerprint. */
static void
colon_hex(const char *sha256, char out[96])
{
	size_t i, j = 0;

	for (i = 0; sha256[i] != '\0' && i < 64; i++) {
		if (i > 0 && i % 2 == 0)
			out[j++] = ':';
		out[j++] = (char)(sha256[i] >= 'a' ? sha256[i] - 32 :
		    sha256[i]);
	}
	out[j] = '\0';
}

int
hs_java_trusts(const struct hoststore *hs, const char *pass,
    const char *sha256, char **why)
{
	char fp[96], *out;
	int rc;

	if ((out = list(hs, hs->location, pass, why)) == NULL)
		return -1;
	colon_hex(sha256, fp);
	rc = strstr(out, fp) != NULL;
	free(out);
	return rc;
}

/*
 * The aliases of the entries with fingerprint fp in keytool's listing:
 * "alias, Jun 24, 2025, trustedCertEntry, \nCertificate fingerprint
 * (SHA-256): fp".  A NULL-terminated list the caller frees.
 */
static char **
aliases_of(const char *out, const char *fp)
{
	char **v = xcalloc(1, sizeof(char *));
	const char *p = out, *line, *end;
	size_t n = 0, k;
	int commas;

	while ((p = strstr(p, fp)) != NULL) {
		/* back to the start of the previous line */
		end = p;
		while (end > out && end[-1] != '\n')
			end--;
		line = end > out ? end - 1 : out;
		while (line > out && line[-1] != '\n')
			line--;
		/* drop ", Jun 24, 2025, trustedCertEntry, ": 4 commas */
		for (commas = 0, k = (size_t)(end - line); k > 0; k--)
			if (line[k - 1] == ',' && ++commas == 4)
				break;
		if (k > 0) {
			v = xrealloc(v, (n + 2) * sizeof(char *));
			v[n++] = msg_escape_len(line, k - 1);
			v[n] = NULL;
		}
		p += strlen(fp);
	}
	return v;
}

X509 *
hs_java_get1(const struct hoststore *hs, const char *pass, const char *hex)
{
	const char *args[] = { "-exportcert", "-rfc", "-alias", NULL, NULL };
	struct certlist *cl = certlist_new();
	char fp[96], *out = NULL, *pem = NULL, *why = NULL, **aliases = NULL;
	char *p;
	X509 *x = NULL;

	colon_hex(hex, fp);
	if ((out = list(hs, hs->location, pass, &why)) == NULL ||
	    (p = strstr(out, fp)) == NULL)
		goto out;
	while (p > out && p[-1] != ' ')	/* the whole fingerprint */
		p--;
	p[strcspn(p, "\n")] = '\0';
	aliases = aliases_of(out, p);
	if (aliases[0] == NULL)
		goto out;
	args[3] = aliases[0];
	if ((pem = keytool_run(hs, hs->location, pass, args, &why)) != NULL &&
	    load_buffer((unsigned char *)pem, strlen(pem), hs->location, NULL,
	    cl) == 0 && cl->n > 0) {
		x = cl->v[0].x509;
		X509_up_ref(x);
	}
out:
	facts_strv_free(aliases);
	certlist_free(cl);
	free(why);
	free(pem);
	free(out);
	return x;
}

/* A copy of ks beside it, with its mode and owner; NULL after reporting. */
static char *
copy_beside(const char *ks)
{
	unsigned char *buf = NULL;
	size_t len, off = 0;
	struct stat st;
	char *tmp = xasprintf("%s.trustfix-XXXXXX", ks);
	ssize_t n;
	int fd = -1, ok = 0;

	if (stat(ks, &st) == -1 ||
	    load_read_file(ks, HOSTSTORE_MAX_FILE, &buf, &len) == -1) {
		msg_error("cannot read the keystore %s: %s", ks,
		    strerror(errno));
		goto out;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		msg_error("cannot create a file beside %s: %s", ks,
		    strerror(errno));
		goto out;
	}
	while (off < len && (n = write(fd, buf + off, len - off)) > 0)
		off += (size_t)n;
	if (off != len || fchmod(fd, st.st_mode & 07777) == -1 ||
	    (fchown(fd, st.st_uid, st.st_gid) == -1 && errno != EPERM)) {
		msg_error("cannot copy %s: %s", ks, strerror(errno));
		goto out;
	}
	ok = 1;
out:
	if (fd != -1)
		close(fd);
	if (!ok && fd != -1)
		unlink(tmp);
	free(buf);
	if (!ok) {
		free(tmp);
		tmp = NULL;
	}
	return tmp;
}

static int
sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Run keytool with args on the copy tmp; -1 after reporting. */
static int
keytool(const struct hoststore *hs, const char *tmp, const char *pass,
    const char *const args[])
{
	char *out, *why = NULL;

	if ((out = keytool_run(hs, tmp, pass, args, &why)) == NULL) {
		msg_error("keytool could not change %s: %s", hs->location,
		    why);
		free(why);
		return -1;
	}
	free(out);
	return 0;
}

/*
 * Change a copy, check the copy, rename it over the keystore: a crash
 * leaves the keystore as before or as after.
 */
int
hs_java_change(struct hoststore *hs, const char *pass, X509 *x,
    const char *pem, const char *alias, int add, int force)
{
	char sha[65], fp[96], *lockp = NULL, *tmp = NULL, *out = NULL;
	char *why = NULL, **aliases = NULL;
	const char *args[8];
	size_t i;
	int lock = -1, rc = -1, has, fresh;

	facts_sha256(x, sha);
	colon_hex(sha, fp);
	lockp = xasprintf("%s.trustfix-lock", hs->location);
	if ((lock = fu_lock(lockp, 60)) == -1)
		goto out;
	/* A truststore still to be made: keytool creates it (PKCS#12). */
	fresh = access(hs->location, F_OK) != 0 && errno == ENOENT;
	if (!fresh && (out = list(hs, hs->location, pass, &why)) == NULL) {
		msg_error("cannot read the keystore %s: %s", hs->location,
		    why);
		goto out;
	}
	has = !fresh && strstr(out, fp) != NULL;
	if (has == add) {
		rc = 0;
		goto out;
	}
	if (!add) {
		aliases = aliases_of(out, fp);
		for (i = 0; aliases[i] != NULL; i++)
			if (strncmp(aliases[i], "trustfix-", 9) != 0 &&
			    !force) {
				msg_error("refused: %s holds it as '%s', "
				    "which trustfix did not add; use --force",
				    hs->location, aliases[i]);
				rc = HOSTSTORE_REFUSED;
				goto out;
			}
	}
	if (fresh) {
		tmp = xasprintf("%s.trustfix-new", hs->location);
		if (unlink(tmp) == -1 && errno != ENOENT) {
			msg_error("cannot remove %s: %s", tmp,
			    strerror(errno));
			goto out;
		}
	} else if ((tmp = copy_beside(hs->location)) == NULL)
		goto out;
	if (add) {
		args[0] = "-importcert";
		args[1] = "-noprompt";
		args[2] = "-alias";
		args[3] = alias;
		args[4] = "-file";
		args[5] = pem;
		args[6] = NULL;
		if (keytool(hs, tmp, pass, args) == -1)
			goto out;
	}
	for (i = 0; !add && aliases[i] != NULL; i++) {
		args[0] = "-delete";
		args[1] = "-alias";
		args[2] = aliases[i];
		args[3] = NULL;
		if (keytool(hs, tmp, pass, args) == -1)
			goto out;
	}
	free(out);
	if ((out = list(hs, tmp, pass, &why)) == NULL ||
	    (strstr(out, fp) != NULL) != add) {
		msg_error("keytool changed a copy of %s, but the copy %s: "
		    "the keystore is left as it was", hs->location, why ?
		    why : add ? "lacks the certificate" : "still has it");
		goto out;
	}
	fault_point("java-before-rename");
	if (sync_file(tmp) == -1 || fu_rename(tmp, hs->location) == -1)
		goto out;
	free(tmp);
	tmp = NULL;
	rc = 1;
out:
	if (tmp != NULL)
		unlink(tmp);
	fu_unlock(lock);
	facts_strv_free(aliases);
	free(tmp);
	free(why);
	free(out);
	free(lockp);
	return rc;
}

/* findings.c - the finding ids of DESIGN.md, and a list of findings. */
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "msg.h"

static const char *const names[F_COUNT] = {
	[F_SELF_SIGNED] = "self-signed",
	[F_UNTRUSTED_ROOT] = "untrusted-root",
	[F_MISSING_INTERMEDIATE] = "missing-intermediate",
	[F_NAME_MISMATCH] = "name-mismatch",
	[F_CN_ONLY] = "cn-only",
	[F_EXPIRED] = "expired",
	[F_NOT_YET_VALID] = "not-yet-valid",
	[F_EXPIRING_SOON] = "expiring-soon",
	[F_WEAK_SIGNATURE] = "weak-signature",
	[F_WEAK_KEY] = "weak-key",
	[F_NO_SERVER_AUTH] = "no-server-auth",
	[F_NOT_A_CA] = "not-a-ca",
	[F_PATH_LENGTH] = "path-length",
	[F_NAME_CONSTRAINTS] = "name-constraints",
	[F_REVOKED] = "revoked",
	[F_CHAIN_ORDER] = "chain-order",
	[F_HANDSHAKE_FAILED] = "handshake-failed",
	[F_OLD_PROTOCOL] = "old-protocol",
	[F_BAD_SIGNATURE] = "bad-signature",
	[F_PROFILE] = "profile-violation",
	[F_CRITICAL_EXTENSION] = "unknown-critical-extension",
	[F_REVOCATION_UNKNOWN] = "revocation-unknown",
	[F_INVALID_NAME] = "invalid-name",
};

const char *
finding_name(enum finding_id id)
{
	if ((unsigned)id >= F_COUNT)
		return "unknown";
	return names[id];
}

const char *
severity_name(enum severity s)
{
	switch (s) {
	case SEV_ERROR:
		return "error";
	case SEV_WARNING:
		return "warning";
	case SEV_INFO:
		break;
	}
	return "info";
}

void
findings_add(struct findings *fs, enum finding_id id, enum severity sev,
    int cert, char *summary, char *detail, char *fix)
{
	struct finding *f;
	size_t i;

	for (i = 0; i < fs->n; i++) {
		if (fs->v[i].id == id && fs->v[i].cert == cert) {
			if (sev > fs->v[i].severity)
				fs->v[i].severity = sev;
			free(summary);
			free(detail);
			free(fix);
			return;
		}
	}
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 8;
		fs->v = xrealloc(fs->v, fs->cap * sizeof(*fs->v));
	}
	f = &fs->v[fs->n++];
	f->id = id;
	f->severity = sev;
	f->cert = cert;
	f->summary = summary;
	f->detail = detail;
	f->fix = fix;
}

const struct finding *
findings_get(const struct findings *fs, enum finding_id id)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].id == id)
			return &fs->v[i];
	return NULL;
}

size_t
findings_errors(const struct findings *fs)
{
	size_t i, n = 0;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].severity == SEV_ERROR)
			n++;
	return n;
}

void
findings_move(struct findings *dst, struct findings *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		findings_add(dst, src->v[i].id, src->v[i].severity,
		    src->v[i].cert, src->v[i].summary, src->v[i].detail,
		    src->v[i].fix);
	free(src->v);
	memset(src, 0, sizeof(*src));
}

void
findings_sort(struct findings *fs)
{
	struct finding *v;
	size_t i, k = 0;
	int s;

	if (fs->n < 2)
		return;
	v = xcalloc(fs->n, sizeof(*v));
	for (s = SEV_ERROR; s >= SEV_INFO; s--)
		for (i = 0; i < fs->n; i++)
			if ((int)fs->v[i].severity == s)
				v[k++] = fs->v[i];
	free(fs->v);
	fs->v = v;
	fs->cap = fs->n;
}

void
findings_clear(struct findings *fs)
{
	size_t i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].summary);
		free(fs->v[i].detail);
		free(fs->v[i].fix);
	}
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

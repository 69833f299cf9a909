/* findings.c - the finding ids of DESIGN.md, and a list of findings. */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509_vfy.h>

#include "findings.h"
#include "msg.h"

struct finding_def {
	const char	*name;
	enum severity	 floor;
	int		 own;
	unsigned	 rules;
	unsigned	 dotnet;
	const char	*native[4];	/* gnutls, nss, java, go */
	int		 codes[8];	/* 0 ends */
};

static const struct finding_def defs[F_COUNT] = {
#define FINDING(id, name, floor, own, rules, dotnet, words, gnutls, nss, \
    java, go, ...) \
	[id] = { name, floor, own, rules, dotnet, { gnutls, nss, java, go }, \
	    { __VA_ARGS__ } },
#include "findings.def"
#undef FINDING
};

const char *
finding_name(enum finding_id id)
{
	if ((unsigned)id >= F_COUNT)
		return "unknown";
	return defs[id].name;
}

enum severity
finding_floor(enum finding_id id)
{
	return (unsigned)id < F_COUNT ? defs[id].floor : SEV_INFO;
}

unsigned
finding_rules(enum finding_id id)
{
	return (unsigned)id < F_COUNT ? defs[id].rules : 0;
}

unsigned
finding_dotnet(enum finding_id id)
{
	return (unsigned)id < F_COUNT ? defs[id].dotnet : 0;
}

const char *
finding_native(enum finding_id id, enum client_id c)
{
	if ((unsigned)id >= F_COUNT || c < CL_GNUTLS || c > CL_GO)
		return NULL;
	return defs[id].native[c - CL_GNUTLS];
}

enum finding_id
finding_of_code(int code)
{
	int id;
	size_t k;

	for (id = 0; code != 0 && id < F_COUNT; id++)
		for (k = 0; k < 8 && defs[id].codes[k] != 0; k++)
			if (defs[id].codes[k] == code)
				return (enum finding_id)id;
	return F_PROFILE;
}

int
finding_judged_here(int code)
{
	enum finding_id id = finding_of_code(code);

	return id != F_PROFILE && defs[id].own;
}

void
findings_judge(struct findings *fs, unsigned named)
{
	struct finding *f;
	size_t i;

	for (i = 0; i < fs->n; i++) {
		f = &fs->v[i];
		f->severity = (f->rejected_by & named) ? SEV_ERROR :
		    f->rejected_by ? SEV_WARNING : SEV_INFO;
		if (f->severity < finding_floor(f->id))
			f->severity = finding_floor(f->id);
	}
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

struct finding *
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
			return &fs->v[i];
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
	f->code = 0;
	f->rejected_by = 0;
	return f;
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
	struct finding *f;
	size_t i;

	for (i = 0; i < src->n; i++) {
		f = findings_add(dst, src->v[i].id, src->v[i].severity,
		    src->v[i].cert, src->v[i].summary, src->v[i].detail,
		    src->v[i].fix);
		if (f->code == 0)
			f->code = src->v[i].code;
		f->rejected_by |= src->v[i].rejected_by;
	}
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

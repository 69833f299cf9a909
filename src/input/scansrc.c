/* scansrc.c - the targets of a scan: a list file, or a router's config. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "fileutil.h"
#include "msg.h"
#include "scansrc.h"

void
scan_list_add(struct scan_list *l, const char *input, const char *file,
    size_t line, const char *setting, const char *policy)
{
	struct scan_entry *e;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	e = &l->v[l->n++];
	e->input = xstrdup(input);
	e->file = xstrdup(file);
	e->line = line;
	e->setting = setting ? xstrdup(setting) : NULL;
	e->policy = policy ? xstrdup(policy) : NULL;
}

void
scan_list_clear(struct scan_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].input);
		free(l->v[i].file);
		free(l->v[i].setting);
		free(l->v[i].policy);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The line without comment and surrounding blanks, in place. */
static char *
trim(char *s)
{
	char *p, *end;

	while (isspace((unsigned char)*s))
		s++;
	for (p = s; *p != '\0'; p++)
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int
scansrc_list(const char *path, struct scan_list *l)
{
	FILE *f;
	char *buf = NULL, *s, *e;
	const char *name = strcmp(path, "-") == 0 ? "(standard input)" : path;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc = -1;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	if (f == NULL) {
		e = msg_escape(path);
		msg_error("cannot read %s: %s", e, strerror(errno));
		free(e);
		return -1;
	}
	while ((len = fu_getline(&buf, &cap, f, SCANSRC_MAX_LINE)) != -1) {
		lineno++;
		if (len == FU_LINE_LONG) {
			e = msg_escape(name);
			msg_error("%s:%zu: a line longer than %d bytes", e,
			    lineno, SCANSRC_MAX_LINE);
			free(e);
			goto out;
		}
		if (*(s = trim(buf)) == '\0')
			continue;
		if (l->n >= SCANSRC_MAX_TARGETS) {
			e = msg_escape(name);
			msg_error("%s: more than %d targets", e,
			    SCANSRC_MAX_TARGETS);
			free(e);
			goto out;
		}
		scan_list_add(l, s, name, lineno, NULL, NULL);
	}
	if (ferror(f)) {
		e = msg_escape(name);
		msg_error("cannot read %s: %s", e, strerror(errno));
		free(e);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	if (f != stdin)
		fclose(f);
	return rc;
}

void
scansrc_too_long(const char *path, size_t line)
{
	char *e = msg_escape(path);

	msg_warn("%s:%zu: a line longer than %d bytes: skipped", e, line,
	    SCANSRC_MAX_LINE);
	free(e);
}

int
scansrc_done(const char *path, void (*done)(const char *, void *),
    void *arg)
{
	FILE *f;
	json_t *doc;
	const char *in;
	char *buf = NULL, *e;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;	/* nothing done yet */
		e = msg_escape(path);
		msg_error("--resume: cannot read %s: %s", e, strerror(errno));
		free(e);
		return -1;
	}
	while ((len = fu_getline(&buf, &cap, f, SCAN_RESUME_MAX_LINE)) != -1) {
		/* A line cut short by an interrupt does not parse: redo. */
		if (len == FU_LINE_LONG ||
		    (doc = json_loads(buf, 0, NULL)) == NULL)
			continue;
		in = json_string_value(json_object_get(json_object_get(doc,
		    "target"), "input"));
		if (in != NULL)
			done(in, arg);
		json_decref(doc);
	}
	if (ferror(f)) {
		e = msg_escape(path);
		msg_error("--resume: cannot read %s: %s", e, strerror(errno));
		free(e);
		rc = -1;
	}
	free(buf);
	fclose(f);
	return rc;
}

int
scansrc_from(const char *spec, struct scan_list *l)
{
	const char *colon = strchr(spec, ':');
	const char *arg = colon ? colon + 1 : NULL;
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	char *e;

	if (arg != NULL && *arg == '\0')
		arg = NULL;
	if (n == 7 && strncmp(spec, "postfix", n) == 0)
		return scansrc_postfix(arg, l);
	if (n == 9 && strncmp(spec, "fetchmail", n) == 0)
		return scansrc_fetchmail(arg, l);
	if (n == 4 && strncmp(spec, "exim", n) == 0)
		return scansrc_exim(arg, l);
	if (n == 3 && strncmp(spec, "crm", n) == 0 && arg != NULL)
		return scansrc_crm(arg, l);
	e = msg_escape(spec);
	msg_error("--from: expected postfix[:DIR], fetchmail[:FILE], "
	    "exim[:FILE] or crm:FILE, not '%s'", e);
	free(e);
	return -2;
}

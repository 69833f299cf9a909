/* devprofile.c - parse device profiles (key = value, then instructions). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "msg.h"
#include "devprofile.h"

static const char *const kind_names[] = {
	[DEVPROFILE_DER] = "der",
	[DEVPROFILE_PEM] = "pem",
	[DEVPROFILE_P7B] = "p7b",
	[DEVPROFILE_MOBILECONFIG] = "mobileconfig",
	[DEVPROFILE_TRUSTSTORE] = "truststore",
	[DEVPROFILE_FIREFOX] = "firefox-policies"
};

#define NKINDS	(sizeof(kind_names) / sizeof(kind_names[0]))

int
devprofile_kind_parse(const char *word)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (strcmp(word, kind_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
devprofile_kind_name(enum devprofile_kind k)
{
	return (size_t)k < NKINDS ? kind_names[k] : "?";
}

void
devprofile_free(struct devprofile *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nout; i++)
		free(p->out[i].arg);
	free(p->out);
	free(p->name);
	free(p->title);
	free(p->text);
	free(p->origin);
	free(p);
}

const char *
devprofile_dir(void)
{
	const char *env;

	env = getenv("TRUSTFIX_BUNDLES_DIR");
	if (env != NULL && *env != '\0')
		return env;
	return PKGDATADIR "/bundles";
}

/* Characters allowed in file names we write: [A-Za-z0-9._-]. */
static int
safe_chars(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._-", *s) == NULL)
			return 0;
	return 1;
}

static int
valid_name(const char *s)
{
	size_t len = strlen(s);

	/* "manifest/" and MANIFEST clash where case is ignored. */
	if (len == 0 || len > 32 || !islower((unsigned char)s[0]) ||
	    strcmp(s, "manifest") == 0)
		return 0;
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

/* "der .cer" or "p7b roots.p7b": -1 with *why set when malformed. */
static int
parse_output(struct devprofile *p, char *val, const char **why)
{
	char *arg;
	int kind;

	arg = val + strcspn(val, " \t");
	if (*arg != '\0')
		*arg++ = '\0';
	arg += strspn(arg, " \t");
	if ((kind = devprofile_kind_parse(val)) < 0) {
		*why = "unknown output kind (der, pem, p7b, mobileconfig, "
		    "truststore, firefox-policies)";
		return -1;
	}
	if (*arg == '\0' || strlen(arg) > 64 || !safe_chars(arg)) {
		*why = "expected a file name or suffix of [A-Za-z0-9._-] "
		    "after the output kind";
		return -1;
	}
	if ((kind == DEVPROFILE_DER || kind == DEVPROFILE_PEM) !=
	    (arg[0] == '.')) {
		*why = "der and pem take a suffix (\".cer\"), the others "
		    "a file name";
		return -1;
	}
	if (strcmp(arg, "README-DEVICE.txt") == 0) {
		*why = "README-DEVICE.txt is written by trustfix";
		return -1;
	}
	p->out = xrealloc(p->out, (p->nout + 1) * sizeof(*p->out));
	p->out[p->nout].kind = (enum devprofile_kind)kind;
	p->out[p->nout].arg = xstrdup(arg);
	p->nout++;
	return 0;
}

/* One header line "key = value" (trimmed).  -1 with *why set. */
static int
parse_line(struct devprofile *p, char *line, const char **why)
{
	char *eq, *key, *val, *end;

	if ((eq = strchr(line, '=')) == NULL) {
		*why = "expected 'key = value' or '[instructions]'";
		return -1;
	}
	*eq = '\0';
	key = line;
	for (end = eq; end > key && isspace((unsigned char)end[-1]); end--)
		end[-1] = '\0';
	val = eq + 1;
	val += strspn(val, " \t");
	if (strcmp(key, "name") == 0 || strcmp(key, "title") == 0) {
		char **slot = key[0] == 'n' ? &p->name : &p->title;

		if (*slot != NULL) {
			*why = "given twice";
			return -1;
		}
		if (*val == '\0') {
			*why = "empty value";
			return -1;
		}
		*slot = xstrdup(val);
		return 0;
	}
	if (strcmp(key, "output") == 0)
		return parse_output(p, val, why);
	*why = "unknown key (name, title, output)";
	return -1;
}

/* What must hold once the whole file is read; NULL or the reason. */
static const char *
check_devprofile(const struct devprofile *p)
{
	size_t i;
	int percert = 0, firefox = 0;

	if (p->name == NULL || !valid_name(p->name))
		return "needs 'name = ' of lowercase letters, digits, - and _ "
		    "(at most 32)";
	if (p->nout == 0)
		return "needs at least one 'output = ' line";
	if (p->text == NULL)
		return "needs an [instructions] section";
	for (i = 0; i < p->nout; i++) {
		if (p->out[i].kind == DEVPROFILE_DER ||
		    p->out[i].kind == DEVPROFILE_PEM)
			percert = 1;
		if (p->out[i].kind == DEVPROFILE_FIREFOX)
			firefox = 1;
	}
	if (firefox && !percert)
		return "firefox-policies needs a der or pem output to list";
	return NULL;
}

struct devprofile *
devprofile_parse(const char *text, size_t len, const char *origin)
{
	struct devprofile *p;
	char *copy, *line, *next;
	const char *why = NULL;
	int lineno = 0;

	p = xcalloc(1, sizeof(*p));
	p->origin = xstrdup(origin);
	copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (strlen(copy) != len) {
		why = "contains a NUL byte";
		goto out;
	}
	for (line = copy; line != NULL && *line != '\0'; line = next) {
		char *end;

		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		end = line + strlen(line);
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = '\0';
		line += strspn(line, " \t");
		if (*line == '\0' || *line == '#')
			continue;
		if (strcmp(line, "[instructions]") == 0) {
			if (next == NULL)
				next = line + strlen(line);
			next += strspn(next, "\r\n");
			p->text = xstrdup(next);
			break;
		}
		if (parse_line(p, line, &why) < 0)
			goto out;
	}
	lineno = 0;
	if (p->text != NULL && p->text[0] == '\0')
		why = "the [instructions] section is empty";
	else
		why = check_devprofile(p);
	if (why == NULL && p->title == NULL)
		p->title = xstrdup(p->name);
out:
	free(copy);
	if (why != NULL) {
		char *o = msg_escape(origin);

		if (lineno > 0)
			msg_error("%s:%d: %s", o, lineno, why);
		else
			msg_error("%s: %s", o, why);
		free(o);
		devprofile_free(p);
		return NULL;
	}
	return p;
}

struct devprofile *
devprofile_load(const char *path)
{
	unsigned char *buf = NULL;
	size_t len;
	struct devprofile *p;

	if (load_read_file(path, DEVPROFILE_MAX_SIZE, &buf, &len) < 0)
		return NULL;
	p = devprofile_parse((const char *)buf, len, path);
	free(buf);
	return p;
}

static int
is_profile_file(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return d->d_name[0] != '.' && len > 8 &&
	    strcmp(d->d_name + len - 8, ".profile") == 0;
}

int
devprofile_load_dir(const char *dir, struct devprofile ***v, size_t *n)
{
	struct dirent **names = NULL;
	int count, i, rc = -1;

	if ((count = scandir(dir, &names, is_profile_file, alphasort)) < 0) {
		char *d = msg_escape(dir);

		msg_error("cannot read the device profiles in %s: %s "
		    "(set TRUSTFIX_BUNDLES_DIR)", d, strerror(errno));
		free(d);
		return -1;
	}
	for (i = 0; i < count; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]->d_name);
		struct devprofile *p = devprofile_load(path);

		free(path);
		if (p == NULL)
			goto out;
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = p;
	}
	rc = 0;
out:
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* services.c - find running services that cache TLS anchors; their reload. */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "services.h"

#define PROC_MAX_READ	(64 * 1024)	/* bytes of cmdline or environ */

/*
 * The services a router host runs that verify servers with the system's
 * anchors, by process name and executable's base name.  Each keeps the
 * anchors it loaded until it is told to reload; fetchmail makes a new
 * TLS context for every poll and needs none.
 */
struct kind {
	const char	*name;
	const char	*comm;		/* /proc/PID/comm */
	const char	*exe;		/* base name of /proc/PID/exe */
	const char	*exe_dir;	/* a part of its directory, or NULL */
	const char	*why;
};

static const struct kind kinds[] = {
	{ "postfix", "master", "master", "postfix",
	    "its smtp processes keep the anchors they loaded" },
	{ "exim", "exim4", "exim4", NULL,
	    "its daemon keeps the anchors it preloaded" },
	{ "exim", "exim", "exim", NULL,
	    "its daemon keeps the anchors it preloaded" },
	{ "dovecot", "dovecot", "dovecot", NULL,
	    "its proxy and submission processes keep the anchors they "
	    "loaded" },
	{ "fetchmail", "fetchmail", "fetchmail", NULL,
	    "it reads the anchors at every poll" },
	{ NULL, NULL, NULL, NULL, NULL }
};

/* The file /proc/PID/NAME, at most PROC_MAX_READ bytes; NULL if none. */
static char *
proc_read(const char *pid, const char *name, size_t *len)
{
	char path[64], *buf;
	ssize_t r;
	size_t n = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	buf = xcalloc(1, PROC_MAX_READ + 1);
	while (n < PROC_MAX_READ &&
	    (r = read(fd, buf + n, PROC_MAX_READ - n)) > 0)
		n += (size_t)r;
	close(fd);
	*len = n;
	return buf;
}

/* The value after option opt in a NUL-separated argv, or NULL. */
static const char *
arg_after(const char *args, size_t len, const char *opt)
{
	const char *p = args, *end = args + len;

	while (p < end) {
		size_t n = strnlen(p, (size_t)(end - p));

		if (strcmp(p, opt) == 0 && p + n + 1 < end)
			return p + n + 1;
		p += n + 1;
	}
	return NULL;
}

/* NAME's value in a NUL-separated environment, or NULL. */
static const char *
env_value(const char *env, size_t len, const char *name)
{
	const char *p = env, *end = env + len;
	size_t k = strlen(name);

	while (p < end) {
		size_t n = strnlen(p, (size_t)(end - p));

		if (n > k && strncmp(p, name, k) == 0 && p[k] == '=')
			return p + k + 1;
		p += n + 1;
	}
	return NULL;
}

static char **
argv_new(const char *a0, ...)
{
	char **v = xcalloc(8, sizeof(*v));
	const char *s;
	va_list ap;
	int n = 0;

	va_start(ap, a0);
	for (s = a0; s != NULL && n < 7; s = va_arg(ap, const char *))
		v[n++] = xstrdup(s);
	va_end(ap);
	return v;
}

static void
argv_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* The configuration and commands of s, from its command line. */
static void
commands(struct service *s, const char *args, size_t alen, const char *env,
    size_t elen)
{
	const char *c;
	char pid[32];

	snprintf(pid, sizeof(pid), "%ld", (long)s->pid);
	if (strcmp(s->name, "postfix") == 0) {
		if ((c = arg_after(args, alen, "-c")) == NULL && env != NULL)
			c = env_value(env, elen, "MAIL_CONFIG");
		s->config = xstrdup(c ? c : "/etc/postfix");
		if (c == NULL || strcmp(c, "/etc/postfix") == 0) {
			s->reload = argv_new("postfix", "reload", NULL);
			s->retry = argv_new("postqueue", "-f", NULL);
		} else {
			s->reload = argv_new("postfix", "-c", c, "reload",
			    NULL);
			s->retry = argv_new("postqueue", "-c", c, "-f", NULL);
		}
	} else if (strcmp(s->name, "dovecot") == 0) {
		c = arg_after(args, alen, "-c");
		s->config = xstrdup(c ? c : "/etc/dovecot/dovecot.conf");
		s->reload = c ? argv_new("dovecot", "-c", c, "reload", NULL) :
		    argv_new("dovecot", "reload", NULL);
	} else if (strcmp(s->name, "exim") == 0) {
		c = arg_after(args, alen, "-C");
		s->config = c ? xstrdup(c) : NULL;
		s->reload = argv_new("kill", "-HUP", pid, NULL);
		s->retry = c ? argv_new(s->exe, "-C", c, "-qff", NULL) :
		    argv_new(s->exe, "-qff", NULL);
	} else {
		c = arg_after(args, alen, "-f");
		s->config = c ? xstrdup(c) : NULL;
		/* Wakes the daemon up: it polls at once. */
		s->retry = argv_new("kill", "-USR1", pid, NULL);
	}
}

/* The kind of process pid is, or NULL; *exe gets its executable. */
static const struct kind *
kind_of(const char *pid, char **exe, pid_t *ppid)
{
	char path[64], buf[PATH_MAX], *comm, *stat, *p, *base;
	const struct kind *k = NULL;
	long pp = 0;
	ssize_t n;
	size_t len;

	*exe = NULL;
	*ppid = 0;
	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	if ((comm = proc_read(pid, "comm", &len)) == NULL)
		return NULL;
	comm[strcspn(comm, "\n")] = '\0';
	if ((n = readlink(path, buf, sizeof(buf) - 1)) <= 0)
		goto out;
	buf[n] = '\0';
	/* An executable replaced by an upgrade still names the service. */
	if ((p = strstr(buf, " (deleted)")) != NULL && p[10] == '\0')
		*p = '\0';
	base = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
	for (k = kinds; k->name != NULL; k++)
		if (strcmp(k->comm, comm) == 0 && strcmp(k->exe, base) == 0 &&
		    (k->exe_dir == NULL || strstr(buf, k->exe_dir) != NULL))
			break;
	if (k->name == NULL) {
		k = NULL;
		goto out;
	}
	/* stat: "PID (COMM) STATE PPID ...", COMM may hold anything. */
	if ((stat = proc_read(pid, "stat", &len)) != NULL &&
	    (p = strrchr(stat, ')')) != NULL &&
	    sscanf(p + 1, " %*c %ld", &pp) == 1)
		*ppid = (pid_t)pp;
	free(stat);
	*exe = xstrdup(buf);
out:
	free(comm);
	return k;
}

static void
service_free(struct service *s)
{
	free(s->exe);
	free(s->config);
	argv_free(s->reload);
	argv_free(s->retry);
}

/* 1 if path names the same file as one of only (or only is NULL). */
static int
selected(const char *path, const char *const *only)
{
	char a[PATH_MAX], b[PATH_MAX];

	if (only == NULL)
		return 1;
	if (path == NULL || realpath(path, a) == NULL)
		return 0;
	for (; *only != NULL; only++)
		if (realpath(*only, b) != NULL && strcmp(a, b) == 0)
			return 1;
	return 0;
}

/* 1 if the parent of a process is the same program (a child of it). */
static int
child_of_same(pid_t ppid, const char *exe)
{
	char pid[32], *pexe = NULL;
	pid_t pp;
	int same;

	if (ppid <= 1)
		return 0;
	snprintf(pid, sizeof(pid), "%ld", (long)ppid);
	same = kind_of(pid, &pexe, &pp) != NULL && strcmp(pexe, exe) == 0;
	free(pexe);
	return same;
}

void
services_find(const char *const *only, struct service_list *out)
{
	const struct kind *k;
	struct service s;
	struct dirent *e;
	char *args, *env;
	size_t alen = 0, elen = 0;
	pid_t ppid;
	DIR *d;

	memset(out, 0, sizeof(*out));
	if ((d = opendir("/proc")) == NULL)
		return;
	while ((e = readdir(d)) != NULL && out->n < SERVICES_MAX) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		memset(&s, 0, sizeof(s));
		if ((k = kind_of(e->d_name, &s.exe, &ppid)) == NULL ||
		    child_of_same(ppid, s.exe) ||
		    (args = proc_read(e->d_name, "cmdline", &alen)) == NULL) {
			free(s.exe);
			continue;
		}
		env = proc_read(e->d_name, "environ", &elen);
		s.name = k->name;
		s.why = k->why;
		s.pid = (pid_t)strtol(e->d_name, NULL, 10);
		commands(&s, args, alen, env, env ? elen : 0);
		free(args);
		free(env);
		if (!selected(s.config, only)) {
			service_free(&s);
			continue;
		}
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = s;
	}
	closedir(d);
}

void
services_clear(struct service_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		service_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Shell-safe characters need no quotes. */
static int
plain(const char *s)
{
	return *s != '\0' && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_./:=@%+,") == strlen(s);
}

char *
services_command(char *const *argv)
{
	char *line = xstrdup(""), *t, *e;
	size_t i;

	for (i = 0; argv[i] != NULL; i++) {
		e = msg_escape(argv[i]);
		t = xasprintf("%s%s%s%s%s", line, i ? " " : "",
		    plain(e) ? "" : "'", e, plain(e) ? "" : "'");
		free(e);
		free(line);
		line = t;
	}
	return line;
}

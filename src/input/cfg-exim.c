/* cfg-exim.c - the hosts an Exim configuration routes mail to by hand. */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fileutil.h"
#include "msg.h"
#include "scansrc.h"

#define EX_MAX_BLOCKS	256	/* routers and transports */
#define EX_MAX_HOSTS	32	/* hosts in one route */

/* A router or transport: its options that matter here. */
struct ex_block {
	char	 name[128];
	int	 transport;	/* in "begin transports" */
	char	*driver, *route_list, *route_data, *via, *port, *protocol;
	char	*require_tls, *verify_hosts;
	size_t	 route_line;
};

struct ex {
	struct ex_block	 b[EX_MAX_BLOCKS];
	size_t		 n;
};

/* "name = value": value into *dst (the first setting wins). */
static void
set_opt(struct ex_block *b, const char *key, const char *val, size_t line)
{
	static const struct { const char *key; size_t off; } opts[] = {
		{ "driver", offsetof(struct ex_block, driver) },
		{ "route_list", offsetof(struct ex_block, route_list) },
		{ "route_data", offsetof(struct ex_block, route_data) },
		{ "transport", offsetof(struct ex_block, via) },
		{ "port", offsetof(struct ex_block, port) },
		{ "protocol", offsetof(struct ex_block, protocol) },
		{ "hosts_require_tls",
		    offsetof(struct ex_block, require_tls) },
		{ "tls_verify_hosts",
		    offsetof(struct ex_block, verify_hosts) },
	};
	char **dst;
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (strcmp(key, opts[i].key) != 0)
			continue;
		dst = (char **)((char *)b + opts[i].off);
		if (*dst == NULL) {
			*dst = xstrdup(val);
			if (i == 1 || i == 2)
				b->route_line = line;
		}
	}
}

/* One logical line (continuations joined) in a router or transport. */
static void
config_line(struct ex *ex, char *s, size_t line, int section)
{
	char *eq, *k, *end;
	struct ex_block *b;

	if (!isspace((unsigned char)*s) && (end = strchr(s, ':')) != NULL &&
	    end[1 + strspn(end + 1, " \t")] == '\0') {
		if (ex->n == EX_MAX_BLOCKS)
			return;
		b = &ex->b[ex->n++];
		*end = '\0';
		snprintf(b->name, sizeof(b->name), "%s", s);
		b->transport = section == 2;
		return;
	}
	if (ex->n == 0 || (eq = strchr(s, '=')) == NULL)
		return;
	b = &ex->b[ex->n - 1];
	*eq = '\0';
	k = s + strspn(s, " \t");
	end = k + strcspn(k, " \t");
	*end = '\0';
	s = eq + 1 + strspn(eq + 1, " \t");
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	set_opt(b, k, s, line);
}

/* Macros ("NAME = value" before the first "begin"), for route lists. */
struct ex_macro {
	char	*name, *value;
};

static char *
expand_macros(const char *s, const struct ex_macro *m, size_t nm)
{
	char *out = xstrdup(s), *p, *t;
	size_t i, n, guard = 0;

	for (i = 0; i < nm && guard < 64; i++) {
		n = strlen(m[i].name);
		p = strstr(out, m[i].name);
		if (p == NULL || (p > out && (isalnum((unsigned char)p[-1]) ||
		    p[-1] == '_')) || isalnum((unsigned char)p[n]) ||
		    p[n] == '_')
			continue;
		*p = '\0';
		t = xasprintf("%s%s%s", out, m[i].value, p + n);
		free(out);
		out = t;
		i = (size_t)-1;		/* again, for nested macros */
		guard++;
	}
	return out;
}

/* The transport block called name, or NULL. */
static const struct ex_block *
find_transport(const struct ex *ex, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < ex->n; i++)
		if (ex->b[i].transport && strcmp(ex->b[i].name, name) == 0)
			return &ex->b[i];
	return NULL;
}

/* One host of a route ("host", "host:port", "[v6]:port", "host/MX"). */
static void
add_host(char *h, const struct ex_block *r, const struct ex_block *tp,
    const char *file, struct scan_list *l)
{
	const char *port = tp && tp->port ? tp->port : "25", *policy;
	char *colon, *t, *slash;
	int smtps = tp && tp->protocol && strcmp(tp->protocol, "smtps") == 0;

	if ((slash = strchr(h, '/')) != NULL)
		*slash = '\0';
	if (*h == '[') {
		if ((colon = strchr(h, ']')) == NULL)
			return;
		if (colon[1] == ':' && colon[2] != '\0')
			port = colon + 2;
		colon[1] = '\0';
	} else if ((colon = strchr(h, ':')) != NULL) {
		*colon = '\0';
		port = colon + 1;
	}
	if (*h == '\0' || *h == '+' || *h == '$' ||
	    strspn(port, "0123456789") != strlen(port) || *port == '\0')
		return;
	policy = tp && tp->verify_hosts && *tp->verify_hosts ? "verify" :
	    tp && tp->require_tls && *tp->require_tls ? "encrypt" : "may";
	t = xasprintf("%s://%s:%s", smtps || strcmp(port, "465") == 0 ?
	    "smtps" : "smtp", h, port);
	scan_list_add(l, t, file, r->route_line, r->name, policy);
	free(t);
}

/* An Exim host list: colon-separated, "::" a literal colon. */
static void
add_hostlist(const char *list, const struct ex_block *r,
    const struct ex_block *tp, const char *file, struct scan_list *l)
{
	char host[256];
	size_t n = 0, count = 0;
	const char *p;

	for (p = list;; p++) {
		if (*p == ':' && p[1] == ':') {
			if (n + 1 < sizeof(host))
				host[n++] = ':';
			p++;
			continue;
		}
		if (*p == ':' || *p == '\0') {
			host[n] = '\0';
			n = strspn(host, " \t");
			if (host[n] != '\0' && count++ < EX_MAX_HOSTS)
				add_host(host + n, r, tp, file, l);
			n = 0;
			if (*p == '\0')
				break;
			continue;
		}
		if (n + 1 < sizeof(host))
			host[n++] = *p;
	}
}

/* The route of a manualroute router: its hosts. */
static void
add_router(const struct ex *ex, const struct ex_block *r,
    const struct ex_macro *m, size_t nm, const char *file,
    struct scan_list *l)
{
	const struct ex_block *tp = find_transport(ex, r->via);
	char *routes, *save = NULL, *one, *f[3], *s2, *e;
	int k;

	if (r->route_data != NULL) {
		routes = expand_macros(r->route_data, m, nm);
		if (strchr(routes, '$') != NULL) {
			e = msg_escape(r->name);
			msg_warn("%s: router %s: route_data is an expansion; "
			    "skipped", file, e);
			free(e);
		} else {
			routes[strcspn(routes, " \t")] = '\0';
			add_hostlist(routes + (*routes == '"'), r, tp, file,
			    l);
		}
		free(routes);
	}
	if (r->route_list == NULL)
		return;
	routes = expand_macros(r->route_list, m, nm);
	for (one = strtok_r(routes, ";", &save); one != NULL;
	    one = strtok_r(NULL, ";", &save)) {
		s2 = NULL;
		for (k = 0; k < 3; k++)
			f[k] = strtok_r(k == 0 ? one : NULL, " \t", &s2);
		if (f[1] == NULL)
			continue;
		if (*f[1] == '"') {
			f[1]++;
			f[1][strcspn(f[1], "\"")] = '\0';
		}
		add_hostlist(f[1], r, tp, file, l);
	}
	free(routes);
}

static void
ex_free(struct ex *ex, struct ex_macro *m, size_t nm)
{
	struct ex_block *b;
	size_t i;

	for (i = 0; i < ex->n; i++) {
		b = &ex->b[i];
		free(b->driver);
		free(b->route_list);
		free(b->route_data);
		free(b->via);
		free(b->port);
		free(b->protocol);
		free(b->require_tls);
		free(b->verify_hosts);
	}
	for (i = 0; i < nm; i++) {
		free(m[i].name);
		free(m[i].value);
	}
	free(m);
}

/* A macro definition of the main section: "NAME = value". */
static void
add_macro(char *s, struct ex_macro **m, size_t *nm)
{
	char *eq = strchr(s, '='), *end;

	if (!isupper((unsigned char)*s) || eq == NULL || *nm >= 256)
		return;
	end = eq;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*m = xrealloc(*m, (*nm + 1) * sizeof(**m));
	(*m)[*nm].name = xasprintf("%.*s", (int)(end - s), s);
	(*m)[*nm].value = xstrdup(eq + 1 + strspn(eq + 1, " \t"));
	(*m)[*nm].value[strcspn((*m)[*nm].value, "\r\n")] = '\0';
	(*nm)++;
}

/* The default: Debian's generated configuration, else exim's own. */
static char *
default_file(void)
{
	static const char *const cand[] = {
		"/var/lib/exim4/config.autogenerated",
		"/etc/exim4/exim4.conf", "/etc/exim/exim.conf",
		"/usr/exim/configure", NULL
	};
	int i;

	for (i = 0; cand[i + 1] != NULL; i++)
		if (access(cand[i], R_OK) == 0)
			break;
	return xstrdup(cand[i]);
}

int
scansrc_exim(const char *file, struct scan_list *l)
{
	struct ex *ex = xcalloc(1, sizeof(*ex));
	struct ex_macro *m = NULL;
	FILE *f;
	char *path = file ? xstrdup(file) : default_file();
	char *buf = NULL, *cur = NULL, *t, *e;
	size_t cap = 0, line = 0, start = 0, nm = 0, i;
	ssize_t got;
	int section = 0, rc = -1;

	if ((f = fopen(path, "re")) == NULL) {
		e = msg_escape(path);
		msg_error("cannot read %s: %s", e, strerror(errno));
		free(e);
		goto out;
	}
	while ((got = fu_getline(&buf, &cap, f, SCANSRC_MAX_LINE)) != -1) {
		line++;
		if (got == FU_LINE_LONG) {
			scansrc_too_long(path, line);
			continue;
		}
		buf[strcspn(buf, "\r\n")] = '\0';
		t = buf + strspn(buf, " \t");
		if (cur != NULL) {
			/* A backslash at the end continues the line. */
			if (strlen(cur) < SCANSRC_MAX_LINE) {
				char *j = xasprintf("%s%s", cur, t);

				free(cur);
				cur = j;
			}
		} else {
			if (*t == '#' || *t == '\0')
				continue;
			cur = xstrdup(buf);
			start = line;
		}
		if (cur[0] != '\0' && cur[strlen(cur) - 1] == '\\') {
			cur[strlen(cur) - 1] = '\0';
			continue;
		}
		if (strncmp(cur, "begin ", 6) == 0) {
			t = cur + 6 + strspn(cur + 6, " \t");
			section = strcmp(t, "routers") == 0 ? 1 :
			    strcmp(t, "transports") == 0 ? 2 : 3;
		} else if (section == 0)
			add_macro(cur, &m, &nm);
		else if (section == 1 || section == 2)
			config_line(ex, cur, start, section);
		free(cur);
		cur = NULL;
	}
	free(cur);
	fclose(f);
	for (i = 0; i < ex->n; i++)
		if (!ex->b[i].transport && ex->b[i].driver != NULL &&
		    strcmp(ex->b[i].driver, "manualroute") == 0)
			add_router(ex, &ex->b[i], m, nm, path, l);
	rc = 0;
out:
	free(buf);
	free(path);
	ex_free(ex, m, nm);
	free(ex);
	return rc;
}

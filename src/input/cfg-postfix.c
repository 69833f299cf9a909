/* cfg-postfix.c - the servers a Postfix configuration relays to. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fileutil.h"
#include "msg.h"
#include "scansrc.h"
#include "spawn.h"

#define PF_MAX_MAPS	16	/* tables in one *_maps setting */

/* The settings we read, and what each holds. */
static const char *const params[] = {
	"relayhost", "transport_maps", "sender_dependent_relayhost_maps",
	"smtp_tls_policy_maps", "smtp_tls_security_level", NULL
};
enum { P_RELAY, P_TRANSPORT, P_SENDER, P_POLICY, P_LEVEL, P_COUNT };

/* One table entry: key, value, where. */
struct pf_entry {
	char	*key, *value, *file;
	size_t	 line;
};

struct pf {
	const char	*dir;		/* -c DIR, or NULL */
	char		*maincf;
	char		*val[P_COUNT];
	struct pf_entry	*policy;	/* smtp_tls_policy_maps */
	size_t		 npolicy;
};

/* The line of main.cf where name is set, 0 when not there. */
static size_t
maincf_line(const char *maincf, const char *name)
{
	FILE *f = fopen(maincf, "re");
	char *buf = NULL, *p;
	size_t cap = 0, n = 0, found = 0, len = strlen(name);
	ssize_t got;

	if (f == NULL)
		return 0;
	while ((got = fu_getline(&buf, &cap, f, SCANSRC_MAX_LINE)) != -1) {
		n++;
		if (got == FU_LINE_LONG)
			continue;	/* not a short "name = value" */
		p = buf;
		if (strncmp(p, name, len) != 0)
			continue;
		p += len;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '=')
			found = n;	/* the last one wins, as in Postfix */
	}
	free(buf);
	fclose(f);
	return found;
}

/* Run a Postfix tool; its output, or NULL after reporting. */
static char *
run(const char *const argv[])
{
	struct spawn_result res;
	char *out = NULL, *said;

	if (spawn_run(argv, NULL, &res) != 0)
		return NULL;
	if (!spawn_ok(&res)) {
		said = spawn_message(&res);
		msg_error("%s failed: %s", argv[0], said);
		free(said);
	} else {
		out = res.output;
		res.output = NULL;
	}
	spawn_result_clear(&res);
	return out;
}

/* "name = value" lines of postconf; its warnings are other lines. */
static int
read_params(struct pf *pf)
{
	const char *argv[16];
	char *out, *line, *save = NULL, *eq;
	int i, n = 0;

	argv[n++] = "postconf";
	if (pf->dir != NULL) {
		argv[n++] = "-c";
		argv[n++] = pf->dir;
	}
	for (i = 0; params[i] != NULL; i++)
		argv[n++] = params[i];
	argv[n] = NULL;
	if ((out = run(argv)) == NULL)
		return -1;
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((eq = strstr(line, " = ")) == NULL &&
		    (eq = strstr(line, " =")) == NULL)
			continue;
		*eq = '\0';
		for (i = 0; params[i] != NULL; i++)
			if (strcmp(line, params[i]) == 0 && pf->val[i] == NULL)
				pf->val[i] = xstrdup(eq[2] == ' ' ? eq + 3 :
				    eq + 2);
	}
	free(out);
	return 0;
}

/* Split a setting's value at blanks and commas, not inside {}. */
static size_t
split(char *s, char **v, size_t max)
{
	size_t n = 0;
	int depth = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		if (*s == '\0' || n == max)
			return n;
		v[n++] = s;
		for (; *s != '\0'; s++) {
			if (*s == '{')
				depth++;
			else if (*s == '}' && depth > 0)
				depth--;
			else if (depth == 0 && (*s == ' ' || *s == '\t' ||
			    *s == ','))
				break;
		}
		if (*s != '\0')
			*s++ = '\0';
	}
}

static void
add_entry(struct pf_entry **v, size_t *n, const char *key, const char *value,
    const char *file, size_t line)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].key = xstrdup(key);
	(*v)[*n].value = xstrdup(value);
	(*v)[*n].file = xstrdup(file);
	(*v)[*n].line = line;
	(*n)++;
}

static void
entries_free(struct pf_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
		free(v[i].file);
	}
	free(v);
}

/* "key value" of one logical line, in place (regexp: "/re/ value"). */
static void
text_entry(char *l, int regexp, const char *file, size_t line,
    struct pf_entry **v, size_t *n)
{
	char *val, *end;

	if (regexp && (*l == '/' || *l == '!')) {
		if ((end = strrchr(l + 1, '/')) == NULL)
			return;
		val = end + 1;
		while (*val != '\0' && !isspace((unsigned char)*val))
			val++;
	} else
		val = l + strcspn(l, " \t");
	if (*val != '\0')
		*val++ = '\0';
	val += strspn(val, " \t");
	end = val + strlen(val);
	while (end > val && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (*l != '\0' && *val != '\0')
		add_entry(v, n, l, val, file, line);
}

/* A table's source file as Postfix reads it: comments, continuations. */
static int
read_text(const char *path, int regexp, struct pf_entry **v, size_t *n)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL, *cur = NULL, *e, *t;
	size_t cap = 0, line = 0, start = 0;
	ssize_t got;

	if (f == NULL) {
		e = msg_escape(path);
		msg_error("cannot read %s: %s", e, strerror(errno));
		free(e);
		return -1;
	}
	while ((got = fu_getline(&buf, &cap, f, SCANSRC_MAX_LINE)) != -1) {
		line++;
		if (got == FU_LINE_LONG) {
			scansrc_too_long(path, line);
			continue;
		}
		buf[strcspn(buf, "\r\n")] = '\0';
		if (buf[0] == '#' || buf[strspn(buf, " \t")] == '\0')
			continue;
		if (isspace((unsigned char)buf[0]) && cur != NULL) {
			if (strlen(cur) < SCANSRC_MAX_LINE) {
				t = xasprintf("%s %s", cur,
				    buf + strspn(buf, " \t"));
				free(cur);
				cur = t;
			}
			continue;
		}
		if (cur != NULL)
			text_entry(cur, regexp, path, start, v, n);
		free(cur);
		cur = xstrdup(buf);
		start = line;
	}
	if (cur != NULL)
		text_entry(cur, regexp, path, start, v, n);
	free(cur);
	free(buf);
	fclose(f);
	return 0;
}

/* A database without its source: postmap -s dumps it. */
static int
read_db(const struct pf *pf, const char *table, struct pf_entry **v,
    size_t *n)
{
	const char *argv[6];
	char *out, *line, *save = NULL, *file;
	size_t k = 0;
	int i = 0;

	argv[i++] = "postmap";
	if (pf->dir != NULL) {
		argv[i++] = "-c";
		argv[i++] = pf->dir;
	}
	argv[i++] = "-s";
	argv[i++] = table;
	argv[i] = NULL;
	if ((out = run(argv)) == NULL)
		return -1;
	file = xasprintf("%s.db", strchr(table, ':') + 1);
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "postmap: ", 9) == 0)
			continue;
		/* A database has no lines: count its records instead. */
		text_entry(line, 0, file, ++k, v, n);
	}
	free(file);
	free(out);
	return 0;
}

/* inline:{ key=value, ... } of main.cf's line. */
static void
read_inline(char *body, const char *maincf, size_t line,
    struct pf_entry **v, size_t *n)
{
	char *save = NULL, *w, *eq, *end, *kv;

	if (*body == '{')
		body++;
	if ((end = strrchr(body, '}')) != NULL)
		*end = '\0';
	for (w = strtok_r(body, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		w += strspn(w, " \t{");
		if ((eq = strchr(w, '=')) == NULL)
			continue;
		*eq = '\0';
		w[strcspn(w, " \t")] = '\0';
		kv = xasprintf("%s %s", w, eq + 1);
		text_entry(kv, 0, maincf, line, v, n);
		free(kv);
	}
}

/* Every entry of the tables of one *_maps setting. */
static int
read_maps(const struct pf *pf, int param, struct pf_entry **v, size_t *n)
{
	char *val, *maps[PF_MAX_MAPS], *colon, *e;
	size_t i, nmaps, line;
	int rc = 0;

	if (pf->val[param] == NULL || *pf->val[param] == '\0')
		return 0;
	val = xstrdup(pf->val[param]);
	line = maincf_line(pf->maincf, params[param]);
	nmaps = split(val, maps, PF_MAX_MAPS);
	for (i = 0; i < nmaps && rc == 0; i++) {
		if ((colon = strchr(maps[i], ':')) == NULL)
			continue;
		*colon = '\0';
		if (strcmp(maps[i], "texthash") == 0)
			rc = read_text(colon + 1, 0, v, n);
		else if (strcmp(maps[i], "regexp") == 0 ||
		    strcmp(maps[i], "pcre") == 0)
			rc = read_text(colon + 1, 1, v, n);
		else if (strcmp(maps[i], "inline") == 0)
			read_inline(colon + 1, pf->maincf, line, v, n);
		else if (strcmp(maps[i], "hash") == 0 ||
		    strcmp(maps[i], "btree") == 0 ||
		    strcmp(maps[i], "lmdb") == 0 ||
		    strcmp(maps[i], "cdb") == 0 ||
		    strcmp(maps[i], "dbm") == 0) {
			/* The source says where each entry is; the
			 * database is what Postfix reads. */
			if (access(colon + 1, R_OK) == 0)
				rc = read_text(colon + 1, 0, v, n);
			else {
				*colon = ':';
				rc = read_db(pf, maps[i], v, n);
			}
		} else {
			e = msg_escape(maps[i]);
			msg_warn("%s: %s tables are not read; skipped",
			    params[param], e);
			free(e);
		}
	}
	free(val);
	return rc;
}

/*
 * A next hop as Postfix writes it ("[host]:port", "[ipv6:addr]", "host",
 * "host:port") as a TARGET: smtps:// on port 465, else smtp://.  NULL
 * when it names no host.
 */
static char *
nexthop_target(const char *hop)
{
	char host[256], *p;
	const char *port = NULL, *end;
	size_t n;
	int v6 = 0;

	if (*hop == '[') {
		if ((end = strchr(hop, ']')) == NULL)
			return NULL;
		n = (size_t)(end - hop - 1);
		if (n >= sizeof(host) || n == 0)
			return NULL;
		memcpy(host, hop + 1, n);
		host[n] = '\0';
		if (strncasecmp(host, "ipv6:", 5) == 0) {
			memmove(host, host + 5, strlen(host + 5) + 1);
			v6 = 1;
		}
		if (end[1] == ':')
			port = end + 2;
	} else {
		n = strcspn(hop, ":");
		if (n >= sizeof(host) || n == 0)
			return NULL;
		memcpy(host, hop, n);
		host[n] = '\0';
		if (hop[n] == ':')
			port = hop + n + 1;
	}
	for (p = host; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr(".-_:", *p) == NULL)
			return NULL;
	if (port != NULL && (*port == '\0' || strspn(port, "0123456789") !=
	    strlen(port) || strlen(port) > 5))
		return NULL;
	if (port == NULL)
		port = "25";
	return xasprintf("%s://%s%s%s:%s", strcmp(port, "465") == 0 ?
	    "smtps" : "smtp", v6 ? "[" : "", host, v6 ? "]" : "", port);
}

/* The TLS level for hop: its smtp_tls_policy_maps entry, or the default. */
static const char *
policy_for(const struct pf *pf, const char *hop)
{
	const char *d;
	size_t i;

	for (d = hop; d != NULL; d = strchr(d + 1, '.')) {
		for (i = 0; i < pf->npolicy; i++)
			if (strcasecmp(pf->policy[i].key, d) == 0)
				return pf->policy[i].value;
		if (*hop == '[')
			break;
	}
	return pf->val[P_LEVEL] != NULL && *pf->val[P_LEVEL] != '\0' ?
	    pf->val[P_LEVEL] : "none";
}

/* Add hop, found at file:line in setting, with its TLS level. */
static void
add_hop(const struct pf *pf, struct scan_list *l, const char *hop,
    const char *file, size_t line, const char *setting)
{
	char *t = nexthop_target(hop), *level, *e;

	if (t == NULL) {
		e = msg_escape(hop);
		msg_warn("%s: '%s' is no next hop; skipped", setting, e);
		free(e);
		return;
	}
	level = xstrdup(policy_for(pf, hop));
	level[strcspn(level, " \t")] = '\0';
	scan_list_add(l, t, file, line, setting, level);
	free(level);
	free(t);
}

/* transport:nexthop of a transport map, when it relays over SMTP. */
static void
add_transport(const struct pf *pf, struct scan_list *l,
    const struct pf_entry *en)
{
	const char *colon = strchr(en->value, ':');
	size_t n = colon ? (size_t)(colon - en->value) : 0;

	if (colon == NULL || colon[1] == '\0')
		return;		/* no next hop: the domain's MX */
	if (n > 0 && strncmp(en->value, "smtp", 4) != 0 &&
	    strncmp(en->value, "relay", 5) != 0)
		return;		/* local, error, lmtp, ...: not SMTP */
	add_hop(pf, l, colon + 1, en->file, en->line, "transport_maps");
}

static void
pf_clear(struct pf *pf)
{
	int i;

	for (i = 0; i < P_COUNT; i++)
		free(pf->val[i]);
	free(pf->maincf);
	entries_free(pf->policy, pf->npolicy);
}

int
scansrc_postfix(const char *dir, struct scan_list *l)
{
	struct pf pf;
	struct pf_entry *v = NULL;
	char *hops[PF_MAX_MAPS], *val = NULL;
	size_t i, n = 0, nhops, line;
	int rc = -1;

	memset(&pf, 0, sizeof(pf));
	pf.dir = dir;
	pf.maincf = xasprintf("%s/main.cf", dir ? dir : "/etc/postfix");
	if (read_params(&pf) != 0 ||
	    read_maps(&pf, P_POLICY, &pf.policy, &pf.npolicy) != 0)
		goto out;
	if (pf.val[P_RELAY] != NULL) {
		val = xstrdup(pf.val[P_RELAY]);
		line = maincf_line(pf.maincf, "relayhost");
		nhops = split(val, hops, PF_MAX_MAPS);
		for (i = 0; i < nhops; i++)
			add_hop(&pf, l, hops[i], pf.maincf, line, "relayhost");
	}
	if (read_maps(&pf, P_TRANSPORT, &v, &n) != 0)
		goto out;
	for (i = 0; i < n; i++)
		add_transport(&pf, l, &v[i]);
	entries_free(v, n);
	v = NULL;
	n = 0;
	if (read_maps(&pf, P_SENDER, &v, &n) != 0)
		goto out;
	for (i = 0; i < n; i++)
		add_hop(&pf, l, v[i].value, v[i].file, v[i].line,
		    "sender_dependent_relayhost_maps");
	/* Explicit hosts of the policy table are destinations too. */
	for (i = 0; i < pf.npolicy; i++)
		if (pf.policy[i].key[0] == '[')
			add_hop(&pf, l, pf.policy[i].key, pf.policy[i].file,
			    pf.policy[i].line, "smtp_tls_policy_maps");
	rc = 0;
out:
	entries_free(v, n);
	free(val);
	pf_clear(&pf);
	return rc;
}

/* cfg-fetchmail.c - the mail servers a .fetchmailrc polls. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "msg.h"
#include "scansrc.h"

#define FM_MAX_BYTES	(1024 * 1024)	/* of one .fetchmailrc */

/* One server entry, as far as it matters here. */
struct fm_server {
	char	 host[256];
	char	 via[256];
	char	 proto[16];
	char	 port[8];
	int	 ssl;		/* "ssl": implicit TLS */
	int	 tls_off;	/* sslproto '' */
	int	 verify;	/* sslproto given, or ssl */
	size_t	 line;
	int	 skip;		/* "skip" entry: not polled */
};

/* The next token of the file: a word or a quoted string, with its line. */
static int
token(const char **p, size_t *line, char *out, size_t outlen)
{
	const char *s = *p;
	size_t n = 0;
	char q;

	for (;;) {
		while (isspace((unsigned char)*s) || *s == ',' || *s == ';' ||
		    *s == ':') {
			if (*s == '\n')
				(*line)++;
			s++;
		}
		if (*s != '#')
			break;
		while (*s != '\0' && *s != '\n')
			s++;
	}
	if (*s == '\0')
		return 0;
	if (*s == '"' || *s == '\'') {
		q = *s++;
		while (*s != '\0' && *s != q) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			if (*s == '\n')
				(*line)++;
			if (n + 1 < outlen)
				out[n++] = *s;
			s++;
		}
		if (*s == q)
			s++;
	} else
		while (*s != '\0' && !isspace((unsigned char)*s) &&
		    strchr(",;:", *s) == NULL) {
			if (n + 1 < outlen)
				out[n++] = *s;
			s++;
		}
	out[n] = '\0';
	*p = s;
	return 1;
}

/* The TARGET of a polled server, added with its policy. */
static void
add_server(const struct fm_server *sv, const char *file,
    struct scan_list *l)
{
	const char *host = sv->via[0] ? sv->via : sv->host;
	const char *scheme, *policy;
	char *t;
	int pop = strncasecmp(sv->proto, "pop", 3) == 0 ||
	    strcasecmp(sv->proto, "apop") == 0 ||
	    strcasecmp(sv->proto, "rpop") == 0 ||
	    strcasecmp(sv->proto, "sdps") == 0;

	if (sv->skip || host[0] == '\0' || strcasecmp(sv->proto, "etrn") == 0 ||
	    strcasecmp(sv->proto, "odmr") == 0)
		return;
	if (sv->ssl)
		scheme = pop ? "pop3s" : "imaps";
	else
		scheme = pop ? "pop3" : "imap";
	/* fetchmail checks the certificate of every TLS session it makes
	 * (sslcertck); without ssl or sslproto, STARTTLS is opportunistic. */
	policy = sv->tls_off ? "none" : sv->ssl || sv->verify ? "verify" :
	    "may";
	t = xasprintf("%s://%s%s%s", scheme, host, sv->port[0] ? ":" : "",
	    sv->port);
	scan_list_add(l, t, file, sv->line, "poll", policy);
	free(t);
}

/* Read the option after a keyword into buf. */
static void
option(const char **p, size_t *line, char *buf, size_t n)
{
	if (!token(p, line, buf, n))
		buf[0] = '\0';
}

static void
parse(const char *text, const char *file, struct scan_list *l)
{
	struct fm_server sv;
	char w[256];
	const char *p = text;
	size_t line = 1;
	int in = 0;

	memset(&sv, 0, sizeof(sv));
	while (token(&p, &line, w, sizeof(w))) {
		if (strcmp(w, "poll") == 0 || strcmp(w, "skip") == 0 ||
		    strcmp(w, "server") == 0 || strcmp(w, "defaults") == 0) {
			if (in)
				add_server(&sv, file, l);
			memset(&sv, 0, sizeof(sv));
			in = strcmp(w, "defaults") != 0;
			sv.skip = strcmp(w, "skip") == 0;
			sv.line = line;
			if (in)
				option(&p, &line, sv.host, sizeof(sv.host));
		} else if (strcmp(w, "via") == 0)
			option(&p, &line, sv.via, sizeof(sv.via));
		else if (strcmp(w, "protocol") == 0 || strcmp(w, "proto") == 0)
			option(&p, &line, sv.proto, sizeof(sv.proto));
		else if (strcmp(w, "port") == 0 || strcmp(w, "service") == 0) {
			option(&p, &line, sv.port, sizeof(sv.port));
			if (strspn(sv.port, "0123456789") != strlen(sv.port))
				sv.port[0] = '\0';
		} else if (strcmp(w, "ssl") == 0)
			sv.ssl = sv.verify = 1;
		else if (strcmp(w, "sslproto") == 0) {
			option(&p, &line, w, sizeof(w));
			sv.tls_off = w[0] == '\0';
			sv.verify = !sv.tls_off;
		}
	}
	if (in)
		add_server(&sv, file, l);
}

int
scansrc_fetchmail(const char *file, struct scan_list *l)
{
	const char *home = getenv("HOME");
	char *path, *buf = NULL, *e;
	FILE *f;
	size_t n;
	int rc = -1;

	path = file ? xstrdup(file) : xasprintf("%s/.fetchmailrc",
	    home ? home : "");
	if ((f = fopen(path, "re")) == NULL) {
		e = msg_escape(path);
		msg_error("cannot read %s: %s", e, strerror(errno));
		free(e);
		goto out;
	}
	buf = xmalloc(FM_MAX_BYTES + 1);
	n = fread(buf, 1, FM_MAX_BYTES + 1, f);
	if (ferror(f) || n > FM_MAX_BYTES) {
		e = msg_escape(path);
		msg_error("cannot read %s: %s", e, ferror(f) ?
		    strerror(errno) : "larger than 1 MiB");
		free(e);
		fclose(f);
		goto out;
	}
	fclose(f);
	buf[n] = '\0';
	parse(buf, path, l);
	rc = 0;
out:
	free(buf);
	free(path);
	return rc;
}

/* target.c - TARGET strings -> protocol, host, port, SNI, connect address. */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/http.h>

#include "msg.h"
#include "target.h"

static const struct scheme {
	const char	*name;
	enum target_proto proto;
	unsigned	 port;
} schemes[] = {
	{ "https", PROTO_HTTPS, 443 },
	{ "imaps", PROTO_IMAPS, 993 },
	{ "pop3s", PROTO_POP3S, 995 },
	{ "smtps", PROTO_SMTPS, 465 },
	{ "ldaps", PROTO_LDAPS, 636 },
	{ "smtp", PROTO_SMTP, 25 },
	{ "imap", PROTO_IMAP, 143 },
	{ "pop3", PROTO_POP3, 110 },
	{ NULL, PROTO_FILE, 0 }
};

/* What OSSL_parse_url made of a URL, with the host unbracketed. */
struct url {
	char		*scheme;
	char		*host;
	char		*path;
	unsigned	 port;		/* 0 when the URL names none */
};

static void
url_clear(struct url *u)
{
	free(u->scheme);
	free(u->host);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

const char *
target_proto_name(enum target_proto p)
{
	const struct scheme *s;

	if (p == PROTO_FILE)
		return "file";
	if (p == PROTO_TLS)
		return "tls";
	for (s = schemes; s->name != NULL; s++)
		if (s->proto == p)
			return s->name;
	return "unknown";
}

int
target_is_network(const struct target *t)
{
	return t->proto != PROTO_FILE;
}

int
target_is_ip(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (s == NULL)
		return 0;
	return inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1;
}

/* A DNS name as a client would send it: letters, digits, '-', '_', '.'. */
static int
host_ok(const char *h)
{
	const char *p;

	if (*h == '\0' || strlen(h) > 253)
		return 0;
	for (p = h; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-_.", *p) == NULL)
			return 0;
	return 1;
}

/*
 * OSSL_parse_url reports a missing port and ":0" alike, so look at the
 * authority for an explicit port: a ':' after the host (and after any
 * "]" of an IPv6 literal).
 */
static int
has_port(const char *url)
{
	const char *a, *end, *colon, *bracket;

	if ((a = strstr(url, "://")) == NULL)
		return 0;
	a += 3;
	end = a + strcspn(a, "/?#");
	colon = memrchr(a, ':', end - a);
	bracket = memrchr(a, ']', end - a);
	return colon != NULL && (bracket == NULL || colon > bracket);
}

/*
 * Split url with OpenSSL's parser.  what names the string in messages.
 * Returns 0, or -1 after reporting.
 */
static int
url_parse(const char *url, const char *what, struct url *u)
{
	char *scheme = NULL, *user = NULL, *host = NULL, *port = NULL;
	char *path = NULL, *query = NULL, *frag = NULL, *e = NULL;
	int num = 0, rc = -1;
	size_t n;

	memset(u, 0, sizeof(*u));
	e = msg_escape(what);
	if (!OSSL_parse_url(url, &scheme, &user, &host, &port, &num, &path,
	    &query, &frag)) {
		msg_error("%s: %s", e, msg_ossl_reason());
		goto out;
	}
	if (user != NULL && *user != '\0') {
		msg_error("%s: user names are not supported in a TARGET", e);
		goto out;
	}
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
		if (strchr(host, ':') == NULL || !target_is_ip(host)) {
			msg_error("%s: not an IPv6 address in brackets", e);
			goto out;
		}
	} else if (*host == '\0') {
		msg_error("%s: no host name", e);
		goto out;
	} else if (!host_ok(host)) {
		msg_error("%s: invalid host name", e);
		goto out;
	}
	if (has_port(url) && (num <= 0 || num > 65535)) {
		msg_error("%s: invalid port number \"%s\"", e, port);
		goto out;
	}
	for (n = 0; host[n] != '\0'; n++)
		host[n] = (char)tolower((unsigned char)host[n]);
	u->scheme = scheme;
	u->host = host;
	u->path = path;
	u->port = (unsigned)num;
	scheme = host = path = NULL;
	rc = 0;
out:
	ERR_clear_error();
	free(e);
	OPENSSL_free(scheme);
	OPENSSL_free(user);
	OPENSSL_free(host);
	OPENSSL_free(port);
	OPENSSL_free(path);
	OPENSSL_free(query);
	OPENSSL_free(frag);
	return rc;
}

/* Parse host[:port], [v6]:port or a bare IPv6 address, as https. */
static int
hostport_parse(const char *s, const char *what, struct url *u)
{
	char *url;
	int rc;

	if (strchr(s, ':') != strrchr(s, ':') && target_is_ip(s)) {
		memset(u, 0, sizeof(*u));
		u->scheme = xstrdup("https");
		u->host = xstrdup(s);
		for (url = u->host; *url != '\0'; url++)
			*url = (char)tolower((unsigned char)*url);
		u->path = xstrdup("/");
		return 0;
	}
	url = xasprintf("https://%s", s);
	rc = url_parse(url, what, u);
	free(url);
	return rc;
}

/*
 * Endings of certificate and archive files.  No top-level domain has one
 * of these names, so a host name never ends in one: "www.cern.ch" is a
 * server, "missing.pem" a file that is not there.
 */
static const char *const file_endings[] = { ".pem", ".crt", ".cer",
    ".der", ".p7b", ".p7c", ".p12", ".pfx", ".tar", ".tgz", ".gz", NULL };

static int
is_file(const char *input)
{
	struct stat st;
	size_t n = strlen(input), k;
	int i;

	if (stat(input, &st) == 0)
		return 1;
	if (strstr(input, "://") != NULL)
		return 0;
	if (strchr(input, '/') != NULL)
		return 1;
	if (strchr(input, ':') != NULL)
		return 0;
	for (i = 0; file_endings[i] != NULL; i++) {
		k = strlen(file_endings[i]);
		if (n > k && strcasecmp(input + n - k, file_endings[i]) == 0)
			return 1;
	}
	return 0;
}

/* "smtp//host" or "smtp:/host": a scheme that lost a character. */
static int
broken_scheme(const char *input)
{
	const struct scheme *s;
	size_t k;
	char *e;

	for (s = schemes; s->name != NULL; s++) {
		k = strlen(s->name);
		if (strncasecmp(input, s->name, k) != 0 ||
		    (strncmp(input + k, "//", 2) != 0 &&
		    (strncmp(input + k, ":/", 2) != 0 || input[k + 2] == '/')))
			continue;
		e = msg_escape(input);
		msg_error("%s is no TARGET: did you mean %s://%s?", e,
		    s->name, e + k + 2 + (input[k + 2] == '/'));
		free(e);
		return 1;
	}
	return 0;
}

/* Set t's file fields.  Returns 0, or -1 after reporting. */
static int
file_target(const char *input, const char *sni, const char *connect,
    struct target *t)
{
	char *e;

	if (sni != NULL || connect != NULL) {
		e = msg_escape(input);
		msg_error("--%s applies to servers, not to the file %s",
		    sni != NULL ? "sni" : "connect", e);
		free(e);
		return -1;
	}
	t->proto = PROTO_FILE;
	t->path = xstrdup(input);
	return 0;
}

/* Apply --connect ADDR[:PORT].  Returns 0, or -1 after reporting. */
static int
connect_parse(const char *connect, struct target *t)
{
	struct url u;
	char *what;
	int rc;

	what = xasprintf("--connect %s", connect);
	rc = hostport_parse(connect, what, &u);
	free(what);
	if (rc != 0)
		return -1;
	free(t->connect_host);
	t->connect_host = u.host;
	u.host = NULL;
	if (u.port != 0)
		t->connect_port = u.port;
	url_clear(&u);
	return 0;
}

static int
scheme_find(const char *name, const char *input, const struct scheme **sp)
{
	const struct scheme *s;
	char *e;

	for (s = schemes; s->name != NULL; s++) {
		if (strcasecmp(s->name, name) == 0) {
			*sp = s;
			return 0;
		}
	}
	e = msg_escape(input);
	msg_error("%s: unsupported scheme \"%s\" (use https, imaps, pop3s, "
	    "smtps, ldaps, smtp, imap, pop3, or host:port)", e, name);
	free(e);
	return -1;
}

int
target_parse(const char *input, const char *sni, const char *connect,
    struct target *t)
{
	const struct scheme *s = &schemes[0];
	struct url u = { NULL, NULL, NULL, 0 };
	int rc = -1;

	memset(t, 0, sizeof(*t));
	t->input = xstrdup(input);
	if (*input == '\0') {
		msg_error("empty TARGET");
		goto out;
	}
	if (broken_scheme(input))
		goto out;
	if (is_file(input)) {
		rc = file_target(input, sni, connect, t);
		goto out;
	}
	if (strstr(input, "://") != NULL) {
		if (url_parse(input, input, &u) != 0 ||
		    scheme_find(u.scheme, input, &s) != 0)
			goto out;
		t->proto = s->proto;
	} else {
		if (hostport_parse(input, input, &u) != 0)
			goto out;
		t->proto = PROTO_TLS;
	}
	t->host = u.host;
	t->path = u.path;
	u.host = u.path = NULL;
	t->port = u.port != 0 ? u.port : s->port;
	t->name = xstrdup(t->host);
	if (sni != NULL && *sni == '\0') {
		msg_error("--sni needs a name");
		goto out;
	}
	if (sni != NULL)
		t->sni = xstrdup(sni);
	else if (!target_is_ip(t->host))
		t->sni = xstrdup(t->host);
	t->connect_host = xstrdup(t->host);
	t->connect_port = t->port;
	if (connect != NULL && connect_parse(connect, t) != 0)
		goto out;
	rc = 0;
out:
	url_clear(&u);
	if (rc != 0)
		target_clear(t);
	return rc;
}

void
target_clear(struct target *t)
{
	if (t == NULL)
		return;
	free(t->input);
	free(t->host);
	free(t->path);
	free(t->sni);
	free(t->name);
	free(t->connect_host);
	memset(t, 0, sizeof(*t));
}

/* starttls.c - the SMTP, IMAP and POP3 dialogues that lead to TLS. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "msg.h"
#include "starttls.h"

/* How much of a server's line we quote in a message. */
#define QUOTE_MAX	160

/* A line of the peer, escaped and shortened, for a message. */
static char *
quote(const char *line)
{
	size_t i, ctl = 0, n = strlen(line);
	char *e, *q;

	if (n > QUOTE_MAX)
		n = QUOTE_MAX;
	for (i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
			ctl++;
	/* Escaped, a line of random bytes would fill the message. */
	if (ctl > n / 8)
		return xstrdup("(binary data)");
	e = msg_escape_len(line, n);
	if (n == strlen(line))
		return e;
	q = xasprintf("%s...", e);
	free(e);
	return q;
}

/* conn_fail(c, "<prefix>: <quoted line>"). */
static void
fail_quoting(struct conn *c, const char *prefix, const char *line)
{
	char *q = quote(line);

	conn_fail(c, "%s: %s", prefix, q);
	free(q);
}

/* 1 if word appears in s as a whole space-separated token (any case). */
static int
has_token(const char *s, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = s; *p != '\0'; p++) {
		if ((p == s || isspace((unsigned char)p[-1])) &&
		    strncasecmp(p, word, n) == 0 &&
		    (p[n] == '\0' || isspace((unsigned char)p[n]) ||
		    p[n] == ']'))
			return 1;
	}
	return 0;
}

static int
send_line(struct conn *c, const char *line)
{
	char *s = xasprintf("%s\r\n", line);
	int rc = conn_write(c, s, strlen(s));

	free(s);
	return rc;
}

/*
 * Read an SMTP reply (all lines of a multi-line one).  Sets *code, the
 * first line in first (FETCH_MAX_LINE + 1 bytes), and *starttls when a
 * line's keyword is STARTTLS.  Returns 0, or -1 with the error set.
 */
static int
smtp_reply(struct conn *c, int *code, char *first, int *starttls)
{
	char line[FETCH_MAX_LINE + 1];
	int i;

	for (i = 0; i < FETCH_MAX_LINES; i++) {
		if (conn_getline(c, line) < 0)
			return -1;
		if (strlen(line) < 3 || !isdigit((unsigned char)line[0]) ||
		    !isdigit((unsigned char)line[1]) ||
		    !isdigit((unsigned char)line[2]) ||
		    (line[3] != '\0' && line[3] != ' ' && line[3] != '-')) {
			fail_quoting(c, "the server does not speak SMTP",
			    line);
			return -1;
		}
		if (i == 0) {
			*code = atoi(line);
			memcpy(first, line, strlen(line) + 1);
		}
		if (starttls != NULL && line[3] != '\0' &&
		    strncasecmp(line + 4, "STARTTLS", 8) == 0 &&
		    (line[12] == '\0' || line[12] == ' '))
			*starttls = 1;
		if (line[3] != '-')
			return 0;
	}
	conn_fail(c, "the server sent more than %d lines in one SMTP reply",
	    FETCH_MAX_LINES);
	return -1;
}

/* Our name for EHLO: the host name if it is qualified. */
static void
ehlo_name(char *buf, size_t n)
{
	const char *p;

	if (gethostname(buf, n) != 0 || strchr(buf, '.') == NULL ||
	    buf[n - 1] != '\0' || strlen(buf) == n - 1)
		goto fallback;
	for (p = buf; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			goto fallback;
	return;
fallback:
	snprintf(buf, n, "trustfix.invalid");
}

static int
smtp(struct conn *c)
{
	char first[FETCH_MAX_LINE + 1], name[256], *cmd = NULL;
	int code = 0, offered = 0, rc = -1;

	c->phase = "during the SMTP dialogue";
	if (smtp_reply(c, &code, first, NULL) != 0)
		goto out;
	if (code != 220) {
		fail_quoting(c, "the server refused the SMTP session", first);
		goto out;
	}
	ehlo_name(name, sizeof(name));
	cmd = xasprintf("EHLO %s", name);
	if (send_line(c, cmd) != 0 ||
	    smtp_reply(c, &code, first, &offered) != 0)
		goto out;
	if (code != 250) {
		fail_quoting(c, "the server refused EHLO", first);
		goto out;
	}
	/* Ask even when not offered: the refusal says more. */
	if (send_line(c, "STARTTLS") != 0 ||
	    smtp_reply(c, &code, first, NULL) != 0)
		goto out;
	if (code != 220) {
		fail_quoting(c, offered ? "the server refused STARTTLS" :
		    "the server does not offer STARTTLS, and answered it with",
		    first);
		(void)send_line(c, "QUIT");
		goto out;
	}
	rc = 0;
out:
	free(cmd);
	return rc;
}

/*
 * Send "tag command" and read to the tagged answer.  Untagged
 * CAPABILITY lines land in caps.  Returns 1 for OK, 0 for NO or BAD
 * (answer in line), -1 with the error set.
 */
static int
imap_command(struct conn *c, const char *tag, const char *command,
    char *line, char *caps, size_t capslen)
{
	char *s = xasprintf("%s %s", tag, command);
	size_t n = strlen(tag);
	int i, rc = -1;

	if (send_line(c, s) != 0)
		goto out;
	for (i = 0; i < FETCH_MAX_LINES; i++) {
		if (conn_getline(c, line) < 0)
			goto out;
		if (strncasecmp(line, "* CAPABILITY ", 13) == 0)
			snprintf(caps, capslen, "%s", line + 13);
		if (strncmp(line, tag, n) != 0 || line[n] != ' ')
			continue;
		rc = strncasecmp(line + n + 1, "OK", 2) == 0 ? 1 : 0;
		goto out;
	}
	conn_fail(c, "the server sent more than %d lines in reply to %s",
	    FETCH_MAX_LINES, command);
out:
	free(s);
	return rc;
}

static int
imap(struct conn *c)
{
	char line[FETCH_MAX_LINE + 1], caps[FETCH_MAX_LINE + 1] = "";
	const char *p;
	int offered;

	c->phase = "during the IMAP dialogue";
	if (conn_getline(c, line) < 0)
		return -1;
	if (strncasecmp(line, "* BYE", 5) == 0) {
		fail_quoting(c, "the server refused the IMAP session", line);
		return -1;
	}
	if (strncasecmp(line, "* PREAUTH", 9) == 0) {
		conn_fail(c, "the server opened a pre-authenticated IMAP "
		    "session, in which STARTTLS is not allowed");
		return -1;
	}
	if (strncasecmp(line, "* OK", 4) != 0) {
		fail_quoting(c, "the server does not speak IMAP", line);
		return -1;
	}
	if ((p = strcasestr(line, "[CAPABILITY ")) != NULL)
		snprintf(caps, sizeof(caps), "%s", p + 12);
	else if (imap_command(c, "a0", "CAPABILITY", line, caps,
	    sizeof(caps)) < 0)
		return -1;
	offered = has_token(caps, "STARTTLS");
	/* Ask even when not offered: the refusal says more. */
	switch (imap_command(c, "a1", "STARTTLS", line, caps, sizeof(caps))) {
	case -1:
		return -1;
	case 0:
		fail_quoting(c, offered ? "the server refused STARTTLS" :
		    "the server does not offer STARTTLS, and answered it with",
		    line);
		(void)send_line(c, "a9 LOGOUT");
		return -1;
	}
	return 0;
}

static int
pop3(struct conn *c)
{
	char line[FETCH_MAX_LINE + 1];

	c->phase = "during the POP3 dialogue";
	if (conn_getline(c, line) < 0)
		return -1;
	if (strncasecmp(line, "-ERR", 4) == 0) {
		fail_quoting(c, "the server refused the POP3 session", line);
		return -1;
	}
	if (strncasecmp(line, "+OK", 3) != 0) {
		fail_quoting(c, "the server does not speak POP3", line);
		return -1;
	}
	if (send_line(c, "STLS") != 0 || conn_getline(c, line) < 0)
		return -1;
	if (strncasecmp(line, "+OK", 3) != 0) {
		fail_quoting(c, "the server refused STARTTLS (STLS)", line);
		return -1;
	}
	return 0;
}

int
starttls_run(struct conn *c, enum target_proto proto)
{
	switch (proto) {
	case PROTO_SMTP:
		return smtp(c);
	case PROTO_IMAP:
		return imap(c);
	case PROTO_POP3:
		return pop3(c);
	default:
		return 0;
	}
}

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

/* Where a dialogue stands: which answer it waits for. */
enum {
	ST_GREETING,		/* the server's first line or reply */
	ST_EHLO,		/* SMTP: the EHLO reply */
	ST_CAPABILITY,		/* IMAP: the tagged CAPABILITY answer */
	ST_STARTTLS		/* the answer to STARTTLS (STLS) */
};

void
starttls_begin(struct starttls *st, struct conn *c, enum target_proto proto)
{
	memset(st, 0, sizeof(*st));
	st->proto = proto;
	st->state = ST_GREETING;
	switch (proto) {
	case PROTO_SMTP:
		c->phase = "during the SMTP dialogue";
		break;
	case PROTO_IMAP:
		c->phase = "during the IMAP dialogue";
		break;
	case PROTO_POP3:
		c->phase = "during the POP3 dialogue";
		break;
	default:
		st->state = -1;
	}
}

int
starttls_needed(enum target_proto proto)
{
	return proto == PROTO_SMTP || proto == PROTO_IMAP ||
	    proto == PROTO_POP3;
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

/*
 * One line of an SMTP reply.  Returns STARTTLS_READ while the reply goes
 * on, 0 when it ended (st->code, st->first set), STARTTLS_FAIL.
 */
static int
smtp_line(struct starttls *st, struct conn *c, const char *line)
{
	if (strlen(line) < 3 || !isdigit((unsigned char)line[0]) ||
	    !isdigit((unsigned char)line[1]) ||
	    !isdigit((unsigned char)line[2]) ||
	    (line[3] != '\0' && line[3] != ' ' && line[3] != '-')) {
		fail_quoting(c, "the server does not speak SMTP", line);
		return STARTTLS_FAIL;
	}
	if (st->lines++ == 0) {
		st->code = atoi(line);
		snprintf(st->first, sizeof(st->first), "%s", line);
	}
	if (st->state == ST_EHLO && line[3] != '\0' &&
	    strncasecmp(line + 4, "STARTTLS", 8) == 0 &&
	    (line[12] == '\0' || line[12] == ' '))
		st->offered = 1;
	if (line[3] == '-') {
		if (st->lines < STARTTLS_MAX_LINES)
			return STARTTLS_READ;
		conn_fail(c, "the server sent more than %d lines in one "
		    "SMTP reply", STARTTLS_MAX_LINES);
		return STARTTLS_FAIL;
	}
	st->lines = 0;
	return 0;
}

static int
smtp(struct starttls *st, struct conn *c, const char *line, char *out,
    size_t outlen)
{
	char name[256];
	int rc;

	if ((rc = smtp_line(st, c, line)) != 0)
		return rc;
	switch (st->state) {
	case ST_GREETING:
		if (st->code != 220) {
			fail_quoting(c, "the server refused the SMTP session",
			    st->first);
			return STARTTLS_FAIL;
		}
		ehlo_name(name, sizeof(name));
		snprintf(out, outlen, "EHLO %s", name);
		st->state = ST_EHLO;
		return STARTTLS_SEND;
	case ST_EHLO:
		if (st->code != 250) {
			fail_quoting(c, "the server refused EHLO", st->first);
			return STARTTLS_FAIL;
		}
		/* Ask even when not offered: the refusal says more. */
		snprintf(out, outlen, "STARTTLS");
		st->state = ST_STARTTLS;
		return STARTTLS_SEND;
	}
	if (st->code == 220)
		return STARTTLS_DONE;
	fail_quoting(c, st->offered ? "the server refused STARTTLS" :
	    "the server does not offer STARTTLS, and answered it with",
	    st->first);
	snprintf(out, outlen, "QUIT");
	return STARTTLS_FAIL;
}

static int
imap_greeting(struct starttls *st, struct conn *c, const char *line,
    char *out, size_t outlen)
{
	const char *p;

	if (strncasecmp(line, "* BYE", 5) == 0) {
		fail_quoting(c, "the server refused the IMAP session", line);
		return STARTTLS_FAIL;
	}
	if (strncasecmp(line, "* PREAUTH", 9) == 0) {
		conn_fail(c, "the server opened a pre-authenticated IMAP "
		    "session, in which STARTTLS is not allowed");
		return STARTTLS_FAIL;
	}
	if (strncasecmp(line, "* OK", 4) != 0) {
		fail_quoting(c, "the server does not speak IMAP", line);
		return STARTTLS_FAIL;
	}
	if ((p = strcasestr(line, "[CAPABILITY ")) != NULL) {
		snprintf(st->first, sizeof(st->first), "%s", p + 12);
		st->offered = has_token(st->first, "STARTTLS");
		snprintf(out, outlen, "a1 STARTTLS");
		st->state = ST_STARTTLS;
	} else {
		snprintf(out, outlen, "a0 CAPABILITY");
		st->state = ST_CAPABILITY;
	}
	return STARTTLS_SEND;
}

static int
imap(struct starttls *st, struct conn *c, const char *line, char *out,
    size_t outlen)
{
	const char *tag;

	if (st->state == ST_GREETING)
		return imap_greeting(st, c, line, out, outlen);
	tag = st->state == ST_CAPABILITY ? "a0 " : "a1 ";
	if (strncasecmp(line, "* CAPABILITY ", 13) == 0)
		st->offered = has_token(line + 13, "STARTTLS");
	if (strncmp(line, tag, 3) != 0) {
		if (++st->lines < STARTTLS_MAX_LINES)
			return STARTTLS_READ;
		conn_fail(c, "the server sent more than %d lines in reply to "
		    "%s", STARTTLS_MAX_LINES, st->state == ST_CAPABILITY ?
		    "CAPABILITY" : "STARTTLS");
		return STARTTLS_FAIL;
	}
	st->lines = 0;
	if (st->state == ST_CAPABILITY) {
		snprintf(out, outlen, "a1 STARTTLS");
		st->state = ST_STARTTLS;
		return STARTTLS_SEND;
	}
	if (strncasecmp(line + 3, "OK", 2) == 0)
		return STARTTLS_DONE;
	/* Ask even when not offered: the refusal says more. */
	fail_quoting(c, st->offered ? "the server refused STARTTLS" :
	    "the server does not offer STARTTLS, and answered it with", line);
	snprintf(out, outlen, "a9 LOGOUT");
	return STARTTLS_FAIL;
}

static int
pop3(struct starttls *st, struct conn *c, const char *line, char *out,
    size_t outlen)
{
	if (st->state == ST_STARTTLS) {
		if (strncasecmp(line, "+OK", 3) == 0)
			return STARTTLS_DONE;
		fail_quoting(c, "the server refused STARTTLS (STLS)", line);
		return STARTTLS_FAIL;
	}
	if (strncasecmp(line, "-ERR", 4) == 0) {
		fail_quoting(c, "the server refused the POP3 session", line);
		return STARTTLS_FAIL;
	}
	if (strncasecmp(line, "+OK", 3) != 0) {
		fail_quoting(c, "the server does not speak POP3", line);
		return STARTTLS_FAIL;
	}
	snprintf(out, outlen, "STLS");
	st->state = ST_STARTTLS;
	return STARTTLS_SEND;
}

int
starttls_step(struct starttls *st, struct conn *c, const char *line,
    char *out, size_t outlen)
{
	int rc;

	out[0] = '\0';
	switch (st->proto) {
	case PROTO_SMTP:
		rc = smtp(st, c, line, out, outlen);
		break;
	case PROTO_IMAP:
		rc = imap(st, c, line, out, outlen);
		break;
	case PROTO_POP3:
		rc = pop3(st, c, line, out, outlen);
		break;
	default:
		rc = STARTTLS_DONE;
		break;
	}
	/*
	 * Nothing may follow the answer to STARTTLS before our ClientHello:
	 * bytes sent in the clear behind it would be taken as the start of
	 * the encrypted session (the response injection of CVE-2011-0411).
	 */
	if (rc == STARTTLS_DONE && c->len > 0) {
		conn_fail(c, "the server sent %zu more bytes after its "
		    "answer to STARTTLS, before the TLS handshake: refused "
		    "(bytes sent in the clear, perhaps injected)", c->len);
		rc = STARTTLS_FAIL;
	}
	return rc;
}

/* Send line with CR LF.  Returns 0, or -1 with c's error set. */
static int
send_line(struct conn *c, const char *line)
{
	char *s = xasprintf("%s\r\n", line);
	int rc = conn_write(c, s, strlen(s));

	free(s);
	return rc;
}

int
starttls_run(struct conn *c, enum target_proto proto)
{
	struct starttls st;
	char line[SOCK_MAX_LINE + 1], out[STARTTLS_MAX_OUT];
	int rc;

	if (!starttls_needed(proto))
		return 0;
	starttls_begin(&st, c, proto);
	for (;;) {
		if (conn_getline(c, line) < 0)
			return -1;
		rc = starttls_step(&st, c, line, out, sizeof(out));
		if (rc == STARTTLS_DONE)
			return 0;
		if (rc == STARTTLS_FAIL) {
			/* A goodbye, when polite; its failure changes
			 * nothing, and must not replace the reason. */
			if (out[0] != '\0') {
				char keep[512];

				snprintf(keep, sizeof(keep), "%s", c->err);
				(void)send_line(c, out);
				snprintf(c->err, c->errlen, "%s", keep);
			}
			return -1;
		}
		if (rc == STARTTLS_SEND && send_line(c, out) != 0)
			return -1;
	}
}

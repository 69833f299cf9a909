/* msg.c - messages on stderr in one voice, and escaping of untrusted text. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "msg.h"

static const char *command;
static int quiet;

void
msg_set_command(const char *c)
{
	command = c;
}

void
msg_set_quiet(int q)
{
	quiet = q;
}

static void
vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fputs("trustfix: ", stderr);
	if (command != NULL)
		fprintf(stderr, "%s: ", command);
	if (prefix != NULL)
		fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
msg_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, fmt, ap);
	va_end(ap);
}

void
msg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void
msg_note(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vmsg(NULL, fmt, ap);
	va_end(ap);
}

int
msg_confirm(const char *hint, const char *fmt, ...)
{
	char line[32];
	va_list ap;

	if (!isatty(STDIN_FILENO)) {
		msg_error("refused: standard input is not a terminal, so "
		    "nobody confirmed; %spass --yes", hint);
		return 0;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("? [y/N] ", stderr);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) != NULL &&
	    (line[0] == 'y' || line[0] == 'Y'))
		return 1;
	msg_error("not confirmed; nothing changed");
	return 0;
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, UTF-16 surrogates, beyond U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return len;
}

/* The code point of a valid sequence of len bytes (utf8_len). */
static unsigned long
utf8_code(const unsigned char *s, size_t len)
{
	unsigned long c = s[0] & (0x7f >> len);
	size_t i;

	for (i = 1; i < len; i++)
		c = (c << 6) | (s[i] & 0x3f);
	return c;
}

/*
 * Characters that print nothing but reorder or hide what follows (bidi
 * overrides and isolates, zero-width characters, tags): a certificate's
 * name could make a terminal show another name than it holds.
 */
static int
invisible(unsigned long c)
{
	return c == 0x061c || c == 0x180e || (c >= 0x200b && c <= 0x200f) ||
	    (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) ||
	    c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb) ||
	    (c >= 0xe0000 && c <= 0xe007f);
}

char *
msg_escape_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char *out, *p;
	size_t i, u;
	unsigned long c;

	if (str == NULL)
		return xstrdup("");
	out = p = xmalloc(n * 4 + 1);
	for (i = 0; i < n; ) {
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			*p++ = (char)s[i++];
		} else if (s[i] >= 0x80 && (u = utf8_len(s + i, n - i)) > 0 &&
		    (c = utf8_code(s + i, u)) >= 0xa0) {
			/* Below U+00A0: C1 controls, which steer terminals. */
			if (invisible(c))
				p += sprintf(p, c > 0xffff ? "\\U%08lx" :
				    "\\u%04lx", c);
			else {
				memcpy(p, s + i, u);
				p += u;
			}
			i += u;
		} else {
			p += sprintf(p, "\\x%02x", s[i++]);
		}
	}
	*p = '\0';
	return out;
}

char *
msg_escape(const char *s)
{
	return msg_escape_len(s, s == NULL ? 0 : strlen(s));
}

/* A copy of s with each byte that is not part of valid UTF-8 as \xNN. */
static char *
utf8_repair(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, u, n = strlen(str);
	char *out, *p;

	out = p = xmalloc(n * 4 + 1);
	for (i = 0; i < n; ) {
		if (s[i] < 0x80)
			*p++ = (char)s[i++];
		else if ((u = utf8_len(s + i, n - i)) > 0) {
			memcpy(p, s + i, u);
			p += u;
			i += u;
		} else
			p += sprintf(p, "\\x%02x", s[i++]);
	}
	*p = '\0';
	return out;
}

json_t *
msg_json(const char *s)
{
	json_t *j;
	char *e;

	if (s == NULL)
		return json_null();
	/* jansson refuses what is not UTF-8; the key would vanish. */
	if ((j = json_string(s)) != NULL)
		return j;
	e = utf8_repair(s);
	j = json_string(e);
	free(e);
	return j;
}

const char *
msg_ossl_reason(void)
{
	static _Thread_local char buf[256];
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0) {
		/* Not a damaged input: the process is out of memory. */
		if (ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE)
			msg_oom();
		last = e;
	}
	if (last == 0)
		return "unknown error";
	if (ERR_reason_error_string(last) != NULL)
		snprintf(buf, sizeof(buf), "%s",
		    ERR_reason_error_string(last));
	else
		ERR_error_string_n(last, buf, sizeof(buf));
	return buf;
}

void
msg_oom(void)
{
	static const char m[] = "trustfix: out of memory\n";

	/*
	 * Neither stdio nor the exit handlers, which may want memory; no
	 * core dump either.  Exit 1, failed: a trust store change stopped
	 * here is completed or undone by the next run, as after a crash.
	 */
	(void)!write(STDERR_FILENO, m, sizeof(m) - 1);
	_exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		msg_oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		msg_oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n == 0 ? 1 : n);
	if (p == NULL)
		msg_oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		msg_oom();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		msg_oom();
	return p;
}

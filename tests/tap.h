/* tap.h - a minimal TAP producer for the C unit tests. */
#ifndef TRUSTFIX_TAP_H
#define TRUSTFIX_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str((got), (want), __FILE__, \
	__LINE__, __VA_ARGS__)
#define is_int(got, want, ...) tap_is_int((long)(got), (long)(want), \
	__FILE__, __LINE__, __VA_ARGS__)

/* The "ok N - ..." line of one test; 1 if it failed. */
static int __attribute__((unused))
tap_vline(int cond, const char *file, int line, const char *fmt,
    va_list ap)
{
	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	printf("\n");
	if (cond)
		return 0;
	tap_failed++;
	printf("#   failed at %s:%d\n", file, line);
	return 1;
}

static void __attribute__((unused, format(printf, 4, 5)))
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(cond, file, line, fmt, ap);
	va_end(ap);
}

static void __attribute__((unused, format(printf, 5, 6)))
tap_is_str(const char *got, const char *want, const char *file, int line,
    const char *fmt, ...)
{
	int cond = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);
	va_list ap;

	va_start(ap, fmt);
	if (tap_vline(cond, file, line, fmt, ap))
		printf("#   got: '%s'\n#   want: '%s'\n",
		    got ? got : "(null)", want ? want : "(null)");
	va_end(ap);
}

static void __attribute__((unused, format(printf, 5, 6)))
tap_is_int(long got, long want, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (tap_vline(got == want, file, line, fmt, ap))
		printf("#   got: %ld\n#   want: %ld\n", got, want);
	va_end(ap);
}

/* Print the plan; the exit status says whether all passed. */
static int __attribute__((unused))
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif

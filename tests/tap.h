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

static void __attribute__((unused, format(printf, 4, 5)))
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
}

static void __attribute__((unused, format(printf, 5, 6)))
tap_is_str(const char *got, const char *want, const char *file, int line,
    const char *fmt, ...)
{
	int cond = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n#   got: '%s'\n#   want: '%s'\n",
		    file, line, got ? got : "(null)", want ? want : "(null)");
	}
}

static void __attribute__((unused, format(printf, 5, 6)))
tap_is_int(long got, long want, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", got == want ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (got != want) {
		tap_failed++;
		printf("#   failed at %s:%d\n#   got: %ld\n#   want: %ld\n",
		    file, line, got, want);
	}
}

/* Print the plan; the exit status says whether all passed. */
static int __attribute__((unused))
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif

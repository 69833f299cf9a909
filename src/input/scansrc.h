/* scansrc.h - the targets of a scan: a list file, or a router's config. */
#ifndef TRUSTFIX_SCANSRC_H
#define TRUSTFIX_SCANSRC_H

#include <stddef.h>

#define SCANSRC_MAX_TARGETS	1000000	/* lines of targets we accept */
#define SCANSRC_MAX_LINE	4096	/* one line of a list or config */

/* One target and where it was found. */
struct scan_entry {
	char	*input;		/* a TARGET, as diagnose takes it */
	char	*file;		/* the file that named it */
	size_t	 line;		/* its line there, from 1 */
	char	*setting;	/* "relayhost", "poll", ...; NULL in a list */
	char	*policy;	/* Postfix TLS level, "verify" ...; or NULL */
};

struct scan_list {
	struct scan_entry *v;
	size_t		 n, cap;
};

/* Append copies of the strings (setting and policy may be NULL). */
void	scan_list_add(struct scan_list *, const char *input, const char *file,
	    size_t line, const char *setting, const char *policy);
void	scan_list_clear(struct scan_list *);

/*
 * One TARGET per line of path ("-": standard input); blank lines and
 * lines starting with '#' are skipped, and so is a '#' comment after
 * whitespace.  Returns 0, or -1 after reporting.
 */
int	scansrc_list(const char *path, struct scan_list *);

/*
 * The servers a router's configuration talks to: "postfix[:DIR]",
 * "fetchmail[:FILE]", "exim[:FILE]", "crm:FILE".  Returns 0, -1 after
 * reporting an unreadable configuration, or -2 after reporting an
 * unknown SPEC (a usage error).
 */
int	scansrc_from(const char *spec, struct scan_list *);

/*
 * For each complete document of a scan --json output at path (JSON
 * Lines), done(input, arg) with its target's input: the targets
 * --resume skips.  A line cut short or longer than SCAN_RESUME_MAX_LINE
 * names none.  A missing file is no error.  0, or -1 after reporting.
 */
#define SCAN_RESUME_MAX_LINE	(4 << 20)
int	scansrc_done(const char *path, void (*done)(const char *, void *),
	    void *arg);

/* Warn that line of path is longer than SCANSRC_MAX_LINE: skipped. */
void	scansrc_too_long(const char *path, size_t line);

/* Each reader: 0, or -1 after reporting. */
int	scansrc_postfix(const char *dir, struct scan_list *);
int	scansrc_fetchmail(const char *file, struct scan_list *);
int	scansrc_exim(const char *file, struct scan_list *);
int	scansrc_crm(const char *file, struct scan_list *);

#endif

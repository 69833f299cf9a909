/* scanout.h - a scan's lines, summary, progress, resume and exit status. */
#ifndef TRUSTFIX_SCANOUT_H
#define TRUSTFIX_SCANOUT_H

#include <stddef.h>

#include "diagnose.h"
#include "scansrc.h"
#include "target.h"

/* One distinct TARGET and every place that named it. */
struct scan_item {
	struct target	 t;
	size_t		*origins;	/* indices into the scan_list */
	size_t		 norigins;
	int		 skip;		/* already in the --resume file */
	int		 fail_counts;	/* no certificate is an error */
	int		 untrusted_counts; /* untrusted is an error */
};

struct scan {
	struct scan_list *l;
	struct scan_item *items;
	size_t		 n;
	struct scan_item **net;		/* network targets, loop order */
	const struct diag_opts *base;	/* options shared by all */
	const char	*name;		/* --name, or NULL */
	int		 json;
	int		 progress;	/* stderr is a terminal */
	size_t		 todo, done, trusted, untrusted, failed, skipped;
	int		 worst;		/* the exit status so far */
	long long	 t0, shown;	/* ms: start, last progress line */
};

/* Group l's entries by TARGET; each policy decides what counts. */
void	scanout_init(struct scan *, struct scan_list *l, int json);
/* Skip the targets of path's documents.  0, or -1 after reporting. */
int	scanout_resume(struct scan *, const char *path);
void	scanout_begin(struct scan *);
/* Write the line of one diagnosed target, flushed. */
void	scanout_item(struct scan *, struct scan_item *,
	    const struct diagnosis *, const struct diag_opts *,
	    const char *address, unsigned port);
/* The summary line; returns the exit status (worst verdict that counts). */
int	scanout_end(struct scan *);
void	scanout_clear(struct scan *);

#endif

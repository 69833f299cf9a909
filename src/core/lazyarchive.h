/* lazyarchive.h - load libarchive on first use: the check for callers. */
#ifndef LAZYARCHIVE_H
#define LAZYARCHIVE_H

/*
 * Load libarchive unless done: 0, or -1 with the reason in
 * lazyarchive_error().  Call it before the first archive_* call to report
 * a missing library in the caller's words; an archive_* function called
 * anyway fails as libarchive reports failure (NULL, ARCHIVE_FATAL).
 */
int		 lazyarchive_load(void);
const char	*lazyarchive_error(void);

#endif

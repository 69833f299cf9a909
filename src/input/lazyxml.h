/* lazyxml.h - load libxml2 on first use: the check for callers. */
#ifndef LAZYXML_H
#define LAZYXML_H

/*
 * Load libxml2 unless done: 0, or -1 with the reason in lazyxml_error().
 * Call it before the first xml* call; one called anyway fails (NULL, -1).
 */
int		 lazyxml_load(void);
const char	*lazyxml_error(void);

#endif

/* scanwork.h - one thread beside the scan's loop for the diagnoses. */
#ifndef TRUSTFIX_SCANWORK_H
#define TRUSTFIX_SCANWORK_H

/* Runs on the thread: item is the submitter's, arg scanwork_start()'s. */
typedef void scanwork_fn(void *item, void *arg);

struct scanwork;

/*
 * Start the thread that runs fn on each submitted item, in order.
 * NULL when it cannot start: the caller then runs fn itself.
 */
struct scanwork *scanwork_start(scanwork_fn *fn, void *arg);
/* An eventfd that becomes readable when items are finished. */
int	scanwork_fd(const struct scanwork *);
void	scanwork_submit(struct scanwork *, void *item);
/* The next finished item, in order, or NULL. */
void	*scanwork_take(struct scanwork *);
/* Finish what was submitted, then end the thread (finished items stay
 * to take); NULL does nothing. */
void	scanwork_stop(struct scanwork *);
void	scanwork_free(struct scanwork *);

#endif

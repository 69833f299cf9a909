/* monoclock.h - milliseconds on the monotonic clock, for deadlines. */
#ifndef TRUSTFIX_MONOCLOCK_H
#define TRUSTFIX_MONOCLOCK_H

/*
 * Milliseconds since an arbitrary point, never going back: deadlines
 * are "mono_ms() + timeout" and hold when the wall clock is set.
 */
long long	mono_ms(void);

/* Milliseconds from now until deadline (from mono_ms()), at least 0. */
int		mono_left(long long deadline);

#endif

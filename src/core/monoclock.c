/* monoclock.c - milliseconds on the monotonic clock, for deadlines. */
#include "config.h"

#include <limits.h>
#include <time.h>

#include "monoclock.h"

long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
mono_left(long long deadline)
{
	long long left = deadline - mono_ms();

	if (left <= 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

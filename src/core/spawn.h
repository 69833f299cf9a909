/* spawn.h - run another program with posix_spawn and an argv, no shell. */
#ifndef TRUSTFIX_SPAWN_H
#define TRUSTFIX_SPAWN_H

#include <stddef.h>

struct spawn_result {
	int	 exited;	/* 1 if it exited, 0 if killed by a signal */
	int	 status;	/* exit status, or the signal number */
	char	*output;	/* stdout+stderr captured (at most 64 KiB) */
	int	 timed_out;	/* killed at the time limit */
};

/*
 * From now on, kill a program that runs longer than seconds (0: no
 * limit, the default); res->timed_out says so.
 */
void	spawn_set_time_limit(int seconds);

/*
 * Run argv[0] (an absolute path, or looked up in PATH plus /usr/sbin and
 * /sbin) with stdin from /dev/null, a small fixed environment plus envp
 * (NULL or a NULL-terminated "NAME=value" list), and stdout and stderr
 * captured into res->output.  Returns 0 when the program ran (whatever
 * its exit status), -1 when it could not be started (reported).
 */
int	spawn_run(const char *const argv[], const char *const envp[],
	    struct spawn_result *res);
/*
 * The same with input (len bytes, at most a pipe's buffer, 64 KiB) on
 * the program's stdin instead of the null device.
 */
int	spawn_run_input(const char *const argv[], const char *const envp[],
	    const char *input, size_t len, struct spawn_result *res);
void	spawn_result_clear(struct spawn_result *res);

/* 1 if the program exited with status 0. */
int	spawn_ok(const struct spawn_result *res);

/*
 * What the program said, for an error message: its lines escaped and
 * joined with "; ", at most SPAWN_MESSAGE_MAX bytes, or how it ended when
 * it said nothing.  The caller frees it.
 */
#define SPAWN_MESSAGE_MAX	1024
char	*spawn_message(const struct spawn_result *res);

/*
 * Find a program by name in PATH, then /usr/local/sbin, /usr/local/bin,
 * /usr/sbin, /usr/bin, /sbin, /bin.
 * Returns a string the caller frees, or NULL when not found.
 */
char	*spawn_find(const char *name);
/*
 * The same, the system's directories first, then PATH: for the tools
 * that change what the machine trusts (root runs them, and a caller's
 * PATH may name a directory someone else can write).
 */
char	*spawn_find_system(const char *name);

#endif

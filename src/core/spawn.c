/* spawn.c - run another program with posix_spawn and an argv, no shell. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monoclock.h"
#include "msg.h"
#include "spawn.h"

#define SPAWN_MAX_OUTPUT	(64 * 1024)

static int time_limit;		/* seconds; 0: none */

void
spawn_set_time_limit(int seconds)
{
	time_limit = seconds;
}

/*
 * The system's directories (sudo's secure_path): refresh commands live
 * in sbin, which a user's PATH often lacks.
 */
static const char *const extra_dirs[] = {
	"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
	"/sbin", "/bin", NULL
};

static char *
find_in(const char *dir, size_t dlen, const char *name)
{
	char *p = xasprintf("%.*s/%s", (int)dlen, dir, name);

	if (access(p, X_OK) == 0)
		return p;
	free(p);
	return NULL;
}

static char *
find_in_path(const char *name)
{
	const char *path = getenv("PATH"), *s, *e;
	char *found;

	for (s = path; s != NULL && *s != '\0'; s = *e ? e + 1 : e) {
		e = strchr(s, ':');
		if (e == NULL)
			e = s + strlen(s);
		if (e > s && (found = find_in(s, (size_t)(e - s), name)))
			return found;
	}
	return NULL;
}

static char *
find_in_system(const char *name)
{
	char *found;
	int i;

	for (i = 0; extra_dirs[i] != NULL; i++)
		if ((found = find_in(extra_dirs[i], strlen(extra_dirs[i]),
		    name)) != NULL)
			return found;
	return NULL;
}

/* name with a '/' as it is; else in PATH and the system's, in order. */
static char *
find(const char *name, int system_first)
{
	char *found;

	if (strchr(name, '/') != NULL)
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	found = system_first ? find_in_system(name) : find_in_path(name);
	if (found == NULL)
		found = system_first ? find_in_path(name) :
		    find_in_system(name);
	return found;
}

char *
spawn_find(const char *name)
{
	return find(name, 0);
}

char *
spawn_find_system(const char *name)
{
	return find(name, 1);
}

/* The fixed environment: a PATH that has sbin, and the C locale. */
static char **
make_env(const char *const extra[])
{
	static const char *const base[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		    "/sbin:/bin",
		"LC_ALL=C",
		NULL
	};
	size_t n = 0, i, j;
	char **env;

	while (extra != NULL && extra[n] != NULL)
		n++;
	env = xcalloc(n + 3, sizeof(char *));
	for (i = 0; base[i] != NULL; i++)
		env[i] = (char *)base[i];
	for (j = 0; j < n; j++)
		env[i++] = (char *)extra[j];
	env[i] = NULL;
	return env;
}

/* Read what the child says; past the time limit, kill it. */
static void
read_output(int fd, pid_t pid, struct spawn_result *res)
{
	size_t len = 0, cap = 4096;
	char buf[4096];
	long long deadline;
	struct pollfd pfd = { fd, POLLIN, 0 };
	ssize_t n;

	deadline = mono_ms() + time_limit * 1000LL;
	res->output = xmalloc(cap);
	for (;;) {
		if (time_limit > 0 && !res->timed_out &&
		    poll(&pfd, 1, mono_left(deadline)) == 0) {
			res->timed_out = 1;
			kill(pid, SIGKILL);
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* Keep reading past the limit so the child never blocks. */
		if (len + (size_t)n > SPAWN_MAX_OUTPUT)
			continue;
		if (len + (size_t)n + 1 > cap) {
			cap = (len + (size_t)n + 1) * 2;
			res->output = xrealloc(res->output, cap);
		}
		memcpy(res->output + len, buf, (size_t)n);
		len += (size_t)n;
	}
	res->output[len] = '\0';
}

static int
feed_input(int fd, const char *input, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, input, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		input += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Start prog with stdin from infd (-1: the null device) and stdout and
 * stderr on outfd.  Returns 0, or an errno value.
 */
static int
start(const char *prog, const char *const argv[], const char *const envp[],
    int infd, int outfd, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	char **env;
	int err;

	if ((err = posix_spawn_file_actions_init(&fa)) != 0)
		return err;
	if (infd != -1)
		err = posix_spawn_file_actions_adddup2(&fa, infd, 0);
	else
		err = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
		    O_RDONLY, 0);
	if (err == 0)
		err = posix_spawn_file_actions_adddup2(&fa, outfd, 1);
	if (err == 0)
		err = posix_spawn_file_actions_adddup2(&fa, outfd, 2);
	env = make_env(envp);
	if (err == 0)
		err = posix_spawn(pid, prog, &fa, NULL, (char *const *)argv,
		    env);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	return err;
}

/* Wait for pid and decode how it ended into res; -1 after reporting. */
static int
wait_child(pid_t pid, const char *prog, struct spawn_result *res)
{
	int status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			msg_error("cannot wait for %s: %s", prog,
			    strerror(errno));
			return -1;
		}
	if (WIFEXITED(status)) {
		res->exited = 1;
		res->status = WEXITSTATUS(status);
	} else {
		res->exited = 0;
		res->status = WIFSIGNALED(status) ? WTERMSIG(status) : -1;
	}
	return 0;
}

static void
close_pair(int fd[2])
{
	if (fd[0] != -1)
		close(fd[0]);
	if (fd[1] != -1)
		close(fd[1]);
	fd[0] = fd[1] = -1;
}

static int
run(const char *const argv[], const char *const envp[], const char *input,
    size_t input_len, struct spawn_result *res)
{
	char *prog = NULL;
	int pipefd[2] = { -1, -1 }, infd[2] = { -1, -1 }, err, rc = -1;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if ((prog = spawn_find(argv[0])) == NULL) {
		msg_error("cannot find the program %s", argv[0]);
		return -1;
	}
	if (pipe2(pipefd, O_CLOEXEC) == -1 ||
	    (input != NULL && pipe2(infd, O_CLOEXEC) == -1)) {
		msg_error("cannot run %s: %s", prog, strerror(errno));
		goto out;
	}
	err = start(prog, argv, envp, infd[0], pipefd[1], &pid);
	close(pipefd[1]);
	pipefd[1] = -1;
	if (err != 0) {
		msg_error("cannot run %s: %s", prog, strerror(err));
		goto out;
	}
	if (input != NULL) {
		close(infd[0]);
		infd[0] = -1;
		/* Small input fits the pipe: write it all, then read. */
		if (feed_input(infd[1], input, input_len) == -1 &&
		    errno != EPIPE)
			msg_warn("cannot write to %s: %s", prog,
			    strerror(errno));
		close_pair(infd);
	}
	read_output(pipefd[0], pid, res);
	if (wait_child(pid, prog, res) == -1) {
		spawn_result_clear(res);
		goto out;
	}
	rc = 0;
out:
	close_pair(pipefd);
	close_pair(infd);
	free(prog);
	return rc;
}

int
spawn_run(const char *const argv[], const char *const envp[],
    struct spawn_result *res)
{
	return run(argv, envp, NULL, 0, res);
}

int
spawn_run_input(const char *const argv[], const char *const envp[],
    const char *input, size_t len, struct spawn_result *res)
{
	return run(argv, envp, input, len, res);
}

int
spawn_ok(const struct spawn_result *res)
{
	return res->exited && res->status == 0;
}

char *
spawn_message(const struct spawn_result *res)
{
	const char *p = res->output != NULL ? res->output : "", *nl;
	char *out = xstrdup(""), *line, *joined;
	size_t len;

	/* Its lines, escaped (a program's output may hold anything), one
	 * after the other; at most SPAWN_MESSAGE_MAX bytes of them. */
	while (*p != '\0' && strlen(out) < SPAWN_MESSAGE_MAX) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == ' ' ||
		    p[len - 1] == '\t'))
			len--;
		if (len > 0) {
			line = msg_escape_len(p, len);
			joined = xasprintf("%s%s%s", out, *out ? "; " : "",
			    line);
			free(line);
			free(out);
			out = joined;
		}
		p += nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
	}
	if (strlen(out) > SPAWN_MESSAGE_MAX) {
		len = SPAWN_MESSAGE_MAX - 3;
		while (len > 0 && ((unsigned char)out[len] & 0xc0) == 0x80)
			len--;		/* not inside a UTF-8 character */
		strcpy(out + len, "...");
	}
	if (res->timed_out) {
		free(out);
		out = xasprintf("did not finish within %d seconds",
		    time_limit);
	} else if (*out == '\0') {
		free(out);
		out = !res->exited ? xasprintf("killed by signal %d",
		    res->status) : xasprintf("exit status %d, no message",
		    res->status);
	}
	return out;
}

void
spawn_result_clear(struct spawn_result *res)
{
	if (res == NULL)
		return;
	free(res->output);
	res->output = NULL;
}

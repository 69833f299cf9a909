/* standalone.c - run a fuzz harness without libFuzzer: replay or mutate. */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sanitizer/asan_interface.h>

/*
 * For machines without clang's libFuzzer runtime (build.sh STANDALONE=1,
 * with gcc).  "fuzz-x FILE|DIR..." runs the harness once on each file:
 * reproducers and seed corpora.  "-max_total_time=S" then mutates those
 * inputs for S seconds, keeping an input when it reaches a new edge
 * (gcc -fsanitize-coverage=trace-pc, hashed into a map as AFL does).
 * Far weaker than libFuzzer: no comparison tracing, no dictionary.
 * An input that dies is written to crash-PID first.  -close_fd_mask=1,
 * 2 or 3 sends stdout, stderr or both of the code under test to
 * /dev/null, as in libFuzzer.
 */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
void	__sanitizer_cov_trace_pc(void);

#define MAP_SIZE	(1 << 16)

static unsigned char run_map[MAP_SIZE], seen[MAP_SIZE];
static uintptr_t prev_pc;

static FILE *log;
static const uint8_t *cur;
static size_t cur_len;

struct input {
	uint8_t	*b;
	size_t	 n;
};
static struct input *corpus;
static size_t ncorpus;

/* Called by the instrumented code at every edge. */
void
__sanitizer_cov_trace_pc(void)
{
	uintptr_t pc = (uintptr_t)__builtin_return_address(0);

	run_map[(pc ^ prev_pc) & (MAP_SIZE - 1)] = 1;
	prev_pc = pc >> 1;
}

static void
dump(void)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "crash-%ld", (long)getpid());
	if (cur != NULL && (f = fopen(path, "wb")) != NULL) {
		fwrite(cur, 1, cur_len, f);
		fclose(f);
		fprintf(log, "standalone: input written to %s\n", path);
	}
}

static void
on_signal(int sig)
{
	dump();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Run one input; 1 if it reached an edge not seen before. */
static int
run(const uint8_t *b, size_t n)
{
	size_t i;
	int fresh = 0;

	memset(run_map, 0, sizeof(run_map));
	prev_pc = 0;
	cur = b;
	cur_len = n;
	LLVMFuzzerTestOneInput(b, n);
	for (i = 0; i < MAP_SIZE; i++)
		if (run_map[i] && !seen[i])
			fresh = seen[i] = 1;
	return fresh;
}

static void
add_file(const char *path, size_t max_len)
{
	struct input in;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return;
	in.b = malloc(max_len);
	in.n = fread(in.b, 1, max_len, f);
	fclose(f);
	corpus = realloc(corpus, (ncorpus + 1) * sizeof(*corpus));
	corpus[ncorpus++] = in;
}

static void
add_path(const char *path, size_t max_len)
{
	struct dirent *d;
	struct stat st;
	char sub[4096];
	DIR *dir;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		add_file(path, max_len);
		return;
	}
	if ((dir = opendir(path)) == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name);
		add_file(sub, max_len);
	}
	closedir(dir);
}

/* One to eight random changes of b (n octets, room for max). */
static size_t
mutate(uint8_t *b, size_t n, size_t max)
{
	static const uint8_t magic[] = { 0, 0xff, 0x7f, 0x80, '.', '*', '-',
	    '_', 0x30, 0x02, '\n', '=' };
	const struct input *o;
	size_t k, i, j, len;

	for (k = 1 + rand() % 8; k > 0; k--) {
		i = n > 0 ? (size_t)rand() % n : 0;
		switch (rand() % 6) {
		case 0:
			if (n > 0)
				b[i] ^= 1 << (rand() % 8);
			break;
		case 1:
			if (n > 0)
				b[i] = magic[rand() % sizeof(magic)];
			break;
		case 2:
			if (n < max) {
				memmove(b + i + 1, b + i, n - i);
				b[i] = rand();
				n++;
			}
			break;
		case 3:
			if (n > 0) {
				len = 1 + rand() % (n - i);
				memmove(b + i, b + i + len, n - i - len);
				n -= len;
			}
			break;
		default:
			/* Overwrite or insert a piece of another input. */
			o = &corpus[rand() % ncorpus];
			if (o->n == 0)
				break;
			j = rand() % o->n;
			len = 1 + rand() % (o->n - j);
			if (len > max - i)
				len = max - i;
			if (rand() % 2 && n + len <= max) {
				memmove(b + i + len, b + i, n - i);
				n += len;
			} else if (i + len > n)
				n = i + len;
			memcpy(b + i, o->b + j, len);
			break;
		}
	}
	return n;
}

int
main(int argc, char *argv[])
{
	size_t max_len = 4096, i, n, edges;
	unsigned long execs = 0, secs = 0, mask = 0, stats;
	unsigned int seed = time(NULL);
	time_t end;
	uint8_t *b;
	int a, fd;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (sscanf(argv[a], "-max_total_time=%lu", &secs) == 1 ||
		    sscanf(argv[a], "-max_len=%zu", &max_len) == 1 ||
		    sscanf(argv[a], "-seed=%u", &seed) == 1 ||
		    sscanf(argv[a], "-close_fd_mask=%lu", &mask) == 1 ||
		    sscanf(argv[a], "-print_final_stats=%lu", &stats) == 1)
			continue;
		fprintf(stderr, "usage: %s [-max_total_time=S] [-max_len=N] "
		    "[-seed=N] [-close_fd_mask=M] FILE|DIR...\n", argv[0]);
		return 2;
	}
	if ((log = fdopen(dup(2), "w")) == NULL)
		return 1;
	setvbuf(log, NULL, _IONBF, 0);
	if ((fd = open("/dev/null", O_WRONLY)) < 0)
		return 1;
	if (mask & 1)
		dup2(fd, 1);
	if (mask & 2)
		dup2(fd, 2);
	__asan_set_death_callback(dump);
	signal(SIGABRT, on_signal);
	for (; a < argc; a++)
		add_path(argv[a], max_len);
	for (i = 0; i < ncorpus; i++, execs++)
		run(corpus[i].b, corpus[i].n);
	if (secs > 0) {
		if (ncorpus == 0)
			add_file("/dev/null", max_len);
		srand(seed);
		b = malloc(max_len);
		end = time(NULL) + secs;
		while (execs % 256 != 0 || time(NULL) < end) {
			i = rand() % ncorpus;
			memcpy(b, corpus[i].b, corpus[i].n);
			n = mutate(b, corpus[i].n, max_len);
			execs++;
			if (run(b, n)) {
				add_file("/dev/null", max_len);
				memcpy(corpus[ncorpus - 1].b, b, n);
				corpus[ncorpus - 1].n = n;
			}
		}
	}
	for (edges = 0, i = 0; i < MAP_SIZE; i++)
		edges += seen[i];
	fprintf(log, "standalone: %lu execs, %zu edges, %zu inputs, "
	    "seed %u\n", execs, edges, ncorpus, seed);
	return 0;
}

/*
 * scanwork.c - one thread beside the scan's loop for the diagnoses.
 *
 * A scan's loop spends half its time on TLS handshakes and the other
 * half diagnosing what they brought; on a machine with two cores the
 * diagnoses run here while the loop goes on with the next handshakes.
 * One thread, so the diagnoses never run beside each other: their
 * lazily filled state (the distribution's anchors) needs no lock.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "scanwork.h"

struct node {
	void		*item;
	struct node	*next;
};

struct queue {
	struct node	*head, *tail;
};

struct scanwork {
	scanwork_fn	*fn;
	void		*arg;
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct queue	 todo, done;
	int		 stopping;
	int		 efd;
};

static void
push(struct queue *q, struct node *n)
{
	n->next = NULL;
	if (q->tail != NULL)
		q->tail->next = n;
	else
		q->head = n;
	q->tail = n;
}

static struct node *
pop(struct queue *q)
{
	struct node *n = q->head;

	if (n != NULL && (q->head = n->next) == NULL)
		q->tail = NULL;
	return n;
}

static void *
run(void *arg)
{
	struct scanwork *w = arg;
	struct node *n;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while ((n = pop(&w->todo)) == NULL && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (n == NULL)
			break;
		pthread_mutex_unlock(&w->mu);
		w->fn(n->item, w->arg);
		pthread_mutex_lock(&w->mu);
		push(&w->done, n);
		(void)!write(w->efd, &(uint64_t){ 1 }, sizeof(uint64_t));
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct scanwork *
scanwork_start(scanwork_fn *fn, void *arg)
{
	struct scanwork *w = xcalloc(1, sizeof(*w));

	w->fn = fn;
	w->arg = arg;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if ((w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		goto fail;
	if ((errno = pthread_create(&w->th, NULL, run, w)) != 0) {
		close(w->efd);
		goto fail;
	}
	return w;
fail:
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
	return NULL;
}

int
scanwork_fd(const struct scanwork *w)
{
	return w->efd;
}

void
scanwork_submit(struct scanwork *w, void *item)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->item = item;
	pthread_mutex_lock(&w->mu);
	push(&w->todo, n);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void *
scanwork_take(struct scanwork *w)
{
	struct node *n;
	void *item = NULL;
	uint64_t v;

	(void)!read(w->efd, &v, sizeof(v));
	pthread_mutex_lock(&w->mu);
	if ((n = pop(&w->done)) != NULL)
		item = n->item;
	pthread_mutex_unlock(&w->mu);
	free(n);
	return item;
}

void
scanwork_stop(struct scanwork *w)
{
	if (w == NULL || w->stopping)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	(void)pthread_join(w->th, NULL);
}

void
scanwork_free(struct scanwork *w)
{
	struct node *n;

	if (w == NULL)
		return;
	scanwork_stop(w);
	while ((n = pop(&w->done)) != NULL)
		free(n);
	close(w->efd);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

/*
 * Worker threads; see worker.h.  One mutex guards the queue, the finished
 * list, each thread's current job and the quit flag; the condition wakes
 * idle threads.  Invariant, under the mutex: the pipe holds a byte iff the
 * finished list is non-empty, so a drain never misses a wake-up.  The
 * "draining" list and the pending count belong to the loop thread alone.
 */
#include "worker.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

#include "ipc/err.h"

enum job_state {
	JOB_IDLE,		/* not submitted, or done() has run */
	JOB_QUEUED,
	JOB_RUNNING,
	JOB_FINISHED,		/* on the finished list */
	JOB_DRAINING,		/* taken by worker_drain, done() not run yet */
};

struct jobq {
	struct worker_job	*head, *tail;
};

struct worker_thread {
	pthread_t		 tid;
	struct worker_pool	*pool;
	struct worker_job	*cur;		/* running; under the mutex */
};

struct worker_pool {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct jobq		 queued, finished;	/* under mu */
	int			 quit;			/* under mu */
	unsigned		 alive;			/* under mu: threads
							 * not yet returned */
	struct worker_thread	*threads;
	unsigned		 nthreads;		/* started */
	int			 fd[2];			/* wake-up pipe */
	struct jobq		 draining;		/* loop thread only */
	size_t			 pending;		/* loop thread only */
};

static void
q_push(struct jobq *q, struct worker_job *job)
{
	job->wj_next = NULL;
	if (q->tail != NULL)
		q->tail->wj_next = job;
	else
		q->head = job;
	q->tail = job;
}

static struct worker_job *
q_pop(struct jobq *q)
{
	struct worker_job	*job = q->head;

	if (job != NULL && (q->head = job->wj_next) == NULL)
		q->tail = NULL;
	return job;
}

/* Unlinks job, whose predecessor is prev (NULL: job is the head). */
static void
q_unlink(struct jobq *q, struct worker_job *prev, struct worker_job *job)
{
	if (prev == NULL)
		q->head = job->wj_next;
	else
		prev->wj_next = job->wj_next;
	if (q->tail == job)
		q->tail = prev;
	job->wj_next = NULL;
}

/* --- the pipe ----------------------------------------------------------- */

static int
set_flags(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return BT_ERR_SYS;
	return BT_OK;
}

/* Under mu: job joins the finished list; the first one wakes the loop. */
static void
finish_locked(struct worker_pool *pool, struct worker_job *job)
{
	static const char	one = 1;

	if (pool->finished.head == NULL &&
	    write(pool->fd[1], &one, 1) == -1) {
		/* only EAGAIN is possible, and then a byte is there already */
	}
	job->wj_state = JOB_FINISHED;
	q_push(&pool->finished, job);
}

/* Under mu: empties the pipe (the finished list was just taken). */
static void
clear_locked(struct worker_pool *pool)
{
	char	buf[16];

	while (read(pool->fd[0], buf, sizeof(buf)) > 0)
		continue;
}

/* --- the threads -------------------------------------------------------- */

/* Under mu: whether a job with this serial key is running now. */
static int
serial_busy(const struct worker_pool *pool, const void *serial)
{
	unsigned	i;

	for (i = 0; i < pool->nthreads; i++) {
		if (pool->threads[i].cur != NULL &&
		    pool->threads[i].cur->serial == serial)
			return 1;
	}
	return 0;
}

/* Under mu: the first queued job that may run now.  Scanning in FIFO
 * order keeps each serial key's jobs in order: a later job of a key is
 * only reached when the earlier ones are runnable too, and taken first. */
static struct worker_job *
take_runnable(struct worker_pool *pool)
{
	struct worker_job	*job, *prev = NULL;

	for (job = pool->queued.head; job != NULL; job = job->wj_next) {
		if (job->serial == NULL || !serial_busy(pool, job->serial)) {
			q_unlink(&pool->queued, prev, job);
			return job;
		}
		prev = job;
	}
	return NULL;
}

static void *
thread_main(void *arg)
{
	struct worker_thread	*self = arg;
	struct worker_pool	*pool = self->pool;
	struct worker_job	*job;

	pthread_mutex_lock(&pool->mu);
	for (;;) {
		job = NULL;
		while (!pool->quit && (job = take_runnable(pool)) == NULL)
			pthread_cond_wait(&pool->cv, &pool->mu);
		if (job == NULL)
			break;		/* quit: what is queued stays queued */
		job->wj_state = JOB_RUNNING;
		self->cur = job;
		pthread_mutex_unlock(&pool->mu);
		job->work(job);
		pthread_mutex_lock(&pool->mu);
		self->cur = NULL;
		finish_locked(pool, job);
		/* Jobs held back behind this key may run now: any idle
		 * thread may take them, so wake them all. */
		if (job->serial != NULL && pool->queued.head != NULL)
			pthread_cond_broadcast(&pool->cv);
	}
	pool->alive--;
	pthread_cond_broadcast(&pool->cv);	/* worker_pool_free waits */
	pthread_mutex_unlock(&pool->mu);
	return NULL;
}

/* Starts the threads with every signal blocked (they inherit the mask),
 * so that signal handlers only ever run on the loop thread. */
static int
start_threads(struct worker_pool *pool, unsigned n)
{
	sigset_t	all, old;
	int		r = BT_OK;

	sigfillset(&all);
	if (pthread_sigmask(SIG_SETMASK, &all, &old) != 0)
		return BT_ERR_SYS;
	for (pool->nthreads = 0; pool->nthreads < n; pool->nthreads++) {
		pool->threads[pool->nthreads].pool = pool;
		pthread_mutex_lock(&pool->mu);
		pool->alive++;
		pthread_mutex_unlock(&pool->mu);
		if ((errno = pthread_create(&pool->threads[pool->nthreads].tid,
		    NULL, thread_main, &pool->threads[pool->nthreads])) != 0) {
			pthread_mutex_lock(&pool->mu);
			pool->alive--;
			pthread_mutex_unlock(&pool->mu);
			r = BT_ERR_SYS;
			break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

/* --- the pool ----------------------------------------------------------- */

struct worker_pool *
worker_pool_new(unsigned nthreads)
{
	struct worker_pool	*pool;

	if (nthreads == 0 || nthreads > WORKER_MAX_THREADS)
		return NULL;
	if ((pool = calloc(1, sizeof(*pool))) == NULL)
		return NULL;
	pool->fd[0] = pool->fd[1] = -1;
	if ((pool->threads = calloc(nthreads, sizeof(*pool->threads))) ==
	    NULL)
		goto fail_mem;
	if (pthread_mutex_init(&pool->mu, NULL) != 0)
		goto fail_mem;
	if (pthread_cond_init(&pool->cv, NULL) != 0) {
		pthread_mutex_destroy(&pool->mu);
		goto fail_mem;
	}
	/* From here on worker_pool_free can take a half-built pool. */
	if (pipe(pool->fd) == -1) {
		pool->fd[0] = pool->fd[1] = -1;
		goto fail;
	}
	if (set_flags(pool->fd[0]) != BT_OK ||
	    set_flags(pool->fd[1]) != BT_OK ||
	    start_threads(pool, nthreads) != BT_OK)
		goto fail;
	return pool;
fail:
	worker_pool_free(pool);
	return NULL;
fail_mem:
	free(pool->threads);
	free(pool);
	return NULL;
}

/* Runs done() for a job the drain or the teardown took over. */
static void
job_done(struct worker_pool *pool, struct worker_job *job, int cancelled)
{
	assert(pool->pending > 0);
	pool->pending--;
	job->wj_state = JOB_IDLE;
	job->done(job, cancelled || job->wj_cancelled);
}

/*
 * Waits up to WORKER_FREE_WAIT_MS for the threads to return.  One still
 * inside a job past that (a getaddrinfo waiting on a silent name server)
 * would hold the engine's exit, and the watchdog would take the silence
 * for a hang: the threads are detached and the pool is left to them (the
 * process is about to exit; it stays reachable from their stacks).
 */
static int
wait_threads(struct worker_pool *pool)
{
	struct timespec	until;
	int		all;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WORKER_FREE_WAIT_MS / 1000;
	until.tv_nsec += (long)(WORKER_FREE_WAIT_MS % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&pool->mu);
	pool->quit = 1;
	pthread_cond_broadcast(&pool->cv);
	while (pool->alive > 0 &&
	    pthread_cond_timedwait(&pool->cv, &pool->mu, &until) == 0)
		;
	all = pool->alive == 0;
	pthread_mutex_unlock(&pool->mu);
	return all;
}

void
worker_pool_free(struct worker_pool *pool)
{
	struct worker_job	*job;
	unsigned		 i;

	if (pool == NULL)
		return;
	if (!wait_threads(pool)) {
		for (i = 0; i < pool->nthreads; i++)
			pthread_detach(pool->threads[i].tid);
		return;
	}
	for (i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i].tid, NULL);
	/* No thread is left: the lists need no lock any more. */
	while ((job = q_pop(&pool->draining)) != NULL)
		job_done(pool, job, 0);
	while ((job = q_pop(&pool->finished)) != NULL)
		job_done(pool, job, 0);
	while ((job = q_pop(&pool->queued)) != NULL)
		job_done(pool, job, 1);
	pthread_cond_destroy(&pool->cv);
	pthread_mutex_destroy(&pool->mu);
	for (i = 0; i < 2; i++) {
		if (pool->fd[i] >= 0)
			close(pool->fd[i]);
	}
	free(pool->threads);
	free(pool);
}

int
worker_submit(struct worker_pool *pool, struct worker_job *job)
{
	assert(job->work != NULL && job->done != NULL);
	assert(job->wj_state == JOB_IDLE);	/* never queued twice */
	job->wj_cancelled = 0;
	pool->pending++;
	pthread_mutex_lock(&pool->mu);
	job->wj_state = JOB_QUEUED;
	q_push(&pool->queued, job);
	pthread_cond_signal(&pool->cv);
	pthread_mutex_unlock(&pool->mu);
	return BT_OK;
}

int
worker_fd(const struct worker_pool *pool)
{
	return pool->fd[0];
}

size_t
worker_drain(struct worker_pool *pool)
{
	struct worker_job	*job;
	size_t			 n = 0;

	pthread_mutex_lock(&pool->mu);
	while ((job = q_pop(&pool->finished)) != NULL) {
		job->wj_state = JOB_DRAINING;
		q_push(&pool->draining, job);
	}
	clear_locked(pool);
	pthread_mutex_unlock(&pool->mu);
	/* One at a time from the pool's list, so that a done() which
	 * cancels an owner also reaches that owner's jobs still waiting
	 * here. */
	while ((job = q_pop(&pool->draining)) != NULL) {
		job_done(pool, job, 0);
		n++;
	}
	return n;
}

static void
mark_owner(struct worker_job *head, const void *owner)
{
	for (; head != NULL; head = head->wj_next) {
		if (head->owner == owner)
			head->wj_cancelled = 1;
	}
}

void
worker_cancel_owner(struct worker_pool *pool, const void *owner)
{
	struct worker_job	*job, *prev = NULL, *next;
	unsigned		 i;

	if (owner == NULL)
		return;
	pthread_mutex_lock(&pool->mu);
	for (job = pool->queued.head; job != NULL; job = next) {
		next = job->wj_next;
		if (job->owner != owner) {
			prev = job;
			continue;
		}
		q_unlink(&pool->queued, prev, job);
		job->wj_cancelled = 1;
		finish_locked(pool, job);
	}
	for (i = 0; i < pool->nthreads; i++) {
		if (pool->threads[i].cur != NULL &&
		    pool->threads[i].cur->owner == owner)
			pool->threads[i].cur->wj_cancelled = 1;
	}
	mark_owner(pool->finished.head, owner);
	pthread_mutex_unlock(&pool->mu);
	mark_owner(pool->draining.head, owner);
}

size_t
worker_pending(const struct worker_pool *pool)
{
	return pool->pending;
}

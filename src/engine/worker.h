/*
 * worker: a small thread pool for the engine's blocking work (hashing,
 * writes, fsync, name resolution), so that the select() loop never waits.
 * The shape is libuv's threadpool (uv__work_done): a job struct owns copies
 * of everything its work() needs; a worker thread runs work(), puts the job
 * on a "finished" list and makes worker_fd() readable; the loop thread then
 * calls worker_drain(), which runs each job's done() on the loop thread.
 *
 * Threads: work() runs on a worker thread and may touch only its own job.
 * Every worker_* function, and every done(), runs on the one thread that
 * owns the pool (the loop); none of them may be called from work().
 */
#ifndef BT_WORKER_H
#define BT_WORKER_H

#include <stddef.h>

#define WORKER_MAX_THREADS	64

struct worker_pool;

/*
 * One unit of work, embedded by the caller in its own job struct (get back
 * to it with container_of-style arithmetic, or make it the first member).
 * The caller zeroes it (calloc, or = { 0 }) before its first submit, fills
 * the public members, and keeps the memory alive until done() has run;
 * done() is the place to free it, or to submit the job again.
 */
struct worker_job {
	/* On a worker thread: touch only this job. */
	void		(*work)(struct worker_job *job);
	/* On the loop thread, exactly once per submitted job.  cancelled is
	 * 1 when the result must not be used: the owner was cancelled, or
	 * the pool was freed before work() ran (then work() never ran). */
	void		(*done)(struct worker_job *job, int cancelled);
	void		*owner;		/* for worker_cancel_owner; may be NULL */
	/* Jobs with the same non-NULL serial key run one at a time, in the
	 * order they were submitted (two writes to one file stay in order);
	 * NULL: no ordering with other jobs. */
	const void	*serial;

	/* private: the pool's */
	struct worker_job *wj_next;
	int		 wj_state;
	int		 wj_cancelled;
};

/* A pool of nthreads (1..WORKER_MAX_THREADS) threads and its wake-up pipe.
 * The threads block every signal, so handlers run on the loop thread.
 * NULL when nthreads is out of range or a resource is missing. */
struct worker_pool *worker_pool_new(unsigned nthreads);
/* Stops the threads after the job each is running, joins them, then runs
 * done() for every job whose done() has not run: finished ones as they
 * stand, queued ones (work() never ran) with cancelled = 1.  Closes the
 * pipe.  NULL is a no-op.  Must not be called from done().  A thread still
 * in its job after WORKER_FREE_WAIT_MS is left running, detached, with
 * the pool (no done() is called then): only for the exit of a process. */
#define WORKER_FREE_WAIT_MS	1000
void	worker_pool_free(struct worker_pool *pool);

/* Queues job (FIFO, subject to its serial key).  BT_OK; on an error done()
 * will never be called.  The job must not be queued already. */
int	worker_submit(struct worker_pool *pool, struct worker_job *job);
/* The read end of the wake-up pipe (non-blocking, close-on-exec): readable
 * while finished jobs wait for worker_drain. */
int	worker_fd(const struct worker_pool *pool);
/* Runs done() for every finished job, on the caller's thread, and clears
 * worker_fd; returns how many ran.  done() may submit or cancel jobs (jobs
 * that finish meanwhile wait for the next drain) but must not drain. */
size_t	worker_drain(struct worker_pool *pool);
/* Every job of owner (non-NULL) whose done() has not run will get
 * done(job, 1): queued ones are taken off the queue (work() never runs) and
 * wait for the next drain, which worker_fd announces; running and finished
 * ones are marked.  After this call the owner may be freed, as long as its
 * jobs' done() does not touch it. */
void	worker_cancel_owner(struct worker_pool *pool, const void *owner);
/* Jobs submitted whose done() has not run yet. */
size_t	worker_pending(const struct worker_pool *pool);

#endif

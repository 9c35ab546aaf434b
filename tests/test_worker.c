/* Unit tests for src/engine/worker: every job comes back exactly once, with
 * done() on the draining thread and work() on another; the pipe is
 * readable exactly while results wait; cancel_owner covers queued, running
 * and finished jobs (and ones a drain is about to run); free runs done()
 * for what is left; a serial key keeps its jobs in order, one at a time.
 * Jobs that must stay running wait on a gate the test opens. */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/worker.h"
#include "ipc/err.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define WAIT_MS		5000	/* a job that takes longer is lost */
#define NKEYS		3

/* What the jobs of one test share: test-side only, never the pool's. */
struct ctx {
	pthread_mutex_t	mu;
	pthread_cond_t	cv;
	int		gate_open;
	int		started;	/* gated jobs that began waiting */
	atomic_int	seq;
	atomic_int	inflight[NKEYS];
	atomic_int	overlaps;
	const void	*keys[NKEYS];	/* &keys[i] is key i */
	struct worker_pool *pool;	/* for done() that cancels */
};

struct tjob {
	struct worker_job job;		/* first: (struct tjob *)job */
	struct ctx	*ctx;
	int		 gated;		/* work waits for the gate */
	int		 key;		/* index into ctx->keys; -1: none */
	long		 in, out;
	int		 seq;		/* order work() ran in */
	int		 work_ran, sig_blocked;
	pthread_t	 work_tid, done_tid;
	int		 ndone, cancelled;
	void		*cancel_in_done;	/* owner to cancel from done() */
	int		 resubmit;		/* times done() submits again */
};

static void
ctx_init(struct ctx *c)
{
	size_t	i;

	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	for (i = 0; i < NKEYS; i++)
		c->keys[i] = &c->keys[i];
}

static void
ctx_cleanup(struct ctx *c)
{
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
}

static void
gate_open(struct ctx *c)
{
	pthread_mutex_lock(&c->mu);
	c->gate_open = 1;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* Waits until n gated jobs have started, or fails the test. */
static void
gate_wait_started(struct ctx *c, int n)
{
	struct timespec	ts;
	int		r = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&c->mu);
	while (c->started < n && r == 0)
		r = pthread_cond_timedwait(&c->cv, &c->mu, &ts);
	pthread_mutex_unlock(&c->mu);
	assert_int_equal(r, 0);
}

static void
nap_us(long us)
{
	struct timespec	ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

static void
tjob_work(struct worker_job *job)
{
	struct tjob	*j = (struct tjob *)job;
	struct ctx	*c = j->ctx;
	sigset_t	 set;

	j->work_tid = pthread_self();
	pthread_sigmask(SIG_BLOCK, NULL, &set);
	j->sig_blocked = sigismember(&set, SIGTERM) == 1;
	if (j->gated) {
		pthread_mutex_lock(&c->mu);
		c->started++;
		pthread_cond_broadcast(&c->cv);
		while (!c->gate_open)
			pthread_cond_wait(&c->cv, &c->mu);
		pthread_mutex_unlock(&c->mu);
	}
	if (j->key >= 0 && atomic_fetch_add(&c->inflight[j->key], 1) != 0)
		atomic_fetch_add(&c->overlaps, 1);
	j->seq = atomic_fetch_add(&c->seq, 1);
	if (j->key >= 0) {
		nap_us(50);	/* long enough for another thread to overlap */
		atomic_fetch_sub(&c->inflight[j->key], 1);
	}
	j->out = j->in * j->in;
	j->work_ran++;
}

static void
tjob_done(struct worker_job *job, int cancelled)
{
	struct tjob	*j = (struct tjob *)job;

	j->done_tid = pthread_self();
	j->ndone++;
	j->cancelled = cancelled;
	if (j->cancel_in_done != NULL)
		worker_cancel_owner(j->ctx->pool, j->cancel_in_done);
	if (j->resubmit > 0) {
		j->resubmit--;
		assert_int_equal(worker_submit(j->ctx->pool, job), BT_OK);
	}
}

static struct tjob *
tjobs_new(struct ctx *c, size_t n)
{
	struct tjob	*v = calloc(n, sizeof(*v));
	size_t		 i;

	assert_non_null(v);
	for (i = 0; i < n; i++) {
		v[i].job.work = tjob_work;
		v[i].job.done = tjob_done;
		v[i].ctx = c;
		v[i].key = -1;
		v[i].in = (long)i;
	}
	return v;
}

static int
readable(const struct worker_pool *pool, int ms)
{
	struct pollfd	p = { .fd = worker_fd(pool), .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* Drains as the engine's loop would until `pending' jobs are left;
 * returns how many done() calls ran. */
static size_t
drain_until(struct worker_pool *pool, size_t pending)
{
	size_t	n = 0;

	while (worker_pending(pool) > pending) {
		if (!readable(pool, WAIT_MS))
			fail_msg("no result within %d ms (%zu pending)",
			    WAIT_MS, worker_pending(pool));
		n += worker_drain(pool);
	}
	return n;
}

static void
test_many_jobs(void **state)
{
	enum { N = 1000 };
	struct ctx	 c;
	struct tjob	*v;
	pthread_t	 me = pthread_self();
	size_t		 i;

	(void)state;
	ctx_init(&c);
	v = tjobs_new(&c, N);
	assert_non_null(c.pool = worker_pool_new(4));
	for (i = 0; i < N; i++)
		assert_int_equal(worker_submit(c.pool, &v[i].job), BT_OK);
	assert_true(worker_pending(c.pool) > 0);
	assert_int_equal(drain_until(c.pool, 0), N);
	assert_int_equal(worker_drain(c.pool), 0);
	for (i = 0; i < N; i++) {
		if (v[i].ndone != 1 || v[i].work_ran != 1 || v[i].cancelled ||
		    v[i].out != (long)(i * i))
			fail_msg("job %zu: %d done, %d runs, cancelled %d, "
			    "out %ld", i, v[i].ndone, v[i].work_ran,
			    v[i].cancelled, v[i].out);
		assert_true(pthread_equal(v[i].done_tid, me));
		assert_false(pthread_equal(v[i].work_tid, me));
		assert_true(v[i].sig_blocked);
	}
	worker_pool_free(c.pool);
	free(v);
	ctx_cleanup(&c);
}

static void
test_fd_readable_and_cleared(void **state)
{
	struct ctx	 c;
	struct tjob	*v;
	int		 fd;

	(void)state;
	ctx_init(&c);
	v = tjobs_new(&c, 3);
	assert_non_null(c.pool = worker_pool_new(1));
	fd = worker_fd(c.pool);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_false(readable(c.pool, 0));
	assert_int_equal(worker_drain(c.pool), 0);
	assert_int_equal(worker_submit(c.pool, &v[0].job), BT_OK);
	assert_true(readable(c.pool, WAIT_MS));
	assert_true(readable(c.pool, 0));	/* stays so until drained */
	assert_int_equal(worker_pending(c.pool), 1);
	assert_int_equal(worker_drain(c.pool), 1);
	assert_false(readable(c.pool, 0));
	assert_int_equal(worker_pending(c.pool), 0);
	/* Two results behind one wake-up: one drain takes both. */
	v[1].gated = 1;
	assert_int_equal(worker_submit(c.pool, &v[1].job), BT_OK);
	assert_int_equal(worker_submit(c.pool, &v[2].job), BT_OK);
	gate_wait_started(&c, 1);
	assert_false(readable(c.pool, 0));
	gate_open(&c);
	assert_int_equal(drain_until(c.pool, 0), 2);
	assert_false(readable(c.pool, 0));
	worker_pool_free(c.pool);
	free(v);
	ctx_cleanup(&c);
}

static void
test_cancel_owner(void **state)
{
	struct ctx	 c;
	struct tjob	*v;
	int		 x, y, z;

	(void)state;
	ctx_init(&c);
	v = tjobs_new(&c, 5);
	assert_non_null(c.pool = worker_pool_new(1));
	/* Finished, not drained yet. */
	v[0].job.owner = &z;
	assert_int_equal(worker_submit(c.pool, &v[0].job), BT_OK);
	assert_true(readable(c.pool, WAIT_MS));
	worker_cancel_owner(c.pool, &z);
	worker_cancel_owner(c.pool, NULL);	/* no-op */
	assert_int_equal(worker_drain(c.pool), 1);
	assert_int_equal(v[0].work_ran, 1);
	assert_int_equal(v[0].cancelled, 1);
	/* Running (v1), queued (v2) and another owner's (v3, v4 none). */
	v[1].gated = 1;
	v[1].job.owner = v[2].job.owner = &x;
	v[3].job.owner = &y;
	assert_int_equal(worker_submit(c.pool, &v[1].job), BT_OK);
	assert_int_equal(worker_submit(c.pool, &v[2].job), BT_OK);
	assert_int_equal(worker_submit(c.pool, &v[3].job), BT_OK);
	assert_int_equal(worker_submit(c.pool, &v[4].job), BT_OK);
	gate_wait_started(&c, 1);
	worker_cancel_owner(c.pool, &x);
	assert_int_equal(worker_pending(c.pool), 4);
	/* The queued one comes back at once, without running. */
	assert_true(readable(c.pool, 0));
	assert_int_equal(worker_drain(c.pool), 1);
	assert_int_equal(v[2].ndone, 1);
	assert_int_equal(v[2].cancelled, 1);
	assert_int_equal(v[2].work_ran, 0);
	assert_int_equal(v[1].ndone, 0);
	gate_open(&c);
	assert_int_equal(drain_until(c.pool, 0), 3);
	assert_int_equal(v[1].work_ran, 1);
	assert_int_equal(v[1].cancelled, 1);
	assert_int_equal(v[3].cancelled, 0);
	assert_int_equal(v[4].cancelled, 0);
	assert_int_equal(v[2].work_ran, 0);
	assert_int_equal(v[2].ndone, 1);
	worker_pool_free(c.pool);
	free(v);
	ctx_cleanup(&c);
}

/* A done() that cancels its owner reaches the owner's next result, which
 * the same drain had already taken. */
static void
test_cancel_from_done(void **state)
{
	struct ctx	 c;
	struct tjob	*v;
	int		 w;

	(void)state;
	ctx_init(&c);
	v = tjobs_new(&c, 3);
	assert_non_null(c.pool = worker_pool_new(1));
	v[0].job.owner = v[1].job.owner = &w;
	v[0].cancel_in_done = &w;
	v[2].gated = 1;
	assert_int_equal(worker_submit(c.pool, &v[0].job), BT_OK);
	assert_int_equal(worker_submit(c.pool, &v[1].job), BT_OK);
	assert_int_equal(worker_submit(c.pool, &v[2].job), BT_OK);
	/* One thread, FIFO: once v2 runs, v0 and v1 are finished. */
	gate_wait_started(&c, 1);
	assert_int_equal(worker_drain(c.pool), 2);
	assert_int_equal(v[0].cancelled, 0);
	assert_int_equal(v[1].cancelled, 1);
	assert_int_equal(v[1].work_ran, 1);
	gate_open(&c);
	assert_int_equal(drain_until(c.pool, 0), 1);
	worker_pool_free(c.pool);
	free(v);
	ctx_cleanup(&c);
}

static void
test_resubmit_from_done(void **state)
{
	struct ctx	 c;
	struct tjob	*v;

	(void)state;
	ctx_init(&c);
	v = tjobs_new(&c, 1);
	assert_non_null(c.pool = worker_pool_new(2));
	v[0].resubmit = 4;
	assert_int_equal(worker_submit(c.pool, &v[0].job), BT_OK);
	assert_int_equal(drain_until(c.pool, 0), 5);
	assert_int_equal(v[0].work_ran, 5);
	assert_int_equal(v[0].ndone, 5);
	worker_pool_free(c.pool);
	free(v);
	ctx_cleanup(&c);
}

static void *
open_gate_later(void *arg)
{
	nap_us(100 * 1000);
	gate_open(arg);
	return NULL;
}

/* Free while one job runs, one waits to be drained and four are queued:
 * the running one finishes, the queued ones never run, and every job gets
 * exactly one done(). */
static void
test_free_with_jobs_queued(void **state)
{
	struct ctx	 c;
	struct tjob	*v;
	pthread_t	 opener;
	pthread_t	 me = pthread_self();
	size_t		 i;

	(void)state;
	ctx_init(&c);
	v = tjobs_new(&c, 6);
	assert_non_null(c.pool = worker_pool_new(1));
	assert_int_equal(worker_submit(c.pool, &v[0].job), BT_OK);
	assert_true(readable(c.pool, WAIT_MS));		/* v0 finished */
	v[1].gated = 1;
	for (i = 1; i < 6; i++)
		assert_int_equal(worker_submit(c.pool, &v[i].job), BT_OK);
	gate_wait_started(&c, 1);
	/* The gate opens while worker_pool_free waits for the thread. */
	assert_int_equal(pthread_create(&opener, NULL, open_gate_later, &c),
	    0);
	worker_pool_free(c.pool);
	pthread_join(opener, NULL);
	for (i = 0; i < 6; i++) {
		assert_int_equal(v[i].ndone, 1);
		assert_true(pthread_equal(v[i].done_tid, me));
		assert_int_equal(v[i].cancelled, i >= 2);
		assert_int_equal(v[i].work_ran, i < 2);
	}
	free(v);
	ctx_cleanup(&c);
}

/* Same-key jobs never overlap and run in submission order, on 4 threads
 * with keyless jobs mixed in. */
static void
test_serial_key(void **state)
{
	enum { N = 300 };
	struct ctx	 c;
	struct tjob	*v;
	int		 last[NKEYS] = { -1, -1, -1 };
	size_t		 i;

	(void)state;
	ctx_init(&c);
	v = tjobs_new(&c, N);
	assert_non_null(c.pool = worker_pool_new(4));
	for (i = 0; i < N; i++) {
		if (i % 4 != 3) {
			v[i].key = (int)(i % NKEYS);
			v[i].job.serial = c.keys[v[i].key];
		}
		assert_int_equal(worker_submit(c.pool, &v[i].job), BT_OK);
	}
	assert_int_equal(drain_until(c.pool, 0), N);
	assert_int_equal(atomic_load(&c.overlaps), 0);
	for (i = 0; i < N; i++) {
		assert_int_equal(v[i].ndone, 1);
		if (v[i].key < 0)
			continue;
		if (v[i].seq <= last[v[i].key])
			fail_msg("job %zu (key %d) ran as %d, after %d", i,
			    v[i].key, v[i].seq, last[v[i].key]);
		last[v[i].key] = v[i].seq;
	}
	worker_pool_free(c.pool);
	free(v);
	ctx_cleanup(&c);
}

static void
test_new_bounds(void **state)
{
	struct worker_pool	*p;

	(void)state;
	assert_null(worker_pool_new(0));
	assert_null(worker_pool_new(WORKER_MAX_THREADS + 1));
	assert_non_null(p = worker_pool_new(WORKER_MAX_THREADS));
	assert_int_equal(worker_pending(p), 0);
	worker_pool_free(p);
	worker_pool_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_jobs),
		cmocka_unit_test(test_fd_readable_and_cleared),
		cmocka_unit_test(test_cancel_owner),
		cmocka_unit_test(test_cancel_from_done),
		cmocka_unit_test(test_resubmit_from_done),
		cmocka_unit_test(test_free_with_jobs_queued),
		cmocka_unit_test(test_serial_key),
		cmocka_unit_test(test_new_bounds),
	};

	return cmocka_run_group_tests_name("worker", tests, NULL, NULL);
}

/* Unit tests for src/ipc/loop: fd callbacks over socketpairs (read, write,
 * order, interest changes, deletion and re-adding from callbacks), timers
 * on a fake clock (order, rescheduling, STOP, deletion from callbacks,
 * stale ids, a seeded comparison against a naive list), the select()
 * timeout, sources, and the FD_SETSIZE bound.  Every turn polls
 * (max_wait 0): nothing here waits on real time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ipc/err.h"
#include "ipc/loop.h"

#define MAX_CALLS	64

struct call {
	int		kind;		/* 'f' fd, 't' timer, 'p' perform */
	int		who;		/* fd or timer tag */
	int		events;
	uint64_t	now_ms;
};

struct fixture {
	struct loop	*loop;
	uint64_t	 clock_ms;
	int		 sv[2][2];	/* two socketpairs */
	struct call	 calls[MAX_CALLS];
	int		 ncalls;
};

static uint64_t
fake_clock(void *arg)
{
	return ((struct fixture *)arg)->clock_ms;
}

static int
setup(void **state)
{
	struct fixture	*f;
	int		 i;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	f->clock_ms = 1000;
	if ((f->loop = loop_new()) == NULL)
		return -1;
	loop_set_clock(f->loop, fake_clock, f);
	for (i = 0; i < 2; i++)
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, f->sv[i]) == -1)
			return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	loop_free(f->loop);
	for (i = 0; i < 4; i++)
		if (f->sv[i / 2][i % 2] >= 0)
			close(f->sv[i / 2][i % 2]);
	free(f);
	return 0;
}

static void
record(struct fixture *f, int kind, int who, int events)
{
	assert_true(f->ncalls < MAX_CALLS);
	f->calls[f->ncalls].kind = kind;
	f->calls[f->ncalls].who = who;
	f->calls[f->ncalls].events = events;
	f->calls[f->ncalls].now_ms = loop_now_ms(f->loop);
	f->ncalls++;
}

static void
make_readable(int fd)
{
	assert_int_equal(write(fd, "x", 1), 1);
}

/* --- fds ------------------------------------------------------------------ */

static void
on_fd(void *arg, int fd, int events)
{
	record(arg, 'f', fd, events);
}

static void
test_fd_read_and_write(void **state)
{
	struct fixture	*f = *state;
	int		 a = f->sv[0][0], b = f->sv[0][1];

	/* nothing to read yet: a READ watch stays quiet */
	assert_int_equal(loop_fd_add(f->loop, a, LOOP_READ, on_fd, f), BT_OK);
	assert_int_equal(loop_run_once(f->loop, 0), 0);
	assert_int_equal(f->ncalls, 0);

	make_readable(b);
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(f->ncalls, 1);
	assert_int_equal(f->calls[0].who, a);
	assert_int_equal(f->calls[0].events, LOOP_READ);
	assert_int_equal(f->calls[0].now_ms, 1000);

	/* readable and writable: two calls, read first */
	f->ncalls = 0;
	assert_int_equal(loop_fd_set_events(f->loop, a, LOOP_READ |
	    LOOP_WRITE), BT_OK);
	assert_int_equal(loop_run_once(f->loop, 0), 2);
	assert_int_equal(f->ncalls, 2);
	assert_int_equal(f->calls[0].events, LOOP_READ);
	assert_int_equal(f->calls[1].events, LOOP_WRITE);

	/* interest in nothing: registered, silent */
	f->ncalls = 0;
	assert_int_equal(loop_fd_set_events(f->loop, a, 0), BT_OK);
	assert_int_equal(loop_run_once(f->loop, 0), 0);
	assert_int_equal(f->ncalls, 0);
	/* write only, though it is readable too */
	assert_int_equal(loop_fd_set_events(f->loop, a, LOOP_WRITE), BT_OK);
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(f->calls[0].events, LOOP_WRITE);

	/* deleted: silent, and may be added again */
	f->ncalls = 0;
	loop_fd_del(f->loop, a);
	loop_fd_del(f->loop, a);		/* twice is harmless */
	assert_int_equal(loop_run_once(f->loop, 0), 0);
	assert_int_equal(loop_fd_add(f->loop, a, LOOP_READ, on_fd, f), BT_OK);
	assert_int_equal(loop_run_once(f->loop, 0), 1);
}

static void
test_fd_bad_arguments(void **state)
{
	struct fixture	*f = *state;
	int		 a = f->sv[0][0];
	static const struct {
		const char	*name;
		int		 fd, events, want;
	} cases[] = {
		{ "negative fd", -1, LOOP_READ, BT_ERR_RANGE },
		{ "FD_SETSIZE", FD_SETSIZE, LOOP_READ, BT_ERR_RANGE },
		{ "far above", FD_SETSIZE + 1000, LOOP_READ, BT_ERR_RANGE },
		{ "unknown bits", 0, 4, BT_ERR_INVALID },
		{ "last fd select takes", FD_SETSIZE - 1, LOOP_READ, BT_OK },
	};
	size_t		 i;
	int		 r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* the numbers need not be open: add must decide without
		 * touching an fd_set */
		if ((r = loop_fd_add(f->loop, cases[i].fd, cases[i].events,
		    on_fd, f)) != cases[i].want)
			fail_msg("%s: got %d, want %d", cases[i].name, r,
			    cases[i].want);
		if (r == BT_OK)
			loop_fd_del(f->loop, cases[i].fd);
	}
	assert_int_equal(loop_fd_add(f->loop, a, LOOP_READ, NULL, f),
	    BT_ERR_INVALID);
	assert_int_equal(loop_fd_add(f->loop, a, LOOP_READ, on_fd, f), BT_OK);
	assert_int_equal(loop_fd_add(f->loop, a, LOOP_WRITE, on_fd, f),
	    BT_ERR_INVALID);			/* already watched */
	assert_int_equal(loop_fd_set_events(f->loop, a, 8), BT_ERR_INVALID);
	assert_int_equal(loop_fd_set_events(f->loop, f->sv[1][0], LOOP_READ),
	    BT_ERR_NOTFOUND);
	assert_int_equal(loop_fd_set_events(f->loop, FD_SETSIZE, LOOP_READ),
	    BT_ERR_NOTFOUND);
	loop_fd_del(f->loop, FD_SETSIZE);	/* ignored */
	loop_fd_del(f->loop, -1);
	/* a failed add called nothing and left the loop usable */
	assert_int_equal(loop_run_once(f->loop, 0), 0);
	assert_int_equal(f->ncalls, 0);
}

/* A real descriptor at FD_SETSIZE, where the limit allows one. */
static void
test_fd_real_high_fd(void **state)
{
	struct fixture	*f = *state;
	struct rlimit	 rl;
	int		 high;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur <= FD_SETSIZE)
		skip();
	if ((high = dup2(f->sv[0][0], FD_SETSIZE)) == -1)
		skip();
	assert_int_equal(high, FD_SETSIZE);
	assert_int_equal(loop_fd_add(f->loop, high, LOOP_READ, on_fd, f),
	    BT_ERR_RANGE);
	close(high);
	assert_int_equal(loop_run_once(f->loop, 0), 0);
}

/* What a callback does to the loop, by the fd it was called for. */
struct action {
	struct fixture	*f;
	int		 del_fd;	/* loop_fd_del this one, -1: none */
	int		 set_fd, set_events;	/* -1: none */
	int		 add_fd;	/* loop_fd_add this one for READ */
};

static void
on_fd_act(void *arg, int fd, int events)
{
	struct action	*a = arg;

	record(a->f, 'f', fd, events);
	if (a->del_fd >= 0)
		loop_fd_del(a->f->loop, a->del_fd);
	if (a->set_fd >= 0)
		loop_fd_set_events(a->f->loop, a->set_fd, a->set_events);
	if (a->add_fd >= 0)
		assert_int_equal(loop_fd_add(a->f->loop, a->add_fd, LOOP_READ,
		    on_fd, a->f), BT_OK);
	a->del_fd = a->set_fd = a->add_fd = -1;		/* once */
}

static void
test_fd_deleted_by_earlier_callback(void **state)
{
	struct fixture	*f = *state;
	int		 lo = f->sv[0][0], hi = f->sv[1][0];
	struct action	 act = { f, -1, -1, 0, -1 };

	if (lo > hi) {
		lo = f->sv[1][0];
		hi = f->sv[0][0];
	}
	/* both readable; the lower fd runs first and deletes the other */
	make_readable(f->sv[0][1]);
	make_readable(f->sv[1][1]);
	act.del_fd = hi;
	assert_int_equal(loop_fd_add(f->loop, lo, LOOP_READ, on_fd_act, &act),
	    BT_OK);
	assert_int_equal(loop_fd_add(f->loop, hi, LOOP_READ, on_fd, f), BT_OK);
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(f->ncalls, 1);
	assert_int_equal(f->calls[0].who, lo);
	assert_int_equal(loop_fd_set_events(f->loop, hi, LOOP_READ),
	    BT_ERR_NOTFOUND);
}

static void
test_fd_read_deletes_itself(void **state)
{
	struct fixture	*f = *state;
	int		 a = f->sv[0][0];
	struct action	 act = { f, a, -1, 0, -1 };

	/* readable and writable: the read call deletes the fd, so no
	 * write call follows */
	make_readable(f->sv[0][1]);
	assert_int_equal(loop_fd_add(f->loop, a, LOOP_READ | LOOP_WRITE,
	    on_fd_act, &act), BT_OK);
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(f->ncalls, 1);
	assert_int_equal(f->calls[0].events, LOOP_READ);
	assert_int_equal(loop_run_once(f->loop, 0), 0);
}

static void
test_fd_read_drops_write(void **state)
{
	struct fixture	*f = *state;
	int		 a = f->sv[0][0];
	struct action	 act = { f, -1, a, LOOP_READ, -1 };

	make_readable(f->sv[0][1]);
	assert_int_equal(loop_fd_add(f->loop, a, LOOP_READ | LOOP_WRITE,
	    on_fd_act, &act), BT_OK);
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(f->calls[0].events, LOOP_READ);
}

/* An fd number deleted and registered again inside a callback (a peer
 * closed, accept() got the same number) must not inherit what select()
 * reported for the old one; the next turn it is watched as usual. */
static void
test_fd_added_in_callback_waits_a_turn(void **state)
{
	struct fixture	*f = *state;
	int		 lo = f->sv[0][0], hi = f->sv[1][0];
	struct action	 act = { f, hi, -1, 0, hi };

	if (lo > hi) {
		lo = f->sv[1][0];
		hi = f->sv[0][0];
		act.del_fd = act.add_fd = hi;
	}
	make_readable(f->sv[0][1]);
	make_readable(f->sv[1][1]);
	assert_int_equal(loop_fd_add(f->loop, lo, LOOP_READ, on_fd_act, &act),
	    BT_OK);
	assert_int_equal(loop_fd_add(f->loop, hi, LOOP_READ, on_fd_act, &act),
	    BT_OK);
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(f->calls[0].who, lo);
	/* hi now belongs to on_fd, born in that turn: it fires now */
	assert_int_equal(loop_run_once(f->loop, 0), 2);
	assert_int_equal(f->ncalls, 3);
	assert_int_equal(f->calls[1].who, lo);
	assert_int_equal(f->calls[2].who, hi);
}

static void
test_fd_closed_without_del_fails(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(loop_fd_add(f->loop, f->sv[0][0], LOOP_READ, on_fd,
	    f), BT_OK);
	close(f->sv[0][0]);
	assert_int_equal(loop_run_once(f->loop, 0), BT_ERR_SYS);
	loop_fd_del(f->loop, f->sv[0][0]);
	f->sv[0][0] = -1;
	assert_int_equal(loop_run_once(f->loop, 0), 0);
}

/* --- timers --------------------------------------------------------------- */

/* A timer's behaviour, by tag. */
struct ttag {
	struct fixture	*f;
	int		 tag;
	int64_t		 ret;		/* what it returns */
	uint64_t	 del_id;	/* deletes this timer, 0: none */
	uint64_t	*own_id;	/* deletes itself when set */
	int		 add_after;	/* adds a timer due then, -1: none */
	struct ttag	*added;
};

static int64_t
on_timer(void *arg, uint64_t now_ms)
{
	struct ttag	*t = arg;

	record(t->f, 't', t->tag, 0);
	assert_int_equal(now_ms, t->f->clock_ms);
	if (t->del_id != 0)
		loop_timer_del(t->f->loop, t->del_id);
	if (t->own_id != NULL)
		loop_timer_del(t->f->loop, *t->own_id);
	if (t->add_after >= 0)
		assert_int_not_equal(loop_timer_add(t->f->loop,
		    (uint64_t)t->add_after, on_timer, t->added), 0);
	t->add_after = -1;
	return t->ret;
}

static void
assert_order(const struct fixture *f, const int *want, int n)
{
	int	i;

	if (f->ncalls != n)
		fail_msg("%d calls, want %d", f->ncalls, n);
	for (i = 0; i < n; i++)
		if (f->calls[i].who != want[i])
			fail_msg("call %d: timer %d, want %d", i,
			    f->calls[i].who, want[i]);
}

static void
test_timer_order(void **state)
{
	struct fixture	*f = *state;
	static const struct {
		uint64_t	after;
		int		tag;
	} adds[] = {
		{ 30, 30 }, { 10, 11 }, { 20, 20 }, { 10, 12 }, { 0, 0 },
		{ 50, 50 }, { 10, 13 },
	};
	static const int	want_at_30[] = { 0, 11, 12, 13, 20, 30 };
	static const int	want_at_50[] = { 0, 11, 12, 13, 20, 30, 50 };
	struct ttag		 t[7];
	size_t			 i;

	for (i = 0; i < 7; i++) {
		t[i] = (struct ttag){ f, adds[i].tag, LOOP_TIMER_STOP, 0, NULL,
		    -1, NULL };
		assert_int_not_equal(loop_timer_add(f->loop, adds[i].after,
		    on_timer, &t[i]), 0);
	}
	f->clock_ms += 29;			/* 30 is not due yet */
	assert_int_equal(loop_run_once(f->loop, 0), 5);
	f->clock_ms += 1;
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_order(f, want_at_30, 6);
	assert_int_equal(loop_run_once(f->loop, 0), 0);
	f->clock_ms += 20;
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_order(f, want_at_50, 7);
}

static void
test_timer_reschedule_and_stop(void **state)
{
	struct fixture	*f = *state;
	struct ttag	 every5 = { f, 5, 5, 0, NULL, -1, NULL };
	struct ttag	 now = { f, 0, 0, 0, NULL, -1, NULL };
	uint64_t	 id5;
	int		 i;

	assert_int_not_equal(id5 = loop_timer_add(f->loop, 5, on_timer,
	    &every5), 0);
	/* interval 0: once per turn, never twice in one */
	assert_int_not_equal(loop_timer_add(f->loop, 0, on_timer, &now), 0);
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(f->ncalls, 2);
	now.ret = LOOP_TIMER_STOP;
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(loop_run_once(f->loop, 0), 0);	/* stopped */

	/* the interval counts from the turn it ran in */
	f->ncalls = 0;
	for (i = 0; i < 3; i++) {
		f->clock_ms += 5;
		assert_int_equal(loop_run_once(f->loop, 0), 1);
		assert_int_equal(f->calls[i].who, 5);
		assert_int_equal(f->calls[i].now_ms, 1005 + 5 * (uint64_t)i);
	}
	/* late by 7: runs once, next due 5 after that turn */
	f->clock_ms += 12;
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(loop_next_timeout_ms(f->loop, -1), 5);
	every5.ret = LOOP_TIMER_STOP;
	f->clock_ms += 5;
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	f->clock_ms += 100;
	assert_int_equal(loop_run_once(f->loop, 0), 0);
	assert_int_equal(loop_next_timeout_ms(f->loop, -1), -1);
	loop_timer_del(f->loop, id5);		/* stale: ignored */
	loop_timer_del(f->loop, 0);
	loop_timer_del(f->loop, 12345);
}

/* A timer that returns a multiple of LOOP_GRID_MS is next due on the
 * clock's grid, at the point nearest to the turn + its interval; others
 * count from the turn.  Rows: when the timer runs (ms after the fixture's
 * 1000, a multiple of the grid), what it returns, when it is due next. */
static void
test_timer_grid(void **state)
{
	struct fixture	*f = *state;
	static const struct {
		uint64_t	at;
		int64_t		ret, due;
	} rows[] = {
		{ 3, LOOP_GRID_MS, LOOP_GRID_MS },		/* late 3 */
		{ 41, 5 * LOOP_GRID_MS, 5 * LOOP_GRID_MS },
		{ LOOP_GRID_MS / 2 + 1, LOOP_GRID_MS, 2 * LOOP_GRID_MS },
		{ LOOP_GRID_MS - 2, 10 * LOOP_GRID_MS, 11 * LOOP_GRID_MS },
		{ 41, LOOP_GRID_MS + 7, 41 + LOOP_GRID_MS + 7 },	/* off */
		{ 41, LOOP_GRID_MS / 2, 41 + LOOP_GRID_MS / 2 },	/* short */
		{ 41, 0, 41 },				/* next turn */
	};
	struct ttag	 t;
	uint64_t	 id;
	size_t		 i;

	assert_int_equal(f->clock_ms % LOOP_GRID_MS, 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		t = (struct ttag){ f, (int)i, rows[i].ret, 0, NULL, -1,
		    NULL };
		f->ncalls = 0;
		assert_int_not_equal(id = loop_timer_add(f->loop, rows[i].at,
		    on_timer, &t), 0);
		f->clock_ms += rows[i].at;
		assert_int_equal(loop_run_once(f->loop, 0), 1);
		if (loop_next_timeout_ms(f->loop, -1) !=
		    rows[i].due - (int64_t)rows[i].at)
			fail_msg("row %zu: due in %lld ms, want %lld", i,
			    (long long)loop_next_timeout_ms(f->loop, -1),
			    (long long)(rows[i].due - (int64_t)rows[i].at));
		loop_timer_del(f->loop, id);
		f->clock_ms += 10 * LOOP_GRID_MS - rows[i].at;
	}
}

static void
test_timer_deleted_in_callbacks(void **state)
{
	struct fixture	*f = *state;
	struct ttag	 a = { f, 1, 10, 0, NULL, -1, NULL };
	struct ttag	 b = { f, 2, 10, 0, NULL, -1, NULL };
	struct ttag	 c = { f, 3, 10, 0, NULL, -1, NULL };
	uint64_t	 ida, idb, idc;
	static const int	want[] = { 1, 3 };

	/* a deletes b (due in the same turn, after a) and itself, though it
	 * returns an interval; c goes on */
	ida = loop_timer_add(f->loop, 1, on_timer, &a);
	idb = loop_timer_add(f->loop, 2, on_timer, &b);
	idc = loop_timer_add(f->loop, 3, on_timer, &c);
	assert_true(ida != 0 && idb != 0 && idc != 0);
	a.del_id = idb;
	a.own_id = &ida;
	f->clock_ms += 3;
	assert_int_equal(loop_run_once(f->loop, 0), 2);
	assert_order(f, want, 2);
	f->clock_ms += 10;
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(f->calls[2].who, 3);
	/* deleting a stale id after its slot was reused spares the new
	 * timer */
	loop_timer_del(f->loop, idc);
	assert_int_not_equal(ida = loop_timer_add(f->loop, 0, on_timer, &a),
	    0);
	a.del_id = 0;
	a.own_id = NULL;
	a.ret = LOOP_TIMER_STOP;
	loop_timer_del(f->loop, idb);
	loop_timer_del(f->loop, idc);
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(f->calls[3].who, 1);
}

static void
test_timer_added_in_callback(void **state)
{
	struct fixture	*f = *state;
	struct ttag	 child = { f, 2, LOOP_TIMER_STOP, 0, NULL, -1, NULL };
	struct ttag	 parent = { f, 1, LOOP_TIMER_STOP, 0, NULL, 0, &child };

	/* a timer due now, added by a timer, waits for the next turn */
	assert_int_not_equal(loop_timer_add(f->loop, 0, on_timer, &parent), 0);
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(loop_next_timeout_ms(f->loop, 100), 0);
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(f->calls[1].who, 2);
}

/* Many timers: the heap against a naive list on seeded random adds,
 * deletes and clock steps.  Timers with an even tag repeat every tag
 * ms; odd ones run once. */
#define NAIVE_MAX	600

struct naive {
	uint64_t	due, seq, id;
	int		tag, live;
};

struct rnd_timer {
	struct fixture	*f;
	int		 tag;
	int		*fired;
	int		*nfired;
};

static int64_t
on_rnd(void *arg, uint64_t now_ms)
{
	struct rnd_timer	*t = arg;

	(void)now_ms;
	t->fired[(*t->nfired)++] = t->tag;
	return t->tag % 2 == 0 ? t->tag % 100 : LOOP_TIMER_STOP;
}

static int
naive_cmp(const void *a, const void *b)
{
	const struct naive	*x = *(const struct naive *const *)a;
	const struct naive	*y = *(const struct naive *const *)b;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
test_timer_heap_random(void **state)
{
	struct fixture		*f = *state;
	static struct naive	 nv[NAIVE_MAX];
	static struct rnd_timer	 rt[NAIVE_MAX];
	static struct naive	*due[NAIVE_MAX];
	static int		 fired[NAIVE_MAX];
	unsigned		 seed = (unsigned)time(NULL);
	uint64_t		 seq = 0;
	int			 nn = 0, nfired, ndue, round, i, k;

	print_message("seed %u\n", seed);
	srand(seed);
	for (round = 0; round < 3000; round++) {
		k = rand() % 10;
		if (k < 5 && nn < NAIVE_MAX) {
			nv[nn] = (struct naive){ f->clock_ms + (uint64_t)(
			    rand() % 50), seq++, 0, 1 + rand() % 40, 1 };
			rt[nn] = (struct rnd_timer){ f, nv[nn].tag, fired,
			    &nfired };
			nv[nn].id = loop_timer_add(f->loop, nv[nn].due -
			    f->clock_ms, on_rnd, &rt[nn]);
			assert_int_not_equal(nv[nn].id, 0);
			rt[nn].tag = nv[nn].tag = nn * 100 + nv[nn].tag;
			nn++;
		} else if (k < 7 && nn > 0) {
			i = rand() % nn;
			loop_timer_del(f->loop, nv[i].id);
			nv[i].live = 0;
		} else {
			f->clock_ms += (uint64_t)(rand() % 30);
			for (i = ndue = 0; i < nn; i++)
				if (nv[i].live && nv[i].due <= f->clock_ms)
					due[ndue++] = &nv[i];
			qsort(due, (size_t)ndue, sizeof(due[0]), naive_cmp);
			nfired = 0;
			assert_int_equal(loop_run_once(f->loop, 0), ndue);
			for (i = 0; i < ndue; i++) {
				if (fired[i] != due[i]->tag)
					fail_msg("seed %u round %d: call %d "
					    "timer %d, want %d", seed, round,
					    i, fired[i], due[i]->tag);
				if (due[i]->tag % 2 == 0) {
					due[i]->due = f->clock_ms +
					    (uint64_t)(due[i]->tag % 100);
					due[i]->seq = seq++;
				} else {
					due[i]->live = 0;
				}
			}
		}
	}
}

/* --- the select() timeout ------------------------------------------------- */

struct fake_source {
	struct fixture	*f;
	int		 fd;		/* watched for reading, -1: none */
	int64_t		 timeout;
	int		 performs, saw_readable;
	uint64_t	 perform_now;
};

static void
src_fdset(void *arg, fd_set *rd, fd_set *wr, int *maxfd)
{
	struct fake_source	*s = arg;

	(void)wr;
	if (s->fd < 0)
		return;
	FD_SET(s->fd, rd);
	if (s->fd > *maxfd)
		*maxfd = s->fd;
}

static int64_t
src_timeout(void *arg, uint64_t now_ms)
{
	struct fake_source	*s = arg;

	assert_int_equal(now_ms, s->f->clock_ms);
	return s->timeout;
}

static void
src_perform(void *arg, const fd_set *rd, const fd_set *wr, uint64_t now_ms)
{
	struct fake_source	*s = arg;

	(void)wr;
	s->performs++;
	s->perform_now = now_ms;
	s->saw_readable = s->fd >= 0 && FD_ISSET(s->fd, rd);
	record(s->f, 'p', s->fd, 0);
}

static const struct loop_source_ops	fake_ops = {
	src_fdset, src_timeout, src_perform,
};

static void
test_next_timeout(void **state)
{
	struct fixture		*f = *state;
	struct ttag		 t = { f, 1, LOOP_TIMER_STOP, 0, NULL, -1,
				     NULL };
	struct fake_source	 s = { f, -1, -1, 0, 0, 0 };
	uint64_t		 id;

	assert_int_equal(loop_next_timeout_ms(f->loop, -1), -1);
	assert_int_equal(loop_next_timeout_ms(f->loop, 250), 250);
	assert_int_equal(loop_next_timeout_ms(f->loop, 0), 0);
	assert_int_not_equal(id = loop_timer_add(f->loop, 30, on_timer, &t),
	    0);
	assert_int_equal(loop_next_timeout_ms(f->loop, -1), 30);
	assert_int_equal(loop_next_timeout_ms(f->loop, 1000), 30);
	assert_int_equal(loop_next_timeout_ms(f->loop, 10), 10);
	f->clock_ms += 12;
	assert_int_equal(loop_next_timeout_ms(f->loop, -1), 18);
	f->clock_ms += 40;			/* overdue */
	assert_int_equal(loop_next_timeout_ms(f->loop, -1), 0);
	f->clock_ms -= 40;
	/* a source: -1 means no deadline, else the nearest wins */
	assert_int_equal(loop_source_add(f->loop, &fake_ops, &s), BT_OK);
	assert_int_equal(loop_next_timeout_ms(f->loop, -1), 18);
	s.timeout = 5;
	assert_int_equal(loop_next_timeout_ms(f->loop, -1), 5);
	assert_int_equal(loop_next_timeout_ms(f->loop, 3), 3);
	s.timeout = 100;
	assert_int_equal(loop_next_timeout_ms(f->loop, -1), 18);
	loop_timer_del(f->loop, id);
	assert_int_equal(loop_next_timeout_ms(f->loop, -1), 100);
	loop_source_del(f->loop, &s);
	assert_int_equal(loop_next_timeout_ms(f->loop, -1), -1);
}

/* --- sources -------------------------------------------------------------- */

static void
test_source(void **state)
{
	struct fixture		*f = *state;
	struct fake_source	 s = { f, f->sv[0][0], -1, 0, 0, 0 };
	struct fake_source	 t = { f, -1, -1, 0, 0, 0 };

	assert_int_equal(loop_source_add(f->loop, &fake_ops, &s), BT_OK);
	assert_int_equal(loop_source_add(f->loop, &fake_ops, &s),
	    BT_ERR_INVALID);
	/* performed every turn, with what select() said of its fd */
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(s.performs, 1);
	assert_false(s.saw_readable);
	make_readable(f->sv[0][1]);
	f->clock_ms = 2000;
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(s.performs, 2);
	assert_true(s.saw_readable);
	assert_int_equal(s.perform_now, 2000);
	/* a second source, performed in the order added */
	f->ncalls = 0;
	assert_int_equal(loop_source_add(f->loop, &fake_ops, &t), BT_OK);
	assert_int_equal(loop_run_once(f->loop, 0), 2);
	assert_int_equal(f->ncalls, 2);
	assert_int_equal(f->calls[0].who, s.fd);
	assert_int_equal(f->calls[1].who, -1);
	loop_source_del(f->loop, &s);
	loop_source_del(f->loop, &s);		/* unknown now: ignored */
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(s.performs, 3);
	assert_int_equal(t.performs, 2);
}

/* An fd callback that removes a source and adds another. */
struct src_action {
	struct fixture		*f;
	struct fake_source	*del, *add;
};

static void
on_fd_src(void *arg, int fd, int events)
{
	struct src_action	*a = arg;

	record(a->f, 'f', fd, events);
	loop_source_del(a->f->loop, a->del);
	assert_int_equal(loop_source_add(a->f->loop, &fake_ops, a->add),
	    BT_OK);
}

static void
test_source_changed_in_callback(void **state)
{
	struct fixture		*f = *state;
	struct fake_source	 s = { f, -1, -1, 0, 0, 0 };
	struct fake_source	 t = { f, -1, -1, 0, 0, 0 };
	struct src_action	 act = { f, &s, &t };

	make_readable(f->sv[0][1]);
	assert_int_equal(loop_source_add(f->loop, &fake_ops, &s), BT_OK);
	assert_int_equal(loop_fd_add(f->loop, f->sv[0][0], LOOP_READ,
	    on_fd_src, &act), BT_OK);
	/* the fd runs before the sources: s is gone before its perform,
	 * and t, new in this turn, waits for the next */
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(s.performs, 0);
	assert_int_equal(t.performs, 0);
	loop_fd_del(f->loop, f->sv[0][0]);
	assert_int_equal(loop_run_once(f->loop, 0), 1);
	assert_int_equal(s.performs, 0);
	assert_int_equal(t.performs, 1);
}

/* One turn runs fds, then sources, then timers. */
static void
test_turn_order(void **state)
{
	struct fixture		*f = *state;
	struct fake_source	 s = { f, -1, -1, 0, 0, 0 };
	struct ttag		 t = { f, 7, LOOP_TIMER_STOP, 0, NULL, -1,
				     NULL };

	make_readable(f->sv[0][1]);
	assert_int_not_equal(loop_timer_add(f->loop, 0, on_timer, &t), 0);
	assert_int_equal(loop_source_add(f->loop, &fake_ops, &s), BT_OK);
	assert_int_equal(loop_fd_add(f->loop, f->sv[0][0], LOOP_READ, on_fd,
	    f), BT_OK);
	assert_int_equal(loop_run_once(f->loop, 0), 3);
	assert_int_equal(f->ncalls, 3);
	assert_int_equal(f->calls[0].kind, 'f');
	assert_int_equal(f->calls[1].kind, 'p');
	assert_int_equal(f->calls[2].kind, 't');
}

static void
test_real_clock(void **state)
{
	struct loop	*l;
	uint64_t	 a, b;

	(void)state;
	a = loop_clock_ms();
	assert_non_null(l = loop_new());
	b = loop_now_ms(l);
	assert_true(b >= a);
	assert_true(loop_clock_ms() >= b);
	/* the turn's two units are one reading */
	assert_int_equal(loop_now_us(l) / 1000, b);
	assert_int_equal(loop_run_once(l, 0), 0);
	assert_int_equal(loop_now_us(l) / 1000, loop_now_ms(l));
	assert_true(loop_now_ms(l) >= b);
	loop_free(l);
	loop_free(NULL);
}

/* An injected clock has ms only: the turn's us follow them. */
static void
test_injected_clock_us(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(loop_now_us(f->loop), 1000 * 1000);
	f->clock_ms = 1234;
	assert_int_equal(loop_run_once(f->loop, 0), 0);
	assert_int_equal(loop_now_ms(f->loop), 1234);
	assert_int_equal(loop_now_us(f->loop), 1234 * 1000);
}

/* The microsecond clock is the same clock: read between two ms reads it
 * falls between them, and it moves within a millisecond's sleep. */
static void
test_clock_us(void **state)
{
	uint64_t	ms0, us, ms1, us2;

	(void)state;
	ms0 = loop_clock_ms();
	us = loop_clock_us();
	ms1 = loop_clock_ms();
	assert_true(us / 1000 >= ms0 && us / 1000 <= ms1);
	usleep(2000);
	us2 = loop_clock_us();
	assert_true(us2 - us >= 2000 && us2 - us < 2000000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_fd_read_and_write),
		T(test_injected_clock_us),
		T(test_fd_bad_arguments),
		T(test_fd_real_high_fd),
		T(test_fd_deleted_by_earlier_callback),
		T(test_fd_read_deletes_itself),
		T(test_fd_read_drops_write),
		T(test_fd_added_in_callback_waits_a_turn),
		T(test_fd_closed_without_del_fails),
		T(test_timer_order),
		T(test_timer_reschedule_and_stop),
		T(test_timer_grid),
		T(test_timer_deleted_in_callbacks),
		T(test_timer_added_in_callback),
		T(test_timer_heap_random),
		T(test_next_timeout),
		T(test_source),
		T(test_source_changed_in_callback),
		T(test_turn_order),
		cmocka_unit_test(test_real_clock),
		cmocka_unit_test(test_clock_us),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

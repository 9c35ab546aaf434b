/*
 * The select() loop; see loop.h.  fds live in a table indexed by fd
 * (select() caps them at FD_SETSIZE anyway) with master fd_sets kept in
 * step, so a turn copies two sets instead of walking hundreds of peers.
 * Timers are slots in an array ordered by a binary heap of slot indices
 * on (due, seq); a timer id carries its slot and a generation, so a stale
 * id never hits a reused slot.  "Added during this turn" is told by the
 * turn number (fds, sources) and the sequence number (timers).
 */
#include "ipc/loop.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipc/err.h"

#define NO_SLOT		UINT32_MAX
#define TIMERS_MAX	(1u << 24)	/* far above any real use */

enum timer_state {
	TIMER_FREE,
	TIMER_ARMED,		/* in the heap */
	TIMER_RUNNING,		/* out of the heap, in its callback */
	TIMER_DEAD,		/* deleted in its callback: freed after */
};

struct loop_fd {
	loop_fd_fn	 fn;
	void		*arg;
	uint64_t	 born;		/* l->turn when added */
	int		 events;
	int		 used;
};

struct loop_timer {
	uint64_t	 due_ms;
	uint64_t	 seq;		/* ties on due; > mark: added this turn */
	loop_timer_fn	 fn;
	void		*arg;
	uint32_t	 gen;		/* bumped on free: old ids go stale */
	uint32_t	 pos;		/* index in the heap while ARMED */
	uint32_t	 next_free;
	int		 state;		/* enum timer_state */
};

struct loop_source {
	const struct loop_source_ops	*ops;
	void				*arg;
	uint64_t			 born;
	int				 dead;
};

struct loop {
	struct loop_fd		 fds[FD_SETSIZE];
	fd_set			 rd, wr;	/* interest, mirrors fds[] */
	int			 maxfd;		/* highest used, -1: none */

	struct loop_timer	*timers;
	uint32_t		*heap;		/* same capacity as timers */
	uint32_t		 ntimers, tcap, nheap, free_head;
	uint64_t		 seq, mark;

	struct loop_source	*sources;
	size_t			 nsources, scap;
	int			 sources_dead;

	uint64_t		 turn;
	uint64_t		 now_ms, now_us;	/* one reading */
	int			 in_turn;
	uint64_t		(*clock)(void *);
	void			*clock_arg;
};

uint64_t
loop_clock_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
loop_clock_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t
read_clock(const struct loop *l)
{
	return l->clock != NULL ? l->clock(l->clock_arg) : loop_clock_ms();
}

/* The turn's time in both units from one reading of the clock (an
 * injected clock has ms only). */
static void
stamp(struct loop *l)
{
	if (l->clock != NULL) {
		l->now_ms = l->clock(l->clock_arg);
		l->now_us = l->now_ms * 1000;
	} else {
		l->now_us = loop_clock_us();
		l->now_ms = l->now_us / 1000;
	}
}

static uint64_t
add_sat(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

struct loop *
loop_new(void)
{
	struct loop	*l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	FD_ZERO(&l->rd);
	FD_ZERO(&l->wr);
	l->maxfd = -1;
	l->free_head = NO_SLOT;
	stamp(l);
	return l;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	assert(!l->in_turn);
	free(l->timers);
	free(l->heap);
	free(l->sources);
	free(l);
}

void
loop_set_clock(struct loop *l, uint64_t (*clock)(void *), void *arg)
{
	l->clock = clock;
	l->clock_arg = arg;
	stamp(l);
}

uint64_t
loop_now_ms(const struct loop *l)
{
	return l->now_ms;
}

uint64_t
loop_now_us(const struct loop *l)
{
	return l->now_us;
}

/* --- descriptors ---------------------------------------------------------- */

static void
set_interest(struct loop *l, int fd, int events)
{
	if (events & LOOP_READ)
		FD_SET(fd, &l->rd);
	else
		FD_CLR(fd, &l->rd);
	if (events & LOOP_WRITE)
		FD_SET(fd, &l->wr);
	else
		FD_CLR(fd, &l->wr);
}

int
loop_fd_add(struct loop *l, int fd, int events, loop_fd_fn fn, void *arg)
{
	struct loop_fd	*e;

	/* checked before anything touches an fd_set: FD_SET past
	 * FD_SETSIZE writes out of bounds */
	if (fd < 0 || fd >= FD_SETSIZE)
		return BT_ERR_RANGE;
	if (fn == NULL || (events & ~(LOOP_READ | LOOP_WRITE)) != 0 ||
	    l->fds[fd].used)
		return BT_ERR_INVALID;
	e = &l->fds[fd];
	e->fn = fn;
	e->arg = arg;
	e->born = l->turn;
	e->events = events;
	e->used = 1;
	set_interest(l, fd, events);
	if (fd > l->maxfd)
		l->maxfd = fd;
	return BT_OK;
}

int
loop_fd_set_events(struct loop *l, int fd, int events)
{
	if (fd < 0 || fd >= FD_SETSIZE || !l->fds[fd].used)
		return BT_ERR_NOTFOUND;
	if ((events & ~(LOOP_READ | LOOP_WRITE)) != 0)
		return BT_ERR_INVALID;
	l->fds[fd].events = events;
	set_interest(l, fd, events);
	return BT_OK;
}

void
loop_fd_del(struct loop *l, int fd)
{
	if (fd < 0 || fd >= FD_SETSIZE || !l->fds[fd].used)
		return;
	/* Clearing the slot is the "deleted" mark: dispatch rechecks it
	 * before each call, and nothing is freed. */
	memset(&l->fds[fd], 0, sizeof(l->fds[fd]));
	set_interest(l, fd, 0);
	while (l->maxfd >= 0 && !l->fds[l->maxfd].used)
		l->maxfd--;
}

/* The one call for fd and event if it fired, is still wanted and was
 * there before select(). */
static int
fire_fd(struct loop *l, int fd, int event, const fd_set *fired)
{
	struct loop_fd	*e = &l->fds[fd];

	if (!FD_ISSET(fd, fired) || !e->used || e->born >= l->turn ||
	    (e->events & event) == 0)
		return 0;
	e->fn(e->arg, fd, event);
	return 1;
}

static int
run_fds(struct loop *l, int maxfd, const fd_set *rd, const fd_set *wr)
{
	int	fd, n = 0;

	for (fd = 0; fd <= maxfd; fd++) {
		n += fire_fd(l, fd, LOOP_READ, rd);
		n += fire_fd(l, fd, LOOP_WRITE, wr);
	}
	return n;
}

/* --- timers --------------------------------------------------------------- */

static int
before(const struct loop *l, uint32_t a, uint32_t b)
{
	const struct loop_timer	*x = &l->timers[a], *y = &l->timers[b];

	return x->due_ms < y->due_ms ||
	    (x->due_ms == y->due_ms && x->seq < y->seq);
}

static void
heap_put(struct loop *l, uint32_t pos, uint32_t slot)
{
	l->heap[pos] = slot;
	l->timers[slot].pos = pos;
}

static void
sift_up(struct loop *l, uint32_t pos)
{
	uint32_t	slot = l->heap[pos], parent;

	while (pos > 0) {
		parent = (pos - 1) / 2;
		if (!before(l, slot, l->heap[parent]))
			break;
		heap_put(l, pos, l->heap[parent]);
		pos = parent;
	}
	heap_put(l, pos, slot);
}

static void
sift_down(struct loop *l, uint32_t pos)
{
	uint32_t	slot = l->heap[pos], child;

	for (;;) {
		child = 2 * pos + 1;
		if (child >= l->nheap)
			break;
		if (child + 1 < l->nheap &&
		    before(l, l->heap[child + 1], l->heap[child]))
			child++;
		if (!before(l, l->heap[child], slot))
			break;
		heap_put(l, pos, l->heap[child]);
		pos = child;
	}
	heap_put(l, pos, slot);
}

static void
heap_push(struct loop *l, uint32_t slot)
{
	l->timers[slot].seq = l->seq++;
	heap_put(l, l->nheap++, slot);
	sift_up(l, l->nheap - 1);
}

static void
heap_remove(struct loop *l, uint32_t pos)
{
	uint32_t	last = l->heap[--l->nheap];

	if (pos == l->nheap)
		return;
	heap_put(l, pos, last);
	if (pos > 0 && before(l, last, l->heap[(pos - 1) / 2]))
		sift_up(l, pos);
	else
		sift_down(l, pos);
}

static void
slot_free(struct loop *l, uint32_t slot)
{
	struct loop_timer	*t = &l->timers[slot];

	t->state = TIMER_FREE;
	t->fn = NULL;
	t->arg = NULL;
	t->gen++;
	t->next_free = l->free_head;
	l->free_head = slot;
}

static int
timers_grow(struct loop *l)
{
	struct loop_timer	*t;
	uint32_t		*h, cap = l->tcap == 0 ? 16 : l->tcap * 2;

	if (cap > TIMERS_MAX)
		return BT_ERR_NOMEM;
	if ((t = realloc(l->timers, cap * sizeof(*t))) == NULL)
		return BT_ERR_NOMEM;
	l->timers = t;
	if ((h = realloc(l->heap, cap * sizeof(*h))) == NULL)
		return BT_ERR_NOMEM;	/* timers stays valid at its new size */
	l->heap = h;
	memset(&t[l->tcap], 0, (cap - l->tcap) * sizeof(*t));
	l->tcap = cap;
	return BT_OK;
}

static int
slot_alloc(struct loop *l, uint32_t *slot_out)
{
	if (l->free_head != NO_SLOT) {
		*slot_out = l->free_head;
		l->free_head = l->timers[*slot_out].next_free;
		return BT_OK;
	}
	if (l->ntimers == l->tcap && timers_grow(l) != BT_OK)
		return BT_ERR_NOMEM;
	*slot_out = l->ntimers++;
	return BT_OK;
}

uint64_t
loop_timer_add(struct loop *l, uint64_t after_ms, loop_timer_fn fn, void *arg)
{
	struct loop_timer	*t;
	uint32_t		 slot;
	/* between turns the cached time may be old: a timer set up before
	 * the first turn counts from when it was set up */
	uint64_t		 now = l->in_turn ? l->now_ms : read_clock(l);

	assert(fn != NULL);
	if (slot_alloc(l, &slot) != BT_OK)
		return 0;
	t = &l->timers[slot];
	t->due_ms = add_sat(now, after_ms);
	t->fn = fn;
	t->arg = arg;
	t->state = TIMER_ARMED;
	heap_push(l, slot);
	return (uint64_t)t->gen << 32 | (uint64_t)(slot + 1);
}

void
loop_timer_del(struct loop *l, uint64_t id)
{
	uint64_t		 low = id & UINT32_MAX;
	uint32_t		 slot = (uint32_t)(low - 1);
	struct loop_timer	*t;

	if (low == 0 || low > l->ntimers)
		return;
	t = &l->timers[slot];
	if (t->gen != (uint32_t)(id >> 32))
		return;
	if (t->state == TIMER_ARMED) {
		heap_remove(l, t->pos);
		slot_free(l, slot);
	} else if (t->state == TIMER_RUNNING) {
		t->state = TIMER_DEAD;
	}
}

/* When a timer that returned next at now is due again: on the grid (the
 * point nearest to now + next, at most LOOP_GRID_MS / 2 early or late) when
 * next is a multiple of LOOP_GRID_MS.  An idle engine has a dozen periodic
 * timers (its tick, reports, heartbeat, DHT); each at its own phase, they
 * woke it ~18 times a second (`make bench`, case 5). */
static uint64_t
next_due(uint64_t now, int64_t next)
{
	uint64_t	due = add_sat(now, (uint64_t)next);

	if (next < LOOP_GRID_MS || next % LOOP_GRID_MS != 0 ||
	    due > UINT64_MAX - LOOP_GRID_MS)
		return due;
	return (due + LOOP_GRID_MS / 2) / LOOP_GRID_MS * LOOP_GRID_MS;
}

/* Runs the timers due at now_ms, earliest first, each at most once: a
 * timer added or rescheduled during this turn has seq >= mark and sorts
 * after every older timer that is due, so the first such one ends it. */
static int
run_timers(struct loop *l)
{
	struct loop_timer	*t;
	uint32_t		 slot;
	int64_t			 next;
	int			 n = 0;

	while (l->nheap > 0) {
		slot = l->heap[0];
		t = &l->timers[slot];
		if (t->due_ms > l->now_ms || t->seq >= l->mark)
			break;
		heap_remove(l, 0);
		t->state = TIMER_RUNNING;
		next = t->fn(t->arg, l->now_ms);
		n++;
		t = &l->timers[slot];	/* the callback may have grown the array */
		if (t->state == TIMER_DEAD || next < 0) {
			slot_free(l, slot);
			continue;
		}
		t->state = TIMER_ARMED;
		t->due_ms = next_due(l->now_ms, next);
		heap_push(l, slot);
	}
	return n;
}

/* --- sources -------------------------------------------------------------- */

static struct loop_source *
source_find(struct loop *l, void *arg)
{
	size_t	i;

	for (i = 0; i < l->nsources; i++)
		if (!l->sources[i].dead && l->sources[i].arg == arg)
			return &l->sources[i];
	return NULL;
}

int
loop_source_add(struct loop *l, const struct loop_source_ops *ops, void *arg)
{
	struct loop_source	*s;
	size_t			 cap;

	if (ops == NULL || source_find(l, arg) != NULL)
		return BT_ERR_INVALID;
	if (l->nsources == l->scap) {
		cap = l->scap == 0 ? 4 : l->scap * 2;
		if ((s = realloc(l->sources, cap * sizeof(*s))) == NULL)
			return BT_ERR_NOMEM;
		l->sources = s;
		l->scap = cap;
	}
	s = &l->sources[l->nsources++];
	s->ops = ops;
	s->arg = arg;
	s->born = l->turn;
	s->dead = 0;
	return BT_OK;
}

static void
sources_compact(struct loop *l)
{
	size_t	i, j = 0;

	for (i = 0; i < l->nsources; i++)
		if (!l->sources[i].dead)
			l->sources[j++] = l->sources[i];
	l->nsources = j;
	l->sources_dead = 0;
}

void
loop_source_del(struct loop *l, void *arg)
{
	struct loop_source	*s;

	if ((s = source_find(l, arg)) == NULL)
		return;
	s->dead = 1;
	l->sources_dead = 1;
	if (!l->in_turn)
		sources_compact(l);
}

static void
sources_fdset(struct loop *l, fd_set *rd, fd_set *wr, int *maxfd)
{
	size_t	i;

	for (i = 0; i < l->nsources; i++)
		if (!l->sources[i].dead && l->sources[i].ops->fdset != NULL)
			l->sources[i].ops->fdset(l->sources[i].arg, rd, wr,
			    maxfd);
}

static int
run_sources(struct loop *l, const fd_set *rd, const fd_set *wr)
{
	struct loop_source	*s;
	size_t			 i, n = l->nsources;
	int			 ran = 0;

	/* index, not pointer, across calls: a perform may add a source */
	for (i = 0; i < n; i++) {
		s = &l->sources[i];
		if (s->dead || s->born >= l->turn || s->ops->perform == NULL)
			continue;
		s->ops->perform(s->arg, rd, wr, l->now_ms);
		ran++;
	}
	return ran;
}

/* --- one turn ------------------------------------------------------------- */

static int64_t
next_timeout(struct loop *l, uint64_t now, int64_t max_ms)
{
	int64_t		t = max_ms < 0 ? -1 : max_ms, s;
	uint64_t	due;
	size_t		i;

	if (l->nheap > 0) {
		due = l->timers[l->heap[0]].due_ms;
		s = due <= now ? 0 : due - now > INT64_MAX ? INT64_MAX :
		    (int64_t)(due - now);
		if (t < 0 || s < t)
			t = s;
	}
	for (i = 0; i < l->nsources; i++) {
		if (l->sources[i].dead || l->sources[i].ops->timeout_ms == NULL)
			continue;
		s = l->sources[i].ops->timeout_ms(l->sources[i].arg, now);
		if (s >= 0 && (t < 0 || s < t))
			t = s;
	}
	return t;
}

int64_t
loop_next_timeout_ms(struct loop *l, int64_t max_ms)
{
	return next_timeout(l, read_clock(l), max_ms);
}

static int
wait_fds(int maxfd, fd_set *rd, fd_set *wr, int64_t ms)
{
	struct timeval	tv, *tvp = NULL;

	if (ms >= 0) {
		tv.tv_sec = (time_t)(ms / 1000);
		tv.tv_usec = (suseconds_t)(ms % 1000 * 1000);
		tvp = &tv;
	}
	if (select(maxfd + 1, rd, wr, NULL, tvp) >= 0)
		return BT_OK;
	if (errno != EINTR)
		return BT_ERR_SYS;
	/* a signal: its self-pipe byte is seen next turn, timers run now */
	FD_ZERO(rd);
	FD_ZERO(wr);
	return BT_OK;
}

int
loop_run_once(struct loop *l, int64_t max_wait_ms)
{
	fd_set	rd, wr;
	int	own_max = l->maxfd, maxfd = l->maxfd, n = 0;

	assert(!l->in_turn);
	stamp(l);
	rd = l->rd;
	wr = l->wr;
	sources_fdset(l, &rd, &wr, &maxfd);
	if (wait_fds(maxfd, &rd, &wr, next_timeout(l, l->now_ms,
	    max_wait_ms)) != BT_OK)
		return BT_ERR_SYS;
	l->in_turn = 1;
	l->turn++;
	l->mark = l->seq;
	stamp(l);
	n += run_fds(l, own_max, &rd, &wr);
	n += run_sources(l, &rd, &wr);
	n += run_timers(l);
	if (l->sources_dead)
		sources_compact(l);
	l->in_turn = 0;
	return n;
}

/*
 * loop: the one select() event loop of each process (the engine and the
 * front), after redis ae.c.  It calls back three kinds of things:
 *
 *   fds      a callback per descriptor, for reading and/or writing;
 *   timers   one-shot or periodic: the callback returns the next interval;
 *            an interval that is a multiple of LOOP_GRID_MS is due on
 *            the clock's grid of LOOP_GRID_MS (the nearest point), so
 *            the periodic timers of an idle process wake it together,
 *            once per grid step at most, not each at its own phase;
 *   sources  components that manage their own fd_sets (libcurl multi via
 *            the tracker, the front's supervisor): fdset before select(),
 *            timeout_ms for the wait, perform after select() every turn.
 *
 * One turn (loop_run_once): read the clock once, wait in select() until
 * the nearest timer or source deadline, run fd callbacks (per fd: read,
 * then write, as ae does), then each source's perform, then due timers.
 * Nothing added during a turn runs in that turn.  Deleting an fd, timer or
 * source from any callback, itself included, is safe: what is deleted is
 * never called again, and entries are reclaimed after their callback
 * returns, never under it.
 *
 * The loop owns no descriptors: loop_fd_del and loop_free close nothing.
 * Time comes from CLOCK_MONOTONIC in ms, or from a clock a test injects.
 */
#ifndef BT_LOOP_H
#define BT_LOOP_H

#include <stdint.h>
#include <sys/select.h>

#define LOOP_READ	1
#define LOOP_WRITE	2
#define LOOP_TIMER_STOP	(-1)
#define LOOP_GRID_MS	100

struct loop;

/* events is LOOP_READ or LOOP_WRITE: the one that fired and is still
 * wanted.  A descriptor both readable and writable gets two calls, read
 * first; the write call is skipped if the read call deleted the fd or
 * dropped LOOP_WRITE. */
typedef void	(*loop_fd_fn)(void *arg, int fd, int events);
/* Returns the next interval in ms (0: next turn), or LOOP_TIMER_STOP
 * (any negative value) to remove the timer. */
typedef int64_t	(*loop_timer_fn)(void *arg, uint64_t now_ms);

/* Any member may be NULL (not needed). */
struct loop_source_ops {
	/* Adds the source's descriptors to rd/wr and raises *maxfd; every
	 * fd it adds must be below FD_SETSIZE. */
	void	(*fdset)(void *arg, fd_set *rd, fd_set *wr, int *maxfd);
	/* ms until perform is due regardless of descriptors; -1: no
	 * deadline. */
	int64_t	(*timeout_ms)(void *arg, uint64_t now_ms);
	/* Called once every turn after select() with what it returned
	 * (both sets are empty after a timeout or EINTR). */
	void	(*perform)(void *arg, const fd_set *rd, const fd_set *wr,
		    uint64_t now_ms);
};

/* An empty loop on the real clock.  NULL when out of memory. */
struct loop	*loop_new(void);
/* Frees the loop and its tables (no descriptor is closed, no callback
 * called); NULL is a no-op.  Not from inside a callback. */
void		 loop_free(struct loop *l);

/*
 * Watches fd for events (LOOP_READ and/or LOOP_WRITE, or 0 for nothing
 * yet) and calls fn(arg, fd, event) when one fires.  BT_OK;
 * BT_ERR_RANGE when fd < 0 or fd >= FD_SETSIZE (select() cannot watch
 * it: the caller should tell the user to lower the number of
 * connections); BT_ERR_INVALID when fd is already watched, fn is NULL or
 * events has other bits.  On error the callback is never called.
 */
int		 loop_fd_add(struct loop *l, int fd, int events, loop_fd_fn fn,
		    void *arg);
/* Changes what fd is watched for (0: nothing, it stays registered).
 * BT_OK, BT_ERR_NOTFOUND when fd is not watched, BT_ERR_INVALID on other
 * bits. */
int		 loop_fd_set_events(struct loop *l, int fd, int events);
/* Stops watching fd; an fd that is not watched is ignored.  Call it
 * before close(fd): select() fails on a closed descriptor.  Safe from any
 * callback. */
void		 loop_fd_del(struct loop *l, int fd);

/* A timer due after_ms from now (inside a callback: this turn's
 * loop_now_ms; between turns: the clock) that calls fn(arg, now_ms).
 * Returns its id (never 0), or 0 when out of memory. */
uint64_t	 loop_timer_add(struct loop *l, uint64_t after_ms,
		    loop_timer_fn fn, void *arg);
/* Removes a timer; an id that is stale (already stopped or deleted) or 0
 * is ignored.  Safe from any callback, the timer's own included. */
void		 loop_timer_del(struct loop *l, uint64_t id);

/* Adds a source, identified by arg; ops must outlive it.  BT_OK,
 * BT_ERR_NOMEM, BT_ERR_INVALID when arg is already a source. */
int		 loop_source_add(struct loop *l,
		    const struct loop_source_ops *ops, void *arg);
/* Removes the source added with arg; unknown arg is ignored.  Safe from
 * any callback. */
void		 loop_source_del(struct loop *l, void *arg);

/* The time of this turn: read once after select() (and by loop_new and
 * loop_set_clock), so every callback of one turn sees the same value. */
uint64_t	 loop_now_ms(const struct loop *l);
/* The same instant in microseconds (an injected clock's ms * 1000). */
uint64_t	 loop_now_us(const struct loop *l);

/*
 * One turn as described above, waiting at most max_wait_ms (negative:
 * as long as no timer or source asks for less; 0: poll).  Returns how
 * many callbacks ran (fd calls, performs, timers), or BT_ERR_SYS when
 * select() failed (errno kept; EINTR is not a failure: the turn goes on
 * with empty sets).  Not from inside a callback.
 */
int		 loop_run_once(struct loop *l, int64_t max_wait_ms);
/* What loop_run_once would wait now: ms to the nearest timer or source
 * deadline, at most max_ms (negative max: no cap); -1 for "forever". */
int64_t		 loop_next_timeout_ms(struct loop *l, int64_t max_ms);

/* CLOCK_MONOTONIC in ms: the one clock of both processes. */
uint64_t	 loop_clock_ms(void);
/* The same clock in microseconds, for what measures delays finer than a
 * turn (uTP's LEDBAT); a test's injected clock does not change it. */
uint64_t	 loop_clock_us(void);
/* Tests: read time from clock(arg) instead; NULL restores the real
 * clock.  Also sets loop_now_ms to the new clock's time. */
void		 loop_set_clock(struct loop *l, uint64_t (*clock)(void *),
		    void *arg);

#endif

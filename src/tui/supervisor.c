/*
 * supervisor: forks the engine, reads its frames, and is its watchdog.
 * At most one engine exists at a time; every child forked is reaped here
 * (waitpid on its pid, never -1), so none is left a zombie.  Time comes
 * from the caller's now_ms (CLOCK_MONOTONIC) except in the blocking
 * sup_stop, which reads the clock itself.
 *
 * Restart policy: an engine that dies, stalls or sends a bad frame is a
 * failure.  Failures since the last engine that ran SUP_STABLE_MS form a
 * streak: the n-th waits SUP_BACKOFF_FIRST_MS << (n - 1), capped at
 * SUP_BACKOFF_MAX_MS, except that a first stall restarts at once (a hung
 * engine is more likely a one-off than a crash loop).  The
 * SUP_GIVE_UP_RESTARTS-th failure within SUP_GIVE_UP_WINDOW_MS gives up.
 * An engine that exits with status 0 on its own (headless download done)
 * is not restarted: that is the engine saying it has finished.
 *
 * Silence is counted only while the front runs.  A front stopped by
 * Ctrl-Z stops its engine too (one process group); after `fg' both run
 * again, and the front must not take the time it was stopped for the
 * engine's silence.  SIGCONT (sup_on_continue) and a gap between two
 * sup_perform calls both start the deadline over.
 */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/channel.h"
#include "ipc/err.h"
#include "ipc/loop.h"
#include "ipc/msg.h"
#include "ipc/packet.h"

#define SUP_LOG_MAX		512
#define SUP_WHY_MAX		128
#define SUP_EXIT_ORPHAN		2	/* child found its parent gone */
#define SUP_STOP_POLL_MS	20

struct supervisor {
	sup_entry_fn	 fn;
	void		*fn_arg;
	uint64_t	 timeout_ms;
	struct sup_cb	 cb;
	enum sup_state	 state;

	pid_t		 pid;		/* the engine, 0: none */
	int		 have_chan;
	struct ipc_chan	 chan;
	unsigned	 gen;		/* bumped by each spawn */
	int		 registered;
	int		 last_exit;	/* of the last engine, -1: none */
	int		 eof;		/* it closed its end, not yet reaped */
	uint64_t	 eof_ms;
	uint64_t	 started_ms;	/* of the current (or last) engine */
	uint64_t	 heard_ms;	/* its last REGISTER or HEARTBEAT */
	uint64_t	 respawn_ms;	/* SUP_BACKOFF: when */
	uint64_t	 turn_ms;	/* caller's longest wait, 0: unset */
	uint64_t	 last_ms;	/* last sup_perform's now, 0: none */
	char		 reason[SUP_REASON_MAX];	/* last failure's */

	unsigned	 restarts;
	unsigned	 streak;	/* failures since a stable run */
	uint64_t	 fails[SUP_GIVE_UP_RESTARTS];	/* ring of times */
	unsigned	 nfails, fail_next;

	union msg_any	*scratch;	/* payload checks */
};

static void	respawn(struct supervisor *, uint64_t);

/* ---- small helpers ---- */

static void __attribute__((format(printf, 3, 4)))
sup_log(struct supervisor *s, int level, const char *fmt, ...)
{
	char	line[SUP_LOG_MAX];
	va_list	ap;

	if (s->cb.on_log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->cb.on_log(s->cb.arg, level, line);
}

static void
notify_engine(struct supervisor *s, pid_t pid)
{
	if (s->cb.on_engine != NULL)
		s->cb.on_engine(s->cb.arg, pid);
}

static uint64_t
since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

/* "SIGKILL" for 9: strsignal says "Killed", which hides the number's name
 * users look up. */
static const char *
signal_name(int sig)
{
	static const struct {
		int		 sig;
		const char	*name;
	} names[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" },
		{ SIGQUIT, "SIGQUIT" }, { SIGILL, "SIGILL" },
		{ SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
		{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" },
		{ SIGKILL, "SIGKILL" }, { SIGUSR1, "SIGUSR1" },
		{ SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
		{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" },
		{ SIGTERM, "SIGTERM" }, { SIGXCPU, "SIGXCPU" },
		{ SIGXFSZ, "SIGXFSZ" }, { SIGSYS, "SIGSYS" },
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	return strsignal(sig);
}

/* 1 when the engine was reaped (*status set, -1 if someone else reaped
 * it), 0 when it still runs (WNOHANG). */
static int
reap(struct supervisor *s, int options, int *status)
{
	pid_t	r;

	do
		r = waitpid(s->pid, status, options);
	while (r == -1 && errno == EINTR);
	if (r == 0)
		return 0;
	if (r == -1)
		*status = -1;
	return 1;
}

static void
close_chan(struct supervisor *s)
{
	if (s->have_chan)
		chan_cleanup(&s->chan);
	s->have_chan = 0;
}

/* The engine was reaped: forget it. */
static void
gone(struct supervisor *s)
{
	close_chan(s);
	s->pid = 0;
	s->registered = 0;
	s->eof = 0;
	notify_engine(s, 0);
}

static void
kill_engine(struct supervisor *s)
{
	int	status;

	kill(s->pid, SIGKILL);
	reap(s, 0, &status);
	gone(s);
}

/* ---- the child ---- */

/* Handlers the front installed (SIGCHLD, SIGWINCH, SIGTERM... writing to
 * its self-pipe, which the child has inherited) must not run in the
 * engine.  Fault signals keep theirs (sanitizer reports). */
static void
child_reset_signals(void)
{
	struct sigaction	old, dfl;
	sigset_t		none;
	int			sig;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE ||
		    sig == SIGILL || sig == SIGABRT || sig == SIGTRAP)
			continue;
		if (sigaction(sig, NULL, &old) == 0 &&
		    (old.sa_flags & SA_SIGINFO ||
		    (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN)))
			sigaction(sig, &dfl, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void __attribute__((noreturn))
child_main(struct supervisor *s, int fd, int parent_fd, pid_t parent)
{
	int	devnull;

	close(parent_fd);
	/* Die with the front even when it is SIGKILLed; if it died before
	 * prctl took effect we have been reparented already. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(SUP_EXIT_ORPHAN);
	child_reset_signals();
	/* The terminal's keys belong to the front. */
	if ((devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0) {
		dup2(devnull, STDIN_FILENO);
		if (devnull != STDIN_FILENO)
			close(devnull);
	}
	_exit(s->fn(s->fn_arg, fd));
}

/* ---- spawning and failures ---- */

static int
spawn(struct supervisor *s, uint64_t now)
{
	pid_t	parent = getpid(), pid;
	int	sv[2], saved, status;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return BT_ERR_SYS;
	if (sv[0] >= FD_SETSIZE) {
		errno = EMFILE;		/* select() could not watch it */
		goto fail;
	}
	fflush(NULL);	/* or the child may write our buffered output again */
	if ((pid = fork()) == -1)
		goto fail;
	if (pid == 0)
		child_main(s, sv[1], sv[0], parent);
	close(sv[1]);
	s->pid = pid;
	s->have_chan = 1;
	if (chan_init(&s->chan, sv[0], PKT_SIDE_FRONT) != BT_OK) {
		saved = errno;
		kill(pid, SIGKILL);
		reap(s, 0, &status);
		close_chan(s);
		s->pid = 0;
		errno = saved;
		return BT_ERR_SYS;
	}
	s->gen++;
	s->registered = s->eof = 0;
	s->started_ms = s->heard_ms = now;
	s->state = SUP_RUNNING;
	sup_log(s, MSG_LOG_INFO, "engine %ld started", (long)pid);
	notify_engine(s, pid);
	return BT_OK;
fail:
	saved = errno;
	close(sv[0]);
	close(sv[1]);
	errno = saved;
	return BT_ERR_SYS;
}

static uint64_t
backoff_ms(unsigned streak)
{
	uint64_t	ms = SUP_BACKOFF_FIRST_MS;

	while (streak-- > 1 && ms < SUP_BACKOFF_MAX_MS)
		ms *= 2;
	return ms < SUP_BACKOFF_MAX_MS ? ms : SUP_BACKOFF_MAX_MS;
}

/* Records a failure at now; 1 when it is the SUP_GIVE_UP_RESTARTS-th
 * within the window. */
static int
count_failure(struct supervisor *s, uint64_t now)
{
	uint64_t	oldest;

	s->fails[s->fail_next] = now;
	s->fail_next = (s->fail_next + 1) % SUP_GIVE_UP_RESTARTS;
	if (s->nfails < SUP_GIVE_UP_RESTARTS)
		s->nfails++;
	if (s->nfails < SUP_GIVE_UP_RESTARTS)
		return 0;
	oldest = s->fails[s->fail_next];	/* the ring is full */
	return since(now, oldest) < SUP_GIVE_UP_WINDOW_MS;
}

/*
 * The engine is gone after a failure described by `what' (the log's words)
 * and `reason' (the header's, kept for sup_get_info); log one line
 * ("<what><sep>restarting...") and restart now, later, or never.
 */
static void
after_failure(struct supervisor *s, uint64_t now, const char *what,
    const char *reason, const char *sep, int stall)
{
	uint64_t	delay;

	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	if (since(now, s->started_ms) >= SUP_STABLE_MS)
		s->streak = 0;
	s->streak++;
	if (count_failure(s, now)) {
		sup_log(s, MSG_LOG_WARN, "%s", what);
		sup_log(s, MSG_LOG_ERROR, "engine crashed %d times within %d s; "
		    "not restarting (press R)", SUP_GIVE_UP_RESTARTS,
		    SUP_GIVE_UP_WINDOW_MS / 1000);
		s->state = SUP_GAVE_UP;
		return;
	}
	delay = stall && s->streak == 1 ? 0 : backoff_ms(s->streak);
	if (delay == 0) {
		sup_log(s, MSG_LOG_WARN, "%s%srestarting", what, sep);
		respawn(s, now);
		return;
	}
	sup_log(s, MSG_LOG_WARN, "%s%srestarting in %.1f s", what, sep,
	    (double)delay / 1000);
	s->state = SUP_BACKOFF;
	s->respawn_ms = now + delay;
}

static void
respawn(struct supervisor *s, uint64_t now)
{
	char	what[SUP_LOG_MAX], reason[SUP_REASON_MAX];

	s->restarts++;
	if (spawn(s, now) == BT_OK)
		return;
	snprintf(what, sizeof(what), "cannot start engine: %s",
	    strerror(errno));
	snprintf(reason, sizeof(reason), "could not be started (%s)",
	    strerror(errno));
	s->started_ms = now;
	after_failure(s, now, what, reason, ", ", 0);
}

/* The engine exited (status from waitpid, -1: unknown) and was reaped. */
static void
on_exit_status(struct supervisor *s, uint64_t now, pid_t pid, int status)
{
	char	what[SUP_LOG_MAX], reason[SUP_REASON_MAX];

	s->last_exit = status != -1 && WIFEXITED(status) ?
	    WEXITSTATUS(status) : -1;
	/* 0: done; 1: bad input (the torrent, the download directory),
	 * which no restart can mend. */
	if (s->last_exit == 0 || s->last_exit == 1) {
		sup_log(s, s->last_exit == 0 ? MSG_LOG_INFO :
		    MSG_LOG_ERROR, "engine %ld exited with status %d, not restarting",
		    (long)pid, s->last_exit);
		s->state = SUP_STOPPED;
		return;
	}
	if (status == -1)
		snprintf(reason, sizeof(reason), "vanished");
	else if (WIFEXITED(status))
		snprintf(reason, sizeof(reason), "exited with status %d",
		    WEXITSTATUS(status));
	else
		snprintf(reason, sizeof(reason), "killed by signal %d (%s)",
		    WTERMSIG(status), signal_name(WTERMSIG(status)));
	snprintf(what, sizeof(what), "engine %ld %s", (long)pid, reason);
	after_failure(s, now, what, reason, ", ", 0);
}

/* ---- frames from the engine ---- */

static const char *
frame_error(int r)
{
	switch (r) {
	case BT_ERR_FORMAT:
		return "malformed header";
	case BT_ERR_PROTO:
		return "wrong protocol version or sender";
	case BT_ERR_LIMIT:
		return "payload longer than its type allows";
	}
	return bt_strerror(r);
}

/* Checks one frame and hands it on.  BT_OK, or an error with the reason
 * in why. */
static int
dispatch(struct supervisor *s, const struct pkt_header *h, struct bbuf *pl,
    uint64_t now, char *why, size_t len)
{
	struct bbuf	check;
	int		r;

	bbuf_view(&check, bbuf_ptr(pl), bbuf_len(pl));
	if ((r = msg_decode(h->type, &check, s->scratch)) != BT_OK) {
		snprintf(why, len, "%s payload: %s", msg_type_name(h->type),
		    bt_strerror(r));
		return r;
	}
	if (h->type == MSG_REGISTER && s->registered) {
		snprintf(why, len, "second register");
		return BT_ERR_PROTO;
	}
	if (h->type != MSG_REGISTER && !s->registered) {
		snprintf(why, len, "%s before register",
		    msg_type_name(h->type));
		return BT_ERR_PROTO;
	}
	if (h->type == MSG_REGISTER || h->type == MSG_HEARTBEAT) {
		s->registered = 1;
		s->heard_ms = now;
	}
	if (s->cb.on_msg != NULL)
		s->cb.on_msg(s->cb.arg, h->type, pl);
	return BT_OK;
}

/* Dispatches every whole frame buffered.  BT_OK or the first error. */
static int
drain(struct supervisor *s, uint64_t now, char *why, size_t len)
{
	struct pkt_header	h;
	struct bbuf		pl;
	int			r;

	while (s->have_chan && (r = chan_next(&s->chan, &h, &pl)) == BT_OK)
		if ((r = dispatch(s, &h, &pl, now, why, len)) != BT_OK)
			return r;
	if (!s->have_chan || r == BT_ERR_INCOMPLETE)
		return BT_OK;
	snprintf(why, len, "%s", frame_error(r));
	return r;
}

static void
bad_frame(struct supervisor *s, uint64_t now, const char *why)
{
	char	what[SUP_LOG_MAX], reason[SUP_REASON_MAX];

	snprintf(what, sizeof(what), "bad frame from engine: %s", why);
	snprintf(reason, sizeof(reason), "sent a bad frame (%s)", why);
	kill_engine(s);
	after_failure(s, now, what, reason, "; ", 0);
}

/* If the engine has exited: take its last frames, reap, decide. */
static void
check_exit(struct supervisor *s, uint64_t now)
{
	char	why[SUP_WHY_MAX];
	pid_t	pid = s->pid;
	int	status;

	if (!reap(s, WNOHANG, &status))
		return;
	if (s->have_chan) {
		chan_read(&s->chan);
		drain(s, now, why, sizeof(why));	/* it is gone anyway */
	}
	gone(s);
	on_exit_status(s, now, pid, status);
}

/* End of file (or a dead socket): the engine is exiting, or should be. */
static void
on_eof(struct supervisor *s, uint64_t now)
{
	close_chan(s);
	s->eof = 1;
	s->eof_ms = now;
	check_exit(s, now);
}

static void
on_readable(struct supervisor *s, uint64_t now)
{
	char	why[SUP_WHY_MAX];
	int	r;

	r = chan_read(&s->chan);
	if (drain(s, now, why, sizeof(why)) != BT_OK) {
		bad_frame(s, now, why);
		return;
	}
	if (r != BT_OK && s->state == SUP_RUNNING)
		on_eof(s, now);
}

/* The front did not run from the last turn until now (stopped, or
 * starved): whatever the engine did meanwhile, we could not hear it.  Its
 * deadline starts over; a wedged engine is still caught, one timeout
 * later. */
static void
restart_deadline(struct supervisor *s, uint64_t now, const char *why)
{
	if (s->state != SUP_RUNNING)
		return;
	/* (a SIGCONT right after the gap was seen says nothing new) */
	if (s->last_ms != 0 && since(now, s->last_ms) >= SUP_GAP_MIN_MS)
		sup_log(s, MSG_LOG_INFO, "%s for %.1f s; engine %ld's heartbeat deadline "
		    "starts over", why, (double)since(now, s->last_ms) / 1000,
		    (long)s->pid);
	if (s->heard_ms < now)
		s->heard_ms = now;
	if (s->eof && s->eof_ms < now)
		s->eof_ms = now;
}

/* A gap between two turns longer than the caller's wait allows. */
static void
check_gap(struct supervisor *s, uint64_t now)
{
	uint64_t	gap_ms = s->turn_ms > 0 ? 2 * s->turn_ms :
			    s->timeout_ms;

	if (gap_ms < SUP_GAP_MIN_MS)
		gap_ms = SUP_GAP_MIN_MS;
	if (s->last_ms != 0 && since(now, s->last_ms) > gap_ms)
		restart_deadline(s, now, "the front did not run");
	s->last_ms = now;
}

static void
check_deadline(struct supervisor *s, uint64_t now)
{
	char	what[SUP_LOG_MAX], reason[SUP_REASON_MAX];
	double	silent_s = (double)since(now, s->heard_ms) / 1000;
	pid_t	pid = s->pid;

	if (since(now, s->heard_ms) >= s->timeout_ms) {
		snprintf(what, sizeof(what), "engine stalled (no heartbeat "
		    "for %.1f s)", silent_s);
		snprintf(reason, sizeof(reason), "stopped responding (no "
		    "heartbeat for %.1f s)", silent_s);
		kill_engine(s);
		after_failure(s, now, what, reason, ", ", 1);
	} else if (s->eof && since(now, s->eof_ms) >= SUP_EOF_GRACE_MS) {
		snprintf(what, sizeof(what), "engine %ld closed its socket but "
		    "did not exit", (long)pid);
		kill_engine(s);
		after_failure(s, now, what, "closed its socket but did not "
		    "exit", ", ", 0);
	}
}

/* ---- public ---- */

struct supervisor *
sup_new(sup_entry_fn fn, void *arg, uint64_t timeout_ms,
    const struct sup_cb *cb)
{
	struct supervisor	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->scratch = malloc(sizeof(*s->scratch))) == NULL) {
		free(s);
		return NULL;
	}
	s->fn = fn;
	s->fn_arg = arg;
	s->timeout_ms = timeout_ms > 0 ? timeout_ms : SUP_DEFAULT_TIMEOUT_MS;
	if (cb != NULL)
		s->cb = *cb;
	s->state = SUP_STOPPED;
	s->last_exit = -1;
	return s;
}

void
sup_free(struct supervisor *s)
{
	int	status;

	if (s == NULL)
		return;
	/* No callbacks from here: their argument may be gone already. */
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		reap(s, 0, &status);
	}
	close_chan(s);
	free(s->scratch);
	free(s);
}

void
sup_set_turn_ms(struct supervisor *s, uint64_t turn_ms)
{
	s->turn_ms = turn_ms;
}

void
sup_on_continue(struct supervisor *s, uint64_t now_ms)
{
	restart_deadline(s, now_ms, "the front was stopped");
	s->last_ms = now_ms;
}

int
sup_start(struct supervisor *s, uint64_t now_ms)
{
	if (s->pid > 0)
		return BT_ERR_INVALID;
	s->restarts = s->streak = s->nfails = s->fail_next = 0;
	s->reason[0] = '\0';
	s->last_ms = now_ms;
	if (spawn(s, now_ms) != BT_OK) {
		s->state = SUP_STOPPED;
		return BT_ERR_SYS;
	}
	return BT_OK;
}

void
sup_fdset(struct supervisor *s, fd_set *rd, fd_set *wr, int *maxfd)
{
	int	fd;

	if (s->state != SUP_RUNNING || !s->have_chan)
		return;
	fd = chan_fd(&s->chan);
	FD_SET(fd, rd);
	if (chan_wants_write(&s->chan))
		FD_SET(fd, wr);
	if (fd > *maxfd)
		*maxfd = fd;
}

int64_t
sup_timeout_ms(const struct supervisor *s, uint64_t now_ms)
{
	uint64_t	due;

	if (s->state == SUP_BACKOFF)
		due = s->respawn_ms;
	else if (s->state == SUP_RUNNING) {
		due = s->heard_ms + s->timeout_ms;
		if (s->eof && s->eof_ms + SUP_EOF_GRACE_MS < due)
			due = s->eof_ms + SUP_EOF_GRACE_MS;
	} else
		return -1;
	return (int64_t)since(due, now_ms);
}

void
sup_perform(struct supervisor *s, const fd_set *rd, const fd_set *wr,
    uint64_t now_ms)
{
	unsigned	gen = s->gen;
	int		fd = s->have_chan ? chan_fd(&s->chan) : -1;

	check_gap(s, now_ms);
	if (s->state == SUP_RUNNING && fd >= 0 && rd != NULL &&
	    FD_ISSET(fd, rd))
		on_readable(s, now_ms);
	/* The fd sets describe the engine that was there at the start. */
	if (s->state == SUP_RUNNING && s->gen == gen && s->have_chan &&
	    wr != NULL && FD_ISSET(fd, wr) && chan_flush(&s->chan) != BT_OK)
		on_eof(s, now_ms);
	if (s->state == SUP_RUNNING && s->gen == gen)
		check_exit(s, now_ms);
	if (s->state == SUP_RUNNING && s->gen == gen)
		check_deadline(s, now_ms);
	if (s->state == SUP_BACKOFF && now_ms >= s->respawn_ms)
		respawn(s, now_ms);
}

/* ---- as a source of the front's loop (src/ipc/loop.h) ---- */

static void
src_fdset(void *arg, fd_set *rd, fd_set *wr, int *maxfd)
{
	sup_fdset(arg, rd, wr, maxfd);
}

static int64_t
src_timeout_ms(void *arg, uint64_t now_ms)
{
	return sup_timeout_ms(arg, now_ms);
}

static void
src_perform(void *arg, const fd_set *rd, const fd_set *wr, uint64_t now_ms)
{
	sup_perform(arg, rd, wr, now_ms);
}

const struct loop_source_ops sup_source_ops = {
	src_fdset, src_timeout_ms, src_perform,
};

int
sup_send(struct supervisor *s, int type, const struct bbuf *payload)
{
	int	r;

	if (s->state != SUP_RUNNING || !s->have_chan)
		return BT_ERR_CLOSED;
	if (!msg_type_known(type) || msg_type_from_engine(type))
		return BT_ERR_INVALID;
	if ((r = chan_send_msg(&s->chan, type, payload)) != BT_OK)
		return r;
	chan_flush(&s->chan);	/* errors show up in sup_perform */
	return BT_OK;
}

void
sup_get_info(const struct supervisor *s, uint64_t now_ms,
    struct sup_info *out)
{
	memset(out, 0, sizeof(*out));
	out->state = s->state;
	out->pid = s->pid;
	out->restarts = s->restarts;
	out->timeout_ms = s->timeout_ms;
	out->registered = s->registered;
	out->last_exit = s->last_exit;
	memcpy(out->reason, s->reason, sizeof(out->reason));
	if (s->state == SUP_RUNNING) {
		out->uptime_ms = since(now_ms, s->started_ms);
		out->since_heartbeat_ms = since(now_ms, s->heard_ms);
	}
	if (s->state == SUP_BACKOFF)
		out->respawn_in_ms = since(s->respawn_ms, now_ms);
}

void
sup_retry(struct supervisor *s, uint64_t now_ms)
{
	if (s->state == SUP_RUNNING)
		return;
	s->restarts = s->streak = s->nfails = s->fail_next = 0;
	s->reason[0] = '\0';
	s->last_ms = now_ms;
	if (spawn(s, now_ms) != BT_OK) {
		snprintf(s->reason, sizeof(s->reason), "could not be started "
		    "(%s)", strerror(errno));
		sup_log(s, MSG_LOG_ERROR, "cannot start engine: %s", strerror(errno));
		s->state = SUP_GAVE_UP;
	}
}

/* ---- sup_stop: the one blocking call ---- */

/* Serves the channel for up to ms: writes the queue, reads and dispatches
 * what comes (bad frames end the reading, the engine is leaving). */
static void
stop_serve(struct supervisor *s, uint64_t ms)
{
	char		why[SUP_WHY_MAX];
	struct pollfd	p;
	int		r;

	if (!s->have_chan) {
		poll(NULL, 0, (int)ms);
		return;
	}
	p.fd = chan_fd(&s->chan);
	p.events = POLLIN | (chan_wants_write(&s->chan) ? POLLOUT : 0);
	p.revents = 0;
	if (poll(&p, 1, (int)ms) <= 0)
		return;
	if (p.revents & POLLOUT && chan_flush(&s->chan) != BT_OK)
		close_chan(s);
	if (s->have_chan && p.revents & (POLLIN | POLLHUP | POLLERR)) {
		r = chan_read(&s->chan);
		if (drain(s, s->heard_ms, why, sizeof(why)) != BT_OK ||
		    r != BT_OK)
			close_chan(s);
	}
}

int
sup_stop(struct supervisor *s, uint64_t wait_ms)
{
	uint64_t	end = loop_clock_ms() + wait_ms, now;
	pid_t		pid = s->pid;
	int		status = -1, exited = 0;

	if (s->state != SUP_RUNNING) {
		s->state = SUP_STOPPED;
		return -1;
	}
	if (s->have_chan)
		chan_send_msg(&s->chan, MSG_CMD_QUIT, NULL);
	while (!(exited = reap(s, WNOHANG, &status)) &&
	    (now = loop_clock_ms()) < end)
		stop_serve(s, end - now < SUP_STOP_POLL_MS ? end - now :
		    SUP_STOP_POLL_MS);
	if (!exited) {
		kill(s->pid, SIGKILL);
		reap(s, 0, &status);
		status = -1;
		sup_log(s, MSG_LOG_WARN, "engine %ld did not quit in time; killed",
		    (long)pid);
	} else
		sup_log(s, MSG_LOG_INFO, "engine %ld stopped", (long)pid);
	gone(s);
	s->state = SUP_STOPPED;
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

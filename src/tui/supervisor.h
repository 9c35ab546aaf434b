/*
 * supervisor: the front's side of the two-process design, and the engine's
 * watchdog.  It creates the socketpair, forks the engine (which runs the
 * entry function with its end), reads PACKET frames from it, counts the
 * silence between heartbeats, and kills (SIGKILL), reaps and respawns an
 * engine that stops feeding it or dies (exit status 0 means done and 1 bad
 * input: neither is restarted), with back-off on repeated crashes
 * (0.5 s doubling to 30 s) and a give-up after 5 restarts within 60 s.
 *
 * It runs inside the caller's select() loop: sup_fdset / sup_timeout_ms /
 * sup_perform, like the tracker client in the engine.  No threads, no
 * signal handlers of its own (children are reaped with waitpid(WNOHANG) in
 * sup_perform; the caller may also call sup_perform when SIGCHLD arrives).
 */
#ifndef BT_SUPERVISOR_H
#define BT_SUPERVISOR_H

#include <stdint.h>
#include <sys/select.h>
#include <sys/types.h>

struct bbuf;
struct loop_source_ops;
struct supervisor;

#define SUP_DEFAULT_TIMEOUT_MS	3000
#define SUP_BACKOFF_FIRST_MS	500
#define SUP_BACKOFF_MAX_MS	30000
#define SUP_GIVE_UP_RESTARTS	5	/* within SUP_GIVE_UP_WINDOW_MS */
#define SUP_GIVE_UP_WINDOW_MS	60000
/* Additions: an engine that ran this long before it failed starts the
 * back-off over (0.5 s again); an engine that closed its socket gets this
 * long to exit before it is killed. */
#define SUP_STABLE_MS		30000
#define SUP_EOF_GRACE_MS	1000
/* Two sup_perform calls further apart than twice the caller's turn (see
 * sup_set_turn_ms), and at least this, mean the front itself did not run:
 * the engine's heartbeats are 1 s apart and the default deadline is 3 s, so
 * a shorter gap cannot turn a healthy engine's silence into a kill. */
#define SUP_GAP_MIN_MS		1000
#define SUP_REASON_MAX		160

/* Runs in the child with its end of the socketpair; the return value is
 * the child's exit status. */
typedef int	(*sup_entry_fn)(void *arg, int ipc_fd);

struct sup_cb {
	void	*arg;
	/* A valid frame from the engine: type is enum msg_type, payload a
	 * view of its bytes (valid during the call).  Heartbeats and register
	 * are handled by the supervisor and passed on too. */
	void	(*on_msg)(void *arg, int type, struct bbuf *payload);
	/* Watchdog events, one line each, with a level (enum msg_log_level:
	 * info, warn, error): "engine 1234 started",
	 * "engine stalled (no heartbeat for 3.0 s), restarting",
	 * "engine 1234 exited with status 2, restarting in 1.0 s",
	 * "bad frame from engine: ...; restarting",
	 * "engine crashed 5 times within 60 s; not restarting (press R)". */
	void	(*on_log)(void *arg, int level, const char *line);
	/* A new engine was started (pid) or the old one is gone (pid 0). */
	void	(*on_engine)(void *arg, pid_t pid);
};

enum sup_state {
	SUP_RUNNING,		/* an engine is alive */
	SUP_BACKOFF,		/* waiting to respawn */
	SUP_GAVE_UP,		/* too many crashes; sup_retry restarts */
	SUP_STOPPED,		/* sup_stop was called, or never started */
};

struct sup_info {
	enum sup_state	state;
	pid_t		pid;			/* 0 when none */
	uint64_t	uptime_ms;		/* of the current engine */
	unsigned	restarts;		/* since sup_start */
	uint64_t	since_heartbeat_ms;
	uint64_t	timeout_ms;
	uint64_t	respawn_in_ms;		/* SUP_BACKOFF only */
	int		registered;		/* REGISTER received */
	int		last_exit;		/* exit status of the last engine,
						 * -1: none or killed by a signal */
	/* Why the last engine failed, without its pid, "" when none did:
	 * "killed by signal 9 (SIGKILL)", "exited with status 2",
	 * "stopped responding (no heartbeat for 3.0 s)", "sent a bad frame
	 * (...)", "closed its socket but did not exit", "could not be
	 * started (...)". */
	char		reason[SUP_REASON_MAX];
};

/* A supervisor that will run fn(arg, fd) in each engine child.  The
 * callbacks are copied.  NULL when out of memory. */
struct supervisor *sup_new(sup_entry_fn fn, void *arg, uint64_t timeout_ms,
		    const struct sup_cb *cb);
/* Kills and reaps a running engine, frees everything; NULL is a no-op. */
void		 sup_free(struct supervisor *s);

/* The longest the caller waits between two sup_perform calls (its loop's
 * tick).  Calls further apart than twice that (and SUP_GAP_MIN_MS) mean
 * the front was stopped or starved: that silence is not the engine's, so
 * the heartbeat deadline starts over instead of killing it.  Before this
 * is called the supervisor assumes timeout_ms / 2. */
void		 sup_set_turn_ms(struct supervisor *s, uint64_t turn_ms);
/* The front got SIGCONT (it was stopped, by Ctrl-Z say, and so was its
 * engine, in the same process group): the heartbeat deadline starts over
 * at now_ms, whatever the gap. */
void		 sup_on_continue(struct supervisor *s, uint64_t now_ms);

/* Forks the first engine.  BT_OK or BT_ERR_SYS (socketpair/fork). */
int		 sup_start(struct supervisor *s, uint64_t now_ms);
void		 sup_fdset(struct supervisor *s, fd_set *rd, fd_set *wr,
		    int *maxfd);
/* How long the caller may wait before sup_perform is due. */
int64_t		 sup_timeout_ms(const struct supervisor *s, uint64_t now_ms);
/* Reads and dispatches frames, writes queued commands, reaps, checks the
 * heartbeat deadline, respawns when the back-off is over. */
void		 sup_perform(struct supervisor *s, const fd_set *rd,
		    const fd_set *wr, uint64_t now_ms);
/* The three calls above as a loop source:
 * loop_source_add(loop, &sup_source_ops, s). */
extern const struct loop_source_ops	sup_source_ops;
/* Queues a command frame (type: enum msg_type, payload may be NULL for
 * none).  BT_ERR_CLOSED when no engine runs right now. */
int		 sup_send(struct supervisor *s, int type,
		    const struct bbuf *payload);
void		 sup_get_info(const struct supervisor *s, uint64_t now_ms,
		    struct sup_info *out);
/* After SUP_GAVE_UP: start again (counts reset). */
void		 sup_retry(struct supervisor *s, uint64_t now_ms);
/* Sends MSG_CMD_QUIT, waits up to wait_ms for the engine to exit (it
 * saves its resume record), then SIGKILLs it.  Returns the engine's exit
 * status, or -1 when it had to be killed or none was running. */
int		 sup_stop(struct supervisor *s, uint64_t wait_ms);

#endif

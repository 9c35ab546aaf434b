/*
 * Unit tests for src/tui/supervisor with real forked engines, each an
 * entry function below: a good engine that heartbeats and quits on
 * MSG_CMD_QUIT, one that finishes on its own, a silent one, a crash loop
 * (with back-off checked on a virtual clock the test jumps forward), bad
 * frames of several kinds, an engine that closes its socket but lingers,
 * and the front dying under SIGKILL (PR_SET_PDEATHSIG).  Every test ends
 * with no child left (waitpid(-1) says ECHILD).
 *
 * Code in the engine children never calls cmocka: a failed check there
 * exits with a distinctive status the parent sees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ipc/bbuf.h"
#include "ipc/channel.h"
#include "ipc/err.h"
#include "ipc/msg.h"
#include "ipc/packet.h"
#include "tui/supervisor.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_LOGS	64

/* What the callbacks saw, plus the virtual clock. */
struct rec {
	char		 logs[MAX_LOGS][256];
	int		 levels[MAX_LOGS];	/* enum msg_log_level */
	int		 nlogs;
	pid_t		 engines[MAX_LOGS];	/* on_engine calls */
	int		 nengines;
	int		 starts;		/* on_engine(pid > 0) */
	int		 nregister, nheartbeat, nlog;
	char		 last_log_text[MSG_TEXT_MAX];
	int64_t		 skew_ms;		/* virtual now = real + skew */
	const struct bbuf *raw;			/* for eng_raw */
	int		 pid_fd;		/* parent-death test */
};

static uint64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
vnow(const struct rec *r)
{
	return mono_ms() + (uint64_t)r->skew_ms;
}

/* ---- callbacks ---- */

static void
on_log(void *arg, int level, const char *line)
{
	struct rec	*r = arg;

	if (getenv("SUP_TEST_VERBOSE") != NULL)
		fprintf(stderr, "  sup: %s\n", line);
	if (r->nlogs < MAX_LOGS) {
		r->levels[r->nlogs] = level;
		snprintf(r->logs[r->nlogs++], sizeof(r->logs[0]), "%s", line);
	}
}

static void
on_engine(void *arg, pid_t pid)
{
	struct rec	*r = arg;

	if (r->nengines < MAX_LOGS)
		r->engines[r->nengines++] = pid;
	if (pid > 0)
		r->starts++;
	if (pid > 0 && r->pid_fd >= 0) {
		if (write(r->pid_fd, &pid, sizeof(pid)) != sizeof(pid))
			_exit(99);
	}
}

static void
on_msg(void *arg, int type, struct bbuf *payload)
{
	struct rec	*r = arg;
	struct msg_log	 lg;

	if (type == MSG_REGISTER)
		r->nregister++;
	if (type == MSG_HEARTBEAT)
		r->nheartbeat++;
	if (type == MSG_LOG && msg_get_log(payload, &lg) == BT_OK) {
		r->nlog++;
		snprintf(r->last_log_text, sizeof(r->last_log_text), "%s",
		    lg.text);
	}
}

static struct supervisor *
new_sup(struct rec *r, sup_entry_fn fn, uint64_t timeout_ms)
{
	struct sup_cb		 cb = { r, on_msg, on_log, on_engine };
	struct supervisor	*s;

	memset(r, 0, sizeof(*r));
	r->pid_fd = -1;
	s = sup_new(fn, r, timeout_ms, &cb);
	assert_non_null(s);
	return s;
}

static int
has_log(const struct rec *r, const char *want)
{
	int	i;

	for (i = 0; i < r->nlogs; i++)
		if (strstr(r->logs[i], want) != NULL)
			return 1;
	return 0;
}

static void
expect_log(const struct rec *r, const char *want)
{
	int	i;

	if (has_log(r, want))
		return;
	for (i = 0; i < r->nlogs; i++)
		fprintf(stderr, "  log %d: %s\n", i, r->logs[i]);
	fail_msg("no log line with \"%s\"", want);
}

/* The level of the first line with want in it (-1: none). */
static int
log_level(const struct rec *r, const char *want)
{
	int	i;

	for (i = 0; i < r->nlogs; i++)
		if (strstr(r->logs[i], want) != NULL)
			return r->levels[i];
	return -1;
}

static void
assert_no_children(void)
{
	int	st;

	errno = 0;
	if (waitpid(-1, &st, WNOHANG) != -1 || errno != ECHILD)
		fail_msg("a child process is left over");
}

/* ---- the driver: the caller's select loop ---- */

typedef int	(*until_fn)(struct supervisor *, struct rec *);

/* Runs the loop until until() holds or ms of real time pass. */
static int
drive(struct supervisor *s, struct rec *r, uint64_t ms, until_fn until)
{
	uint64_t	end = mono_ms() + ms;
	fd_set		rd, wr;
	struct timeval	tv;
	int64_t		t;
	int		maxfd;

	while (until == NULL || !until(s, r)) {
		if (mono_ms() >= end)
			return until == NULL;
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		maxfd = -1;
		sup_fdset(s, &rd, &wr, &maxfd);
		t = sup_timeout_ms(s, vnow(r));
		if (t < 0 || t > 20)
			t = 20;
		tv.tv_sec = 0;
		tv.tv_usec = (suseconds_t)t * 1000;
		if (select(maxfd + 1, &rd, &wr, NULL, &tv) == -1) {
			FD_ZERO(&rd);
			FD_ZERO(&wr);
		}
		sup_perform(s, &rd, &wr, vnow(r));
	}
	return 1;
}

static enum sup_state
state_of(struct supervisor *s, struct rec *r)
{
	struct sup_info	info;

	sup_get_info(s, vnow(r), &info);
	return info.state;
}

static int
until_registered(struct supervisor *s, struct rec *r)
{
	struct sup_info	info;

	sup_get_info(s, vnow(r), &info);
	return info.registered;
}

static int
until_running(struct supervisor *s, struct rec *r)
{
	return state_of(s, r) == SUP_RUNNING;
}

static int
until_backoff(struct supervisor *s, struct rec *r)
{
	return state_of(s, r) == SUP_BACKOFF;
}

static int
until_not_running(struct supervisor *s, struct rec *r)
{
	return state_of(s, r) != SUP_RUNNING;
}

static int
until_one_restart(struct supervisor *s, struct rec *r)
{
	struct sup_info	info;

	sup_get_info(s, vnow(r), &info);
	return info.restarts == 1 && info.state == SUP_RUNNING;
}

/* ---- engine side helpers (run in the child) ---- */

static int
eng_flush(struct ipc_chan *c)
{
	struct pollfd	p;
	int		r = BT_OK;

	while (r == BT_OK && chan_wants_write(c)) {
		if ((r = chan_flush(c)) != BT_OK)
			break;
		p.fd = chan_fd(c);
		p.events = POLLOUT;
		if (chan_wants_write(c))
			poll(&p, 1, 100);
	}
	return r;
}

static int
eng_send(struct ipc_chan *c, int type, const union msg_any *m)
{
	struct bbuf	pl;
	int		r;

	bbuf_init(&pl, MSG_MAX_PAYLOAD);
	if ((r = msg_encode(type, &pl, m)) == BT_OK)
		r = chan_send_msg(c, type, &pl);
	bbuf_cleanup(&pl);
	return r == BT_OK ? eng_flush(c) : r;
}

static int
eng_register(struct ipc_chan *c)
{
	static union msg_any	m;

	memset(&m, 0, sizeof(m));
	m.reg.version = MSG_PROTOCOL_VERSION;
	m.reg.pid = (uint32_t)getpid();
	m.reg.port = 6881;
	snprintf(m.reg.session_dir, sizeof(m.reg.session_dir), "/tmp/test");
	return eng_send(c, MSG_REGISTER, &m);
}

static int
eng_heartbeat(struct ipc_chan *c, uint64_t seq)
{
	static union msg_any	m;

	memset(&m, 0, sizeof(m));
	m.heartbeat.seq = seq;
	m.heartbeat.uptime_ms = seq * 100;
	return eng_send(c, MSG_HEARTBEAT, &m);
}

/* 1 when QUIT arrived or the front closed the socket. */
static int
eng_wait_commands(struct ipc_chan *c, int ms)
{
	struct pkt_header	h;
	struct bbuf		pl;
	struct pollfd		p = { chan_fd(c), POLLIN, 0 };
	uint64_t		end = mono_ms() + (uint64_t)ms, now;
	int			r;

	while ((now = mono_ms()) < end) {
		if (poll(&p, 1, (int)(end - now)) <= 0)
			continue;
		r = chan_read(c);
		while (chan_next(c, &h, &pl) == BT_OK)
			if (h.type == MSG_CMD_QUIT)
				return 1;
		if (r != BT_OK)
			return 1;
	}
	return 0;
}

/* Registers, says hello, heartbeats every 100 ms, exits 0 on QUIT. */
static int
eng_good(void *arg, int fd)
{
	static union msg_any	m;
	struct ipc_chan		c;
	uint64_t		seq;

	(void)arg;
	chan_init(&c, fd, PKT_SIDE_ENGINE);
	if (eng_register(&c) != BT_OK)
		return 40;
	memset(&m, 0, sizeof(m));
	snprintf(m.log.text, sizeof(m.log.text), "hello from %d",
	    (int)getpid());
	if (eng_send(&c, MSG_LOG, &m) != BT_OK)
		return 41;
	for (seq = 0;; seq++) {
		eng_heartbeat(&c, seq);
		if (eng_wait_commands(&c, 100))
			break;
	}
	chan_cleanup(&c);
	return 0;
}

/* Registers and heartbeats once, then finishes on its own. */
static int
eng_done(void *arg, int fd)
{
	struct ipc_chan	c;

	(void)arg;
	chan_init(&c, fd, PKT_SIDE_ENGINE);
	if (eng_register(&c) != BT_OK || eng_heartbeat(&c, 0) != BT_OK)
		return 40;
	chan_cleanup(&c);
	return 0;
}

/* Registers, then exits 1 as for a bad torrent or download directory. */
static int
eng_bad_input(void *arg, int fd)
{
	struct ipc_chan	c;

	(void)arg;
	chan_init(&c, fd, PKT_SIDE_ENGINE);
	if (eng_register(&c) != BT_OK)
		return 40;
	chan_cleanup(&c);
	return 1;
}

/* Registers, then hangs. */
static int
eng_silent(void *arg, int fd)
{
	struct ipc_chan	c;

	(void)arg;
	chan_init(&c, fd, PKT_SIDE_ENGINE);
	eng_register(&c);
	sleep(30);
	return 0;
}

/* Never says a word. */
static int
eng_mute(void *arg, int fd)
{
	(void)arg;
	(void)fd;
	sleep(30);
	return 0;
}

/* The first crashes with abort(), the rest exit 3. */
static int
eng_crash(void *arg, int fd)
{
	struct rec	*r = arg;
	struct rlimit	 none = { 0, 0 };

	(void)fd;
	if (r->starts == 0) {
		setrlimit(RLIMIT_CORE, &none);	/* no core file */
		abort();
	}
	return 3;
}

/* Writes r->raw's bytes as they are, then hangs. */
static int
eng_raw(void *arg, int fd)
{
	struct rec	*r = arg;
	const uint8_t	*p = bbuf_ptr(r->raw);
	size_t		 n = bbuf_len(r->raw);
	ssize_t		 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0)
			return 42;
		p += w;
		n -= (size_t)w;
	}
	sleep(30);
	return 0;
}

/* Registers and heartbeats, deaf to commands and to end of file: only
 * a signal ends it (the parent-death test). */
static int
eng_deaf(void *arg, int fd)
{
	struct ipc_chan	c;
	uint64_t	seq;

	(void)arg;
	chan_init(&c, fd, PKT_SIDE_ENGINE);
	eng_register(&c);
	for (seq = 0; seq < 300; seq++) {	/* 30 s at most */
		eng_heartbeat(&c, seq);
		usleep(100 * 1000);
	}
	return 43;
}

/* Registers, closes its socket, lingers. */
static int
eng_linger(void *arg, int fd)
{
	struct ipc_chan	c;

	(void)arg;
	chan_init(&c, fd, PKT_SIDE_ENGINE);
	eng_register(&c);
	chan_cleanup(&c);
	sleep(30);
	return 0;
}

/* ---- tests ---- */

static void
test_lifecycle_api(void **state)
{
	struct rec		 r;
	struct supervisor	*s = new_sup(&r, eng_good, 0);
	struct sup_info		 info;

	(void)state;
	sup_free(NULL);
	sup_get_info(s, 0, &info);
	assert_int_equal(info.state, SUP_STOPPED);
	assert_int_equal(info.timeout_ms, SUP_DEFAULT_TIMEOUT_MS);
	assert_int_equal(info.pid, 0);
	assert_int_equal(sup_timeout_ms(s, 0), -1);
	assert_int_equal(sup_send(s, MSG_CMD_PAUSE, NULL), BT_ERR_CLOSED);
	assert_int_equal(sup_stop(s, 100), -1);
	sup_free(s);
	assert_no_children();
}

/* (1) A healthy engine: registers, heartbeats, is never restarted, and
 * quits with status 0 on sup_stop. */
static void
test_heartbeats_and_stop(void **state)
{
	struct rec		 r;
	struct supervisor	*s = new_sup(&r, eng_good, 500);
	struct sup_info		 info;
	struct msg_torrent_ref	 all = { MSG_TORRENT_ALL };
	struct bbuf		 cmd;
	pid_t			 pid;
	int64_t			 t;

	(void)state;
	assert_int_equal(sup_start(s, vnow(&r)), BT_OK);
	assert_int_equal(sup_start(s, vnow(&r)), BT_ERR_INVALID);
	sup_get_info(s, vnow(&r), &info);
	pid = info.pid;
	assert_true(pid > 0);
	assert_int_equal(info.state, SUP_RUNNING);
	t = sup_timeout_ms(s, vnow(&r));
	assert_true(t > 400 && t <= 500);
	assert_true(drive(s, &r, 3000, until_registered));
	drive(s, &r, 1200, NULL);	/* over twice the timeout */
	sup_get_info(s, vnow(&r), &info);
	assert_int_equal(info.state, SUP_RUNNING);
	assert_int_equal(info.pid, pid);
	assert_int_equal(info.restarts, 0);
	assert_true(info.registered);
	assert_true(info.since_heartbeat_ms < 500);
	assert_true(info.uptime_ms >= 1200);
	assert_int_equal(r.nregister, 1);
	assert_true(r.nheartbeat >= 5);
	assert_int_equal(r.nlog, 1);
	assert_true(strncmp(r.last_log_text, "hello from ", 11) == 0);
	expect_log(&r, "started");

	bbuf_init(&cmd, 16);
	assert_int_equal(msg_put_torrent_ref(&cmd, &all), BT_OK);
	assert_int_equal(sup_send(s, MSG_CMD_PAUSE, &cmd), BT_OK);
	bbuf_cleanup(&cmd);
	/* v2's PAUSE names its torrent: an empty one is not a frame */
	assert_int_equal(sup_send(s, MSG_CMD_PAUSE, NULL), BT_ERR_INVALID);
	assert_int_equal(sup_send(s, MSG_STATUS, NULL), BT_ERR_INVALID);
	assert_int_equal(sup_send(s, 4242, NULL), BT_ERR_INVALID);
	assert_int_equal(sup_stop(s, 3000), 0);
	sup_get_info(s, vnow(&r), &info);
	assert_int_equal(info.state, SUP_STOPPED);
	assert_int_equal(info.pid, 0);
	assert_int_equal(info.restarts, 0);
	assert_int_equal(r.engines[r.nengines - 1], 0);
	assert_int_equal(r.starts, 1);
	assert_int_equal(sup_send(s, MSG_CMD_PAUSE, NULL), BT_ERR_CLOSED);
	drive(s, &r, 100, NULL);	/* stays stopped */
	assert_int_equal(state_of(s, &r), SUP_STOPPED);
	sup_free(s);
	assert_no_children();
}

/* An engine that exits 0 on its own (headless download done) is done. */
static void
test_clean_exit_not_restarted(void **state)
{
	struct rec		 r;
	struct supervisor	*s = new_sup(&r, eng_done, 0);
	struct sup_info		 info;

	(void)state;
	assert_int_equal(sup_start(s, vnow(&r)), BT_OK);
	assert_true(drive(s, &r, 3000, until_not_running));
	sup_get_info(s, vnow(&r), &info);
	assert_int_equal(info.state, SUP_STOPPED);
	assert_int_equal(info.restarts, 0);
	assert_int_equal(r.nregister, 1);
	assert_int_equal(r.nheartbeat, 1);	/* its last frames were read */
	assert_int_equal(r.engines[r.nengines - 1], 0);
	expect_log(&r, "exited with status 0, not restarting");
	assert_int_equal(log_level(&r, "exited with status 0"), MSG_LOG_INFO);
	assert_int_equal(log_level(&r, "started"), MSG_LOG_INFO);
	assert_int_equal(sup_timeout_ms(s, vnow(&r)), -1);
	assert_int_equal(info.last_exit, 0);
	drive(s, &r, 100, NULL);
	assert_int_equal(r.starts, 1);
	sup_free(s);
	assert_no_children();
}

/* Exit status 1 is bad input: no restart can mend it, so none is made. */
static void
test_bad_input_not_restarted(void **state)
{
	struct rec		 r;
	struct supervisor	*s = new_sup(&r, eng_bad_input, 0);
	struct sup_info		 info;

	(void)state;
	assert_int_equal(sup_start(s, vnow(&r)), BT_OK);
	assert_true(drive(s, &r, 3000, until_not_running));
	sup_get_info(s, vnow(&r), &info);
	assert_int_equal(info.state, SUP_STOPPED);
	assert_int_equal(info.restarts, 0);
	assert_int_equal(info.last_exit, 1);
	expect_log(&r, "exited with status 1, not restarting");
	drive(s, &r, 1000, NULL);
	assert_int_equal(r.starts, 1);
	sup_free(s);
	assert_no_children();
}

/* (2) A silent engine is killed after the timeout and restarted at once;
 * so is one that never registers. */
static void
test_stall(void **state)
{
	static const sup_entry_fn	 fns[] = { eng_silent, eng_mute };
	struct rec			 r;
	struct supervisor		*s;
	struct sup_info			 info;
	pid_t				 first;
	size_t				 i;
	const char			*line;

	(void)state;
	for (i = 0; i < NELEM(fns); i++) {
		s = new_sup(&r, fns[i], 300);
		assert_int_equal(sup_start(s, vnow(&r)), BT_OK);
		sup_get_info(s, vnow(&r), &info);
		first = info.pid;
		assert_true(drive(s, &r, 3000, until_one_restart));
		sup_get_info(s, vnow(&r), &info);
		assert_true(info.pid > 0 && info.pid != first);
		assert_int_equal(info.restarts, 1);
		assert_int_equal(info.registered, 0);
		/* The stalled one was killed and reaped. */
		assert_int_equal(kill(first, 0), -1);
		assert_int_equal(errno, ESRCH);
		expect_log(&r, "engine stalled (no heartbeat for 0.");
		line = r.logs[r.nlogs - 2];	/* then "engine N started" */
		assert_true(strlen(line) > 15);
		assert_string_equal(line + strlen(line) - 15, " s), restarting");
		assert_int_equal(r.engines[1], 0);	/* old one gone */
		assert_int_equal(r.engines[2], info.pid);
		assert_true(strncmp(info.reason, "stopped responding (no "
		    "heartbeat for 0.", 32) == 0);
		sup_free(s);
		assert_no_children();
	}
}

/* (3) A crash loop: back-off 0.5, 1, 2, 4 s, then give up on the 5th
 * failure within the window; sup_retry starts over. */
static void
test_crash_backoff_give_up(void **state)
{
	static const struct {
		uint64_t	 respawn_ms;
		const char	*log, *reason;
	} steps[] = {
		{ 500, "killed by signal 6 (SIGABRT), restarting in 0.5 s",
		    "killed by signal 6 (SIGABRT)" },
		{ 1000, "exited with status 3, restarting in 1.0 s",
		    "exited with status 3" },
		{ 2000, "exited with status 3, restarting in 2.0 s",
		    "exited with status 3" },
		{ 4000, "exited with status 3, restarting in 4.0 s",
		    "exited with status 3" },
	};
	struct rec		 r;
	struct supervisor	*s = new_sup(&r, eng_crash, 0);
	struct sup_info		 info;
	size_t			 i;
	int64_t			 t;

	(void)state;
	assert_int_equal(sup_start(s, vnow(&r)), BT_OK);
	for (i = 0; i < NELEM(steps); i++) {
		assert_true(drive(s, &r, 3000, until_backoff));
		sup_get_info(s, vnow(&r), &info);
		assert_int_equal(info.pid, 0);
		assert_int_equal(info.restarts, i);
		if (info.respawn_in_ms > steps[i].respawn_ms ||
		    info.respawn_in_ms + 300 < steps[i].respawn_ms)
			fail_msg("step %zu: respawn in %llu ms, want %llu", i,
			    (unsigned long long)info.respawn_in_ms,
			    (unsigned long long)steps[i].respawn_ms);
		t = sup_timeout_ms(s, vnow(&r));
		assert_true(t >= 0 && (uint64_t)t <= steps[i].respawn_ms);
		expect_log(&r, steps[i].log);
		assert_string_equal(info.reason, steps[i].reason);
		/* Nothing happens before the time; then it respawns. */
		drive(s, &r, 50, NULL);
		assert_int_equal(state_of(s, &r), SUP_BACKOFF);
		r.skew_ms += (int64_t)info.respawn_in_ms;
		assert_true(drive(s, &r, 3000, until_running));
	}
	assert_true(drive(s, &r, 3000, until_not_running));
	sup_get_info(s, vnow(&r), &info);
	assert_int_equal(info.state, SUP_GAVE_UP);
	assert_int_equal(info.restarts, 4);
	assert_int_equal(info.pid, 0);
	expect_log(&r, "engine crashed 5 times within 60 s; not restarting "
	    "(press R)");
	assert_int_equal(log_level(&r, "engine crashed 5 times"),
	    MSG_LOG_ERROR);
	assert_int_equal(log_level(&r, "restarting in"), MSG_LOG_WARN);
	assert_int_equal(sup_timeout_ms(s, vnow(&r)), -1);
	assert_string_equal(info.reason, "exited with status 3");
	r.skew_ms += 100000;
	drive(s, &r, 100, NULL);
	assert_int_equal(state_of(s, &r), SUP_GAVE_UP);
	assert_int_equal(r.starts, 5);

	sup_retry(s, vnow(&r));
	sup_get_info(s, vnow(&r), &info);
	assert_int_equal(info.state, SUP_RUNNING);
	assert_int_equal(info.restarts, 0);
	assert_string_equal(info.reason, "");	/* a fresh start */
	assert_true(drive(s, &r, 3000, until_backoff));
	sup_get_info(s, vnow(&r), &info);
	assert_true(info.respawn_in_ms <= 500);	/* the streak started over */
	assert_int_equal(sup_stop(s, 100), -1);
	assert_int_equal(state_of(s, &r), SUP_STOPPED);
	sup_free(s);
	assert_no_children();
}

/* (4) Bad frames of several kinds: each gets the engine killed, a log
 * line, and a restart after the back-off. */
enum raw_kind {
	RAW_GARBAGE, RAW_VERSION, RAW_BAD_PAYLOAD, RAW_BEFORE_REGISTER,
	RAW_OVERSIZE, RAW_TWO_REGISTERS, RAW_WRONG_SENDER,
};

static void
put_frame(struct bbuf *b, int source, int type, const union msg_any *m)
{
	struct pkt_header	h;
	struct bbuf		pl;

	bbuf_init(&pl, MSG_MAX_PAYLOAD);
	assert_int_equal(msg_encode(type, &pl, m), BT_OK);
	pkt_header_for(&h, source, type);
	assert_int_equal(pkt_encode(b, &h, bbuf_ptr(&pl), bbuf_len(&pl)),
	    BT_OK);
	bbuf_cleanup(&pl);
}

static void
build_raw(struct bbuf *b, enum raw_kind kind)
{
	static union msg_any	reg, m;
	uint8_t			bytes[PKT_MAX_FRAME];
	size_t			n, status_min, status_max;

	assert_int_equal(msg_payload_bounds(MSG_STATUS, &status_min,
	    &status_max), BT_OK);
	memset(&reg, 0, sizeof(reg));
	reg.reg.version = MSG_PROTOCOL_VERSION;
	memset(&m, 0, sizeof(m));
	bbuf_init(b, 2 * PKT_MAX_FRAME);
	if (kind != RAW_GARBAGE && kind != RAW_BEFORE_REGISTER &&
	    kind != RAW_VERSION)
		put_frame(b, PKT_SIDE_ENGINE, MSG_REGISTER, &reg);
	switch (kind) {
	case RAW_GARBAGE:
		bbuf_put_bytes(b, "GARBAGE GARBAGE GARBAGE GARBAGE!", 32);
		break;
	case RAW_VERSION:
		put_frame(b, PKT_SIDE_ENGINE, MSG_REGISTER, &reg);
		n = bbuf_len(b);
		bbuf_get_bytes(b, bytes, n);
		bytes[4] = MSG_PROTOCOL_VERSION + 1;
		bbuf_put_bytes(b, bytes, n);
		break;
	case RAW_BAD_PAYLOAD:
		put_frame(b, PKT_SIDE_ENGINE, MSG_STATUS, &m);
		n = bbuf_len(b);
		bbuf_get_bytes(b, bytes, n);
		/* state: byte 4 (after torrent_id) of the smallest status,
		 * which an all-zero one is */
		bytes[n - status_min + 4] = 9;
		bbuf_put_bytes(b, bytes, n);
		break;
	case RAW_BEFORE_REGISTER:
		put_frame(b, PKT_SIDE_ENGINE, MSG_HEARTBEAT, &m);
		break;
	case RAW_OVERSIZE:
		/* the version byte follows the build's */
		bbuf_put_bytes(b, "head", 4);
		bbuf_put_u8(b, MSG_PROTOCOL_VERSION);
		bbuf_put_bytes(b, "\2\0\0engine\0\0front\0\0\0\0\x68"
		    "\0\x10\0\0", PKT_HEADER_LEN - 5);
		break;
	case RAW_TWO_REGISTERS:
		put_frame(b, PKT_SIDE_ENGINE, MSG_REGISTER, &reg);
		break;
	case RAW_WRONG_SENDER:
		put_frame(b, PKT_SIDE_FRONT, MSG_CMD_QUIT, &m);
		break;
	}
}

static void
test_bad_frames(void **state)
{
	static const struct {
		enum raw_kind	 kind;
		const char	*why;
	} rows[] = {
		{ RAW_GARBAGE, "malformed header" },
		{ RAW_VERSION, "wrong protocol version or sender" },
		{ RAW_BAD_PAYLOAD, "status payload: malformed data" },
		{ RAW_BEFORE_REGISTER, "heartbeat before register" },
		{ RAW_OVERSIZE, "payload longer than its type allows" },
		{ RAW_TWO_REGISTERS, "second register" },
		{ RAW_WRONG_SENDER, "wrong protocol version or sender" },
	};
	struct rec		 r;
	struct supervisor	*s;
	struct sup_info		 info;
	struct bbuf		 raw;
	char			 want[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		build_raw(&raw, rows[i].kind);
		s = new_sup(&r, eng_raw, 5000);
		r.raw = &raw;
		assert_int_equal(sup_start(s, vnow(&r)), BT_OK);
		assert_true(drive(s, &r, 3000, until_backoff));
		snprintf(want, sizeof(want), "bad frame from engine: %s; "
		    "restarting in 0.5 s", rows[i].why);
		assert_string_equal(r.logs[r.nlogs - 1], want);
		sup_get_info(s, vnow(&r), &info);
		assert_int_equal(info.pid, 0);
		snprintf(want, sizeof(want), "sent a bad frame (%s)",
		    rows[i].why);
		assert_string_equal(info.reason, want);
		assert_int_equal(r.engines[1], 0);
		r.skew_ms += (int64_t)info.respawn_in_ms;
		assert_true(drive(s, &r, 3000, until_running));
		sup_get_info(s, vnow(&r), &info);
		assert_int_equal(info.restarts, 1);
		sup_free(s);
		bbuf_cleanup(&raw);
		assert_no_children();
	}
}

/* An engine that closes its socket but does not exit is killed after
 * SUP_EOF_GRACE_MS. */
static void
test_eof_without_exit(void **state)
{
	struct rec		 r;
	struct supervisor	*s = new_sup(&r, eng_linger, 5000);
	struct sup_info		 info;
	int64_t			 t;

	(void)state;
	assert_int_equal(sup_start(s, vnow(&r)), BT_OK);
	drive(s, &r, 300, NULL);
	assert_int_equal(r.nregister, 1);
	assert_int_equal(state_of(s, &r), SUP_RUNNING);
	t = sup_timeout_ms(s, vnow(&r));
	assert_true(t <= SUP_EOF_GRACE_MS);
	r.skew_ms += SUP_EOF_GRACE_MS;
	assert_true(drive(s, &r, 3000, until_backoff));
	expect_log(&r, "closed its socket but did not exit, restarting in "
	    "0.5 s");
	sup_get_info(s, vnow(&r), &info);
	assert_string_equal(info.reason, "closed its socket but did not exit");
	sup_free(s);
	assert_no_children();
}

/* kill -9 from outside: the header must say so, not "stopped
 * responding". */
static void
test_killed_reason(void **state)
{
	struct rec		 r;
	struct supervisor	*s = new_sup(&r, eng_good, 3000);
	struct sup_info		 info;
	pid_t			 pid;

	(void)state;
	assert_int_equal(sup_start(s, vnow(&r)), BT_OK);
	assert_true(drive(s, &r, 3000, until_registered));
	sup_get_info(s, vnow(&r), &info);
	pid = info.pid;
	assert_string_equal(info.reason, "");
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_true(drive(s, &r, 3000, until_backoff));
	sup_get_info(s, vnow(&r), &info);
	assert_string_equal(info.reason, "killed by signal 9 (SIGKILL)");
	assert_int_equal(info.last_exit, -1);
	expect_log(&r, "killed by signal 9 (SIGKILL), restarting in 0.5 s");
	sup_free(s);
	assert_no_children();
}

/*
 * The front did not run for a while (Ctrl-Z stopped it and its engine;
 * `fg' went on): the virtual clock jumps, and the engine's silence over
 * the jump must not get it killed, unless the jump is one the caller's
 * turn allows.  Either way a wedged engine is still caught one timeout
 * after the jump.
 */
static void
test_front_gap(void **state)
{
	static const struct {
		const char	*name;
		uint64_t	 turn_ms;	/* 0: sup_set_turn_ms unused */
		int64_t		 jump_ms;
		int		 sigcont;	/* sup_on_continue first */
		int		 killed;	/* at the first turn after it */
	} rows[] = {
		{ "10 s, turn unset (gap: the timeout)", 0, 10000, 0, 0 },
		{ "1.1 s, turn 100 ms (gap: 1 s floor)", 100, 1100, 0, 0 },
		{ "10 s, turn 1 s", 1000, 10000, 0, 0 },
		{ "3 s, turn 2 s: a wait the caller may take", 2000, 3000, 0,
		    1 },
		{ "3 s, turn 2 s, SIGCONT", 2000, 3000, 1, 0 },
		{ "10 s, turn unset, SIGCONT", 0, 10000, 1, 0 },
	};
	struct rec		 r;
	struct supervisor	*s;
	struct sup_info		 info;
	uint64_t		 t0;
	pid_t			 pid;
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		s = new_sup(&r, eng_silent, 1000);
		if (rows[i].turn_ms > 0)
			sup_set_turn_ms(s, rows[i].turn_ms);
		assert_int_equal(sup_start(s, vnow(&r)), BT_OK);
		assert_true(drive(s, &r, 3000, until_registered));
		sup_get_info(s, vnow(&r), &info);
		pid = info.pid;
		r.skew_ms += rows[i].jump_ms;
		/* before the turn that starts the deadline over: a test
		 * descheduled after that turn would see the restart early */
		t0 = mono_ms();
		if (rows[i].sigcont)
			sup_on_continue(s, vnow(&r));
		sup_perform(s, NULL, NULL, vnow(&r));
		sup_get_info(s, vnow(&r), &info);
		if (rows[i].killed) {
			if (info.pid == pid || info.restarts != 1)
				fail_msg("%s: not restarted", rows[i].name);
			assert_true(strncmp(info.reason, "stopped responding",
			    18) == 0);
		} else {
			if (info.state != SUP_RUNNING || info.pid != pid ||
			    info.restarts != 0 ||
			    info.since_heartbeat_ms > 100)
				fail_msg("%s: state %d pid %d->%d restarts %u "
				    "silence %llu ms", rows[i].name,
				    (int)info.state, (int)pid, (int)info.pid,
				    info.restarts, (unsigned long long)
				    info.since_heartbeat_ms);
			expect_log(&r, "heartbeat deadline starts over");
			/* still a watchdog: the silent engine goes one
			 * timeout later */
			assert_true(drive(s, &r, 3000, until_one_restart));
			assert_true(mono_ms() - t0 >= 900);
			sup_get_info(s, vnow(&r), &info);
			assert_string_equal(info.reason, "stopped responding "
			    "(no heartbeat for 1.0 s)");
		}
		sup_free(s);
		assert_no_children();
	}
}

/* (5) The front is SIGKILLed: its engine must die with it.  A helper
 * process plays the front; this process becomes a subreaper so that the
 * orphaned engine is ours to reap and check. */
static void __attribute__((noreturn))
run_front(int pid_fd)
{
	struct rec		 r;
	struct supervisor	*s = new_sup(&r, eng_deaf, 3000);

	r.pid_fd = pid_fd;
	if (sup_start(s, vnow(&r)) != BT_OK)
		_exit(50);
	drive(s, &r, 20000, NULL);
	_exit(51);
}

static void
test_front_killed(void **state)
{
	struct pollfd	p;
	pid_t		front, engine = 0, w;
	uint64_t	end;
	int		fds[2], st = 0;

	(void)state;
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	assert_int_equal(pipe(fds), 0);
	if ((front = fork()) == 0) {
		close(fds[0]);
		run_front(fds[1]);
	}
	assert_true(front > 0);
	close(fds[1]);
	p.fd = fds[0];
	p.events = POLLIN;
	assert_int_equal(poll(&p, 1, 3000), 1);
	assert_int_equal(read(fds[0], &engine, sizeof(engine)),
	    sizeof(engine));
	close(fds[0]);
	assert_true(engine > 0);
	usleep(200 * 1000);		/* let it run and heartbeat */
	assert_int_equal(kill(engine, 0), 0);
	assert_int_equal(kill(front, SIGKILL), 0);
	assert_int_equal(waitpid(front, &st, 0), front);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	end = mono_ms() + 1000;
	while ((w = waitpid(engine, &st, WNOHANG)) == 0 && mono_ms() < end)
		usleep(10 * 1000);
	if (w == 0) {
		kill(engine, SIGKILL);
		waitpid(engine, &st, 0);
		prctl(PR_SET_CHILD_SUBREAPER, 0);
		fail_msg("engine %d outlived its front", (int)engine);
	}
	assert_int_equal(w, engine);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
	assert_no_children();
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_lifecycle_api),
		cmocka_unit_test(test_heartbeats_and_stop),
		cmocka_unit_test(test_clean_exit_not_restarted),
		cmocka_unit_test(test_bad_input_not_restarted),
		cmocka_unit_test(test_stall),
		cmocka_unit_test(test_crash_backoff_give_up),
		cmocka_unit_test(test_bad_frames),
		cmocka_unit_test(test_eof_without_exit),
		cmocka_unit_test(test_killed_reason),
		cmocka_unit_test(test_front_gap),
		cmocka_unit_test(test_front_killed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * session: one engine process's session of torrents.  It owns the loop,
 * the listen socket and the connections that have not said which torrent
 * they want yet, the global rate limits, the peer id, the worker threads,
 * the session directory (torrents, resume records, settings) and the list
 * of torrents, which it starts, queues (at most max_active download at
 * once), pauses and removes.  What is shared with the torrents goes through
 * struct torrent_env; the session never reaches into a torrent.
 */
#include "engine/session_impl.h"
#include "engine/session.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/fmt.h"
#include "ipc/loop.h"
#include "ipc/msg.h"
#include "engine/metainfo.h"
#include "engine/peer.h"
#include "engine/rng.h"
#include "engine/sessiondir.h"
#include "engine/source.h"
#include "engine/torrent.h"
#include "engine/watchdir.h"
#include "engine/wire.h"
#include "engine/worker.h"

#define TICK_MS			100	/* torrents' timers */
#define QUEUE_MS		200	/* re-balance the download slots */
#define WATCH_MS		3000	/* look into --watch DIR */
#define STOP_ANNOUNCE_WAIT_MS	3000
#define STOP_ANNOUNCE_STEP_MS	50
#define WORKER_THREADS		2
#define RESOLVER_THREADS	2

/* Under a front, Ctrl-C reaches the whole process group and the front
 * decides (it stops the engine with a QUIT command): SIGTERM only. */
static const int	stop_signals[] = { SIGTERM };

void
engine_config_defaults(struct engine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->dir = ".";
	cfg->port = ENGINE_DEFAULT_PORT;
	cfg->max_peers = ENGINE_DEFAULT_MAX_PEERS;
	cfg->upload_slots = 4;
	cfg->dht = 0;		/* the front turns them on */
	cfg->utp = 0;
}

void
session_log(struct session *s, uint32_t torrent_id, int level,
    const char *fmt, ...)
{
	char	line[MSG_TEXT_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (s->ipc_fd >= 0)
		control_log(s, torrent_id, level, line);
	else
		fprintf(stderr, "bttui: %s\n", line);
}

static void
env_log(void *arg, uint32_t torrent_id, int level, const char *line)
{
	session_log(arg, torrent_id, level, "%s", line);
}

struct torrent *
session_torrent_by_id(struct session *s, uint32_t id)
{
	size_t	i;

	for (i = 0; i < s->ntorrents; i++)
		if (torrent_id(s->torrents[i]) == id)
			return s->torrents[i];
	return NULL;
}

struct torrent *
session_torrent_by_hash(struct session *s, const uint8_t ih[20])
{
	size_t	i;

	for (i = 0; i < s->ntorrents; i++)
		if (memcmp(torrent_info_hash(s->torrents[i]), ih, 20) == 0)
			return s->torrents[i];
	return NULL;
}

/* A magnet link's metadata, as a .torrent, replaces its stub: a restart
 * does not fetch it again. */
static void
env_save_torrent(void *arg, uint32_t torrent_id, const uint8_t ih[20],
    const void *bytes, size_t len)
{
	struct session	*s = arg;
	int		 r;

	if ((r = sessiondir_set_torrent(s->sd, ih, bytes, len)) != BT_OK)
		session_log(s, torrent_id, MSG_LOG_WARN, "cannot keep the "
		    "metadata in the session: %s (it is fetched again at the "
		    "next start)", bt_strerror(r));
}

/* ---- torrents ---- */

static void
add_cli_peers(struct session *s, struct torrent *t)
{
	const struct peer_addr	*from;
	struct peer_addr	 a;
	size_t			 i;

	for (i = 0; i < s->cfg->npeers; i++) {
		if (peer_addr_parse(s->cfg->peers[i], &a) != BT_OK) {
			session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN,
			    "--peer %s: not HOST:PORT", s->cfg->peers[i]);
			continue;
		}
		if (!torrent_env_dial_from(&s->env, &a, &from)) {
			session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN,
			    "--peer %s: no --bind address of its family (IPv%d) "
			    "to dial from: not dialled", s->cfg->peers[i],
			    a.ss.ss_family == AF_INET6 ? 6 : 4);
			continue;
		}
		torrent_add_peer_addr(t, &a);
	}
}

/* Opens one entry of the session directory and starts it. */
static int
open_entry(struct session *s, const struct sessiondir_entry *en)
{
	struct torrent_params	 p;
	struct torrent		*t, **n;
	char			 resume[SESSIONDIR_PATH_MAX], err[512];
	uint8_t			*prio = NULL;
	size_t			 nprio = 0;
	int			 r;

	if ((n = realloc(s->torrents, (s->ntorrents + 1) * sizeof(*n))) ==
	    NULL)
		return BT_ERR_NOMEM;
	s->torrents = n;
	memset(&p, 0, sizeof(p));
	p.torrent_path = en->torrent_path;
	p.dir = en->dir;
	p.paused = en->paused;
	p.verify = s->cfg->verify;
	p.seed = s->cfg->seed;
	p.seed_ratio = s->cfg->seed_ratio;
	if (sessiondir_resume_path(s->sd, en->info_hash, resume,
	    sizeof(resume)) == BT_OK)
		p.resume_path = resume;
	/* The saved selection; without one (or unreadable) all is wanted. */
	if (sessiondir_get_prio(s->sd, en->info_hash, &prio, &nprio) != BT_OK)
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "%s: cannot "
		    "read its file priorities: all files wanted",
		    en->torrent_path);
	p.file_prio = prio;
	p.nfile_prio = nprio;
	r = torrent_new(&s->env, s->next_torrent_id++, &p, s->workers, &t,
	    err, sizeof(err));
	free(prio);
	if (r != BT_OK) {
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_ERROR, "%s", err);
		return r;
	}
	if (memcmp(torrent_info_hash(t), en->info_hash, 20) != 0) {
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_ERROR, "%s: not the "
		    "torrent its name says: skipped", en->torrent_path);
		torrent_free(t);
		return BT_ERR_FORMAT;
	}
	s->torrents[s->ntorrents++] = t;
	s->env.ntorrents = s->ntorrents;
	add_cli_peers(s, t);
	torrent_start(t);		/* queued: balance_queue gives slots */
	return BT_OK;
}

static void
list_warn(void *arg, const char *msg)
{
	session_log(arg, MSG_TORRENT_NONE, MSG_LOG_WARN, "%s", msg);
}

static int
open_torrents(struct session *s)
{
	struct sessiondir_entry	*v;
	size_t			 n, i;
	int			 r;

	if ((r = sessiondir_list(s->sd, list_warn, s, &v, &n)) != BT_OK) {
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_ERROR, "cannot read "
		    "the session in %s: %s", sessiondir_path(s->sd),
		    bt_strerror(r));
		return r;
	}
	for (i = 0; i < n; i++)
		if (session_torrent_by_hash(s, v[i].info_hash) == NULL)
			(void)open_entry(s, &v[i]);
	free(v);
	return BT_OK;
}

/* Reads and checks a .torrent or a magnet link, copies it into the
 * session, opens it. */
int
session_add_file(struct session *s, const char *path, const char *dir,
    int paused)
{
	struct source	 src;
	char		 err[512], abs[PATH_MAX];
	int		 r;

	if ((r = source_load(path, &src, err, sizeof(err))) != BT_OK) {
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_ERROR, "%s", err);
		return r;
	}
	if (session_torrent_by_hash(s, src.info_hash) != NULL) {
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_INFO, "%s: already "
		    "in the session", source_name(&src));
		r = BT_ERR_EXISTS;
		goto out;
	}
	if (dir == NULL || dir[0] == '\0')
		dir = s->cfg->dir;
	if (realpath(dir, abs) == NULL && (errno != ENOENT ||
	    mkdir(dir, 0755) == -1 || realpath(dir, abs) == NULL)) {
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_ERROR, "cannot use "
		    "download directory %s: %s", dir, strerror(errno));
		r = BT_ERR_SYS;
		goto out;
	}
	r = sessiondir_add(s->sd, src.info_hash, bbuf_ptr(&src.bytes),
	    bbuf_len(&src.bytes), abs, paused, (int64_t)time(NULL));
	if (r != BT_OK && r != BT_ERR_EXISTS) {
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_ERROR, "cannot add "
		    "%s to the session: %s", src.mag != NULL ? "the magnet "
		    "link" : path, bt_strerror(r));
		goto out;
	}
	session_log(s, MSG_TORRENT_NONE, MSG_LOG_INFO, "added %s",
	    source_name(&src));
	r = open_torrents(s);
out:
	source_cleanup(&src);
	return r;
}

void
session_remove(struct session *s, uint32_t id, int delete_data)
{
	struct torrent	*t = session_torrent_by_id(s, id);
	uint8_t		 ih[20];
	size_t		 i;

	if (t == NULL)
		return;
	memcpy(ih, torrent_info_hash(t), 20);
	session_log(s, MSG_TORRENT_NONE, MSG_LOG_INFO, "removed %s%s",
	    torrent_name(t), delete_data ? " and its data" : "");
	if (delete_data)
		torrent_delete_data(t);
	(void)sessiondir_remove(s->sd, ih);
	for (i = 0; i < s->ntorrents; i++)
		if (s->torrents[i] == t)
			break;
	memmove(&s->torrents[i], &s->torrents[i + 1],
	    (s->ntorrents - i - 1) * sizeof(*s->torrents));
	s->ntorrents--;
	s->env.ntorrents = s->ntorrents;
	torrent_free(t);
	if (s->focus == id)
		s->focus = MSG_TORRENT_NONE;
}

static void
pause_one(struct session *s, struct torrent *t, int pause)
{
	torrent_pause(t, pause);
	(void)sessiondir_set_paused(s->sd, torrent_info_hash(t), pause);
}

void
session_pause(struct session *s, uint32_t id, int pause)
{
	struct torrent	*t;
	size_t		 i;

	if (id == MSG_TORRENT_ALL) {
		for (i = 0; i < s->ntorrents; i++)
			pause_one(s, s->torrents[i], pause);
		return;
	}
	if ((t = session_torrent_by_id(s, id)) != NULL)
		pause_one(s, t, pause);
}

static void
save_settings(struct session *s)
{
	s->limits.max_active = s->max_active;
	if (sessiondir_settings_save(s->sd, &s->limits) != BT_OK)
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "cannot save "
		    "the settings in %s: %s", sessiondir_path(s->sd),
		    strerror(errno));
}

/* The buckets get the limits in force: turtle mode's, or the others. */
static void
apply_limits(struct session *s, uint64_t now)
{
	const struct sessiondir_settings *l = &s->limits;

	bucket_set_rate(&s->down_bkt, l->turtle ? l->alt_down_bps :
	    l->max_down_bps, now);
	bucket_set_rate(&s->up_bkt, l->turtle ? l->alt_up_bps :
	    l->max_up_bps, now);
}

/* Limits in bytes per second, 0 for none; kept in the session's settings
 * so that a restarted engine starts with them.  While turtle mode is on
 * they wait for it to end (Transmission does the same). */
void
session_set_limits(struct session *s, uint64_t down_bps, uint64_t up_bps)
{
	s->limits.max_down_bps = down_bps;
	s->limits.max_up_bps = up_bps;
	apply_limits(s, loop_now_ms(s->loop));
	save_settings(s);
}

void
session_set_turtle(struct session *s, int on)
{
	char	down[FMT_MAX], up[FMT_MAX];

	s->limits.turtle = on != 0;
	apply_limits(s, loop_now_ms(s->loop));
	save_settings(s);
	fmt_limit(down, sizeof(down), on ? s->limits.alt_down_bps :
	    s->limits.max_down_bps);
	fmt_limit(up, sizeof(up), on ? s->limits.alt_up_bps :
	    s->limits.max_up_bps);
	session_log(s, MSG_TORRENT_NONE, MSG_LOG_INFO, "turtle mode %s: "
	    "limits %s down, %s up", on ? "on" : "off", down, up);
}

void
session_set_max_active(struct session *s, uint32_t n)
{
	s->max_active = n;
	save_settings(s);
}

/* The first max_active torrents that want to download get a slot, the
 * rest wait in the queue (0: no limit). */
static int64_t
balance_queue(void *arg, uint64_t now_ms)
{
	struct session	*s = arg;
	uint32_t	 active = 0;
	size_t		 i;

	(void)now_ms;
	for (i = 0; i < s->ntorrents; i++) {
		struct torrent *t = s->torrents[i];

		if (torrent_checking_all(t))
			continue;	/* a slot is given after the check */
		if (!torrent_wants_slot(t)) {
			torrent_set_queued(t, 0);
			continue;
		}
		torrent_set_queued(t, s->max_active != 0 &&
		    active >= s->max_active);
		if (s->max_active == 0 || active < s->max_active)
			active++;
	}
	return QUEUE_MS;
}

/* ---- the peers as one loop source ---- */

/* Every peer socket of every torrent, through one source: which sockets
 * are read depends on the global download bucket each turn, and the order
 * rotates so that under a limit no torrent always reads first. */
static void
peers_fdset(void *arg, fd_set *rd, fd_set *wr, int *maxfd)
{
	struct session	*s = arg;
	size_t		 i;

	s->down_held = bucket_available(&s->down_bkt) == 0;
	s->peers_ready = listen_incoming_fdset(s, rd, wr, maxfd);
	for (i = 0; i < s->ntorrents; i++)
		if (torrent_fdset(s->torrents[i], rd, wr, maxfd,
		    s->down_held))
			s->peers_ready = 1;
}

static int64_t
peers_timeout(void *arg, uint64_t now_ms)
{
	struct session	*s = arg;
	int64_t		 t = -1, tt;
	size_t		 i;

	(void)now_ms;
	if (s->peers_ready)
		return 0;	/* uTP peers with bytes or room: no sleep */
	for (i = 0; i < s->ntorrents; i++)
		if ((tt = torrent_timeout_ms(s->torrents[i])) >= 0 &&
		    (t < 0 || tt < t))
			t = tt;
	if (s->down_held && (tt = bucket_wait_ms(&s->down_bkt,
	    16384)) >= 0 && (t < 0 || tt < t))
		t = tt;
	if (s->env.up_held && (tt = bucket_wait_ms(&s->up_bkt,
	    16384)) >= 0 && (t < 0 || tt < t))
		t = tt;
	return t;
}

/* The torrents' clock: the loop's turn (now_ms is the loop's), and the
 * same reading in microseconds. */
static void
env_stamp(struct session *s, uint64_t now_ms)
{
	s->env.now_ms = now_ms;
	s->env.now_us = loop_now_us(s->loop);
}

static void
peers_perform(void *arg, const fd_set *rd, const fd_set *wr,
    uint64_t now_ms)
{
	struct session	*s = arg;
	size_t		 i, n = s->ntorrents;

	env_stamp(s, now_ms);
	bucket_refill(&s->down_bkt, now_ms);
	bucket_refill(&s->up_bkt, now_ms);
	s->env.up_held = 0;
	s->turn++;
	listen_incoming_perform(s, rd, wr);
	for (i = 0; i < n; i++)
		torrent_perform(s->torrents[(i + s->turn) % n], rd, wr);
	for (i = 0; i < s->ntorrents; i++)
		torrent_reap(s->torrents[i]);
}

static const struct loop_source_ops peers_ops = {
	peers_fdset, peers_timeout, peers_perform,
};

/* ---- timers and signals ---- */

static int
all_done(const struct session *s)
{
	size_t	i;

	/* with a seed ratio, seeding ends: torrents that reach it are done
	 * (--headless then exits, as it says), unless a --watch directory
	 * may bring more */
	if (s->cfg->stay || (s->cfg->seed && (s->cfg->seed_ratio <= 0 ||
	    s->cfg->watch_dir != NULL)))
		return 0;
	for (i = 0; i < s->ntorrents; i++)
		if (torrent_state(s->torrents[i]) != TORRENT_DONE)
			return 0;
	return 1;
}

static int64_t
tick(void *arg, uint64_t now_ms)
{
	struct session	*s = arg;
	size_t		 i;

	env_stamp(s, now_ms);
	for (i = 0; i < s->ntorrents; i++)
		torrent_tick(s->torrents[i]);
	for (i = 0; i < s->ntorrents; i++)
		torrent_reap(s->torrents[i]);
	if (all_done(s))
		s->stop = 1;
	return TICK_MS;
}

/* A .torrent dropped into --watch DIR: added, then renamed to .added as
 * Transmission does, so it is not added again. */
static void
on_watch_file(void *arg, const char *path, const char *name)
{
	struct session	*s = arg;
	int		 r = session_add_file(s, path, NULL, 0);

	if (r == BT_OK || r == BT_ERR_EXISTS)
		(void)watchdir_mark_added(s->watch, name);
}

static int64_t
watch_tick(void *arg, uint64_t now_ms)
{
	struct session	*s = arg;
	struct timespec	 ts;

	(void)now_ms;
	clock_gettime(CLOCK_REALTIME, &ts);
	(void)watchdir_scan(s->watch, (int64_t)ts.tv_sec * 1000 +
	    ts.tv_nsec / 1000000, on_watch_file, s);
	return WATCH_MS;
}

static void
on_signal(void *arg, int fd, int events)
{
	struct session	*s = arg;
	int		 sig[16];
	size_t		 n, i;

	(void)fd;
	(void)events;
	/* A forked engine inherits the front's handlers (SIGWINCH...), which
	 * now write here too: only the stop signals count. */
	while ((n = sigpipe_drain(&s->sigs, sig, 16)) > 0)
		for (i = 0; i < n; i++)
			if (sig[i] == SIGTERM)
				s->stop = s->interrupted = 1;
}

/* Results of a pool's jobs: their done() runs here, on the loop. */
static void
on_workers(void *arg, int fd, int events)
{
	(void)fd;
	(void)events;
	worker_drain(arg);
}

/* The disk pool's: a torrent is complete when its last piece's write
 * comes back, and the session may be done then, not at the next tick. */
static void
on_disk_workers(void *arg, int fd, int events)
{
	struct session	*s = arg;

	on_workers(s->workers, fd, events);
	if (all_done(s))
		s->stop = 1;
}

/* ---- set-up and tear-down ---- */

static void
make_peer_id(struct session *s)
{
	uint8_t		rnd[12];
	uint64_t	a = rng_next(&s->env.rng), b = rng_next(&s->env.rng);

	memcpy(rnd, &a, 8);
	memcpy(rnd + 8, &b, 4);
	wire_make_peer_id(s->env.peer_id, rnd);
}

static int
open_session(struct session *s)
{
	struct sessiondir_settings	st;
	char				err[512];
	uint64_t			now = s->env.now_ms;

	if (sessiondir_open(s->cfg->session_dir, 0, &s->sd, err,
	    sizeof(err)) != BT_OK) {
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_ERROR, "%s", err);
		return 1;
	}
	if (sessiondir_settings_load(s->sd, &st) == BT_ERR_FORMAT)
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "the settings "
		    "in %s were unreadable: using the defaults",
		    sessiondir_path(s->sd));
	s->limits = st;
	bucket_init(&s->down_bkt, st.turtle ? st.alt_down_bps :
	    st.max_down_bps, now);
	bucket_init(&s->up_bkt, st.turtle ? st.alt_up_bps : st.max_up_bps,
	    now);
	s->max_active = st.max_active;
	return 0;
}

static int
add_to_loop(struct session *s)
{
	size_t	i;

	if (loop_fd_add(s->loop, sigpipe_fd(&s->sigs), LOOP_READ, on_signal,
	    s) != BT_OK ||
	    loop_fd_add(s->loop, worker_fd(s->workers), LOOP_READ,
	    on_disk_workers, s) != BT_OK ||
	    loop_fd_add(s->loop, worker_fd(s->resolvers), LOOP_READ, on_workers,
	    s->resolvers) != BT_OK ||
	    loop_source_add(s->loop, &peers_ops, s) != BT_OK ||
	    loop_timer_add(s->loop, 0, balance_queue, s) == 0 ||
	    loop_timer_add(s->loop, 0, tick, s) == 0)
		return BT_ERR_NOMEM;
	if (s->watch != NULL && loop_timer_add(s->loop, 0, watch_tick, s) == 0)
		return BT_ERR_NOMEM;
	for (i = 0; i < s->lis.n; i++)
		if (s->lis.fd[i] >= 0 && loop_fd_add(s->loop, s->lis.fd[i],
		    LOOP_READ, listen_on_accept, s) != BT_OK)
			return BT_ERR_NOMEM;
	return BT_OK;
}

static int
setup(struct session *s, const struct engine_config *cfg, int ipc_fd)
{
	int	r;

	s->cfg = cfg;
	s->ipc_fd = -1;			/* until the channel is open */
	s->focus = MSG_TORRENT_NONE;
	sigpipe_init(&s->sigs);
	if ((s->loop = loop_new()) == NULL)
		return 2;
	s->env.cfg = cfg;
	s->env.loop = s->loop;
	s->env.now_ms = s->env.start_ms = loop_now_ms(s->loop);
	s->env.rng = cfg->rng_seed ? cfg->rng_seed :
	    (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ s->env.now_ms;
	s->env.down_bkt = &s->down_bkt;
	s->env.up_bkt = &s->up_bkt;
	s->env.down = &s->down;
	s->env.up = &s->up;
	s->env.log = env_log;
	s->env.save_torrent = env_save_torrent;
	s->env.arg = s;
	rate_init(&s->down);
	rate_init(&s->up);
	make_peer_id(s);
	if (ipc_fd >= 0) {
		s->ipc_fd = ipc_fd;
		if (control_open(s, ipc_fd) != BT_OK)
			return 2;
	}
	if ((r = open_session(s)) != 0)
		return r;
	if (sigpipe_open(&s->sigs, stop_signals, 1) != BT_OK ||
	    (s->workers = worker_pool_new(WORKER_THREADS)) == NULL ||
	    (s->resolvers = worker_pool_new(RESOLVER_THREADS)) == NULL)
		return 2;
	s->env.resolvers = s->resolvers;
	signal(SIGINT, SIG_IGN);
	if (cfg->watch_dir != NULL && watchdir_new(cfg->watch_dir,
	    &s->watch) != BT_OK)
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "cannot watch "
		    "%s: %s", cfg->watch_dir, strerror(errno));
	listen_setup(s);
	session_udp_start(s);
	if (add_to_loop(s) != BT_OK)
		return 2;
	(void)open_torrents(s);
	return 0;
}

/* `stopped' to every tracker, waiting up to STOP_ANNOUNCE_WAIT_MS; the
 * front's watchdog still gets its heartbeats meanwhile.  Each wait is
 * the trackers' own (at most STOP_ANNOUNCE_STEP_MS): a fixed step cost
 * every exit 100 ms before the request even left. */
static void
announce_stopped(struct session *s)
{
	uint64_t	until;
	size_t		i;
	int		busy = 1;

	for (i = 0; i < s->ntorrents; i++)
		torrent_announce_stopped(s->torrents[i]);
	until = loop_clock_ms() + STOP_ANNOUNCE_WAIT_MS;
	while (busy && loop_clock_ms() < until) {
		fd_set		rd, wr;
		struct timeval	tv;
		int64_t		wait = STOP_ANNOUNCE_STEP_MS;
		int		maxfd = -1;

		FD_ZERO(&rd);
		FD_ZERO(&wr);
		FD_SET(worker_fd(s->resolvers), &rd);	/* names, again */
		maxfd = worker_fd(s->resolvers);
		for (i = 0; i < s->ntorrents; i++) {
			int64_t w = torrent_tracker_timeout_ms(s->torrents[i]);

			torrent_tracker_fdset(s->torrents[i], &rd, &wr, &maxfd);
			if (w >= 0 && w < wait)
				wait = w;
		}
		tv.tv_sec = 0;
		tv.tv_usec = (suseconds_t)wait * 1000;
		if (select(maxfd + 1, &rd, &wr, NULL, &tv) < 0) {
			FD_ZERO(&rd);
			FD_ZERO(&wr);
		}
		s->env.now_ms = loop_clock_ms();
		if (FD_ISSET(worker_fd(s->resolvers), &rd))
			worker_drain(s->resolvers);
		busy = 0;
		for (i = 0; i < s->ntorrents; i++) {
			torrent_tracker_perform(s->torrents[i], &rd, &wr);
			busy |= torrent_tracker_busy(s->torrents[i]);
		}
		control_heartbeat(s);
	}
}

static void
teardown(struct session *s)
{
	size_t	i;

	for (i = 0; i < s->nincoming; i++)
		peer_free(s->incoming[i]);
	free(s->incoming);
	for (i = 0; i < s->ntorrents; i++)
		torrent_free(s->torrents[i]);
	free(s->torrents);
	session_udp_stop(s);		/* the DHT saves its nodes; before the
					 * resolvers */
	worker_pool_free(s->workers);
	worker_pool_free(s->resolvers);
	control_close(s);
	listen_close(s);
	watchdir_free(s->watch);
	sessiondir_close(s->sd);
	sigpipe_close(&s->sigs);
	loop_free(s->loop);
}

int
session_new(const struct engine_config *cfg, int ipc_fd, struct session **out)
{
	struct session	*s;
	int		 status;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return 2;
	if ((status = setup(s, cfg, ipc_fd)) != 0) {
		control_final(s);
		teardown(s);
		free(s);
		return status;
	}
	*out = s;
	return 0;
}

int
session_turn(struct session *s, int64_t max_wait_ms)
{
	if (s->stop)
		return 0;
	if (loop_run_once(s->loop, max_wait_ms) < 0 && errno != EINTR) {
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_ERROR,
		    "select failed: %s", strerror(errno));
		s->exit_status = 2;
		s->stop = 1;
	}
	env_stamp(s, loop_now_ms(s->loop));
	return !s->stop;
}

int
session_free(struct session *s)
{
	size_t	i;
	int	status;

	if (s == NULL)
		return 0;
	for (i = 0; i < s->ntorrents; i++)
		torrent_flush(s->torrents[i]);
	announce_stopped(s);
	control_final(s);
	status = s->exit_status;
	for (i = 0; i < s->ntorrents && status == 0; i++)
		if (torrent_failed(s->torrents[i]))
			status = 2;
	teardown(s);
	free(s);
	return status;
}

size_t
session_torrent_count(const struct session *s)
{
	return s->ntorrents;
}

size_t
session_complete_count(const struct session *s)
{
	size_t	i, n = 0;

	for (i = 0; i < s->ntorrents; i++)
		if (torrent_complete(s->torrents[i]))
			n++;
	return n;
}

uint16_t
session_port(const struct session *s)
{
	return s->env.port;
}

int
engine_run(const struct engine_config *cfg, int ipc_fd)
{
	struct session	*s;
	int		 status;

	if ((status = session_new(cfg, ipc_fd, &s)) != 0)
		return status;
	while (session_turn(s, ENGINE_MAX_WAIT_MS))
		;
	return session_free(s);
}

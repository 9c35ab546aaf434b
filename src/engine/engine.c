/*
 * The engine: one select() loop over the tracker's sockets, the half-open
 * connects and the live peer sockets, with timers (choke round every 10 s,
 * optimistic unchoke every 30 s, keep-alives, timeouts).  The loop never
 * waits longer than ENGINE_MAX_WAIT_MS, so a silent loop is a stuck loop.
 * Peers are never freed inside their own handlers: they are marked dead and
 * reaped at the end of the turn.
 */
#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/sigpipe.h"
#include "engine/blame.h"
#include "engine/blockcache.h"
#include "engine/bucket.h"
#include "engine/choker.h"
#include "engine/metainfo.h"
#include "engine/peer.h"
#include "engine/picker.h"
#include "engine/rate.h"
#include "engine/resume.h"
#include "engine/rng.h"
#include "engine/storage.h"
#include "engine/tracker.h"
#include "engine/wire.h"
#include "engine/engine_impl.h"
#include "ipc/msg.h"

#define CONNECT_TIMEOUT_MS	10000
#define KEEPALIVE_MS		120000
#define SILENCE_DROP_MS		180000
#define HANDSHAKE_TIMEOUT_MS	20000	/* from the connect, either way */
#define SNUB_MS			60000
#define CHOKE_ROUND_MS		10000
#define OPTIMISTIC_ROUND_MS	30000
#define STATUS_MS		1000
#define MAX_CONNECTING		16	/* half-open connects at once */
#define RETRY_BASE_MS		10000
#define HASHFAIL_BAN		3
#define STOP_ANNOUNCE_WAIT_MS	3000
#define MAX_KNOWN		2000
#define UPLOAD_OUT_FILL		(512u * 1024)	/* pread blocks until this */
#define LISTEN_PORT_TRIES	9	/* -p, then the next 8 ports */
#define CHECK_SLICE_MS		50	/* hashing per turn while checking */
#define RESUME_SAVE_MS		30000	/* save the record this often */
#define WRITE_CHUNK		(128u * 1024)	/* see write_piece */

static void	save_resume(struct engine *);

/* Signals the engine stops on: alone, SIGINT too; under a front, Ctrl-C
 * reaches the whole process group, and the front decides (it stops the
 * engine with a QUIT command), so SIGINT is ignored there. */
static const int	stop_signals[] = { SIGTERM, SIGINT };

uint64_t
engine_clock_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A line for the user: a MSG_LOG frame to the front, or stderr when the
 * engine runs alone. */
static void __attribute__((format(printf, 3, 4)))
engine_logl(struct engine *e, int level, const char *fmt, ...)
{
	char	line[MSG_TEXT_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (e->ipc_fd >= 0)
		control_log(e, level, line);
	else
		fprintf(stderr, "bttui: %s\n", line);
}

#define engine_log(e, ...)	engine_logl((e), MSG_LOG_INFO, __VA_ARGS__)

static void	kill_all_peers(struct engine *, const char *);

/*
 * Something the engine cannot go on from (a disk error).  Alone, it stops
 * with `status'.  Under a front it stays up, idle, in the error state, so
 * the watchdog does not restart it in a loop and the user sees why; a
 * resume command tries again.
 */
static void
fatal(struct engine *e, int status, const char *msg)
{
	if (e->stop || e->errored)
		return;
	engine_logl(e, MSG_LOG_ERROR, "%s", msg);
	if (e->ipc_fd < 0) {
		e->exit_status = status;
		e->stop = 1;
		return;
	}
	e->errored = 1;
	snprintf(e->error, sizeof(e->error), "%s", msg);
	kill_all_peers(e, "stopped after an error");
}

void
engine_config_defaults(struct engine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->dir = ".";
	cfg->port = ENGINE_DEFAULT_PORT;
	cfg->max_peers = ENGINE_DEFAULT_MAX_PEERS;
	cfg->upload_slots = 4;
}

/* ---- formatting helpers for the progress line ---- */

static void
fmt_bytes(char *buf, size_t len, uint64_t n)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double	v = (double)n;
	size_t	u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
}

static void
fmt_eta(char *buf, size_t len, uint64_t left, uint64_t bps)
{
	uint64_t	s;

	if (left == 0) {
		snprintf(buf, len, "0:00");
		return;
	}
	if (bps == 0) {
		snprintf(buf, len, "--:--");
		return;
	}
	s = left / bps;
	if (s >= 3600)
		snprintf(buf, len, "%llu:%02llu:%02llu",
		    (unsigned long long)(s / 3600),
		    (unsigned long long)(s / 60 % 60),
		    (unsigned long long)(s % 60));
	else
		snprintf(buf, len, "%llu:%02llu", (unsigned long long)(s / 60),
		    (unsigned long long)(s % 60));
}

size_t
engine_count_active(const struct engine *e)
{
	size_t	i, n = 0;

	for (i = 0; i < e->npeers; i++)
		if (e->peers[i]->state == PEER_ACTIVE)
			n++;
	return n;
}

static void
print_status(struct engine *e)
{
	uint64_t	total = e->meta->total_length;
	uint64_t	dbps = rate_bps(&e->down, e->now_ms);
	uint64_t	ubps = rate_bps(&e->up, e->now_ms);
	char		done[32], tot[32], dr[32], ur[32], eta[32];

	fmt_bytes(done, sizeof(done), e->have_bytes);
	fmt_bytes(tot, sizeof(tot), total);
	fmt_bytes(dr, sizeof(dr), dbps);
	fmt_bytes(ur, sizeof(ur), ubps);
	fmt_eta(eta, sizeof(eta), total - e->have_bytes, dbps);
	printf("%5.1f%%  %s / %s  down %s/s  up %s/s  peers %zu/%zu  ETA %s\n",
	    total ? 100.0 * (double)e->have_bytes / (double)total : 100.0,
	    done, tot, dr, ur, engine_count_active(e), e->nknown, eta);
	fflush(stdout);
}

/* ---- known peers and connecting ---- */

static struct known_peer *
known_find(struct engine *e, const struct peer_addr *a)
{
	size_t	i;

	for (i = 0; i < e->nknown; i++)
		if (peer_addr_equal(&e->known[i].addr, a))
			return &e->known[i];
	return NULL;
}

static void
known_add(struct engine *e, const struct peer_addr *a)
{
	struct known_peer	*n;

	if (known_find(e, a) != NULL || e->nknown >= MAX_KNOWN)
		return;
	if ((n = realloc(e->known, (e->nknown + 1) * sizeof(*n))) == NULL)
		return;
	e->known = n;
	memset(&n[e->nknown], 0, sizeof(*n));
	n[e->nknown].addr = *a;
	e->nknown++;
}

static int
set_nonblock(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return BT_ERR_SYS;
	return BT_OK;
}

static int
add_peer(struct engine *e, struct peer *p)
{
	struct peer	**n;
	size_t		  want;

	if (e->npeers == e->peers_alloc) {
		want = e->peers_alloc ? e->peers_alloc * 2 : 16;
		if ((n = realloc(e->peers, want * sizeof(*n))) == NULL)
			return BT_ERR_NOMEM;
		e->peers = n;
		e->peers_alloc = want;
	}
	e->peers[e->npeers++] = p;
	return BT_OK;
}

static void
queue_handshake(struct engine *e, struct peer *p)
{
	if (wire_handshake_encode(&p->out, e->meta->info_hash,
	    e->peer_id) != BT_OK)
		peer_kill(p, "cannot queue handshake");
}

static void
connect_known(struct engine *e, struct known_peer *k)
{
	struct peer	*p;
	int		 fd;

	k->retry_ms = e->now_ms + RETRY_BASE_MS * (1u << (k->fails < 6 ?
	    k->fails : 6));
	fd = socket(k->addr.ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		return;
	if (fd >= FD_SETSIZE || set_nonblock(fd) != BT_OK) {
		/* select() cannot watch it: refuse rather than FD_SET it */
		close(fd);
		return;
	}
	if (connect(fd, (struct sockaddr *)&k->addr.ss, k->addr.len) < 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		k->fails++;
		return;
	}
	p = peer_new(e->next_peer_id++, fd, &k->addr, 1,
	    e->meta->num_pieces, e->now_ms);
	if (p == NULL || add_peer(e, p) != BT_OK) {
		peer_free(p);
		return;
	}
	k->connected = 1;
}

static size_t
count_connecting(const struct engine *e)
{
	size_t	i, n = 0;

	for (i = 0; i < e->npeers; i++)
		if (e->peers[i]->state == PEER_CONNECTING)
			n++;
	return n;
}

static void
connect_more(struct engine *e)
{
	size_t	i, connecting = count_connecting(e);

	if ((picker_complete(e->picker) && !e->cfg->seed) || e->paused ||
	    e->errored)
		return;
	for (i = 0; i < e->nknown; i++) {
		struct known_peer *k = &e->known[i];

		if (e->npeers >= e->cfg->max_peers ||
		    connecting >= MAX_CONNECTING)
			return;
		if (k->connected || k->banned || k->retry_ms > e->now_ms)
			continue;
		connect_known(e, k);
		if (k->connected)
			connecting++;
	}
}

/* ---- tracker callbacks ---- */

static void
tracker_on_peers(void *arg, const struct tracker_peer *v, size_t n)
{
	struct engine	*e = arg;
	struct peer_addr a;
	size_t		 i;

	for (i = 0; i < n; i++) {
		memset(&a, 0, sizeof(a));
		if (v[i].family == AF_INET) {
			struct sockaddr_in *s4 = (void *)&a.ss;

			s4->sin_family = AF_INET;
			memcpy(&s4->sin_addr, v[i].addr, 4);
			s4->sin_port = htons(v[i].port);
			a.len = sizeof(*s4);
		} else if (v[i].family == AF_INET6) {
			struct sockaddr_in6 *s6 = (void *)&a.ss;

			s6->sin6_family = AF_INET6;
			memcpy(&s6->sin6_addr, v[i].addr, 16);
			s6->sin6_port = htons(v[i].port);
			a.len = sizeof(*s6);
		} else
			continue;
		known_add(e, &a);
	}
}

static void
tracker_on_log(void *arg, const char *line)
{
	engine_log(arg, "%s", line);
}

static void
tracker_get_stats(void *arg, uint64_t *up, uint64_t *down, uint64_t *left)
{
	struct engine	*e = arg;

	*up = rate_total(&e->up);
	*down = rate_total(&e->down);
	*left = e->meta->total_length - e->have_bytes;
}

/* ---- messages from a peer ---- */

static int
peer_has_wanted(struct engine *e, struct peer *p)
{
	uint32_t	i;

	if (picker_complete(e->picker))
		return 0;
	for (i = 0; i < e->meta->num_pieces; i++)
		if (bitfield_get(&p->have, i) && !picker_have(e->picker, i))
			return 1;
	return 0;
}

static void
set_interest(struct peer *p, int want)
{
	if (want == p->am_interested)
		return;
	p->am_interested = want;
	if (wire_put_simple(&p->out, want ? WIRE_INTERESTED :
	    WIRE_NOT_INTERESTED) != BT_OK)
		peer_kill(p, "output buffer full");
}

/* Pieces whose every block went back to missing lose their buffers. */
static int
keep_buffer(void *arg, uint32_t piece)
{
	struct engine	*e = arg;

	return picker_piece_state(e->picker, piece) != PICKER_MISSING;
}

static void
release_requests(struct engine *e, struct peer *p)
{
	if (p->nreqs == 0)
		return;
	picker_peer_gone(e->picker, p->id);
	p->nreqs = 0;
	e->pick_gen++;		/* others may now pick what it held */
	blockcache_prune(e->cache, keep_buffer, e);
}

static void
fill_requests(struct engine *e, struct peer *p)
{
	struct picker_block	 b;
	size_t			 target;

	if (p->state != PEER_ACTIVE || p->peer_choking || !p->am_interested)
		return;
	/* Nothing to pick last time and nothing changed since: a failed
	 * pick can cost a scan over every piece, so don't repeat it. */
	if (p->pick_blocked && p->pick_gen == e->pick_gen)
		return;
	p->pick_blocked = 0;
	target = peer_pipeline_target(p, e->now_ms);
	while (p->nreqs < target) {
		if (picker_pick(e->picker, p->id, &p->have, &b) != BT_OK) {
			p->pick_blocked = 1;
			p->pick_gen = e->pick_gen;
			break;
		}
		if (blockcache_get(e->cache, b.piece, metainfo_piece_size(
		    e->meta, b.piece)) == NULL) {
			picker_unrequest(e->picker, p->id, b.piece, b.begin);
			fatal(e, 2, "out of memory for piece buffers");
			return;
		}
		if (peer_add_request(p, &b) != BT_OK ||
		    wire_put_request(&p->out, b.piece, b.begin,
		    b.length) != BT_OK) {
			picker_unrequest(e->picker, p->id, b.piece, b.begin);
			break;
		}
	}
}

static void
broadcast_have(struct engine *e, uint32_t piece)
{
	size_t	i;

	for (i = 0; i < e->npeers; i++) {
		struct peer *p = e->peers[i];

		if (p->state != PEER_ACTIVE)
			continue;
		if (wire_put_have(&p->out, piece) != BT_OK)
			peer_kill(p, "output buffer full");
	}
}

struct peer *
engine_peer_by_id(struct engine *e, uint32_t id)
{
	size_t	i;

	for (i = 0; i < e->npeers; i++)
		if (e->peers[i]->id == id)
			return e->peers[i];
	return NULL;
}

/*
 * Bans are kept by address, and on loopback (where every peer has the same
 * address) by peer id: a banned peer that connects to us again is dropped at
 * its handshake, one we know is never dialled again.
 */
static void
ban_peer(struct engine *e, struct peer *p)
{
	struct known_peer	*k;
	struct ban		*n;

	engine_log(e, "peer %s sent %u bad pieces: banned", p->name,
	    p->hashfails);
	if ((k = known_find(e, &p->addr)) != NULL)
		k->banned = 1;
	if ((n = realloc(e->bans, (e->nbans + 1) * sizeof(*n))) != NULL) {
		e->bans = n;
		n[e->nbans].addr = p->addr;
		memcpy(n[e->nbans].peer_id, p->peer_id, 20);
		e->nbans++;
	}
	peer_kill(p, "banned after %u hash failures", p->hashfails);
}

static int
is_loopback(const struct peer_addr *a)
{
	const struct sockaddr_in	*s4 = (const void *)&a->ss;
	const struct sockaddr_in6	*s6 = (const void *)&a->ss;

	if (a->ss.ss_family == AF_INET)
		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	return a->ss.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
}

static int
same_host(const struct peer_addr *a, const struct peer_addr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return 0;
	if (a->ss.ss_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)&a->ss)->
		    sin_addr.s_addr == ((const struct sockaddr_in *)
		    (const void *)&b->ss)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)(const void *)&a->ss)->
	    sin6_addr, &((const struct sockaddr_in6 *)(const void *)&b->ss)->
	    sin6_addr, 16) == 0;
}

static int
is_banned(const struct engine *e, const struct peer *p)
{
	size_t	i;

	for (i = 0; i < e->nbans; i++) {
		if (!same_host(&e->bans[i].addr, &p->addr))
			continue;
		if (!is_loopback(&p->addr) ||
		    memcmp(e->bans[i].peer_id, p->peer_id, 20) == 0)
			return 1;
	}
	return 0;
}

static void
strike(struct engine *e, uint32_t peer_id)
{
	struct peer	*p = engine_peer_by_id(e, peer_id);

	if (p != NULL && p->state != PEER_DEAD && ++p->hashfails >= HASHFAIL_BAN)
		ban_peer(e, p);
}

/* Who sent each block of a piece in progress (BLAME_NOBODY: nobody). */
static uint32_t *
block_senders(struct engine *e, uint32_t piece, uint32_t *n_out)
{
	struct picker_block_info	 bi;
	uint32_t			*v, i, n;

	n = picker_blocks_in_piece(e->picker, piece);
	*n_out = 0;
	if (n == 0 || (v = calloc(n, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		v[i] = picker_block_info(e->picker, piece, i, &bi) == BT_OK &&
		    bi.state == PICKER_BLOCK_RECEIVED &&
		    bi.peer_id != PICKER_PEER_NONE ? bi.peer_id : BLAME_NOBODY;
	*n_out = n;
	return v;
}

static void
blame_failed(struct engine *e, uint32_t piece,
    const struct blockcache_piece *bp)
{
	uint32_t	*senders, n, sole;

	if ((senders = block_senders(e, piece, &n)) == NULL)
		return;
	sole = blame_piece_failed(e->blame, piece, bp->data, bp->size,
	    senders, n);
	free(senders);
	if (sole != BLAME_NOBODY)
		strike(e, sole);
}

static void
blame_passed(struct engine *e, uint32_t piece,
    const struct blockcache_piece *bp)
{
	uint32_t	ids[16];
	size_t		n, i;

	n = blame_piece_passed(e->blame, piece, bp->data, bp->size, ids, 16);
	for (i = 0; i < n; i++)
		strike(e, ids[i]);
}

/*
 * A verified piece goes to disk in chunks of WRITE_CHUNK: measured here, one
 * 1 MiB write costs the kernel several times what eight 128 KiB writes do
 * (page-cache copies of large writes land on cold memory).
 */
static int
write_piece(struct engine *e, uint32_t piece,
    const struct blockcache_piece *bp)
{
	uint32_t	at, n;
	int		r;

	for (at = 0; at < bp->size; at += n) {
		n = bp->size - at < WRITE_CHUNK ? bp->size - at : WRITE_CHUNK;
		if ((r = storage_write(e->store, piece, at, bp->data + at, n)) !=
		    BT_OK)
			return r;
	}
	return BT_OK;
}

static void
piece_done(struct engine *e, uint32_t piece)
{
	struct blockcache_piece	*bp = blockcache_find(e->cache, piece);
	int			 r;

	if (bp == NULL)
		return;
	if (storage_check_buffer(e->meta, piece, bp->data, bp->size) != BT_OK) {
		e->hashfails++;
		if (e->piece_fails[piece] < UINT8_MAX)
			e->piece_fails[piece]++;
		e->wasted += bp->size;
		engine_log(e, "piece %u failed its hash check; downloading "
		    "it again", piece);
		blame_failed(e, piece, bp);
		picker_piece_failed(e->picker, piece);
		e->pick_gen++;
		return;
	}
	if ((r = write_piece(e, piece, bp)) != BT_OK) {
		/* Back to the picker, or the piece would stay "received"
		 * for good: after a resume (space freed) it is fetched and
		 * written again. */
		picker_piece_failed(e->picker, piece);
		e->pick_gen++;
		fatal(e, 2, storage_error(e->store));
		return;
	}
	blame_passed(e, piece, bp);
	e->have_bytes += bp->size;
	e->resume_dirty = 1;
	picker_set_have(e->picker, piece);
	blockcache_drop(e->cache, piece);
	broadcast_have(e, piece);
}

static void
send_cancels(struct engine *e, uint32_t *ids, size_t n,
    const struct wire_msg *m)
{
	struct peer	*q;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if ((q = engine_peer_by_id(e, ids[i])) == NULL)
			continue;
		if (peer_remove_request(q, m->index, m->begin))
			(void)wire_put_cancel(&q->out, m->index, m->begin,
			    (uint32_t)m->data_len);
	}
}

/* A block nobody asked for (or that came too late): once per peer, so a
 * peer cannot flood the log. */
static void
log_unasked(struct engine *e, struct peer *p, const struct wire_msg *m)
{
	if (p->logged & PEER_LOGGED_UNASKED)
		return;
	p->logged |= PEER_LOGGED_UNASKED;
	engine_log(e, "peer %s: a block we did not ask for (piece %u at %u): "
	    "ignored", p->name, m->index, m->begin);
}

static void
on_piece(struct engine *e, struct peer *p, const struct wire_msg *m)
{
	struct blockcache_piece	*bp;
	uint32_t		 cancel[16];
	size_t			 ncancel = 0;
	int			 r;

	rate_add(&p->down, m->data_len, e->now_ms);
	rate_add(&e->down, m->data_len, e->now_ms);
	p->last_piece_ms = e->now_ms;
	p->snubbed = 0;
	peer_remove_request(p, m->index, m->begin);
	/* The buffer first: a block the picker counts as received must be
	 * in it, or the piece would complete without it. */
	bp = blockcache_find(e->cache, m->index);
	if (bp == NULL || m->begin > bp->size ||
	    m->data_len > bp->size - m->begin) {
		e->wasted += m->data_len;	/* not a piece in progress */
		log_unasked(e, p, m);
		return;
	}
	r = picker_on_block(e->picker, p->id, m->index, m->begin,
	    (uint32_t)m->data_len, cancel, 16, &ncancel);
	if (r < 0) {
		e->wasted += m->data_len;	/* late duplicate or unasked */
		log_unasked(e, p, m);
		return;
	}
	memcpy(bp->data + m->begin, m->data, m->data_len);
	send_cancels(e, cancel, ncancel < 16 ? ncancel : 16, m);
	if (r == 1)
		piece_done(e, m->index);
}

static void
on_request(struct engine *e, struct peer *p, const struct wire_msg *m)
{
	struct picker_block	b = { m->index, m->begin, m->length };

	if (p->am_choking) {		/* BEP 3: ignore while choked */
		if (!(p->logged & PEER_LOGGED_CHOKED_REQ))
			engine_log(e, "peer %s: requests while choked: "
			    "ignored", p->name);
		p->logged |= PEER_LOGGED_CHOKED_REQ;	/* once: no flood */
		return;
	}
	if (!picker_have(e->picker, m->index) ||
	    m->begin > metainfo_piece_size(e->meta, m->index) ||
	    m->length > metainfo_piece_size(e->meta, m->index) - m->begin) {
		peer_kill(p, "requested a block we do not have (piece %u)",
		    m->index);
		return;
	}
	/* Over the queue cap the request is dropped, as libtorrent does: the
	 * peer asks again when it times out. */
	(void)peer_queue_theirs(p, &b);
}

static void
on_have(struct engine *e, struct peer *p, uint32_t piece)
{
	if (bitfield_get(&p->have, piece))
		return;
	bitfield_set(&p->have, piece);
	p->have_known = 1;
	p->pick_blocked = 0;
	picker_peer_have(e->picker, piece);
	if (!picker_have(e->picker, piece))
		set_interest(p, 1);
}

static void
on_bitfield(struct engine *e, struct peer *p, const struct wire_msg *m)
{
	/* BEP 3 wants it first, but aria2c sends one again after HAVEs:
	 * accept a bitfield at any time, replacing what the peer said. */
	if (p->have_known)
		picker_peer_remove(e->picker, &p->have);
	if (bitfield_from_bytes(&p->have, m->data, m->data_len) != BT_OK) {
		peer_kill(p, "malformed bitfield");
		p->have_known = 0;	/* nothing left in availability */
		return;
	}
	p->have_known = 1;
	p->pick_blocked = 0;
	picker_peer_add(e->picker, &p->have);
	set_interest(p, peer_has_wanted(e, p));
}

static void
dispatch(struct engine *e, struct peer *p, const struct wire_msg *m)
{
	switch (m->type) {
	case WIRE_CHOKE:
		p->peer_choking = 1;
		release_requests(e, p);
		break;
	case WIRE_UNCHOKE:
		p->peer_choking = 0;
		p->unchoked_ms = p->last_piece_ms = e->now_ms;
		break;
	case WIRE_INTERESTED:
		p->peer_interested = 1;
		choker_on_interested(e->choker, e->peers, e->npeers, p);
		break;
	case WIRE_NOT_INTERESTED:
		p->peer_interested = 0;
		break;
	case WIRE_HAVE:
		on_have(e, p, m->index);
		break;
	case WIRE_BITFIELD:
		on_bitfield(e, p, m);
		break;
	case WIRE_REQUEST:
		on_request(e, p, m);
		break;
	case WIRE_PIECE:
		on_piece(e, p, m);
		break;
	case WIRE_CANCEL: {
		struct picker_block b = { m->index, m->begin, m->length };

		peer_cancel_theirs(p, &b);
		break;
	}
	default:			/* keep-alive, port, extensions */
		break;
	}
}

static int
peer_id_connected(const struct engine *e, const uint8_t id[20])
{
	size_t	i;

	for (i = 0; i < e->npeers; i++)
		if (e->peers[i]->state == PEER_ACTIVE &&
		    memcmp(e->peers[i]->peer_id, id, 20) == 0)
			return 1;
	return 0;
}

static void
on_handshake(struct engine *e, struct peer *p)
{
	struct wire_handshake	 hs;
	struct known_peer	*k;
	int			 r;

	if ((r = wire_handshake_decode(&p->in, &hs)) == BT_ERR_INCOMPLETE)
		return;
	if (r != BT_OK) {
		peer_kill(p, "bad handshake");
		return;
	}
	if (memcmp(hs.info_hash, e->meta->info_hash, 20) != 0) {
		engine_log(e, "peer %s: handshake for another torrent: "
		    "dropped", p->name);
		peer_kill(p, "handshake for another torrent");
		return;
	}
	if (memcmp(hs.peer_id, e->peer_id, 20) == 0) {
		if ((k = known_find(e, &p->addr)) != NULL)
			k->banned = 1;	/* ourselves, via the tracker */
		peer_kill(p, "connected to ourselves");
		return;
	}
	if (peer_id_connected(e, hs.peer_id)) {
		peer_kill(p, "already connected to this peer");
		return;
	}
	memcpy(p->peer_id, hs.peer_id, 20);
	if (is_banned(e, p)) {
		engine_log(e, "peer %s: banned earlier: dropped", p->name);
		peer_kill(p, "banned");
		return;
	}
	wire_client_name(p->peer_id, p->client, sizeof(p->client));
	if (!p->outgoing)
		queue_handshake(e, p);
	p->state = PEER_ACTIVE;
	if (picker_have_count(e->picker) > 0)
		(void)wire_put_bitfield(&p->out,
		    bitfield_bytes(picker_have_bitfield(e->picker)),
		    bitfield_nbytes(picker_have_bitfield(e->picker)));
	if ((k = known_find(e, &p->addr)) != NULL)
		k->fails = 0;
}

static void
process_input(struct engine *e, struct peer *p)
{
	struct wire_msg	m;
	int		r;

	if (p->state == PEER_HANDSHAKE)
		on_handshake(e, p);
	while (p->state == PEER_ACTIVE) {
		r = wire_decode(&p->in, e->meta->num_pieces, &m);
		if (r == BT_ERR_INCOMPLETE)
			break;
		if (r != BT_OK) {
			peer_kill(p, "protocol error: %s", bt_strerror(r));
			break;
		}
		dispatch(e, p, &m);
	}
}

/* ---- uploading ---- */

static void
serve_requests(struct engine *e, struct peer *p)
{
	struct picker_block	 b;
	uint8_t			*dst;

	while (p->state == PEER_ACTIVE && !p->am_choking &&
	    bbuf_len(&p->out) < UPLOAD_OUT_FILL && p->ntheirs > 0) {
		if (bucket_available(&e->up_bkt) == 0) {
			e->up_held = 1;
			return;
		}
		peer_pop_theirs(p, &b);
		if (wire_put_piece_header(&p->out, b.piece, b.begin,
		    b.length) != BT_OK ||
		    bbuf_reserve(&p->out, b.length, &dst) != BT_OK) {
			peer_kill(p, "output buffer full");
			return;
		}
		if (storage_read(e->store, b.piece, b.begin, dst,
		    b.length) != BT_OK) {
			fatal(e, 2, storage_error(e->store));
			return;
		}
		bbuf_commit(&p->out, b.length);
		bucket_consume(&e->up_bkt, b.length);
		rate_add(&p->up, b.length, e->now_ms);
		rate_add(&e->up, b.length, e->now_ms);
	}
}

/* ---- socket events ---- */

static void
on_connected(struct engine *e, struct peer *p)
{
	struct known_peer	*k = known_find(e, &p->addr);
	int			 err = 0;
	socklen_t		 len = sizeof(err);

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err != 0) {
		if (k != NULL)
			k->fails++;
		peer_kill(p, "connect: %s", strerror(err));
		return;
	}
	p->state = PEER_HANDSHAKE;
	queue_handshake(e, p);
}

static void
on_readable(struct engine *e, struct peer *p)
{
	uint64_t	avail;
	size_t		n;
	int		r;

	avail = bucket_available(&e->down_bkt);
	r = peer_read(p, e->now_ms, avail > SIZE_MAX ? SIZE_MAX : (size_t)avail,
	    &n);
	bucket_consume(&e->down_bkt, n);
	process_input(e, p);
	if (r == BT_ERR_CLOSED)
		peer_kill(p, "closed by peer");
	else if (r != BT_OK)
		peer_kill(p, "read: %s", strerror(errno));
}

static void
on_writable(struct engine *e, struct peer *p)
{
	size_t	n;

	if (p->state == PEER_CONNECTING) {
		on_connected(e, p);
		if (p->state == PEER_DEAD)
			return;
	}
	if (peer_flush(p, e->now_ms, &n) != BT_OK)
		peer_kill(p, "write: %s", strerror(errno));
}

static void
reap_peers(struct engine *e)
{
	struct known_peer	*k;
	size_t			 i = 0;

	while (i < e->npeers) {
		struct peer *p = e->peers[i];

		if (p->state != PEER_DEAD) {
			i++;
			continue;
		}
		if (p->state_before_death == PEER_ACTIVE)
			engine_log(e, "peer %s (%s) disconnected: %s", p->name,
			    p->client, p->dead_reason);
		release_requests(e, p);
		if (p->have_known)
			picker_peer_remove(e->picker, &p->have);
		if ((k = known_find(e, &p->addr)) != NULL)
			k->connected = 0;
		choker_peer_gone(e->choker, p);
		peer_free(p);
		e->peers[i] = e->peers[--e->npeers];
	}
}

/* ---- listening ---- */

static int
listen_on(uint16_t port)
{
	struct sockaddr_in	sin;
	int			fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons(port);
	if (fd >= FD_SETSIZE || set_nonblock(fd) != BT_OK ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 64) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Listens on cfg->port, or the next free one of LISTEN_PORT_TRIES. */
static void
setup_listen(struct engine *e)
{
	unsigned	i;
	uint32_t	port;

	for (i = 0; i < LISTEN_PORT_TRIES; i++) {
		port = (uint32_t)e->cfg->port + i;
		if (port > 65535)
			break;
		if ((e->listen_fd = listen_on((uint16_t)port)) >= 0) {
			e->port = (uint16_t)port;
			engine_log(e, "listening on port %u", e->port);
			return;
		}
	}
	e->port = e->cfg->port;
	engine_log(e, "cannot listen on ports %u-%u (%s): incoming peers "
	    "will not reach us (pick a free port with -p)", e->cfg->port,
	    e->cfg->port + LISTEN_PORT_TRIES - 1, strerror(errno));
}

static void
accept_one(struct engine *e, int fd, const struct peer_addr *a)
{
	struct peer	*p;

	if (fd >= FD_SETSIZE || e->npeers >= e->cfg->max_peers ||
	    e->checking || e->paused || e->errored ||
	    set_nonblock(fd) != BT_OK) {
		close(fd);	/* over the cap, or select() can't watch it */
		return;
	}
	p = peer_new(e->next_peer_id++, fd, a, 0, e->meta->num_pieces,
	    e->now_ms);
	if (p == NULL || add_peer(e, p) != BT_OK)
		peer_free(p);
}

static void
on_accept(struct engine *e)
{
	struct peer_addr	a;
	int			fd, n;

	for (n = 0; n < 64; n++) {
		memset(&a, 0, sizeof(a));
		a.len = sizeof(a.ss);
		fd = accept(e->listen_fd, (struct sockaddr *)&a.ss, &a.len);
		if (fd < 0)
			return;		/* EAGAIN, or a transient error */
		accept_one(e, fd, &a);
	}
}

/* ---- checking data already on disk ---- */

/* Whether any file of the torrent already has bytes on disk. */
static int
data_on_disk(const struct engine *e)
{
	char		path[4096];
	struct stat	st;
	size_t		i;

	for (i = 0; i < e->meta->nfiles; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", e->cfg->dir,
		    e->meta->files[i].path) >= sizeof(path))
			continue;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size > 0)
			return 1;
	}
	return 0;
}

static void
check_done(struct engine *e)
{
	char	size[32];

	e->checking = 0;
	fmt_bytes(size, sizeof(size), e->have_bytes);
	engine_log(e, "checked data on disk: %u of %u pieces good (%s, "
	    "%llu bytes)", picker_have_count(e->picker), e->meta->num_pieces,
	    size, (unsigned long long)e->have_bytes);
	if (picker_complete(e->picker))
		e->completed_sent = 1;	/* complete before we started */
	save_resume(e);
	if (e->tracker != NULL)
		tracker_announce(e->tracker, TRACKER_EV_STARTED, e->now_ms);
}

/* Hashes pieces for up to CHECK_SLICE_MS, so the loop keeps turning. */
static void
check_some(struct engine *e)
{
	uint64_t	until = engine_clock_ms() + CHECK_SLICE_MS;

	while (e->check_next < e->meta->num_pieces && engine_clock_ms() < until) {
		uint32_t piece = e->check_next++;

		if (storage_verify_piece(e->store, piece) == BT_OK) {
			picker_set_have(e->picker, piece);
			e->have_bytes += metainfo_piece_size(e->meta, piece);
		}
	}
	if (e->check_next >= e->meta->num_pieces)
		check_done(e);
}

/* ---- resume record ---- */

/* The files as they are on disk now; NULL when one cannot be stat()ed. */
static struct resume_file *
stat_files(struct engine *e)
{
	struct resume_file	*v;
	size_t			 i;

	if ((v = calloc(e->meta->nfiles, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < e->meta->nfiles; i++) {
		if (storage_file_stat(e->store, i, &v[i].size, &v[i].mtime_s,
		    &v[i].mtime_ns) != BT_OK) {
			free(v);
			return NULL;
		}
	}
	return v;
}

/* Writes the record: data first (fsync), then the files' stat, then the
 * record, so it never claims a piece that is not on disk. */
static void
save_resume(struct engine *e)
{
	const struct bitfield	*have = picker_have_bitfield(e->picker);
	struct resume_record	 rec;
	struct resume_file	*files;
	int			 r;

	e->resume_dirty = 0;
	e->next_resume_ms = e->now_ms + RESUME_SAVE_MS;
	if (e->resume_path[0] == '\0' || e->checking)
		return;
	if (storage_sync(e->store) != BT_OK ||
	    (files = stat_files(e)) == NULL) {
		engine_log(e, "cannot save resume data: %s",
		    storage_error(e->store));
		return;
	}
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.info_hash, e->meta->info_hash, 20);
	rec.num_pieces = e->meta->num_pieces;
	rec.bitfield = bitfield_bytes(have);
	rec.bitfield_len = bitfield_nbytes(have);
	rec.files = files;
	rec.nfiles = e->meta->nfiles;
	if ((r = resume_save(e->resume_path, &rec)) != BT_OK)
		engine_log(e, "cannot save resume data to %s: %s",
		    e->resume_path, bt_strerror(r));
	free(files);
}

/* Trusts the record when it matches the files on disk; 1 when it did. */
static int
load_resume(struct engine *e)
{
	struct resume_record	 rec;
	struct resume_file	*files;
	char			 err[256];
	uint32_t		 i;
	int			 r, ok = 0;

	r = resume_load(e->resume_path, &rec, err, sizeof(err));
	if (r == BT_ERR_NOTFOUND)
		return 0;
	if (r != BT_OK) {
		engine_log(e, "ignoring resume data: %s", err);
		return 0;
	}
	if ((files = stat_files(e)) != NULL &&
	    resume_matches(&rec, e->meta->info_hash, e->meta->num_pieces,
	    files, e->meta->nfiles)) {
		for (i = 0; i < e->meta->num_pieces; i++) {
			if (!(rec.bitfield[i / 8] & (0x80 >> (i % 8))))
				continue;
			picker_set_have(e->picker, i);
			e->have_bytes += metainfo_piece_size(e->meta, i);
		}
		ok = 1;
	}
	free(files);
	resume_record_cleanup(&rec);
	return ok;
}

/* Where to start from: the resume record when it matches the files, a
 * full hash check when there is data on disk, nothing otherwise. */
static void
choose_start(struct engine *e, int had_data)
{
	if (resume_path(e->resume_path, sizeof(e->resume_path), NULL,
	    e->meta->info_hash) != BT_OK) {
		engine_log(e, "no place for resume data (set HOME or "
		    "XDG_STATE_HOME): every start will check the data");
		e->resume_path[0] = '\0';
	}
	if (!e->cfg->verify && e->resume_path[0] != '\0' && load_resume(e)) {
		engine_log(e, "resumed: %u of %u pieces verified earlier",
		    picker_have_count(e->picker), e->meta->num_pieces);
		if (picker_complete(e->picker))
			e->completed_sent = 1;
		return;
	}
	e->checking = e->cfg->verify || had_data;
}

/* ---- rate limits ---- */

/* Limits in bytes per second, 0 for none; may change at run time. */
void
engine_set_limits(struct engine *e, uint64_t down_bps, uint64_t up_bps)
{
	bucket_set_rate(&e->down_bkt, down_bps, e->now_ms);
	bucket_set_rate(&e->up_bkt, up_bps, e->now_ms);
}

static void
kill_all_peers(struct engine *e, const char *why)
{
	size_t	i;

	for (i = 0; i < e->npeers; i++)
		peer_kill(e->peers[i], "%s", why);
}

/* Pausing drops every peer and stops dialling and announcing; resuming
 * (also after an error) starts again, with the tracker told at once. */
void
engine_pause(struct engine *e, int pause)
{
	if (pause) {
		if (e->paused)
			return;
		e->paused = 1;
		kill_all_peers(e, "paused");
		engine_log(e, "paused");
		return;
	}
	if (!e->paused && !e->errored)
		return;
	e->paused = e->errored = 0;
	e->error[0] = '\0';
	engine_log(e, "resumed");
	engine_reannounce(e);
}

void
engine_reannounce(struct engine *e)
{
	size_t	i;

	for (i = 0; i < e->nknown; i++)
		e->known[i].retry_ms = 0;	/* dial the known ones again */
	if (e->tracker != NULL)
		tracker_announce(e->tracker, TRACKER_EV_NONE, e->now_ms);
}

/* ---- timers ---- */

static void
check_timeouts(struct engine *e)
{
	size_t	i;

	for (i = 0; i < e->npeers; i++) {
		struct peer *p = e->peers[i];

		if (p->state == PEER_CONNECTING &&
		    e->now_ms - p->connected_ms > CONNECT_TIMEOUT_MS) {
			struct known_peer *k = known_find(e, &p->addr);

			if (k != NULL)
				k->fails++;
			peer_kill(p, "connect timed out");
		} else if (p->state == PEER_HANDSHAKE &&
		    e->now_ms - p->connected_ms > HANDSHAKE_TIMEOUT_MS) {
			engine_log(e, "peer %s: no handshake within %d s: "
			    "dropped", p->name, HANDSHAKE_TIMEOUT_MS / 1000);
			peer_kill(p, "no handshake");
		} else if (p->state != PEER_CONNECTING &&
		    e->now_ms - p->last_recv_ms > SILENCE_DROP_MS) {
			peer_kill(p, "silent for 3 minutes");
		} else if (p->state == PEER_ACTIVE && !p->peer_choking &&
		    p->nreqs > 0 && !p->snubbed &&
		    e->now_ms - p->last_piece_ms > SNUB_MS) {
			p->snubbed = 1;	/* no data for 60 s: ask others */
			release_requests(e, p);
		}
		if (p->state == PEER_ACTIVE &&
		    e->now_ms - p->last_send_ms > KEEPALIVE_MS &&
		    bbuf_len(&p->out) == 0)
			(void)wire_put_keepalive(&p->out);
	}
}

/* Whether some known address may be dialled now or soon. */
static int
known_to_try(const struct engine *e)
{
	size_t	i;

	for (i = 0; i < e->nknown; i++)
		if (!e->known[i].connected && !e->known[i].banned &&
		    e->known[i].retry_ms <= e->now_ms + RETRY_BASE_MS)
			return 1;
	return 0;
}

/* --seed-ratio reached: time to stop. */
static int
seeding_done(const struct engine *e)
{
	return picker_complete(e->picker) && e->cfg->seed &&
	    e->cfg->seed_ratio > 0 && (double)rate_total(&e->up) >=
	    e->cfg->seed_ratio * (double)e->meta->total_length;
}

static void
run_timers(struct engine *e)
{
	size_t	i;

	control_tick(e);
	check_timeouts(e);
	if (e->resume_dirty && e->now_ms >= e->next_resume_ms)
		save_resume(e);
	if (e->now_ms >= e->next_choke_ms) {
		e->next_choke_ms = e->now_ms + CHOKE_ROUND_MS;
		for (i = 0; i < e->npeers; i++)
			if (e->peers[i]->state == PEER_ACTIVE)
				set_interest(e->peers[i],
				    peer_has_wanted(e, e->peers[i]));
		choker_round(e->choker, e->peers, e->npeers,
		    picker_complete(e->picker),
		    e->now_ms >= e->next_optimistic_ms, e->now_ms);
		if (e->now_ms >= e->next_optimistic_ms)
			e->next_optimistic_ms = e->now_ms +
			    OPTIMISTIC_ROUND_MS;
	}
	if (e->checking) {
		if (e->ipc_fd < 0 && e->now_ms >= e->next_status_ms) {
			e->next_status_ms = e->now_ms + STATUS_MS;
			printf("checking: %.1f%%\n", 100.0 *
			    (double)e->check_next / e->meta->num_pieces);
			fflush(stdout);
		}
		return;
	}
	/* Out of peers and of addresses to try: ask the trackers for more
	 * (they let us at most every 30 s). */
	if (e->tracker != NULL && engine_count_active(e) == 0 &&
	    count_connecting(e) == 0 && !known_to_try(e) &&
	    !seeding_done(e) && !e->paused && !e->errored)
		tracker_announce(e->tracker, TRACKER_EV_NONE, e->now_ms);
	connect_more(e);
	if (e->ipc_fd < 0 && e->now_ms >= e->next_status_ms) {
		e->next_status_ms = e->now_ms + STATUS_MS;
		print_status(e);
	}
}

/* ---- the loop ---- */

static int
fill_sets(struct engine *e, fd_set *rd, fd_set *wr, int *maxfd)
{
	size_t	i;

	FD_ZERO(rd);
	FD_ZERO(wr);
	*maxfd = sigpipe_fd(&e->sigs);
	FD_SET(sigpipe_fd(&e->sigs), rd);
	if (e->listen_fd >= 0) {
		FD_SET(e->listen_fd, rd);
		if (e->listen_fd > *maxfd)
			*maxfd = e->listen_fd;
	}
	e->down_held = bucket_available(&e->down_bkt) == 0;
	for (i = 0; i < e->npeers; i++) {
		struct peer *p = e->peers[i];

		if (p->state == PEER_DEAD)
			continue;
		if (p->state != PEER_CONNECTING && bbuf_avail(&p->in) > 0 &&
		    !e->down_held)
			FD_SET(p->fd, rd);
		if (peer_wants_write(p))
			FD_SET(p->fd, wr);
		if (p->fd > *maxfd)
			*maxfd = p->fd;
	}
	if (e->tracker != NULL)
		tracker_fdset(e->tracker, rd, wr, maxfd);
	control_fdset(e, rd, wr, maxfd);
	return BT_OK;
}

static long
wait_ms(struct engine *e)
{
	int64_t	t = ENGINE_MAX_WAIT_MS, tt;

	if (e->tracker != NULL) {
		tt = tracker_timeout_ms(e->tracker, e->now_ms);
		if (tt >= 0 && tt < t)
			t = tt;
	}
	if (e->next_status_ms > e->now_ms &&
	    (int64_t)(e->next_status_ms - e->now_ms) < t)
		t = (int64_t)(e->next_status_ms - e->now_ms);
	if ((tt = control_timeout_ms(e)) >= 0 && tt < t)
		t = tt;
	if (e->checking)
		t = 0;			/* hash more after a quick look */
	if (e->down_held && (tt = bucket_wait_ms(&e->down_bkt,
	    PICKER_BLOCK_LEN)) < t)
		t = tt;
	if (e->up_held && (tt = bucket_wait_ms(&e->up_bkt,
	    PICKER_BLOCK_LEN)) < t)
		t = tt;
	return (long)t;
}

static void
handle_peers(struct engine *e, fd_set *rd, fd_set *wr)
{
	size_t	i, n = e->npeers;

	/* Start at a rotating index so that, under a rate limit, the first
	 * peer in the array does not always take all the tokens.  Peers
	 * added during this pass (none are, today) wait a turn. */
	e->turn++;
	e->up_held = 0;
	for (i = 0; i < n; i++) {
		struct peer *p = e->peers[(i + e->turn) % n];

		if (p->state != PEER_DEAD && FD_ISSET(p->fd, wr))
			on_writable(e, p);
		if (p->state != PEER_DEAD && FD_ISSET(p->fd, rd))
			on_readable(e, p);
		if (p->state == PEER_ACTIVE) {
			fill_requests(e, p);
			serve_requests(e, p);
		}
	}
}

static void
drain_signals(struct engine *e)
{
	int	sig[16];
	size_t	n, i;

	/* A forked engine inherits the front's handlers (SIGWINCH...), which
	 * now write here too: only the stop signals count. */
	while ((n = sigpipe_drain(&e->sigs, sig, 16)) > 0)
		for (i = 0; i < n; i++)
			if (sig[i] == SIGTERM || sig[i] == SIGINT)
				e->stop = e->interrupted = 1;
}

static void
loop_turn(struct engine *e)
{
	fd_set		rd, wr;
	struct timeval	tv;
	long		ms;
	int		maxfd, n;

	e->now_ms = engine_clock_ms();
	fill_sets(e, &rd, &wr, &maxfd);
	ms = wait_ms(e);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	n = select(maxfd + 1, &rd, &wr, NULL, &tv);
	e->now_ms = engine_clock_ms();
	bucket_refill(&e->down_bkt, e->now_ms);
	bucket_refill(&e->up_bkt, e->now_ms);
	if (n < 0) {
		if (errno != EINTR)
			fatal(e, 2, "select failed");
		FD_ZERO(&rd);
		FD_ZERO(&wr);
	}
	if (FD_ISSET(sigpipe_fd(&e->sigs), &rd))
		drain_signals(e);
	control_perform(e, &rd, &wr);
	if (e->listen_fd >= 0 && FD_ISSET(e->listen_fd, &rd))
		on_accept(e);
	if (e->checking)
		check_some(e);
	handle_peers(e, &rd, &wr);
	if (e->tracker != NULL)
		tracker_perform(e->tracker, &rd, &wr, e->now_ms);
	run_timers(e);
	reap_peers(e);
}

static void
check_complete(struct engine *e)
{
	if (e->checking || !picker_complete(e->picker))
		return;
	if (seeding_done(e)) {
		engine_log(e, "seed ratio %.2f reached", e->cfg->seed_ratio);
		e->stop = 1;
		return;
	}
	if (e->completed_sent) {
		if (!e->cfg->seed)
			e->stop = 1;	/* complete at start, nothing to do */
		return;
	}
	e->completed_sent = 1;
	if (storage_sync(e->store) != BT_OK) {
		e->completed_sent = 0;	/* a resume syncs again */
		fatal(e, 2, storage_error(e->store));
		return;
	}
	if (e->ipc_fd < 0) {
		print_status(e);
		printf("Download complete\n");
		fflush(stdout);
	} else
		engine_log(e, "Download complete");
	if (e->cfg->seed)
		engine_log(e, "seeding");
	if (e->tracker != NULL)
		tracker_announce(e->tracker, TRACKER_EV_COMPLETED, e->now_ms);
	if (!e->cfg->seed)
		e->stop = 1;
}

/* ---- set-up and tear-down ---- */

static int
setup_signals(struct engine *e)
{
	int	r;

	r = sigpipe_open(&e->sigs, stop_signals, e->ipc_fd < 0 ? 2 : 1);
	if (r == BT_OK && e->ipc_fd >= 0)
		signal(SIGINT, SIG_IGN);
	return r;
}

static void
make_peer_id(struct engine *e)
{
	uint8_t		rnd[12];
	uint64_t	a = rng_next(&e->rng), b = rng_next(&e->rng);

	memcpy(rnd, &a, 8);
	memcpy(rnd + 8, &b, 4);
	wire_make_peer_id(e->peer_id, rnd);
}

static int
setup(struct engine *e, const struct engine_config *cfg, int ipc_fd)
{
	char			err[512];
	struct tracker_cb	cb;
	struct peer_addr	a;
	size_t			i;
	int			had_data, r;

	memset(e, 0, sizeof(*e));
	e->cfg = cfg;
	e->ipc_fd = -1;			/* until the channel is open */
	e->listen_fd = -1;
	sigpipe_init(&e->sigs);
	e->now_ms = e->start_ms = engine_clock_ms();
	e->rng = cfg->rng_seed ? cfg->rng_seed :
	    (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ e->now_ms;
	rate_init(&e->down);
	rate_init(&e->up);
	make_peer_id(e);
	r = metainfo_load(cfg->torrent_path, &e->meta, err, sizeof(err));
	if (ipc_fd >= 0 && control_open(e, ipc_fd) != BT_OK)
		return 2;
	e->ipc_fd = ipc_fd;
	if (r != BT_OK) {
		engine_logl(e, MSG_LOG_ERROR, "%s", err); /* err names the file */
		return 1;
	}
	had_data = data_on_disk(e);	/* before storage_open creates files */
	if (storage_open(e->meta, cfg->dir, &e->store, err, sizeof(err)) !=
	    BT_OK) {
		engine_logl(e, MSG_LOG_ERROR, "%s", err);
		return 1;	/* the directory: a restart cannot mend it */
	}
	e->picker = picker_new(e->meta->num_pieces, e->meta->piece_length,
	    e->meta->total_length, rng_next(&e->rng));
	e->cache = blockcache_new(e->meta->piece_length);
	e->piece_fails = calloc(e->meta->num_pieces, 1);
	e->blame = blame_new();
	e->choker = choker_new(cfg->upload_slots, rng_next(&e->rng));
	if (e->picker == NULL || e->cache == NULL || e->choker == NULL ||
	    e->piece_fails == NULL || e->blame == NULL ||
	    setup_signals(e) != BT_OK) {
		engine_log(e, "out of memory");
		return 2;
	}
	for (i = 0; i < cfg->npeers; i++) {
		if (peer_addr_parse(cfg->peers[i], &a) != BT_OK) {
			engine_log(e, "--peer %s: not HOST:PORT", cfg->peers[i]);
			return 1;
		}
		known_add(e, &a);
	}
	bucket_init(&e->down_bkt, cfg->max_down_bps, e->now_ms);
	bucket_init(&e->up_bkt, cfg->max_up_bps, e->now_ms);
	engine_set_limits(e, cfg->max_down_bps, cfg->max_up_bps);
	setup_listen(e);
	choose_start(e, had_data);
	if (e->meta->ntiers > 0) {
		cb.arg = e;
		cb.on_peers = tracker_on_peers;
		cb.on_log = tracker_on_log;
		cb.get_stats = tracker_get_stats;
		e->tracker = tracker_new(e->meta->tiers, e->meta->ntiers,
		    e->meta->info_hash, e->peer_id, e->port, rng_next(&e->rng),
		    &cb);
		if (e->tracker == NULL) {
			engine_log(e, "cannot start the tracker client");
			return 2;
		}
	}
	return 0;
}

static void
announce_stopped(struct engine *e)
{
	uint64_t	until;

	if (e->tracker == NULL)
		return;
	tracker_announce(e->tracker, TRACKER_EV_STOPPED, engine_clock_ms());
	until = engine_clock_ms() + STOP_ANNOUNCE_WAIT_MS;
	while (tracker_busy(e->tracker) && engine_clock_ms() < until) {
		fd_set		rd, wr;
		struct timeval	tv = { 0, 50000 };
		int		maxfd = -1;

		FD_ZERO(&rd);
		FD_ZERO(&wr);
		tracker_fdset(e->tracker, &rd, &wr, &maxfd);
		if (select(maxfd + 1, &rd, &wr, NULL, &tv) < 0) {
			FD_ZERO(&rd);
			FD_ZERO(&wr);
		}
		tracker_perform(e->tracker, &rd, &wr, engine_clock_ms());
		/* The front's watchdog is still watching: up to 3 s of
		 * waiting on a silent tracker must not look like a hang. */
		e->now_ms = engine_clock_ms();
		control_tick(e);
	}
}

static void
teardown(struct engine *e)
{
	size_t	i;

	for (i = 0; i < e->npeers; i++)
		peer_free(e->peers[i]);
	free(e->peers);
	free(e->known);
	tracker_free(e->tracker);
	choker_free(e->choker);
	blockcache_free(e->cache);
	picker_free(e->picker);
	storage_close(e->store);
	metainfo_free(e->meta);
	free(e->piece_fails);
	free(e->bans);
	blame_free(e->blame);
	control_close(e);
	if (e->listen_fd >= 0)
		close(e->listen_fd);
	sigpipe_close(&e->sigs);
}

int
engine_run(const struct engine_config *cfg, int ipc_fd)
{
	struct engine	e;
	int		status;

	if ((status = setup(&e, cfg, ipc_fd)) != 0) {
		control_final(&e);
		teardown(&e);
		return status;
	}
	if (!e.checking && e.tracker != NULL)
		tracker_announce(e.tracker, TRACKER_EV_STARTED, e.now_ms);
	check_complete(&e);
	while (!e.stop) {
		loop_turn(&e);
		check_complete(&e);
	}
	if (e.exit_status == 0 || e.have_bytes > 0)
		save_resume(&e);	/* verified pieces are on disk */
	announce_stopped(&e);
	if (ipc_fd < 0)
		printf("Session: downloaded %llu bytes, uploaded %llu bytes, "
		    "wasted %llu bytes, %u hash failures\n",
		    (unsigned long long)rate_total(&e.down),
		    (unsigned long long)rate_total(&e.up),
		    (unsigned long long)e.wasted, e.hashfails);
	control_final(&e);
	status = e.exit_status;
	if (status == 0 && e.interrupted && !picker_complete(e.picker))
		status = 130;		/* stopped by a signal before the end */
	teardown(&e);
	return status;
}

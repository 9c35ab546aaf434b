/*
 * torrent: one torrent's life.  Its peers (the connections), the addresses
 * it knows, dialling, bans, the choke rounds and time-outs, pausing and
 * queueing, completion.  Peers are never freed inside their own handlers:
 * they are marked dead and reaped at the end of the turn (torrent_reap).
 */
#include "engine/torrent_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/loop.h"
#include "ipc/msg.h"
#include "engine/bitfield.h"
#include "engine/blame.h"
#include "engine/blockcache.h"
#include "engine/bucket.h"
#include "engine/choker.h"
#include "engine/engine.h"
#include "engine/metainfo.h"
#include "engine/peerproto.h"
#include "engine/picker.h"
#include "engine/rate.h"
#include "engine/rng.h"
#include "engine/storage.h"
#include "engine/tracker.h"
#include "engine/wire.h"

#define CONNECT_TIMEOUT_MS	10000
#define KEEPALIVE_MS		120000
#define SILENCE_DROP_MS		180000
#define HANDSHAKE_TIMEOUT_MS	20000	/* from the connect, either way */
#define SNUB_MS			60000
#define CHOKE_ROUND_MS		10000
#define OPTIMISTIC_ROUND_MS	30000
#define MAX_CONNECTING		16	/* half-open connects at once */
#define RETRY_BASE_MS		10000
#define HASHFAIL_BAN		3
#define MAX_KNOWN		2000
#define RESUME_SAVE_MS		30000	/* save the record this often */

void
torrent_log(struct torrent *t, int level, const char *fmt, ...)
{
	char	line[MSG_TEXT_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	t->env->log(t->env->arg, t->id, level, line);
}

static void
kill_all_peers(struct torrent *t, const char *why)
{
	size_t	i;

	for (i = 0; i < t->npeers; i++)
		peer_kill(t->peers[i], "%s", why);
}

/*
 * Something this torrent cannot go on from (a disk error).  It stays in
 * the session, idle, in the error state, so the user sees why; resuming it
 * tries again.  The other torrents go on.
 */
void
torrent_fatal(struct torrent *t, const char *msg)
{
	if (t->errored)
		return;
	torrent_log(t, MSG_LOG_ERROR, "%s", msg);
	t->errored = 1;
	snprintf(t->error, sizeof(t->error), "%s", msg);
	kill_all_peers(t, "stopped after an error");
}

/* ---- life cycle ---- */

static void	tracker_on_peers(void *, const struct tracker_peer *, size_t);
static int64_t	on_choke_round(void *, uint64_t);
static int64_t	on_resume_round(void *, uint64_t);
static void	tracker_on_log(void *, const char *);
static void	tracker_get_stats(void *, uint64_t *, uint64_t *, uint64_t *);

static int
setup_parts(struct torrent *t, char *err, size_t errlen)
{
	struct tracker_cb	cb;

	t->picker = picker_new(t->meta->num_pieces, t->meta->piece_length,
	    t->meta->total_length, rng_next(&t->rng));
	t->cache = blockcache_new(t->meta->piece_length);
	t->piece_fails = calloc(t->meta->num_pieces, 1);
	t->blame = blame_new();
	t->choker = choker_new(t->env->cfg->upload_slots, rng_next(&t->rng));
	rate_init(&t->down);
	rate_init(&t->up);
	if (t->picker == NULL || t->cache == NULL || t->choker == NULL ||
	    t->piece_fails == NULL || t->blame == NULL) {
		snprintf(err, errlen, "out of memory");
		return BT_ERR_NOMEM;
	}
	if (t->meta->ntiers == 0)
		return BT_OK;
	cb.arg = t;
	cb.on_peers = tracker_on_peers;
	cb.on_log = tracker_on_log;
	cb.get_stats = tracker_get_stats;
	t->tracker = tracker_new(t->meta->tiers, t->meta->ntiers,
	    t->meta->info_hash, t->env->peer_id, t->env->port,
	    rng_next(&t->rng), &cb, t->env->resolvers);
	if (t->tracker == NULL) {
		snprintf(err, errlen, "cannot start the tracker client");
		return BT_ERR_NOMEM;
	}
	return BT_OK;
}

int
torrent_new(struct torrent_env *env, uint32_t id,
    const struct torrent_params *p, struct worker_pool *workers,
    struct torrent **out, char *err, size_t errlen)
{
	struct torrent	*t;
	int		 r;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return BT_ERR_NOMEM;
	}
	t->env = env;
	t->id = id;
	t->workers = workers;
	t->rng = rng_next(&env->rng) ^ id;
	t->seed = p->seed;
	t->seed_ratio = p->seed_ratio;
	t->verify = p->verify;
	t->paused = p->paused;
	t->queued = 1;		/* until the session gives it a slot */
	snprintf(t->dir, sizeof(t->dir), "%s", p->dir);
	snprintf(t->resume_path, sizeof(t->resume_path), "%s",
	    p->resume_path != NULL ? p->resume_path : "");
	if ((r = metainfo_load(p->torrent_path, &t->meta, err, errlen)) !=
	    BT_OK)
		goto fail;
	t->had_data = torrent_data_on_disk(t);	/* before storage_open */
	if ((r = storage_open(t->meta, t->dir, &t->store, err, errlen)) !=
	    BT_OK ||
	    (r = storage_open(t->meta, t->dir, &t->wstore, err, errlen)) !=
	    BT_OK)
		goto fail;
	if ((r = setup_parts(t, err, errlen)) != BT_OK)
		goto fail;
	*out = t;
	return BT_OK;
fail:
	torrent_free(t);
	return r;
}

void
torrent_free(struct torrent *t)
{
	size_t	i;

	if (t == NULL)
		return;
	if (t->jobs > 0)
		torrent_wait_jobs(t);	/* they use wstore and the cache */
	if (t->env != NULL && t->env->loop != NULL) {
		loop_timer_del(t->env->loop, t->choke_timer);
		loop_timer_del(t->env->loop, t->resume_timer);
	}
	for (i = 0; i < t->npeers; i++)
		peer_free(t->peers[i]);
	if (t->env != NULL)
		t->env->npeers -= t->npeers;
	free(t->peers);
	free(t->known);
	free(t->bans);
	tracker_free(t->tracker);
	choker_free(t->choker);
	blockcache_free(t->cache);
	picker_free(t->picker);
	storage_close(t->store);
	storage_close(t->wstore);
	metainfo_free(t->meta);
	free(t->piece_fails);
	blame_free(t->blame);
	free(t);
}

void
torrent_start(struct torrent *t)
{
	t->started = 1;
	if (t->env->loop != NULL) {
		t->choke_timer = loop_timer_add(t->env->loop, 0, on_choke_round,
		    t);
		t->resume_timer = loop_timer_add(t->env->loop, RESUME_SAVE_MS,
		    on_resume_round, t);
	}
	torrent_choose_start(t);
	if (!t->checking && t->tracker != NULL && !t->paused && !t->queued)
		tracker_announce(t->tracker, TRACKER_EV_STARTED,
		    t->env->now_ms);
}

uint32_t
torrent_id(const struct torrent *t)
{
	return t->id;
}

const uint8_t *
torrent_info_hash(const struct torrent *t)
{
	return t->meta->info_hash;
}

const char *
torrent_name(const struct torrent *t)
{
	return t->meta->name;
}

int
torrent_complete(const struct torrent *t)
{
	return !t->checking && picker_complete(t->picker);
}

enum torrent_state
torrent_state(const struct torrent *t)
{
	if (t->errored)
		return TORRENT_ERROR;
	if (t->checking)
		return TORRENT_CHECKING;
	if (t->paused)
		return TORRENT_PAUSED;
	if (t->done)
		return TORRENT_DONE;
	if (picker_complete(t->picker))
		return TORRENT_SEEDING;
	return t->queued ? TORRENT_QUEUED : TORRENT_DOWNLOADING;
}

int
torrent_wants_slot(const struct torrent *t)
{
	return !t->errored && !t->paused && !t->checking &&
	    !picker_complete(t->picker);
}

int
torrent_failed(const struct torrent *t)
{
	return t->errored;
}

size_t
torrent_count_peers(const struct torrent *t)
{
	size_t	i, n = 0;

	for (i = 0; i < t->npeers; i++)
		if (t->peers[i]->state == PEER_ACTIVE)
			n++;
	return n;
}

/* ---- known peers and connecting ---- */

struct known_peer *
torrent_known_find(struct torrent *t, const struct peer_addr *a)
{
	size_t	i;

	for (i = 0; i < t->nknown; i++)
		if (peer_addr_equal(&t->known[i].addr, a))
			return &t->known[i];
	return NULL;
}

static void
known_add(struct torrent *t, const struct peer_addr *a)
{
	struct known_peer	*n;

	if (torrent_known_find(t, a) != NULL || t->nknown >= MAX_KNOWN)
		return;
	if ((n = realloc(t->known, (t->nknown + 1) * sizeof(*n))) == NULL)
		return;
	t->known = n;
	memset(&n[t->nknown], 0, sizeof(*n));
	n[t->nknown].addr = *a;
	t->nknown++;
}

static int
add_peer(struct torrent *t, struct peer *p)
{
	struct peer	**n;
	size_t		  want;

	if (t->npeers == t->peers_alloc) {
		want = t->peers_alloc ? t->peers_alloc * 2 : 16;
		if ((n = realloc(t->peers, want * sizeof(*n))) == NULL)
			return BT_ERR_NOMEM;
		t->peers = n;
		t->peers_alloc = want;
	}
	t->peers[t->npeers++] = p;
	t->env->npeers++;
	return BT_OK;
}

static void
connect_known(struct torrent *t, struct known_peer *k)
{
	struct peer	*p;
	int		 fd;

	k->retry_ms = t->env->now_ms + RETRY_BASE_MS * (1u << (k->fails < 6 ?
	    k->fails : 6));
	if ((fd = socket(k->addr.ss.ss_family, SOCK_STREAM, 0)) < 0)
		return;
	if (fd >= FD_SETSIZE || peer_fd_prepare(fd) != BT_OK) {
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
	p = peer_new(t->env->next_peer_id++, fd, &k->addr, 1,
	    t->meta->num_pieces, t->env->now_ms);
	if (p == NULL || add_peer(t, p) != BT_OK) {
		peer_free(p);
		return;
	}
	k->connected = 1;
}

static size_t
count_connecting(const struct torrent *t)
{
	size_t	i, n = 0;

	for (i = 0; i < t->npeers; i++)
		if (t->peers[i]->state == PEER_CONNECTING)
			n++;
	return n;
}

/* Neither dialling nor accepting: paused, queued, failed, checking, or
 * complete and not seeding. */
static int
idle(const struct torrent *t)
{
	return t->paused || t->queued || t->errored || t->checking ||
	    t->done || (picker_complete(t->picker) && !t->seed);
}

static void
connect_more(struct torrent *t)
{
	size_t	i, connecting = count_connecting(t);
	size_t	cap = t->env->cfg->max_peers;

	if (idle(t))
		return;
	for (i = 0; i < t->nknown; i++) {
		struct known_peer *k = &t->known[i];

		if (t->env->npeers >= cap || connecting >= MAX_CONNECTING)
			return;
		if (k->connected || k->banned || k->retry_ms > t->env->now_ms)
			continue;
		connect_known(t, k);
		if (k->connected)
			connecting++;
	}
}

/* A seeder takes peers even while queued (it wants no download slot); one
 * that reached its seed ratio is done and takes none. */
int
torrent_accepting(const struct torrent *t)
{
	return !idle(t) || (picker_complete(t->picker) && t->seed &&
	    !t->done && !t->paused && !t->errored && !t->checking);
}

void
torrent_adopt(struct torrent *t, struct peer *p,
    const struct wire_handshake *hs)
{
	if (!torrent_accepting(t) ||
	    peer_set_num_pieces(p, t->meta->num_pieces) != BT_OK ||
	    add_peer(t, p) != BT_OK) {
		peer_free(p);
		return;
	}
	peerproto_on_handshake(t, p, hs);
}

/* ---- tracker callbacks ---- */

static void
tracker_on_peers(void *arg, const struct tracker_peer *v, size_t n)
{
	struct torrent	*t = arg;
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
		known_add(t, &a);
	}
}

static void
tracker_on_log(void *arg, const char *line)
{
	torrent_log(arg, MSG_LOG_INFO, "%s", line);
}

static void
tracker_get_stats(void *arg, uint64_t *up, uint64_t *down, uint64_t *left)
{
	struct torrent	*t = arg;

	*up = rate_total(&t->up);
	*down = rate_total(&t->down);
	*left = t->meta->total_length - t->have_bytes;
}

/* ---- peers: lookups, bans, requests ---- */

struct peer *
torrent_peer_by_id(struct torrent *t, uint32_t id)
{
	size_t	i;

	for (i = 0; i < t->npeers; i++)
		if (t->peers[i]->id == id)
			return t->peers[i];
	return NULL;
}

int
torrent_peer_id_connected(const struct torrent *t, const uint8_t id[20])
{
	size_t	i;

	for (i = 0; i < t->npeers; i++)
		if (t->peers[i]->state == PEER_ACTIVE &&
		    memcmp(t->peers[i]->peer_id, id, 20) == 0)
			return 1;
	return 0;
}

/*
 * Bans are kept by address, and on loopback (where every peer has the same
 * address) by peer id: a banned peer that connects to us again is dropped at
 * its handshake, one we know is never dialled again.
 */
static void
ban_peer(struct torrent *t, struct peer *p)
{
	struct known_peer	*k;
	struct ban		*n;

	torrent_log(t, MSG_LOG_WARN, "peer %s sent %u bad pieces: banned",
	    p->name, p->hashfails);
	if ((k = torrent_known_find(t, &p->addr)) != NULL)
		k->banned = 1;
	if ((n = realloc(t->bans, (t->nbans + 1) * sizeof(*n))) != NULL) {
		t->bans = n;
		n[t->nbans].addr = p->addr;
		memcpy(n[t->nbans].peer_id, p->peer_id, 20);
		t->nbans++;
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
	const struct sockaddr_in	*a4 = (const void *)&a->ss;
	const struct sockaddr_in	*b4 = (const void *)&b->ss;
	const struct sockaddr_in6	*a6 = (const void *)&a->ss;
	const struct sockaddr_in6	*b6 = (const void *)&b->ss;

	if (a->ss.ss_family != b->ss.ss_family)
		return 0;
	if (a->ss.ss_family == AF_INET)
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
}

int
torrent_is_banned(const struct torrent *t, const struct peer *p)
{
	size_t	i;

	for (i = 0; i < t->nbans; i++) {
		if (!same_host(&t->bans[i].addr, &p->addr))
			continue;
		if (!is_loopback(&p->addr) ||
		    memcmp(t->bans[i].peer_id, p->peer_id, 20) == 0)
			return 1;
	}
	return 0;
}

void
torrent_strike(struct torrent *t, uint32_t peer_id)
{
	struct peer	*p = torrent_peer_by_id(t, peer_id);

	if (p != NULL && p->state != PEER_DEAD && ++p->hashfails >= HASHFAIL_BAN)
		ban_peer(t, p);
}

/* Pieces whose every block went back to missing lose their buffers. */
static int
keep_buffer(void *arg, uint32_t piece)
{
	struct torrent	*t = arg;

	return picker_piece_state(t->picker, piece) != PICKER_MISSING;
}

void
torrent_release_requests(struct torrent *t, struct peer *p)
{
	if (p->nreqs == 0)
		return;
	picker_peer_gone(t->picker, p->id);
	p->nreqs = 0;
	t->pick_gen++;		/* others may now pick what it held */
	blockcache_prune(t->cache, keep_buffer, t);
}

void
torrent_broadcast_have(struct torrent *t, uint32_t piece)
{
	size_t	i;

	for (i = 0; i < t->npeers; i++) {
		struct peer *p = t->peers[i];

		if (p->state != PEER_ACTIVE)
			continue;
		if (wire_put_have(&p->out, piece) != BT_OK)
			peer_kill(p, "output buffer full");
	}
}

/* ---- run-time changes ---- */

/* Pausing drops every peer and stops dialling and announcing; resuming
 * (also after an error) starts again, with the tracker told at once. */
void
torrent_pause(struct torrent *t, int pause)
{
	if (pause) {
		if (t->paused)
			return;
		t->paused = 1;
		kill_all_peers(t, "paused");
		torrent_log(t, MSG_LOG_INFO, "paused");
		return;
	}
	if (!t->paused && !t->errored)
		return;
	t->paused = t->errored = 0;
	t->error[0] = '\0';
	t->resumes++;
	torrent_log(t, MSG_LOG_INFO, "resumed");
	torrent_reannounce(t);
}

void
torrent_set_queued(struct torrent *t, int queued)
{
	if (queued == t->queued)
		return;
	t->queued = queued;
	if (queued) {
		kill_all_peers(t, "queued");
		torrent_log(t, MSG_LOG_INFO, "queued: waiting for a download "
		    "slot");
	} else if (t->started) {
		torrent_log(t, MSG_LOG_INFO, "started from the queue");
		torrent_reannounce(t);
		connect_more(t);	/* now, not at the next tick */
	}
}

void
torrent_reannounce(struct torrent *t)
{
	size_t	i;

	for (i = 0; i < t->nknown; i++)
		t->known[i].retry_ms = 0;	/* dial the known ones again */
	if (t->tracker != NULL && !idle(t))
		tracker_announce(t->tracker, t->checking ? TRACKER_EV_NONE :
		    TRACKER_EV_STARTED, t->env->now_ms);
}

/* ---- the loop's plumbing ---- */

void
torrent_fdset(struct torrent *t, fd_set *rd, fd_set *wr, int *maxfd,
    int down_held)
{
	size_t	i;

	for (i = 0; i < t->npeers; i++) {
		struct peer *p = t->peers[i];

		if (p->state == PEER_DEAD)
			continue;
		if (p->state != PEER_CONNECTING && bbuf_avail(&p->in) > 0 &&
		    !down_held)
			FD_SET(p->fd, rd);
		if (peer_wants_write(p))
			FD_SET(p->fd, wr);
		if (p->fd > *maxfd)
			*maxfd = p->fd;
	}
	torrent_tracker_fdset(t, rd, wr, maxfd);
}

void
torrent_tracker_fdset(struct torrent *t, fd_set *rd, fd_set *wr, int *maxfd)
{
	if (t->tracker != NULL)
		tracker_fdset(t->tracker, rd, wr, maxfd);
}

void
torrent_tracker_perform(struct torrent *t, const fd_set *rd,
    const fd_set *wr)
{
	if (t->tracker != NULL)
		tracker_perform(t->tracker, rd, wr, t->env->now_ms);
}

static void
on_connected(struct torrent *t, struct peer *p)
{
	struct known_peer	*k = torrent_known_find(t, &p->addr);
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
	peerproto_send_handshake(t, p);
}

static void
on_readable(struct torrent *t, struct peer *p)
{
	uint64_t	avail = bucket_available(t->env->down_bkt);
	size_t		n;
	int		r;

	r = peer_read(p, t->env->now_ms, avail > SIZE_MAX ? SIZE_MAX :
	    (size_t)avail, &n);
	bucket_consume(t->env->down_bkt, n);
	peerproto_process_input(t, p);
	if (r == BT_ERR_CLOSED)
		peer_kill(p, "closed by peer");
	else if (r != BT_OK)
		peer_kill(p, "read: %s", strerror(errno));
}

static void
on_writable(struct torrent *t, struct peer *p)
{
	size_t	n;

	if (p->state == PEER_CONNECTING) {
		on_connected(t, p);
		if (p->state == PEER_DEAD)
			return;
	}
	if (peer_flush(p, t->env->now_ms, &n) != BT_OK)
		peer_kill(p, "write: %s", strerror(errno));
}

/* Starts at a rotating index so that, under a rate limit, the first peer
 * in the array does not always take all the tokens. */
void
torrent_perform(struct torrent *t, const fd_set *rd, const fd_set *wr,
    size_t turn)
{
	size_t	i, n = t->npeers;

	for (i = 0; i < n; i++) {
		struct peer *p = t->peers[(i + turn) % n];

		if (p->state != PEER_DEAD && FD_ISSET(p->fd, wr))
			on_writable(t, p);
		if (p->state != PEER_DEAD && FD_ISSET(p->fd, rd))
			on_readable(t, p);
		if (p->state == PEER_ACTIVE) {
			peerproto_fill_requests(t, p);
			peerproto_serve_requests(t, p);
		}
	}
	torrent_tracker_perform(t, rd, wr);
}

int64_t
torrent_timeout_ms(struct torrent *t)
{
	return t->tracker != NULL ? tracker_timeout_ms(t->tracker,
	    t->env->now_ms) : -1;
}

/* ---- timers ---- */

static void
check_timeouts(struct torrent *t)
{
	uint64_t	now = t->env->now_ms;
	size_t		i;

	for (i = 0; i < t->npeers; i++) {
		struct peer *p = t->peers[i];

		if (p->state == PEER_CONNECTING &&
		    now - p->connected_ms > CONNECT_TIMEOUT_MS) {
			struct known_peer *k = torrent_known_find(t, &p->addr);

			if (k != NULL)
				k->fails++;
			peer_kill(p, "connect timed out");
		} else if (p->state == PEER_HANDSHAKE &&
		    now - p->connected_ms > HANDSHAKE_TIMEOUT_MS) {
			torrent_log(t, MSG_LOG_WARN, "peer %s: no handshake "
			    "within %d s: dropped", p->name,
			    HANDSHAKE_TIMEOUT_MS / 1000);
			peer_kill(p, "no handshake");
		} else if (p->state != PEER_CONNECTING &&
		    now - p->last_recv_ms > SILENCE_DROP_MS) {
			peer_kill(p, "silent for 3 minutes");
		} else if (p->state == PEER_ACTIVE && !p->peer_choking &&
		    p->nreqs > 0 && !p->snubbed &&
		    now - p->last_piece_ms > SNUB_MS) {
			p->snubbed = 1;	/* no data for 60 s: ask others */
			torrent_release_requests(t, p);
		}
		if (p->state == PEER_ACTIVE &&
		    now - p->last_send_ms > KEEPALIVE_MS &&
		    bbuf_len(&p->out) == 0)
			(void)wire_put_keepalive(&p->out);
	}
}

/* Whether some known address may be dialled now or soon. */
static int
known_to_try(const struct torrent *t)
{
	size_t	i;

	for (i = 0; i < t->nknown; i++)
		if (!t->known[i].connected && !t->known[i].banned &&
		    t->known[i].retry_ms <= t->env->now_ms + RETRY_BASE_MS)
			return 1;
	return 0;
}

/* --seed-ratio reached. */
static int
seeding_done(const struct torrent *t)
{
	return picker_complete(t->picker) && t->seed && t->seed_ratio > 0 &&
	    (double)rate_total(&t->up) >= t->seed_ratio *
	    (double)t->meta->total_length;
}

/* The choke round, a loop timer: every CHOKE_ROUND_MS, and every
 * OPTIMISTIC_ROUND_MS (each third round) a new optimistic unchoke. */
static int64_t
on_choke_round(void *arg, uint64_t now_ms)
{
	struct torrent	*t = arg;
	int		 optimistic;
	size_t		 i;

	t->env->now_ms = now_ms;
	optimistic = t->choke_rounds++ % (OPTIMISTIC_ROUND_MS /
	    CHOKE_ROUND_MS) == 0;
	for (i = 0; i < t->npeers; i++)
		if (t->peers[i]->state == PEER_ACTIVE)
			peerproto_set_interest(t->peers[i],
			    peerproto_has_wanted(t, t->peers[i]));
	choker_round(t->choker, t->peers, t->npeers,
	    picker_complete(t->picker), optimistic, now_ms);
	return CHOKE_ROUND_MS;
}

/* Pieces verified since the last save: save the record, a loop timer. */
static int64_t
on_resume_round(void *arg, uint64_t now_ms)
{
	struct torrent	*t = arg;

	t->env->now_ms = now_ms;
	if (t->resume_dirty)
		torrent_save_resume(t);
	return RESUME_SAVE_MS;
}

/* Complete: announce it once, then seed or stop. */
static void
check_complete(struct torrent *t)
{
	if (t->checking || t->done || !picker_complete(t->picker))
		return;
	if (seeding_done(t)) {
		torrent_log(t, MSG_LOG_INFO, "seed ratio %.2f reached",
		    t->seed_ratio);
		t->done = 1;
		kill_all_peers(t, "seed ratio reached");
		return;
	}
	if (t->completed_sent) {
		if (!t->seed)
			t->done = 1;	/* complete at start, nothing to do */
		return;
	}
	t->completed_sent = 1;
	torrent_log(t, MSG_LOG_INFO, "Download complete");
	torrent_save_resume(t);		/* fsync, then the record */
	if (t->tracker != NULL)
		tracker_announce(t->tracker, TRACKER_EV_COMPLETED,
		    t->env->now_ms);
	if (t->seed)
		torrent_log(t, MSG_LOG_INFO, "seeding");
	else
		t->done = 1;
}

void
torrent_tick(struct torrent *t)
{
	if (!t->started)
		return;
	check_timeouts(t);
	if (t->checking) {
		if (!t->paused)
			torrent_check_some(t);
		return;
	}
	check_complete(t);
	/* Out of peers and of addresses to try: ask the trackers for more
	 * (they let us at most every 30 s). */
	if (t->tracker != NULL && !idle(t) && torrent_count_peers(t) == 0 &&
	    count_connecting(t) == 0 && !known_to_try(t) && !seeding_done(t))
		tracker_announce(t->tracker, TRACKER_EV_NONE, t->env->now_ms);
	connect_more(t);
}

void
torrent_reap(struct torrent *t)
{
	struct known_peer	*k;
	size_t			 i = 0;

	while (i < t->npeers) {
		struct peer *p = t->peers[i];

		if (p->state != PEER_DEAD) {
			i++;
			continue;
		}
		if (p->state_before_death == PEER_ACTIVE)
			torrent_log(t, MSG_LOG_INFO, "peer %s (%s) "
			    "disconnected: %s", p->name, p->client,
			    p->dead_reason);
		torrent_release_requests(t, p);
		if (p->have_known)
			picker_peer_remove(t->picker, &p->have);
		if ((k = torrent_known_find(t, &p->addr)) != NULL)
			k->connected = 0;
		choker_peer_gone(t->choker, p);
		peer_free(p);
		t->peers[i] = t->peers[--t->npeers];
		t->env->npeers--;
	}
}

void
torrent_announce_stopped(struct torrent *t)
{
	if (t->tracker != NULL && t->started)
		tracker_announce(t->tracker, TRACKER_EV_STOPPED,
		    t->env->now_ms);
}

int
torrent_tracker_busy(const struct torrent *t)
{
	return t->tracker != NULL && tracker_busy(t->tracker);
}

void
torrent_add_peer_addr(struct torrent *t, const struct peer_addr *a)
{
	known_add(t, a);
}

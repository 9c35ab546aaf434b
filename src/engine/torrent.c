/*
 * torrent: one torrent's life.  Its peers (the connections), the addresses
 * it knows, dialling, bans, the choke rounds and time-outs, pausing and
 * queueing, completion.  Peers are never freed inside their own handlers:
 * they are marked dead and reaped at the end of the turn (torrent_reap).
 */
#include "engine/torrent_impl.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>		/* malloc_trim */
#endif
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/fmt.h"
#include "ipc/msg.h"
#include "engine/bitfield.h"
#include "engine/blame.h"
#include "engine/senders.h"
#include "engine/blockcache.h"
#include "engine/bucket.h"
#include "engine/choker.h"
#include "engine/engine.h"
#include "engine/metainfo.h"
#include "engine/peerext.h"
#include "engine/peerproto.h"
#include "engine/picker.h"
#include "engine/rate.h"
#include "engine/rng.h"
#include "engine/source.h"
#include "engine/storage.h"
#include "engine/tracker.h"
#include "engine/webseed.h"
#include "engine/wire.h"

#define CHOKE_ROUND_MS		10000
#define OPTIMISTIC_ROUND_MS	30000
#define RESUME_SAVE_MS		30000	/* save the record this often */
#define DHT_HUNGRY_PEERS	8	/* fewer: ask the DHT more often */
#define LOG_NAME_MAX		40	/* bytes of a name in a log line */
#define QUIET_TICK_MS		1000	/* a quiet torrent's tick (quiet()) */

void
torrent_log(struct torrent *t, int level, const char *fmt, ...)
{
	char	line[MSG_TEXT_MAX], name[LOG_NAME_MAX + 1];
	va_list	ap;
	size_t	n = 0;

	/* With several torrents, a line says which one it is about: its
	 * name, a long one cut (at a character, with "…") to 40 bytes. */
	if (t->env->ntorrents > 1)
		n = (size_t)snprintf(line, sizeof(line), "%s: ", fmt_cut(name,
		    sizeof(name), torrent_name(t), LOG_NAME_MAX));
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
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
static void	tracker_on_log(void *, const char *);
static void	tracker_get_stats(void *, uint64_t *, uint64_t *, uint64_t *);

/* BEP 47: the picker never asks for pad bytes, and a piece wholly of
 * padding is had from the start. */
static int
add_pads(struct torrent *t)
{
	const struct metainfo_file *f;
	uint32_t	 i;
	size_t		 k;
	int		 r;

	for (k = 0; k < t->meta->nfiles; k++) {
		f = &t->meta->files[k];
		if ((f->attr & METAINFO_ATTR_PAD) &&
		    (r = picker_add_pad(t->picker, f->offset, f->length)) !=
		    BT_OK)
			return r;
	}
	for (i = 0; i < t->meta->num_pieces && t->meta->npads > 0; i++)
		if (picker_have(t->picker, i))
			t->have_bytes += metainfo_piece_size(t->meta, i);
	return BT_OK;
}

/* BEP 19: each url-list URL is a source with every piece. */
static int
add_webseeds(struct torrent *t)
{
	size_t	i;

	if (t->meta->nwebseeds == 0)
		return BT_OK;
	if ((t->webseeds = calloc(t->meta->nwebseeds,
	    sizeof(*t->webseeds))) == NULL)
		return BT_ERR_NOMEM;
	for (i = 0; i < t->meta->nwebseeds; i++) {
		if ((t->webseeds[i] = webseed_new(t,
		    t->meta->webseeds[i])) == NULL)
			return BT_ERR_NOMEM;
		t->nwebseeds++;
	}
	return BT_OK;
}

static int
setup_parts(struct torrent *t, char *err, size_t errlen)
{
	t->picker = picker_new(t->meta->num_pieces, t->meta->piece_length,
	    t->meta->total_length, rng_next(&t->rng));
	t->cache = blockcache_new(t->meta->piece_length, t->meta->npads > 0);
	t->piece_fails = calloc(t->meta->num_pieces, 1);
	if (t->picker == NULL || t->cache == NULL ||
	    t->piece_fails == NULL ||
	    add_pads(t) != BT_OK || torrent_apply_prio(t) != BT_OK) {
		snprintf(err, errlen, "out of memory");
		return BT_ERR_NOMEM;
	}
	if (add_webseeds(t) != BT_OK) {
		snprintf(err, errlen, "cannot start the web seeds");
		return BT_ERR_NOMEM;
	}
	/* --sequential: the whole torrent is one stream. */
	if (t->env->cfg->sequential)
		torrent_stream(t, MSG_STREAM_ALL);
	return torrent_start_tracker(t, t->meta->tiers, t->meta->ntiers, err,
	    errlen);
}

/* tracker_bind_fn: announces leave from --bind's address, as peers do. */
static int
tracker_bind(void *arg, int fd, int family)
{
	const struct torrent	*t = arg;

	return torrent_env_bind(t->env, fd, family);
}

/* The tracker client, once: a magnet link's, made from its tr, stays
 * when the metadata comes (its .torrent lists the same trackers). */
int
torrent_start_tracker(struct torrent *t, const struct metainfo_tier *tiers,
    size_t ntiers, char *err, size_t errlen)
{
	struct tracker_cb	cb;

	if (ntiers == 0 || t->tracker != NULL)
		return BT_OK;
	cb.arg = t;
	cb.on_peers = tracker_on_peers;
	cb.on_log = tracker_on_log;
	cb.get_stats = tracker_get_stats;
	t->tracker = tracker_new(tiers, ntiers, t->info_hash, t->env->peer_id, t->env->port,
	    rng_next(&t->rng), &cb, t->env->resolvers);
	if (t->tracker == NULL) {
		snprintf(err, errlen, "cannot start the tracker client");
		return BT_ERR_NOMEM;
	}
	if (t->env->has_ipv6)
		tracker_set_ipv6(t->tracker, t->env->ipv6);
	if (t->env->dial_bound)
		tracker_set_bind(t->tracker, tracker_bind, t);
	return BT_OK;
}

/* Undoes a torrent_attach_meta that failed half way: the torrent is again
 * one without metainfo (a magnet link's stays in its metadata phase). */
static void
detach_meta(struct torrent *t)
{
	size_t	i;

	for (i = 0; i < t->nwebseeds; i++)
		webseed_free(t->webseeds[i]);	/* before the picker */
	free(t->webseeds);
	t->webseeds = NULL;
	t->nwebseeds = 0;
	blockcache_free(t->cache);
	picker_free(t->picker);
	storage_close(t->store);
	storage_close(t->wstore);
	metainfo_free(t->meta);
	free(t->piece_fails);
	free(t->file_prio);
	torrent_disk_cleanup(t);
	t->cache = NULL;
	t->picker = NULL;
	t->store = t->wstore = NULL;
	t->meta = NULL;
	t->piece_fails = NULL;
	t->file_prio = NULL;
	t->have_bytes = 0;
}

/*
 * Everything that needs the metainfo: storage, picker, tracker, web seeds.
 * Takes meta (freed with t, or at once when this fails).  At torrent_new for a .torrent, or when a
 * magnet link's metadata arrives (torrent_magnet.c).
 */
int
torrent_attach_meta(struct torrent *t, struct metainfo *meta,
    const uint8_t *file_prio, size_t nfile_prio, char *err, size_t errlen)
{
	uint8_t	*create = NULL;
	int	 r;

	t->meta = meta;
	memcpy(t->info_hash, meta->info_hash, sizeof(t->info_hash));
	t->had_data = torrent_scan_files(t);	/* before storage_open */
	if ((r = torrent_init_prio(t, file_prio, nfile_prio, &create)) !=
	    BT_OK) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* wstore shares store's part file: what the worker writes there the
	 * loop reads back for uploads */
	if ((r = storage_open_select(t->meta, t->dir, create, &t->store, err,
	    errlen)) != BT_OK ||
	    (r = storage_open_twin(t->store, &t->wstore, err, errlen)) !=
	    BT_OK)
		goto out;
	/* only the worker's handle writes verified pieces */
	storage_set_direct(t->wstore, !t->env->cfg->no_direct_io);
	r = setup_parts(t, err, errlen);
out:
	free(create);
	if (r != BT_OK)
		detach_meta(t);
	return r;
}

/* What a torrent is before it knows its metainfo. */
static struct torrent *
torrent_alloc(struct torrent_env *env, uint32_t id,
    const struct torrent_params *p, struct worker_pool *workers)
{
	struct torrent	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->env = env;
	t->id = id;
	t->workers = workers;
	t->rng = rng_next(&env->rng) ^ id;
	t->seed = p->seed;
	t->seed_ratio = p->seed_ratio;
	t->verify = p->verify;
	t->stream_file = MSG_STREAM_OFF;
	t->paused = p->paused;
	t->queued = 1;		/* until the session gives it a slot */
	snprintf(t->dir, sizeof(t->dir), "%s", p->dir);
	snprintf(t->resume_path, sizeof(t->resume_path), "%s",
	    p->resume_path != NULL ? p->resume_path : "");
	t->blame = blame_new();
	t->senders = senders_new();
	t->choker = choker_new(env->cfg->upload_slots, rng_next(&t->rng));
	rate_init(&t->down);
	rate_init(&t->up);
	if (t->blame == NULL || t->senders == NULL || t->choker == NULL) {
		torrent_free(t);
		return NULL;
	}
	return t;
}

int
torrent_new(struct torrent_env *env, uint32_t id,
    const struct torrent_params *p, struct worker_pool *workers,
    struct torrent **out, char *err, size_t errlen)
{
	struct torrent	*t;
	struct source	 src;
	int		 r;

	*out = NULL;
	if ((t = torrent_alloc(env, id, p, workers)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return BT_ERR_NOMEM;
	}
	/* A .torrent, or a magnet link's stub (source.h). */
	if ((r = source_load(p->torrent_path, &src, err, errlen)) != BT_OK)
		goto fail;
	if (src.meta != NULL) {
		r = torrent_attach_meta(t, src.meta, p->file_prio,
		    p->nfile_prio, err, errlen);
		src.meta = NULL;	/* t's now */
	} else {
		r = torrent_magnet_new(t, src.mag, err, errlen);
		src.mag = NULL;
		if (r == BT_OK && p->file_prio != NULL && p->nfile_prio > 0) {
			if ((t->init_prio = malloc(p->nfile_prio)) == NULL)
				r = BT_ERR_NOMEM;
			else {
				memcpy(t->init_prio, p->file_prio,
				    p->nfile_prio);
				t->ninit_prio = p->nfile_prio;
			}
		}
	}
	source_cleanup(&src);
	if (r != BT_OK)
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
	for (i = 0; i < t->npeers; i++)
		peer_free(t->peers[i]);
	if (t->env != NULL)
		t->env->npeers -= t->npeers;
	for (i = 0; i < t->nwebseeds; i++)
		webseed_free(t->webseeds[i]);	/* before the picker */
	free(t->webseeds);
	free(t->peers);
	free(t->known);
	free(t->bans);
	tracker_free(t->tracker);
	choker_free(t->choker);
	blockcache_free(t->cache);
	picker_free(t->picker);
	storage_close(t->store);
	torrent_disk_cleanup(t);
	storage_close(t->wstore);
	torrent_magnet_free(t);
	metainfo_free(t->meta);
	free(t->piece_fails);
	free(t->file_prio);
	blame_free(t->blame);
	senders_free(t->senders);
	free(t);
}

/* The data on disk: resume record, journal, or a check. */
void
torrent_start_data(struct torrent *t)
{
	size_t	i;

	torrent_choose_start(t);
	/* BEP 5: the DHT nodes the torrent names (not for a private one) */
	for (i = 0; t->env->dht_bootstrap != NULL && !t->meta->private_flag &&
	    i < t->meta->ndht_nodes; i++)
		t->env->dht_bootstrap(t->env->arg, t->meta->dht_nodes[i]);
	if (t->meta->nshortened > 0)
		torrent_log(t, MSG_LOG_INFO, "%zu file name%s over %d bytes "
		    "shortened on disk (bttui --info shows them)",
		    t->meta->nshortened, t->meta->nshortened == 1 ? "" : "s",
		    METAINFO_MAX_COMPONENT);
}

void
torrent_start(struct torrent *t)
{
	t->started = 1;
	/* the first choke round at the first tick, the first save later */
	t->choke_due_ms = t->env->now_ms;
	t->resume_due_ms = t->env->now_ms + RESUME_SAVE_MS;
	if (t->meta != NULL)
		torrent_start_data(t);
	/* Without a word, such a torrent sits at 0 % and looks stuck; --peer
	 * addresses were added before the start. */
	if (t->tracker == NULL && t->nknown == 0 && t->nwebseeds == 0)
		torrent_log(t, MSG_LOG_WARN, "no tracker and no other peer "
		    "source: add peers with --peer");
	if (!torrent_checking_all(t) && t->tracker != NULL && !t->paused &&
	    !t->queued)
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
	return t->info_hash;
}

const char *
torrent_name(const struct torrent *t)
{
	if (t->meta != NULL)
		return t->meta->name;
	return torrent_magnet_name(t);
}

int
torrent_complete(const struct torrent *t)
{
	return t->meta != NULL && !t->checking &&
	    picker_wanted_complete(t->picker);
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
	if (t->meta == NULL)
		return t->queued ? TORRENT_QUEUED : TORRENT_METADATA;
	if (t->done)
		return TORRENT_DONE;
	if (picker_wanted_complete(t->picker))
		return TORRENT_SEEDING;
	return t->queued ? TORRENT_QUEUED : TORRENT_DOWNLOADING;
}

int
torrent_checking_all(const struct torrent *t)
{
	return t->checking && t->check_mask == NULL;
}

int
torrent_wants_slot(const struct torrent *t)
{
	return !t->errored && !t->paused && !torrent_checking_all(t) &&
	    !torrent_complete(t);
}

int
torrent_failed(const struct torrent *t)
{
	return t->errored;
}







/* Bytes of padding (BEP 47) in piece i. */
void
torrent_wanted(const struct torrent *t, uint64_t *total_out,
    uint64_t *done_out)
{
	const struct metainfo_file *f;
	uint64_t	 plen, ps, s, e;
	uint32_t	 i, last;
	size_t		 k;

	*total_out = *done_out = 0;
	if (t->meta == NULL)
		return;		/* a magnet link: nothing known yet */
	plen = t->meta->piece_length;
	for (k = 0; k < t->meta->nfiles; k++) {
		f = &t->meta->files[k];
		if (t->file_prio[k] == PICKER_PRIO_SKIP || f->length == 0)
			continue;	/* pads are skipped too */
		*total_out += f->length;
		last = (uint32_t)((f->offset + f->length - 1) / plen);
		for (i = (uint32_t)(f->offset / plen); i <= last; i++) {
			if (!picker_have(t->picker, i))
				continue;
			ps = (uint64_t)i * plen;
			s = ps > f->offset ? ps : f->offset;
			e = ps + plen < f->offset + f->length ? ps + plen :
			    f->offset + f->length;
			*done_out += e - s;
		}
	}
}

/* Neither dialling nor accepting: paused, queued, failed, checking every
 * piece, or complete and not seeding. */
int
torrent_idle(const struct torrent *t)
{
	return t->paused || t->queued || t->errored ||
	    torrent_checking_all(t) || t->done ||
	    (torrent_complete(t) && !t->seed);
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
		(void)torrent_known_add(t, &a, TORRENT_SRC_TRACKER);
	}
	if (t->started)
		torrent_connect_more(t);	/* now, not at the next tick */
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
	uint64_t	 total, done;

	*up = rate_total(&t->up);
	*down = rate_total(&t->down);
	torrent_wanted(t, &total, &done);
	*left = total - done;	/* pads are nobody's download */
	if (t->meta == NULL)	/* unknown yet: not 0, or we look a seed */
		*left = torrent_magnet_left(t);
}











/* ---- run-time changes ---- */

/* Pausing drops every peer and stops dialling and announcing; resuming
 * (also after an error) starts again, with the tracker told at once. */
void
torrent_pause(struct torrent *t, int pause)
{
	torrent_wake(t);
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
	torrent_apply_skips(t);	/* again, if moving a file's bytes failed */
	torrent_log(t, MSG_LOG_INFO, "resumed");
	torrent_reannounce(t);
}

void
torrent_set_queued(struct torrent *t, int queued)
{
	if (queued == t->queued)
		return;
	t->queued = queued;
	torrent_wake(t);
	if (queued) {
		kill_all_peers(t, "queued");
		torrent_log(t, MSG_LOG_INFO, "queued: waiting for a download "
		    "slot");
	} else if (t->started) {
		torrent_log(t, MSG_LOG_INFO, "started from the queue");
		torrent_reannounce(t);
		torrent_connect_more(t);	/* now, not at the next tick */
	}
}

void
torrent_reannounce(struct torrent *t)
{
	size_t	i;

	for (i = 0; i < t->nknown; i++)
		t->known[i].retry_ms = 0;	/* dial the known ones again */
	if (t->tracker != NULL && !torrent_idle(t))
		tracker_announce(t->tracker, torrent_checking_all(t) ?
		    TRACKER_EV_NONE : TRACKER_EV_STARTED, t->env->now_ms);
}

/* ---- the loop's plumbing ---- */


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

int64_t
torrent_tracker_timeout_ms(struct torrent *t)
{
	return t->tracker != NULL ? tracker_timeout_ms(t->tracker,
	    t->env->now_ms) : -1;
}





int64_t
torrent_timeout_ms(struct torrent *t)
{
	return t->tracker != NULL ? tracker_timeout_ms(t->tracker,
	    t->env->now_ms) : -1;
}

/* ---- the tick and its rounds ---- */

/* --seed-ratio reached. */
static int
seeding_done(const struct torrent *t)
{
	return t->meta != NULL && picker_wanted_complete(t->picker) &&
	    t->seed && t->seed_ratio > 0 && (double)rate_total(&t->up) >= t->seed_ratio *
	    (double)t->meta->total_length;
}

/* The choke round: every CHOKE_ROUND_MS, and every OPTIMISTIC_ROUND_MS
 * (each third round) a new optimistic unchoke. */
static void
choke_round(struct torrent *t)
{
	int	optimistic;
	size_t	i;

	if (t->meta == NULL)
		return;		/* nothing to trade yet */
	optimistic = t->choke_rounds++ % (OPTIMISTIC_ROUND_MS /
	    CHOKE_ROUND_MS) == 0;
	for (i = 0; i < t->npeers; i++)
		if (t->peers[i]->state == PEER_ACTIVE)
			peerproto_set_interest(t->peers[i],
			    peerproto_has_wanted(t, t->peers[i]));
	choker_round(t->choker, t->peers, t->npeers,
	    picker_wanted_complete(t->picker), optimistic, t->env->now_ms);
}

/* The torrent's periodic rounds, run from its tick rather than from loop
 * timers of their own: with hundreds of torrents, each at its own phase,
 * the timers woke the idle engine ~18 times a second (`make bench`,
 * case 5); the tick wakes it anyway. */
static void
rounds(struct torrent *t)
{
	uint64_t	now = t->env->now_ms;

	if (now >= t->choke_due_ms) {
		t->choke_due_ms = now + CHOKE_ROUND_MS;
		choke_round(t);
	}
	if (now >= t->resume_due_ms) {
		t->resume_due_ms = now + RESUME_SAVE_MS;
		/* pieces verified since the last save */
		if (t->meta != NULL && t->resume_dirty)
			torrent_save_resume(t);
	}
}

/* Complete: announce it once, then seed or stop. */
void
torrent_check_complete(struct torrent *t)
{
	if (t->checking || t->done || !picker_wanted_complete(t->picker))
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
	t->completed_now = 1;
	torrent_log(t, MSG_LOG_INFO, "Download complete");
	blockcache_trim(t->cache);	/* a seed needs no piece buffers */
#ifdef __GLIBC__
	/* and the heap the download's peers left free goes back to the
	 * kernel: glibc keeps it otherwise (`make bench`, case 5) */
	(void)malloc_trim(0);
#endif
	torrent_save_resume(t);		/* fsync, then the record */
	if (t->tracker != NULL)
		tracker_announce(t->tracker, TRACKER_EV_COMPLETED,
		    t->env->now_ms);
	if (t->seed)
		torrent_log(t, MSG_LOG_INFO, "seeding");
	else
		t->done = 1;
}

/* The DHT for peers (not for a private torrent, BEP 27): the DHT paces
 * the lookups itself, sooner while we have few peers. */
static void
ask_dht(struct torrent *t)
{
	if (t->env->dht_want == NULL || torrent_idle(t) ||
	    (t->meta != NULL && t->meta->private_flag))
		return;
	t->env->dht_want(t->env->arg, t->info_hash,
	    torrent_count_peers(t) < DHT_HUNGRY_PEERS);
}

/* Complete, with no connection, check or disk job: t has nothing to time
 * out, and its tick may wait QUIET_TICK_MS. */
static int
quiet(const struct torrent *t)
{
	return t->meta != NULL && !t->checking && t->npeers == 0 &&
	    t->jobs == 0 && picker_wanted_complete(t->picker);
}

void
torrent_tick(struct torrent *t)
{
	if (!t->started)
		return;
	rounds(t);
	/* Nothing here needs the session's 100 ms tick: what would wake it
	 * (a peer dialling in, a tracker's list) comes as an event.  200
	 * seeding torrents took 0.5 % of a core doing nothing. */
	if (t->ticked && quiet(t) &&
	    t->env->now_ms - t->tick_ms < QUIET_TICK_MS)
		return;
	t->ticked = 1;
	t->tick_ms = t->env->now_ms;
	torrent_check_timeouts(t);
	peerext_pex_round(t);
	ask_dht(t);
	if (t->meta == NULL) {
		torrent_magnet_tick(t);
		torrent_connect_more(t);
		return;
	}
	torrent_journal_tick(t);
	if (t->checking) {
		if (!t->paused)
			torrent_check_some(t);
		if (torrent_checking_all(t))
			return;
	}
	torrent_check_complete(t);
	/* Out of peers and of addresses to try: ask the trackers for more
	 * (they let us at most every 30 s). */
	if (t->tracker != NULL && !torrent_idle(t) && torrent_count_peers(t) == 0 &&
	    torrent_count_connecting(t) == 0 && !seeding_done(t) &&
	    !torrent_known_to_try(t))
		tracker_announce(t->tracker, TRACKER_EV_NONE, t->env->now_ms);
	torrent_connect_more(t);
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


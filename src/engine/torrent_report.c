/*
 * torrent_report: what the front sees of one torrent.  A row of the
 * torrent list, the status (with the torrent's magnet link, cut to its
 * field), and the detail snapshots (peers, piece map, trackers, files,
 * one piece, one peer), each a bounded IPC payload handed to a send
 * function; long lists go out in several frames.  The Trackers snapshot
 * ends with the addresses whose last dial failed.
 */
#include "engine/torrent_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/msg.h"
#include "engine/bitfield.h"
#include "engine/bucket.h"
#include "engine/choker.h"
#include "engine/magnet.h"
#include "engine/metafetch.h"
#include "engine/metainfo.h"
#include "engine/picker.h"
#include "engine/rate.h"
#include "engine/senders.h"
#include "engine/storage.h"
#include "engine/tracker.h"
#include "engine/webseed.h"

static uint8_t
msg_state(const struct torrent *t)
{
	switch (torrent_state(t)) {
	case TORRENT_CHECKING:
		return MSG_STATE_CHECKING;
	case TORRENT_QUEUED:
		return MSG_STATE_QUEUED;
	case TORRENT_PAUSED:
		return MSG_STATE_PAUSED;
	case TORRENT_ERROR:
		return MSG_STATE_ERROR;
	case TORRENT_SEEDING:
		return MSG_STATE_SEEDING;
	case TORRENT_DONE:
		return MSG_STATE_STOPPING;
	case TORRENT_METADATA:
		return MSG_STATE_METADATA;
	default:
		return MSG_STATE_DOWNLOADING;
	}
}

static uint32_t
count_seeds(const struct torrent *t)
{
	uint32_t	n = 0;
	size_t		i;

	for (i = 0; i < t->npeers; i++)
		if (t->peers[i]->state == PEER_ACTIVE &&
		    bitfield_complete(&t->peers[i]->have))
			n++;
	return n;
}

static int64_t
eta_of(uint64_t left, uint64_t bps)
{
	if (left == 0)
		return 0;
	return bps > 0 ? (int64_t)(left / bps) : -1;
}

/* How much of a magnet link's metadata (BEP 9 pieces) is here; 0 of 0
 * while no peer told its size, and once the metainfo is known. */
static void
meta_progress(const struct torrent *t, uint32_t *have_out,
    uint32_t *pieces_out)
{
	uint32_t	size;

	*have_out = *pieces_out = 0;
	if (t->meta != NULL || t->fetch == NULL)
		return;
	metafetch_progress(t->fetch, &size, have_out, pieces_out);
	if (*have_out > *pieces_out)	/* the encoder would drop the frame */
		*have_out = *pieces_out;
}

/* Formats the link with trackers tr[0..ntr) and web seeds ws[0..nws)
 * into buf (NUL included) when it fits there whole; 1 if it did. */
static int
link_fits(const struct torrent *t, const char *name, const char **tr,
    size_t ntr, const char **ws, size_t nws, char *buf, size_t len)
{
	struct bbuf	b;
	int		ok;

	bbuf_init(&b, len);
	ok = magnet_format(t->info_hash, name, tr, ntr, ws, nws, &b) == BT_OK;
	if (ok)
		memcpy(buf, bbuf_ptr(&b), bbuf_len(&b));
	bbuf_cleanup(&b);
	return ok;
}

/* The trackers a link names, in the metainfo's tier order (or the magnet
 * link's own), at most max of them. */
static size_t
link_trackers(const struct torrent *t, const char **out, size_t max)
{
	size_t	n = 0, i, j;

	if (t->meta != NULL) {
		for (i = 0; i < t->meta->ntiers; i++)
			for (j = 0; j < t->meta->tiers[i].n && n < max; j++)
				out[n++] = t->meta->tiers[i].urls[j];
	} else if (t->magnet != NULL) {
		for (i = 0; i < t->magnet->ntrackers && n < max; i++)
			out[n++] = t->magnet->trackers[i];
	}
	return n;
}

static size_t
link_webseeds(const struct torrent *t, const char **out, size_t max)
{
	char	**urls = NULL;
	size_t	  n = 0, i;

	if (t->meta != NULL) {
		urls = t->meta->webseeds;
		n = t->meta->nwebseeds;
	} else if (t->magnet != NULL) {
		urls = t->magnet->webseeds;
		n = t->magnet->nwebseeds;
	}
	for (i = 0; i < n && i < max; i++)
		out[i] = urls[i];
	return i;
}

/*
 * The torrent's magnet link as --info prints it (hash, name, trackers,
 * web seeds), cut to buf (the status' 1 KiB field): the name goes if it
 * alone does not fit, then each tracker and web seed that no longer fits
 * is left out, so what is shown is always a whole link.  A few dozen
 * formats of at most len bytes, once a second for the focused torrent.
 */
static void
fill_magnet(const struct torrent *t, char *buf, size_t len)
{
	const char	*cand[MAGNET_MAX_TRACKERS], *tr[MAGNET_MAX_TRACKERS];
	const char	*wcand[MAGNET_MAX_WEBSEEDS], *ws[MAGNET_MAX_WEBSEEDS];
	const char	*name = NULL;
	size_t		 ncand, nwcand, ntr = 0, nws = 0, i;

	buf[0] = '\0';
	if (t->meta != NULL)
		name = t->meta->name;
	else if (t->magnet != NULL)
		name = t->magnet->name;
	if (!link_fits(t, name, tr, 0, ws, 0, buf, len)) {
		name = NULL;
		if (!link_fits(t, NULL, tr, 0, ws, 0, buf, len))
			return;
	}
	ncand = link_trackers(t, cand, MAGNET_MAX_TRACKERS);
	for (i = 0; i < ncand; i++) {
		tr[ntr] = cand[i];
		if (link_fits(t, name, tr, ntr + 1, ws, nws, buf, len))
			ntr++;
	}
	nwcand = link_webseeds(t, wcand, MAGNET_MAX_WEBSEEDS);
	for (i = 0; i < nwcand; i++) {
		ws[nws] = wcand[i];
		if (link_fits(t, name, tr, ntr, ws, nws + 1, buf, len))
			nws++;
	}
}

void
torrent_fill_row(struct torrent *t, struct msg_torrent_row *row)
{
	uint64_t	now = t->env->now_ms;

	memset(row, 0, sizeof(*row));
	row->id = t->id;
	memcpy(row->info_hash, t->info_hash, 20);
	snprintf(row->name, sizeof(row->name), "%s", torrent_name(t));
	row->state = msg_state(t);
	torrent_wanted(t, &row->total_bytes, &row->done_bytes);
	row->down_bps = rate_bps(&t->down, now);
	row->up_bps = rate_bps(&t->up, now);
	row->downloaded = rate_total(&t->down);
	row->uploaded = rate_total(&t->up);
	row->eta_s = eta_of(row->total_bytes - row->done_bytes,
	    row->down_bps);
	row->ratio_milli = (uint32_t)(row->uploaded * 1000 /
	    (row->total_bytes ? row->total_bytes : 1));
	row->peers_connected = (uint32_t)torrent_count_peers(t);
	row->peers_known = (uint32_t)t->nknown;
	row->seeds_connected = count_seeds(t);
	row->wasted = t->wasted;
	row->hashfails = t->hashfails;
	snprintf(row->error, sizeof(row->error), "%s", t->error);
	meta_progress(t, &row->meta_have, &row->meta_pieces);
	/* the front says "Download complete" for these only, not for a
	 * seeder whose data was complete when it started */
	row->flags = t->completed_now ? MSG_ROW_COMPLETED : 0;
}

void
torrent_fill_status(struct torrent *t, struct msg_status *st)
{
	uint64_t	now = t->env->now_ms;

	memset(st, 0, sizeof(*st));
	st->torrent_id = t->id;
	snprintf(st->name, sizeof(st->name), "%s", torrent_name(t));
	memcpy(st->info_hash, t->info_hash, 20);
	st->state = msg_state(t);
	snprintf(st->error, sizeof(st->error), "%s", t->error);
	st->peers_connected = (uint32_t)torrent_count_peers(t);
	st->peers_known = (uint32_t)t->nknown;
	st->max_down_bps = bucket_rate(t->env->down_bkt);
	st->max_up_bps = bucket_rate(t->env->up_bkt);
	fill_magnet(t, st->magnet, sizeof(st->magnet));
	meta_progress(t, &st->meta_have, &st->meta_pieces);
	if (t->meta == NULL)
		return;		/* a magnet link: no sizes yet */
	if (t->meta->private_flag)
		st->flags |= MSG_STATUS_PRIVATE;
	st->piece_length = t->meta->piece_length;
	st->num_files = (uint32_t)t->meta->nfiles;
	torrent_wanted(t, &st->total_bytes, &st->done_bytes);
	st->down_bps = rate_bps(&t->down, now);
	st->up_bps = rate_bps(&t->up, now);
	st->downloaded = rate_total(&t->down);
	st->uploaded = rate_total(&t->up);
	st->eta_s = eta_of(st->total_bytes - st->done_bytes, st->down_bps);
	st->seeds_connected = count_seeds(t);
	st->pieces_have = picker_have_count(t->picker);
	st->num_pieces = t->meta->num_pieces;
	st->ratio_milli = (uint32_t)(st->uploaded * 1000 /
	    (st->total_bytes ? st->total_bytes : 1));
	st->hashfails = t->hashfails;
	st->wasted = t->wasted;
	if (t->checking)
		st->check_permille = (uint32_t)((uint64_t)(t->check_next -
		    t->check_flying) * 1000 / t->meta->num_pieces);
}

static uint8_t
msg_src(uint8_t src)
{
	switch (src) {
	case TORRENT_SRC_PEX:
		return MSG_PEER_SRC_PEX;
	case TORRENT_SRC_DHT:
		return MSG_PEER_SRC_DHT;
	case TORRENT_SRC_INCOMING:
		return MSG_PEER_SRC_INCOMING;
	case TORRENT_SRC_MANUAL:
		return MSG_PEER_SRC_MANUAL;
	default:
		return MSG_PEER_SRC_TRACKER;
	}
}

/* How its bytes travel (issue 14).  While the MSE handshake runs nothing
 * is settled yet: neither bit, as for a plaintext peer. */
static uint8_t
msg_transport(const struct peer *p)
{
	uint8_t	t = p->utp != NULL ? MSG_PEER_T_UTP : 0;

	switch (p->crypto) {
	case PEER_CRYPTO_MSE_PLAIN:
		return t | MSG_PEER_T_MSE;
	case PEER_CRYPTO_RC4:
		return t | MSG_PEER_T_MSE | MSG_PEER_T_RC4;
	default:
		return t;
	}
}

static void
fill_peer(const struct torrent *t, const struct peer *p, struct msg_peer *out)
{
	uint32_t	np = t->meta != NULL ? t->meta->num_pieces : 0;
	uint64_t	now = t->env->now_ms;

	out->id = p->id;
	snprintf(out->addr, sizeof(out->addr), "%s", p->name);
	snprintf(out->client, sizeof(out->client), "%s", p->client);
	out->flags = (p->am_choking ? MSG_PEER_AM_CHOKING : 0) |
	    (p->am_interested ? MSG_PEER_AM_INTERESTED : 0) |
	    (p->peer_choking ? MSG_PEER_CHOKING : 0) |
	    (p->peer_interested ? MSG_PEER_INTERESTED : 0) |
	    (p->outgoing ? MSG_PEER_OUTGOING : 0) |
	    (p->snubbed ? MSG_PEER_SNUBBED : 0) |
	    (bitfield_complete(&p->have) ? MSG_PEER_SEED : 0) |
	    (choker_is_optimistic(t->choker, p) ? MSG_PEER_OPTIMISTIC : 0);
	out->progress_permille = np == 0 ? 0 : (uint16_t)((uint64_t)
	    bitfield_count(&p->have) * 1000 / np);
	out->down_bps = rate_bps(&p->down, now);
	out->up_bps = rate_bps(&p->up, now);
	out->reqs_out = (uint32_t)p->nreqs;
	out->reqs_in = (uint32_t)p->ntheirs;
	out->src = msg_src(p->src);
	out->transport = msg_transport(p);
}

/* A BEP 19 web seed is shown as a peer of its own kind: its URL (cut to
 * the field) as the address, "web seed" as the client. */
static void
fill_webseed(const struct torrent *t, const struct webseed *w,
    struct msg_peer *out)
{
	memset(out, 0, sizeof(*out));
	out->id = webseed_id(w);
	snprintf(out->addr, sizeof(out->addr), "%s", webseed_url(w));
	snprintf(out->client, sizeof(out->client), "web seed%s",
	    webseed_backing_off(w, t->env->now_ms) ? " (backing off)" : "");
	out->flags = MSG_PEER_SEED | MSG_PEER_OUTGOING |
	    (webseed_inflight(w) > 0 ? MSG_PEER_AM_INTERESTED : 0);
	out->progress_permille = 1000;
	out->down_bps = rate_bps(webseed_rate(w), t->env->now_ms);
	out->reqs_out = (uint32_t)webseed_inflight(w);
	out->src = MSG_PEER_SRC_WEBSEED;
}

/* Adds the row being filled to the frame; sends a full frame. */
static void
next_row(union msg_any *m, torrent_send_fn send, void *arg, uint32_t *sent)
{
	m->peers.n++;
	(*sent)++;
	if (m->peers.n == MSG_MAX_PEERS) {
		send(arg, MSG_PEERS, m);
		m->peers.first = *sent;
		m->peers.n = 0;
	}
}

static void
send_peers(struct torrent *t, torrent_send_fn send, void *arg)
{
	union msg_any	*m;
	uint32_t	 total, sent = 0;
	size_t		 i;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	total = (uint32_t)(torrent_count_peers(t) + t->nwebseeds);
	m->peers.torrent_id = t->id;
	m->peers.total = total;
	for (i = 0; i < t->npeers; i++) {
		if (t->peers[i]->state != PEER_ACTIVE)
			continue;
		fill_peer(t, t->peers[i], &m->peers.peers[m->peers.n]);
		next_row(m, send, arg, &sent);
	}
	for (i = 0; i < t->nwebseeds; i++) {
		fill_webseed(t, t->webseeds[i], &m->peers.peers[m->peers.n]);
		next_row(m, send, arg, &sent);
	}
	if (m->peers.n > 0 || total == 0)
		send(arg, MSG_PEERS, m);
	free(m);
}

static uint8_t
piece_state(const struct torrent *t, uint32_t i)
{
	if (picker_have(t->picker, i))
		return MSG_PIECE_HAVE;
	switch (picker_piece_state(t->picker, i)) {
	case PICKER_DOWNLOADING:
		return MSG_PIECE_DOWNLOADING;
	case PICKER_REQUESTED:
		return MSG_PIECE_REQUESTED;
	default:
		break;
	}
	return picker_availability(t->picker, i) == 0 ?
	    MSG_PIECE_UNAVAILABLE : MSG_PIECE_MISSING;
}

static void
send_piecemap(struct torrent *t, torrent_send_fn send, void *arg)
{
	union msg_any	*m;
	uint32_t	 np = t->meta->num_pieces, i;

	/* union msg_any is large (a piece map chunk, a piece detail): on
	 * the heap, one for every chunk. */
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	m->piecemap.torrent_id = t->id;
	m->piecemap.num_pieces = np;
	for (i = 0; i < np; i++) {
		if (m->piecemap.n == 0)
			m->piecemap.first = i;
		m->piecemap.states[m->piecemap.n++] = piece_state(t, i);
		if (m->piecemap.n == MSG_PIECEMAP_CHUNK || i + 1 == np) {
			send(arg, MSG_PIECEMAP, m);
			m->piecemap.n = 0;
		}
	}
	free(m);
}

/* The DHT as a row of its own, as Transmission and qBittorrent show it:
 * its nodes, and the peers it found for this torrent. */
static void
add_dht_row(const struct torrent *t, struct msg_trackers *tr)
{
	struct msg_tracker	*r;
	size_t			 i, found = 0, nodes, lookups;

	if (t->env->dht_health == NULL || tr->n >= MSG_MAX_TRACKERS)
		return;
	r = &tr->t[tr->n++];
	memset(r, 0, sizeof(*r));
	r->kind = MSG_TRACKER_KIND_DHT;
	r->tier = 0;
	r->last_s = r->next_s = -1;
	r->seeders = r->leechers = -1;
	if (t->meta != NULL && t->meta->private_flag) {
		snprintf(r->url, sizeof(r->url), "DHT: not for a private "
		    "torrent");
		r->status = MSG_TRACKER_IDLE;
		return;
	}
	for (i = 0; i < t->nknown; i++)
		found += t->known[i].src == TORRENT_SRC_DHT;
	t->env->dht_health(t->env->arg, &nodes, &lookups);
	snprintf(r->url, sizeof(r->url), "DHT: %zu node%s, %zu lookup%s, "
	    "%zu peer%s found here", nodes, nodes == 1 ? "" : "s", lookups,
	    lookups == 1 ? "" : "s", found, found == 1 ? "" : "s");
	r->status = nodes > 0 ? MSG_TRACKER_OK : MSG_TRACKER_ANNOUNCING;
}

static const char *
src_name(uint8_t src)
{
	switch (src) {
	case TORRENT_SRC_PEX:
		return "PEX";
	case TORRENT_SRC_DHT:
		return "the DHT";
	case TORRENT_SRC_INCOMING:
		return "its own connection";
	case TORRENT_SRC_MANUAL:
		return "--peer";
	default:
		return "a tracker";
	}
}

/* The newest failure first. */
static int
newest_first(const void *a, const void *b)
{
	const struct known_peer	*x = *(const struct known_peer *const *)a;
	const struct known_peer	*y = *(const struct known_peer *const *)b;

	return x->failed_ms < y->failed_ms ? 1 : x->failed_ms > y->failed_ms ?
	    -1 : 0;
}

static void
fill_failed(const struct torrent *t, const struct known_peer *k,
    struct msg_tracker *r)
{
	uint64_t	now = t->env->now_ms;
	char		name[64];

	memset(r, 0, sizeof(*r));
	r->kind = MSG_TRACKER_KIND_PEER;
	r->status = MSG_TRACKER_ERROR;
	peer_addr_format(&k->addr, name, sizeof(name));
	snprintf(r->url, sizeof(r->url), "%s from %s, %u failure%s in a row",
	    name, src_name(k->src), k->fails, k->fails == 1 ? "" : "s");
	peer_fail_format((enum peer_fail)k->fail, k->fail_errno, 1, r->error,
	    sizeof(r->error));
	r->last_s = (int64_t)(now - k->failed_ms) / 1000;
	/* not connected nor banned: undialable ever means a seed while we
	 * seed */
	r->next_s = !torrent_known_dialable(t, k, UINT64_MAX) ? -1 :
	    k->retry_ms > now ? (int64_t)(k->retry_ms - now) / 1000 : 0;
	r->seeders = r->leechers = -1;
}

/*
 * The addresses whose last dial failed, after the peer sources (issue 17:
 * "peers 0/2" with no word of why): the newest failures in the rows left,
 * and when they do not all fit, a last row that counts the rest (each is
 * in the log once).
 */
static void
add_failed_rows(const struct torrent *t, struct msg_trackers *tr)
{
	const struct known_peer	**v;
	struct msg_tracker	 *r;
	size_t			  i, n = 0, room = MSG_MAX_TRACKERS - tr->n,
				  shown;

	if (room == 0 || t->nknown == 0 ||
	    (v = calloc(t->nknown, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < t->nknown; i++)
		if (t->known[i].fail != PEER_FAIL_NONE &&
		    !t->known[i].connected && !t->known[i].banned)
			v[n++] = &t->known[i];
	qsort(v, n, sizeof(*v), newest_first);
	shown = n <= room ? n : room - 1;
	for (i = 0; i < shown; i++)
		fill_failed(t, v[i], &tr->t[tr->n++]);
	if (shown < n) {
		r = &tr->t[tr->n++];
		memset(r, 0, sizeof(*r));
		r->kind = MSG_TRACKER_KIND_PEER;
		r->status = MSG_TRACKER_ERROR;
		r->last_s = r->next_s = -1;
		r->seeders = r->leechers = -1;
		snprintf(r->url, sizeof(r->url), "%zu more peer address%s "
		    "failed (the Log view has each once)", n - shown,
		    n - shown == 1 ? "" : "es");
	}
	free(v);
}

static void
send_trackers(struct torrent *t, torrent_send_fn send, void *arg)
{
	union msg_any		*m;
	struct tracker_info	 ti;
	uint64_t		 now = t->env->now_ms;
	int			 i, n;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	m->trackers.torrent_id = t->id;
	n = t->tracker != NULL ? tracker_count(t->tracker) : 0;
	for (i = 0; i < n && m->trackers.n < MSG_MAX_TRACKERS; i++) {
		struct msg_tracker *r = &m->trackers.t[m->trackers.n];

		if (tracker_info(t->tracker, (size_t)i, &ti) != BT_OK)
			continue;
		snprintf(r->url, sizeof(r->url), "%s", ti.url);
		r->kind = MSG_TRACKER_KIND_TRACKER;
		r->tier = (uint32_t)ti.tier;
		r->status = (uint8_t)ti.status;
		r->last_s = ti.last_ms ? (int64_t)(now - ti.last_ms) / 1000 :
		    -1;
		r->next_s = ti.next_ms > now ? (int64_t)(ti.next_ms - now) /
		    1000 : ti.next_ms ? 0 : -1;
		r->seeders = (int32_t)ti.seeders;
		r->leechers = (int32_t)ti.leechers;
		snprintf(r->error, sizeof(r->error), "%s", ti.error);
		m->trackers.n++;
	}
	add_dht_row(t, &m->trackers);
	add_failed_rows(t, &m->trackers);
	send(arg, MSG_TRACKERS, m);
	free(m);
}

/* Verified bytes per file, from the pieces we have. */
static void
file_done(struct torrent *t, uint64_t *done)
{
	struct storage_span	span[MSG_MAX_SPANS];
	uint32_t		i;
	size_t			n, k;

	for (i = 0; i < t->meta->num_pieces; i++) {
		if (!picker_have(t->picker, i))
			continue;
		n = storage_piece_spans(t->store, i, span, MSG_MAX_SPANS);
		for (k = 0; k < n && k < MSG_MAX_SPANS; k++)
			done[span[k].file] += span[k].length;
	}
}

static void
send_files(struct torrent *t, torrent_send_fn send, void *arg)
{
	union msg_any	*m;
	uint64_t	*done;
	size_t		 i, nf = t->meta->nfiles;

	if ((done = calloc(nf, sizeof(*done))) == NULL)
		return;
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		free(done);
		return;
	}
	file_done(t, done);
	m->files.torrent_id = t->id;
	/* Pad files (BEP 47) are not the user's files: not listed. */
	m->files.total = (uint32_t)(nf - t->meta->npads);
	m->files.streamed = torrent_streamed(t);
	for (i = 0; i < nf; i++) {
		struct msg_file *f;

		if (t->meta->files[i].attr & METAINFO_ATTR_PAD)
			continue;
		f = &m->files.files[m->files.n++];
		snprintf(f->path, sizeof(f->path), "%s", t->meta->files[i].path);
		f->size = t->meta->files[i].length;
		f->done = done[i];
		f->prio = t->file_prio[i];	/* enum picker_prio = msg_prio */
		if (m->files.n == MSG_MAX_FILES) {
			send(arg, MSG_FILES, m);
			m->files.first += m->files.n;
			m->files.n = 0;
		}
	}
	if (m->files.n > 0 || m->files.first < m->files.total ||
	    m->files.total == 0)
		send(arg, MSG_FILES, m);
	free(m);
	free(done);
}

void
torrent_send_details(struct torrent *t, torrent_send_fn send, void *arg)
{
	send_peers(t, send, arg);
	send_trackers(t, send, arg);
	if (t->meta == NULL)
		return;		/* no pieces nor files before the metadata */
	send_piecemap(t, send, arg);
	send_files(t, send, arg);
}

static void
fill_blocks(struct torrent *t, uint32_t index, struct msg_piece_detail *d)
{
	struct picker_block_info	bi;
	size_t				k;
	uint32_t			id;

	d->nblocks = picker_blocks_in_piece(t->picker, index);
	if (d->nblocks > MSG_MAX_BLOCKS)
		d->nblocks = MSG_MAX_BLOCKS;
	for (k = 0; k < d->nblocks; k++) {
		if (picker_block_info(t->picker, index, (uint32_t)k, &bi) !=
		    BT_OK)
			continue;
		d->blocks[k].state = bi.state == PICKER_BLOCK_RECEIVED ?
		    MSG_BLOCK_HAVE : bi.state == PICKER_BLOCK_REQUESTED ?
		    MSG_BLOCK_REQUESTED : MSG_BLOCK_MISSING;
		d->blocks[k].peer_id = bi.peer_id == PICKER_PEER_NONE ?
		    MSG_PEER_NONE : bi.peer_id;
		/* verified: the picker forgot who sent it, senders did not */
		if (bi.state == PICKER_BLOCK_RECEIVED &&
		    bi.peer_id == PICKER_PEER_NONE && (id = senders_get(
		    t->senders, index, (uint32_t)k)) != SENDERS_NOBODY)
			d->blocks[k].peer_id = id;
	}
}

/* The index of file i in the list the front gets, which leaves out pads. */
static uint32_t
listed_index(const struct torrent *t, size_t i)
{
	uint32_t	n = 0;
	size_t		k;

	for (k = 0; k < i; k++)
		if (!(t->meta->files[k].attr & METAINFO_ATTR_PAD))
			n++;
	return n;
}

void
torrent_send_piece(struct torrent *t, uint32_t index, torrent_send_fn send,
    void *arg)
{
	union msg_any		*m;
	struct msg_piece_detail	*d;
	struct storage_span	 span[MSG_MAX_SPANS];
	size_t			 n, k, i;

	if (t->meta == NULL || index >= t->meta->num_pieces ||
	    (m = calloc(1, sizeof(*m))) == NULL)
		return;
	d = &m->piece_detail;
	d->torrent_id = t->id;
	d->index = index;
	d->offset = (uint64_t)index * t->meta->piece_length;
	d->size = metainfo_piece_size(t->meta, index);
	d->state = piece_state(t, index);
	d->availability = picker_availability(t->picker, index);
	d->hashfails = t->piece_fails[index];
	n = storage_piece_spans(t->store, index, span, MSG_MAX_SPANS);
	for (k = 0; k < n && k < MSG_MAX_SPANS; k++) {
		struct msg_span *sp = &d->spans[d->nspans];

		if (t->meta->files[span[k].file].attr & METAINFO_ATTR_PAD)
			continue;	/* padding: not a file of the user's */
		sp->file = listed_index(t, span[k].file);
		sp->file_offset = span[k].file_offset;
		sp->length = span[k].length;
		d->nspans++;
	}
	if (n > MSG_MAX_SPANS && d->nspans == MSG_MAX_SPANS)
		d->nspans += (uint32_t)(n - MSG_MAX_SPANS);	/* not shown */
	fill_blocks(t, index, d);
	for (i = 0; i < t->npeers; i++) {
		struct peer *p = t->peers[i];

		if (p->state != PEER_ACTIVE || !bitfield_get(&p->have, index))
			continue;
		if (d->nhaving < MSG_MAX_HAVING)
			d->having[d->nhaving] = p->id;
		d->nhaving++;
	}
	if (d->nhaving > MSG_MAX_HAVING)
		d->nhaving = MSG_MAX_HAVING;
	send(arg, MSG_PIECE_DETAIL, m);
	free(m);
}

void
torrent_send_peer(struct torrent *t, uint32_t id, torrent_send_fn send,
    void *arg)
{
	union msg_any		*m;
	struct msg_peer_detail	*d;
	struct peer		*p = torrent_peer_by_id(t, id);
	const struct gone_peer	*g = NULL;
	size_t			 k;

	if ((p == NULL && (g = torrent_gone_peer(t, id)) == NULL) ||
	    (m = calloc(1, sizeof(*m))) == NULL)
		return;
	d = &m->peer_detail;
	d->torrent_id = t->id;
	if (g != NULL) {
		/* it left: when and why (the front keeps what it had) */
		d->peer.id = id;
		d->gone = 1;
		d->gone_s = (t->env->now_ms - g->ms) / 1000;
		snprintf(d->gone_reason, sizeof(d->gone_reason), "%s",
		    g->reason);
		send(arg, MSG_PEER_DETAIL, m);
		free(m);
		return;
	}
	fill_peer(t, p, &d->peer);
	d->connected_s = (t->env->now_ms - p->connected_ms) / 1000;
	d->downloaded = rate_total(&p->down);
	d->uploaded = rate_total(&p->up);
	d->hashfails = p->hashfails;
	d->num_pieces = t->meta != NULL ? t->meta->num_pieces : 0;
	d->bitfield_len = (uint32_t)bitfield_nbytes(&p->have);
	if (d->bitfield_len > MSG_BITFIELD_MAX)
		d->bitfield_len = MSG_BITFIELD_MAX;
	if (d->bitfield_len > 0)
		memcpy(d->bitfield, bitfield_bytes(&p->have), d->bitfield_len);
	for (k = 0; k < p->nreqs && k < MSG_MAX_REQS; k++) {
		d->reqs_out[k].piece = p->reqs[k].piece;
		d->reqs_out[k].begin = p->reqs[k].begin;
		d->reqs_out[k].length = p->reqs[k].length;
	}
	d->nreqs_out = (uint32_t)k;
	for (k = 0; k < p->ntheirs && k < MSG_MAX_REQS; k++) {
		d->reqs_in[k].piece = p->theirs[k].piece;
		d->reqs_in[k].begin = p->theirs[k].begin;
		d->reqs_in[k].length = p->theirs[k].length;
	}
	d->nreqs_in = (uint32_t)k;
	send(arg, MSG_PEER_DETAIL, m);
	free(m);
}

/*
 * control: the engine's side of the front.  It registers, sends a heartbeat
 * every second from the loop (so a stuck loop is a silent one), status a few
 * times a second and the other snapshots every second, and answers the
 * front's commands.  Snapshots are bounded: long lists go in several frames.
 * A full output buffer drops a snapshot rather than grow; a heartbeat is
 * small and is queued first each second.
 */
#include "engine/engine_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "ipc/packet.h"
#include "engine/choker.h"
#include "engine/metainfo.h"
#include "engine/picker.h"
#include "engine/storage.h"
#include "engine/tracker.h"

#define HEARTBEAT_MS	1000
#define FAST_MS		250	/* status */
#define SNAPSHOT_MS	1000	/* peers, piece map, trackers, files */
#define FINAL_FLUSH_MS	1000
/* Protocol v2 speaks of a session of torrents; this engine still runs
 * one, and it is torrent 0. */
#define THE_TORRENT	0u

static int
on(const struct engine *e)
{
	return e->ipc_fd >= 0;
}

static void
send_msg(struct engine *e, int type, const union msg_any *m)
{
	bbuf_reset(&e->payload);
	if (msg_encode(type, &e->payload, m) != BT_OK)
		return;			/* a bug of ours; nothing to send */
	(void)chan_send_msg(&e->chan, type, &e->payload);
}

static void	send_register(struct engine *);

int
control_open(struct engine *e, int fd)
{
	int	r;

	bbuf_init(&e->payload, MSG_MAX_PAYLOAD);
	if ((r = chan_init(&e->chan, fd, PKT_SIDE_ENGINE)) != BT_OK)
		return r;
	send_register(e);		/* always the first frame */
	return BT_OK;
}

static void
send_register(struct engine *e)
{
	union msg_any	m;

	memset(&m, 0, sizeof(m));
	m.reg.pid = (uint32_t)getpid();
	m.reg.version = MSG_PROTOCOL_VERSION;
	/* REGISTER goes out before the engine listens: the port asked for
	 * (the one taken, if another, is in the log). */
	m.reg.port = e->cfg->port;
	/* one torrent, no session state yet: its download directory */
	snprintf(m.reg.session_dir, sizeof(m.reg.session_dir), "%s",
	    e->cfg->dir != NULL ? e->cfg->dir : "");
	send_msg(e, MSG_REGISTER, &m);
}

void
control_close(struct engine *e)
{
	if (!on(e))
		return;
	chan_cleanup(&e->chan);
	bbuf_cleanup(&e->payload);
}

void
control_log(struct engine *e, int level, const char *text)
{
	union msg_any	m;

	memset(&m, 0, sizeof(m));
	m.log.torrent_id = THE_TORRENT;
	m.log.level = (uint8_t)level;
	m.log.uptime_ms = e->now_ms - e->start_ms;
	snprintf(m.log.text, sizeof(m.log.text), "%s", text);
	send_msg(e, MSG_LOG, &m);
}

/* ---- snapshots ---- */

static uint8_t
state_of(const struct engine *e)
{
	if (e->stop)
		return MSG_STATE_STOPPING;
	if (e->errored)
		return MSG_STATE_ERROR;
	if (e->meta == NULL || e->picker == NULL)
		return MSG_STATE_STARTING;
	if (e->checking)
		return MSG_STATE_CHECKING;
	if (e->paused)
		return MSG_STATE_PAUSED;
	return picker_complete(e->picker) ? MSG_STATE_SEEDING :
	    MSG_STATE_DOWNLOADING;
}

static void
send_status(struct engine *e)
{
	union msg_any	 m;
	struct msg_status *st = &m.status;
	uint64_t	 left;
	size_t		 i;

	memset(&m, 0, sizeof(m));
	st->state = state_of(e);
	st->total_bytes = e->meta->total_length;
	st->done_bytes = e->have_bytes;
	st->down_bps = rate_bps(&e->down, e->now_ms);
	st->up_bps = rate_bps(&e->up, e->now_ms);
	st->downloaded = rate_total(&e->down);
	st->uploaded = rate_total(&e->up);
	left = st->total_bytes - st->done_bytes;
	st->eta_s = left == 0 ? 0 : st->down_bps > 0 ?
	    (int64_t)(left / st->down_bps) : -1;
	st->peers_connected = (uint32_t)engine_count_active(e);
	st->peers_known = (uint32_t)e->nknown;
	for (i = 0; i < e->npeers; i++)
		if (e->peers[i]->state == PEER_ACTIVE &&
		    bitfield_complete(&e->peers[i]->have))
			st->seeds_connected++;
	st->pieces_have = picker_have_count(e->picker);
	st->num_pieces = e->meta->num_pieces;
	st->ratio_milli = (uint32_t)(st->uploaded * 1000 / st->total_bytes);
	st->max_down_bps = bucket_rate(&e->down_bkt);
	st->max_up_bps = bucket_rate(&e->up_bkt);
	st->hashfails = e->hashfails;
	st->wasted = e->wasted;
	if (e->checking)
		st->check_permille = (uint32_t)((uint64_t)e->check_next * 1000 /
		    e->meta->num_pieces);
	snprintf(st->error, sizeof(st->error), "%s", e->error);
	st->torrent_id = THE_TORRENT;
	snprintf(st->name, sizeof(st->name), "%s", e->meta->name);
	memcpy(st->info_hash, e->meta->info_hash, sizeof(st->info_hash));
	st->piece_length = e->meta->piece_length;
	st->num_files = (uint32_t)e->meta->nfiles;
	send_msg(e, MSG_STATUS, &m);
}

static void
fill_peer(const struct engine *e, const struct peer *p, struct msg_peer *out)
{
	uint32_t	np = e->meta->num_pieces;

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
	    (choker_is_optimistic(e->choker, p) ? MSG_PEER_OPTIMISTIC : 0);
	out->progress_permille = (uint16_t)((uint64_t)bitfield_count(
	    &p->have) * 1000 / np);
	out->down_bps = rate_bps(&p->down, e->now_ms);
	out->up_bps = rate_bps(&p->up, e->now_ms);
	out->reqs_out = (uint32_t)p->nreqs;
	out->reqs_in = (uint32_t)p->ntheirs;
}

static void
send_peers(struct engine *e)
{
	union msg_any	m;
	uint32_t	total = (uint32_t)engine_count_active(e), sent = 0;
	size_t		i;

	memset(&m, 0, sizeof(m));
	m.peers.total = total;
	for (i = 0; i < e->npeers; i++) {
		if (e->peers[i]->state != PEER_ACTIVE)
			continue;
		fill_peer(e, e->peers[i], &m.peers.peers[m.peers.n++]);
		sent++;
		if (m.peers.n == MSG_MAX_PEERS) {
			send_msg(e, MSG_PEERS, &m);
			m.peers.first = sent;
			m.peers.n = 0;
		}
	}
	if (m.peers.n > 0 || total == 0)
		send_msg(e, MSG_PEERS, &m);
}

static uint8_t
piece_state(const struct engine *e, uint32_t i)
{
	if (picker_have(e->picker, i))
		return MSG_PIECE_HAVE;
	switch (picker_piece_state(e->picker, i)) {
	case PICKER_DOWNLOADING:
		return MSG_PIECE_DOWNLOADING;
	case PICKER_REQUESTED:
		return MSG_PIECE_REQUESTED;
	default:
		break;
	}
	return picker_availability(e->picker, i) == 0 ?
	    MSG_PIECE_UNAVAILABLE : MSG_PIECE_MISSING;
}

static void
send_piecemap(struct engine *e)
{
	union msg_any	*m;
	uint32_t	 np = e->meta->num_pieces, i;

	/* union msg_any is large (a piece map chunk, a piece detail): on
	 * the heap, one for every chunk. */
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	m->piecemap.num_pieces = np;
	for (i = 0; i < np; i++) {
		if (m->piecemap.n == 0)
			m->piecemap.first = i;
		m->piecemap.states[m->piecemap.n++] = piece_state(e, i);
		if (m->piecemap.n == MSG_PIECEMAP_CHUNK || i + 1 == np) {
			send_msg(e, MSG_PIECEMAP, m);
			m->piecemap.n = 0;
		}
	}
	free(m);
}

static void
send_trackers(struct engine *e)
{
	union msg_any		m;
	struct tracker_info	ti;
	int			i, n;

	memset(&m, 0, sizeof(m));
	n = e->tracker != NULL ? tracker_count(e->tracker) : 0;
	for (i = 0; i < n && m.trackers.n < MSG_MAX_TRACKERS; i++) {
		struct msg_tracker *t = &m.trackers.t[m.trackers.n];

		if (tracker_info(e->tracker, (size_t)i, &ti) != BT_OK)
			continue;
		snprintf(t->url, sizeof(t->url), "%s", ti.url);
		t->tier = (uint32_t)ti.tier;
		t->status = (uint8_t)ti.status;
		t->last_s = ti.last_ms ? (int64_t)(e->now_ms - ti.last_ms) /
		    1000 : -1;
		t->next_s = ti.next_ms > e->now_ms ?
		    (int64_t)(ti.next_ms - e->now_ms) / 1000 :
		    ti.next_ms ? 0 : -1;
		t->seeders = (int32_t)ti.seeders;
		t->leechers = (int32_t)ti.leechers;
		snprintf(t->error, sizeof(t->error), "%s", ti.error);
		m.trackers.n++;
	}
	send_msg(e, MSG_TRACKERS, &m);
}

/* Verified bytes per file, from the pieces we have. */
static void
file_done(struct engine *e, uint64_t *done)
{
	struct storage_span	span[MSG_MAX_SPANS];
	uint32_t		i;
	size_t			n, k;

	for (i = 0; i < e->meta->num_pieces; i++) {
		if (!picker_have(e->picker, i))
			continue;
		n = storage_piece_spans(e->store, i, span, MSG_MAX_SPANS);
		for (k = 0; k < n && k < MSG_MAX_SPANS; k++)
			done[span[k].file] += span[k].length;
	}
}

static void
send_files(struct engine *e)
{
	union msg_any	 m;
	uint64_t	*done;
	size_t		 i, nf = e->meta->nfiles;

	if ((done = calloc(nf, sizeof(*done))) == NULL)
		return;
	file_done(e, done);
	memset(&m, 0, sizeof(m));
	m.files.total = (uint32_t)nf;
	for (i = 0; i < nf; i++) {
		struct msg_file *f = &m.files.files[m.files.n++];

		snprintf(f->path, sizeof(f->path), "%s", e->meta->files[i].path);
		f->size = e->meta->files[i].length;
		f->done = done[i];
		if (m.files.n == MSG_MAX_FILES || i + 1 == nf) {
			send_msg(e, MSG_FILES, &m);
			m.files.first = (uint32_t)(i + 1);
			m.files.n = 0;
		}
	}
	free(done);
}

/* ---- details on request ---- */

static void
send_piece_detail(struct engine *e, uint32_t index)
{
	union msg_any			*m;
	struct msg_piece_detail		*d;
	struct storage_span		 span[MSG_MAX_SPANS];
	struct picker_block_info	 bi;
	size_t				 n, k, i;

	if (index >= e->meta->num_pieces || (m = calloc(1, sizeof(*m))) == NULL)
		return;
	d = &m->piece_detail;
	d->index = index;
	d->offset = (uint64_t)index * e->meta->piece_length;
	d->size = metainfo_piece_size(e->meta, index);
	d->state = piece_state(e, index);
	d->availability = picker_availability(e->picker, index);
	d->hashfails = e->piece_fails[index];
	n = storage_piece_spans(e->store, index, span, MSG_MAX_SPANS);
	d->nspans = (uint32_t)n;
	for (k = 0; k < n && k < MSG_MAX_SPANS; k++) {
		d->spans[k].file = (uint32_t)span[k].file;
		d->spans[k].file_offset = span[k].file_offset;
		d->spans[k].length = span[k].length;
	}
	d->nblocks = picker_blocks_in_piece(e->picker, index);
	if (d->nblocks > MSG_MAX_BLOCKS)
		d->nblocks = MSG_MAX_BLOCKS;
	for (k = 0; k < d->nblocks; k++) {
		if (picker_block_info(e->picker, index, (uint32_t)k, &bi) !=
		    BT_OK)
			continue;
		d->blocks[k].state = bi.state == PICKER_BLOCK_RECEIVED ?
		    MSG_BLOCK_HAVE : bi.state == PICKER_BLOCK_REQUESTED ?
		    MSG_BLOCK_REQUESTED : MSG_BLOCK_MISSING;
		d->blocks[k].peer_id = bi.peer_id == PICKER_PEER_NONE ?
		    MSG_PEER_NONE : bi.peer_id;
	}
	for (i = 0; i < e->npeers; i++) {
		struct peer *p = e->peers[i];

		if (p->state != PEER_ACTIVE || !bitfield_get(&p->have, index))
			continue;
		if (d->nhaving < MSG_MAX_HAVING)
			d->having[d->nhaving] = p->id;
		d->nhaving++;
	}
	if (d->nhaving > MSG_MAX_HAVING)
		d->nhaving = MSG_MAX_HAVING;
	send_msg(e, MSG_PIECE_DETAIL, m);
	free(m);
}

static void
send_peer_detail(struct engine *e, uint32_t id)
{
	union msg_any		*m;
	struct msg_peer_detail	*d;
	struct peer		*p = engine_peer_by_id(e, id);
	size_t			 k;

	if (p == NULL || (m = calloc(1, sizeof(*m))) == NULL)
		return;
	d = &m->peer_detail;
	fill_peer(e, p, &d->peer);
	d->connected_s = (e->now_ms - p->connected_ms) / 1000;
	d->downloaded = rate_total(&p->down);
	d->uploaded = rate_total(&p->up);
	d->hashfails = p->hashfails;
	d->num_pieces = e->meta->num_pieces;
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
	send_msg(e, MSG_PEER_DETAIL, m);
	free(m);
}

/* ---- commands ---- */

static int
is_ours(uint32_t id)
{
	return id == THE_TORRENT || id == MSG_TORRENT_ALL;
}

/* A command for a torrent this engine does not have does nothing; so do
 * FOCUS, ADD, REMOVE and SET_MAX_ACTIVE until the engine is a session. */
static int
for_us(int type, const union msg_any *m)
{
	switch (type) {
	case MSG_CMD_PAUSE:
	case MSG_CMD_RESUME:
	case MSG_CMD_REANNOUNCE:
		return is_ours(m->ref.torrent_id);
	case MSG_CMD_INSPECT_PIECE:
	case MSG_CMD_INSPECT_PEER:
		return m->inspect.torrent_id == THE_TORRENT;
	default:
		return 1;
	}
}

static void
on_command(struct engine *e, int type, struct bbuf *pl)
{
	union msg_any	m;

	if (msg_decode(type, pl, &m) != BT_OK) {
		control_log(e, MSG_LOG_WARN, "ignored a malformed command");
		return;
	}
	if (!for_us(type, &m))
		return;
	switch (type) {
	case MSG_CMD_PAUSE:
		engine_pause(e, 1);
		break;
	case MSG_CMD_RESUME:
		engine_pause(e, 0);
		break;
	case MSG_CMD_QUIT:
		e->stop = 1;
		break;
	case MSG_CMD_REANNOUNCE:
		engine_reannounce(e);
		break;
	case MSG_CMD_SET_LIMITS:
		engine_set_limits(e, m.limits.max_down_bps,
		    m.limits.max_up_bps);
		break;
	case MSG_CMD_INSPECT_PIECE:
		if (e->meta != NULL && e->picker != NULL)
			send_piece_detail(e, m.inspect.index);
		break;
	case MSG_CMD_INSPECT_PEER:
		if (e->meta != NULL)
			send_peer_detail(e, m.inspect.index);
		break;
	default:
		break;
	}
}

void
control_fdset(struct engine *e, fd_set *rd, fd_set *wr, int *maxfd)
{
	int	fd;

	if (!on(e) || (fd = chan_fd(&e->chan)) < 0)
		return;
	FD_SET(fd, rd);
	if (chan_wants_write(&e->chan))
		FD_SET(fd, wr);
	if (fd > *maxfd)
		*maxfd = fd;
}

void
control_perform(struct engine *e, const fd_set *rd, const fd_set *wr)
{
	struct pkt_header	h;
	struct bbuf		pl;
	int			fd, r = BT_OK, r2;

	if (!on(e) || (fd = chan_fd(&e->chan)) < 0)
		return;
	if (FD_ISSET(fd, rd)) {
		r = chan_read(&e->chan);
		while ((r2 = chan_next(&e->chan, &h, &pl)) == BT_OK)
			on_command(e, h.type, &pl);
		if (r2 != BT_ERR_INCOMPLETE) {
			e->stop = 1;	/* the front broke the protocol */
			e->exit_status = 2;
		}
		if (r == BT_ERR_CLOSED)
			e->stop = 1;	/* the front is gone: stop cleanly */
	}
	if (FD_ISSET(fd, wr) || chan_wants_write(&e->chan))
		(void)chan_flush(&e->chan);
}

void
control_tick(struct engine *e)
{
	union msg_any	m;

	if (!on(e))
		return;
	if (e->now_ms >= e->next_hb_ms) {
		e->next_hb_ms = e->now_ms + HEARTBEAT_MS;
		memset(&m, 0, sizeof(m));
		m.heartbeat.seq = ++e->hb_seq;
		m.heartbeat.uptime_ms = e->now_ms - e->start_ms;
		send_msg(e, MSG_HEARTBEAT, &m);
	}
	if (e->meta == NULL || e->picker == NULL)
		return;
	if (e->now_ms >= e->next_fast_ms) {
		e->next_fast_ms = e->now_ms + FAST_MS;
		send_status(e);
	}
	if (e->now_ms >= e->next_snap_ms) {
		e->next_snap_ms = e->now_ms + SNAPSHOT_MS;
		send_peers(e);
		send_piecemap(e);
		send_trackers(e);
		send_files(e);
	}
	(void)chan_flush(&e->chan);
}

int64_t
control_timeout_ms(const struct engine *e)
{
	uint64_t	next;

	if (!on(e))
		return -1;
	next = e->next_hb_ms < e->next_fast_ms ? e->next_hb_ms :
	    e->next_fast_ms;
	return next > e->now_ms ? (int64_t)(next - e->now_ms) : 0;
}

void
control_final(struct engine *e)
{
	uint64_t	until;
	fd_set		wr;
	struct timeval	tv;
	int		fd;

	if (!on(e) || (fd = chan_fd(&e->chan)) < 0)
		return;
	if (e->meta != NULL && e->picker != NULL)
		send_status(e);
	until = engine_clock_ms() + FINAL_FLUSH_MS;
	while (chan_wants_write(&e->chan) && engine_clock_ms() < until) {
		FD_ZERO(&wr);
		FD_SET(fd, &wr);
		tv.tv_sec = 0;
		tv.tv_usec = 50000;
		if (select(fd + 1, NULL, &wr, NULL, &tv) > 0 &&
		    chan_flush(&e->chan) != BT_OK)
			break;
	}
}

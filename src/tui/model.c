/*
 * The front's snapshot of the engine.  Payloads are decoded into a scratch
 * area first and folded in only when whole and consistent, so a bad frame
 * leaves the model as it was.  Peers are double-buffered (a new list is
 * shown only once its last frame arrived, since order and membership
 * change between lists); piece states and files are written in place by
 * index, where an old and a new value of the same slot never conflict.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"

union scratch {
	struct msg_register	 reg;
	struct msg_heartbeat	 hb;
	struct msg_status	 st;
	struct msg_peers	 peers;
	struct msg_piecemap	 map;
	struct msg_piece_detail	 pd;
	struct msg_peer_detail	 peer;
	struct msg_trackers	 tr;
	struct msg_files	 files;
	struct msg_log		 log;
	struct msg_session	 session;
	struct msg_torrents	 torrents;
};

static void
copy_str(char *dst, size_t len, const char *src)
{
	size_t	n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

struct model *
model_new(const char *fallback_name)
{
	struct model	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->log = calloc(MODEL_LOG_LINES, sizeof(*m->log));
	m->peers = calloc(MODEL_MAX_PEERS, sizeof(*m->peers));
	m->pending = calloc(MODEL_MAX_PEERS, sizeof(*m->pending));
	m->scratch = malloc(sizeof(union scratch));
	m->torrents = calloc(MODEL_MAX_TORRENTS, sizeof(*m->torrents));
	m->rows_pending = calloc(MODEL_MAX_TORRENTS, sizeof(*m->rows_pending));
	m->focus = MSG_TORRENT_NONE;
	if (m->log == NULL || m->peers == NULL || m->pending == NULL ||
	    m->scratch == NULL || m->torrents == NULL ||
	    m->rows_pending == NULL) {
		model_free(m);
		return NULL;
	}
	copy_str(m->fallback_name, sizeof(m->fallback_name),
	    fallback_name != NULL ? fallback_name : "");
	m->status.eta_s = -1;
	m->health.state = SUP_STOPPED;
	m->files_streamed = MSG_STREAM_OFF;
	m->peer_gone_id = MSG_PEER_NONE;
	return m;
}

void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	free(m->log);
	free(m->peers);
	free(m->pending);
	free(m->pieces);
	free(m->files);
	free(m->scratch);
	free(m->torrents);
	free(m->rows_pending);
	free(m);
}

void
model_set_time(struct model *m, uint64_t now_ms, int64_t wall_s)
{
	m->now_ms = now_ms;
	m->wall_s = wall_s;
}

void
model_set_health(struct model *m, const struct sup_info *h)
{
	m->health = *h;
}

/* Makes room for n piece states (all MISSING) unless the map has them. */
static int
resize_pieces(struct model *m, uint32_t n)
{
	uint8_t	*p;

	if (n > MODEL_MAX_PIECES)
		return BT_ERR_LIMIT;
	if (n == m->num_pieces && (n == 0 || m->pieces != NULL))
		return BT_OK;
	if (n == 0) {
		free(m->pieces);
		m->pieces = NULL;
		m->num_pieces = 0;
		return BT_OK;
	}
	if ((p = calloc(n, 1)) == NULL)
		return BT_ERR_NOMEM;
	free(m->pieces);
	m->pieces = p;
	m->num_pieces = n;
	return BT_OK;
}

/* Makes room for the first MODEL_MAX_FILES of total files, by index. */
static int
resize_files(struct model *m, uint32_t total)
{
	size_t		 n = total < MODEL_MAX_FILES ? total : MODEL_MAX_FILES;
	struct msg_file	*f;

	if (n == m->nfiles && (n == 0 || m->files != NULL)) {
		m->files_total = total;
		return BT_OK;
	}
	f = n > 0 ? calloc(n, sizeof(*f)) : NULL;
	if (n > 0 && f == NULL)
		return BT_ERR_NOMEM;
	if (m->files != NULL && f != NULL)
		memcpy(f, m->files,
		    (n < m->nfiles ? n : m->nfiles) * sizeof(*f));
	free(m->files);
	m->files = f;
	m->nfiles = n;
	m->files_total = total;
	return BT_OK;
}

/* Forgets what was shown of the focused torrent. */
static void
forget_detail(struct model *m)
{
	m->have_status = 0;
	memset(&m->status, 0, sizeof(m->status));
	m->status.eta_s = -1;
	m->have_trackers = 0;
	memset(&m->trackers, 0, sizeof(m->trackers));
	m->npeers = 0;
	m->peers_total = 0;
	m->have_peers = 0;
	m->pending_open = 0;
	m->peer_gone_id = MSG_PEER_NONE;
	(void)resize_pieces(m, 0);
	(void)resize_files(m, 0);
	m->files_streamed = MSG_STREAM_OFF;
	m->piece_detail_valid = 0;
	m->peer_detail_valid = 0;
}

void
model_set_focus(struct model *m, uint32_t id)
{
	if (id == m->focus)
		return;
	m->focus = id;
	forget_detail(m);
	m->generation++;
}

const struct msg_torrent_row *
model_find_torrent(const struct model *m, uint32_t id)
{
	size_t	i;

	for (i = 0; i < m->ntorrents; i++)
		if (m->torrents[i].id == id)
			return &m->torrents[i];
	return NULL;
}

const struct msg_torrent_row *
model_find_hash(const struct model *m, const uint8_t info_hash[20])
{
	size_t	i;

	for (i = 0; i < m->ntorrents; i++)
		if (memcmp(m->torrents[i].info_hash, info_hash, 20) == 0)
			return &m->torrents[i];
	return NULL;
}

static struct model_done *
find_done(struct model *m, const uint8_t info_hash[20])
{
	size_t	i;

	for (i = 0; i < m->ndone; i++)
		if (memcmp(m->done[i].info_hash, info_hash, 20) == 0)
			return &m->done[i];
	return NULL;
}

/* Notes that the torrent completed now, unless it was noted (the oldest
 * note goes when the ring is full). */
static void
note_done(struct model *m, const uint8_t info_hash[20])
{
	struct model_done	*d;

	if (find_done(m, info_hash) != NULL)
		return;
	d = &m->done[m->done_next];
	m->done_next = (m->done_next + 1) % MODEL_MAX_DONE;
	if (m->ndone < MODEL_MAX_DONE)
		m->ndone++;
	memcpy(d->info_hash, info_hash, 20);
	d->wall_s = m->wall_s;
	m->done_total++;
}

uint64_t
model_done_count(const struct model *m)
{
	return m->done_total;
}

const struct model_done *
model_done_at(const struct model *m, uint64_t n)
{
	uint64_t	back;

	if (n >= m->done_total || m->done_total - n > m->ndone)
		return NULL;
	back = m->done_total - n;	/* 1: the last noted */
	return &m->done[(m->done_next + MODEL_MAX_DONE - back) %
	    MODEL_MAX_DONE];
}

/* The row flagged completed in the list before this one: noted then
 * (it may have left the ring since, and must not be noted again). */
static int
flagged_before(const struct msg_torrent_row *prev, size_t n,
    const uint8_t info_hash[20])
{
	size_t	i;

	for (i = 0; i < n; i++)
		if ((prev[i].flags & MSG_ROW_COMPLETED) &&
		    memcmp(prev[i].info_hash, info_hash, 20) == 0)
			return 1;
	return 0;
}

int64_t
model_completed_at(const struct model *m, const uint8_t info_hash[20])
{
	size_t	i;

	for (i = 0; i < m->ndone; i++)
		if (memcmp(m->done[i].info_hash, info_hash, 20) == 0)
			return m->done[i].wall_s;
	return -1;
}

/* The torrent list comes in frames of rows, shown once whole (as peers). */
static int
apply_torrents(struct model *m, const struct msg_torrents *t)
{
	struct msg_torrent_row	*swap;
	uint64_t		 end = (uint64_t)t->first + t->n;
	size_t			 i, nprev = m->ntorrents;

	if (end > t->total) {
		m->rows_open = 0;
		return BT_ERR_INVALID;
	}
	if (t->first == 0) {
		m->rows_open = 1;
		m->nrows_pending = 0;
		m->rows_total = t->total;
	} else if (!m->rows_open || t->first != m->nrows_pending ||
	    t->total != m->rows_total) {
		m->rows_open = 0;
		return BT_ERR_INVALID;
	}
	for (i = 0; i < t->n; i++)
		if (m->nrows_pending + i < MODEL_MAX_TORRENTS)
			m->rows_pending[m->nrows_pending + i] = t->rows[i];
	m->nrows_pending += t->n;
	if (end < t->total)
		return BT_OK;
	swap = m->torrents;
	m->torrents = m->rows_pending;
	m->rows_pending = swap;
	m->ntorrents = m->nrows_pending < MODEL_MAX_TORRENTS ?
	    m->nrows_pending : MODEL_MAX_TORRENTS;
	m->have_torrents = 1;
	m->rows_open = 0;
	/* the flag stays on while this engine runs: noted once, when it
	 * first shows (the ring may have let the note go since) */
	for (i = 0; i < m->ntorrents; i++)
		if ((m->torrents[i].flags & MSG_ROW_COMPLETED) &&
		    m->torrents[i].done_bytes == m->torrents[i].total_bytes &&
		    find_done(m, m->torrents[i].info_hash) == NULL &&
		    !flagged_before(m->rows_pending, nprev,
		    m->torrents[i].info_hash))
			note_done(m, m->torrents[i].info_hash);
	return BT_OK;
}

/* A new engine: its connection ids and details mean nothing any more. */
static int
apply_register(struct model *m, const struct msg_register *r)
{
	if (r->version != MSG_PROTOCOL_VERSION)
		return BT_ERR_PROTO;
	m->reg = *r;
	m->have_register = 1;
	m->npeers = 0;
	m->peers_total = 0;
	m->have_peers = 0;
	m->pending_open = 0;
	m->peer_gone_id = MSG_PEER_NONE;
	m->piece_detail_valid = 0;
	m->peer_detail_valid = 0;
	return BT_OK;
}

/* The status describes the torrent (v1's REGISTER did): the piece map and
 * the file list get their sizes before their first frames. */
static int
apply_status(struct model *m, const struct msg_status *st)
{
	int	rc;

	if ((rc = resize_pieces(m, st->num_pieces)) != BT_OK ||
	    (rc = resize_files(m, st->num_files)) != BT_OK)
		return rc;
	/* seen downloading its last piece (not a check that found it all) */
	if (m->have_status && m->status.torrent_id == st->torrent_id &&
	    m->status.state == MSG_STATE_DOWNLOADING &&
	    m->status.done_bytes < m->status.total_bytes &&
	    st->total_bytes > 0 && st->done_bytes == st->total_bytes)
		note_done(m, st->info_hash);
	m->status = *st;
	m->have_status = 1;
	return BT_OK;
}

/* A whole list without the detail's peer: it left, and the front notes
 * when it saw that (the engine says no more about it). */
static void
note_gone(struct model *m)
{
	uint32_t	id = m->peer_detail.peer.id;

	/* a list cut at MODEL_MAX_PEERS may just not reach it */
	if (!m->peer_detail_valid || m->npeers < m->peers_total)
		return;
	if (model_find_peer(m, id) != NULL) {
		if (m->peer_gone_id == id)
			m->peer_gone_id = MSG_PEER_NONE;
	} else if (m->peer_gone_id != id) {
		m->peer_gone_id = id;
		m->peer_gone_ms = m->now_ms;
	}
}

/* A peer that left comes as its id, when and why: the detail kept is the
 * last one it had (one never seen has nothing to show). */
static int
apply_peer_detail(struct model *m, const struct msg_peer_detail *d)
{
	uint64_t	ago_ms;

	if (!d->gone) {
		m->peer_detail = *d;
		m->peer_detail_valid = 1;
		return BT_OK;
	}
	if (!m->peer_detail_valid || m->peer_detail.peer.id != d->peer.id)
		return BT_OK;
	m->peer_detail.gone = 1;
	m->peer_detail.gone_s = d->gone_s;
	copy_str(m->peer_detail.gone_reason, sizeof(m->peer_detail.gone_reason),
	    d->gone_reason);
	/* the engine's time, on the front's clock */
	ago_ms = d->gone_s > m->now_ms / 1000 ? m->now_ms : d->gone_s * 1000;
	m->peer_gone_id = d->peer.id;
	m->peer_gone_ms = m->now_ms - ago_ms;
	return BT_OK;
}

static int
apply_peers(struct model *m, const struct msg_peers *p)
{
	size_t		 i;
	uint64_t	 end = (uint64_t)p->first + p->n;
	struct msg_peer	*swap;

	if (end > p->total) {
		m->pending_open = 0;
		return BT_ERR_INVALID;
	}
	if (p->first == 0) {
		m->pending_open = 1;
		m->npending = 0;
		m->pending_total = p->total;
	} else if (!m->pending_open || p->first != m->npending ||
	    p->total != m->pending_total) {
		m->pending_open = 0;
		return BT_ERR_INVALID;
	}
	for (i = 0; i < p->n; i++) {
		/* Past our bound the list is cut, but still counted. */
		if (m->npending + i < MODEL_MAX_PEERS)
			m->pending[m->npending + i] = p->peers[i];
	}
	m->npending += p->n;
	if (end < p->total)
		return BT_OK;
	swap = m->peers;
	m->peers = m->pending;
	m->pending = swap;
	m->npeers = m->npending < MODEL_MAX_PEERS ? m->npending :
	    MODEL_MAX_PEERS;
	m->peers_total = p->total;
	m->have_peers = 1;
	m->pending_open = 0;
	note_gone(m);
	return BT_OK;
}

static int
apply_piecemap(struct model *m, const struct msg_piecemap *p)
{
	int	rc;

	if (p->num_pieces == 0 || (uint64_t)p->first + p->n > p->num_pieces)
		return BT_ERR_INVALID;
	if ((rc = resize_pieces(m, p->num_pieces)) != BT_OK)
		return rc;
	memcpy(m->pieces + p->first, p->states, p->n);
	return BT_OK;
}

static int
apply_files(struct model *m, const struct msg_files *f)
{
	uint64_t	end = (uint64_t)f->first + f->n;
	size_t		i;
	int		rc;

	if (end > f->total)
		return BT_ERR_INVALID;
	if ((rc = resize_files(m, f->total)) != BT_OK)
		return rc;
	m->files_streamed = f->streamed;
	for (i = 0; i < f->n; i++) {
		if ((uint64_t)f->first + i < m->nfiles)
			m->files[f->first + i] = f->files[i];
	}
	return BT_OK;
}

static void add_log(struct model *, enum model_source, enum msg_log_level,
    uint32_t, const char *);

static int
apply_log(struct model *m, const struct msg_log *l)
{
	add_log(m, MODEL_SRC_ENGINE, (enum msg_log_level)l->level,
	    l->torrent_id, l->text);
	return BT_OK;
}

/* The torrent a per-torrent payload is about; MSG_TORRENT_NONE for the
 * others. */
static uint32_t
torrent_of(int type, const union scratch *s)
{
	switch (type) {
	case MSG_STATUS:
		return s->st.torrent_id;
	case MSG_PEERS:
		return s->peers.torrent_id;
	case MSG_PIECEMAP:
		return s->map.torrent_id;
	case MSG_PIECE_DETAIL:
		return s->pd.torrent_id;
	case MSG_PEER_DETAIL:
		return s->peer.torrent_id;
	case MSG_TRACKERS:
		return s->tr.torrent_id;
	case MSG_FILES:
		return s->files.torrent_id;
	}
	return MSG_TORRENT_NONE;
}

/* Decodes into the scratch area, then hands it to one apply function. */
static int
decode(struct model *m, int type, struct bbuf *in)
{
	union scratch	*s = m->scratch;

	switch (type) {
	case MSG_REGISTER:
		return msg_get_register(in, &s->reg);
	case MSG_HEARTBEAT:
		return msg_get_heartbeat(in, &s->hb);
	case MSG_STATUS:
		return msg_get_status(in, &s->st);
	case MSG_PEERS:
		return msg_get_peers(in, &s->peers);
	case MSG_PIECEMAP:
		return msg_get_piecemap(in, &s->map);
	case MSG_PIECE_DETAIL:
		return msg_get_piece_detail(in, &s->pd);
	case MSG_PEER_DETAIL:
		return msg_get_peer_detail(in, &s->peer);
	case MSG_TRACKERS:
		return msg_get_trackers(in, &s->tr);
	case MSG_FILES:
		return msg_get_files(in, &s->files);
	case MSG_LOG:
		return msg_get_log(in, &s->log);
	case MSG_SESSION:
		return msg_get_session(in, &s->session);
	case MSG_TORRENTS:
		return msg_get_torrents(in, &s->torrents);
	}
	return BT_ERR_NOTFOUND;
}

static int
apply(struct model *m, int type)
{
	union scratch	*s = m->scratch;

	switch (type) {
	case MSG_REGISTER:
		return apply_register(m, &s->reg);
	case MSG_HEARTBEAT:
		m->heartbeat = s->hb;
		return BT_OK;
	case MSG_STATUS:
		return apply_status(m, &s->st);
	case MSG_PEERS:
		return apply_peers(m, &s->peers);
	case MSG_PIECEMAP:
		return apply_piecemap(m, &s->map);
	case MSG_PIECE_DETAIL:
		m->piece_detail = s->pd;
		m->piece_detail_valid = 1;
		return BT_OK;
	case MSG_PEER_DETAIL:
		return apply_peer_detail(m, &s->peer);
	case MSG_TRACKERS:
		m->trackers = s->tr;
		m->have_trackers = 1;
		return BT_OK;
	case MSG_FILES:
		return apply_files(m, &s->files);
	case MSG_LOG:
		return apply_log(m, &s->log);
	case MSG_SESSION:
		m->session = s->session;
		m->have_session = 1;
		return BT_OK;
	case MSG_TORRENTS:
		return apply_torrents(m, &s->torrents);
	}
	return BT_ERR_NOTFOUND;
}

int
model_apply(struct model *m, int type, struct bbuf *payload)
{
	int	rc;

	if ((rc = decode(m, type, payload)) != BT_OK)
		return rc;
	/* Only the focused torrent's detail is kept: a frame about another
	 * (sent before the engine heard of a new focus) is dropped. */
	if (type != MSG_LOG && torrent_of(type, m->scratch) !=
	    MSG_TORRENT_NONE && torrent_of(type, m->scratch) != m->focus)
		return BT_OK;
	if ((rc = apply(m, type)) != BT_OK)
		return rc;
	/* A heartbeat changes nothing on screen: the health line comes from
	 * the supervisor. */
	if (type != MSG_HEARTBEAT)
		m->generation++;
	return BT_OK;
}

/* The newest line, if it says text at that level from there. */
static struct model_log_line *
same_as_newest(struct model *m, enum model_source source,
    enum msg_log_level level, uint32_t torrent_id, const char *text)
{
	struct model_log_line	*l;

	if (m->log_count == 0)
		return NULL;
	l = &m->log[(m->log_head + m->log_count - 1) % MODEL_LOG_LINES];
	if (l->source != source || l->level != level ||
	    l->torrent_id != torrent_id || l->repeat == UINT32_MAX ||
	    strncmp(l->text, text, sizeof(l->text) - 1) != 0)
		return NULL;
	return l;
}

static void
add_log(struct model *m, enum model_source source, enum msg_log_level level,
    uint32_t torrent_id, const char *text)
{
	struct model_log_line	*l;
	size_t			 at;

	if (text == NULL)
		text = "";
	/* no new row, so no new serial: the Log view does not scroll */
	if ((l = same_as_newest(m, source, level, torrent_id, text)) != NULL) {
		l->repeat++;
		l->wall_s = m->wall_s;
		m->generation++;
		return;
	}
	at = (m->log_head + m->log_count) % MODEL_LOG_LINES;
	if (m->log_count == MODEL_LOG_LINES)
		m->log_head = (m->log_head + 1) % MODEL_LOG_LINES;
	else
		m->log_count++;
	l = &m->log[at];
	l->level = (uint8_t)level;
	l->source = (uint8_t)source;
	l->wall_s = m->wall_s;
	l->torrent_id = torrent_id;
	l->repeat = 1;
	copy_str(l->text, sizeof(l->text), text);
	m->log_total++;
	m->generation++;
}

void
model_add_log(struct model *m, enum model_source source,
    enum msg_log_level level, const char *text)
{
	add_log(m, source, level, MSG_TORRENT_NONE, text);
}

size_t
model_log_count(const struct model *m)
{
	return m->log_count;
}

const struct model_log_line *
model_log_line(const struct model *m, size_t i)
{
	if (i >= m->log_count)
		return NULL;
	return &m->log[(m->log_head + i) % MODEL_LOG_LINES];
}

uint64_t
model_log_serial(const struct model *m, size_t i)
{
	return m->log_total - m->log_count + i;
}

const struct model_log_line *
model_log_by_serial(const struct model *m, uint64_t serial)
{
	uint64_t	first = m->log_total - m->log_count;

	if (serial < first || serial >= m->log_total)
		return NULL;
	return model_log_line(m, (size_t)(serial - first));
}

void
model_set_seed_ratio(struct model *m, uint32_t milli)
{
	m->seed_ratio_milli = milli;
}

/* How many log lines model_peer_gone reads back for the reason. */
#define GONE_LOG_LINES	400

int
model_peer_gone(const struct model *m, uint32_t id, uint64_t *ago_ms_out,
    char *reason_out, size_t len)
{
	const struct model_log_line	*l;
	char				 key[MSG_ADDR_MAX + 16];
	const char			*at, *why;
	size_t				 i, n = m->log_count, seen = 0;

	*ago_ms_out = 0;
	if (len > 0)
		reason_out[0] = '\0';
	if (id == MSG_PEER_NONE || id != m->peer_gone_id ||
	    !m->peer_detail_valid || m->peer_detail.peer.id != id)
		return 0;
	*ago_ms_out = m->now_ms > m->peer_gone_ms ? m->now_ms -
	    m->peer_gone_ms : 0;
	/* the engine said why */
	if (m->peer_detail.gone && m->peer_detail.gone_reason[0] != '\0') {
		if (len > 0)
			snprintf(reason_out, len, "%s",
			    m->peer_detail.gone_reason);
		return 1;
	}
	/* else torrent_reap's line: "peer ADDR (CLIENT) disconnected: WHY"
	 * (an engine that has forgotten the peer says nothing of it) */
	snprintf(key, sizeof(key), "peer %s (", m->peer_detail.peer.addr);
	for (i = n; i-- > 0 && seen++ < GONE_LOG_LINES;) {
		l = model_log_line(m, i);
		if (l->source != MODEL_SRC_ENGINE ||
		    (at = strstr(l->text, key)) == NULL ||
		    (why = strstr(at, ") disconnected: ")) == NULL)
			continue;
		if (len > 0)
			snprintf(reason_out, len, "%s", why + 16);
		break;
	}
	return 1;
}

const char *
model_name(const struct model *m)
{
	if (m->have_status && m->status.name[0] != '\0')
		return m->status.name;
	return m->fallback_name;
}

int
model_engine_live(const struct model *m)
{
	return m->health.state == SUP_RUNNING;
}

/* The engine's last list says every torrent is whole on disk (the
 * focused one's status, which comes more often, has the last word on
 * it). */
static int
complete(const struct model *m)
{
	const struct msg_torrent_row	*r;
	size_t				 i;

	if (m->have_status && (m->status.state == MSG_STATE_METADATA ||
	    (m->status.total_bytes > 0 &&
	    (m->status.done_bytes != m->status.total_bytes ||
	    m->status.state == MSG_STATE_CHECKING))))
		return 0;
	if (!m->have_torrents)
		return m->have_status && m->status.total_bytes > 0;
	for (i = 0; i < m->ntorrents; i++) {
		r = &m->torrents[i];
		if (r->id == m->focus && m->have_status)
			continue;
		/* A magnet link fetching its metadata is 0 of 0 bytes,
		 * and far from complete. */
		if (r->done_bytes != r->total_bytes ||
		    r->state == MSG_STATE_CHECKING ||
		    r->state == MSG_STATE_METADATA)
			return 0;
	}
	return m->ntorrents > 0 || m->have_status;
}

/* A torrent of the session stopped on an error. */
static int
failed(const struct model *m)
{
	size_t	i;

	if (m->have_status && m->status.state == MSG_STATE_ERROR)
		return 1;
	for (i = 0; i < m->ntorrents; i++)
		if (m->torrents[i].state == MSG_STATE_ERROR &&
		    !(m->torrents[i].id == m->focus && m->have_status))
			return 1;
	return 0;
}

int
model_exit_status(const struct model *m, int interrupted)
{
	const struct sup_info	*h = &m->health;

	if (h->state == SUP_GAVE_UP || h->state == SUP_BACKOFF)
		return 2;
	if (h->state == SUP_STOPPED && h->last_exit == 1)
		return 1;
	if (h->state == SUP_STOPPED && h->last_exit > 1)
		return 2;
	if (h->state == SUP_RUNNING && failed(m))
		return 2;
	return interrupted && !complete(m) ? 130 : 0;
}

const struct msg_peer *
model_find_peer(const struct model *m, uint32_t id)
{
	size_t	i;

	for (i = 0; i < m->npeers; i++) {
		if (m->peers[i].id == id)
			return &m->peers[i];
	}
	return NULL;
}

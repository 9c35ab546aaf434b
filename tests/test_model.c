/* Unit tests for src/tui/model: every payload type applied, lists put
 * together from several frames (peers, the torrent list), bad payloads
 * refused with the model left as it was, the focus (only one torrent's
 * detail is kept), the log ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/msg.h"
#include "tui/model.h"

#define BUF_MAX	(1024 * 1024)

/* The detail tests below feed torrent 0's payloads (torrent_id 0), so
 * the model shows torrent 0; test_focus_* start from no focus. */
static int
setup(void **state)
{
	*state = model_new("fallback.torrent");
	if (*state == NULL)
		return -1;
	model_set_focus(*state, 0);
	return 0;
}

static int
setup_unfocused(void **state)
{
	*state = model_new("fallback.torrent");
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	model_free(*state);
	return 0;
}

static int
apply_raw(struct model *m, int type, const uint8_t *p, size_t n)
{
	struct bbuf	v;

	bbuf_view(&v, p, n);
	return model_apply(m, type, &v);
}

/* Encodes msg of type into b (initialised here). */
static void
encode(int type, const void *msg, struct bbuf *b)
{
	int	r;

	bbuf_init(b, BUF_MAX);
	switch (type) {
	case MSG_REGISTER:
		r = msg_put_register(b, msg);
		break;
	case MSG_HEARTBEAT:
		r = msg_put_heartbeat(b, msg);
		break;
	case MSG_STATUS:
		r = msg_put_status(b, msg);
		break;
	case MSG_PEERS:
		r = msg_put_peers(b, msg);
		break;
	case MSG_PIECEMAP:
		r = msg_put_piecemap(b, msg);
		break;
	case MSG_PIECE_DETAIL:
		r = msg_put_piece_detail(b, msg);
		break;
	case MSG_PEER_DETAIL:
		r = msg_put_peer_detail(b, msg);
		break;
	case MSG_TRACKERS:
		r = msg_put_trackers(b, msg);
		break;
	case MSG_FILES:
		r = msg_put_files(b, msg);
		break;
	case MSG_LOG:
		r = msg_put_log(b, msg);
		break;
	case MSG_TORRENTS:
		r = msg_put_torrents(b, msg);
		break;
	case MSG_SESSION:
		r = msg_put_session(b, msg);
		break;
	default:
		r = BT_ERR_INVALID;
	}
	assert_int_equal(r, BT_OK);
}

static int
apply(struct model *m, int type, const void *msg)
{
	struct bbuf	b;
	int		r;

	encode(type, msg, &b);
	r = apply_raw(m, type, bbuf_ptr(&b), bbuf_len(&b));
	bbuf_cleanup(&b);
	return r;
}

/* Applies msg with the big-endian u32 at offset `at' of its payload
 * replaced by v: a payload the encoder would not write. */
static int
apply_patched(struct model *m, int type, const void *msg, size_t at,
    uint32_t v)
{
	struct bbuf	 b;
	uint8_t		*p;
	size_t		 n;
	int		 r;

	encode(type, msg, &b);
	n = bbuf_len(&b);
	assert_true(at + 4 <= n);
	p = malloc(n);
	assert_non_null(p);
	memcpy(p, bbuf_ptr(&b), n);
	p[at] = (uint8_t)(v >> 24);
	p[at + 1] = (uint8_t)(v >> 16);
	p[at + 2] = (uint8_t)(v >> 8);
	p[at + 3] = (uint8_t)v;
	r = apply_raw(m, type, p, n);
	free(p);
	bbuf_cleanup(&b);
	return r;
}

static void
make_register(struct msg_register *r)
{
	memset(r, 0, sizeof(*r));
	r->pid = 4242;
	r->version = MSG_PROTOCOL_VERSION;
	r->port = 51413;
	snprintf(r->session_dir, sizeof(r->session_dir), "/var/lib/bttui");
}

/* The status that describes torrent 0 (v1's REGISTER did). */
static void
make_status(struct msg_status *st, uint32_t pieces, uint32_t files)
{
	memset(st, 0, sizeof(*st));
	st->state = MSG_STATE_DOWNLOADING;
	snprintf(st->name, sizeof(st->name), "ubuntu.iso");
	st->total_bytes = (uint64_t)pieces * 262144;
	st->num_pieces = pieces;
	st->piece_length = 262144;
	st->num_files = files;
	st->eta_s = -1;
}

static void
make_peer(struct msg_peer *p, uint32_t id)
{
	memset(p, 0, sizeof(*p));
	p->id = id;
	snprintf(p->addr, sizeof(p->addr), "10.0.%u.%u:6881", id / 256,
	    id % 256);
	snprintf(p->client, sizeof(p->client), "client %u", id);
	p->down_bps = id * 100;
}

/* Sends ids [base, base + total) as frames of at most MSG_MAX_PEERS. */
static void
send_peers(struct model *m, uint32_t base, uint32_t total)
{
	struct msg_peers	*p = calloc(1, sizeof(*p));
	uint32_t		 first = 0, i;

	assert_non_null(p);
	do {
		p->total = total;
		p->first = first;
		p->n = total - first < MSG_MAX_PEERS ? total - first :
		    MSG_MAX_PEERS;
		for (i = 0; i < p->n; i++)
			make_peer(&p->peers[i], base + first + i);
		assert_int_equal(apply(m, MSG_PEERS, p), BT_OK);
		first += p->n;
	} while (first < total);
	free(p);
}

static void
test_register(void **state)
{
	struct model		*m = *state;
	struct msg_register	 r;
	struct msg_status	 st;
	uint64_t		 gen = m->generation;

	assert_string_equal(model_name(m), "fallback.torrent");
	make_register(&r);
	assert_int_equal(apply(m, MSG_REGISTER, &r), BT_OK);
	assert_true(m->have_register);
	assert_int_equal(m->reg.port, 51413);
	assert_string_equal(m->reg.session_dir, "/var/lib/bttui");
	assert_true(m->generation > gen);
	/* the torrent is named and sized by its status */
	assert_string_equal(model_name(m), "fallback.torrent");
	make_status(&st, 1000, 3);
	assert_int_equal(apply(m, MSG_STATUS, &st), BT_OK);
	assert_string_equal(model_name(m), "ubuntu.iso");
	assert_int_equal(m->num_pieces, 1000);
	assert_non_null(m->pieces);
	assert_int_equal(m->pieces[999], MSG_PIECE_MISSING);
	assert_int_equal(m->nfiles, 3);
	assert_true(m->generation > gen);
}

static void
test_register_refused(void **state)
{
	struct model		*m = *state;
	struct msg_register	 r;
	struct msg_status	 st;

	make_register(&r);
	assert_int_equal(apply(m, MSG_REGISTER, &r), BT_OK);
	make_status(&st, 10, 1);
	assert_int_equal(apply(m, MSG_STATUS, &st), BT_OK);
	r.port = 1;
	/* pid at 0, version at 4 */
	assert_int_not_equal(apply_patched(m, MSG_REGISTER, &r, 4,
	    MSG_PROTOCOL_VERSION + 1), BT_OK);
	make_status(&st, MODEL_MAX_PIECES + 1, 1);
	assert_int_not_equal(apply(m, MSG_STATUS, &st), BT_OK);
	/* what was there stays */
	assert_int_equal(m->num_pieces, 10);
	assert_int_equal(m->status.num_pieces, 10);
	assert_int_equal(m->reg.version, MSG_PROTOCOL_VERSION);
	assert_int_equal(m->reg.port, 51413);
}

static void
test_heartbeat_and_status(void **state)
{
	struct model		*m = *state;
	struct msg_heartbeat	 hb = { 7, 12345 };
	struct msg_status	 st;
	uint64_t		 gen = m->generation;

	assert_int_equal(apply(m, MSG_HEARTBEAT, &hb), BT_OK);
	assert_true(m->heartbeat.seq == 7);
	/* nothing on screen changes with a heartbeat */
	assert_true(m->generation == gen);
	memset(&st, 0, sizeof(st));
	st.state = MSG_STATE_DOWNLOADING;
	st.done_bytes = 500;
	st.total_bytes = 1000;
	st.eta_s = 42;
	st.peers_connected = 3;
	assert_int_equal(apply(m, MSG_STATUS, &st), BT_OK);
	assert_true(m->have_status);
	assert_int_equal(m->status.state, MSG_STATE_DOWNLOADING);
	assert_true(m->status.eta_s == 42);
	assert_true(m->generation > gen);
}

static void
test_peers_assembled(void **state)
{
	struct model	*m = *state;
	size_t		 i;

	send_peers(m, 1, 250);
	assert_int_equal(m->npeers, 250);
	assert_int_equal(m->peers_total, 250);
	for (i = 0; i < 250; i++)
		assert_int_equal(m->peers[i].id, i + 1);
	assert_non_null(model_find_peer(m, 250));
	assert_null(model_find_peer(m, 251));
	/* a new, shorter list replaces it whole */
	send_peers(m, 1000, 3);
	assert_int_equal(m->npeers, 3);
	assert_int_equal(m->peers[2].id, 1002);
	assert_null(model_find_peer(m, 1));
	/* and an empty one empties it */
	send_peers(m, 0, 0);
	assert_int_equal(m->npeers, 0);
}

static void
test_peers_partial_not_shown(void **state)
{
	struct model		*m = *state;
	struct msg_peers	*p = calloc(1, sizeof(*p));
	uint32_t		 i;

	assert_non_null(p);
	send_peers(m, 1, 5);
	p->total = 150;
	p->first = 0;
	p->n = 100;
	for (i = 0; i < p->n; i++)
		make_peer(&p->peers[i], 500 + i);
	assert_int_equal(apply(m, MSG_PEERS, p), BT_OK);
	/* half a list: the old one is still shown */
	assert_int_equal(m->npeers, 5);
	assert_int_equal(m->peers[0].id, 1);
	/* out of order: refused, the half list dropped */
	p->first = 120;
	p->n = 30;
	assert_int_equal(apply(m, MSG_PEERS, p), BT_ERR_INVALID);
	p->first = 100;
	p->n = 50;
	assert_int_equal(apply(m, MSG_PEERS, p), BT_ERR_INVALID);
	assert_int_equal(m->npeers, 5);
	/* past its own total (torrent_id at 0, total at 4, first at 8) */
	p->total = 150;
	p->first = 0;
	p->n = 11;
	assert_int_not_equal(apply_patched(m, MSG_PEERS, p, 4, 10), BT_OK);
	assert_int_equal(m->npeers, 5);
	free(p);
}

static void
test_piecemap_chunks(void **state)
{
	struct model		*m = *state;
	struct msg_piecemap	*p = calloc(1, sizeof(*p));
	uint32_t		 total = 40000, first = 0, i;

	assert_non_null(p);
	do {
		p->num_pieces = total;
		p->first = first;
		p->n = total - first < MSG_PIECEMAP_CHUNK ? total - first :
		    MSG_PIECEMAP_CHUNK;
		for (i = 0; i < p->n; i++)
			p->states[i] = (uint8_t)((first + i) % 5);
		assert_int_equal(apply(m, MSG_PIECEMAP, p), BT_OK);
		first += p->n;
	} while (first < total);
	assert_int_equal(m->num_pieces, total);
	for (i = 0; i < total; i++)
		assert_int_equal(m->pieces[i], i % 5);
	/* a chunk past the end is refused, the map kept */
	p->first = total - 11;
	p->n = 11;
	memset(p->states, MSG_PIECE_HAVE, p->n);
	/* torrent_id at 0, num_pieces at 4, first at 8 */
	assert_int_not_equal(apply_patched(m, MSG_PIECEMAP, p, 8, total - 10),
	    BT_OK);
	assert_int_equal(m->pieces[total - 1], (total - 1) % 5);
	/* zero pieces is no map */
	p->num_pieces = 0;
	p->first = 0;
	p->n = 0;
	assert_int_not_equal(apply(m, MSG_PIECEMAP, p), BT_OK);
	assert_int_equal(m->num_pieces, total);
	free(p);
}

static void
test_details(void **state)
{
	struct model		*m = *state;
	struct msg_piece_detail	*pd = calloc(1, sizeof(*pd));
	struct msg_peer_detail	*d = calloc(1, sizeof(*d));
	struct msg_register	 r;

	assert_non_null(pd);
	assert_non_null(d);
	pd->index = 17;
	pd->size = 262144;
	pd->nblocks = 16;
	pd->blocks[3].state = MSG_BLOCK_HAVE;
	pd->blocks[3].peer_id = 9;
	pd->nhaving = 1;
	pd->having[0] = 9;
	assert_int_equal(apply(m, MSG_PIECE_DETAIL, pd), BT_OK);
	assert_true(m->piece_detail_valid);
	assert_int_equal(m->piece_detail.index, 17);
	assert_int_equal(m->piece_detail.blocks[3].peer_id, 9);
	make_peer(&d->peer, 9);
	d->num_pieces = 16;
	d->bitfield_len = 2;
	d->bitfield[0] = 0xf0;
	assert_int_equal(apply(m, MSG_PEER_DETAIL, d), BT_OK);
	assert_true(m->peer_detail_valid);
	assert_int_equal(m->peer_detail.peer.id, 9);
	/* a new engine: old ids mean nothing */
	make_register(&r);
	assert_int_equal(apply(m, MSG_REGISTER, &r), BT_OK);
	assert_false(m->piece_detail_valid);
	assert_false(m->peer_detail_valid);
	free(pd);
	free(d);
}

static void
test_trackers_files_log(void **state)
{
	struct model		*m = *state;
	struct msg_trackers	*t = calloc(1, sizeof(*t));
	struct msg_files	*f = calloc(1, sizeof(*f));
	struct msg_log		 l;
	uint32_t		 i;

	assert_non_null(t);
	assert_non_null(f);
	t->n = 2;
	snprintf(t->t[1].url, sizeof(t->t[1].url), "udp://127.0.0.1:6969");
	t->t[1].tier = 1;
	t->t[1].status = MSG_TRACKER_ERROR;
	t->t[1].last_s = t->t[1].next_s = -1;
	t->t[1].seeders = t->t[1].leechers = -1;
	assert_int_equal(apply(m, MSG_TRACKERS, t), BT_OK);
	assert_int_equal(m->trackers.n, 2);
	assert_string_equal(m->trackers.t[1].url, "udp://127.0.0.1:6969");
	/* 40 files in two frames, the second first: files go by index */
	f->total = 40;
	f->first = 32;
	f->n = 8;
	for (i = 0; i < f->n; i++) {
		snprintf(f->files[i].path, sizeof(f->files[i].path), "f%u",
		    32 + i);
		f->files[i].size = 32 + i;
	}
	assert_int_equal(apply(m, MSG_FILES, f), BT_OK);
	f->first = 0;
	f->n = 32;
	for (i = 0; i < f->n; i++) {
		snprintf(f->files[i].path, sizeof(f->files[i].path), "f%u", i);
		f->files[i].size = i;
	}
	assert_int_equal(apply(m, MSG_FILES, f), BT_OK);
	assert_int_equal(m->nfiles, 40);
	assert_string_equal(m->files[0].path, "f0");
	assert_string_equal(m->files[39].path, "f39");
	f->first = 38;
	f->n = 2;
	/* torrent_id at 0, total at 4, first at 8 */
	assert_int_not_equal(apply_patched(m, MSG_FILES, f, 8, 39), BT_OK);
	assert_string_equal(m->files[39].path, "f39");
	memset(&l, 0, sizeof(l));
	l.level = MSG_LOG_WARN;
	snprintf(l.text, sizeof(l.text), "tracker timed out");
	model_set_time(m, 1000, 1700000000);
	assert_int_equal(apply(m, MSG_LOG, &l), BT_OK);
	assert_int_equal(model_log_count(m), 1);
	assert_string_equal(model_log_line(m, 0)->text, "tracker timed out");
	assert_int_equal(model_log_line(m, 0)->source, MODEL_SRC_ENGINE);
	assert_true(model_log_line(m, 0)->wall_s == 1700000000);
	free(t);
	free(f);
}

/* Cuts a valid status at every offset, and adds a byte: each refused,
 * the model unchanged and usable afterwards. */
static void
test_corrupt_payload(void **state)
{
	struct model		*m = *state;
	struct msg_status	 st;
	struct bbuf		 b;
	uint8_t			*bytes;
	size_t			 n, cut;
	uint64_t		 gen;

	memset(&st, 0, sizeof(st));
	st.state = MSG_STATE_SEEDING;
	st.total_bytes = 1000;
	st.done_bytes = 77;
	assert_int_equal(apply(m, MSG_STATUS, &st), BT_OK);
	gen = m->generation;
	st.done_bytes = 99;
	bbuf_init(&b, BUF_MAX);
	assert_int_equal(msg_put_status(&b, &st), BT_OK);
	assert_int_equal(bbuf_put_u8(&b, 0), BT_OK);
	n = bbuf_len(&b);
	bytes = malloc(n);
	assert_non_null(bytes);
	memcpy(bytes, bbuf_ptr(&b), n);
	for (cut = 0; cut + 1 < n; cut++)
		if (apply_raw(m, MSG_STATUS, bytes, cut) == BT_OK)
			fail_msg("status cut at %zu accepted", cut);
	assert_int_not_equal(apply_raw(m, MSG_STATUS, bytes, n), BT_OK);
	/* a state out of the enum (torrent_id at 0, state at 4) */
	bytes[4] = 200;
	assert_int_not_equal(apply_raw(m, MSG_STATUS, bytes, n - 1), BT_OK);
	assert_true(m->status.done_bytes == 77);
	assert_true(m->generation == gen);
	bytes[4] = MSG_STATE_SEEDING;
	assert_int_equal(apply_raw(m, MSG_STATUS, bytes, n - 1), BT_OK);
	assert_true(m->status.done_bytes == 99);
	free(bytes);
	bbuf_cleanup(&b);
}

/* Every type, cut short: never accepted, never a crash. */
static void
test_truncated_every_type(void **state)
{
	static const int	types[] = {
		MSG_REGISTER, MSG_HEARTBEAT, MSG_PEERS, MSG_PIECEMAP,
		MSG_PIECE_DETAIL, MSG_PEER_DETAIL, MSG_TRACKERS, MSG_FILES,
		MSG_LOG, MSG_TORRENTS, MSG_SESSION,
	};
	struct model		*m = *state;
	uint8_t			 junk[256];
	size_t			 i, cut;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		for (cut = 0; cut < 8; cut++)
			if (apply_raw(m, types[i], junk, cut) == BT_OK)
				fail_msg("type %d: %zu junk bytes accepted",
				    types[i], cut);
	}
	assert_int_equal(apply_raw(m, 999, junk, 4), BT_ERR_NOTFOUND);
	assert_int_equal(apply_raw(m, MSG_CMD_PAUSE, junk, 0),
	    BT_ERR_NOTFOUND);
	send_peers(m, 1, 2);
	assert_int_equal(m->npeers, 2);
}


/* ---- the session: the torrent list, totals, the focus ---- */

static void
make_row(struct msg_torrent_row *r, uint32_t id)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	memset(r->info_hash, 0, sizeof(r->info_hash));
	r->info_hash[0] = (uint8_t)(id >> 24);
	r->info_hash[1] = (uint8_t)(id >> 16);
	r->info_hash[2] = (uint8_t)(id >> 8);
	r->info_hash[3] = (uint8_t)id;
	r->info_hash[19] = 0xee;
	snprintf(r->name, sizeof(r->name), "torrent %u", id);
	r->state = MSG_STATE_DOWNLOADING;
	r->total_bytes = 1000;
	r->done_bytes = id % 1000;
	r->eta_s = -1;
}

/* Sends rows with ids [base, base + total) as frames of at most
 * MSG_MAX_TORRENT_ROWS; stops before frame number stop_before (-1: all). */
static void
send_rows(struct model *m, uint32_t base, uint32_t total, int stop_before)
{
	struct msg_torrents	*t = calloc(1, sizeof(*t));
	uint32_t		 first = 0, i;
	int			 frame = 0;

	assert_non_null(t);
	do {
		if (frame++ == stop_before)
			break;
		t->total = total;
		t->first = first;
		t->n = total - first < MSG_MAX_TORRENT_ROWS ? total - first :
		    MSG_MAX_TORRENT_ROWS;
		for (i = 0; i < t->n; i++)
			make_row(&t->rows[i], base + first + i);
		assert_int_equal(apply(m, MSG_TORRENTS, t), BT_OK);
		first += t->n;
	} while (first < total);
	free(t);
}

static void
test_torrents_assembled(void **state)
{
	struct model			*m = *state;
	const struct msg_torrent_row	*r;
	uint8_t				 hash[20];
	uint64_t			 gen;
	size_t				 i;

	assert_false(m->have_torrents);
	assert_int_equal(m->ntorrents, 0);
	assert_null(model_find_torrent(m, 0));
	/* 70 rows in three frames, shown once the last is in */
	send_rows(m, 100, 70, 2);
	assert_false(m->have_torrents);
	assert_int_equal(m->ntorrents, 0);
	send_rows(m, 100, 70, -1);
	assert_true(m->have_torrents);
	assert_int_equal(m->ntorrents, 70);
	for (i = 0; i < 70; i++)
		assert_int_equal(m->torrents[i].id, 100 + i);
	assert_non_null(r = model_find_torrent(m, 169));
	assert_string_equal(r->name, "torrent 169");
	assert_null(model_find_torrent(m, 170));
	assert_null(model_find_torrent(m, MSG_TORRENT_NONE));
	/* by info-hash */
	memset(hash, 0, sizeof(hash));
	hash[3] = 142;
	hash[19] = 0xee;
	assert_non_null(r = model_find_hash(m, hash));
	assert_int_equal(r->id, 142);
	hash[19] = 0;
	assert_null(model_find_hash(m, hash));
	/* half of a new list: the old one stays on screen */
	gen = m->generation;
	send_rows(m, 500, 40, 1);
	assert_int_equal(m->ntorrents, 70);
	assert_int_equal(m->torrents[0].id, 100);
	assert_true(m->generation > gen);
	/* a shorter list replaces it whole, an empty one empties it */
	send_rows(m, 7, 2, -1);
	assert_int_equal(m->ntorrents, 2);
	assert_int_equal(m->torrents[1].id, 8);
	assert_null(model_find_torrent(m, 100));
	send_rows(m, 0, 0, -1);
	assert_int_equal(m->ntorrents, 0);
	assert_true(m->have_torrents);
}

static void
test_torrents_out_of_order(void **state)
{
	struct model		*m = *state;
	struct msg_torrents	*t = calloc(1, sizeof(*t));
	uint32_t		 i;

	assert_non_null(t);
	send_rows(m, 1, 3, -1);
	t->total = 40;
	t->first = 32;
	t->n = 8;
	for (i = 0; i < t->n; i++)
		make_row(&t->rows[i], 200 + i);
	/* a later frame with no first one before it */
	assert_int_equal(apply(m, MSG_TORRENTS, t), BT_ERR_INVALID);
	assert_int_equal(m->ntorrents, 3);
	/* the first, then a gap: refused, the half list dropped */
	t->first = 0;
	t->n = 30;
	assert_int_equal(apply(m, MSG_TORRENTS, t), BT_OK);
	t->first = 31;
	t->n = 9;
	assert_int_equal(apply(m, MSG_TORRENTS, t), BT_ERR_INVALID);
	t->first = 30;
	t->n = 10;
	assert_int_equal(apply(m, MSG_TORRENTS, t), BT_ERR_INVALID);
	assert_int_equal(m->ntorrents, 3);
	assert_int_equal(m->torrents[2].id, 3);
	free(t);
}

/* More torrents than the list holds: the first MODEL_MAX_TORRENTS shown. */
static void
test_torrents_capped(void **state)
{
	struct model	*m = *state;

	send_rows(m, 1, MODEL_MAX_TORRENTS + 40, -1);
	assert_int_equal(m->ntorrents, MODEL_MAX_TORRENTS);
	assert_int_equal(m->torrents[MODEL_MAX_TORRENTS - 1].id,
	    MODEL_MAX_TORRENTS);
	assert_null(model_find_torrent(m, MODEL_MAX_TORRENTS + 1));
	/* and a list after it starts afresh */
	send_rows(m, 9, 1, -1);
	assert_int_equal(m->ntorrents, 1);
	assert_int_equal(m->torrents[0].id, 9);
}

static void
test_session(void **state)
{
	struct model		*m = *state;
	struct msg_session	 ss;
	uint64_t		 gen = m->generation;

	assert_false(m->have_session);
	memset(&ss, 0, sizeof(ss));
	ss.num_torrents = 4;
	ss.active = 2;
	ss.queued = 1;
	ss.max_down_bps = 512 * 1024;
	ss.max_active = 5;
	ss.port = 6881;
	assert_int_equal(apply(m, MSG_SESSION, &ss), BT_OK);
	assert_true(m->have_session);
	assert_int_equal(m->session.num_torrents, 4);
	assert_true(m->session.max_down_bps == 512 * 1024);
	assert_int_equal(m->session.port, 6881);
	assert_true(m->generation > gen);
	/* a session the decoder refuses (active + queued > num: num_torrents
	 * at 0 patched to 1) */
	assert_int_not_equal(apply_patched(m, MSG_SESSION, &ss, 0, 1), BT_OK);
	assert_int_equal(m->session.num_torrents, 4);
	assert_int_equal(m->session.active, 2);
}

/* One payload of each per-torrent type, about torrent tid, and how to
 * tell the model shows it. */
struct detail_case {
	int	 type;
	void	 (*make)(union msg_any *u, uint32_t tid);
	int	 (*shown)(const struct model *m);
};

static void
mk_status(union msg_any *u, uint32_t tid)
{
	make_status(&u->status, 10, 1);
	u->status.torrent_id = tid;
}

static int
sh_status(const struct model *m)
{
	return m->have_status && m->num_pieces == 10 &&
	    strcmp(m->status.name, "ubuntu.iso") == 0;
}

static void
mk_peers(union msg_any *u, uint32_t tid)
{
	u->peers.torrent_id = tid;
	u->peers.total = 1;
	u->peers.n = 1;
	make_peer(&u->peers.peers[0], 77);
}

static int
sh_peers(const struct model *m)
{
	return m->npeers == 1 && m->peers[0].id == 77;
}

static void
mk_piecemap(union msg_any *u, uint32_t tid)
{
	u->piecemap.torrent_id = tid;
	u->piecemap.num_pieces = 12;
	u->piecemap.n = 12;
	memset(u->piecemap.states, MSG_PIECE_HAVE, 12);
}

static int
sh_piecemap(const struct model *m)
{
	return m->num_pieces == 12 && m->pieces[11] == MSG_PIECE_HAVE;
}

static void
mk_piece_detail(union msg_any *u, uint32_t tid)
{
	u->piece_detail.torrent_id = tid;
	u->piece_detail.index = 3;
	u->piece_detail.size = 16384;
	u->piece_detail.nblocks = 1;
}

static int
sh_piece_detail(const struct model *m)
{
	return m->piece_detail_valid && m->piece_detail.index == 3;
}

static void
mk_peer_detail(union msg_any *u, uint32_t tid)
{
	u->peer_detail.torrent_id = tid;
	make_peer(&u->peer_detail.peer, 31);
}

static int
sh_peer_detail(const struct model *m)
{
	return m->peer_detail_valid && m->peer_detail.peer.id == 31;
}

static void
mk_trackers(union msg_any *u, uint32_t tid)
{
	u->trackers.torrent_id = tid;
	u->trackers.n = 1;
	snprintf(u->trackers.t[0].url, sizeof(u->trackers.t[0].url),
	    "http://127.0.0.1/announce");
	u->trackers.t[0].last_s = u->trackers.t[0].next_s = -1;
	u->trackers.t[0].seeders = u->trackers.t[0].leechers = -1;
}

static int
sh_trackers(const struct model *m)
{
	return m->have_trackers && m->trackers.n == 1;
}

static void
mk_files(union msg_any *u, uint32_t tid)
{
	u->files.torrent_id = tid;
	u->files.total = 1;
	u->files.n = 1;
	snprintf(u->files.files[0].path, sizeof(u->files.files[0].path),
	    "a/b.iso");
	u->files.files[0].size = 5;
}

static int
sh_files(const struct model *m)
{
	return m->nfiles == 1 && strcmp(m->files[0].path, "a/b.iso") == 0;
}

static const struct detail_case	detail_cases[] = {
	{ MSG_STATUS, mk_status, sh_status },
	{ MSG_PEERS, mk_peers, sh_peers },
	{ MSG_PIECEMAP, mk_piecemap, sh_piecemap },
	{ MSG_PIECE_DETAIL, mk_piece_detail, sh_piece_detail },
	{ MSG_PEER_DETAIL, mk_peer_detail, sh_peer_detail },
	{ MSG_TRACKERS, mk_trackers, sh_trackers },
	{ MSG_FILES, mk_files, sh_files },
};

/* Only the focused torrent's detail is kept: the same payload about
 * another torrent is accepted (it is well-formed) but changes nothing. */
static void
test_focus_filters(void **state)
{
	struct model	*m = *state;
	union msg_any	*u = calloc(1, sizeof(*u));
	uint64_t	 gen;
	size_t		 i;

	assert_non_null(u);
	assert_int_equal(m->focus, MSG_TORRENT_NONE);
	for (i = 0; i < sizeof(detail_cases) / sizeof(detail_cases[0]); i++) {
		const struct detail_case	*c = &detail_cases[i];

		/* no focus: nobody's detail */
		model_set_focus(m, MSG_TORRENT_NONE);
		memset(u, 0, sizeof(*u));
		c->make(u, 5);
		gen = m->generation;
		assert_int_equal(apply(m, c->type, u), BT_OK);
		if (c->shown(m) || m->generation != gen)
			fail_msg("%s: shown without a focus",
			    msg_type_name(c->type));
		/* focus on 6: torrent 5's is dropped */
		model_set_focus(m, 6);
		gen = m->generation;
		assert_int_equal(apply(m, c->type, u), BT_OK);
		if (c->shown(m) || m->generation != gen)
			fail_msg("%s: torrent 5's shown while 6 is",
			    msg_type_name(c->type));
		/* torrent 6's is kept */
		memset(u, 0, sizeof(*u));
		c->make(u, 6);
		assert_int_equal(apply(m, c->type, u), BT_OK);
		if (!c->shown(m) || m->generation == gen)
			fail_msg("%s: the focused torrent's not shown",
			    msg_type_name(c->type));
	}
	free(u);
}

/* A new focus forgets what was shown of the torrent before. */
static void
test_focus_forgets(void **state)
{
	struct model	*m = *state;
	union msg_any	*u = calloc(1, sizeof(*u));
	uint64_t	 gen;
	size_t		 i;

	assert_non_null(u);
	model_set_focus(m, 6);
	for (i = 0; i < sizeof(detail_cases) / sizeof(detail_cases[0]); i++) {
		memset(u, 0, sizeof(*u));
		detail_cases[i].make(u, 6);
		assert_int_equal(apply(m, detail_cases[i].type, u), BT_OK);
	}
	assert_true(m->have_status && m->npeers == 1);
	/* the same focus again: nothing changes */
	gen = m->generation;
	model_set_focus(m, 6);
	assert_true(m->generation == gen);
	assert_true(sh_peers(m) && sh_trackers(m) && sh_files(m));
	/* another: every detail gone, the screen redrawn */
	model_set_focus(m, 7);
	assert_int_equal(m->focus, 7);
	assert_true(m->generation > gen);
	for (i = 0; i < sizeof(detail_cases) / sizeof(detail_cases[0]); i++)
		if (detail_cases[i].shown(m))
			fail_msg("%s: still shown after a new focus",
			    msg_type_name(detail_cases[i].type));
	assert_false(m->have_status);
	assert_false(m->have_trackers);
	assert_true(m->status.eta_s == -1);
	assert_int_equal(m->npeers, 0);
	assert_int_equal(m->num_pieces, 0);
	assert_null(m->pieces);
	assert_int_equal(m->nfiles, 0);
	assert_int_equal(m->files_total, 0);
	assert_string_equal(model_name(m), "fallback.torrent");
	free(u);
}

/* Half a peers list of the old focus is not finished by the new one's. */
static void
test_focus_drops_half_list(void **state)
{
	struct model		*m = *state;
	struct msg_peers	*p = calloc(1, sizeof(*p));
	uint32_t		 i;

	assert_non_null(p);
	model_set_focus(m, 1);
	p->torrent_id = 1;
	p->total = 150;
	p->n = 100;
	for (i = 0; i < p->n; i++)
		make_peer(&p->peers[i], i);
	assert_int_equal(apply(m, MSG_PEERS, p), BT_OK);
	model_set_focus(m, 2);
	p->torrent_id = 2;
	p->first = 100;
	p->n = 50;
	assert_int_equal(apply(m, MSG_PEERS, p), BT_ERR_INVALID);
	assert_int_equal(m->npeers, 0);
	free(p);
}

/* The list, the totals and the log are the session's: kept whatever the
 * focus, and a log line remembers its torrent. */
static void
test_focus_keeps_session(void **state)
{
	struct model		*m = *state;
	struct msg_session	 ss;
	struct msg_log		 l;

	model_set_focus(m, 3);
	send_rows(m, 1, 5, -1);
	memset(&ss, 0, sizeof(ss));
	ss.num_torrents = 5;
	assert_int_equal(apply(m, MSG_SESSION, &ss), BT_OK);
	memset(&l, 0, sizeof(l));
	l.torrent_id = 4;
	snprintf(l.text, sizeof(l.text), "about 4");
	assert_int_equal(apply(m, MSG_LOG, &l), BT_OK);
	l.torrent_id = MSG_TORRENT_NONE;
	snprintf(l.text, sizeof(l.text), "about the session");
	assert_int_equal(apply(m, MSG_LOG, &l), BT_OK);
	model_add_log(m, MODEL_SRC_FRONT, MSG_LOG_WARN, "the front's");
	model_set_focus(m, MSG_TORRENT_NONE);
	assert_int_equal(m->ntorrents, 5);
	assert_true(m->have_session);
	assert_int_equal(model_log_count(m), 3);
	assert_int_equal(model_log_line(m, 0)->torrent_id, 4);
	assert_string_equal(model_log_line(m, 0)->text, "about 4");
	assert_int_equal(model_log_line(m, 1)->torrent_id, MSG_TORRENT_NONE);
	assert_int_equal(model_log_line(m, 2)->torrent_id, MSG_TORRENT_NONE);
	assert_int_equal(model_log_line(m, 2)->source, MODEL_SRC_FRONT);
}

static void
test_log_ring_wraps(void **state)
{
	struct model	*m = *state;
	char		 line[32];
	size_t		 i;

	assert_int_equal(model_log_count(m), 0);
	assert_null(model_log_line(m, 0));
	for (i = 0; i < MODEL_LOG_LINES + 5; i++) {
		snprintf(line, sizeof(line), "line %zu", i);
		model_add_log(m, MODEL_SRC_WATCHDOG, MSG_LOG_INFO, line);
	}
	assert_int_equal(model_log_count(m), MODEL_LOG_LINES);
	assert_true(m->log_total == MODEL_LOG_LINES + 5);
	assert_string_equal(model_log_line(m, 0)->text, "line 5");
	snprintf(line, sizeof(line), "line %d", MODEL_LOG_LINES + 4);
	assert_string_equal(model_log_line(m, MODEL_LOG_LINES - 1)->text, line);
	assert_null(model_log_line(m, MODEL_LOG_LINES));
	assert_int_equal(model_log_line(m, 0)->source, MODEL_SRC_WATCHDOG);
}

static void
test_health(void **state)
{
	struct model	*m = *state;
	struct sup_info	 h;

	assert_int_equal(m->health.state, SUP_STOPPED);
	memset(&h, 0, sizeof(h));
	h.state = SUP_RUNNING;
	h.pid = 99;
	model_set_health(m, &h);
	assert_int_equal(m->health.pid, 99);
	model_free(NULL);
}

/* The screen's exit status: the same codes as --headless (0 ok, 1 bad
 * input, 2 a run-time failure, 130 interrupted before completion). */
static void
test_exit_status(void **state)
{
	static const struct {
		const char	*name;
		enum sup_state	 st;
		int		 last_exit;
		int		 have_status;
		uint8_t		 state;
		uint64_t	 done;		/* of 100 bytes */
		int		 interrupted;
		int		 live, want;
	} rows[] = {
		{ "q while downloading", SUP_RUNNING, -1, 1,
		    MSG_STATE_DOWNLOADING, 50, 0, 1, 0 },
		{ "q while seeding", SUP_RUNNING, -1, 1, MSG_STATE_SEEDING, 100,
		    0, 1, 0 },
		{ "q while paused", SUP_RUNNING, -1, 1, MSG_STATE_PAUSED, 50, 0,
		    1, 0 },
		{ "q before any status", SUP_RUNNING, -1, 0, 0, 0, 0, 1, 0 },
		{ "q in the error state (disk full)", SUP_RUNNING, -1, 1,
		    MSG_STATE_ERROR, 50, 0, 1, 2 },
		{ "SIGTERM in the error state", SUP_RUNNING, -1, 1,
		    MSG_STATE_ERROR, 50, 1, 1, 2 },
		{ "q after the watchdog gave up", SUP_GAVE_UP, 3, 1,
		    MSG_STATE_DOWNLOADING, 50, 0, 0, 2 },
		{ "q while waiting to restart", SUP_BACKOFF, -1, 1,
		    MSG_STATE_DOWNLOADING, 50, 0, 0, 2 },
		{ "engine refused its input", SUP_STOPPED, 1, 1,
		    MSG_STATE_STARTING, 0, 0, 0, 1 },
		{ "engine finished (seed ratio)", SUP_STOPPED, 0, 1,
		    MSG_STATE_STOPPING, 100, 0, 0, 0 },
		{ "engine exited 2, not restarted", SUP_STOPPED, 2, 1,
		    MSG_STATE_DOWNLOADING, 50, 0, 0, 2 },
		{ "SIGINT while downloading", SUP_RUNNING, -1, 1,
		    MSG_STATE_DOWNLOADING, 50, 1, 1, 130 },
		{ "SIGINT while checking a whole torrent", SUP_RUNNING, -1, 1,
		    MSG_STATE_CHECKING, 100, 1, 1, 130 },
		{ "SIGINT once complete", SUP_RUNNING, -1, 1, MSG_STATE_SEEDING,
		    100, 1, 1, 0 },
	};
	struct model	*m = *state;
	size_t		 i;
	int		 got;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&m->health, 0, sizeof(m->health));
		m->health.state = rows[i].st;
		m->health.last_exit = rows[i].last_exit;
		m->have_status = rows[i].have_status;
		memset(&m->status, 0, sizeof(m->status));
		m->status.state = rows[i].state;
		m->status.total_bytes = 100;
		m->status.done_bytes = rows[i].done;
		got = model_exit_status(m, rows[i].interrupted);
		if (got != rows[i].want)
			fail_msg("%s: exit status %d, want %d", rows[i].name,
			    got, rows[i].want);
		if (model_engine_live(m) != rows[i].live)
			fail_msg("%s: live %d", rows[i].name,
			    model_engine_live(m));
	}
}

/* ---- issue 16: what the screen needs to know beyond the payloads ---- */

/* When the front saw a torrent complete: a list row flagged COMPLETED,
 * or a status that went from downloading to all done; not a check that
 * found it whole, not a torrent complete from the start. */
static void
test_completed_at(void **state)
{
	struct model		*m = *state;
	struct msg_torrents	*t = calloc(1, sizeof(*t));
	struct msg_status	 st;
	uint8_t			 h[20];
	size_t			 i;

	assert_non_null(t);
	model_set_time(m, 0, 1000);
	/* a row complete from the start: unknown */
	t->total = t->n = 2;
	make_row(&t->rows[0], 1);
	make_row(&t->rows[1], 2);
	t->rows[0].done_bytes = t->rows[0].total_bytes;
	assert_int_equal(apply(m, MSG_TORRENTS, t), BT_OK);
	assert_int_equal(model_completed_at(m, t->rows[0].info_hash), -1);
	/* the engine downloaded its last piece: noted when first seen */
	model_set_time(m, 0, 2000);
	t->rows[1].done_bytes = t->rows[1].total_bytes;
	t->rows[1].flags = MSG_ROW_COMPLETED;
	assert_int_equal(apply(m, MSG_TORRENTS, t), BT_OK);
	assert_int_equal(model_completed_at(m, t->rows[1].info_hash), 2000);
	model_set_time(m, 0, 3000);
	assert_int_equal(apply(m, MSG_TORRENTS, t), BT_OK);
	assert_int_equal(model_completed_at(m, t->rows[1].info_hash), 2000);
	/* the focused torrent's status: downloading, then all done */
	make_status(&st, 4, 1);
	memset(st.info_hash, 0x42, 20);
	st.done_bytes = 3 * 262144;
	assert_int_equal(apply(m, MSG_STATUS, &st), BT_OK);
	assert_int_equal(model_completed_at(m, st.info_hash), -1);
	model_set_time(m, 0, 4000);
	st.done_bytes = st.total_bytes;
	st.state = MSG_STATE_SEEDING;
	assert_int_equal(apply(m, MSG_STATUS, &st), BT_OK);
	assert_int_equal(model_completed_at(m, st.info_hash), 4000);
	/* a check that ends complete says nothing of when */
	memset(st.info_hash, 0x43, 20);
	st.state = MSG_STATE_CHECKING;
	st.done_bytes = 0;
	assert_int_equal(apply(m, MSG_STATUS, &st), BT_OK);
	st.state = MSG_STATE_SEEDING;
	st.done_bytes = st.total_bytes;
	assert_int_equal(apply(m, MSG_STATUS, &st), BT_OK);
	assert_int_equal(model_completed_at(m, st.info_hash), -1);
	/* the notes are a ring: the oldest goes */
	for (i = 0; i < MODEL_MAX_DONE; i++) {
		memset(h, 0, sizeof(h));
		h[0] = 0x80;
		h[1] = (uint8_t)i;
		model_set_time(m, 0, 5000 + (int64_t)i);
		t->total = t->n = 1;
		make_row(&t->rows[0], 3);
		memcpy(t->rows[0].info_hash, h, 20);
		t->rows[0].done_bytes = t->rows[0].total_bytes;
		t->rows[0].flags = MSG_ROW_COMPLETED;
		assert_int_equal(apply(m, MSG_TORRENTS, t), BT_OK);
	}
	assert_int_equal(model_completed_at(m, h), 5000 + MODEL_MAX_DONE - 1);
	make_row(&t->rows[0], 2);
	assert_int_equal(model_completed_at(m, t->rows[0].info_hash), -1);
	free(t);
}

/* A list of k torrents, every one completed by this engine, in frames of
 * MSG_MAX_TORRENT_ROWS: torrent i's info-hash starts with i. */
static void
send_completed(struct model *m, struct msg_torrents *t, size_t k)
{
	size_t	i, first;

	for (first = 0; first < k; first += t->n) {
		t->total = (uint32_t)k;
		t->first = (uint32_t)first;
		t->n = (uint32_t)(k - first < MSG_MAX_TORRENT_ROWS ? k - first :
		    MSG_MAX_TORRENT_ROWS);
		for (i = 0; i < t->n; i++) {
			make_row(&t->rows[i], (uint32_t)(first + i + 1));
			memset(t->rows[i].info_hash, 0, 20);
			t->rows[i].info_hash[0] = (uint8_t)(first + i);
			t->rows[i].done_bytes = t->rows[i].total_bytes;
			t->rows[i].flags = MSG_ROW_COMPLETED;
		}
		assert_int_equal(apply(m, MSG_TORRENTS, t), BT_OK);
	}
}

/* Each completion is counted once, in order, for --on-complete and the
 * bell: the rows stay flagged while the engine runs, and one whose note
 * left the ring is not noted again. */
static void
test_done_count(void **state)
{
	struct model			*m = *state;
	struct msg_torrents		*t = calloc(1, sizeof(*t));
	const struct model_done		*d;
	size_t				 k, n = MODEL_MAX_DONE + 10;

	assert_non_null(t);
	assert_int_equal(model_done_count(m), 0);
	assert_null(model_done_at(m, 0));
	/* one more completed torrent in each list */
	for (k = 1; k <= n; k++) {
		model_set_time(m, 0, 100 + (int64_t)k);
		send_completed(m, t, k);
		assert_int_equal(model_done_count(m), k);
		d = model_done_at(m, k - 1);
		assert_non_null(d);
		assert_int_equal(d->info_hash[0], k - 1);
		assert_int_equal(d->wall_s, 100 + (int64_t)k);
		send_completed(m, t, k);	/* the same again: nothing */
		assert_int_equal(model_done_count(m), k);
	}
	/* the oldest notes left the ring */
	assert_null(model_done_at(m, 0));
	assert_null(model_done_at(m, n - MODEL_MAX_DONE - 1));
	assert_non_null(model_done_at(m, n - MODEL_MAX_DONE));
	assert_null(model_done_at(m, n));
	free(t);
}

/* A peer whose detail is open leaves: noted once, with the reason the
 * engine's log gave, and forgotten if a list has it again. */
static void
test_peer_gone(void **state)
{
	struct model		*m = *state;
	struct msg_peer_detail	*d = calloc(1, sizeof(*d));
	char			 why[64];
	uint64_t		 ago;
	size_t			 i;

	assert_non_null(d);
	send_peers(m, 10, 3);
	assert_true(m->have_peers);
	make_peer(&d->peer, 11);
	assert_int_equal(apply(m, MSG_PEER_DETAIL, d), BT_OK);
	assert_false(model_peer_gone(m, 11, &ago, why, sizeof(why)));
	assert_string_equal(why, "");
	/* 11 is gone from the next list */
	model_add_log(m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "peer 10.0.0.11:6881 "
	    "(client 11) disconnected: closed by peer");
	model_add_log(m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "peer 10.0.0.1:6881 "
	    "(x) disconnected: other");
	model_set_time(m, 5000, 0);
	send_peers(m, 12, 2);
	model_set_time(m, 9500, 0);
	assert_true(model_peer_gone(m, 11, &ago, why, sizeof(why)));
	assert_int_equal(ago, 4500);
	assert_string_equal(why, "closed by peer");
	/* noticed once: the next lists keep the first time */
	send_peers(m, 12, 2);
	assert_true(model_peer_gone(m, 11, &ago, why, 6));
	assert_int_equal(ago, 4500);
	assert_string_equal(why, "close");
	/* another id is not the detail's */
	assert_false(model_peer_gone(m, 12, &ago, why, sizeof(why)));
	/* the line left the log (only the front's own remain): no reason,
	 * still gone */
	for (i = 0; i < MODEL_LOG_LINES; i++) {
		/* lines of their own: the same line again would collapse */
		char	line[96];

		snprintf(line, sizeof(line), "peer 10.0.0.11:6881 (client "
		    "11) disconnected: not the engine's (%zu)", i);
		model_add_log(m, MODEL_SRC_FRONT, MSG_LOG_INFO, line);
	}
	assert_true(model_peer_gone(m, 11, &ago, why, sizeof(why)));
	assert_string_equal(why, "");
	/* listed again (the same id): not gone */
	send_peers(m, 10, 3);
	assert_false(model_peer_gone(m, 11, &ago, why, sizeof(why)));
	/* a new engine forgets it all */
	send_peers(m, 12, 2);
	{
		struct msg_register	r;

		make_register(&r);
		assert_int_equal(apply(m, MSG_REGISTER, &r), BT_OK);
	}
	assert_false(m->have_peers);
	assert_false(model_peer_gone(m, 11, &ago, why, sizeof(why)));
	free(d);
}

/* The engine says when and why a peer left (its detail with gone set):
 * the detail the front had stays, with that time and reason, whatever
 * the log says; a gone detail of a peer not shown changes nothing. */
static void
test_peer_gone_engine(void **state)
{
	struct model		*m = *state;
	struct msg_peer_detail	*d = calloc(1, sizeof(*d));
	char			 why[64];
	uint64_t		 ago;

	assert_non_null(d);
	model_set_time(m, 100000, 0);
	send_peers(m, 10, 3);
	make_peer(&d->peer, 11);
	d->downloaded = 4096;
	assert_int_equal(apply(m, MSG_PEER_DETAIL, d), BT_OK);
	/* another peer's gone detail: nothing to show it with */
	memset(d, 0, sizeof(*d));
	d->peer.id = 12;
	d->gone = 1;
	d->gone_s = 3;
	snprintf(d->gone_reason, sizeof(d->gone_reason), "x");
	assert_int_equal(apply(m, MSG_PEER_DETAIL, d), BT_OK);
	assert_int_equal(m->peer_detail.peer.id, 11);
	assert_false(model_peer_gone(m, 12, &ago, why, sizeof(why)));
	assert_false(model_peer_gone(m, 11, &ago, why, sizeof(why)));
	/* 11 left 7 s ago, before any list said so; the log says otherwise */
	model_add_log(m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "peer 10.0.0.11:6881 "
	    "(client 11) disconnected: closed by peer");
	d->peer.id = 11;
	d->gone_s = 7;
	snprintf(d->gone_reason, sizeof(d->gone_reason), "both seeds, "
	    "nothing to trade");
	assert_int_equal(apply(m, MSG_PEER_DETAIL, d), BT_OK);
	model_set_time(m, 101500, 0);
	assert_true(model_peer_gone(m, 11, &ago, why, sizeof(why)));
	assert_int_equal(ago, 8500);
	assert_string_equal(why, "both seeds, nothing to trade");
	assert_true(m->peer_detail.downloaded == 4096);	/* kept */
	assert_string_equal(m->peer_detail.peer.addr, "10.0.0.11:6881");
	/* the list that follows keeps the engine's time */
	send_peers(m, 12, 2);
	assert_true(model_peer_gone(m, 11, &ago, why, sizeof(why)));
	assert_int_equal(ago, 8500);
	free(d);
}

/* The same line said again in a row shows once, counted, with the newest
 * time; anything between, or another level, source or torrent, is a line
 * of its own. */
static void
test_log_repeats(void **state)
{
	static const struct {
		uint8_t		 source, level;
		uint32_t	 torrent;
		const char	*text;
		size_t		 count;		/* rows after it */
		uint32_t	 repeat;	/* of the newest */
	} rows[] = {
		{ MODEL_SRC_ENGINE, MSG_LOG_INFO, 1, "closed by peer", 1, 1 },
		{ MODEL_SRC_ENGINE, MSG_LOG_INFO, 1, "closed by peer", 1, 2 },
		{ MODEL_SRC_ENGINE, MSG_LOG_INFO, 1, "closed by peer", 1, 3 },
		{ MODEL_SRC_ENGINE, MSG_LOG_WARN, 1, "closed by peer", 2, 1 },
		{ MODEL_SRC_ENGINE, MSG_LOG_WARN, 2, "closed by peer", 3, 1 },
		{ MODEL_SRC_FRONT, MSG_LOG_WARN, MSG_TORRENT_NONE,
		    "closed by peer", 4, 1 },
		{ MODEL_SRC_FRONT, MSG_LOG_WARN, MSG_TORRENT_NONE,
		    "closed by peer", 4, 2 },
		{ MODEL_SRC_FRONT, MSG_LOG_WARN, MSG_TORRENT_NONE, "other", 5,
		    1 },
		{ MODEL_SRC_FRONT, MSG_LOG_WARN, MSG_TORRENT_NONE,
		    "closed by peer", 6, 1 },
	};
	struct model			*m = *state;
	const struct model_log_line	*l;
	struct msg_log			 ml;
	uint64_t			 gen;
	size_t				 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		model_set_time(m, 1000 * i, 100 + (int64_t)i);
		gen = m->generation;
		if (rows[i].source == MODEL_SRC_ENGINE) {
			memset(&ml, 0, sizeof(ml));
			ml.level = rows[i].level;
			ml.torrent_id = rows[i].torrent;
			snprintf(ml.text, sizeof(ml.text), "%s", rows[i].text);
			assert_int_equal(apply(m, MSG_LOG, &ml), BT_OK);
		} else {
			model_add_log(m, rows[i].source, rows[i].level,
			    rows[i].text);
		}
		assert_true(m->generation > gen);	/* redrawn */
		if (model_log_count(m) != rows[i].count ||
		    m->log_total != rows[i].count)
			fail_msg("row %zu: %zu rows, %zu serials, want %zu", i,
			    model_log_count(m), (size_t)m->log_total,
			    rows[i].count);
		l = model_log_line(m, rows[i].count - 1);
		assert_int_equal(l->repeat, rows[i].repeat);
		assert_int_equal(l->wall_s, 100 + (int64_t)i);	/* newest */
		assert_int_equal(l->torrent_id, rows[i].torrent);
		assert_string_equal(l->text, rows[i].text);
	}
	assert_int_equal(model_log_line(m, 0)->repeat, 3);
	assert_int_equal(model_log_line(m, 0)->wall_s, 102);
}

/* Log lines keep their serial numbers while older ones leave the ring. */
static void
test_log_serials(void **state)
{
	struct model			*m = *state;
	const struct model_log_line	*l;
	char				 text[32];
	size_t				 i;

	assert_null(model_log_by_serial(m, 0));
	for (i = 0; i < MODEL_LOG_LINES + 5; i++) {
		snprintf(text, sizeof(text), "line %zu", i);
		model_add_log(m, MODEL_SRC_FRONT, MSG_LOG_INFO, text);
	}
	assert_int_equal(model_log_serial(m, 0), 5);
	assert_int_equal(model_log_serial(m, MODEL_LOG_LINES - 1),
	    MODEL_LOG_LINES + 4);
	assert_null(model_log_by_serial(m, 4));		/* gone */
	assert_null(model_log_by_serial(m, MODEL_LOG_LINES + 5));
	l = model_log_by_serial(m, 5);
	assert_non_null(l);
	assert_string_equal(l->text, "line 5");
	l = model_log_by_serial(m, 700);
	assert_non_null(l);
	assert_string_equal(l->text, "line 700");
	model_set_seed_ratio(m, 2000);
	assert_int_equal(m->seed_ratio_milli, 2000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_heartbeat_and_status,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_peers_assembled, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_peers_partial_not_shown,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_piecemap_chunks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_details, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trackers_files_log, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_payload, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_truncated_every_type,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_torrents_assembled,
		    setup_unfocused, teardown),
		cmocka_unit_test_setup_teardown(test_torrents_out_of_order,
		    setup_unfocused, teardown),
		cmocka_unit_test_setup_teardown(test_torrents_capped,
		    setup_unfocused, teardown),
		cmocka_unit_test_setup_teardown(test_session, setup_unfocused,
		    teardown),
		cmocka_unit_test_setup_teardown(test_focus_filters,
		    setup_unfocused, teardown),
		cmocka_unit_test_setup_teardown(test_focus_forgets,
		    setup_unfocused, teardown),
		cmocka_unit_test_setup_teardown(test_focus_drops_half_list,
		    setup_unfocused, teardown),
		cmocka_unit_test_setup_teardown(test_focus_keeps_session,
		    setup_unfocused, teardown),
		cmocka_unit_test_setup_teardown(test_log_ring_wraps, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_log_repeats, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_peer_gone_engine, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_health, setup, teardown),
		cmocka_unit_test_setup_teardown(test_done_count, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_completed_at, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_peer_gone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_log_serials, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_exit_status, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

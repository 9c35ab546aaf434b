/* Unit tests for src/ipc/msg: every payload round-trips (typical, empty
 * and full-size samples), every truncation of every sample fails, trailing
 * bytes, counts over their bounds, strings too long or with NUL, bad enum
 * values, signed fields and torrent ids, encoders that refuse bad structs,
 * sizes.  The same samples make the fuzzer's seed corpus (tests/fuzz/ipc):
 * BTTUI_WRITE_IPC_SEEDS=tests/fuzz/ipc build/tests/test_msg rewrites it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/msg.h"
#include "ipc/packet.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const int	all_types[] = {
	MSG_REGISTER, MSG_HEARTBEAT, MSG_STATUS, MSG_PEERS, MSG_PIECEMAP,
	MSG_PIECE_DETAIL, MSG_PEER_DETAIL, MSG_TRACKERS, MSG_FILES, MSG_LOG,
	MSG_TORRENTS, MSG_SESSION,
	MSG_CMD_PAUSE, MSG_CMD_RESUME, MSG_CMD_QUIT, MSG_CMD_REANNOUNCE,
	MSG_CMD_SET_LIMITS, MSG_CMD_INSPECT_PIECE, MSG_CMD_INSPECT_PEER,
	MSG_CMD_FOCUS, MSG_CMD_ADD, MSG_CMD_REMOVE, MSG_CMD_SET_MAX_ACTIVE,
	MSG_CMD_STREAM, MSG_CMD_SET_PRIORITY, MSG_CMD_SET_DIR_PRIORITY,
	MSG_CMD_SET_TURTLE,
};

enum fill { FILL_MIN, FILL_TYPICAL, FILL_MAX };

#define TYPICAL_MAGNET	"magnet:?xt=urn:btih:" \
	"abababababababababababababababababababab&dn=debian-12.iso" \
	"&tr=udp%3A%2F%2Ftracker.example%3A6969%2Fannounce"

/* ---- sample builders ---- */

/* A snapshot's torrent: 0, an ordinary id, the highest real one. */
static uint32_t
fill_id(enum fill f)
{
	return f == FILL_MIN ? 0 : f == FILL_TYPICAL ? 5 :
	    MSG_TORRENT_ALL - 1;
}

static void
fill_str(char *dst, size_t field, const char *typical, enum fill f)
{
	if (f == FILL_MIN)
		dst[0] = '\0';
	else if (f == FILL_TYPICAL)
		strncpy(dst, typical, field - 1);
	else {
		memset(dst, 'x', field - 1);
		dst[field - 1] = '\0';
	}
}

/* Every transport a peer may have: TCP or uTP, each plaintext, MSE with
 * a plaintext payload, or RC4. */
static const uint8_t	peer_transports[] = {
	0, MSG_PEER_T_MSE, MSG_PEER_T_MSE | MSG_PEER_T_RC4,
	MSG_PEER_T_UTP, MSG_PEER_T_UTP | MSG_PEER_T_MSE,
	MSG_PEER_T_ALL,
};

static void
fill_peer(struct msg_peer *p, uint32_t i, enum fill f)
{
	if (f == FILL_MIN)
		return;
	p->id = 1000 + i;
	fill_str(p->addr, sizeof(p->addr), "[2001:db8::1]:51413", f);
	fill_str(p->client, sizeof(p->client), "Transmission 3.00", f);
	p->flags = (uint8_t)(MSG_PEER_AM_INTERESTED | MSG_PEER_OPTIMISTIC |
	    i);
	p->progress_permille = (uint16_t)(i * 10 % 1001);
	p->down_bps = 0x0102030405060708ull + i;
	p->up_bps = 77;
	p->reqs_out = 12;
	p->reqs_in = 3;
	p->src = (uint8_t)(f == FILL_MAX ? MSG_PEER_SRC_WEBSEED :
	    i % (MSG_PEER_SRC_WEBSEED + 1));
	p->transport = f == FILL_MAX ? MSG_PEER_T_ALL : peer_transports[i %
	    NELEM(peer_transports)];
}

static void
fill_register(union msg_any *m, enum fill f)
{
	m->reg.version = MSG_PROTOCOL_VERSION;
	if (f == FILL_MIN)
		return;
	m->reg.pid = 4242;
	m->reg.port = f == FILL_MAX ? 65535 : 51413;
	fill_str(m->reg.session_dir, sizeof(m->reg.session_dir),
	    "/home/u/.local/state/bttui", f);
}

static void
fill_status(union msg_any *m, enum fill f)
{
	struct msg_status	*s = &m->status;

	if (f == FILL_MIN)
		return;
	s->torrent_id = fill_id(f);
	s->state = f == FILL_MAX ? MSG_STATE_QUEUED : MSG_STATE_DOWNLOADING;
	s->done_bytes = 462631731;
	s->total_bytes = 1073741824;
	s->down_bps = 126143692;
	s->downloaded = 0x0102030405060708ull;
	s->uploaded = 5;
	s->eta_s = -1;
	s->peers_connected = 2;
	s->peers_known = 5;
	s->seeds_connected = 1;
	s->pieces_have = 1764;
	s->num_pieces = 4096;
	s->ratio_milli = 12;
	s->max_up_bps = 1 << 20;
	s->hashfails = 1;
	s->wasted = 16384;
	s->check_permille = 1000;
	memset(s->info_hash, 0xab, sizeof(s->info_hash));
	s->piece_length = 262144;
	s->num_files = 3;
	fill_str(s->name, sizeof(s->name), "debian-12.iso", f);
	fill_str(s->error, sizeof(s->error), "", f);
	s->flags = MSG_STATUS_PRIVATE;
	s->meta_have = f == FILL_MAX ? UINT32_MAX : 3;
	s->meta_pieces = f == FILL_MAX ? UINT32_MAX : 12;
	fill_str(s->magnet, sizeof(s->magnet), TYPICAL_MAGNET, f);
}

static void
fill_peers(union msg_any *m, enum fill f)
{
	uint32_t	i;

	if (f == FILL_MIN)
		return;
	m->peers.torrent_id = fill_id(f);
	m->peers.n = f == FILL_MAX ? MSG_MAX_PEERS : 3;
	m->peers.first = 7;
	m->peers.total = m->peers.first + m->peers.n + 1;
	for (i = 0; i < m->peers.n; i++)
		fill_peer(&m->peers.peers[i], i, f);
}

static void
fill_piecemap(union msg_any *m, enum fill f)
{
	uint32_t	i;

	if (f == FILL_MIN)
		return;
	m->piecemap.torrent_id = fill_id(f);
	m->piecemap.n = f == FILL_MAX ? MSG_PIECEMAP_CHUNK : 100;
	m->piecemap.first = MSG_PIECEMAP_CHUNK;
	m->piecemap.num_pieces = m->piecemap.first + m->piecemap.n;
	for (i = 0; i < m->piecemap.n; i++)
		m->piecemap.states[i] = (uint8_t)(i % 5);
}

static void
fill_piece_detail(union msg_any *m, enum fill f)
{
	struct msg_piece_detail	*d = &m->piece_detail;
	uint32_t		 i;

	if (f == FILL_MIN)
		return;
	d->torrent_id = fill_id(f);
	d->index = 17;
	d->offset = 17ull * 4194304;
	d->size = 4194304;
	d->state = MSG_PIECE_DOWNLOADING;
	d->availability = 4;
	d->hashfails = 2;
	d->nspans = f == FILL_MAX ? MSG_MAX_SPANS + 5 : 2;	/* all of them */
	for (i = 0; i < d->nspans && i < MSG_MAX_SPANS; i++) {
		d->spans[i].file = i;
		d->spans[i].file_offset = 0x1000000000ull + i;
		d->spans[i].length = 1000 + i;
	}
	d->nblocks = f == FILL_MAX ? MSG_MAX_BLOCKS : 256;
	for (i = 0; i < d->nblocks; i++) {
		d->blocks[i].state = (uint8_t)(i % 3);
		d->blocks[i].peer_id = i * 7;
	}
	d->nhaving = f == FILL_MAX ? MSG_MAX_HAVING + 9 : 3;
	for (i = 0; i < d->nhaving && i < MSG_MAX_HAVING; i++)
		d->having[i] = 1000 + i;
}

static void
fill_reqs(struct msg_req *r, uint32_t n)
{
	uint32_t	i;

	for (i = 0; i < n; i++) {
		r[i].piece = i;
		r[i].begin = i * 16384;
		r[i].length = 16384;
	}
}

static void
fill_peer_detail(union msg_any *m, enum fill f)
{
	struct msg_peer_detail	*d = &m->peer_detail;
	uint32_t		 i;

	if (f == FILL_MIN)
		return;
	d->torrent_id = fill_id(f);
	fill_peer(&d->peer, 9, f);
	d->connected_s = 3600;
	d->downloaded = 0xfffffffffffull;
	d->uploaded = 1;
	d->hashfails = 0;
	d->num_pieces = f == FILL_MAX ? 100000 : 13;
	d->bitfield_len = f == FILL_MAX ? MSG_BITFIELD_MAX : 2;
	for (i = 0; i < d->bitfield_len; i++)
		d->bitfield[i] = (uint8_t)(0xf0 ^ i);
	if (f == FILL_TYPICAL)
		d->bitfield[1] = 0xf8;	/* 13 bits: spare bits clear */
	d->nreqs_out = f == FILL_MAX ? MSG_MAX_REQS : 5;
	d->nreqs_in = f == FILL_MAX ? MSG_MAX_REQS : 1;
	fill_reqs(d->reqs_out, d->nreqs_out);
	fill_reqs(d->reqs_in, d->nreqs_in);
	d->gone = 1;		/* (a real one would carry only the id) */
	d->gone_s = f == FILL_MAX ? UINT64_MAX : 12;
	fill_str(d->gone_reason, sizeof(d->gone_reason), "closed by peer", f);
}

static void
fill_trackers(union msg_any *m, enum fill f)
{
	struct msg_tracker	*t;
	uint32_t		 i;

	if (f == FILL_MIN)
		return;
	m->trackers.torrent_id = fill_id(f);
	m->trackers.n = f == FILL_MAX ? MSG_MAX_TRACKERS : 2;
	for (i = 0; i < m->trackers.n; i++) {
		t = &m->trackers.t[i];
		fill_str(t->url, sizeof(t->url),
		    "udp://tracker.example:6969/announce", f);
		t->tier = i;
		t->status = (uint8_t)(i % 4);
		t->last_s = i == 0 ? -1 : 30;
		t->next_s = i == 0 ? 1800 : -1;
		t->seeders = i == 0 ? -1 : 12;
		t->leechers = i == 0 ? 4 : -1;
		fill_str(t->error, sizeof(t->error), "timed out", f);
		t->kind = (uint8_t)(i % (MSG_TRACKER_KIND_PEER + 1));
	}
}

static void
fill_files(union msg_any *m, enum fill f)
{
	uint32_t	i;

	m->files.streamed = f == FILL_MIN ? MSG_STREAM_OFF :
	    f == FILL_TYPICAL ? 33 : MSG_STREAM_ALL;
	if (f == FILL_MIN)
		return;
	m->files.torrent_id = fill_id(f);
	m->files.n = f == FILL_MAX ? MSG_MAX_FILES : 2;
	m->files.first = 32;
	m->files.total = 200;
	for (i = 0; i < m->files.n; i++) {
		fill_str(m->files.files[i].path,
		    sizeof(m->files.files[i].path), "dir/sub/file.bin", f);
		m->files.files[i].size = 0x100000000ull + i;
		m->files.files[i].done = i;
		m->files.files[i].prio = (uint8_t)(i % 4);
	}
}

static void
fill_log(union msg_any *m, enum fill f)
{
	if (f == FILL_MIN)
		return;
	/* the session's lines carry no torrent */
	m->log.torrent_id = f == FILL_MAX ? MSG_TORRENT_NONE : 5;
	m->log.level = MSG_LOG_WARN;
	m->log.uptime_ms = 123456;
	fill_str(m->log.text, sizeof(m->log.text), "tracker: timed out", f);
}

static void
fill_row(struct msg_torrent_row *t, uint32_t i, enum fill f)
{
	t->id = f == FILL_MAX ? MSG_TORRENT_ALL - 1 - i : 10 + i;
	memset(t->info_hash, (int)(0x40 + i), sizeof(t->info_hash));
	fill_str(t->name, sizeof(t->name), "ubuntu-24.04-desktop.iso", f);
	t->state = (uint8_t)(i % (MSG_STATE_METADATA + 1));
	t->total_bytes = 0x0000000180000000ull;
	t->done_bytes = t->total_bytes / (i + 1);
	t->down_bps = 1000 * i;
	t->up_bps = 0x0102030405060708ull;
	t->downloaded = t->done_bytes;
	t->uploaded = 77;
	t->eta_s = i == 0 ? -1 : (int64_t)i * 60;
	t->ratio_milli = 1500;
	t->peers_connected = 12;
	t->peers_known = 200 + i;
	t->seeds_connected = 3;
	t->queue_pos = t->state == MSG_STATE_QUEUED ? i : 0;
	t->wasted = f == FILL_MAX ? UINT64_MAX : 0x0000000100004000ull + i;
	t->hashfails = f == FILL_MAX ? UINT32_MAX : 3 + i;
	fill_str(t->error, sizeof(t->error), "cannot write: No space left",
	    f);
	t->meta_have = t->state == MSG_STATE_METADATA ? i : 0;
	t->meta_pieces = f == FILL_MAX ? UINT32_MAX : t->meta_have + 9;
	t->flags = f == FILL_MAX || i % 2 == 1 ? MSG_ROW_COMPLETED : 0;
}

static void
fill_torrents(union msg_any *m, enum fill f)
{
	uint32_t	i;

	if (f == FILL_MIN)
		return;
	m->torrents.n = f == FILL_MAX ? MSG_MAX_TORRENT_ROWS : 3;
	m->torrents.first = 32;
	m->torrents.total = m->torrents.first + m->torrents.n + 4;
	for (i = 0; i < m->torrents.n; i++)
		fill_row(&m->torrents.rows[i], i, f);
}

static void
fill_session(union msg_any *m, enum fill f)
{
	struct msg_session	*s = &m->session;

	if (f == FILL_MIN)
		return;
	s->num_torrents = f == FILL_MAX ? UINT32_MAX : 40;
	s->active = f == FILL_MAX ? UINT32_MAX - 1 : 5;
	s->queued = f == FILL_MAX ? 1 : 30;
	s->peers_connected = 77;
	s->down_bps = 126143692;
	s->up_bps = 1 << 20;
	s->downloaded = 0x0102030405060708ull;
	s->uploaded = UINT64_MAX;
	s->max_down_bps = 0;
	s->max_up_bps = 512000;
	s->max_active = 5;
	s->port = 51413;
	s->turtle = f == FILL_MAX;
	s->alt_down_bps = 51200;
	s->alt_up_bps = f == FILL_MAX ? UINT64_MAX : 0;
}

/* PAUSE, RESUME, REANNOUNCE take ALL, FOCUS takes NONE. */
static void
fill_ref(int type, union msg_any *m, enum fill f)
{
	if (f == FILL_MAX)
		m->ref.torrent_id = type == MSG_CMD_FOCUS ? MSG_TORRENT_NONE :
		    MSG_TORRENT_ALL;
	else
		m->ref.torrent_id = fill_id(f);
}

static void
fill_add(union msg_any *m, enum fill f)
{
	/* a path is never "", so the smallest ADD names a 1-byte path */
	if (f == FILL_MIN)
		strcpy(m->add.path, "a");
	else
		fill_str(m->add.path, sizeof(m->add.path),
		    "/home/u/Downloads/debian-12.iso.torrent", f);
	fill_str(m->add.dir, sizeof(m->add.dir), "/srv/media", f);
	m->add.paused = f == FILL_MAX;
}

static void
fill(int type, union msg_any *m, enum fill f)
{
	memset(m, 0, sizeof(*m));
	switch (type) {
	case MSG_REGISTER: fill_register(m, f); break;
	case MSG_HEARTBEAT:
		m->heartbeat.seq = f == FILL_MIN ? 0 : 0x1122334455667788ull;
		m->heartbeat.uptime_ms = f == FILL_MIN ? 0 : 1000;
		break;
	case MSG_STATUS: fill_status(m, f); break;
	case MSG_PEERS: fill_peers(m, f); break;
	case MSG_PIECEMAP: fill_piecemap(m, f); break;
	case MSG_PIECE_DETAIL: fill_piece_detail(m, f); break;
	case MSG_PEER_DETAIL: fill_peer_detail(m, f); break;
	case MSG_TRACKERS: fill_trackers(m, f); break;
	case MSG_FILES: fill_files(m, f); break;
	case MSG_LOG: fill_log(m, f); break;
	case MSG_TORRENTS: fill_torrents(m, f); break;
	case MSG_SESSION: fill_session(m, f); break;
	case MSG_CMD_PAUSE:
	case MSG_CMD_RESUME:
	case MSG_CMD_REANNOUNCE:
	case MSG_CMD_FOCUS:
		fill_ref(type, m, f);
		break;
	case MSG_CMD_ADD: fill_add(m, f); break;
	case MSG_CMD_REMOVE:
		m->remove.torrent_id = fill_id(f);
		m->remove.delete_data = f == FILL_MAX;
		break;
	case MSG_CMD_SET_TURTLE:
	case MSG_CMD_SET_MAX_ACTIVE:
		m->count.n = f == FILL_MIN ? 0 : f == FILL_TYPICAL ? 5 :
		    UINT32_MAX;
		break;
	case MSG_CMD_STREAM:
		m->stream.torrent_id = fill_id(f);
		m->stream.file = f == FILL_MIN ? 0 : f == FILL_TYPICAL ? 3 :
		    MSG_STREAM_ALL;
		break;
	case MSG_CMD_SET_PRIORITY:
		m->set_priority.torrent_id = fill_id(f);
		m->set_priority.file = f == FILL_MIN ? 0 : f == FILL_TYPICAL ?
		    3 : UINT32_MAX;
		m->set_priority.prio = f == FILL_MIN ? MSG_PRIO_SKIP :
		    f == FILL_TYPICAL ? MSG_PRIO_NORMAL : MSG_PRIO_HIGH;
		break;
	case MSG_CMD_SET_DIR_PRIORITY:
		/* a dir is never "": the smallest names a 1-byte one */
		m->set_dir_priority.torrent_id = fill_id(f);
		m->set_dir_priority.prio = f == FILL_MIN ? MSG_PRIO_SKIP :
		    f == FILL_TYPICAL ? MSG_PRIO_LOW : MSG_PRIO_HIGH;
		if (f == FILL_MIN)
			strcpy(m->set_dir_priority.dir, "a");
		else
			fill_str(m->set_dir_priority.dir,
			    sizeof(m->set_dir_priority.dir), "debian/pool/main",
			    f);
		break;
	case MSG_CMD_SET_LIMITS:
		m->limits.max_down_bps = f == FILL_MIN ? 0 : 1000000;
		m->limits.max_up_bps = f == FILL_MIN ? 0 : UINT64_MAX;
		break;
	case MSG_CMD_INSPECT_PIECE:
	case MSG_CMD_INSPECT_PEER:
		m->inspect.torrent_id = fill_id(f);
		m->inspect.index = f == FILL_MIN ? 0 : 0xfffffffe;
		break;
	}
}

/* Encodes a sample into *out (initialised here). */
static void
encode_sample(int type, enum fill f, union msg_any *m, struct bbuf *out)
{
	int	r;

	fill(type, m, f);
	bbuf_init(out, MSG_MAX_PAYLOAD);
	if ((r = msg_encode(type, out, m)) != BT_OK)
		fail_msg("%s fill %d: encode %d", msg_type_name(type), f, r);
}

/* ---- round trips and sizes ---- */

static void
test_round_trip(void **state)
{
	union msg_any	*m = calloc(1, sizeof(*m)), *back = calloc(1,
			    sizeof(*back));
	struct bbuf	 out, in;
	size_t		 i, min, max;
	int		 f, r;

	(void)state;
	for (i = 0; i < NELEM(all_types); i++)
		for (f = FILL_MIN; f <= FILL_MAX; f++) {
			encode_sample(all_types[i], f, m, &out);
			assert_int_equal(msg_payload_bounds(all_types[i],
			    &min, &max), BT_OK);
			if (bbuf_len(&out) < min || bbuf_len(&out) > max)
				fail_msg("%s: %zu bytes outside [%zu, %zu]",
				    msg_type_name(all_types[i]),
				    bbuf_len(&out), min, max);
			if (f == FILL_MIN)
				assert_int_equal(bbuf_len(&out), min);
			if (f == FILL_MAX)
				assert_int_equal(bbuf_len(&out), max);
			bbuf_view(&in, bbuf_ptr(&out), bbuf_len(&out));
			memset(back, 0x5a, sizeof(*back));
			r = msg_decode(all_types[i], &in, back);
			if (r != BT_OK)
				fail_msg("%s fill %d: decode %d",
				    msg_type_name(all_types[i]), f, r);
			if (memcmp(m, back, sizeof(*m)) != 0)
				fail_msg("%s fill %d: differs after round "
				    "trip", msg_type_name(all_types[i]), f);
			bbuf_cleanup(&out);
		}
	free(m);
	free(back);
}

static void
test_typed_entry_points(void **state)
{
	union msg_any		m;
	struct msg_status	st;
	struct msg_log		lg;
	struct msg_inspect	ins = { 3, 99 }, ins2;
	struct msg_torrent_ref	ref = { MSG_TORRENT_ALL }, ref2;
	struct msg_remove	rm = { 7, 1 }, rm2;
	struct msg_stream	sm = { 7, MSG_STREAM_OFF }, sm2;
	struct msg_set_priority	sp = { 7, 2, MSG_PRIO_HIGH }, sp2;
	struct msg_set_dir_priority sd = { 7, MSG_PRIO_SKIP, "t/a" }, sd2;
	struct bbuf		out;

	(void)state;
	bbuf_init(&out, 1024);
	fill(MSG_STATUS, &m, FILL_TYPICAL);
	assert_int_equal(msg_put_status(&out, &m.status), BT_OK);
	assert_int_equal(msg_get_status(&out, &st), BT_OK);
	assert_memory_equal(&st, &m.status, sizeof(st));
	fill(MSG_LOG, &m, FILL_TYPICAL);
	assert_int_equal(msg_put_log(&out, &m.log), BT_OK);
	assert_int_equal(msg_get_log(&out, &lg), BT_OK);
	assert_string_equal(lg.text, "tracker: timed out");
	assert_int_equal(lg.level, MSG_LOG_WARN);
	assert_int_equal(msg_put_inspect(&out, &ins), BT_OK);
	assert_int_equal(bbuf_len(&out), 8);
	assert_memory_equal(bbuf_ptr(&out), "\0\0\0\3\0\0\0\x63", 8);
	assert_int_equal(msg_get_inspect(&out, &ins2), BT_OK);
	assert_int_equal(ins2.torrent_id, 3);
	assert_int_equal(ins2.index, 99);
	assert_int_equal(msg_put_torrent_ref(&out, &ref), BT_OK);
	assert_memory_equal(bbuf_ptr(&out), "\xff\xff\xff\xfe", 4);
	assert_int_equal(msg_get_torrent_ref(&out, &ref2), BT_OK);
	assert_true(ref2.torrent_id == MSG_TORRENT_ALL);
	/* the typed entry point takes a ref as PAUSE does: NONE is FOCUS's */
	ref.torrent_id = MSG_TORRENT_NONE;
	assert_int_equal(msg_put_torrent_ref(&out, &ref), BT_ERR_RANGE);
	assert_int_equal(msg_put_remove(&out, &rm), BT_OK);
	assert_memory_equal(bbuf_ptr(&out), "\0\0\0\7\1", 5);
	assert_int_equal(msg_get_remove(&out, &rm2), BT_OK);
	assert_int_equal(rm2.torrent_id, 7);
	assert_int_equal(rm2.delete_data, 1);
	assert_int_equal(msg_put_stream(&out, &sm), BT_OK);
	assert_memory_equal(bbuf_ptr(&out), "\0\0\0\7\xff\xff\xff\xff", 8);
	assert_int_equal(msg_get_stream(&out, &sm2), BT_OK);
	assert_int_equal(sm2.torrent_id, 7);
	assert_true(sm2.file == MSG_STREAM_OFF);
	assert_int_equal(msg_put_set_priority(&out, &sp), BT_OK);
	assert_memory_equal(bbuf_ptr(&out), "\0\0\0\7\0\0\0\2\3", 9);
	assert_int_equal(msg_get_set_priority(&out, &sp2), BT_OK);
	assert_int_equal(sp2.torrent_id, 7);
	assert_int_equal(sp2.file, 2);
	assert_int_equal(sp2.prio, MSG_PRIO_HIGH);
	assert_int_equal(bbuf_len(&out), 0);
	assert_int_equal(msg_put_set_dir_priority(&out, &sd), BT_OK);
	assert_int_equal(bbuf_len(&out), 10);
	assert_memory_equal(bbuf_ptr(&out), "\0\0\0\7\0\0\3t/a", 10);
	assert_int_equal(msg_get_set_dir_priority(&out, &sd2), BT_OK);
	assert_int_equal(sd2.torrent_id, 7);
	assert_int_equal(sd2.prio, MSG_PRIO_SKIP);
	assert_string_equal(sd2.dir, "t/a");
	assert_int_equal(bbuf_len(&out), 0);
	bbuf_cleanup(&out);
}

/* Every typed pair agrees with msg_encode / msg_decode on its type. */
static void
test_typed_match_generic(void **state)
{
	union msg_any	*m = calloc(1, sizeof(*m)), *back = calloc(1,
			    sizeof(*back));
	struct bbuf	 a, b;

	(void)state;
	bbuf_init(&b, MSG_MAX_PAYLOAD);
	encode_sample(MSG_TORRENTS, FILL_MAX, m, &a);
	assert_int_equal(msg_put_torrents(&b, &m->torrents), BT_OK);
	assert_int_equal(bbuf_len(&a), bbuf_len(&b));
	assert_memory_equal(bbuf_ptr(&a), bbuf_ptr(&b), bbuf_len(&a));
	assert_int_equal(msg_get_torrents(&b, &back->torrents), BT_OK);
	assert_memory_equal(&m->torrents, &back->torrents,
	    sizeof(m->torrents));
	bbuf_cleanup(&a);
	encode_sample(MSG_SESSION, FILL_TYPICAL, m, &a);
	assert_int_equal(msg_put_session(&b, &m->session), BT_OK);
	assert_memory_equal(bbuf_ptr(&a), bbuf_ptr(&b), bbuf_len(&a));
	assert_int_equal(msg_get_session(&b, &back->session), BT_OK);
	assert_memory_equal(&m->session, &back->session, sizeof(m->session));
	bbuf_cleanup(&a);
	encode_sample(MSG_CMD_ADD, FILL_TYPICAL, m, &a);
	assert_int_equal(msg_put_add(&b, &m->add), BT_OK);
	assert_memory_equal(bbuf_ptr(&a), bbuf_ptr(&b), bbuf_len(&a));
	assert_int_equal(msg_get_add(&b, &back->add), BT_OK);
	assert_string_equal(back->add.path, m->add.path);
	bbuf_cleanup(&a);
	encode_sample(MSG_CMD_SET_MAX_ACTIVE, FILL_MAX, m, &a);
	assert_int_equal(msg_put_count(&b, &m->count), BT_OK);
	assert_memory_equal(bbuf_ptr(&b), "\xff\xff\xff\xff", 4);
	assert_int_equal(msg_get_count(&b, &back->count), BT_OK);
	assert_true(back->count.n == UINT32_MAX);
	bbuf_cleanup(&a);
	bbuf_cleanup(&b);
	free(m);
	free(back);
}

/* Fixed bytes for one small payload: the byte order is big-endian. */
static void
test_heartbeat_bytes(void **state)
{
	static const uint8_t	 want[] = {
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
		0, 0, 0, 0, 0, 0, 0x03, 0xe8,
	};
	union msg_any		 m;
	struct bbuf		 out;

	(void)state;
	encode_sample(MSG_HEARTBEAT, FILL_TYPICAL, &m, &out);
	assert_int_equal(bbuf_len(&out), sizeof(want));
	assert_memory_equal(bbuf_ptr(&out), want, sizeof(want));
	bbuf_cleanup(&out);
}

/* MSG_SESSION spelled out, as docs/protocol.md lays it out. */
static void
test_session_bytes(void **state)
{
	static const uint8_t	 want[] = {
		0, 0, 0, 40, 0, 0, 0, 5, 0, 0, 0, 30, 0, 0, 0, 77,
		0, 0, 0, 0, 0x07, 0x84, 0xcc, 0xcc,	/* down_bps */
		0, 0, 0, 0, 0, 0x10, 0, 0,		/* up_bps */
		1, 2, 3, 4, 5, 6, 7, 8,			/* downloaded */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0, 0, 0, 0, 0, 0, 0, 0,			/* max_down_bps */
		0, 0, 0, 0, 0, 0x07, 0xd0, 0,		/* max_up_bps */
		0, 0, 0, 5,				/* max_active */
		0xc8, 0xd5,				/* port 51413 */
		0,					/* turtle off */
		0, 0, 0, 0, 0, 0, 0xc8, 0,		/* alt_down_bps */
		0, 0, 0, 0, 0, 0, 0, 0,			/* alt_up_bps */
	};
	union msg_any		 m;
	struct bbuf		 out;

	(void)state;
	encode_sample(MSG_SESSION, FILL_TYPICAL, &m, &out);
	assert_int_equal(bbuf_len(&out), sizeof(want));
	assert_memory_equal(bbuf_ptr(&out), want, sizeof(want));
	bbuf_cleanup(&out);
}

/* One MSG_TORRENTS row spelled out, as docs/protocol.md lays it out:
 * wasted and hashfails sit between queue_pos and error. */
static void
test_torrents_bytes(void **state)
{
	static const uint8_t	 want[] = {
		0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,	/* total, first, n */
		0, 0, 0, 9,				/* id */
		0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
		0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
		0, 1, 'a',				/* name */
		7,					/* QUEUED */
		0, 0, 0, 0, 0, 0, 0, 1,			/* done */
		0, 0, 0, 0, 0, 0, 0, 2,			/* total */
		0, 0, 0, 0, 0, 0, 0, 3,			/* down_bps */
		0, 0, 0, 0, 0, 0, 0, 4,			/* up_bps */
		0, 0, 0, 0, 0, 0, 0, 5,			/* downloaded */
		0, 0, 0, 0, 0, 0, 0, 6,			/* uploaded */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* eta */
		0, 0, 0, 7, 0, 0, 0, 8, 0, 0, 0, 9,	/* ratio, peers */
		0, 0, 0, 10, 0, 0, 0, 11,		/* seeds, queue_pos */
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,	/* waste */
		0xde, 0xad, 0xbe, 0xef,			/* hashfails */
		0, 2, 'e', '!',				/* error */
		0, 0, 0, 3, 0, 0, 0, 12,		/* meta have, pieces */
		1,					/* COMPLETED */
	};
	union msg_any		*m = calloc(1, sizeof(*m));
	union msg_any		*back = calloc(1, sizeof(*back));
	struct msg_torrent_row	*t = &m->torrents.rows[0];
	struct bbuf		 out, in;
	size_t			 min, max;

	(void)state;
	m->torrents.total = 1;
	m->torrents.n = 1;
	t->id = 9;
	memset(t->info_hash, 0xab, sizeof(t->info_hash));
	strcpy(t->name, "a");
	t->state = MSG_STATE_QUEUED;
	t->done_bytes = 1;
	t->total_bytes = 2;
	t->down_bps = 3;
	t->up_bps = 4;
	t->downloaded = 5;
	t->uploaded = 6;
	t->eta_s = -1;
	t->ratio_milli = 7;
	t->peers_connected = 8;
	t->peers_known = 9;
	t->seeds_connected = 10;
	t->queue_pos = 11;
	t->wasted = 0x1122334455667788ull;
	t->hashfails = 0xdeadbeef;
	strcpy(t->error, "e!");
	t->meta_have = 3;
	t->meta_pieces = 12;
	t->flags = MSG_ROW_COMPLETED;
	bbuf_init(&out, MSG_MAX_PAYLOAD);
	assert_int_equal(msg_put_torrents(&out, &m->torrents), BT_OK);
	assert_int_equal(bbuf_len(&out), sizeof(want));
	assert_memory_equal(bbuf_ptr(&out), want, sizeof(want));
	bbuf_view(&in, bbuf_ptr(&out), bbuf_len(&out));
	assert_int_equal(msg_get_torrents(&in, &back->torrents), BT_OK);
	assert_int_equal(back->torrents.rows[0].wasted, t->wasted);
	assert_int_equal(back->torrents.rows[0].hashfails, t->hashfails);
	assert_string_equal(back->torrents.rows[0].error, "e!");
	assert_int_equal(back->torrents.rows[0].meta_have, 3);
	assert_int_equal(back->torrents.rows[0].meta_pieces, 12);
	assert_int_equal(back->torrents.rows[0].flags, MSG_ROW_COMPLETED);
	bbuf_cleanup(&out);
	/* the bounds of docs/protocol.md: a row is 126..636 bytes */
	assert_int_equal(msg_payload_bounds(MSG_TORRENTS, &min, &max), BT_OK);
	assert_int_equal(min, 12);
	assert_int_equal(max, 12 + MSG_MAX_TORRENT_ROWS * 636);
	assert_int_equal(max, 20364);
	assert_int_equal(sizeof(want) - 12 - 1 - 2, 126);
	/* and a tracker row 34..544 */
	assert_int_equal(msg_payload_bounds(MSG_TRACKERS, &min, &max), BT_OK);
	assert_int_equal(min, 8);
	assert_int_equal(max, 8 + MSG_MAX_TRACKERS * 544);
	free(m);
	free(back);
}

static void
test_sizes_fit_a_frame(void **state)
{
	size_t	i, min, max, biggest = 0;

	(void)state;
	for (i = 0; i < NELEM(all_types); i++) {
		assert_int_equal(msg_payload_bounds(all_types[i], &min, &max),
		    BT_OK);
		assert_true(min <= max);
		assert_true(max <= MSG_MAX_PAYLOAD);
		if (max > biggest)
			biggest = max;
	}
	assert_true(biggest <= PKT_MAX_PAYLOAD);
	assert_true(biggest > 16384);	/* the bound is not vacuous */
	assert_int_equal(msg_payload_bounds(999, &min, &max), BT_ERR_FORMAT);
	assert_int_equal(min, 0);
	assert_int_equal(max, 0);
}

/* ---- truncation and trailing bytes ---- */

static void
test_every_truncation(void **state)
{
	union msg_any	*m = calloc(1, sizeof(*m));
	struct bbuf	 out, in;
	size_t		 i, cut;
	int		 f, r;

	(void)state;
	for (i = 0; i < NELEM(all_types); i++)
		for (f = FILL_MIN; f <= FILL_MAX; f++) {
			encode_sample(all_types[i], f, m, &out);
			for (cut = 0; cut < bbuf_len(&out); cut++) {
				bbuf_view(&in, bbuf_ptr(&out), cut);
				r = msg_decode(all_types[i], &in, m);
				if (r != BT_ERR_INCOMPLETE)
					fail_msg("%s fill %d cut %zu: %d",
					    msg_type_name(all_types[i]), f,
					    cut, r);
			}
			bbuf_cleanup(&out);
		}
	free(m);
}

static void
test_trailing_byte(void **state)
{
	union msg_any	*m = calloc(1, sizeof(*m));
	struct bbuf	 out, in;
	size_t		 i;
	int		 r;

	(void)state;
	for (i = 0; i < NELEM(all_types); i++) {
		encode_sample(all_types[i], FILL_TYPICAL, m, &out);
		assert_int_equal(bbuf_put_u8(&out, 0), BT_OK);
		bbuf_view(&in, bbuf_ptr(&out), bbuf_len(&out));
		if ((r = msg_decode(all_types[i], &in, m)) != BT_ERR_FORMAT)
			fail_msg("%s + 1 byte: %d",
			    msg_type_name(all_types[i]), r);
		bbuf_cleanup(&out);
	}
	free(m);
}

/* ---- hand-built bad payloads ---- */

/* A payload spelled as a byte string: each row of a table below. */
struct bad {
	const char	*name;
	int		 type;
	const char	*bytes;
	size_t		 len;
	int		 want;
};

#define B(s)	s, sizeof(s) - 1
#define U32(v)	"\0\0\0" v
#define U64(v)	"\0\0\0\0\0\0\0" v
#define ZERO8	"\0\0\0\0\0\0\0\0"
#define T0	U32("\0")		/* torrent_id 0 */
#define T_ALL	"\xff\xff\xff\xfe"	/* MSG_TORRENT_ALL */
#define T_NONE	"\xff\xff\xff\xff"	/* MSG_TORRENT_NONE */
#define HASH	ZERO8 ZERO8 "\0\0\0\0"
/* REGISTER's version field: this build's and the next one */
#define VER_NOW		U32("\x06")
#define VER_NEXT	U32("\x07")
_Static_assert(MSG_PROTOCOL_VERSION == 6, "VER_NOW and VER_NEXT follow it");
/* a torrent row up to its state: id 1, info_hash, name "" */
#define ROW	U32("\x01") HASH "\0\0"
/* one MSG_PEERS frame of one peer up to its transport: id 0, addr "",
 * client "", flags 0, permille 0, rates 0, reqs 0, src TRACKER */
#define PEER1	T0 U32("\x01") U32("\0") U32("\x01") U32("\0") "\0\0" \
	"\0\0" "\0" "\0\0" ZERO8 ZERO8 U32("\0") U32("\0") "\0"
/* a session up to max_active: counts, then six u64 */
#define SESSION(num, active, queued) \
	num active queued U32("\0") ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8

static const struct bad	bads[] = {
	/* counts over bounds, judged before the array is read */
	{ "peers n 101", MSG_PEERS, B(T0 U32("\x7f") U32("\0") U32("\x65")),
	    BT_ERR_FORMAT },
	{ "peers past total", MSG_PEERS, B(T0 U32("\x02") U32("\x02")
	    U32("\x01")), BT_ERR_FORMAT },
	{ "peers first+n wraps", MSG_PEERS, B(T0 U32("\x05")
	    "\xff\xff\xff\xff" U32("\x02")), BT_ERR_FORMAT },
	{ "piecemap n over chunk", MSG_PIECEMAP, B(T0 "\0\1\0\0" U32("\0")
	    "\0\0\x40\x01"), BT_ERR_FORMAT },
	{ "piecemap past end", MSG_PIECEMAP, B(T0 U32("\x04") U32("\x03")
	    U32("\x02") "\0\0"), BT_ERR_FORMAT },
	{ "piecemap state 5", MSG_PIECEMAP, B(T0 U32("\x04") U32("\0")
	    U32("\x02") "\3\5"), BT_ERR_FORMAT },
	{ "trackers n 33", MSG_TRACKERS, B(T0 U32("\x21")), BT_ERR_FORMAT },
	{ "files n 33", MSG_FILES, B(T0 U32("\x40") U32("\0") U32("\x21")),
	    BT_ERR_FORMAT },
	{ "files past total", MSG_FILES, B(T0 U32("\x01") U32("\x01")
	    U32("\x01")), BT_ERR_FORMAT },
	{ "files streamed = total", MSG_FILES, B(T0 U32("\x02") U32("\x02")
	    U32("\0") U32("\x02")), BT_ERR_FORMAT },
	{ "files streamed ALL - 1", MSG_FILES, B(T0 U32("\x02") U32("\x02")
	    U32("\0") "\xff\xff\xff\xfd"), BT_ERR_FORMAT },
	{ "files done > size", MSG_FILES, B(T0 U32("\x01") U32("\0")
	    U32("\x01") "\0\1a" U64("\x01") U64("\x02") "\0"), BT_ERR_FORMAT },
	{ "files prio 4", MSG_FILES, B(T0 U32("\x01") U32("\0")
	    U32("\x01") "\0\1a" U64("\x02") U64("\x01") "\4"
	    U32("\0")), BT_ERR_FORMAT },
	{ "set priority prio 4", MSG_CMD_SET_PRIORITY, B(T0 U32("\0") "\4"),
	    BT_ERR_FORMAT },
	{ "set dir priority prio 4", MSG_CMD_SET_DIR_PRIORITY, B(T0 "\4"
	    "\0\1a"), BT_ERR_FORMAT },
	{ "set dir priority dir \"\"", MSG_CMD_SET_DIR_PRIORITY, B(T0 "\0"
	    "\0\0"), BT_ERR_FORMAT },
	{ "set dir priority dir 512", MSG_CMD_SET_DIR_PRIORITY, B(T0 "\0"
	    "\x02\x00"), BT_ERR_FORMAT },
	{ "set dir priority NUL in dir", MSG_CMD_SET_DIR_PRIORITY, B(T0 "\0"
	    "\0\3a\0b"), BT_ERR_FORMAT },
	{ "set dir priority torrent NONE", MSG_CMD_SET_DIR_PRIORITY,
	    B(T_NONE "\0" "\0\1a"), BT_ERR_FORMAT },
	{ "set dir priority trailing", MSG_CMD_SET_DIR_PRIORITY, B(T0 "\0"
	    "\0\1a" "z"), BT_ERR_FORMAT },
	{ "set priority torrent ALL", MSG_CMD_SET_PRIORITY, B(T_ALL U32("\0")
	    "\0"), BT_ERR_FORMAT },
	{ "piece detail nblocks 1025", MSG_PIECE_DETAIL, B(T0 U32("\0")
	    ZERO8 U32("\0") "\0" U32("\0") U32("\0") U32("\0")
	    "\0\0\x04\x01"), BT_ERR_FORMAT },
	{ "piece detail state 5", MSG_PIECE_DETAIL, B(T0 U32("\0") ZERO8
	    U32("\0") "\5"), BT_ERR_FORMAT },
	{ "piece detail block state 3", MSG_PIECE_DETAIL, B(T0 U32("\0")
	    ZERO8 U32("\0") "\0" U32("\0") U32("\0") U32("\0") U32("\x01")
	    "\3" U32("\0") U32("\0")), BT_ERR_FORMAT },
	{ "torrents n 33", MSG_TORRENTS, B(U32("\x40") U32("\0")
	    U32("\x21")), BT_ERR_FORMAT },
	{ "torrents past total", MSG_TORRENTS, B(U32("\x02") U32("\x02")
	    U32("\x01")), BT_ERR_FORMAT },
	{ "torrents first+n wraps", MSG_TORRENTS, B(U32("\x05")
	    "\xff\xff\xff\xff" U32("\x02")), BT_ERR_FORMAT },
	/* peer: id, addr "", client "", flags, permille, rates, reqs, src */
	{ "peer permille 1001", MSG_PEERS, B(T0 U32("\x01") U32("\0")
	    U32("\x01") U32("\0") "\0\0" "\0\0" "\0" "\x03\xe9" ZERO8 ZERO8
	    U32("\0") U32("\0") "\0" "\0"), BT_ERR_FORMAT },
	{ "peer src 6", MSG_PEERS, B(T0 U32("\x01") U32("\0") U32("\x01")
	    U32("\0") "\0\0" "\0\0" "\0" "\0\0" ZERO8 ZERO8 U32("\0")
	    U32("\0") "\6"), BT_ERR_FORMAT },
	{ "peer src 5 (web seed)", MSG_PEERS, B(T0 U32("\x01") U32("\0")
	    U32("\x01") U32("\0") "\0\0" "\0\0" "\0" "\0\0" ZERO8 ZERO8
	    U32("\0") U32("\0") "\5" "\0"), BT_OK },
	{ "peer src missing", MSG_PEERS, B(T0 U32("\x01") U32("\0")
	    U32("\x01") U32("\0") "\0\0" "\0\0" "\0" "\0\0" ZERO8 ZERO8
	    U32("\0") U32("\0")), BT_ERR_INCOMPLETE },
	/* transport: known bits, RC4 only after an MSE handshake */
	{ "peer plaintext TCP", MSG_PEERS, B(PEER1 "\0"), BT_OK },
	{ "peer MSE, plaintext", MSG_PEERS, B(PEER1 "\2"), BT_OK },
	{ "peer RC4", MSG_PEERS, B(PEER1 "\6"), BT_OK },
	{ "peer uTP, RC4", MSG_PEERS, B(PEER1 "\7"), BT_OK },
	{ "peer uTP", MSG_PEERS, B(PEER1 "\1"), BT_OK },
	{ "peer RC4 without MSE", MSG_PEERS, B(PEER1 "\4"), BT_ERR_FORMAT },
	{ "peer uTP, RC4 without MSE", MSG_PEERS, B(PEER1 "\5"),
	    BT_ERR_FORMAT },
	{ "peer transport bit 3", MSG_PEERS, B(PEER1 "\x08"), BT_ERR_FORMAT },
	{ "peer transport bit 7", MSG_PEERS, B(PEER1 "\x82"), BT_ERR_FORMAT },
	{ "peer transport missing", MSG_PEERS, B(PEER1), BT_ERR_INCOMPLETE },
	{ "peer transport then a byte", MSG_PEERS, B(PEER1 "\0\0"),
	    BT_ERR_FORMAT },
	{ "peer detail bitfield 8193", MSG_PEER_DETAIL, B(T0 U32("\0")
	    "\0\0" "\0\0" "\0" "\0\0" ZERO8 ZERO8 U32("\0") U32("\0") "\0\0"
	    ZERO8 ZERO8 ZERO8 U32("\0") "\x7f\xff\xff\xff" "\0\0\x20\x01"),
	    BT_ERR_FORMAT },
	{ "peer detail bitfield > pieces", MSG_PEER_DETAIL, B(T0 U32("\0")
	    "\0\0" "\0\0" "\0" "\0\0" ZERO8 ZERO8 U32("\0") U32("\0") "\0\0"
	    ZERO8 ZERO8 ZERO8 U32("\0") U32("\x09") U32("\x03")),
	    BT_ERR_FORMAT },
	{ "peer detail reqs 33", MSG_PEER_DETAIL, B(T0 U32("\0") "\0\0"
	    "\0\0" "\0" "\0\0" ZERO8 ZERO8 U32("\0") U32("\0") "\0\0"
	    ZERO8 ZERO8 ZERO8 U32("\0") U32("\0") U32("\0") U32("\x21")),
	    BT_ERR_FORMAT },
	{ "peer detail gone 2", MSG_PEER_DETAIL, B(T0 U32("\0") "\0\0"
	    "\0\0" "\0" "\0\0" ZERO8 ZERO8 U32("\0") U32("\0") "\0\0"
	    ZERO8 ZERO8 ZERO8 U32("\0") U32("\0") U32("\0") U32("\0")
	    U32("\0") "\2" ZERO8 "\0\0"), BT_ERR_FORMAT },
	{ "peer detail gone 1", MSG_PEER_DETAIL, B(T0 U32("\0") "\0\0"
	    "\0\0" "\0" "\0\0" ZERO8 ZERO8 U32("\0") U32("\0") "\0\0"
	    ZERO8 ZERO8 ZERO8 U32("\0") U32("\0") U32("\0") U32("\0")
	    U32("\0") "\1" ZERO8 "\0\0"), BT_OK },
	{ "peer detail src 6", MSG_PEER_DETAIL, B(T0 U32("\0") "\0\0"
	    "\0\0" "\0" "\0\0" ZERO8 ZERO8 U32("\0") U32("\0") "\6"),
	    BT_ERR_FORMAT },
	{ "peer detail RC4 without MSE", MSG_PEER_DETAIL, B(T0 U32("\0")
	    "\0\0" "\0\0" "\0" "\0\0" ZERO8 ZERO8 U32("\0") U32("\0")
	    "\0\4"), BT_ERR_FORMAT },
	/* strings */
	{ "log text 256", MSG_LOG, B(T0 "\0" ZERO8 "\x01\x00"),
	    BT_ERR_FORMAT },
	{ "log text 65535", MSG_LOG, B(T0 "\0" ZERO8 "\xff\xff"),
	    BT_ERR_FORMAT },
	{ "log text with NUL", MSG_LOG, B(T0 "\0" ZERO8 "\0\3a\0b"),
	    BT_ERR_FORMAT },
	{ "log text short", MSG_LOG, B(T0 "\0" ZERO8 "\0\3ab"),
	    BT_ERR_INCOMPLETE },
	{ "peer addr 64", MSG_PEERS, B(T0 U32("\x01") U32("\0") U32("\x01")
	    U32("\0") "\0\x40"), BT_ERR_FORMAT },
	{ "register dir 512", MSG_REGISTER, B(U32("\x01") VER_NOW
	    "\x1a\xe1" "\x02\x00"), BT_ERR_FORMAT },
	{ "row name 256", MSG_TORRENTS, B(U32("\x01") U32("\0") U32("\x01")
	    U32("\x01") HASH "\x01\x00"), BT_ERR_FORMAT },
	{ "add path 512", MSG_CMD_ADD, B("\x02\x00"), BT_ERR_FORMAT },
	{ "add path \"\"", MSG_CMD_ADD, B("\0\0" "\0\0" "\0"),
	    BT_ERR_FORMAT },
	{ "add dir with NUL", MSG_CMD_ADD, B("\0\1a" "\0\2/\0" "\0"),
	    BT_ERR_FORMAT },
	/* enums, booleans and signed fields */
	{ "log level 3", MSG_LOG, B(T0 "\3" ZERO8 "\0\0"), BT_ERR_FORMAT },
	{ "status state 9", MSG_STATUS, B(T0 "\x09"), BT_ERR_FORMAT },
	{ "tracker status 4", MSG_TRACKERS, B(T0 U32("\x01") "\0\0"
	    U32("\0") "\4"), BT_ERR_FORMAT },
	{ "tracker last_s -2", MSG_TRACKERS, B(T0 U32("\x01") "\0\0"
	    U32("\0") "\0" "\xff\xff\xff\xff\xff\xff\xff\xfe"),
	    BT_ERR_FORMAT },
	{ "tracker seeders -2", MSG_TRACKERS, B(T0 U32("\x01") "\0\0"
	    U32("\0") "\0" ZERO8 ZERO8 "\xff\xff\xff\xfe"), BT_ERR_FORMAT },
	{ "tracker kind peer", MSG_TRACKERS, B(T0 U32("\x01") "\0\0"
	    U32("\0") "\3" ZERO8 ZERO8 U32("\0") U32("\0") "\0\0" "\2"),
	    BT_OK },
	{ "tracker kind 3", MSG_TRACKERS, B(T0 U32("\x01") "\0\0"
	    U32("\0") "\3" ZERO8 ZERO8 U32("\0") U32("\0") "\0\0" "\3"),
	    BT_ERR_FORMAT },
	{ "row state 9", MSG_TORRENTS, B(U32("\x01") U32("\0") U32("\x01")
	    ROW "\x09"), BT_ERR_FORMAT },
	{ "row eta -2", MSG_TORRENTS, B(U32("\x01") U32("\0") U32("\x01")
	    ROW "\0" ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8
	    "\xff\xff\xff\xff\xff\xff\xff\xfe"), BT_ERR_FORMAT },
	{ "row done > total", MSG_TORRENTS, B(U32("\x01") U32("\0")
	    U32("\x01") ROW "\3" U64("\x02") U64("\x01") ZERO8 ZERO8 ZERO8
	    ZERO8 ZERO8 U32("\0") U32("\0") U32("\0") U32("\0") U32("\0")
	    ZERO8 U32("\0") "\0\0" U32("\0") U32("\0") "\0"), BT_ERR_FORMAT },
	{ "row meta have > pieces", MSG_TORRENTS, B(U32("\x01") U32("\0")
	    U32("\x01") ROW "\x08" ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8
	    U32("\0") U32("\0") U32("\0") U32("\0") U32("\0") ZERO8 U32("\0")
	    "\0\0" U32("\x04") U32("\x03") "\0"), BT_ERR_FORMAT },
	{ "row meta have = pieces", MSG_TORRENTS, B(U32("\x01") U32("\0")
	    U32("\x01") ROW "\x08" ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8
	    U32("\0") U32("\0") U32("\0") U32("\0") U32("\0") ZERO8 U32("\0")
	    "\0\0" U32("\x03") U32("\x03") "\0"), BT_OK },
	{ "row flags 1", MSG_TORRENTS, B(U32("\x01") U32("\0")
	    U32("\x01") ROW "\x03" ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8
	    U32("\0") U32("\0") U32("\0") U32("\0") U32("\0") ZERO8 U32("\0")
	    "\0\0" U32("\0") U32("\0") "\x01"), BT_OK },
	{ "row flags 2", MSG_TORRENTS, B(U32("\x01") U32("\0")
	    U32("\x01") ROW "\x03" ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8
	    U32("\0") U32("\0") U32("\0") U32("\0") U32("\0") ZERO8 U32("\0")
	    "\0\0" U32("\0") U32("\0") "\x02"), BT_ERR_FORMAT },
	{ "row flags missing", MSG_TORRENTS, B(U32("\x01") U32("\0")
	    U32("\x01") ROW "\x03" ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8
	    U32("\0") U32("\0") U32("\0") U32("\0") U32("\0") ZERO8 U32("\0")
	    "\0\0" U32("\0") U32("\0")), BT_ERR_INCOMPLETE },
	{ "row meta fields missing", MSG_TORRENTS, B(U32("\x01") U32("\0")
	    U32("\x01") ROW "\x08" ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 ZERO8
	    U32("\0") U32("\0") U32("\0") U32("\0") U32("\0") ZERO8 U32("\0")
	    "\0\0"), BT_ERR_INCOMPLETE },
	{ "add paused 2", MSG_CMD_ADD, B("\0\1a" "\0\0" "\2"),
	    BT_ERR_FORMAT },
	{ "remove delete_data 2", MSG_CMD_REMOVE, B(T0 "\2"),
	    BT_ERR_FORMAT },
	{ "register the next version", MSG_REGISTER, B(U32("\x01") VER_NEXT),
	    BT_ERR_PROTO },
	{ "register version 1", MSG_REGISTER, B(U32("\x01") U32("\x01")
	    "\x1a\xe1" "\0\0"), BT_ERR_PROTO },
	/* sums */
	{ "session active + queued > num", MSG_SESSION, B(SESSION(
	    U32("\x02"), U32("\x02"), U32("\x01")) U32("\0") "\0\0" "\0"
	    ZERO8 ZERO8), BT_ERR_FORMAT },
	{ "session active + queued wraps", MSG_SESSION, B(SESSION(
	    "\xff\xff\xff\xff", "\xff\xff\xff\xff", U32("\x01")) U32("\0")
	    "\0\0" "\0" ZERO8 ZERO8), BT_ERR_FORMAT },
	{ "session turtle 2", MSG_SESSION, B(SESSION(U32("\x02"),
	    U32("\x01"), U32("\x01")) U32("\0") "\0\0" "\2" ZERO8 ZERO8),
	    BT_ERR_FORMAT },
	/* torrent ids: each where it is not allowed */
	{ "status torrent NONE", MSG_STATUS, B(T_NONE), BT_ERR_FORMAT },
	{ "peers torrent ALL", MSG_PEERS, B(T_ALL), BT_ERR_FORMAT },
	{ "piecemap torrent NONE", MSG_PIECEMAP, B(T_NONE), BT_ERR_FORMAT },
	{ "piece detail torrent ALL", MSG_PIECE_DETAIL, B(T_ALL),
	    BT_ERR_FORMAT },
	{ "peer detail torrent NONE", MSG_PEER_DETAIL, B(T_NONE),
	    BT_ERR_FORMAT },
	{ "trackers torrent ALL", MSG_TRACKERS, B(T_ALL), BT_ERR_FORMAT },
	{ "files torrent NONE", MSG_FILES, B(T_NONE), BT_ERR_FORMAT },
	{ "log torrent ALL", MSG_LOG, B(T_ALL), BT_ERR_FORMAT },
	{ "row id ALL", MSG_TORRENTS, B(U32("\x01") U32("\0") U32("\x01")
	    T_ALL), BT_ERR_FORMAT },
	{ "inspect piece torrent ALL", MSG_CMD_INSPECT_PIECE, B(T_ALL
	    U32("\0")), BT_ERR_FORMAT },
	{ "inspect peer torrent NONE", MSG_CMD_INSPECT_PEER, B(T_NONE
	    U32("\0")), BT_ERR_FORMAT },
	{ "pause NONE", MSG_CMD_PAUSE, B(T_NONE), BT_ERR_FORMAT },
	{ "resume NONE", MSG_CMD_RESUME, B(T_NONE), BT_ERR_FORMAT },
	{ "reannounce NONE", MSG_CMD_REANNOUNCE, B(T_NONE), BT_ERR_FORMAT },
	{ "focus ALL", MSG_CMD_FOCUS, B(T_ALL), BT_ERR_FORMAT },
	{ "remove ALL", MSG_CMD_REMOVE, B(T_ALL "\0"), BT_ERR_FORMAT },
	{ "stream torrent ALL", MSG_CMD_STREAM, B(T_ALL U32("\0")),
	    BT_ERR_FORMAT },
	{ "stream torrent NONE", MSG_CMD_STREAM, B(T_NONE U32("\0")),
	    BT_ERR_FORMAT },
	/* ...and where it is */
	{ "log torrent NONE", MSG_LOG, B(T_NONE "\0" ZERO8 "\0\0"), BT_OK },
	{ "pause ALL", MSG_CMD_PAUSE, B(T_ALL), BT_OK },
	{ "focus NONE", MSG_CMD_FOCUS, B(T_NONE), BT_OK },
	{ "row id ALL - 1", MSG_TORRENTS, B(U32("\x01") U32("\0")
	    U32("\x01") "\xff\xff\xff\xfd" HASH "\0\0" "\7" ZERO8 ZERO8
	    ZERO8 ZERO8 ZERO8 ZERO8 ZERO8 U32("\0") U32("\0") U32("\0")
	    U32("\0") U32("\x01") ZERO8 U32("\0") "\0\0" U32("\0") U32("\0")
	    "\0"), BT_OK },
	/* v1 commands had no payload: now they are cut short */
	{ "v1 pause", MSG_CMD_PAUSE, B(""), BT_ERR_INCOMPLETE },
	{ "quit with a byte", MSG_CMD_QUIT, B("\0"), BT_ERR_FORMAT },
	{ "unknown type", 150, B(""), BT_ERR_FORMAT },
};

/* A status payload with one field patched: offsets follow docs/protocol.md
 * (torrent_id 0, state 4, done 5, total 13, eta 53, have 73, pieces 77,
 * permille 113); after the name and error, counted from flags (flags +0,
 * meta_have +1, meta_pieces +5, magnet +9). */
static const struct {
	const char	*name;
	int		 after_error;
	size_t		 off;
	const char	*bytes;
	size_t		 len;
	int		 want;
} status_patches[] = {
	{ "torrent ALL", 0, 0, B(T_ALL), BT_ERR_FORMAT },
	{ "state 9", 0, 4, B("\x09"), BT_ERR_FORMAT },
	{ "eta -2", 0, 53, B("\xff\xff\xff\xff\xff\xff\xff\xfe"),
	    BT_ERR_FORMAT },
	{ "done > total", 0, 5, B("\xff\0\0\0\0\0\0\0"), BT_ERR_FORMAT },
	{ "have > pieces", 0, 73, B("\xff\0\0\0"), BT_ERR_FORMAT },
	{ "check 1001", 0, 113, B("\0\0\x03\xe9"), BT_ERR_FORMAT },
	{ "flags bit 1", 1, 0, B("\x02"), BT_ERR_FORMAT },
	{ "flags bit 7", 1, 0, B("\x81"), BT_ERR_FORMAT },
	{ "flags none", 1, 0, B("\0"), BT_OK },
	{ "meta have > pieces", 1, 1, B("\0\0\0\x0d"), BT_ERR_FORMAT },
	{ "meta have = pieces", 1, 1, B("\0\0\0\x0c"), BT_OK },
	{ "meta pieces < have", 1, 5, B("\0\0\0\x02"), BT_ERR_FORMAT },
	{ "magnet 1024", 1, 9, B("\x04\x00"), BT_ERR_FORMAT },
	{ "magnet 1 byte longer", 1, 9, B("\0\x7f"), BT_ERR_INCOMPLETE },
	{ "magnet with NUL", 1, 11, B("\0"), BT_ERR_FORMAT },
};

static void
test_bad_payloads(void **state)
{
	union msg_any	*m = calloc(1, sizeof(*m));
	struct bbuf	 in;
	size_t		 i;
	int		 r;

	(void)state;
	for (i = 0; i < NELEM(bads); i++) {
		bbuf_view(&in, bads[i].bytes, bads[i].len);
		if ((r = msg_decode(bads[i].type, &in, m)) != bads[i].want)
			fail_msg("%s: got %d, want %d", bads[i].name, r,
			    bads[i].want);
	}
	free(m);
}

static void
test_bad_status_fields(void **state)
{
	union msg_any	m;
	struct bbuf	out, in;
	uint8_t		bytes[1024];
	size_t		i, len, flags_at;
	int		r;

	(void)state;
	encode_sample(MSG_STATUS, FILL_TYPICAL, &m, &out);
	len = bbuf_len(&out);
	assert_true(len <= sizeof(bytes));
	/* the magnet link ends the payload: 0x7e bytes long */
	assert_int_equal(strlen(TYPICAL_MAGNET), 0x7e);
	flags_at = len - strlen(TYPICAL_MAGNET) - 2 - 8 - 1;
	for (i = 0; i < NELEM(status_patches); i++) {
		memcpy(bytes, bbuf_ptr(&out), len);
		memcpy(bytes + status_patches[i].off +
		    (status_patches[i].after_error ? flags_at : 0),
		    status_patches[i].bytes, status_patches[i].len);
		bbuf_view(&in, bytes, len);
		if ((r = msg_decode(MSG_STATUS, &in, &m)) !=
		    status_patches[i].want)
			fail_msg("status %s: got %d, want %d",
			    status_patches[i].name, r, status_patches[i].want);
	}
	bbuf_cleanup(&out);
}

/* ---- encoders refuse what decoders would refuse ---- */

static void
test_encoder_refuses(void **state)
{
	union msg_any	*m = calloc(1, sizeof(*m));
	struct bbuf	 out;
	size_t		 i;
	static const struct {
		const char	*name;
		int		 type;
	} rows[] = {
		{ "status state 9", MSG_STATUS },
		{ "status eta -5", MSG_STATUS },
		{ "peers n 101", MSG_PEERS },
		{ "piecemap state 5", MSG_PIECEMAP },
		{ "trackers n 33", MSG_TRACKERS },
		{ "log level 3", MSG_LOG },
		{ "log text unterminated", MSG_LOG },
		{ "register version 0", MSG_REGISTER },
		{ "peer detail bitfield", MSG_PEER_DETAIL },
		{ "piece detail nblocks", MSG_PIECE_DETAIL },
		{ "files done > size", MSG_FILES },
		{ "status torrent NONE", MSG_STATUS },
		{ "status name unterminated", MSG_STATUS },
		{ "peers torrent ALL", MSG_PEERS },
		{ "piecemap torrent NONE", MSG_PIECEMAP },
		{ "piece detail torrent ALL", MSG_PIECE_DETAIL },
		{ "peer detail torrent NONE", MSG_PEER_DETAIL },
		{ "trackers torrent ALL", MSG_TRACKERS },
		{ "files torrent NONE", MSG_FILES },
		{ "log torrent ALL", MSG_LOG },
		{ "torrents n 33", MSG_TORRENTS },
		{ "torrents past total", MSG_TORRENTS },
		{ "row id NONE", MSG_TORRENTS },
		{ "row state 9", MSG_TORRENTS },
		{ "row done > total", MSG_TORRENTS },
		{ "row eta -2", MSG_TORRENTS },
		{ "row error unterminated", MSG_TORRENTS },
		{ "session active + queued > num", MSG_SESSION },
		{ "pause NONE", MSG_CMD_PAUSE },
		{ "resume NONE", MSG_CMD_RESUME },
		{ "reannounce NONE", MSG_CMD_REANNOUNCE },
		{ "focus ALL", MSG_CMD_FOCUS },
		{ "inspect piece torrent ALL", MSG_CMD_INSPECT_PIECE },
		{ "inspect peer torrent NONE", MSG_CMD_INSPECT_PEER },
		{ "add path \"\"", MSG_CMD_ADD },
		{ "add dir unterminated", MSG_CMD_ADD },
		{ "add paused 2", MSG_CMD_ADD },
		{ "remove ALL", MSG_CMD_REMOVE },
		{ "remove delete_data 2", MSG_CMD_REMOVE },
		{ "stream torrent ALL", MSG_CMD_STREAM },
		{ "files streamed past total", MSG_FILES },
		{ "files prio 4", MSG_FILES },
		{ "set priority prio 4", MSG_CMD_SET_PRIORITY },
		{ "set priority torrent NONE", MSG_CMD_SET_PRIORITY },
		{ "set dir priority prio 4", MSG_CMD_SET_DIR_PRIORITY },
		{ "set dir priority dir \"\"", MSG_CMD_SET_DIR_PRIORITY },
		{ "set dir priority dir unterminated",
		    MSG_CMD_SET_DIR_PRIORITY },
		{ "set dir priority torrent ALL", MSG_CMD_SET_DIR_PRIORITY },
		{ "status flags bit 1", MSG_STATUS },
		{ "status meta have > pieces", MSG_STATUS },
		{ "status magnet unterminated", MSG_STATUS },
		{ "peers src 6", MSG_PEERS },
		{ "peer detail src 6", MSG_PEER_DETAIL },
		{ "row meta have > pieces", MSG_TORRENTS },
		{ "tracker kind 3", MSG_TRACKERS },
		{ "row flags bit 1", MSG_TORRENTS },
		{ "peers transport bit 3", MSG_PEERS },
		{ "peers RC4 without MSE", MSG_PEERS },
		{ "peer detail uTP, RC4 without MSE", MSG_PEER_DETAIL },
	};

	(void)state;
	bbuf_init(&out, MSG_MAX_PAYLOAD);
	assert_int_equal(bbuf_put_u8(&out, 0xee), BT_OK);
	for (i = 0; i < NELEM(rows); i++) {
		fill(rows[i].type, m, FILL_TYPICAL);
		switch (i) {
		case 0: m->status.state = 9; break;
		case 1: m->status.eta_s = -5; break;
		case 2: m->peers.n = 101; break;
		case 3: m->piecemap.states[50] = 5; break;
		case 4: m->trackers.n = 33; break;
		case 5: m->log.level = 3; break;
		case 6: memset(m->log.text, 'a', sizeof(m->log.text)); break;
		case 7: m->reg.version = 0; break;
		case 8: m->peer_detail.bitfield_len = 3; break;
		case 9: m->piece_detail.nblocks = MSG_MAX_BLOCKS + 1; break;
		case 10: m->files.files[1].done = UINT64_MAX; break;
		case 11: m->status.torrent_id = MSG_TORRENT_NONE; break;
		case 12: memset(m->status.name, 'n', sizeof(m->status.name));
			break;
		case 13: m->peers.torrent_id = MSG_TORRENT_ALL; break;
		case 14: m->piecemap.torrent_id = MSG_TORRENT_NONE; break;
		case 15: m->piece_detail.torrent_id = MSG_TORRENT_ALL; break;
		case 16: m->peer_detail.torrent_id = MSG_TORRENT_NONE; break;
		case 17: m->trackers.torrent_id = MSG_TORRENT_ALL; break;
		case 18: m->files.torrent_id = MSG_TORRENT_NONE; break;
		case 19: m->log.torrent_id = MSG_TORRENT_ALL; break;
		case 20: m->torrents.n = MSG_MAX_TORRENT_ROWS + 1; break;
		case 21: m->torrents.total = m->torrents.first; break;
		case 22: m->torrents.rows[2].id = MSG_TORRENT_NONE; break;
		case 23: m->torrents.rows[1].state = MSG_STATE_METADATA + 1; break;
		case 24: m->torrents.rows[0].done_bytes = UINT64_MAX; break;
		case 25: m->torrents.rows[2].eta_s = -2; break;
		case 26: memset(m->torrents.rows[1].error, 'e',
			    sizeof(m->torrents.rows[1].error));
			break;
		case 27: m->session.queued = m->session.num_torrents; break;
		case 28: case 29: case 30:
			m->ref.torrent_id = MSG_TORRENT_NONE;
			break;
		case 31: m->ref.torrent_id = MSG_TORRENT_ALL; break;
		case 32: m->inspect.torrent_id = MSG_TORRENT_ALL; break;
		case 33: m->inspect.torrent_id = MSG_TORRENT_NONE; break;
		case 34: m->add.path[0] = '\0'; break;
		case 35: memset(m->add.dir, 'd', sizeof(m->add.dir)); break;
		case 36: m->add.paused = 2; break;
		case 37: m->remove.torrent_id = MSG_TORRENT_ALL; break;
		case 38: m->remove.delete_data = 2; break;
		case 39: m->stream.torrent_id = MSG_TORRENT_ALL; break;
		case 40: m->files.streamed = m->files.total; break;
		case 41: m->files.files[0].prio = 4; break;
		case 42: m->set_priority.prio = 4; break;
		case 43: m->set_priority.torrent_id = MSG_TORRENT_NONE; break;
		case 44: m->set_dir_priority.prio = 4; break;
		case 45: m->set_dir_priority.dir[0] = '\0'; break;
		case 46: memset(m->set_dir_priority.dir, 'd',
			    sizeof(m->set_dir_priority.dir));
			break;
		case 47: m->set_dir_priority.torrent_id = MSG_TORRENT_ALL;
			break;
		case 48: m->status.flags = 1 << 1; break;
		case 49: m->status.meta_have = m->status.meta_pieces + 1;
			break;
		case 50: memset(m->status.magnet, 'm',
			    sizeof(m->status.magnet));
			break;
		case 51: m->peers.peers[2].src = MSG_PEER_SRC_WEBSEED + 1;
			break;
		case 52: m->peer_detail.peer.src = 6; break;
		case 53: m->torrents.rows[1].meta_have = 1;
			m->torrents.rows[1].meta_pieces = 0;
			break;
		case 54: m->trackers.t[1].kind = MSG_TRACKER_KIND_PEER + 1;
			break;
		case 55: m->torrents.rows[0].flags = 1 << 1; break;
		case 56: m->peers.peers[1].transport = 1 << 3; break;
		case 57: m->peers.peers[0].transport = MSG_PEER_T_RC4; break;
		case 58: m->peer_detail.peer.transport = MSG_PEER_T_UTP |
			    MSG_PEER_T_RC4;
			break;
		}
		if (msg_encode(rows[i].type, &out, m) != BT_ERR_RANGE)
			fail_msg("%s: accepted", rows[i].name);
		assert_int_equal(bbuf_len(&out), 1);	/* nothing appended */
	}
	assert_int_equal(msg_encode(999, &out, m), BT_ERR_INVALID);
	bbuf_cleanup(&out);
	free(m);
}

static void
test_encoder_out_full(void **state)
{
	union msg_any	m;
	struct bbuf	out;

	(void)state;
	fill(MSG_STATUS, &m, FILL_TYPICAL);
	bbuf_init(&out, 20);
	assert_int_equal(bbuf_put_bytes(&out, "0123456789", 10), BT_OK);
	assert_int_equal(msg_encode(MSG_STATUS, &out, &m), BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&out), 10);
	bbuf_cleanup(&out);
}

static void
test_type_names(void **state)
{
	static const struct {
		int		 type;
		const char	*name;
	} rows[] = {
		{ MSG_REGISTER, "register" }, { MSG_STATUS, "status" },
		{ MSG_PEERS, "peers" }, { MSG_PIECEMAP, "piecemap" },
		{ MSG_CMD_QUIT, "quit" }, { MSG_CMD_SET_LIMITS, "set limits" },
		{ MSG_TORRENTS, "torrents" }, { MSG_SESSION, "session" },
		{ MSG_CMD_FOCUS, "focus" }, { MSG_CMD_ADD, "add" },
		{ MSG_CMD_REMOVE, "remove" },
		{ MSG_CMD_SET_MAX_ACTIVE, "set max active" },
		{ MSG_CMD_STREAM, "stream" },
		{ MSG_CMD_SET_PRIORITY, "set priority" },
		{ MSG_CMD_SET_DIR_PRIORITY, "set dir priority" },
		{ MSG_CMD_SET_TURTLE, "set turtle" },
		{ 0, "unknown" }, { 199, "unknown" }, { -1, "unknown" },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++)
		assert_string_equal(msg_type_name(rows[i].type), rows[i].name);
	for (i = 0; i < NELEM(all_types); i++) {
		assert_true(msg_type_known(all_types[i]));
		assert_string_not_equal(msg_type_name(all_types[i]),
		    "unknown");
		assert_int_equal(msg_type_from_engine(all_types[i]),
		    all_types[i] < 200);
	}
	assert_false(msg_type_known(112));
	assert_false(msg_type_known(199));
	assert_false(msg_type_known(215));
}

/* ---- the fuzzer's seed corpus ---- */

/*
 * tests/fuzz/ipc holds streams as fuzz_ipc reads them: one byte that
 * picks the chunking (odd: 1..16-byte chunks), then frames back to back.
 * They are built here from the samples above, so a protocol change that
 * leaves the corpus behind fails this test instead of quietly making the
 * fuzzer start from frames every decoder refuses.
 */
#define SEEDS_DIR	"tests/fuzz/ipc"
#define SEED_MAX	(4 * PKT_MAX_FRAME)
#define SEED_TYPES	15

enum spoil {
	SPOIL_NONE,
	SPOIL_VERSION,		/* the first frame says version 1 */
	SPOIL_CUT,		/* the last frame loses 7 bytes */
	SPOIL_STATE,		/* the last frame (a status) has state 9 */
	SPOIL_TORRENT,		/* the last frame's torrent_id is NONE */
};

static const struct seed {
	const char	*name;
	uint8_t		 chunking;
	enum fill	 fill;
	enum spoil	 spoil;
	int		 types[SEED_TYPES];	/* 0 ends the list */
	int		 want;		/* how the stream ends */
} seeds[] = {
	{ "startup", 'Y', FILL_TYPICAL, SPOIL_NONE, { MSG_REGISTER,
	    MSG_HEARTBEAT, MSG_SESSION, MSG_TORRENTS, MSG_STATUS, MSG_LOG,
	    MSG_PEERS, MSG_PIECEMAP, MSG_TRACKERS, MSG_FILES },
	    BT_ERR_INCOMPLETE },
	{ "status", 'Z', FILL_TYPICAL, SPOIL_NONE, { MSG_STATUS },
	    BT_ERR_INCOMPLETE },
	{ "peers", 'Z', FILL_TYPICAL, SPOIL_NONE, { MSG_PEERS },
	    BT_ERR_INCOMPLETE },
	{ "piecemap", 'Z', FILL_TYPICAL, SPOIL_NONE, { MSG_PIECEMAP },
	    BT_ERR_INCOMPLETE },
	{ "piece_detail", 'Z', FILL_TYPICAL, SPOIL_NONE, { MSG_PIECE_DETAIL },
	    BT_ERR_INCOMPLETE },
	{ "peer_detail", 'Z', FILL_TYPICAL, SPOIL_NONE, { MSG_PEER_DETAIL },
	    BT_ERR_INCOMPLETE },
	{ "trackers", 'Z', FILL_TYPICAL, SPOIL_NONE, { MSG_TRACKERS },
	    BT_ERR_INCOMPLETE },
	{ "files", 'Z', FILL_TYPICAL, SPOIL_NONE, { MSG_FILES },
	    BT_ERR_INCOMPLETE },
	{ "torrents", 'Z', FILL_TYPICAL, SPOIL_NONE, { MSG_TORRENTS },
	    BT_ERR_INCOMPLETE },
	{ "session", 'Y', FILL_TYPICAL, SPOIL_NONE, { MSG_SESSION, MSG_LOG },
	    BT_ERR_INCOMPLETE },
	{ "engine_max", 'Z', FILL_MAX, SPOIL_NONE, { MSG_REGISTER,
	    MSG_SESSION, MSG_TORRENTS, MSG_STATUS, MSG_LOG },
	    BT_ERR_INCOMPLETE },
	{ "commands", 'Z', FILL_TYPICAL, SPOIL_NONE, { MSG_CMD_PAUSE,
	    MSG_CMD_SET_LIMITS, MSG_CMD_INSPECT_PIECE, MSG_CMD_INSPECT_PEER,
	    MSG_CMD_RESUME, MSG_CMD_REANNOUNCE, MSG_CMD_FOCUS, MSG_CMD_ADD,
	    MSG_CMD_REMOVE, MSG_CMD_SET_MAX_ACTIVE, MSG_CMD_STREAM,
	    MSG_CMD_SET_PRIORITY, MSG_CMD_SET_DIR_PRIORITY, MSG_CMD_SET_TURTLE,
	    MSG_CMD_QUIT },
	    BT_ERR_INCOMPLETE },
	{ "commands_max", 'Y', FILL_MAX, SPOIL_NONE, { MSG_CMD_PAUSE,
	    MSG_CMD_RESUME, MSG_CMD_REANNOUNCE, MSG_CMD_FOCUS, MSG_CMD_ADD,
	    MSG_CMD_REMOVE, MSG_CMD_SET_MAX_ACTIVE, MSG_CMD_STREAM,
	    MSG_CMD_SET_PRIORITY, MSG_CMD_SET_DIR_PRIORITY, MSG_CMD_SET_TURTLE },
	    BT_ERR_INCOMPLETE },
	{ "bad_version", 'Z', FILL_TYPICAL, SPOIL_VERSION, { MSG_REGISTER,
	    MSG_HEARTBEAT }, BT_ERR_PROTO },
	{ "truncated", 'Z', FILL_TYPICAL, SPOIL_CUT, { MSG_REGISTER,
	    MSG_STATUS }, BT_ERR_INCOMPLETE },
	{ "bad_payload", 'Z', FILL_TYPICAL, SPOIL_STATE, { MSG_REGISTER,
	    MSG_STATUS }, BT_ERR_FORMAT },
	{ "bad_torrent_id", 'Z', FILL_TYPICAL, SPOIL_TORRENT, { MSG_REGISTER,
	    MSG_PEERS }, BT_ERR_FORMAT },
};

/* Streams that are no frames at all, kept as they are. */
static const struct {
	const char	*name;
	const char	*bytes;
	size_t		 len;
	int		 want;
} raw_seeds[] = {
	{ "bad_magic", B("ZGET / HTTP/1.1\r\nHost: x\r\n\r\n"), BT_ERR_FORMAT },
	/* a piece map of 1 MiB announced: refused from its header */
	{ "oversize_len", B("Z" "head" "\6\2\0\0" "engine\0\0" "front\0\0\0"
	    "\0\x68" "\0\x10\0\0"), BT_ERR_LIMIT },
};

static void
put_frame(struct bbuf *b, int type, enum fill f, union msg_any *m)
{
	struct pkt_header	h;
	struct bbuf		pl;
	int			r;

	encode_sample(type, f, m, &pl);
	pkt_header_for(&h, msg_type_from_engine(type) ? PKT_SIDE_ENGINE :
	    PKT_SIDE_FRONT, type);
	if ((r = pkt_encode(b, &h, bbuf_ptr(&pl), bbuf_len(&pl))) != BT_OK)
		fail_msg("seed frame %s: %d", msg_type_name(type), r);
	bbuf_cleanup(&pl);
}

/* Builds a seed's stream into bytes[]; its length. */
static size_t
build_seed(const struct seed *s, union msg_any *m, uint8_t *bytes)
{
	struct bbuf	b;
	size_t		i, n, last = 0;

	bbuf_init(&b, SEED_MAX);
	assert_int_equal(bbuf_put_u8(&b, s->chunking), BT_OK);
	for (i = 0; i < SEED_TYPES && s->types[i] != 0; i++) {
		last = bbuf_len(&b);
		put_frame(&b, s->types[i], s->fill, m);
	}
	n = bbuf_len(&b);
	memcpy(bytes, bbuf_ptr(&b), n);
	bbuf_cleanup(&b);
	switch (s->spoil) {
	case SPOIL_NONE:
		break;
	case SPOIL_VERSION:
		bytes[1 + 4] = 1;
		break;
	case SPOIL_CUT:
		n -= 7;
		break;
	case SPOIL_STATE:
		bytes[last + PKT_HEADER_LEN + 4] = 9;
		break;
	case SPOIL_TORRENT:
		memset(bytes + last + PKT_HEADER_LEN, 0xff, 4);
		break;
	}
	return n;
}

/* Reads a stream as fuzz_ipc's first pass does: how it ends (a frame or
 * payload error, or INCOMPLETE), and whether every byte was used. */
static int
read_stream(const uint8_t *p, size_t n, union msg_any *m, size_t *left_out)
{
	struct pkt_header	h;
	struct bbuf		in, pl;
	int			r;

	bbuf_view(&in, p + 1, n - 1);
	while ((r = pkt_decode(&in, &h, &pl)) == BT_OK)
		if ((r = msg_decode(h.type, &pl, m)) != BT_OK)
			break;
	*left_out = bbuf_len(&in);
	return r;
}

/* The committed file, or a new one when BTTUI_WRITE_IPC_SEEDS names a
 * directory. */
static void
check_seed_file(const char *name, const uint8_t *p, size_t n)
{
	const char	*dir = getenv("BTTUI_WRITE_IPC_SEEDS");
	static uint8_t	 have[SEED_MAX + 1];
	char		 path[512];
	FILE		*fp;
	size_t		 got;

	snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : SEEDS_DIR,
	    name);
	if (dir != NULL) {
		fp = fopen(path, "wb");
		assert_non_null(fp);
		assert_int_equal(fwrite(p, 1, n, fp), n);
		assert_int_equal(fclose(fp), 0);
		return;
	}
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("%s: missing (BTTUI_WRITE_IPC_SEEDS=%s %s)", path,
		    SEEDS_DIR, "build/tests/test_msg writes it");
	got = fread(have, 1, sizeof(have), fp);
	fclose(fp);
	if (got != n || memcmp(have, p, n) != 0)
		fail_msg("%s: stale (BTTUI_WRITE_IPC_SEEDS=%s %s)", path,
		    SEEDS_DIR, "build/tests/test_msg rewrites it");
}

static void
test_fuzz_seeds(void **state)
{
	union msg_any	*m = calloc(1, sizeof(*m));
	static uint8_t	 bytes[SEED_MAX];
	size_t		 i, n, left;
	int		 r, here;

	(void)state;
	/* Run from elsewhere than the tree's root, there is nothing to
	 * compare with; the streams are still checked. */
	here = getenv("BTTUI_WRITE_IPC_SEEDS") != NULL ||
	    access(SEEDS_DIR, F_OK) == 0;
	for (i = 0; i < NELEM(seeds); i++) {
		n = build_seed(&seeds[i], m, bytes);
		r = read_stream(bytes, n, m, &left);
		if (r != seeds[i].want ||
		    (seeds[i].want == BT_ERR_INCOMPLETE &&
		    seeds[i].spoil == SPOIL_NONE && left != 0))
			fail_msg("seed %s: ends %d with %zu bytes left",
			    seeds[i].name, r, left);
		if (here)
			check_seed_file(seeds[i].name, bytes, n);
	}
	for (i = 0; i < NELEM(raw_seeds); i++) {
		r = read_stream((const uint8_t *)raw_seeds[i].bytes,
		    raw_seeds[i].len, m, &left);
		if (r != raw_seeds[i].want)
			fail_msg("seed %s: ends %d", raw_seeds[i].name, r);
		if (here)
			check_seed_file(raw_seeds[i].name,
			    (const uint8_t *)raw_seeds[i].bytes,
			    raw_seeds[i].len);
	}
	free(m);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_typed_entry_points),
		cmocka_unit_test(test_typed_match_generic),
		cmocka_unit_test(test_heartbeat_bytes),
		cmocka_unit_test(test_session_bytes),
		cmocka_unit_test(test_torrents_bytes),
		cmocka_unit_test(test_sizes_fit_a_frame),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_trailing_byte),
		cmocka_unit_test(test_bad_payloads),
		cmocka_unit_test(test_bad_status_fields),
		cmocka_unit_test(test_encoder_refuses),
		cmocka_unit_test(test_encoder_out_full),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_fuzz_seeds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

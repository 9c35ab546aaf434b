/* Unit tests for src/ipc/msg: every payload round-trips (typical, empty
 * and full-size samples), every truncation of every sample fails, trailing
 * bytes, counts over their bounds, strings too long or with NUL, bad enum
 * values and signed fields, encoders that refuse bad structs, sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/msg.h"
#include "ipc/packet.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const int	all_types[] = {
	MSG_REGISTER, MSG_HEARTBEAT, MSG_STATUS, MSG_PEERS, MSG_PIECEMAP,
	MSG_PIECE_DETAIL, MSG_PEER_DETAIL, MSG_TRACKERS, MSG_FILES, MSG_LOG,
	MSG_CMD_PAUSE, MSG_CMD_RESUME, MSG_CMD_QUIT, MSG_CMD_REANNOUNCE,
	MSG_CMD_SET_LIMITS, MSG_CMD_INSPECT_PIECE, MSG_CMD_INSPECT_PEER,
};

enum fill { FILL_MIN, FILL_TYPICAL, FILL_MAX };

/* ---- sample builders ---- */

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
}

static void
fill_register(union msg_any *m, enum fill f)
{
	m->reg.version = MSG_PROTOCOL_VERSION;
	if (f == FILL_MIN)
		return;
	m->reg.pid = 4242;
	fill_str(m->reg.name, sizeof(m->reg.name), "debian-12.iso", f);
	memset(m->reg.info_hash, 0xab, sizeof(m->reg.info_hash));
	m->reg.total_bytes = 0x00000001deadbeefull;
	m->reg.num_pieces = 7000;
	m->reg.piece_length = 262144;
	m->reg.num_files = 3;
}

static void
fill_status(union msg_any *m, enum fill f)
{
	struct msg_status	*s = &m->status;

	if (f == FILL_MIN)
		return;
	s->state = MSG_STATE_DOWNLOADING;
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
	fill_str(s->error, sizeof(s->error), "", f);
}

static void
fill_peers(union msg_any *m, enum fill f)
{
	uint32_t	i;

	if (f == FILL_MIN)
		return;
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
}

static void
fill_trackers(union msg_any *m, enum fill f)
{
	struct msg_tracker	*t;
	uint32_t		 i;

	if (f == FILL_MIN)
		return;
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
	}
}

static void
fill_files(union msg_any *m, enum fill f)
{
	uint32_t	i;

	if (f == FILL_MIN)
		return;
	m->files.n = f == FILL_MAX ? MSG_MAX_FILES : 2;
	m->files.first = 32;
	m->files.total = 200;
	for (i = 0; i < m->files.n; i++) {
		fill_str(m->files.files[i].path,
		    sizeof(m->files.files[i].path), "dir/sub/file.bin", f);
		m->files.files[i].size = 0x100000000ull + i;
		m->files.files[i].done = i;
	}
}

static void
fill_log(union msg_any *m, enum fill f)
{
	if (f == FILL_MIN)
		return;
	m->log.level = MSG_LOG_WARN;
	m->log.uptime_ms = 123456;
	fill_str(m->log.text, sizeof(m->log.text), "tracker: timed out", f);
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
	case MSG_CMD_SET_LIMITS:
		m->limits.max_down_bps = f == FILL_MIN ? 0 : 1000000;
		m->limits.max_up_bps = f == FILL_MIN ? 0 : UINT64_MAX;
		break;
	case MSG_CMD_INSPECT_PIECE:
	case MSG_CMD_INSPECT_PEER:
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
	struct msg_inspect	ins = { 99 }, ins2;
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
	assert_int_equal(bbuf_len(&out), 4);
	assert_memory_equal(bbuf_ptr(&out), "\0\0\0\x63", 4);
	assert_int_equal(msg_get_inspect(&out, &ins2), BT_OK);
	assert_int_equal(ins2.index, 99);
	bbuf_cleanup(&out);
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

static const struct bad	bads[] = {
	/* counts over bounds, judged before the array is read */
	{ "peers n 101", MSG_PEERS, B(U32("\x7f") U32("\0") U32("\x65")),
	    BT_ERR_FORMAT },
	{ "peers past total", MSG_PEERS, B(U32("\x02") U32("\x02")
	    U32("\x01")), BT_ERR_FORMAT },
	{ "peers first+n wraps", MSG_PEERS, B(U32("\x05")
	    "\xff\xff\xff\xff" U32("\x02")), BT_ERR_FORMAT },
	{ "piecemap n over chunk", MSG_PIECEMAP, B("\0\1\0\0" U32("\0")
	    "\0\0\x40\x01"), BT_ERR_FORMAT },
	{ "piecemap past end", MSG_PIECEMAP, B(U32("\x04") U32("\x03")
	    U32("\x02") "\0\0"), BT_ERR_FORMAT },
	{ "piecemap state 5", MSG_PIECEMAP, B(U32("\x04") U32("\0")
	    U32("\x02") "\3\5"), BT_ERR_FORMAT },
	{ "trackers n 33", MSG_TRACKERS, B(U32("\x21")), BT_ERR_FORMAT },
	{ "files n 33", MSG_FILES, B(U32("\x40") U32("\0") U32("\x21")),
	    BT_ERR_FORMAT },
	{ "files past total", MSG_FILES, B(U32("\x01") U32("\x01")
	    U32("\x01")), BT_ERR_FORMAT },
	{ "files done > size", MSG_FILES, B(U32("\x01") U32("\0")
	    U32("\x01") "\0\1a" U64("\x01") U64("\x02")), BT_ERR_FORMAT },
	{ "piece detail nblocks 1025", MSG_PIECE_DETAIL, B(U32("\0")
	    ZERO8 U32("\0") "\0" U32("\0") U32("\0") U32("\0")
	    "\0\0\x04\x01"), BT_ERR_FORMAT },
	{ "piece detail state 5", MSG_PIECE_DETAIL, B(U32("\0") ZERO8
	    U32("\0") "\5"), BT_ERR_FORMAT },
	{ "piece detail block state 3", MSG_PIECE_DETAIL, B(U32("\0")
	    ZERO8 U32("\0") "\0" U32("\0") U32("\0") U32("\0") U32("\x01")
	    "\3" U32("\0") U32("\0")), BT_ERR_FORMAT },
	/* peer: id, addr "", client "", flags, permille, rates, reqs */
	{ "peer permille 1001", MSG_PEERS, B(U32("\x01") U32("\0")
	    U32("\x01") U32("\0") "\0\0" "\0\0" "\0" "\x03\xe9" ZERO8 ZERO8
	    U32("\0") U32("\0")), BT_ERR_FORMAT },
	{ "peer detail bitfield 8193", MSG_PEER_DETAIL, B(U32("\0") "\0\0"
	    "\0\0" "\0" "\0\0" ZERO8 ZERO8 U32("\0") U32("\0") ZERO8 ZERO8
	    ZERO8 U32("\0") "\x7f\xff\xff\xff" "\0\0\x20\x01"),
	    BT_ERR_FORMAT },
	{ "peer detail bitfield > pieces", MSG_PEER_DETAIL, B(U32("\0")
	    "\0\0" "\0\0" "\0" "\0\0" ZERO8 ZERO8 U32("\0") U32("\0") ZERO8
	    ZERO8 ZERO8 U32("\0") U32("\x09") U32("\x03")), BT_ERR_FORMAT },
	{ "peer detail reqs 33", MSG_PEER_DETAIL, B(U32("\0") "\0\0" "\0\0"
	    "\0" "\0\0" ZERO8 ZERO8 U32("\0") U32("\0") ZERO8 ZERO8 ZERO8
	    U32("\0") U32("\0") U32("\0") U32("\x21")), BT_ERR_FORMAT },
	/* strings */
	{ "log text 256", MSG_LOG, B("\0" ZERO8 "\x01\x00"), BT_ERR_FORMAT },
	{ "log text 65535", MSG_LOG, B("\0" ZERO8 "\xff\xff"),
	    BT_ERR_FORMAT },
	{ "log text with NUL", MSG_LOG, B("\0" ZERO8 "\0\3a\0b"),
	    BT_ERR_FORMAT },
	{ "log text short", MSG_LOG, B("\0" ZERO8 "\0\3ab"),
	    BT_ERR_INCOMPLETE },
	{ "peer addr 64", MSG_PEERS, B(U32("\x01") U32("\0") U32("\x01")
	    U32("\0") "\0\x40"), BT_ERR_FORMAT },
	{ "register name 256", MSG_REGISTER, B(U32("\x01") U32("\x01")
	    "\x01\x00"), BT_ERR_FORMAT },
	/* enums and signed fields */
	{ "log level 3", MSG_LOG, B("\3" ZERO8 "\0\0"), BT_ERR_FORMAT },
	{ "status state 7", MSG_STATUS, B("\7"), BT_ERR_FORMAT },
	{ "tracker status 4", MSG_TRACKERS, B(U32("\x01") "\0\0" U32("\0")
	    "\4"), BT_ERR_FORMAT },
	{ "tracker last_s -2", MSG_TRACKERS, B(U32("\x01") "\0\0" U32("\0")
	    "\0" "\xff\xff\xff\xff\xff\xff\xff\xfe"), BT_ERR_FORMAT },
	{ "tracker seeders -2", MSG_TRACKERS, B(U32("\x01") "\0\0" U32("\0")
	    "\0" ZERO8 ZERO8 "\xff\xff\xff\xfe"), BT_ERR_FORMAT },
	{ "register version 2", MSG_REGISTER, B(U32("\x01") U32("\x02")),
	    BT_ERR_PROTO },
	/* no-payload commands */
	{ "quit with a byte", MSG_CMD_QUIT, B("\0"), BT_ERR_FORMAT },
	{ "unknown type", 150, B(""), BT_ERR_FORMAT },
};

/* A status payload with one field patched: offsets follow docs/protocol.md
 * (state 0, done 1, total 9, eta 49, have 69, pieces 73, permille 109). */
static const struct {
	const char	*name;
	size_t		 off;
	const char	*bytes;
	size_t		 len;
} status_patches[] = {
	{ "eta -2", 49, B("\xff\xff\xff\xff\xff\xff\xff\xfe") },
	{ "done > total", 1, B("\xff\0\0\0\0\0\0\0") },
	{ "have > pieces", 69, B("\xff\0\0\0") },
	{ "check 1001", 109, B("\0\0\x03\xe9") },
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
	uint8_t		bytes[512];
	size_t		i, len;

	(void)state;
	encode_sample(MSG_STATUS, FILL_TYPICAL, &m, &out);
	len = bbuf_len(&out);
	for (i = 0; i < NELEM(status_patches); i++) {
		memcpy(bytes, bbuf_ptr(&out), len);
		memcpy(bytes + status_patches[i].off, status_patches[i].bytes,
		    status_patches[i].len);
		bbuf_view(&in, bytes, len);
		if (msg_decode(MSG_STATUS, &in, &m) != BT_ERR_FORMAT)
			fail_msg("status %s: accepted", status_patches[i].name);
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
	assert_false(msg_type_known(110));
	assert_false(msg_type_known(207));
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_typed_entry_points),
		cmocka_unit_test(test_heartbeat_bytes),
		cmocka_unit_test(test_sizes_fit_a_frame),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_trailing_byte),
		cmocka_unit_test(test_bad_payloads),
		cmocka_unit_test(test_bad_status_fields),
		cmocka_unit_test(test_encoder_refuses),
		cmocka_unit_test(test_encoder_out_full),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * libFuzzer target for src/engine/wire, fed like a real connection.
 * Input: 2 bytes choose num_pieces, 1 byte seeds the chunking, 1 byte is
 * the negotiated flags (WIRE_F_*, unknown bits included: they must change
 * nothing), the rest is the stream (handshake, then messages).  The stream
 * is decoded once from a view of all of it, then again from an owned bbuf
 * filled in pseudo-random chunks: both must give the same results.  Every
 * decoded message must re-encode to the exact bytes it came from and decode
 * back the same; an extension's message only comes with its flag.  The
 * handshake also drives wire_allowed_fast.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "engine/wire.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

struct step {			/* one decode that did not wait for bytes */
	int	r;
	int	type;
	size_t	consumed;
};

struct fz {
	uint32_t	 num_pieces;
	unsigned	 flags;
	struct step	*steps;		/* from the whole-view pass */
	size_t		 nsteps, cap;
	struct bbuf	 re;		/* scratch for re-encoding */
};

static int
same_msg(const struct wire_msg *a, const struct wire_msg *b)
{
	if (a->type != b->type || a->id != b->id || a->ext_id != b->ext_id ||
	    a->index != b->index ||
	    a->begin != b->begin || a->length != b->length ||
	    a->port != b->port || a->data_len != b->data_len)
		return 0;
	return a->data_len == 0 || memcmp(a->data, b->data, a->data_len) == 0;
}

/* m came from frame[0..len): check it, re-encode it, decode it again. */
static void
check_msg(struct fz *f, const struct wire_msg *m, const uint8_t *frame,
    size_t len)
{
	struct wire_msg	again;

	if (m->data_len > 0) {
		CHECK((uintptr_t)m->data >= (uintptr_t)frame);
		CHECK((uintptr_t)m->data + m->data_len <=
		    (uintptr_t)frame + len);
	}
	if (m->type == WIRE_PIECE)
		CHECK(m->length == m->data_len && m->length > 0 &&
		    m->length <= WIRE_MAX_BLOCK);
	if (m->type == WIRE_BITFIELD)
		CHECK(m->data_len == f->num_pieces / 8 +
		    (f->num_pieces % 8 != 0));
	if (m->type == WIRE_HAVE || m->type == WIRE_REQUEST ||
	    m->type == WIRE_PIECE || m->type == WIRE_CANCEL ||
	    m->type == WIRE_SUGGEST_PIECE || m->type == WIRE_REJECT_REQUEST ||
	    m->type == WIRE_ALLOWED_FAST)
		CHECK(m->index < f->num_pieces);
	if (m->type == WIRE_REQUEST || m->type == WIRE_CANCEL ||
	    m->type == WIRE_REJECT_REQUEST)
		CHECK(m->length > 0 && m->length <= WIRE_BLOCK_LEN);
	if (m->type == WIRE_EXTENDED)
		CHECK(m->data_len <= WIRE_MAX_EXTENDED);
	/* an extension's message only when negotiated, else UNKNOWN */
	if (m->type == WIRE_UNKNOWN)
		CHECK(m->id > WIRE_PORT &&
		    (wire_id_flags(m->id) & f->flags) == 0);
	else if (m->type != WIRE_KEEPALIVE)
		CHECK(m->id == m->type && (wire_id_flags(m->id) == 0 ||
		    (wire_id_flags(m->id) & f->flags) != 0));
	bbuf_reset(&f->re);
	CHECK(wire_encode(&f->re, m) == BT_OK);
	CHECK(bbuf_len(&f->re) == len);
	CHECK(memcmp(bbuf_ptr(&f->re), frame, len) == 0);
	CHECK(wire_decode_ex(&f->re, f->num_pieces, f->flags, &again) ==
	    BT_OK);
	CHECK(bbuf_len(&f->re) == 0);
	CHECK(same_msg(m, &again));
}

/* The allowed fast set for an address taken from the handshake's bytes:
 * min(k, num_pieces) distinct indices, all in range. */
static void
check_allowed_fast(const struct fz *f, const struct wire_handshake *hs)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)&ss;
	uint32_t		 set[WIRE_MAX_ALLOWED_FAST];
	unsigned		 k, n, i, j;

	memset(&ss, 0, sizeof(ss));
	if (hs->peer_id[18] & 1) {
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, hs->peer_id, 16);
	} else {
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, hs->peer_id, 4);
	}
	k = hs->peer_id[19] % (WIRE_MAX_ALLOWED_FAST + 1);
	CHECK(wire_allowed_fast(&ss, hs->info_hash, f->num_pieces, k, set,
	    &n) == BT_OK);
	CHECK(n == (f->num_pieces < k ? f->num_pieces : k));
	for (i = 0; i < n; i++) {
		CHECK(set[i] < f->num_pieces);
		for (j = 0; j < i; j++)
			CHECK(set[i] != set[j]);
	}
}

static void
check_handshake(const struct fz *f, const struct wire_handshake *hs,
    const uint8_t *frame)
{
	char		name[WIRE_CLIENT_NAME_LEN];
	uint8_t		rsv[WIRE_RESERVED_LEN];
	struct bbuf	b;
	size_t		n;
	unsigned	hf;
	int		r;

	bbuf_init(&b, WIRE_HANDSHAKE_LEN);
	CHECK(wire_handshake_encode(&b, hs->reserved, hs->info_hash,
	    hs->peer_id) == BT_OK);
	CHECK(memcmp(bbuf_ptr(&b), frame, WIRE_HANDSHAKE_LEN) == 0);
	bbuf_cleanup(&b);
	/* the flags read are the bits set, each in the reserved bytes */
	hf = wire_handshake_flags(hs);
	CHECK((hf & ~(WIRE_F_EXT | WIRE_F_FAST | WIRE_F_DHT)) == 0);
	CHECK(wire_supports_ext(hs) == !!(hf & WIRE_F_EXT));
	CHECK(wire_supports_fast(hs) == !!(hf & WIRE_F_FAST));
	CHECK(wire_supports_dht(hs) == !!(hf & WIRE_F_DHT));
	wire_reserved_make(hf, rsv);
	for (n = 0; n < WIRE_RESERVED_LEN; n++)
		CHECK((rsv[n] & hs->reserved[n]) == rsv[n]);
	check_allowed_fast(f, hs);
	for (n = 1; n <= sizeof(name); n += 7) {
		r = wire_client_name(hs->peer_id, name, n);
		CHECK(r == BT_OK || r == BT_ERR_NOTFOUND || r == BT_ERR_LIMIT);
		CHECK(strlen(name) < n);
	}
}

/* One decode from `in' (handshake first); records nothing. */
static int
decode_one(struct fz *f, struct bbuf *in, int *handshaken, int *type_out)
{
	struct wire_handshake	 hs;
	struct wire_msg		 m;
	const uint8_t		*frame = bbuf_ptr(in);
	size_t			 before = bbuf_len(in);
	int			 r;

	*type_out = 0;
	if (!*handshaken) {
		r = wire_handshake_decode(in, &hs);
		if (r == BT_OK) {
			*handshaken = 1;
			check_handshake(f, &hs, frame);
		}
		*type_out = -2;
	} else {
		r = wire_decode_ex(in, f->num_pieces, f->flags, &m);
		if (r == BT_OK) {
			*type_out = m.type;
			check_msg(f, &m, frame, before - bbuf_len(in));
		}
	}
	if (r != BT_OK)
		CHECK(bbuf_len(in) == before);
	return r;
}

/* Pass 1: everything at once, from a view. */
static void
whole_pass(struct fz *f, const uint8_t *p, size_t n)
{
	struct bbuf	v;
	int		handshaken = 0, type, r;
	size_t		before;

	bbuf_view(&v, p, n);
	do {
		before = bbuf_len(&v);
		r = decode_one(f, &v, &handshaken, &type);
		CHECK(f->nsteps < f->cap);
		f->steps[f->nsteps++] = (struct step){ r, type,
		    before - bbuf_len(&v) };
	} while (r == BT_OK);
}

static uint32_t
next_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Pass 2: chunks of pseudo-random size, as reads from a socket would. */
static void
chunked_pass(struct fz *f, const uint8_t *p, size_t n, uint32_t seed)
{
	struct bbuf	in;
	size_t		pos = 0, k = 0, chunk, before;
	int		handshaken = 0, type, r = BT_ERR_INCOMPLETE;

	bbuf_init(&in, wire_frame_max(f->num_pieces));
	while (pos < n && r == BT_ERR_INCOMPLETE) {
		chunk = next_rand(&seed) % 8 == 0 ? 1 + next_rand(&seed) % 4096 :
		    1 + next_rand(&seed) % 24;
		if (chunk > n - pos)
			chunk = n - pos;
		/* A partial frame always leaves room: wire_frame_max is enough. */
		CHECK(bbuf_avail(&in) > 0);
		if (chunk > bbuf_avail(&in))
			chunk = bbuf_avail(&in);
		CHECK(bbuf_put_bytes(&in, p + pos, chunk) == BT_OK);
		pos += chunk;
		for (;;) {
			before = bbuf_len(&in);
			r = decode_one(f, &in, &handshaken, &type);
			if (r == BT_ERR_INCOMPLETE)
				break;
			CHECK(k < f->nsteps);
			CHECK(f->steps[k].r == r && f->steps[k].type == type);
			CHECK(f->steps[k].consumed == before - bbuf_len(&in));
			k++;
			if (r != BT_OK)
				break;
		}
	}
	/* The view pass ended on the same step, INCOMPLETE or an error. */
	if (r == BT_ERR_INCOMPLETE)
		CHECK(k + 1 == f->nsteps &&
		    f->steps[k].r == BT_ERR_INCOMPLETE);
	else
		CHECK(k == f->nsteps);
	bbuf_cleanup(&in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz	f;
	uint32_t	seed;

	if (size < 4)
		return 0;
	memset(&f, 0, sizeof(f));
	f.num_pieces = (uint32_t)data[0] | (uint32_t)(data[1] & 0x7f) << 8;
	if (data[1] & 0x80)	/* huge torrents: only the bound checks */
		f.num_pieces = UINT32_MAX - f.num_pieces;
	seed = data[2];
	f.flags = data[3];
	data += 4;
	size -= 4;
	/* each step but the last consumes at least 4 bytes */
	f.cap = size / 4 + 2;
	if ((f.steps = calloc(f.cap, sizeof(*f.steps))) == NULL)
		return 0;
	bbuf_init(&f.re, wire_frame_max(f.num_pieces));
	whole_pass(&f, data, size);
	chunked_pass(&f, data, size, seed);
	bbuf_cleanup(&f.re);
	free(f.steps);
	return 0;
}

/*
 * libFuzzer target for src/engine/wire, fed like a real connection.
 * Input: 2 bytes choose num_pieces, 1 byte seeds the chunking, the rest is
 * the stream (handshake, then messages).  The stream is decoded once from a
 * view of all of it, then again from an owned bbuf filled in pseudo-random
 * chunks: both must give the same results.  Every decoded message must
 * re-encode to the exact bytes it came from and decode back the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	struct step	*steps;		/* from the whole-view pass */
	size_t		 nsteps, cap;
	struct bbuf	 re;		/* scratch for re-encoding */
};

static int
same_msg(const struct wire_msg *a, const struct wire_msg *b)
{
	if (a->type != b->type || a->id != b->id || a->index != b->index ||
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
	    m->type == WIRE_PIECE || m->type == WIRE_CANCEL)
		CHECK(m->index < f->num_pieces);
	bbuf_reset(&f->re);
	CHECK(wire_encode(&f->re, m) == BT_OK);
	CHECK(bbuf_len(&f->re) == len);
	CHECK(memcmp(bbuf_ptr(&f->re), frame, len) == 0);
	CHECK(wire_decode(&f->re, f->num_pieces, &again) == BT_OK);
	CHECK(bbuf_len(&f->re) == 0);
	CHECK(same_msg(m, &again));
}

static void
check_handshake(const struct wire_handshake *hs, const uint8_t *frame)
{
	char		name[WIRE_CLIENT_NAME_LEN];
	struct bbuf	b;
	size_t		n;
	int		r;

	bbuf_init(&b, WIRE_HANDSHAKE_LEN);
	CHECK(wire_handshake_encode(&b, hs->info_hash, hs->peer_id) == BT_OK);
	/* the same but for the reserved bytes, which we send as zero */
	CHECK(memcmp(bbuf_ptr(&b), frame, 20) == 0);
	CHECK(memcmp(bbuf_ptr(&b) + 28, frame + 28, 40) == 0);
	bbuf_cleanup(&b);
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
			check_handshake(&hs, frame);
		}
		*type_out = -2;
	} else {
		r = wire_decode(in, f->num_pieces, &m);
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

	if (size < 3)
		return 0;
	memset(&f, 0, sizeof(f));
	f.num_pieces = (uint32_t)data[0] | (uint32_t)(data[1] & 0x7f) << 8;
	if (data[1] & 0x80)	/* huge torrents: only the bound checks */
		f.num_pieces = UINT32_MAX - f.num_pieces;
	seed = data[2];
	data += 3;
	size -= 3;
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

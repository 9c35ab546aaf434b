/*
 * libFuzzer target for src/ipc/packet and src/ipc/msg, fed like the
 * engine <-> front socket.  Input: 1 byte seeds the chunking, the rest is
 * the byte stream.  The stream is cut into frames once from a view of all
 * of it, then again from an owned bbuf filled in pseudo-random chunks:
 * both passes must agree frame by frame and on the error that ends them.
 * Each frame's header must re-encode to its own 30 bytes; each payload
 * that decodes must re-encode to its exact bytes and decode back equal,
 * and keep the promises msg.h makes about what a decoder lets through
 * (torrent ids where each reserved id may appear, the torrent list's
 * window and rows, the session's counts).  Every type msg_type_known
 * takes is reached: the seeds in tests/fuzz/ipc hold each of them (test_msg
 * builds them).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/msg.h"
#include "ipc/packet.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)
#define MAX_STEPS	4096
#define OWNED_MAX	(4 * PKT_MAX_FRAME)

struct step {
	int		r;		/* pkt_decode result */
	uint16_t	type;
	uint32_t	len;
	int		msg_r;		/* msg_decode result */
};

struct fz {
	struct step	 steps[MAX_STEPS];
	size_t		 nsteps;
	union msg_any	*a, *b;		/* decoded, decoded again */
};

/* The header's own bytes, re-encoded, equal the input's. */
static void
check_header(const struct pkt_header *h, const uint8_t *frame)
{
	struct bbuf	out;
	int		r;

	bbuf_init(&out, PKT_MAX_FRAME);
	r = pkt_encode(&out, h, frame + PKT_HEADER_LEN, h->len);
	CHECK(r == BT_OK);
	CHECK(bbuf_len(&out) == PKT_HEADER_LEN + (size_t)h->len);
	CHECK(memcmp(bbuf_ptr(&out), frame, bbuf_len(&out)) == 0);
	bbuf_cleanup(&out);
}

static int
real_id(uint32_t id)
{
	return id < MSG_TORRENT_ALL;
}

static void
check_rows(const struct msg_torrents *t)
{
	uint32_t	i;

	CHECK(t->n <= MSG_MAX_TORRENT_ROWS);
	CHECK((uint64_t)t->first + t->n <= t->total);
	for (i = 0; i < t->n; i++) {
		CHECK(real_id(t->rows[i].id));
		CHECK(t->rows[i].state <= MSG_STATE_METADATA);
		CHECK(t->rows[i].done_bytes <= t->rows[i].total_bytes);
		CHECK(t->rows[i].eta_s >= -1);
		CHECK(t->rows[i].meta_have <= t->rows[i].meta_pieces);
	}
}

static void
check_peer(const struct msg_peer *p)
{
	CHECK(p->src <= MSG_PEER_SRC_WEBSEED);
	CHECK((p->transport & ~MSG_PEER_T_ALL) == 0);
	CHECK(!(p->transport & MSG_PEER_T_RC4) ||
	    (p->transport & MSG_PEER_T_MSE));
}

static void
check_peers(const struct msg_peers *p)
{
	uint32_t	i;

	CHECK(p->n <= MSG_MAX_PEERS);
	for (i = 0; i < p->n; i++)
		check_peer(&p->peers[i]);
}

/* What a decoded payload may hold, by type (msg.h's contract). */
static void
check_meaning(int type, const union msg_any *a)
{
	switch (type) {
	case MSG_STATUS:
		CHECK(real_id(a->status.torrent_id));
		CHECK(a->status.state <= MSG_STATE_METADATA);
		CHECK(a->status.done_bytes <= a->status.total_bytes);
		CHECK(a->status.meta_have <= a->status.meta_pieces);
		CHECK((a->status.flags & ~MSG_STATUS_FLAGS_ALL) == 0);
		break;
	case MSG_PEERS:
		CHECK(real_id(a->peers.torrent_id));
		check_peers(&a->peers);
		break;
	case MSG_PIECEMAP:
		CHECK(real_id(a->piecemap.torrent_id));
		break;
	case MSG_PIECE_DETAIL:
		CHECK(real_id(a->piece_detail.torrent_id));
		break;
	case MSG_PEER_DETAIL:
		CHECK(real_id(a->peer_detail.torrent_id));
		check_peer(&a->peer_detail.peer);
		CHECK(a->peer_detail.gone <= 1);
		break;
	case MSG_TRACKERS:
		CHECK(real_id(a->trackers.torrent_id));
		break;
	case MSG_FILES:
		CHECK(real_id(a->files.torrent_id));
		break;
	case MSG_LOG:
		CHECK(a->log.torrent_id != MSG_TORRENT_ALL);
		break;
	case MSG_TORRENTS:
		check_rows(&a->torrents);
		break;
	case MSG_SESSION:
		CHECK((uint64_t)a->session.active + a->session.queued <=
		    a->session.num_torrents);
		break;
	case MSG_CMD_PAUSE:
	case MSG_CMD_RESUME:
	case MSG_CMD_REANNOUNCE:
		CHECK(a->ref.torrent_id != MSG_TORRENT_NONE);
		break;
	case MSG_CMD_FOCUS:
		CHECK(a->ref.torrent_id != MSG_TORRENT_ALL);
		break;
	case MSG_CMD_INSPECT_PIECE:
	case MSG_CMD_INSPECT_PEER:
		CHECK(real_id(a->inspect.torrent_id));
		break;
	case MSG_CMD_ADD:
		CHECK(a->add.path[0] != '\0' && a->add.paused <= 1);
		break;
	case MSG_CMD_REMOVE:
		CHECK(real_id(a->remove.torrent_id));
		CHECK(a->remove.delete_data <= 1);
		break;
	}
}

/* Decodes a payload; when it is good, re-encodes and re-decodes it. */
static int
check_payload(struct fz *f, int type, const struct bbuf *pl)
{
	struct bbuf	in, out;
	int		r;

	bbuf_view(&in, bbuf_ptr(pl), bbuf_len(pl));
	r = msg_decode(type, &in, f->a);
	CHECK(r <= 0);
	if (r != BT_OK)
		return r;
	CHECK(bbuf_len(&in) == 0);
	check_meaning(type, f->a);
	bbuf_init(&out, MSG_MAX_PAYLOAD);
	CHECK(msg_encode(type, &out, f->a) == BT_OK);
	CHECK(bbuf_len(&out) == bbuf_len(pl));
	CHECK(bbuf_len(pl) == 0 ||
	    memcmp(bbuf_ptr(&out), bbuf_ptr(pl), bbuf_len(pl)) == 0);
	CHECK(msg_decode(type, &out, f->b) == BT_OK);
	CHECK(memcmp(f->a, f->b, sizeof(*f->a)) == 0);
	bbuf_cleanup(&out);
	return r;
}

/* Pass 1: all bytes at once. */
static void
whole(struct fz *f, const uint8_t *p, size_t n)
{
	struct pkt_header	 h;
	struct bbuf		 in, pl;
	struct step		*st;
	size_t			 before;
	int			 r;

	bbuf_view(&in, p, n);
	f->nsteps = 0;
	while (f->nsteps < MAX_STEPS) {
		before = bbuf_len(&in);
		r = pkt_decode(&in, &h, &pl);
		st = &f->steps[f->nsteps++];
		memset(st, 0, sizeof(*st));
		st->r = r;
		if (r != BT_OK) {
			CHECK(bbuf_len(&in) == before);	/* nothing consumed */
			CHECK(h.type == 0 && h.len == 0 && bbuf_len(&pl) == 0);
			return;
		}
		CHECK(before - bbuf_len(&in) == PKT_HEADER_LEN + (size_t)h.len);
		CHECK(bbuf_len(&pl) == h.len && h.len <= PKT_MAX_PAYLOAD);
		CHECK(msg_type_known(h.type));
		check_header(&h, p + (n - before));
		st->type = h.type;
		st->len = h.len;
		st->msg_r = check_payload(f, h.type, &pl);
	}
}

static uint32_t
next_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Decodes what is buffered, checking each step against pass 1; 1 when
 * the stream ended (an error, or pass 1's last frame). */
static int
drain(struct fz *f, struct bbuf *b, size_t *k)
{
	struct pkt_header	 h;
	struct bbuf		 pl;
	struct step		*st;
	int			 r;

	for (;;) {
		if ((r = pkt_decode(b, &h, &pl)) == BT_ERR_INCOMPLETE)
			return 0;		/* more bytes to come */
		CHECK(*k < f->nsteps);
		st = &f->steps[(*k)++];
		CHECK(r == st->r);
		if (r != BT_OK)
			return 1;
		CHECK(h.type == st->type && h.len == st->len);
		CHECK(check_payload(f, h.type, &pl) == st->msg_r);
	}
}

/* Pass 2: the same bytes in chunks of 1..~4 KiB into an owned buffer. */
static void
chunked(struct fz *f, const uint8_t *p, size_t n, uint32_t seed)
{
	struct bbuf	b;
	size_t		at = 0, k = 0, c;
	int		ended = 0;

	bbuf_init(&b, OWNED_MAX);
	while (!ended && at < n) {
		c = 1 + next_rand(&seed) % (seed & 1 ? 16 : 4096);
		if (c > n - at)
			c = n - at;
		if (c > bbuf_avail(&b))
			c = bbuf_avail(&b);
		CHECK(c > 0);		/* a frame never fills the buffer */
		CHECK(bbuf_put_bytes(&b, p + at, c) == BT_OK);
		at += c;
		ended = drain(f, &b, &k);
	}
	if (!ended)
		CHECK(k + 1 == f->nsteps &&
		    f->steps[k].r == BT_ERR_INCOMPLETE);
	bbuf_cleanup(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz	f;
	static union msg_any	a, b;

	if (size < 1)
		return 0;
	f.a = &a;
	f.b = &b;
	whole(&f, data + 1, size - 1);
	if (f.nsteps < MAX_STEPS)
		chunked(&f, data + 1, size - 1, data[0]);
	return 0;
}

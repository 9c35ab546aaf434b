/*
 * Unit tests for src/engine/peermse: the MSE handshake between two struct
 * peer on the ends of a socketpair, pumped the way the engine does it
 * (peer_flush, peer_read, peermse_feed), whole reads and a byte at a time;
 * the payload both ways afterwards (RC4 on the wire, plaintext in the
 * buffers, partial writes included); payload that arrives in the same read
 * as the end of the handshake; failures that leave the peer dead with the
 * reason; and peer_seal, which must encrypt each queued byte exactly once.
 * Each table row is its own named cmocka test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/mse.h"
#include "engine/peer.h"
#include "engine/peermse.h"
#include "engine/rc4.h"
#include "engine/rng.h"
#include "engine/sha1.h"
#include "engine/wire.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define NOW_MS		1000
#define XFER_LEN	(100u * 1024)
/* A byte at a time, the handshake is at most ~1.5 KiB each way. */
#define PUMP_MAX_STEPS	10000
#define XFER_MAX_STEPS	100000
/* The answer to step 3 with our empty PadD: ENCRYPT(VC, crypto_select,
 * len(PadD)). */
#define STEP4_LEN	(MSE_VC_LEN + 4 + 2)
/* Where the responder's sync search gives up: Ya, then req1 starting
 * within MSE_PAD_MAX bytes; the initiator's looks for ENCRYPT(VC). */
#define B_NOSYNC_AT	(MSE_KEY_LEN + MSE_PAD_MAX + MSE_HASH_LEN)
#define A_NOSYNC_AT	(MSE_KEY_LEN + MSE_PAD_MAX + MSE_VC_LEN)
#define SMALL_SNDBUF	4096
/* Keystream bytes each RC4 stream has used when the handshake is through
 * (our PadC and PadD are empty): A's stream (keyA) the discard, VC,
 * crypto_provide, len(PadC), len(IA), IA; B's (keyB) the discard, VC,
 * crypto_select, len(PadD). */
#define USED_KEYA	(MSE_DISCARD + MSE_VC_LEN + 4 + 2 + 2 + \
			    WIRE_HANDSHAKE_LEN)
#define USED_KEYB	(MSE_DISCARD + STEP4_LEN)

/* a dialled b over a socketpair.  b finds the torrent in `list', which
 * must outlive the handshake: it lives here, at a fixed address. */
struct fix {
	struct peer		*a, *b;
	uint8_t			 info_hash[MSE_HASH_LEN];
	uint8_t			 hashes[3][MSE_HASH_LEN];
	struct mse_hashlist	 list;
	uint8_t			 ia[WIRE_HANDSHAKE_LEN];
	int			 ra, rb;	/* last peermse_feed */
};


/* --- helpers ---------------------------------------------------------- */

static void
hash_of(const char *name, uint8_t out[MSE_HASH_LEN])
{
	sha1_digest(name, strlen(name), out);
}

static void
pattern(uint8_t *p, size_t n, uint64_t seed)
{
	while (n-- > 0)
		*p++ = (uint8_t)rng_next(&seed);
}

static struct peer *
peer_on(int fd, uint32_t id, int outgoing)
{
	struct peer_addr	 a;
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&a.ss;
	struct peer		*p;

	assert_int_equal(peer_fd_prepare(fd), BT_OK);
	memset(&a, 0, sizeof(a));
	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s4->sin_port = htons((uint16_t)(6881 + id));
	a.len = sizeof(*s4);
	assert_non_null(p = peer_new(id, fd, &a, outgoing, 0, NOW_MS));
	if (outgoing)
		p->state = PEER_HANDSHAKE;	/* connected: on_connected */
	return p;
}

static void
handshake_of(const uint8_t info_hash[MSE_HASH_LEN], const char *peer_id,
    uint8_t out[WIRE_HANDSHAKE_LEN])
{
	uint8_t		reserved[WIRE_RESERVED_LEN];
	struct bbuf	hs;

	wire_reserved_make(0, reserved);
	bbuf_init(&hs, WIRE_HANDSHAKE_LEN);
	assert_int_equal(wire_handshake_encode(&hs, reserved, info_hash,
	    (const uint8_t *)peer_id), BT_OK);
	assert_int_equal(bbuf_len(&hs), WIRE_HANDSHAKE_LEN);
	memcpy(out, bbuf_ptr(&hs), WIRE_HANDSHAKE_LEN);
	bbuf_cleanup(&hs);
}

/* b knows three torrents; a wants the one at known_at (-1: none of them). */
static struct fix *
fix_new(int known_at)
{
	struct fix	*f;
	char		 name[32];
	int		 sv[2], k;

	assert_non_null(f = calloc(1, sizeof(*f)));
	for (k = 0; k < 3; k++) {
		snprintf(name, sizeof(name), "torrent %d", k);
		hash_of(name, f->hashes[k]);
	}
	if (known_at >= 0)
		memcpy(f->info_hash, f->hashes[known_at], MSE_HASH_LEN);
	else
		hash_of("a torrent b does not have", f->info_hash);
	f->list.hashes = (const uint8_t (*)[MSE_HASH_LEN])f->hashes;
	f->list.n = 3;
	handshake_of(f->info_hash, "-BT0001-aaaaaaaaaaaa", f->ia);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	f->a = peer_on(sv[0], 1, 1);
	f->b = peer_on(sv[1], 2, 0);
	f->ra = f->rb = BT_ERR_INCOMPLETE;
	return f;
}

static void
fix_free(struct fix *f)
{
	peer_free(f->a);
	peer_free(f->b);
	free(f);
}

static void
fix_start(struct fix *f, int a_rc4_only, int b_rc4_only)
{
	size_t	n;

	assert_int_equal(peermse_start_outgoing(f->a, f->info_hash,
	    a_rc4_only, f->ia, sizeof(f->ia)), BT_OK);
	assert_int_equal(f->a->crypto, PEER_CRYPTO_MSE);
	assert_true(f->a->mse_tried);
	/* Ya and PadA queued, marked ready for the wire as they are */
	n = bbuf_len(&f->a->out);
	assert_in_range(n, MSE_KEY_LEN, MSE_KEY_LEN + MSE_PAD_MAX);
	assert_int_equal(f->a->out_sealed, n);
	assert_int_equal(peermse_start_incoming(f->b, b_rc4_only,
	    mse_find_in_list, &f->list), BT_OK);
	assert_int_equal(f->b->crypto, PEER_CRYPTO_MSE);
	assert_false(f->b->mse_tried);
	assert_int_equal(bbuf_len(&f->b->out), 0);
}

static int
failed(int r)
{
	return r != BT_OK && r != BT_ERR_INCOMPLETE;
}

/* from's queued bytes to the socket, up to limit of them into to, and
 * to's handshake run over them while it lasts. */
static void
step(struct peer *from, struct peer *to, size_t limit, int *r_to)
{
	size_t	n;

	assert_int_equal(peer_flush(from, NOW_MS, &n), BT_OK);
	assert_int_equal(peer_read(to, NOW_MS, limit, &n), BT_OK);
	assert_true(n <= limit);
	if (to->crypto == PEER_CRYPTO_MSE)
		*r_to = peermse_feed(to);
}

/* Both ways, until neither runs the handshake or one side fails.  Returns
 * the number of round trips. */
static size_t
pump(struct fix *f, size_t limit)
{
	size_t	k;

	for (k = 0; k < PUMP_MAX_STEPS; k++) {
		step(f->a, f->b, limit, &f->rb);
		if (failed(f->rb))
			break;
		step(f->b, f->a, limit, &f->ra);
		if (failed(f->ra))
			break;
		if (f->a->crypto != PEER_CRYPTO_MSE &&
		    f->b->crypto != PEER_CRYPTO_MSE)
			break;
	}
	assert_true(k < PUMP_MAX_STEPS);
	return k + 1;
}

/* A finished handshake: RC4 both ways, b's input is a's handshake. */
static void
check_done(struct fix *f, int want_rc4)
{
	size_t	n;

	assert_int_equal(f->ra, BT_OK);
	assert_int_equal(f->rb, BT_OK);
	assert_null(f->a->mse);
	assert_null(f->b->mse);
	assert_int_not_equal(f->a->state, PEER_DEAD);
	assert_int_not_equal(f->b->state, PEER_DEAD);
	if (!want_rc4) {
		/* both took plaintext: the responder chose it */
		assert_int_equal(f->a->crypto, PEER_CRYPTO_MSE_PLAIN);
		assert_int_equal(f->b->crypto, PEER_CRYPTO_MSE_PLAIN);
		assert_null(f->a->enc);
		assert_null(f->b->dec);
		assert_string_equal(peer_transport_text(f->a),
		    "TCP, MSE handshake, plaintext");
	} else {
		assert_int_equal(f->a->crypto, PEER_CRYPTO_RC4);
		assert_int_equal(f->b->crypto, PEER_CRYPTO_RC4);
		assert_non_null(f->a->enc);
		assert_non_null(f->b->dec);
		assert_string_equal(peer_transport_text(f->a),
		    "TCP, encrypted (RC4)");
		/* Which stream is which.  Traffic between two bttui peers
		 * cannot tell: were enc and dec swapped on both sides, each
		 * direction would still share one keystream.  RC4's index i
		 * counts the keystream bytes used, mod 256 (a peek at a
		 * private member, for this only). */
		assert_int_equal(f->a->enc->i, USED_KEYA % 256);
		assert_int_equal(f->a->dec->i, USED_KEYB % 256);
		assert_int_equal(f->b->enc->i, USED_KEYB % 256);
		assert_int_equal(f->b->dec->i, USED_KEYA % 256);
		assert_memory_equal(f->a->enc, f->b->dec, sizeof(struct rc4));
		assert_memory_equal(f->b->enc, f->a->dec, sizeof(struct rc4));
	}
	/* the handshake came inside MSE, decrypted, and nothing else */
	assert_int_equal(bbuf_len(&f->b->in), WIRE_HANDSHAKE_LEN);
	assert_memory_equal(bbuf_ptr(&f->b->in), f->ia, WIRE_HANDSHAKE_LEN);
	assert_int_equal(bbuf_len(&f->a->in), 0);
	/* the handshake's bytes all went out; a second feed changes nothing */
	assert_int_equal(peer_flush(f->a, NOW_MS, &n), BT_OK);
	assert_int_equal(peer_flush(f->b, NOW_MS, &n), BT_OK);
	assert_int_equal(bbuf_len(&f->a->out), 0);
	assert_int_equal(bbuf_len(&f->b->out), 0);
	assert_int_equal(peermse_feed(f->b), BT_OK);
	assert_int_equal(bbuf_len(&f->b->in), WIRE_HANDSHAKE_LEN);
}

/* n patterned bytes queued in src->out put_chunk at a time, each put
 * followed by one flush and one read: dst must get exactly them, in
 * plaintext.  Returns whether a flush ever left bytes queued (the socket
 * was full), so a caller can insist that partial writes happened. */
static int
xfer(struct peer *src, struct peer *dst, size_t n, size_t put_chunk,
    uint64_t seed)
{
	uint8_t	*want;
	size_t	 put = 0, c, w, got, k;
	int	 partial = 0;

	assert_non_null(want = malloc(n));
	pattern(want, n, seed);
	assert_int_equal(bbuf_len(&dst->in), 0);
	for (k = 0; k < XFER_MAX_STEPS && bbuf_len(&dst->in) < n; k++) {
		if (put < n) {
			c = n - put < put_chunk ? n - put : put_chunk;
			assert_int_equal(bbuf_put_bytes(&src->out, want + put,
			    c), BT_OK);
			put += c;
		}
		assert_int_equal(peer_flush(src, NOW_MS, &w), BT_OK);
		if (bbuf_len(&src->out) > 0)
			partial = 1;
		assert_int_equal(peer_read(dst, NOW_MS, PEER_READ_CHUNK,
		    &got), BT_OK);
	}
	assert_int_equal(bbuf_len(&src->out), 0);
	assert_int_equal(src->out_sealed, 0);
	assert_int_equal(bbuf_len(&dst->in), n);
	assert_memory_equal(bbuf_ptr(&dst->in), want, n);
	/* and nothing more is on its way */
	assert_int_equal(peer_read(dst, NOW_MS, PEER_READ_CHUNK, &got), BT_OK);
	assert_int_equal(got, 0);
	assert_int_equal(bbuf_consume(&dst->in, n), BT_OK);
	free(want);
	return partial;
}

static void
set_sndbuf(int fd, int bytes)
{
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes,
	    sizeof(bytes)), 0);
}


/* --- 1, 2: the handshake, whole reads and a byte at a time ------------ */

/* Without rc4_only on either side, both offer plaintext and the
 * responder (b) takes it; with it on either, RC4. */
struct hs_case {
	const char	*name;
	int		 a_rc4_only, b_rc4_only;
	int		 known_at;	/* a's torrent in b's list */
	size_t		 limit;		/* bytes per peer_read */
};

static const struct hs_case hs_cases[] = {
	{ "handshake: both allow plaintext: plaintext", 0, 0, 1,
	  PEER_READ_CHUNK },
	{ "handshake: A rc4_only", 1, 0, 2, PEER_READ_CHUNK },
	{ "handshake: B rc4_only", 0, 1, 1, PEER_READ_CHUNK },
	{ "handshake: both rc4_only", 1, 1, 2, PEER_READ_CHUNK },
	{ "handshake: byte at a time, plaintext", 0, 0, 1, 1 },
	{ "handshake: byte at a time, rc4_only", 1, 1, 2, 1 },
	{ "handshake: 7 bytes at a time", 0, 1, 2, 7 },
};

static void
test_handshake(void **state)
{
	const struct hs_case	*c = *state;
	struct fix		*f = fix_new(c->known_at);
	size_t			 steps;

	fix_start(f, c->a_rc4_only, c->b_rc4_only);
	steps = pump(f, c->limit);
	check_done(f, c->a_rc4_only || c->b_rc4_only);
	/* limited reads really took many turns: at least Ya a byte each */
	if (c->limit == 1)
		assert_true(steps >= MSE_KEY_LEN);
	else if (c->limit == PEER_READ_CHUNK)
		assert_true(steps <= 4);
	assert_int_equal(bbuf_consume(&f->b->in, WIRE_HANDSHAKE_LEN), BT_OK);
	xfer(f->a, f->b, XFER_LEN, XFER_LEN, 0xa1);
	xfer(f->b, f->a, XFER_LEN, XFER_LEN, 0xb1);
	/* and again: the keystreams keep going where they were */
	xfer(f->a, f->b, 1000, 1000, 0xa2);
	xfer(f->b, f->a, 1000, 1000, 0xb2);
	fix_free(f);
}


/* --- payload after the handshake, full sockets and partial writes ---- */

struct xfer_case {
	const char	*name;
	size_t		 put_chunk;	/* bytes per bbuf_put_bytes */
	int		 small_sndbuf;	/* force partial writes */
};

static const struct xfer_case xfer_cases[] = {
	{ "payload: one put, default socket", XFER_LEN, 0 },
	{ "payload: one put, small socket buffer", XFER_LEN, 1 },
	{ "payload: puts between partial writes", 12289, 1 },
	{ "payload: small puts, default socket", 333, 0 },
};

static void
test_payload(void **state)
{
	const struct xfer_case	*c = *state;
	struct fix		*f = fix_new(0);
	int			 pa, pb;

	fix_start(f, 0, 1);	/* b takes RC4 only */
	pump(f, PEER_READ_CHUNK);
	check_done(f, 1);
	assert_int_equal(bbuf_consume(&f->b->in, WIRE_HANDSHAKE_LEN), BT_OK);
	if (c->small_sndbuf) {
		set_sndbuf(f->a->fd, SMALL_SNDBUF);
		set_sndbuf(f->b->fd, SMALL_SNDBUF);
	}
	pa = xfer(f->a, f->b, XFER_LEN, c->put_chunk, 0xc1);
	pb = xfer(f->b, f->a, XFER_LEN, c->put_chunk, 0xc2);
	if (c->small_sndbuf) {
		/* the case is about bytes queued while others wait */
		assert_true(pa);
		assert_true(pb);
	}
	fix_free(f);
}


/* --- 1: the bytes on the wire are not the plaintext -------------------- */

#define RAW_LEN	4096

static void
raw_read(int fd, uint8_t *buf, size_t n)
{
	size_t	got = 0;
	ssize_t	r;

	while (got < n) {
		r = read(fd, buf + got, n - got);
		assert_true(r > 0);
		got += (size_t)r;
	}
}

/* src sends RAW_LEN bytes; dst's socket is read raw.  They must not be the
 * plaintext, and dst's own RC4 stream must turn them into it (leaving dst
 * in step for what follows). */
static void
check_wire(struct peer *src, struct peer *dst, uint64_t seed)
{
	uint8_t	plain[RAW_LEN], raw[RAW_LEN];
	size_t	n, same = 0, k;

	pattern(plain, sizeof(plain), seed);
	assert_int_equal(bbuf_put_bytes(&src->out, plain, sizeof(plain)),
	    BT_OK);
	assert_int_equal(peer_flush(src, NOW_MS, &n), BT_OK);
	assert_int_equal(n, sizeof(plain));
	raw_read(dst->fd, raw, sizeof(raw));
	for (k = 0; k < sizeof(raw); k++)
		same += raw[k] == plain[k];
	/* under a keystream ~16 of 4096 bytes match by chance; sent in
	 * plaintext, all would */
	assert_true(same < sizeof(raw) / 16);
	rc4_crypt(dst->dec, raw, raw, sizeof(raw));
	assert_memory_equal(raw, plain, sizeof(plain));
}

static void
test_wire_is_encrypted(void **state)
{
	struct fix	*f = fix_new(2);

	(void)state;
	fix_start(f, 0, 1);	/* b takes RC4 only */
	pump(f, PEER_READ_CHUNK);
	check_done(f, 1);
	assert_int_equal(bbuf_consume(&f->b->in, WIRE_HANDSHAKE_LEN), BT_OK);
	check_wire(f->a, f->b, 0xd1);
	check_wire(f->b, f->a, 0xd2);
	xfer(f->a, f->b, 2000, 2000, 0xd3);
	xfer(f->b, f->a, 2000, 2000, 0xd4);
	fix_free(f);
}


/* --- 3: payload in the same read as the end of the handshake ---------- */

#define EARLY_LEN	1000

static void
test_payload_with_step4(void **state)
{
	struct fix	*f = fix_new(1);
	uint8_t		 hs_b[WIRE_HANDSHAKE_LEN];
	uint8_t		 want[WIRE_HANDSHAKE_LEN + EARLY_LEN];
	size_t		 k, n;

	(void)state;
	fix_start(f, 0, 1);	/* b takes RC4 only */
	/* run until b is through, without sending b's answer (step 4) */
	for (k = 0; k < PUMP_MAX_STEPS; k++) {
		step(f->a, f->b, PEER_READ_CHUNK, &f->rb);
		if (f->b->crypto != PEER_CRYPTO_MSE || failed(f->rb))
			break;
		step(f->b, f->a, PEER_READ_CHUNK, &f->ra);
		assert_int_equal(f->ra, BT_ERR_INCOMPLETE);
	}
	assert_int_equal(f->rb, BT_OK);
	assert_int_equal(f->b->crypto, PEER_CRYPTO_RC4);
	assert_int_equal(f->a->crypto, PEER_CRYPTO_MSE);
	assert_int_equal(bbuf_len(&f->b->out), STEP4_LEN);
	/* b answers a's handshake with its own and a first message at once */
	handshake_of(f->info_hash, "-BT0001-bbbbbbbbbbbb", hs_b);
	memcpy(want, hs_b, sizeof(hs_b));
	pattern(want + sizeof(hs_b), EARLY_LEN, 0xe1);
	assert_int_equal(bbuf_put_bytes(&f->b->out, want, sizeof(want)),
	    BT_OK);
	assert_int_equal(peer_flush(f->b, NOW_MS, &n), BT_OK);
	assert_int_equal(n, STEP4_LEN + sizeof(want));
	/* one read takes the tail of the handshake and the payload */
	assert_int_equal(peer_read(f->a, NOW_MS, PEER_READ_CHUNK, &n), BT_OK);
	assert_int_equal(n, STEP4_LEN + sizeof(want));
	assert_int_equal(peermse_feed(f->a), BT_OK);
	assert_int_equal(f->a->crypto, PEER_CRYPTO_RC4);
	assert_int_equal(bbuf_len(&f->a->in), sizeof(want));
	assert_memory_equal(bbuf_ptr(&f->a->in), want, sizeof(want));
	assert_int_equal(bbuf_consume(&f->a->in, sizeof(want)), BT_OK);
	/* what comes next is decrypted as it is read, still in step */
	assert_int_equal(bbuf_consume(&f->b->in, WIRE_HANDSHAKE_LEN), BT_OK);
	xfer(f->b, f->a, 5000, 5000, 0xe2);
	xfer(f->a, f->b, 5000, 5000, 0xe3);
	fix_free(f);
}


/* --- 4: failures --------------------------------------------------------- */

static void
check_failed(struct peer *p, int r, int want_r, enum mse_fail why)
{
	char	text[128];

	assert_int_equal(r, want_r);
	assert_int_equal(p->state, PEER_DEAD);
	assert_int_equal(p->fail, PEER_FAIL_MSE);
	assert_int_equal(p->fail_errno, (int)why);
	peer_fail_format(PEER_FAIL_MSE, (int)why, p->outgoing, text,
	    sizeof(text));
	assert_string_equal(p->dead_reason, text);
	/* final: feeding again says the same and changes nothing */
	assert_int_equal(peermse_feed(p), want_r);
	assert_int_equal(p->fail_errno, (int)why);
	assert_int_equal(p->crypto, PEER_CRYPTO_MSE);
}

static void
test_unknown_hash(void **state)
{
	struct fix	*f = fix_new(-1);

	(void)state;
	fix_start(f, 0, 0);
	pump(f, PEER_READ_CHUNK);
	check_failed(f->b, f->rb, BT_ERR_NOTFOUND, MSE_FAIL_UNKNOWN_HASH);
	/* a is still waiting for an answer that will not come */
	assert_int_equal(f->ra, BT_ERR_INCOMPLETE);
	assert_int_equal(f->a->crypto, PEER_CRYPTO_MSE);
	assert_int_not_equal(f->a->state, PEER_DEAD);
	fix_free(f);
}

enum key_kind {
	KEY_NOISE,	/* the first byte 0x01: a key in range */
	KEY_ZERO,	/* Y = 0 */
	KEY_ONE,	/* Y = 1 */
};

struct bad_case {
	const char	*name;
	int		 responder;	/* the victim's role */
	enum key_kind	 key;
	size_t		 len;		/* bytes sent to it */
	size_t		 fail_at;	/* fails on byte fail_at; past
					 * len: still waiting */
	enum mse_fail	 why;
	size_t		 limit;		/* bytes per peer_read */
};

#define BAD_ROWS(name, limit)						\
	{ "B, noise one byte short: " name, 1, KEY_NOISE,		\
	    B_NOSYNC_AT - 1, B_NOSYNC_AT, MSE_FAIL_NO_SYNC, limit },	\
	{ "B, noise to the sync limit: " name, 1, KEY_NOISE,		\
	    B_NOSYNC_AT, B_NOSYNC_AT, MSE_FAIL_NO_SYNC, limit },	\
	{ "B, 700 bytes of noise: " name, 1, KEY_NOISE, 700,		\
	    B_NOSYNC_AT, MSE_FAIL_NO_SYNC, limit },			\
	{ "A, noise one byte short: " name, 0, KEY_NOISE,		\
	    A_NOSYNC_AT - 1, A_NOSYNC_AT, MSE_FAIL_NO_SYNC, limit },	\
	{ "A, noise to the sync limit: " name, 0, KEY_NOISE,		\
	    A_NOSYNC_AT, A_NOSYNC_AT, MSE_FAIL_NO_SYNC, limit },	\
	{ "A, 700 bytes of noise: " name, 0, KEY_NOISE, 700,		\
	    A_NOSYNC_AT, MSE_FAIL_NO_SYNC, limit },			\
	{ "B, public key 0: " name, 1, KEY_ZERO, 700, MSE_KEY_LEN,	\
	    MSE_FAIL_BAD_KEY, limit },					\
	{ "B, public key 1: " name, 1, KEY_ONE, MSE_KEY_LEN,		\
	    MSE_KEY_LEN, MSE_FAIL_BAD_KEY, limit },			\
	{ "A, public key 0: " name, 0, KEY_ZERO, MSE_KEY_LEN,		\
	    MSE_KEY_LEN, MSE_FAIL_BAD_KEY, limit }

static const struct bad_case bad_cases[] = {
	BAD_ROWS("one read", PEER_READ_CHUNK),
	BAD_ROWS("byte at a time", 1),
};

/* The victim alone on one end; the test writes the other end raw. */
static void
test_bad_peer(void **state)
{
	const struct bad_case	*c = *state;
	struct mse_hashlist	 none = { NULL, 0 };
	struct peer		*p;
	uint8_t			 bytes[1024], ih[MSE_HASH_LEN];
	uint8_t			 ia[WIRE_HANDSHAKE_LEN];
	size_t			 fed = 0, n;
	int			 sv[2], r = BT_ERR_INCOMPLETE;

	assert_true(c->len <= sizeof(bytes));
	pattern(bytes, c->len, 0xbad);
	if (c->key == KEY_NOISE)
		bytes[0] = 0x01;
	else {
		memset(bytes, 0, MSE_KEY_LEN);
		if (c->key == KEY_ONE)
			bytes[MSE_KEY_LEN - 1] = 1;
	}
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	p = peer_on(sv[0], 3, !c->responder);
	if (c->responder)
		assert_int_equal(peermse_start_incoming(p, 0, mse_find_in_list,
		    &none), BT_OK);
	else {
		hash_of("torrent 0", ih);
		handshake_of(ih, "-BT0001-cccccccccccc", ia);
		assert_int_equal(peermse_start_outgoing(p, ih, 0, ia,
		    sizeof(ia)), BT_OK);
	}
	assert_int_equal(write(sv[1], bytes, c->len), (ssize_t)c->len);
	while (fed < c->len) {
		assert_int_equal(peer_read(p, NOW_MS, c->limit, &n), BT_OK);
		assert_true(n > 0 && n <= c->limit);
		fed += n;
		r = peermse_feed(p);
		/* a byte at a time, it fails on the very byte, not later */
		if (c->limit == 1 && fed < c->fail_at)
			assert_int_equal(r, BT_ERR_INCOMPLETE);
		if (c->limit == 1 && fed == c->fail_at)
			assert_int_equal(r, BT_ERR_PROTO);
	}
	if (c->len < c->fail_at) {
		assert_int_equal(r, BT_ERR_INCOMPLETE);
		assert_int_not_equal(p->state, PEER_DEAD);
		assert_int_equal(p->fail, PEER_FAIL_NONE);
	} else
		check_failed(p, r, BT_ERR_PROTO, c->why);
	peer_free(p);
	close(sv[1]);
}

struct text_case {
	enum mse_fail	 why;
	const char	*want;
};

static void
test_fail_text(void **state)
{
	static const struct text_case	cases[] = {
		{ MSE_FAIL_NO_SYNC, "no sync marker" },
		{ MSE_FAIL_UNKNOWN_HASH, "unknown info-hash" },
		{ MSE_FAIL_BAD_KEY, "public key out of range" },
		{ MSE_FAIL_NO_METHOD, "no method we allow" },
	};
	char	text[128];
	size_t	k;
	int	out;

	(void)state;
	for (k = 0; k < ARRAY_LEN(cases); k++) {
		for (out = 0; out < 2; out++) {
			peer_fail_format(PEER_FAIL_MSE, (int)cases[k].why, out,
			    text, sizeof(text));
			assert_non_null(strstr(text,
			    "encrypted handshake failed: "));
			assert_non_null(strstr(text, cases[k].want));
		}
	}
}

/* No handshake running: BT_OK, and the input is left alone. */
static void
test_feed_without_mse(void **state)
{
	struct peer	*p;
	int		 sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	p = peer_on(sv[0], 4, 0);
	assert_int_equal(bbuf_put_bytes(&p->in, "abc", 3), BT_OK);
	assert_int_equal(peermse_feed(p), BT_OK);
	assert_int_equal(bbuf_len(&p->in), 3);
	assert_memory_equal(bbuf_ptr(&p->in), "abc", 3);
	assert_int_equal(p->crypto, PEER_CRYPTO_NONE);
	assert_int_equal(p->state, PEER_HANDSHAKE);
	peer_free(p);
	close(sv[1]);
}

/* We dialled with MSE and the peer sent its plaintext BitTorrent
 * handshake (as many do on accepting): it has no MSE, said at once, so
 * that the dial is made again in plaintext without waiting for a timeout;
 * the same bytes to a responder are no reason (a plaintext incoming
 * connection never reaches peermse). */
static void
test_plain_answer(void **state)
{
	struct peer	*p;
	uint8_t		 ih[MSE_HASH_LEN], ia[WIRE_HANDSHAKE_LEN];
	uint8_t		 hs[WIRE_HANDSHAKE_LEN];
	size_t		 n;
	int		 sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	p = peer_on(sv[0], 5, 1);
	hash_of("torrent 0", ih);
	handshake_of(ih, "-BT0001-aaaaaaaaaaaa", ia);
	assert_int_equal(peermse_start_outgoing(p, ih, 0, ia, sizeof(ia)),
	    BT_OK);
	handshake_of(ih, "-TR3000-bbbbbbbbbbbb", hs);
	/* half of it is enough to tell */
	assert_int_equal(write(sv[1], hs, 30), 30);
	assert_int_equal(peer_read(p, NOW_MS, PEER_READ_CHUNK, &n), BT_OK);
	assert_int_equal(n, 30);
	assert_int_equal(peermse_feed(p), BT_ERR_PROTO);
	assert_int_equal(p->state, PEER_DEAD);
	assert_int_equal(p->fail, PEER_FAIL_PLAIN_ANSWER);
	assert_non_null(strstr(p->dead_reason, "in plaintext"));
	peer_free(p);
	close(sv[1]);
}

/* --- 5: peer_seal ------------------------------------------------------ */

struct seal_case {
	const char	*name;
	enum peer_crypto crypto;
};

static const struct seal_case seal_cases[] = {
	{ "seal: plaintext connection", PEER_CRYPTO_NONE },
	{ "seal: MSE handshake running", PEER_CRYPTO_MSE },
	{ "seal: MSE, plaintext payload", PEER_CRYPTO_MSE_PLAIN },
	{ "seal: RC4", PEER_CRYPTO_RC4 },
};

#define SEAL_1	100
#define SEAL_2	57

static void
test_seal(void **state)
{
	const struct seal_case	*c = *state;
	struct peer		*p;
	struct rc4		 ref;
	uint8_t			 plain[SEAL_1 + SEAL_2];
	uint8_t			 want[sizeof(plain)];
	static const uint8_t	 key[] = "peermse seal key";
	int			 sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	p = peer_on(sv[0], 5, 1);
	p->crypto = (uint8_t)c->crypto;
	if (c->crypto == PEER_CRYPTO_RC4) {
		/* as peermse leaves it: one allocation, enc then dec */
		assert_non_null(p->enc = malloc(2 * sizeof(*p->enc)));
		rc4_init(&p->enc[0], key, sizeof(key) - 1);
		rc4_init(&p->enc[1], "other", 5);
		p->dec = &p->enc[1];
		ref = p->enc[0];	/* a copy forks the keystream */
	}
	pattern(plain, sizeof(plain), 0x5ea1);
	memcpy(want, plain, sizeof(want));
	if (c->crypto == PEER_CRYPTO_RC4)
		rc4_crypt(&ref, want, want, sizeof(want));
	assert_int_equal(bbuf_put_bytes(&p->out, plain, SEAL_1), BT_OK);
	assert_int_equal(p->out_sealed, 0);
	peer_seal(p);
	assert_int_equal(p->out_sealed, SEAL_1);
	peer_seal(p);		/* nothing new: nothing changes */
	assert_int_equal(p->out_sealed, SEAL_1);
	assert_memory_equal(bbuf_ptr(&p->out), want, SEAL_1);
	assert_int_equal(bbuf_put_bytes(&p->out, plain + SEAL_1, SEAL_2),
	    BT_OK);
	/* the new bytes wait, as queued, for the next seal */
	assert_memory_equal(bbuf_ptr(&p->out) + SEAL_1, plain + SEAL_1,
	    SEAL_2);
	peer_seal(p);
	assert_int_equal(p->out_sealed, sizeof(plain));
	assert_memory_equal(bbuf_ptr(&p->out), want, sizeof(want));
	peer_seal(p);
	assert_memory_equal(bbuf_ptr(&p->out), want, sizeof(want));
	peer_free(p);
	close(sv[1]);
}


/* One named test per table row: a failure says which row. */
static void
add(struct CMUnitTest *t, size_t cap, size_t *n, CMUnitTestFunction fn,
    const char *name, const void *row)
{
	if (*n >= cap)
		abort();	/* the count in main is out of date */
	t[(*n)++] = (struct CMUnitTest){ name, fn, NULL, NULL, (void *)row };
}

int
main(void)
{
	struct CMUnitTest	tests[ARRAY_LEN(hs_cases) +
	    ARRAY_LEN(xfer_cases) + ARRAY_LEN(bad_cases) +
	    ARRAY_LEN(seal_cases) + 6];
	size_t			n = 0, k;

#define ADD(fn, nm, st) \
	add(tests, ARRAY_LEN(tests), &n, (fn), (nm), (st))
	for (k = 0; k < ARRAY_LEN(hs_cases); k++)
		ADD(test_handshake, hs_cases[k].name, &hs_cases[k]);
	for (k = 0; k < ARRAY_LEN(xfer_cases); k++)
		ADD(test_payload, xfer_cases[k].name, &xfer_cases[k]);
	ADD(test_wire_is_encrypted, "wire bytes are not the plaintext", NULL);
	ADD(test_payload_with_step4, "payload read with the end of step 4",
	    NULL);
	ADD(test_unknown_hash, "B: unknown info-hash", NULL);
	for (k = 0; k < ARRAY_LEN(bad_cases); k++)
		ADD(test_bad_peer, bad_cases[k].name, &bad_cases[k]);
	ADD(test_fail_text, "peer_fail_format for MSE failures", NULL);
	ADD(test_feed_without_mse, "feed with no handshake running", NULL);
	ADD(test_plain_answer, "A: a plaintext handshake answers", NULL);
	for (k = 0; k < ARRAY_LEN(seal_cases); k++)
		ADD(test_seal, seal_cases[k].name, &seal_cases[k]);
#undef ADD
	if (n != ARRAY_LEN(tests))
		abort();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

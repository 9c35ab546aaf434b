/*
 * Unit tests for src/engine/mse: the handshake between our two roles in
 * memory (one byte at a time, seeded random chunks, all at once; RC4 and
 * plaintext), exchanges recorded from transmission-cli and aria2c replayed
 * (tests/tools/mse_record.py made them), hostile peers played by hand
 * (their private key is 1, so their public key is 2 and the shared secret
 * is our own public key), and the plaintext sniffing of incoming bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/mse.h"
#include "engine/rc4.h"
#include "engine/rng.h"
#include "engine/sha1.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define BUF_MAX		(1u << 18)
#define CHUNK_ALL	0	/* feed(): everything in one go */
#define CHUNK_RANDOM	((size_t)-1)	/* feed(): 1..700 bytes at a time */

/* The spec's prime, our own copy: the hostile keys are built around it. */
static const uint8_t prime[MSE_KEY_LEN] = {
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xC9, 0x0F, 0xDA, 0xA2,
	0x21, 0x68, 0xC2, 0x34, 0xC4, 0xC6, 0x62, 0x8B, 0x80, 0xDC, 0x1C, 0xD1,
	0x29, 0x02, 0x4E, 0x08, 0x8A, 0x67, 0xCC, 0x74, 0x02, 0x0B, 0xBE, 0xA6,
	0x3B, 0x13, 0x9B, 0x22, 0x51, 0x4A, 0x08, 0x79, 0x8E, 0x34, 0x04, 0xDD,
	0xEF, 0x95, 0x19, 0xB3, 0xCD, 0x3A, 0x43, 0x1B, 0x30, 0x2B, 0x0A, 0x6D,
	0xF2, 0x5F, 0x14, 0x37, 0x4F, 0xE1, 0x35, 0x6D, 0x6D, 0x51, 0xC2, 0x45,
	0xE4, 0x85, 0xB5, 0x76, 0x62, 0x5E, 0x7E, 0xC6, 0xF4, 0x4C, 0x42, 0xE9,
	0xA6, 0x3A, 0x36, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x05, 0x63,
};

static const char bt_prefix[] = "\x13" "BitTorrent protocol";


/* --- helpers ---------------------------------------------------------- */

static uint8_t *
unhex(const char *s, size_t *len_out)
{
	size_t		n = strlen(s) / 2, k;
	uint8_t		*p;
	unsigned	v;

	assert_non_null(p = malloc(n > 0 ? n : 1));
	for (k = 0; k < n; k++) {
		assert_int_equal(sscanf(s + 2 * k, "%2x", &v), 1);
		p[k] = (uint8_t)v;
	}
	*len_out = n;
	return p;
}

static void
hash_of(const char *name, uint8_t out[MSE_HASH_LEN])
{
	sha1_digest(name, strlen(name), out);
}

static void
fill(uint64_t *rng, uint8_t *p, size_t n)
{
	while (n-- > 0)
		*p++ = (uint8_t)rng_next(rng);
}

/* A BitTorrent handshake, as the initiator's IA usually is. */
static void
bt_handshake(const uint8_t info_hash[MSE_HASH_LEN], uint8_t out[68])
{
	memcpy(out, bt_prefix, 20);
	memset(out + 20, 0, 8);
	memcpy(out + 28, info_hash, MSE_HASH_LEN);
	memcpy(out + 48, "-BT0001-testtesttest", 20);
}

/*
 * Appends p[0..n) to `in' in chunks (CHUNK_ALL, 1 for one byte at a time,
 * CHUNK_RANDOM), running the machine after each.  Once it stops waiting,
 * the result must stay the same on every later call, consuming nothing
 * more.  Returns the last result.
 */
static int
feed(struct mse *m, struct bbuf *in, struct bbuf *out, const uint8_t *p,
    size_t n, size_t chunk, uint64_t *rng)
{
	size_t	pos = 0, k, before;
	int	r = BT_ERR_INCOMPLETE, again;

	do {
		k = chunk == CHUNK_ALL ? n - pos : chunk == CHUNK_RANDOM ?
		    1 + rng_below(rng, 700) : chunk;
		if (k > n - pos)
			k = n - pos;
		assert_int_equal(bbuf_put_bytes(in, p + pos, k), BT_OK);
		pos += k;
		before = bbuf_len(in);
		again = mse_feed(m, in, out);
		if (r != BT_ERR_INCOMPLETE) {
			assert_int_equal(again, r);
			assert_int_equal(bbuf_len(in), before);
		}
		r = again;
	} while (pos < n);
	return r;
}

/* The hand-played peer: private key 1, so Y = 2 and S = our public key. */
struct craft {
	uint8_t		s[MSE_KEY_LEN];
	struct rc4	enc, dec;
};

static void
craft_init(struct craft *c, const uint8_t our_pub[MSE_KEY_LEN],
    const uint8_t skey[MSE_HASH_LEN], int crafted_is_a)
{
	uint8_t	buf[4 + MSE_KEY_LEN + MSE_HASH_LEN], ka[20], kb[20];

	memcpy(c->s, our_pub, MSE_KEY_LEN);
	memcpy(buf + 4, c->s, MSE_KEY_LEN);
	memcpy(buf + 4 + MSE_KEY_LEN, skey, MSE_HASH_LEN);
	memcpy(buf, "keyA", 4);
	sha1_digest(buf, sizeof(buf), ka);
	memcpy(buf, "keyB", 4);
	sha1_digest(buf, sizeof(buf), kb);
	rc4_init(&c->enc, crafted_is_a ? ka : kb, 20);
	rc4_init(&c->dec, crafted_is_a ? kb : ka, 20);
	rc4_discard(&c->enc, 1024);
	rc4_discard(&c->dec, 1024);
}

/* HASH(tag, S) */
static void
hash_s(const struct craft *c, const char *tag, uint8_t out[MSE_HASH_LEN])
{
	uint8_t	buf[4 + MSE_KEY_LEN];

	memcpy(buf, tag, 4);
	memcpy(buf + 4, c->s, MSE_KEY_LEN);
	sha1_digest(buf, sizeof(buf), out);
}

static void
put_enc(struct bbuf *b, struct rc4 *enc, const void *p, size_t n)
{
	uint8_t	tmp[1024];
	size_t	k;

	for (k = 0; k < n; k += sizeof(tmp)) {
		size_t	m = n - k < sizeof(tmp) ? n - k : sizeof(tmp);

		if (enc != NULL)
			rc4_crypt(enc, (const uint8_t *)p + k, tmp, m);
		else
			memcpy(tmp, (const uint8_t *)p + k, m);
		assert_int_equal(bbuf_put_bytes(b, tmp, m), BT_OK);
	}
}

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

enum ykind { Y_TWO, Y_ZERO, Y_ONE, Y_PM1, Y_P, Y_FF, Y_RANDOM };

static void
make_y(enum ykind kind, uint8_t y[MSE_KEY_LEN], uint64_t *rng)
{
	memset(y, 0, MSE_KEY_LEN);
	switch (kind) {
	case Y_TWO:
		y[MSE_KEY_LEN - 1] = 2;
		break;
	case Y_ZERO:
		break;
	case Y_ONE:
		y[MSE_KEY_LEN - 1] = 1;
		break;
	case Y_PM1:
		memcpy(y, prime, MSE_KEY_LEN);
		y[MSE_KEY_LEN - 1]--;
		break;
	case Y_P:
		memcpy(y, prime, MSE_KEY_LEN);
		break;
	case Y_FF:
		memset(y, 0xff, MSE_KEY_LEN);
		break;
	case Y_RANDOM:
		fill(rng, y, MSE_KEY_LEN);
		y[0] &= 0x7f;		/* below P: a key that is only wrong */
		break;
	}
}

static const char payload_a[] = "payload from A, after the handshake";
static const char payload_b[] = "payload from B: a BitTorrent handshake?";

/* --- our responder against a hand-played initiator ------------------- */

static const struct rcase {
	const char	*name;
	enum ykind	 ya;
	size_t		 pad_a;
	int		 marker;	/* HASH('req1', S) after PadA */
	int		 known;		/* req2 names a torrent we have */
	int		 vc_ok;
	uint32_t	 provide, allow;
	size_t		 pad_c, ia_len;
	int		 want_r;
	enum mse_fail	 want_fail;
	uint32_t	 want_method;
} rcases[] = {
	{ "both: plaintext", Y_TWO, 30, 1, 1, 1, MSE_RC4 | MSE_PLAINTEXT,
	  MSE_RC4 | MSE_PLAINTEXT, 0, 68, BT_OK, MSE_FAIL_NONE,
	  MSE_PLAINTEXT },
	{ "rc4 required", Y_TWO, 30, 1, 1, 1, MSE_RC4 | MSE_PLAINTEXT,
	  MSE_RC4, 0, 68, BT_OK, MSE_FAIL_NONE, MSE_RC4 },
	{ "plaintext offered", Y_TWO, 0, 1, 1, 1, MSE_PLAINTEXT,
	  MSE_RC4 | MSE_PLAINTEXT, 7, 68, BT_OK, MSE_FAIL_NONE,
	  MSE_PLAINTEXT },
	{ "plaintext allowed", Y_TWO, 3, 1, 1, 1, MSE_RC4 | MSE_PLAINTEXT,
	  MSE_PLAINTEXT, 0, 68, BT_OK, MSE_FAIL_NONE, MSE_PLAINTEXT },
	{ "PadA 512", Y_TWO, 512, 1, 1, 1, MSE_RC4, MSE_RC4, 0, 68, BT_OK,
	  MSE_FAIL_NONE, MSE_RC4 },
	{ "PadA 513", Y_TWO, 513, 1, 1, 1, MSE_RC4, MSE_RC4, 0, 68,
	  BT_ERR_PROTO, MSE_FAIL_NO_SYNC, 0 },
	{ "no marker", Y_TWO, 600, 0, 1, 1, MSE_RC4, MSE_RC4, 0, 68,
	  BT_ERR_PROTO, MSE_FAIL_NO_SYNC, 0 },
	{ "garbage Ya", Y_RANDOM, 20, 1, 1, 1, MSE_RC4, MSE_RC4, 0, 600,
	  BT_ERR_PROTO, MSE_FAIL_NO_SYNC, 0 },
	{ "Ya 0", Y_ZERO, 0, 1, 1, 1, MSE_RC4, MSE_RC4, 0, 68, BT_ERR_PROTO,
	  MSE_FAIL_BAD_KEY, 0 },
	{ "Ya 1", Y_ONE, 0, 1, 1, 1, MSE_RC4, MSE_RC4, 0, 68, BT_ERR_PROTO,
	  MSE_FAIL_BAD_KEY, 0 },
	{ "Ya P-1", Y_PM1, 0, 1, 1, 1, MSE_RC4, MSE_RC4, 0, 68, BT_ERR_PROTO,
	  MSE_FAIL_BAD_KEY, 0 },
	{ "Ya P", Y_P, 0, 1, 1, 1, MSE_RC4, MSE_RC4, 0, 68, BT_ERR_PROTO,
	  MSE_FAIL_BAD_KEY, 0 },
	{ "Ya all ff", Y_FF, 0, 1, 1, 1, MSE_RC4, MSE_RC4, 0, 68, BT_ERR_PROTO,
	  MSE_FAIL_BAD_KEY, 0 },
	{ "unknown info-hash", Y_TWO, 9, 1, 0, 1, MSE_RC4, MSE_RC4, 0, 68,
	  BT_ERR_NOTFOUND, MSE_FAIL_UNKNOWN_HASH, 0 },
	{ "bad VC", Y_TWO, 9, 1, 1, 0, MSE_RC4, MSE_RC4, 0, 68, BT_ERR_PROTO,
	  MSE_FAIL_BAD_VC, 0 },
	{ "PadC 512", Y_TWO, 9, 1, 1, 1, MSE_RC4, MSE_RC4, 512, 68, BT_OK,
	  MSE_FAIL_NONE, MSE_RC4 },
	{ "PadC 513", Y_TWO, 9, 1, 1, 1, MSE_RC4, MSE_RC4, 513, 68,
	  BT_ERR_PROTO, MSE_FAIL_PAD_LONG, 0 },
	{ "PadC 600", Y_TWO, 9, 1, 1, 1, MSE_RC4, MSE_RC4, 600, 68,
	  BT_ERR_PROTO, MSE_FAIL_PAD_LONG, 0 },
	{ "provide nothing", Y_TWO, 9, 1, 1, 1, 0, MSE_RC4 | MSE_PLAINTEXT,
	  0, 68, BT_ERR_PROTO, MSE_FAIL_NO_METHOD, 0 },
	{ "provide unknown bits", Y_TWO, 9, 1, 1, 1, 0xfffffffc,
	  MSE_RC4 | MSE_PLAINTEXT, 0, 68, BT_ERR_PROTO, MSE_FAIL_NO_METHOD, 0 },
	{ "plaintext refused", Y_TWO, 9, 1, 1, 1, MSE_PLAINTEXT, MSE_RC4, 0,
	  68, BT_ERR_PROTO, MSE_FAIL_NO_METHOD, 0 },
	{ "rc4 refused", Y_TWO, 9, 1, 1, 1, MSE_RC4, MSE_PLAINTEXT, 0,
	  68, BT_ERR_PROTO, MSE_FAIL_NO_METHOD, 0 },
	{ "IA empty", Y_TWO, 9, 1, 1, 1, MSE_RC4, MSE_RC4, 0, 0, BT_OK,
	  MSE_FAIL_NONE, MSE_RC4 },
	{ "IA 65535", Y_TWO, 9, 1, 1, 1, MSE_RC4, MSE_RC4, 0, 65535, BT_OK,
	  MSE_FAIL_NONE, MSE_RC4 },
};

struct outcome {
	int		r;
	enum mse_fail	why;
	uint32_t	method;
	uint8_t		reply[MSE_VC_LEN + 6];	/* B's step 4, decrypted */
	size_t		consumed;		/* of the crafted stream */
};

static uint8_t	known_hashes[2][MSE_HASH_LEN];

static void
list_init(struct mse_hashlist *l)
{
	hash_of("some other torrent", known_hashes[0]);
	hash_of("the torrent", known_hashes[1]);
	l->hashes = (const uint8_t (*)[MSE_HASH_LEN])known_hashes;
	l->n = 2;
}

/* A's steps 1 and 3 as rc says, S being the responder's public key. */
static void
craft_a(const struct rcase *rc, struct craft *c, const uint8_t skey[20],
    uint64_t *rng, struct bbuf *b, uint8_t *ia)
{
	uint8_t	h[MSE_HASH_LEN], h3[MSE_HASH_LEN], head[16], pad[1024];
	uint8_t	other[MSE_HASH_LEN];
	size_t	k;

	fill(rng, pad, rc->pad_a);
	assert_int_equal(bbuf_put_bytes(b, pad, rc->pad_a), BT_OK);
	if (!rc->marker)
		return;
	hash_s(c, "req1", h);
	assert_int_equal(bbuf_put_bytes(b, h, sizeof(h)), BT_OK);
	hash_of("not ours", other);
	mse_req2_hash(rc->known ? skey : other, h);
	hash_s(c, "req3", h3);
	for (k = 0; k < MSE_HASH_LEN; k++)
		h[k] ^= h3[k];
	assert_int_equal(bbuf_put_bytes(b, h, sizeof(h)), BT_OK);
	memset(head, 0, sizeof(head));
	if (!rc->vc_ok)
		head[7] = 1;
	put_u32(head + 8, rc->provide);
	head[12] = (uint8_t)(rc->pad_c >> 8);
	head[13] = (uint8_t)rc->pad_c;
	put_enc(b, &c->enc, head, 14);
	memset(pad, 0, sizeof(pad));
	put_enc(b, &c->enc, pad, rc->pad_c);
	head[0] = (uint8_t)(rc->ia_len >> 8);
	head[1] = (uint8_t)rc->ia_len;
	put_enc(b, &c->enc, head, 2);
	fill(rng, ia, rc->ia_len);
	if (rc->ia_len >= 68)
		bt_handshake(skey, ia);
	put_enc(b, &c->enc, ia, rc->ia_len);
	put_enc(b, rc->want_method == MSE_RC4 ? &c->enc : NULL, payload_a,
	    sizeof(payload_a));
}

static void
run_rcase(const struct rcase *rc, size_t chunk, struct outcome *o)
{
	struct mse_hashlist	 list;
	struct mse_result	 res;
	struct craft		 c;
	struct mse		*m;
	struct bbuf		 in, out, stream;
	uint64_t		 seed = 0x5e5e, rng = 0xc0ffee, crng = 7;
	uint8_t			 y[MSE_KEY_LEN], got[sizeof(payload_a)];
	uint8_t			*ia;
	size_t			 before;

	memset(o, 0, sizeof(*o));
	list_init(&list);
	assert_non_null(ia = malloc(65536));
	assert_non_null(m = mse_new_responder(rc->allow, mse_find_in_list,
	    &list, &seed));
	bbuf_init(&in, BUF_MAX);
	bbuf_init(&out, BUF_MAX);
	bbuf_init(&stream, BUF_MAX);
	make_y(rc->ya, y, &rng);
	o->r = feed(m, &in, &out, y, sizeof(y), chunk, &crng);
	if (o->r != BT_ERR_INCOMPLETE)
		goto out;
	/* Yb and PadB came back at once; S is Yb for a peer with key 1 */
	assert_true(bbuf_len(&out) >= MSE_KEY_LEN &&
	    bbuf_len(&out) <= MSE_KEY_LEN + MSE_PAD_MAX);
	craft_init(&c, bbuf_ptr(&out), known_hashes[1], 1);
	assert_int_equal(bbuf_consume(&out, bbuf_len(&out)), BT_OK);
	craft_a(rc, &c, known_hashes[1], &rng, &stream, ia);
	o->r = feed(m, &in, &out, bbuf_ptr(&stream), bbuf_len(&stream),
	    chunk, &crng);
	o->consumed = bbuf_len(&stream) - bbuf_len(&in);
	if (bbuf_len(&out) == sizeof(o->reply)) {
		rc4_crypt(&c.dec, bbuf_ptr(&out), o->reply, sizeof(o->reply));
	} else
		assert_int_equal(bbuf_len(&out), 0);
	if (o->r != BT_OK) {
		assert_int_equal(mse_get_result(m, &res), BT_ERR_INVALID);
		goto out;
	}
	assert_int_equal(mse_get_result(m, &res), BT_OK);
	o->method = res.method;
	assert_memory_equal(res.info_hash, known_hashes[1], MSE_HASH_LEN);
	assert_int_equal(res.ia_len, rc->ia_len);
	if (rc->ia_len > 0)
		assert_memory_equal(res.ia, ia, rc->ia_len);
	/* what followed IA is left, in the stream the method says */
	before = bbuf_len(&in);
	assert_int_equal(before, sizeof(payload_a));
	assert_int_equal(bbuf_get_bytes(&in, got, sizeof(got)), BT_OK);
	if (res.method == MSE_RC4)
		rc4_crypt(&res.dec, got, got, sizeof(got));
	assert_memory_equal(got, payload_a, sizeof(payload_a));
out:
	o->why = mse_failure(m);
	mse_free(m);
	bbuf_cleanup(&in);
	bbuf_cleanup(&out);
	bbuf_cleanup(&stream);
	free(ia);
}

/* Each case all at once, a byte at a time and in random chunks: the same
 * outcome every way. */
static void
test_responder_cases(void **state)
{
	static const size_t	 chunks[] = { CHUNK_ALL, 1, CHUNK_RANDOM };
	struct outcome		 o[3];
	uint8_t			 want_reply[MSE_VC_LEN + 6];
	size_t			 i, k;

	(void)state;
	for (i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++) {
		const struct rcase	*rc = &rcases[i];

		for (k = 0; k < 3; k++) {
			run_rcase(rc, chunks[k], &o[k]);
			if (o[k].r != rc->want_r || o[k].why != rc->want_fail)
				fail_msg("%s (chunk %zu): got %d (%s), want %d "
				    "(%s)", rc->name, chunks[k], o[k].r,
				    mse_strfail(o[k].why), rc->want_r,
				    mse_strfail(rc->want_fail));
			assert_int_equal(o[k].method, rc->want_method);
			assert_int_equal(o[k].consumed, o[0].consumed);
		}
		if (rc->want_r != BT_OK)
			continue;
		/* step 4: VC, crypto_select, len(PadD) = 0 */
		memset(want_reply, 0, sizeof(want_reply));
		put_u32(want_reply + MSE_VC_LEN, rc->want_method);
		assert_memory_equal(o[0].reply, want_reply, sizeof(want_reply));
	}
}

/* --- our initiator against a hand-played responder ------------------- */

static const struct icase {
	const char	*name;
	enum ykind	 yb;
	size_t		 pad_b;
	int		 marker;	/* ENCRYPT(VC) after PadB */
	uint32_t	 provide;	/* what we offer */
	uint32_t	 select;	/* what the peer answers */
	size_t		 pad_d;
	int		 want_r;
	enum mse_fail	 want_fail;
} icases[] = {
	{ "rc4", Y_TWO, 100, 1, MSE_RC4 | MSE_PLAINTEXT, MSE_RC4, 0, BT_OK,
	  MSE_FAIL_NONE },
	{ "plaintext", Y_TWO, 0, 1, MSE_RC4 | MSE_PLAINTEXT, MSE_PLAINTEXT,
	  5, BT_OK, MSE_FAIL_NONE },
	{ "PadB 512", Y_TWO, 512, 1, MSE_RC4, MSE_RC4, 0, BT_OK,
	  MSE_FAIL_NONE },
	{ "PadB 513", Y_TWO, 513, 1, MSE_RC4, MSE_RC4, 0, BT_ERR_PROTO,
	  MSE_FAIL_NO_SYNC },
	{ "no marker", Y_TWO, 600, 0, MSE_RC4, MSE_RC4, 0, BT_ERR_PROTO,
	  MSE_FAIL_NO_SYNC },
	{ "garbage Yb", Y_RANDOM, 500, 1, MSE_RC4, MSE_RC4, 0, BT_ERR_PROTO,
	  MSE_FAIL_NO_SYNC },
	{ "Yb 0", Y_ZERO, 0, 1, MSE_RC4, MSE_RC4, 0, BT_ERR_PROTO,
	  MSE_FAIL_BAD_KEY },
	{ "Yb P-1", Y_PM1, 0, 1, MSE_RC4, MSE_RC4, 0, BT_ERR_PROTO,
	  MSE_FAIL_BAD_KEY },
	{ "Yb all ff", Y_FF, 0, 1, MSE_RC4, MSE_RC4, 0, BT_ERR_PROTO,
	  MSE_FAIL_BAD_KEY },
	{ "select 0", Y_TWO, 10, 1, MSE_RC4 | MSE_PLAINTEXT, 0, 0,
	  BT_ERR_PROTO, MSE_FAIL_BAD_SELECT },
	{ "select both", Y_TWO, 10, 1, MSE_RC4 | MSE_PLAINTEXT,
	  MSE_RC4 | MSE_PLAINTEXT, 0, BT_ERR_PROTO, MSE_FAIL_BAD_SELECT },
	{ "select not offered", Y_TWO, 10, 1, MSE_RC4, MSE_PLAINTEXT, 0,
	  BT_ERR_PROTO, MSE_FAIL_BAD_SELECT },
	{ "select unknown", Y_TWO, 10, 1, MSE_RC4 | MSE_PLAINTEXT, 0x04, 0,
	  BT_ERR_PROTO, MSE_FAIL_BAD_SELECT },
	{ "select high bit", Y_TWO, 10, 1, MSE_RC4, 0x80000000, 0,
	  BT_ERR_PROTO, MSE_FAIL_BAD_SELECT },
	{ "PadD 512", Y_TWO, 10, 1, MSE_RC4, MSE_RC4, 512, BT_OK,
	  MSE_FAIL_NONE },
	{ "PadD 600", Y_TWO, 10, 1, MSE_RC4, MSE_RC4, 600, BT_ERR_PROTO,
	  MSE_FAIL_PAD_LONG },
	{ "PadD 65535", Y_TWO, 10, 1, MSE_RC4, MSE_RC4, 65535, BT_ERR_PROTO,
	  MSE_FAIL_PAD_LONG },
};

/* Checks our step 3 with the peer's own arithmetic: req1, req2^req3 for
 * skey, then ENCRYPT(VC, provide, len(PadC) = 0, len(IA), IA). */
static void
check_step3(struct craft *c, const struct bbuf *out, uint32_t provide,
    const uint8_t skey[20], const uint8_t *ia, size_t ia_len)
{
	const uint8_t	*p = bbuf_ptr(out);
	uint8_t		 h[MSE_HASH_LEN], h3[MSE_HASH_LEN], head[16], want[16];
	uint8_t		*got_ia;
	size_t		 k;

	assert_int_equal(bbuf_len(out), 40 + 16 + ia_len);
	hash_s(c, "req1", h);
	assert_memory_equal(p, h, MSE_HASH_LEN);
	mse_req2_hash(skey, h);
	hash_s(c, "req3", h3);
	for (k = 0; k < MSE_HASH_LEN; k++)
		h[k] ^= h3[k];
	assert_memory_equal(p + 20, h, MSE_HASH_LEN);
	rc4_crypt(&c->dec, p + 40, head, 16);
	memset(want, 0, sizeof(want));
	put_u32(want + 8, provide);
	want[14] = (uint8_t)(ia_len >> 8);
	want[15] = (uint8_t)ia_len;
	assert_memory_equal(head, want, 16);
	assert_non_null(got_ia = malloc(ia_len + 1));
	rc4_crypt(&c->dec, p + 56, got_ia, ia_len);
	if (ia_len > 0)
		assert_memory_equal(got_ia, ia, ia_len);
	free(got_ia);
}

static void
run_icase(const struct icase *ic, size_t chunk, struct outcome *o)
{
	struct mse_result	 res;
	struct craft		 c;
	struct mse		*m;
	struct bbuf		 in, out, stream;
	uint64_t		 seed = 0xa11ce, rng = 0xbeef, crng = 11;
	uint8_t			 skey[MSE_HASH_LEN], ia[68], pad[1024];
	uint8_t			 y[MSE_KEY_LEN], head[6];
	uint8_t			 got[sizeof(payload_b)];
	size_t			 after_y;

	memset(o, 0, sizeof(*o));
	hash_of("the torrent", skey);
	bt_handshake(skey, ia);
	assert_non_null(m = mse_new_initiator(skey, ic->provide, ia,
	    sizeof(ia), &seed));
	bbuf_init(&in, BUF_MAX);
	bbuf_init(&out, BUF_MAX);
	bbuf_init(&stream, BUF_MAX);
	/* step 1: Ya and PadA, before any input */
	assert_int_equal(mse_feed(m, &in, &out), BT_ERR_INCOMPLETE);
	assert_true(bbuf_len(&out) >= MSE_KEY_LEN &&
	    bbuf_len(&out) <= MSE_KEY_LEN + MSE_PAD_MAX);
	craft_init(&c, bbuf_ptr(&out), skey, 0);
	assert_int_equal(bbuf_consume(&out, bbuf_len(&out)), BT_OK);
	/* step 2: Yb, PadB */
	make_y(ic->yb, y, &rng);
	assert_int_equal(bbuf_put_bytes(&stream, y, sizeof(y)), BT_OK);
	fill(&rng, pad, ic->pad_b);
	assert_int_equal(bbuf_put_bytes(&stream, pad, ic->pad_b), BT_OK);
	after_y = bbuf_len(&stream);
	/* step 4: ENCRYPT(VC, crypto_select, len(PadD), PadD), payload */
	if (ic->marker) {
		memset(pad, 0, sizeof(pad));
		put_enc(&stream, &c.enc, pad, MSE_VC_LEN);
		put_u32(head, ic->select);
		head[4] = (uint8_t)(ic->pad_d >> 8);
		head[5] = (uint8_t)ic->pad_d;
		put_enc(&stream, &c.enc, head, sizeof(head));
		fill(&rng, pad, sizeof(pad));
		put_enc(&stream, &c.enc, pad, ic->pad_d < 1024 ? ic->pad_d :
		    1024);
		put_enc(&stream, ic->select == MSE_RC4 ? &c.enc : NULL,
		    payload_b, sizeof(payload_b));
	}
	/* Yb first, alone: step 3 must follow it at once */
	o->r = feed(m, &in, &out, bbuf_ptr(&stream), MSE_KEY_LEN, chunk,
	    &crng);
	if (o->r != BT_ERR_INCOMPLETE)
		goto out;
	if (ic->yb == Y_TWO)
		check_step3(&c, &out, ic->provide, skey, ia, sizeof(ia));
	o->r = feed(m, &in, &out, bbuf_ptr(&stream) + MSE_KEY_LEN,
	    bbuf_len(&stream) - MSE_KEY_LEN, chunk, &crng);
	o->consumed = bbuf_len(&stream) - bbuf_len(&in);
	if (o->r != BT_OK) {
		assert_int_equal(mse_get_result(m, &res), BT_ERR_INVALID);
		goto out;
	}
	assert_int_equal(mse_get_result(m, &res), BT_OK);
	o->method = res.method;
	assert_memory_equal(res.info_hash, skey, MSE_HASH_LEN);
	assert_null(res.ia);
	assert_int_equal(res.ia_len, 0);
	assert_int_equal(o->consumed, after_y + 14 + ic->pad_d);
	assert_int_equal(bbuf_get_bytes(&in, got, sizeof(got)), BT_OK);
	if (res.method == MSE_RC4)
		rc4_crypt(&res.dec, got, got, sizeof(got));
	assert_memory_equal(got, payload_b, sizeof(payload_b));
	/* what we send next goes on in A's stream */
	put_enc(&out, res.method == MSE_RC4 ? &res.enc : NULL, payload_a,
	    sizeof(payload_a));
	rc4_crypt(&c.dec, bbuf_ptr(&out) + bbuf_len(&out) - sizeof(payload_a),
	    got, sizeof(payload_a));
	if (res.method == MSE_RC4)
		assert_memory_equal(got, payload_a, sizeof(payload_a));
out:
	o->why = mse_failure(m);
	mse_free(m);
	bbuf_cleanup(&in);
	bbuf_cleanup(&out);
	bbuf_cleanup(&stream);
}

static void
test_initiator_cases(void **state)
{
	static const size_t	chunks[] = { CHUNK_ALL, 1, CHUNK_RANDOM };
	struct outcome		o[3];
	size_t			i, k;

	(void)state;
	for (i = 0; i < sizeof(icases) / sizeof(icases[0]); i++) {
		const struct icase	*ic = &icases[i];

		for (k = 0; k < 3; k++) {
			run_icase(ic, chunks[k], &o[k]);
			if (o[k].r != ic->want_r || o[k].why != ic->want_fail)
				fail_msg("%s (chunk %zu): got %d (%s), want %d "
				    "(%s)", ic->name, chunks[k], o[k].r,
				    mse_strfail(o[k].why), ic->want_r,
				    mse_strfail(ic->want_fail));
			assert_int_equal(o[k].consumed, o[0].consumed);
			if (ic->want_r == BT_OK)
				assert_int_equal(o[k].method, ic->select);
		}
	}
}

/* --- our two roles together ------------------------------------------ */

/* Moves up to n bytes (all: CHUNK_ALL) from one side's output to the
 * other's input, then runs the other side. */
static int
pass(struct mse *to, struct bbuf *from_out, struct bbuf *to_in,
    struct bbuf *to_out, size_t n)
{
	if (n == CHUNK_ALL || n > bbuf_len(from_out))
		n = bbuf_len(from_out);
	if (n > 0) {
		assert_int_equal(bbuf_put_bytes(to_in, bbuf_ptr(from_out), n),
		    BT_OK);
		assert_int_equal(bbuf_consume(from_out, n), BT_OK);
	}
	return mse_feed(to, to_in, to_out);
}

/* Sends the payload after a side is done, in the method's stream. */
static void
send_payload(struct mse *m, struct bbuf *out, const char *p, size_t n,
    struct mse_result *res)
{
	assert_int_equal(mse_get_result(m, res), BT_OK);
	put_enc(out, res->method == MSE_RC4 ? &res->enc : NULL, p, n);
}

static void
check_payload(struct bbuf *in, struct mse_result *res, const char *want,
    size_t n)
{
	uint8_t	got[64];

	assert_int_equal(bbuf_len(in), n);
	assert_int_equal(bbuf_get_bytes(in, got, n), BT_OK);
	if (res->method == MSE_RC4)
		rc4_crypt(&res->dec, got, got, n);
	assert_memory_equal(got, want, n);
}

/* One handshake, bytes moved `chunk' at a time (CHUNK_RANDOM: 1..700);
 * each side sends a payload as soon as it is done, so payload bytes travel
 * with the handshake's last ones. */
static uint32_t
roundtrip(uint32_t provide, uint32_t allow, size_t ia_len, size_t chunk,
    uint64_t seed, int seeded)
{
	struct mse_hashlist	 list;
	struct mse_result	 ra, rb;
	struct mse		*a, *b;
	struct bbuf		 a_in, a_out, b_in, b_out;
	uint64_t		 rng = seed, sa = seed * 2 + 1, sb = seed * 2;
	uint8_t			*ia;
	int			 xa, xb, done_a = 0, done_b = 0, turns = 0;
	size_t			 n;

	memset(&ra, 0, sizeof(ra));
	memset(&rb, 0, sizeof(rb));
	list_init(&list);
	assert_non_null(ia = malloc(ia_len + 1));
	fill(&rng, ia, ia_len);
	assert_non_null(a = mse_new_initiator(known_hashes[1], provide, ia,
	    ia_len, seeded ? &sa : NULL));
	assert_non_null(b = mse_new_responder(allow, mse_find_in_list, &list,
	    seeded ? &sb : NULL));
	bbuf_init(&a_in, BUF_MAX);
	bbuf_init(&a_out, BUF_MAX);
	bbuf_init(&b_in, BUF_MAX);
	bbuf_init(&b_out, BUF_MAX);
	xa = mse_feed(a, &a_in, &a_out);
	xb = BT_ERR_INCOMPLETE;
	while (bbuf_len(&a_out) > 0 || bbuf_len(&b_out) > 0) {
		assert_true(++turns < 1000000);
		n = chunk == CHUNK_RANDOM ? 1 + rng_below(&rng, 700) : chunk;
		xb = pass(b, &a_out, &b_in, &b_out, n);
		if (xb == BT_OK && !done_b) {
			done_b = 1;
			send_payload(b, &b_out, payload_b, sizeof(payload_b),
			    &rb);
		}
		n = chunk == CHUNK_RANDOM ? 1 + rng_below(&rng, 700) : chunk;
		xa = pass(a, &b_out, &a_in, &a_out, n);
		if (xa == BT_OK && !done_a) {
			done_a = 1;
			send_payload(a, &a_out, payload_a, sizeof(payload_a),
			    &ra);
		}
		if (xa != BT_OK && xa != BT_ERR_INCOMPLETE)
			break;
		if (xb != BT_OK && xb != BT_ERR_INCOMPLETE)
			break;
	}
	if (xa == BT_OK && xb == BT_OK) {
		assert_int_equal(ra.method, rb.method);
		assert_memory_equal(ra.info_hash, known_hashes[1], 20);
		assert_memory_equal(rb.info_hash, known_hashes[1], 20);
		assert_int_equal(rb.ia_len, ia_len);
		if (ia_len > 0)
			assert_memory_equal(rb.ia, ia, ia_len);
		check_payload(&a_in, &ra, payload_b, sizeof(payload_b));
		check_payload(&b_in, &rb, payload_a, sizeof(payload_a));
	} else {
		/* the only way to fail here: no method in common */
		assert_int_equal(xb, BT_ERR_PROTO);
		assert_int_equal(mse_failure(b), MSE_FAIL_NO_METHOD);
		assert_int_equal(xa, BT_ERR_INCOMPLETE);
		ra.method = 0;
	}
	mse_free(a);
	mse_free(b);
	bbuf_cleanup(&a_in);
	bbuf_cleanup(&a_out);
	bbuf_cleanup(&b_in);
	bbuf_cleanup(&b_out);
	free(ia);
	return ra.method;
}

static void
test_roundtrip(void **state)
{
	static const struct {
		uint32_t	provide, allow, want;
	} combos[] = {
		{ MSE_RC4 | MSE_PLAINTEXT, MSE_RC4 | MSE_PLAINTEXT,
		  MSE_PLAINTEXT },
		{ MSE_RC4, MSE_RC4 | MSE_PLAINTEXT, MSE_RC4 },
		{ MSE_RC4, MSE_RC4, MSE_RC4 },
		{ MSE_PLAINTEXT, MSE_RC4 | MSE_PLAINTEXT, MSE_PLAINTEXT },
		{ MSE_RC4 | MSE_PLAINTEXT, MSE_PLAINTEXT, MSE_PLAINTEXT },
		{ MSE_PLAINTEXT, MSE_RC4, 0 },
		{ MSE_RC4, MSE_PLAINTEXT, 0 },
	};
	static const size_t	ia_lens[] = { 68, 0, 1, 1000, MSE_IA_MAX };
	static const size_t	chunks[] = { 1, CHUNK_RANDOM, CHUNK_ALL };
	const uint64_t		base = 0x3a5e;
	size_t			c, i, k, round;

	(void)state;
	printf("roundtrip seed base %#llx\n", (unsigned long long)base);
	for (c = 0; c < sizeof(combos) / sizeof(combos[0]); c++)
		for (i = 0; i < sizeof(ia_lens) / sizeof(ia_lens[0]); i++)
			for (k = 0; k < 3; k++)
				assert_int_equal(roundtrip(combos[c].provide,
				    combos[c].allow, ia_lens[i], chunks[k],
				    base + c * 100 + i * 10 + k, 1),
				    combos[c].want);
	/* many keys and pads, random chunks */
	for (round = 0; round < 200; round++)
		assert_int_equal(roundtrip(MSE_RC4 | MSE_PLAINTEXT, MSE_RC4,
		    68, CHUNK_RANDOM, base + 1000 + round, 1), MSE_RC4);
	/* keys and pads from RAND_bytes, as the engine runs it */
	assert_int_equal(roundtrip(MSE_RC4, MSE_RC4, 68, CHUNK_RANDOM, base,
	    0), MSE_RC4);
}

/* --- exchanges recorded from real clients ----------------------------- */

/*
 * tests/tools/mse_record.py talked to each client on 127.0.0.1, with a
 * private key from the seed as mse.h derives it.  `sent' is what the
 * recorder sent (its pad was 37 bytes as initiator, 53 as responder), `got'
 * what the client sent, up to the end of the client's BitTorrent
 * handshake.  Our machine with the same seed must make the same key, accept
 * the client's bytes fed one at a time, and send what the recorder sent
 * (pads aside).
 */
/* transmission-cli 3.00 seeding with -er, dialled by the recorder (seed
 * 0x6d7365): PadB 492 bytes, PadD empty, select RC4, then its handshake. */
static const char tr_resp_sent[] =
	"89e2888a1877bfa9fc0b31e06b66f1e9afdd3a3c9eef4077762ea5734dcfcb5b"
	"976ec94fede229c7686dff104c2b379f5d6282bc4a369aeec84eb4f526656901"
	"125fd276492e1e6d0b82cbb5b82cfbb7e2a78e267a13952ddf53541838fb305e"
	"ac508778af4a15f43571a033b5ca4d0c6b9a9504ac5fedb59d76270787e25f57"
	"cccd601fffee8403cce7af4804a7843b4376eb83f66797b433f48f348c426ac7"
	"5acefa6a5d3c77ad5333b805cc9b464e157138ae48ae192285c66267ac561808"
	"cd4831ae2ba996ddad17b40112a738cfc2beff89ae26e46ec650190f8141493e"
	"98d9cf081d15118a2bf885ab15993e88ad93eb3a0fc546c0befafeac9c899c18"
	"a9";
static const char tr_resp_got[] =
	"7d5be4f651e0294ab7e49cf8c025f673d5f9129ba450c5b6006c91c831474cd2"
	"93c61270faac7863956a88085f0a694bff63fe3044296df51274f797b3793add"
	"d67df219b9792778737fc6f8457316c5d3add1425ebb73f25ee1ae4feff83ccc"
	"4f2620c5cdd401e2ca567491d7cc63c87e2fefe133f109ef7f5da7b3b1b3dbd9"
	"2b5b114f62e6d91c55e146cf42d3207b0796545d10f9ef785d279d7029a6f265"
	"60922489f2c067635de0c99f6ec6bed07aff2488cdc948da246dfe94291f7e61"
	"d3ac7ff17ed797743e4ac2cf726a41c2a0c984bfd59efb315b9bc2da63e924be"
	"81851e96f93ed10fc2ab571e22e125b911a8032b184183efd46d53bdd6664355"
	"7f4b8b98bef87712ca516a0cfc8578a228aed42a92385d329f2034a3f5ee57b4"
	"47565d15ffddf78c5177525156052bd949adaaf567b487b1d9ffd2f3918c996e"
	"f6554fd3526cebe6cfe44283fb608dab0b49d9a32a9601fd9c0278cd5aee434f"
	"8bc0847a4ce48b35ed2f0b2845a4f2cb210da2cf534981ff890bb655a48302c3"
	"00cb7435fa350c2ca86f59ccba0f7a6ff4ab30877edfcfe411ad395534324e61"
	"b16bb79569f0bb16e406b7c0cc96a7e25edb9e8a8b15903fe8b98ed7e720a4e1"
	"97fb342fc0dc964c46b6e63508b9eed319407fd7753a9bf1fd4f012d01adbbbc"
	"ea6a0a3e672c33503ad50d69290bed762f011482b96fcb43c02245e424764fdc"
	"49c16cf57c2331cc22c8220ec5326a572fc2614a621c7c33beabed69ce0fb743"
	"58cc7b5a495e601e2df3bf96e956d3746d4448cb3714ea3fe5fa93334cd2894c"
	"d29da64be68e329b247f9001f5676728e49e25af20f23754000c7842d8f5d603"
	"1b5cdc1467d566f9b4165e722cf5ef6f9cd402b8a35340e7d61cdd514c0ccf41"
	"19f294af0c5836e1309afbab24ed89f5dc6d5f26eb743eceae42fefdd03d";

/* aria2c 1.36 seeding with --bt-require-crypto=true, dialled by the
 * recorder (seed 0x617269): PadB 353 bytes, PadD 382 bytes, select RC4. */
static const char aria_resp_sent[] =
	"19c7db1862c2c5b1f6b1edf39b88708e26a331fe3b608c27380d4b6821ef07b3"
	"02a3ed1d63c7947aabdb7c0b610df69831507023cb55755eced3c1d46d87a488"
	"187dd26ef301605b0308c14328bd1f236f990e576124361c9e579723d8193079"
	"ca951d1702fd4fed875ef0bafc2cf89364054c5e13f3a20ca4cf5fd53b13ba2e"
	"2bcc1c691bfd88ced7fc6cddd3beaac50e214b138fba9f6fc2bcddd87e529486"
	"c88762945f3595c8866936c0477e910881ed1b11ffddf958641f669d76f17c7c"
	"78f034abbb5346367f0b183cda7970fbd08f966695d142b671f6510baea5f7d2"
	"48a897429382f6e80dd4b7b148de8c7003f0ee1bd53f6aadc94e1c19b2c0565c"
	"cd";
static const char aria_resp_got[] =
	"08ef124cc836414d2796cd10f50dd59cbf7c408eccd7bf5bc8b473a3598ceb46"
	"c7c0405d1011ce84a727970b3a023a8f3ecd7b1fb3196145dc4d0ca88185ac56"
	"af74084514af934cb8833db56f27b0657a849a855933365b5335cef584e471bf"
	"bad45d069232a6030cb0afa88f8902860c3355caf41302abfa7285ce6af0b33e"
	"97f2deddb5815050d862a695b9d0f0099b90a5aed03e8151fe72533882786356"
	"ba207a18b84b1642fca2349109834ae69e6d8ad261ac19d9effc093344b3e200"
	"2cd15889ffd7196090f5f264dd657594f412af4f2a3b5d5ba33868083441d0c1"
	"a3c4ed7e37974bce02f89755c350cbb7bc9f588a3e3141dd57f87d8d450fd144"
	"6f733eefee1311c77e65cfc36e6f3c4ff47880910d4484cba7b87b02d8bc7c3e"
	"fbc08ac5255b9d776402755b8caac811429569b955ec37ebe591cd8d84bbaf2f"
	"8cb071df6581c7d645b06038b40602822ce91e2e19bb8998a327e19276c3253e"
	"f622e2d177313dd877ea97ef11e0b1e7a0930e707e5c2ae51e1c05c204030ba8"
	"eee1ff86fa2c70b610603572c136f24bfcf4cf001542f01cd4b61207471fe86e"
	"95ddacda5fa88332897fe8f11d05f5b1bf4d12af19e57d8d459039f73071a1bb"
	"4f200b473aa186ad45d90f3faafef446668aff6fc7ec28f284cb5fd2eccac8b7"
	"17f2923ab0607bcce0450f9e6db9c309074e861187a7cc17c4eef69b31d32994"
	"e61deb8d6d418d65088dfa24bc6db3c276cb49527807f3f2417cd0ede5e45c8b"
	"b495df14fec88276d8c2a6910a88120f41d560d3e18e4bc0cc10f87c827e10e2"
	"2ab0c84a3a58f84ba4d4e2341ea6804f29d5579a1eb35e89e78de27651442f9f"
	"622634bd6b3cf4a905109b6e7e424d5fe0f52e024abf81de7da70c127bdd705e"
	"01209e89d3cd7c0fb6d13198f185965e8daef60a05ed2035fd63c15646903f2a"
	"7f6efff87a803c7bff915eccfcd8f8e6b2e6a6f93f9517b857313ccc8f29d34f"
	"f1018a11659e2c374c48e25129767b1349d8ed351170d6542e2c618bfd34cec6"
	"11db898f64ab0d36c9b0ed1613a40512bd4ac9d557eb0d735921b667e0952624"
	"d91ef4da34ecb60daf3d69a6ad3d05761971b5a1df19cf6aa6b60228182dc767"
	"fc5f7be1686d81f30cb2867c2bd2afb2350dd37467e67b004b8bee93157057bc"
	"b11859656890b7c8058f2361461d5bbc091161a5b9d4c4d35b77b63783e4c951"
	"5467f891b0b7d27672e3e3199b25b794845c6ccc5ea16db1815f6a3bff1a132d"
	"2c475146f3b92156f396e4d0037dae9bbb";

/* aria2c 1.36 with --bt-require-crypto=true dialling the recorder (seed
 * 0x617261): PadA 76 bytes, PadC 314 bytes, provide RC4, IA empty: its
 * handshake follows our crypto_select in the RC4 stream. */
static const char aria_init_sent[] =
	"abbcf716c3bb11e8d97dfdfc46c829cf929f107afbbd7dd3b3772ba357d259fc"
	"3975abf2ea5c749a8bfb04680cad28973c6716ffd2bb5752a5f2258f48bbf1ef"
	"83a04a428f9a9a1808220a25c234abda80fe5c1fbf720c5efaf6573ff71ba1cd"
	"717880139dcec675896892e20bf809e9b43d637a1157a13ab16920cae66adb4c"
	"aafa17ca2e7f319a021fb0bd63f3371f5284eb91021d40934c188a898500ffe0"
	"f7dc584d4b445e6206b0c1114c85c1ab0157bd5720419ffc70782cab82ffc277"
	"ce5a93d72a168a15245862f414a4b45c4039b87678afdedaec829df8dd2906d7"
	"75bd03007ca570";
static const char aria_init_got[] =
	"35ab780d829f23cf3eceadd153d8aedcdc08794b5abc7d278459ea9eff110245"
	"d25637d7854bda6064afdcc90f0492b753c093f52eec50fef137be54f9ecc5aa"
	"fdb820a37bb1152850a8a843c1bc765910ddbcd70c8e058a7fd82a5a1c9cfced"
	"c3e4f68e2d7e95f5f943d935b5081a01c0499f4f1b402d579d4a0b1fb98bdaa3"
	"fb8821ebda9075a75be5cb952182b19a7ec5ab371f2f0c579735ffcd54b9549d"
	"da273cf828457e7c73e1d0be243884a7e66ae0365d2b76ad91b0991ac54d218f"
	"a8951a1837b5b9d0b78e33d6736c56590e1eaa787cae9f47cd9d7d2c2950773b"
	"a38853893911e99ed10376ca4ae15108ce7f653615a013ea877e1d2c4156cf52"
	"46ff143a1175870ad42c556b627765302110294944d4f5a429a4cc8a27ff10bf"
	"64c75637c9a301828d192681cf63c5e0d4deb17141aa5d559cff61921edd3104"
	"bcb014382ec1133fcef8f86cf05089a97700d3c5953fb15f1292b9602b462752"
	"c553321f9276da039b3f2bcb290f639c3bbb55fbd86904bb78fba622502229df"
	"fcef1d8fe39a803411977587d5096b5c2cc31434080f8fa637cce20db72c1f83"
	"e3e1a372ac5d430aa43f0ceac72add545422579694016d5fb78e1c9216256cbd"
	"1ef0dc8978dc8111dc000d5964868402f18f23cf02865076fca4664c89653a60"
	"b7a63705a05d7e7d315a253caf71ff17a06d9ccbee4f78a0d6f723dce1b15887"
	"dce30c4f9e5fb3f37020cd29b5f60bf757db8011abbb73485a4af047d2014cd4"
	"2858daf62924a7b41ac1dcf4ea8c9aba8a895d548c99f36eb18738e7db9f3c8a"
	"d1aa37a83098dd627d34072c69555e6e2422bb1dc38a577c4dd02f03bd8f5386"
	"c154";

static const struct recording {
	const char	*name;
	int		 we_respond;
	uint64_t	 seed;
	const char	*info_hash;
	const char	*sent, *got;
	size_t		 recorder_pad;
	const char	*peer_id;	/* the client's, first 8 bytes */
} recordings[] = {
	{ "transmission-cli -er", 0, 0x6d7365,
	  "a5a995c75853109c55011a42760e4da19681a825", tr_resp_sent,
	  tr_resp_got, 37, "-TR3000-" },
	{ "aria2c seeding", 0, 0x617269,
	  "44253c24e11826e1d37924bb65b812aab83ddcdf", aria_resp_sent,
	  aria_resp_got, 37, "A2-1-36-" },
	{ "aria2c dialling", 1, 0x617261,
	  "22e723854f9aef4370788a3dea3e2501229ed6a1", aria_init_sent,
	  aria_init_got, 53, "A2-1-36-" },
};

/* The recorder's IA: reserved bits for BEP 10 and BEP 6. */
static void
recorder_handshake(const uint8_t *info_hash, uint8_t out[68])
{
	static const uint8_t	rsv[8] = { 0, 0, 0, 0, 0, 0x10, 0, 0x04 };

	memcpy(out, bt_prefix, 20);
	memcpy(out + 20, rsv, 8);
	memcpy(out + 28, info_hash, 20);
	memcpy(out + 48, "-BT0001-mserecorder!", 20);
}

static void
replay(const struct recording *rec)
{
	struct mse_hashlist	 list;
	struct mse_result	 res;
	struct mse		*m;
	struct bbuf		 in, out;
	uint8_t			*hash, *sent, *got, ia[68], theirs[68];
	uint8_t			 other[MSE_HASH_LEN], hashes[2][MSE_HASH_LEN];
	uint64_t		 seed = rec->seed;
	size_t			 hlen, slen, glen, k, ours;
	int			 r = BT_ERR_INCOMPLETE;

	hash = unhex(rec->info_hash, &hlen);
	sent = unhex(rec->sent, &slen);
	got = unhex(rec->got, &glen);
	recorder_handshake(hash, ia);
	hash_of("another torrent", other);
	memcpy(hashes[0], other, MSE_HASH_LEN);
	memcpy(hashes[1], hash, MSE_HASH_LEN);
	list.hashes = (const uint8_t (*)[MSE_HASH_LEN])hashes;
	list.n = 2;
	if (rec->we_respond)
		m = mse_new_responder(MSE_RC4 | MSE_PLAINTEXT,
		    mse_find_in_list, &list, &seed);
	else
		m = mse_new_initiator(hash, MSE_RC4, ia, sizeof(ia), &seed);
	assert_non_null(m);
	bbuf_init(&in, BUF_MAX);
	bbuf_init(&out, BUF_MAX);
	if (!rec->we_respond)
		assert_int_equal(mse_feed(m, &in, &out), BT_ERR_INCOMPLETE);
	for (k = 0; k < glen; k++) {
		assert_int_equal(bbuf_put_u8(&in, got[k]), BT_OK);
		r = mse_feed(m, &in, &out);
		if (r != BT_ERR_INCOMPLETE)
			break;
	}
	if (r != BT_OK)
		fail_msg("%s: %d (%s) at byte %zu of %zu", rec->name, r,
		    mse_strfail(mse_failure(m)), k, glen);
	/* done with exactly the client's BitTorrent handshake left */
	assert_int_equal(k + 1, glen - 68);
	assert_int_equal(mse_get_result(m, &res), BT_OK);
	assert_int_equal(res.method, MSE_RC4);
	assert_memory_equal(res.info_hash, hash, MSE_HASH_LEN);
	assert_int_equal(res.ia_len, 0);	/* ours; aria2c's was empty */
	assert_int_equal(bbuf_put_bytes(&in, got + k + 1, glen - k - 1),
	    BT_OK);
	assert_int_equal(bbuf_get_bytes(&in, theirs, 68), BT_OK);
	rc4_crypt(&res.dec, theirs, theirs, 68);
	assert_memory_equal(theirs, bt_prefix, 20);
	assert_memory_equal(theirs + 28, hash, MSE_HASH_LEN);
	assert_memory_equal(theirs + 48, rec->peer_id, 8);
	/* our key is the recorder's (the DH vector: Python's pow(2, x, P)) */
	assert_memory_equal(bbuf_ptr(&out), sent, MSE_KEY_LEN);
	/* and, past both pads, the rest is byte for byte the recorder's */
	ours = bbuf_len(&out);
	if (rec->we_respond) {
		/* Yb PadB ENCRYPT(VC, select, len(PadD) = 0) */
		assert_memory_equal(bbuf_ptr(&out) + ours - 14,
		    sent + MSE_KEY_LEN + rec->recorder_pad, 14);
	} else {
		/* Ya PadA, then all of step 3 */
		assert_true(slen > MSE_KEY_LEN + rec->recorder_pad);
		k = slen - MSE_KEY_LEN - rec->recorder_pad;
		assert_memory_equal(bbuf_ptr(&out) + ours - k,
		    sent + MSE_KEY_LEN + rec->recorder_pad, k);
	}
	mse_free(m);
	bbuf_cleanup(&in);
	bbuf_cleanup(&out);
	free(hash);
	free(sent);
	free(got);
}

static void
test_recorded(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(recordings) / sizeof(recordings[0]); i++)
		replay(&recordings[i]);
}

/* --- the rest of the contract ---------------------------------------- */

static void
test_looks_plaintext(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		int		 want;
	} cases[] = {
		{ "", 0, BT_ERR_INCOMPLETE },
		{ "\x13", 1, BT_ERR_INCOMPLETE },
		{ "\x13" "Bit", 4, BT_ERR_INCOMPLETE },
		{ "\x13" "BitTorrent protoco", 19, BT_ERR_INCOMPLETE },
		{ "\x13" "BitTorrent protocol", 20, 1 },
		{ "\x13" "BitTorrent protocol\0\0\0", 23, 1 },
		{ "\x14", 1, 0 },
		{ "\x13" "bit", 4, 0 },
		{ "\x13" "BitTorrent protocoL", 20, 0 },
		{ "\x00\x13" "BitTorrent protocol", 21, 0 },
	};
	struct bbuf	b;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bbuf_view(&b, cases[i].in, cases[i].len);
		if (mse_looks_plaintext(&b) != cases[i].want)
			fail_msg("case %zu: got %d, want %d", i,
			    mse_looks_plaintext(&b), cases[i].want);
		assert_int_equal(bbuf_len(&b), cases[i].len);
	}
}

static int
lookup_none(void *arg, const uint8_t req2[MSE_HASH_LEN], uint8_t out[20])
{
	(void)req2;
	++*(int *)arg;
	memset(out, 0, MSE_HASH_LEN);
	return BT_ERR_NOTFOUND;
}

/* A full output buffer fails the handshake (and says so); results only
 * after success; the same seed makes the same key, RAND_bytes does not;
 * the reasons all have text. */
static void
test_contract(void **state)
{
	struct mse_result	 res;
	struct mse		*a, *b;
	struct bbuf		 in, out, big, b_in, b_out;
	uint64_t		 seed = 42;
	uint8_t			 skey[MSE_HASH_LEN], ya[MSE_KEY_LEN];
	int			 calls = 0, f;

	(void)state;
	hash_of("contract", skey);
	bbuf_init(&in, 64);
	bbuf_init(&out, 50);
	assert_non_null(a = mse_new_initiator(skey, MSE_RC4, NULL, 0, &seed));
	assert_int_equal(mse_get_result(a, &res), BT_ERR_INVALID);
	assert_int_equal(res.method, 0);
	assert_int_equal(mse_failure(a), MSE_FAIL_NONE);
	assert_int_equal(mse_feed(a, &in, &out), BT_ERR_LIMIT);
	assert_int_equal(mse_failure(a), MSE_FAIL_LOCAL);
	assert_int_equal(mse_feed(a, &in, &out), BT_ERR_LIMIT);
	mse_free(a);
	/* same seed, same key; no seed, another key */
	bbuf_init(&big, BUF_MAX);
	seed = 42;
	assert_non_null(a = mse_new_initiator(skey, MSE_RC4, NULL, 0, &seed));
	assert_int_equal(seed, 42);	/* the caller's seed is not advanced */
	assert_int_equal(mse_feed(a, &in, &big), BT_ERR_INCOMPLETE);
	memcpy(ya, bbuf_ptr(&big), MSE_KEY_LEN);
	mse_free(a);
	bbuf_reset(&big);
	assert_non_null(a = mse_new_initiator(skey, MSE_RC4, NULL, 0, &seed));
	assert_int_equal(mse_feed(a, &in, &big), BT_ERR_INCOMPLETE);
	assert_memory_equal(bbuf_ptr(&big), ya, MSE_KEY_LEN);
	mse_free(a);
	bbuf_reset(&big);
	assert_non_null(a = mse_new_initiator(skey, MSE_RC4, NULL, 0, NULL));
	assert_int_equal(mse_feed(a, &in, &big), BT_ERR_INCOMPLETE);
	assert_memory_not_equal(bbuf_ptr(&big), ya, MSE_KEY_LEN);
	mse_free(a);
	/* a lookup that finds nothing is asked once */
	bbuf_reset(&big);
	bbuf_cleanup(&in);
	bbuf_init(&in, BUF_MAX);
	seed = 43;
	assert_non_null(a = mse_new_initiator(skey, MSE_RC4, NULL, 0, &seed));
	assert_non_null(b = mse_new_responder(MSE_RC4, lookup_none, &calls,
	    &seed));
	bbuf_init(&b_in, BUF_MAX);
	bbuf_init(&b_out, BUF_MAX);
	assert_int_equal(mse_feed(a, &in, &big), BT_ERR_INCOMPLETE);
	assert_int_equal(pass(b, &big, &b_in, &b_out, CHUNK_ALL),
	    BT_ERR_INCOMPLETE);
	assert_int_equal(pass(a, &b_out, &in, &big, CHUNK_ALL),
	    BT_ERR_INCOMPLETE);
	assert_int_equal(pass(b, &big, &b_in, &b_out, CHUNK_ALL),
	    BT_ERR_NOTFOUND);
	assert_int_equal(mse_failure(b), MSE_FAIL_UNKNOWN_HASH);
	assert_int_equal(mse_feed(b, &b_in, &b_out), BT_ERR_NOTFOUND);
	assert_int_equal(calls, 1);
	mse_free(a);
	mse_free(b);
	bbuf_cleanup(&b_in);
	bbuf_cleanup(&b_out);
	for (f = MSE_FAIL_NONE; f <= MSE_FAIL_LOCAL; f++)
		assert_true(strlen(mse_strfail((enum mse_fail)f)) > 5);
	mse_free(NULL);
	bbuf_cleanup(&in);
	bbuf_cleanup(&out);
	bbuf_cleanup(&big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_responder_cases),
		cmocka_unit_test(test_initiator_cases),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_recorded),
		cmocka_unit_test(test_looks_plaintext),
		cmocka_unit_test(test_contract),
	};

	return cmocka_run_group_tests_name("mse", tests, NULL, NULL);
}

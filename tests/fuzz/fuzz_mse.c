/*
 * libFuzzer target for src/engine/mse: arbitrary bytes from the peer, to a
 * responder and to an initiator, raw or after a valid start.
 *
 * Input: byte 0 picks the mode (bits 0-1) and the methods our side offers
 * or allows (bits 2-3, 0 meaning both); byte 1 seeds the chunking; bytes
 * 2-3 are the length of the pad in a valid start; the rest is the peer's.
 *   0: responder; the rest is all the initiator sends.
 *   1: responder after a valid start (Ya = 2, a pad, HASH('req1', S), req2
 *      for our torrent); the rest is encrypted with keyA, so the fuzzer
 *      writes VC, crypto_provide, PadC, IA in the clear.
 *   2: initiator after Yb = 2; the rest follows raw (PadB, ...).
 *   3: initiator after Yb = 2, a pad and ENCRYPT(VC); the rest is
 *      encrypted with keyB (crypto_select, PadD, payload in the clear).
 * The peer's private key is 1, so S is our own public key.  The stream is
 * fed once all at once (after our first output, which the valid starts
 * need) and once in pseudo-random chunks to a machine with the same seed:
 * same result, same bytes consumed, byte-identical output.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/mse.h"
#include "engine/rc4.h"
#include "engine/sha1.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)
#define STREAM_MAX	(1u << 20)
#define OUT_MAX		(MSE_KEY_LEN + MSE_PAD_MAX + 40 + 16 + 68)

static const uint64_t	key_seed = 0xf022;
static const uint8_t	torrent[MSE_HASH_LEN] = "the fuzzed torrent.";

struct outcome {
	int		r;
	enum mse_fail	why;
	size_t		left;		/* bytes of the stream not consumed */
	struct bbuf	out;
	struct mse_result res;
};

static struct mse *
make(int responder, uint32_t methods, struct mse_hashlist *list)
{
	static const uint8_t	ia[68] = "\x13" "BitTorrent protocol";
	uint64_t		seed = key_seed;

	list->hashes = &torrent;
	list->n = 1;
	if (responder)
		return mse_new_responder(methods, mse_find_in_list, list,
		    &seed);
	return mse_new_initiator(torrent, methods, ia, sizeof(ia), &seed);
}

static void
peer_keys(const uint8_t *our_pub, int responder, struct rc4 *enc)
{
	uint8_t	buf[4 + MSE_KEY_LEN + MSE_HASH_LEN], k[MSE_HASH_LEN];

	/* the peer is A when we respond: it encrypts with keyA */
	memcpy(buf, responder ? "keyA" : "keyB", 4);
	memcpy(buf + 4, our_pub, MSE_KEY_LEN);
	memcpy(buf + 4 + MSE_KEY_LEN, torrent, MSE_HASH_LEN);
	sha1_digest(buf, sizeof(buf), k);
	rc4_init(enc, k, sizeof(k));
	rc4_discard(enc, MSE_DISCARD);
}

static void
hash_s(const char *tag, const uint8_t *s, uint8_t out[MSE_HASH_LEN])
{
	uint8_t	buf[4 + MSE_KEY_LEN];

	memcpy(buf, tag, 4);
	memcpy(buf + 4, s, MSE_KEY_LEN);
	sha1_digest(buf, sizeof(buf), out);
}

/* After the peer's key (in `stream' already): what a valid start adds,
 * then the fuzzer's bytes, encrypted when the mode says so. */
static void
build(int mode, const uint8_t *our_pub, size_t pad, const uint8_t *p,
    size_t n, struct bbuf *stream)
{
	uint8_t		h[MSE_HASH_LEN], h3[MSE_HASH_LEN], tmp[512];
	struct rc4	enc;
	size_t		k, m;

	if (mode == 1 || mode == 3) {
		memset(tmp, 0x5a, sizeof(tmp));
		CHECK(bbuf_put_bytes(stream, tmp, pad) == BT_OK);
		peer_keys(our_pub, mode == 1, &enc);
	}
	if (mode == 1) {
		hash_s("req1", our_pub, h);
		CHECK(bbuf_put_bytes(stream, h, sizeof(h)) == BT_OK);
		mse_req2_hash(torrent, h);
		hash_s("req3", our_pub, h3);
		for (k = 0; k < MSE_HASH_LEN; k++)
			h[k] ^= h3[k];
		CHECK(bbuf_put_bytes(stream, h, sizeof(h)) == BT_OK);
	}
	if (mode == 3) {
		memset(tmp, 0, MSE_VC_LEN);
		rc4_crypt(&enc, tmp, tmp, MSE_VC_LEN);
		CHECK(bbuf_put_bytes(stream, tmp, MSE_VC_LEN) == BT_OK);
	}
	for (k = 0; k < n; k += m) {
		m = n - k < sizeof(tmp) ? n - k : sizeof(tmp);
		memcpy(tmp, p + k, m);
		if (mode == 1 || mode == 3)
			rc4_crypt(&enc, tmp, tmp, m);
		CHECK(bbuf_put_bytes(stream, tmp, m) == BT_OK);
	}
}

static void
check(const struct outcome *o, int responder, uint32_t methods)
{
	CHECK(o->r == BT_ERR_INCOMPLETE || o->r == BT_OK ||
	    o->r == BT_ERR_PROTO || o->r == BT_ERR_NOTFOUND);
	CHECK((o->why == MSE_FAIL_NONE) ==
	    (o->r == BT_OK || o->r == BT_ERR_INCOMPLETE));
	CHECK(o->why != MSE_FAIL_LOCAL);
	CHECK(bbuf_len(&o->out) <= OUT_MAX);
	if (o->r != BT_OK)
		return;
	CHECK(o->res.method == MSE_RC4 || o->res.method == MSE_PLAINTEXT);
	CHECK((o->res.method & methods) != 0);
	CHECK(memcmp(o->res.info_hash, torrent, MSE_HASH_LEN) == 0);
	CHECK(o->res.ia_len <= MSE_IA_MAX);
	CHECK(responder || o->res.ia_len == 0);
	CHECK((o->res.ia == NULL) == (o->res.ia_len == 0));
}

static uint32_t
next_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void
finish(struct mse *m, struct bbuf *in, struct outcome *o)
{
	o->why = mse_failure(m);
	o->left = bbuf_len(in);
	if (o->r == BT_OK)
		CHECK(mse_get_result(m, &o->res) == BT_OK);
	else
		CHECK(mse_get_result(m, &o->res) == BT_ERR_INVALID);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mse_hashlist	 l1, l2;
	struct outcome		 o1, o2;
	struct mse		*m1, *m2;
	struct bbuf		 stream, in;
	uint8_t			 y[MSE_KEY_LEN], pub[MSE_KEY_LEN];
	uint32_t		 methods, seed;
	size_t			 pad, pos, chunk;
	int			 mode, responder;

	if (size < 4)
		return 0;
	mode = data[0] & 3;
	responder = mode < 2;
	methods = (data[0] >> 2) & 3;
	if (methods == 0)
		methods = MSE_RC4 | MSE_PLAINTEXT;
	seed = data[1];
	pad = ((size_t)data[2] << 8 | data[3]) % (MSE_PAD_MAX + 1);
	data += 4;
	size -= 4;
	memset(&o1, 0, sizeof(o1));
	memset(&o2, 0, sizeof(o2));
	bbuf_init(&o1.out, OUT_MAX);
	bbuf_init(&o2.out, OUT_MAX);
	bbuf_init(&stream, STREAM_MAX);
	bbuf_init(&in, STREAM_MAX);
	m1 = make(responder, methods, &l1);
	m2 = make(responder, methods, &l2);
	if (m1 == NULL || m2 == NULL)
		goto out;

	/* pass 1: our first output (the valid starts need our key), then
	 * the whole stream at once */
	if (size > STREAM_MAX / 2)
		size = STREAM_MAX / 2;
	memset(y, 0, sizeof(y));
	y[MSE_KEY_LEN - 1] = 2;
	memset(pub, 0, sizeof(pub));
	if (mode != 0)
		CHECK(bbuf_put_bytes(&stream, y, sizeof(y)) == BT_OK);
	if (responder && mode != 0) {
		CHECK(bbuf_put_bytes(&in, y, sizeof(y)) == BT_OK);
		CHECK(mse_feed(m1, &in, &o1.out) == BT_ERR_INCOMPLETE);
	} else if (!responder)
		CHECK(mse_feed(m1, &in, &o1.out) == BT_ERR_INCOMPLETE);
	if (mode != 0) {
		CHECK(bbuf_len(&o1.out) >= MSE_KEY_LEN);
		memcpy(pub, bbuf_ptr(&o1.out), MSE_KEY_LEN);
	}
	build(mode, pub, pad, data, size, &stream);
	pos = responder && mode != 0 ? MSE_KEY_LEN : 0;
	if (bbuf_len(&stream) > pos)
		CHECK(bbuf_put_bytes(&in, bbuf_ptr(&stream) + pos,
		    bbuf_len(&stream) - pos) == BT_OK);
	o1.r = mse_feed(m1, &in, &o1.out);
	finish(m1, &in, &o1);
	check(&o1, responder, methods);

	/* pass 2: the whole stream in chunks, to the same key */
	bbuf_reset(&in);
	if (!responder)
		CHECK(mse_feed(m2, &in, &o2.out) == BT_ERR_INCOMPLETE);
	o2.r = BT_ERR_INCOMPLETE;
	for (pos = 0; pos < bbuf_len(&stream); pos += chunk) {
		chunk = next_rand(&seed) % 8 == 0 ? 1 + next_rand(&seed) % 2048 :
		    1 + next_rand(&seed) % 24;
		if (chunk > bbuf_len(&stream) - pos)
			chunk = bbuf_len(&stream) - pos;
		CHECK(bbuf_put_bytes(&in, bbuf_ptr(&stream) + pos, chunk) ==
		    BT_OK);
		o2.r = mse_feed(m2, &in, &o2.out);
		if (o2.r == BT_OK) {	/* done: the rest is payload */
			pos += chunk;
			chunk = bbuf_len(&stream) - pos;
			if (chunk > 0)
				CHECK(bbuf_put_bytes(&in, bbuf_ptr(&stream) +
				    pos, chunk) == BT_OK);
			CHECK(mse_feed(m2, &in, &o2.out) == BT_OK);
		}
	}
	finish(m2, &in, &o2);
	check(&o2, responder, methods);

	CHECK(o1.r == o2.r && o1.why == o2.why && o1.left == o2.left);
	CHECK(bbuf_len(&o1.out) == bbuf_len(&o2.out));
	CHECK(bbuf_len(&o1.out) == 0 || memcmp(bbuf_ptr(&o1.out),
	    bbuf_ptr(&o2.out), bbuf_len(&o1.out)) == 0);
	if (o1.r == BT_OK) {
		CHECK(o1.res.method == o2.res.method);
		CHECK(o1.res.ia_len == o2.res.ia_len);
		CHECK(o1.res.ia_len == 0 ||
		    memcmp(o1.res.ia, o2.res.ia, o1.res.ia_len) == 0);
		CHECK(memcmp(&o1.res.dec, &o2.res.dec, sizeof(o1.res.dec)) == 0);
		CHECK(memcmp(&o1.res.enc, &o2.res.enc, sizeof(o1.res.enc)) == 0);
	}
out:
	mse_free(m1);
	mse_free(m2);
	bbuf_cleanup(&o1.out);
	bbuf_cleanup(&o2.out);
	bbuf_cleanup(&stream);
	bbuf_cleanup(&in);
	return 0;
}

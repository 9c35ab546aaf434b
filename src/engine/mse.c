/*
 * The MSE/PE handshake as a resumable state machine; see mse.h for the
 * exchange.  Invariants: everything random is drawn in mse_new_*; a state
 * either finds all the bytes it needs in `in' or consumes nothing (pads and
 * IA, which are read as they come, excepted); a sync search never holds
 * more than MSE_SYNC_MAX bytes; enc/dec are keyed once S and SKEY are known
 * and are only ever advanced, never re-keyed.
 */
#include "mse.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "rng.h"
#include "sha1.h"

/* The spec's 768-bit safe prime P (the Oakley group 1 prime); G is 2. */
static const uint8_t mse_prime[MSE_KEY_LEN] = {
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xC9, 0x0F, 0xDA, 0xA2,
	0x21, 0x68, 0xC2, 0x34, 0xC4, 0xC6, 0x62, 0x8B, 0x80, 0xDC, 0x1C, 0xD1,
	0x29, 0x02, 0x4E, 0x08, 0x8A, 0x67, 0xCC, 0x74, 0x02, 0x0B, 0xBE, 0xA6,
	0x3B, 0x13, 0x9B, 0x22, 0x51, 0x4A, 0x08, 0x79, 0x8E, 0x34, 0x04, 0xDD,
	0xEF, 0x95, 0x19, 0xB3, 0xCD, 0x3A, 0x43, 0x1B, 0x30, 0x2B, 0x0A, 0x6D,
	0xF2, 0x5F, 0x14, 0x37, 0x4F, 0xE1, 0x35, 0x6D, 0x6D, 0x51, 0xC2, 0x45,
	0xE4, 0x85, 0xB5, 0x76, 0x62, 0x5E, 0x7E, 0xC6, 0xF4, 0x4C, 0x42, 0xE9,
	0xA6, 0x3A, 0x36, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x05, 0x63,
};

static const uint8_t	mse_vc[MSE_VC_LEN];	/* VC: eight zeros */
static const char	bt_prefix[] = "\x13" "BitTorrent protocol";
#define BT_PREFIX_LEN	20

enum mse_state {
	ST_SEND_YA,	/* initiator: nothing sent yet */
	ST_READ_Y,	/* the other side's public key */
	ST_SYNC,	/* A: ENCRYPT(VC) after PadB; B: HASH('req1', S) */
	ST_REQ2,	/* B: HASH('req2', SKEY) xor HASH('req3', S) */
	ST_PROVIDE,	/* B: VC, crypto_provide, len(PadC) */
	ST_SELECT,	/* A: crypto_select, len(PadD) */
	ST_PAD,		/* B: PadC; A: PadD */
	ST_IA_LEN,	/* B: len(IA) */
	ST_IA,		/* B: IA */
	ST_DONE,
	ST_FAILED,
};

struct mse {
	int		 responder;
	enum mse_state	 state;
	enum mse_fail	 fail;
	int		 err;		/* what mse_feed returns once failed */
	BIGNUM		*priv;
	uint8_t		 pub[MSE_KEY_LEN];
	uint8_t		 secret[MSE_KEY_LEN];	/* S */
	uint8_t		 pad[MSE_PAD_MAX];	/* our PadA or PadB */
	size_t		 pad_len;
	uint8_t		 skey[MSE_HASH_LEN];	/* the info-hash */
	uint32_t	 provide;	/* A: offered; B: allowed */
	uint32_t	 method;	/* the one selected */
	struct rc4	 enc, dec;
	uint8_t		 marker[MSE_HASH_LEN];	/* ST_SYNC looks for it */
	size_t		 marker_len;
	size_t		 scanned;	/* ST_SYNC: start offsets tried */
	size_t		 left;		/* ST_PAD, ST_IA: bytes still to come */
	uint8_t		*ia;		/* A: to send; B: received */
	size_t		 ia_len, ia_have;
	mse_lookup_fn	 lookup;
	void		*lookup_arg;
};

/* HASH(tag, a, b): the spec's SHA-1 over a 4-byte tag and one or two
 * byte strings. */
static void
hash3(const char tag[4], const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen, uint8_t out[MSE_HASH_LEN])
{
	uint8_t	buf[4 + MSE_KEY_LEN + MSE_HASH_LEN];

	assert(alen + blen <= sizeof(buf) - 4);
	memcpy(buf, tag, 4);
	memcpy(buf + 4, a, alen);
	if (blen > 0)
		memcpy(buf + 4 + alen, b, blen);
	sha1_digest(buf, 4 + alen + blen, out);
	OPENSSL_cleanse(buf, sizeof(buf));
}

void
mse_req2_hash(const uint8_t info_hash[MSE_HASH_LEN], uint8_t out[MSE_HASH_LEN])
{
	hash3("req2", info_hash, MSE_HASH_LEN, NULL, 0, out);
}

int
mse_find_in_list(void *list, const uint8_t req2[MSE_HASH_LEN],
    uint8_t info_hash_out[MSE_HASH_LEN])
{
	const struct mse_hashlist	*l = list;
	uint8_t				 h[MSE_HASH_LEN];
	size_t				 k;

	for (k = 0; k < l->n; k++) {
		mse_req2_hash(l->hashes[k], h);
		if (memcmp(h, req2, MSE_HASH_LEN) == 0) {
			memcpy(info_hash_out, l->hashes[k], MSE_HASH_LEN);
			return BT_OK;
		}
	}
	memset(info_hash_out, 0, MSE_HASH_LEN);
	return BT_ERR_NOTFOUND;
}

/* --- randomness, drawn once at creation ------------------------------ */

static int
draw(uint64_t *seed, uint8_t *p, size_t n)
{
	uint64_t	v = 0;
	size_t		k;

	if (seed == NULL)
		return RAND_bytes(p, (int)n) == 1 ? BT_OK : BT_ERR_SYS;
	for (k = 0; k < n; k++) {
		if (k % 8 == 0)
			v = rng_next(seed);
		p[k] = (uint8_t)(v >> (56 - 8 * (k % 8)));
	}
	return BT_OK;
}

/* The private key, our pad and Y = 2^X mod P, in the order mse.h gives. */
static int
make_keys(struct mse *m, const uint64_t *seed_in)
{
	uint64_t	 seed, *sp = NULL;
	uint8_t		 x[24], two[2];
	BIGNUM		*p = NULL, *g = NULL, *y = NULL;
	BN_CTX		*ctx = NULL;
	int		 r = BT_ERR_NOMEM;

	if (seed_in != NULL) {
		seed = *seed_in;
		sp = &seed;
	}
	if (draw(sp, x, sizeof(x)) != BT_OK)
		goto out;
	if (sp != NULL)
		m->pad_len = rng_below(sp, MSE_PAD_MAX + 1);
	else if (draw(NULL, two, sizeof(two)) == BT_OK)
		m->pad_len = ((size_t)two[0] << 8 | two[1]) % (MSE_PAD_MAX + 1);
	else
		goto out;
	if (draw(sp, m->pad, m->pad_len) != BT_OK)
		goto out;
	if ((ctx = BN_CTX_new()) == NULL ||
	    (p = BN_bin2bn(mse_prime, MSE_KEY_LEN, NULL)) == NULL ||
	    (g = BN_new()) == NULL || (y = BN_new()) == NULL ||
	    (m->priv = BN_secure_new()) == NULL ||
	    BN_bin2bn(x, MSE_PRIV_LEN, m->priv) == NULL ||
	    !BN_set_word(g, 2))
		goto out;
	BN_set_flags(m->priv, BN_FLG_CONSTTIME);
	if (!BN_mod_exp(y, g, m->priv, p, ctx) ||
	    BN_bn2binpad(y, m->pub, MSE_KEY_LEN) != MSE_KEY_LEN)
		goto out;
	r = BT_OK;
out:
	OPENSSL_cleanse(x, sizeof(x));
	BN_free(y);
	BN_free(g);
	BN_free(p);
	BN_CTX_free(ctx);
	return r;
}

static struct mse *
mse_new(const uint64_t *seed)
{
	struct mse	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if (make_keys(m, seed) != BT_OK) {
		mse_free(m);
		return NULL;
	}
	return m;
}

struct mse *
mse_new_initiator(const uint8_t info_hash[MSE_HASH_LEN], uint32_t provide,
    const void *ia, size_t ia_len, const uint64_t *seed)
{
	struct mse	*m;

	assert(provide != 0 && (provide & ~(MSE_RC4 | MSE_PLAINTEXT)) == 0);
	assert(ia_len <= MSE_IA_MAX && (ia != NULL || ia_len == 0));
	if ((m = mse_new(seed)) == NULL)
		return NULL;
	m->state = ST_SEND_YA;
	m->provide = provide;
	memcpy(m->skey, info_hash, MSE_HASH_LEN);
	if (ia_len > 0) {
		if ((m->ia = malloc(ia_len)) == NULL) {
			mse_free(m);
			return NULL;
		}
		memcpy(m->ia, ia, ia_len);
		m->ia_len = ia_len;
	}
	return m;
}

struct mse *
mse_new_responder(uint32_t allow, mse_lookup_fn lookup, void *lookup_arg,
    const uint64_t *seed)
{
	struct mse	*m;

	assert(lookup != NULL);
	if ((m = mse_new(seed)) == NULL)
		return NULL;
	m->responder = 1;
	m->state = ST_READ_Y;
	m->provide = allow;
	m->lookup = lookup;
	m->lookup_arg = lookup_arg;
	return m;
}

void
mse_free(struct mse *m)
{
	if (m == NULL)
		return;
	BN_clear_free(m->priv);
	if (m->ia != NULL) {
		OPENSSL_cleanse(m->ia, m->ia_len);
		free(m->ia);
	}
	OPENSSL_cleanse(m, sizeof(*m));
	free(m);
}

/* --- the steps -------------------------------------------------------- */

static int
fail(struct mse *m, enum mse_fail why, int err)
{
	m->state = ST_FAILED;
	m->fail = why;
	m->err = err;
	return err;
}

/* S = Y^X mod P from the peer's Y, which must be in 2..P-2 (1 and P-1
 * would give a secret anyone can guess). */
static int
make_secret(struct mse *m, const uint8_t y_in[MSE_KEY_LEN])
{
	BIGNUM	*p = NULL, *y = NULL, *s = NULL;
	BN_CTX	*ctx = NULL;
	int	 r = BT_ERR_NOMEM;

	if ((ctx = BN_CTX_new()) == NULL ||
	    (p = BN_bin2bn(mse_prime, MSE_KEY_LEN, NULL)) == NULL ||
	    (y = BN_bin2bn(y_in, MSE_KEY_LEN, NULL)) == NULL ||
	    (s = BN_secure_new()) == NULL || !BN_sub_word(p, 1))
		goto out;
	if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, p) >= 0) {
		r = BT_ERR_PROTO;
		goto out;
	}
	if (!BN_add_word(p, 1) || !BN_mod_exp(s, y, m->priv, p, ctx) ||
	    BN_bn2binpad(s, m->secret, MSE_KEY_LEN) != MSE_KEY_LEN)
		goto out;
	r = BT_OK;
out:
	BN_clear_free(s);
	BN_free(y);
	BN_free(p);
	BN_CTX_free(ctx);
	return r;
}

/* RC4 keyed with HASH('keyA'/'keyB', S, SKEY), 1024 bytes dropped: A
 * encrypts with keyA and reads keyB, B the other way round. */
static void
make_ciphers(struct mse *m)
{
	uint8_t	ka[MSE_HASH_LEN], kb[MSE_HASH_LEN];

	hash3("keyA", m->secret, MSE_KEY_LEN, m->skey, MSE_HASH_LEN, ka);
	hash3("keyB", m->secret, MSE_KEY_LEN, m->skey, MSE_HASH_LEN, kb);
	rc4_init(&m->enc, m->responder ? kb : ka, MSE_HASH_LEN);
	rc4_init(&m->dec, m->responder ? ka : kb, MSE_HASH_LEN);
	rc4_discard(&m->enc, MSE_DISCARD);
	rc4_discard(&m->dec, MSE_DISCARD);
	OPENSSL_cleanse(ka, sizeof(ka));
	OPENSSL_cleanse(kb, sizeof(kb));
}

/* Gets n bytes (n <= 16) and decrypts them, or consumes nothing. */
static int
get_decrypted(struct mse *m, struct bbuf *in, uint8_t *buf, size_t n)
{
	int	r;

	if ((r = bbuf_get_bytes(in, buf, n)) != BT_OK)
		return r;
	rc4_crypt(&m->dec, buf, buf, n);
	return BT_OK;
}

static int
put(struct mse *m, struct bbuf *out, const void *p, size_t n)
{
	int	r;

	if ((r = bbuf_put_bytes(out, p, n)) != BT_OK)
		return fail(m, MSE_FAIL_LOCAL, r);
	return BT_OK;
}

/* Step 1 (A) or 2 (B): our public key and pad. */
static int
send_key(struct mse *m, struct bbuf *out)
{
	int	r;

	if ((r = put(m, out, m->pub, MSE_KEY_LEN)) != BT_OK)
		return r;
	return put(m, out, m->pad, m->pad_len);
}

/* Step 3, all of it: A knows S and SKEY once it has Yb. */
static int
send_req(struct mse *m, struct bbuf *out)
{
	uint8_t	h1[MSE_HASH_LEN], h2[MSE_HASH_LEN], h3[MSE_HASH_LEN];
	uint8_t	head[MSE_VC_LEN + 4 + 2 + 2];
	size_t	k;
	int	r;

	hash3("req1", m->secret, MSE_KEY_LEN, NULL, 0, h1);
	mse_req2_hash(m->skey, h2);
	hash3("req3", m->secret, MSE_KEY_LEN, NULL, 0, h3);
	for (k = 0; k < MSE_HASH_LEN; k++)
		h2[k] ^= h3[k];
	memcpy(head, mse_vc, MSE_VC_LEN);
	head[8] = (uint8_t)(m->provide >> 24);
	head[9] = (uint8_t)(m->provide >> 16);
	head[10] = (uint8_t)(m->provide >> 8);
	head[11] = (uint8_t)m->provide;
	head[12] = head[13] = 0;		/* len(PadC): we send none */
	head[14] = (uint8_t)(m->ia_len >> 8);
	head[15] = (uint8_t)m->ia_len;
	rc4_crypt(&m->enc, head, head, sizeof(head));
	if ((r = put(m, out, h1, sizeof(h1))) != BT_OK ||
	    (r = put(m, out, h2, sizeof(h2))) != BT_OK ||
	    (r = put(m, out, head, sizeof(head))) != BT_OK)
		return r;
	if (m->ia_len > 0) {
		/* encrypted in place: the copy is only ever sent once */
		rc4_crypt(&m->enc, m->ia, m->ia, m->ia_len);
		return put(m, out, m->ia, m->ia_len);
	}
	return BT_OK;
}

/* Step 4's head: B answers as soon as it knows the method. */
static int
send_select(struct mse *m, struct bbuf *out)
{
	uint8_t	head[MSE_VC_LEN + 4 + 2];

	memcpy(head, mse_vc, MSE_VC_LEN);
	head[8] = (uint8_t)(m->method >> 24);
	head[9] = (uint8_t)(m->method >> 16);
	head[10] = (uint8_t)(m->method >> 8);
	head[11] = (uint8_t)m->method;
	head[12] = head[13] = 0;		/* len(PadD): we send none */
	rc4_crypt(&m->enc, head, head, sizeof(head));
	return put(m, out, head, sizeof(head));
}

static int
on_key(struct mse *m, struct bbuf *in, struct bbuf *out)
{
	uint8_t		y[MSE_KEY_LEN];
	struct rc4	peek;
	int		r;

	if ((r = bbuf_get_bytes(in, y, sizeof(y))) != BT_OK)
		return r;
	if ((r = make_secret(m, y)) != BT_OK)
		return fail(m, r == BT_ERR_PROTO ? MSE_FAIL_BAD_KEY :
		    MSE_FAIL_LOCAL, r);
	m->state = ST_SYNC;
	if (m->responder) {
		hash3("req1", m->secret, MSE_KEY_LEN, NULL, 0, m->marker);
		m->marker_len = MSE_HASH_LEN;
		return send_key(m, out);
	}
	/* ENCRYPT(VC) is the first 8 bytes of B's keystream (VC is zeros);
	 * dec passes over them once they are found. */
	make_ciphers(m);
	peek = m->dec;
	rc4_crypt(&peek, mse_vc, m->marker, MSE_VC_LEN);
	m->marker_len = MSE_VC_LEN;
	return send_req(m, out);
}

/* The marker must start within MSE_PAD_MAX bytes: offsets 0..512.  Only
 * offsets not tried before are tried again, so feeding a byte at a time
 * costs no more than feeding all at once. */
static int
on_sync(struct mse *m, struct bbuf *in)
{
	const uint8_t	*p = bbuf_ptr(in);
	size_t		 len = bbuf_len(in), at;

	for (at = m->scanned; at <= MSE_PAD_MAX &&
	    at + m->marker_len <= len; at++) {
		if (memcmp(p + at, m->marker, m->marker_len) == 0) {
			(void)bbuf_consume(in, at + m->marker_len);
			if (!m->responder)
				rc4_discard(&m->dec, MSE_VC_LEN);
			m->state = m->responder ? ST_REQ2 : ST_SELECT;
			return BT_OK;
		}
	}
	m->scanned = at;
	if (at > MSE_PAD_MAX)
		return fail(m, MSE_FAIL_NO_SYNC, BT_ERR_PROTO);
	return BT_ERR_INCOMPLETE;
}

static int
on_req2(struct mse *m, struct bbuf *in)
{
	uint8_t	got[MSE_HASH_LEN], h3[MSE_HASH_LEN];
	size_t	k;
	int	r;

	if ((r = bbuf_get_bytes(in, got, sizeof(got))) != BT_OK)
		return r;
	hash3("req3", m->secret, MSE_KEY_LEN, NULL, 0, h3);
	for (k = 0; k < MSE_HASH_LEN; k++)
		got[k] ^= h3[k];
	if (m->lookup(m->lookup_arg, got, m->skey) != BT_OK)
		return fail(m, MSE_FAIL_UNKNOWN_HASH, BT_ERR_NOTFOUND);
	make_ciphers(m);
	m->state = ST_PROVIDE;
	return BT_OK;
}

static uint32_t
u32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int
on_provide(struct mse *m, struct bbuf *in, struct bbuf *out)
{
	uint8_t		b[MSE_VC_LEN + 4 + 2];
	uint32_t	provide, both;
	int		r;

	if ((r = get_decrypted(m, in, b, sizeof(b))) != BT_OK)
		return r;
	if (memcmp(b, mse_vc, MSE_VC_LEN) != 0)
		return fail(m, MSE_FAIL_BAD_VC, BT_ERR_PROTO);
	provide = u32be(b + MSE_VC_LEN);
	m->left = (size_t)b[12] << 8 | b[13];
	if (m->left > MSE_PAD_MAX)
		return fail(m, MSE_FAIL_PAD_LONG, BT_ERR_PROTO);
	/* Plaintext when both sides take it (as libtorrent, aria2c and
	 * rtorrent's prefer_plaintext do): the handshake stays obfuscated,
	 * and RC4 would cost more CPU than the rest of sending a piece.  A
	 * side that wants RC4 offers or allows only RC4. */
	both = provide & m->provide;
	if (both & MSE_PLAINTEXT)
		m->method = MSE_PLAINTEXT;
	else if (both & MSE_RC4)
		m->method = MSE_RC4;
	else
		return fail(m, MSE_FAIL_NO_METHOD, BT_ERR_PROTO);
	m->state = ST_PAD;
	return send_select(m, out);
}

static int
on_select(struct mse *m, struct bbuf *in)
{
	uint8_t		b[4 + 2];
	uint32_t	sel;
	int		r;

	if ((r = get_decrypted(m, in, b, sizeof(b))) != BT_OK)
		return r;
	sel = u32be(b);
	/* exactly one bit, and one we offered */
	if (sel == 0 || (sel & (sel - 1)) != 0 || (sel & m->provide) == 0)
		return fail(m, MSE_FAIL_BAD_SELECT, BT_ERR_PROTO);
	m->method = sel;
	m->left = (size_t)b[4] << 8 | b[5];
	if (m->left > MSE_PAD_MAX)
		return fail(m, MSE_FAIL_PAD_LONG, BT_ERR_PROTO);
	m->state = ST_PAD;
	return BT_OK;
}

/* PadC or PadD: decrypted to keep the stream in step, then dropped. */
static int
on_pad(struct mse *m, struct bbuf *in)
{
	size_t	n = bbuf_len(in) < m->left ? bbuf_len(in) : m->left;

	rc4_discard(&m->dec, n);
	(void)bbuf_consume(in, n);
	if ((m->left -= n) > 0)
		return BT_ERR_INCOMPLETE;
	m->state = m->responder ? ST_IA_LEN : ST_DONE;
	return BT_OK;
}

static int
on_ia_len(struct mse *m, struct bbuf *in)
{
	uint8_t	b[2];
	int	r;

	if ((r = get_decrypted(m, in, b, sizeof(b))) != BT_OK)
		return r;
	m->ia_len = (size_t)b[0] << 8 | b[1];
	m->ia_have = 0;
	if (m->ia_len == 0) {
		m->state = ST_DONE;
		return BT_OK;
	}
	if ((m->ia = malloc(m->ia_len)) == NULL)
		return fail(m, MSE_FAIL_LOCAL, BT_ERR_NOMEM);
	m->state = ST_IA;
	return BT_OK;
}

static int
on_ia(struct mse *m, struct bbuf *in)
{
	size_t	want = m->ia_len - m->ia_have;
	size_t	n = bbuf_len(in) < want ? bbuf_len(in) : want;

	(void)bbuf_get_bytes(in, m->ia + m->ia_have, n);
	rc4_crypt(&m->dec, m->ia + m->ia_have, m->ia + m->ia_have, n);
	m->ia_have += n;
	if (m->ia_have < m->ia_len)
		return BT_ERR_INCOMPLETE;
	m->state = ST_DONE;
	return BT_OK;
}

static int
step(struct mse *m, struct bbuf *in, struct bbuf *out)
{
	switch (m->state) {
	case ST_SEND_YA:
		m->state = ST_READ_Y;
		return send_key(m, out);
	case ST_READ_Y:
		return on_key(m, in, out);
	case ST_SYNC:
		return on_sync(m, in);
	case ST_REQ2:
		return on_req2(m, in);
	case ST_PROVIDE:
		return on_provide(m, in, out);
	case ST_SELECT:
		return on_select(m, in);
	case ST_PAD:
		return on_pad(m, in);
	case ST_IA_LEN:
		return on_ia_len(m, in);
	case ST_IA:
		return on_ia(m, in);
	case ST_DONE:
		return BT_OK;
	case ST_FAILED:
		return m->err;
	}
	abort();
}

int
mse_feed(struct mse *m, struct bbuf *in, struct bbuf *out)
{
	int	r;

	while ((r = step(m, in, out)) == BT_OK && m->state != ST_DONE)
		;
	return r;
}

int
mse_get_result(const struct mse *m, struct mse_result *out)
{
	memset(out, 0, sizeof(*out));
	if (m->state != ST_DONE)
		return BT_ERR_INVALID;
	out->method = m->method;
	memcpy(out->info_hash, m->skey, MSE_HASH_LEN);
	if (m->responder && m->ia_len > 0) {
		out->ia = m->ia;
		out->ia_len = m->ia_len;
	}
	out->enc = m->enc;
	out->dec = m->dec;
	return BT_OK;
}

enum mse_fail
mse_failure(const struct mse *m)
{
	return m->fail;
}

const char *
mse_strfail(enum mse_fail f)
{
	switch (f) {
	case MSE_FAIL_NONE:
		return "no failure";
	case MSE_FAIL_NO_SYNC:
		return "no sync marker within 512 bytes of padding";
	case MSE_FAIL_BAD_SELECT:
		return "crypto_select is not one method we offered";
	case MSE_FAIL_PAD_LONG:
		return "pad length over 512 bytes";
	case MSE_FAIL_UNKNOWN_HASH:
		return "unknown info-hash (req2 matches no torrent)";
	case MSE_FAIL_NO_METHOD:
		return "crypto_provide offers no method we allow";
	case MSE_FAIL_BAD_VC:
		return "verification constant is not zero";
	case MSE_FAIL_BAD_KEY:
		return "public key out of range";
	case MSE_FAIL_LOCAL:
		return "local failure (memory or output buffer)";
	}
	return "unknown failure";
}

int
mse_looks_plaintext(const struct bbuf *in)
{
	size_t	n = bbuf_len(in);

	if (n > BT_PREFIX_LEN)
		n = BT_PREFIX_LEN;
	if (n > 0 && memcmp(bbuf_ptr(in), bt_prefix, n) != 0)
		return 0;
	return n == BT_PREFIX_LEN ? 1 : BT_ERR_INCOMPLETE;
}

/*
 * mse: the MSE/PE handshake (message stream encryption, the Vuze/libtorrent
 * spec that Vuze, uTorrent, libtorrent and Transmission speak), pure: bytes
 * in through a struct bbuf, bytes out through another, no sockets, no
 * clock.  Every byte may arrive on its own; the machine keeps its place.
 *
 *   1 A->B: Ya, PadA
 *   2 B->A: Yb, PadB
 *   3 A->B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
 *           ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
 *   4 B->A: ENCRYPT(VC, crypto_select, len(PadD), PadD), ENCRYPT2(payload)
 *   5 A->B: ENCRYPT2(payload)
 *
 * Y = 2^X mod P (the spec's 768-bit prime), X 160 random bits, S the shared
 * secret; keys, Y and S travel as 96 big-endian bytes.  SKEY is the
 * info-hash, HASH is SHA-1, VC eight zero bytes.  ENCRYPT is RC4 keyed with
 * HASH('keyA', S, SKEY) for what A sends and HASH('keyB', S, SKEY) for what
 * B sends, the first 1024 keystream bytes dropped; ENCRYPT2 is the method
 * B selected: the same RC4 streams going on, or plaintext.  IA (the
 * initiator's BitTorrent handshake) is RC4 either way.  We send PadA/PadB
 * of 0..512 random bytes and empty PadC/PadD; we accept any pad up to 512.
 *
 * The machine ends DONE (mse_get_result: the method, the info-hash, IA, the
 * two RC4 states for the payload) or FAILED with one reason (mse_failure).
 * What the peer sends after the handshake stays in `in', undecrypted.
 */
#ifndef BT_MSE_H
#define BT_MSE_H

#include <stddef.h>
#include <stdint.h>

#include "rc4.h"

struct bbuf;

#define MSE_HASH_LEN	20	/* SHA-1: SKEY, req hashes */
#define MSE_KEY_LEN	96	/* a 768-bit public key or secret */
#define MSE_PAD_MAX	512	/* the longest PadA, PadB, PadC, PadD */
#define MSE_VC_LEN	8
#define MSE_IA_MAX	65535	/* len(IA) is two bytes */
#define MSE_DISCARD	1024	/* RC4 keystream bytes dropped at first */
#define MSE_PRIV_LEN	20	/* private key bytes: 160 bits */
/* The sync marker (req1 for B, ENCRYPT(VC) for A) must start within
 * MSE_PAD_MAX bytes of the public key: at most this much is buffered. */
#define MSE_SYNC_MAX	(MSE_PAD_MAX + MSE_HASH_LEN)

/* crypto_provide / crypto_select bits */
#define MSE_PLAINTEXT	0x01u
#define MSE_RC4		0x02u

/* Why a handshake failed.  The first four are the hostile inputs the issue
 * names; every one drops the peer. */
enum mse_fail {
	MSE_FAIL_NONE = 0,
	MSE_FAIL_NO_SYNC,	/* no req1 / VC marker within 512 pad bytes */
	MSE_FAIL_BAD_SELECT,	/* crypto_select is not one method we offered */
	MSE_FAIL_PAD_LONG,	/* len(PadC) or len(PadD) over 512 */
	MSE_FAIL_UNKNOWN_HASH,	/* req2 names no torrent of ours */
	MSE_FAIL_NO_METHOD,	/* crypto_provide offers nothing we allow */
	MSE_FAIL_BAD_VC,	/* the decrypted VC is not zero: wrong S or SKEY */
	MSE_FAIL_BAD_KEY,	/* a public key outside 2..P-2 */
	MSE_FAIL_LOCAL,		/* out of memory, output buffer full, libcrypto */
};

/* The responder's torrent lookup: req2 is HASH('req2', info_hash) of the
 * torrent the initiator wants.  Write that info-hash to info_hash_out and
 * return BT_OK, or return BT_ERR_NOTFOUND.  Called at most once, from
 * inside mse_feed. */
typedef int	(*mse_lookup_fn)(void *arg, const uint8_t req2[MSE_HASH_LEN],
		    uint8_t info_hash_out[MSE_HASH_LEN]);

/* A ready-made lookup over a list of info-hashes: pass mse_find_in_list
 * with a struct mse_hashlist as its argument (both must outlive the
 * handshake).  Costs one SHA-1 per torrent. */
struct mse_hashlist {
	const uint8_t	(*hashes)[MSE_HASH_LEN];
	size_t		  n;
};
int	mse_find_in_list(void *list, const uint8_t req2[MSE_HASH_LEN],
	    uint8_t info_hash_out[MSE_HASH_LEN]);
/* HASH('req2', info_hash): for a session that keeps its own table. */
void	mse_req2_hash(const uint8_t info_hash[MSE_HASH_LEN],
	    uint8_t out[MSE_HASH_LEN]);

struct mse_result {
	uint32_t	 method;	/* MSE_RC4 or MSE_PLAINTEXT: the payload's */
	uint8_t		 info_hash[MSE_HASH_LEN];
	/* Responder: the initiator's IA, decrypted (usually its 68-byte
	 * BitTorrent handshake; may be empty), borrowed from the mse until
	 * mse_free.  Initiator: NULL and 0 (it sent its own). */
	const uint8_t	*ia;
	size_t		 ia_len;
	/* For MSE_RC4: enc encrypts what we send from now on, dec decrypts
	 * what we read (starting with what is left in `in').  Meaningless
	 * for MSE_PLAINTEXT. */
	struct rc4	 enc, dec;
};

struct mse;

/*
 * Randomness: the private key and our pad (its length and bytes) are drawn
 * once, here.  seed NULL: from RAND_bytes (what the engine must use).
 * Otherwise from splitmix64 (rng.h) on a copy of *seed, for tests and
 * fuzzing only: the key is the first MSE_PRIV_LEN bytes of three rng_next()
 * outputs written big-endian, then the pad length is rng_below(MSE_PAD_MAX
 * + 1), then the pad bytes.  A seed must never be reused with real peers.
 */

/* The initiator (we dialled): offers `provide' (MSE_RC4 and/or
 * MSE_PLAINTEXT, asserted non-empty and known) for the torrent info_hash;
 * ia[0..ia_len) (ia_len <= MSE_IA_MAX, asserted) is sent encrypted inside
 * step 3 and is copied.  NULL when out of memory or RAND_bytes fails. */
struct mse	*mse_new_initiator(const uint8_t info_hash[MSE_HASH_LEN],
		    uint32_t provide, const void *ia, size_t ia_len,
		    const uint64_t *seed);
/* The responder (the peer dialled us): selects plaintext when the
 * initiator offers it and `allow' has it, else RC4 when both have that.
 * lookup(lookup_arg, ...) finds the torrent; lookup_arg must outlive the
 * handshake.  NULL when out of memory or RAND_bytes fails. */
struct mse	*mse_new_responder(uint32_t allow, mse_lookup_fn lookup,
		    void *lookup_arg, const uint64_t *seed);
/* NULL is a no-op; the keys and the secret are wiped. */
void	mse_free(struct mse *m);

/*
 * Runs the handshake as far as the bytes in `in' allow, consuming the ones
 * it used (even when it returns BT_ERR_INCOMPLETE: the machine remembers
 * them; the bytes left are not used yet) and appending what to send to
 * `out'.  The initiator's first call, with `in' empty, writes Ya and PadA.
 * Returns:
 *   BT_ERR_INCOMPLETE: waiting for more bytes: append them and call again;
 *   BT_OK: done (and on every later call, consuming nothing more); see
 *     mse_get_result; `in' holds the first payload bytes, if any;
 *   BT_ERR_PROTO: the peer broke the handshake; BT_ERR_NOTFOUND: its
 *     torrent is not ours; BT_ERR_LIMIT / BT_ERR_NOMEM: `out' could not
 *     take the bytes, or memory ran out.  An error is final: later calls
 *     return it again, and mse_failure says why.
 */
int	mse_feed(struct mse *m, struct bbuf *in, struct bbuf *out);

/* After BT_OK: fills *out and returns BT_OK; else BT_ERR_INVALID, *out
 * zeroed. */
int	mse_get_result(const struct mse *m, struct mse_result *out);
/* MSE_FAIL_NONE unless mse_feed has failed. */
enum mse_fail	mse_failure(const struct mse *m);
/* A short English reason for f; never NULL, static storage. */
const char	*mse_strfail(enum mse_fail f);

/* Incoming connections: does the stream start like a plaintext BitTorrent
 * handshake ("\x13BitTorrent protocol")?  1 yes, 0 no (treat it as MSE),
 * BT_ERR_INCOMPLETE while fewer than 20 bytes agree so far.  Consumes
 * nothing. */
int	mse_looks_plaintext(const struct bbuf *in);

#endif

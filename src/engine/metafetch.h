/*
 * metafetch: assembling a torrent's info dictionary from peers (BEP 9
 * ut_metadata), as a pure state machine.  The engine feeds it what peers
 * say (their metadata_size, data, rejects, disconnects) and the clock, and
 * asks it which 16 KiB piece to request of whom; it never sends anything.
 * When every piece is there, the SHA-1 of the whole must be the info-hash:
 * then the metadata is done, else the round is dropped and the peers that
 * sent it are named so the engine can strike them.
 *
 * Peers are named by a key the engine chooses (its peer id): a key must not
 * be reused for another connection while this object lives.
 *
 * The size: the first size announced is fetched (one buffer of that many
 * bytes, at most METAFETCH_MAX_SIZE).  Peers announcing another size are
 * remembered but not asked.  A size is kept while one of its peers ranks as
 * well as any peer of another size; it is dropped for another when all its
 * peers are gone, or sent data that failed the hash, or stopped answering,
 * while a peer of the other size did neither.  So a peer lying about the
 * size costs at most one failed round or METAFETCH_MAX_MISSES time-outs.
 *
 * Ranking: peers that stopped answering (METAFETCH_MAX_MISSES rejects or
 * time-outs in a row) rank below all others, then fewer hash strikes rank
 * better, then earlier arrival.  Before any round failed, all peers of the
 * best rank present are asked at once.  After a round failed, each round
 * is asked of one peer, the solo (the best ranked that is not backing off),
 * so that a failure names exactly the peer that sent it: peers that did
 * not send the failed round go first, struck ones when no one else is left,
 * and each liar costs at most one round.  The solo keeps its round while
 * it can be asked; if it leaves or backs off half way, what it sent is
 * dropped and the next solo starts the round over.
 *
 * Bounds: one buffer of the size, METAFETCH_MAX_PEERS peers, at most
 * METAFETCH_PEER_QUEUE pieces asked of one peer; a piece asked and not
 * answered in METAFETCH_TIMEOUT_MS is asked of someone else, and a peer
 * that rejected or timed out is not asked again for METAFETCH_TIMEOUT_MS.
 * A call makes a few passes over the pieces and the peers (expiry also
 * looks up the peer of each piece that timed out).
 */
#ifndef BT_METAFETCH_H
#define BT_METAFETCH_H

#include <stddef.h>
#include <stdint.h>

struct bbuf;

#define METAFETCH_HASH_LEN	20
#define METAFETCH_PIECE_LEN	16384			/* BEP 9 */
#define METAFETCH_MAX_SIZE	(16u * 1024 * 1024)	/* info dictionary */
#define METAFETCH_MAX_PIECES	(METAFETCH_MAX_SIZE / METAFETCH_PIECE_LEN)
#define METAFETCH_TIMEOUT_MS	10000	/* request time-out, back-off */
#define METAFETCH_PEER_QUEUE	4	/* pieces asked of one peer at once */
#define METAFETCH_MAX_PEERS	256	/* peers with a known size */
#define METAFETCH_MAX_MISSES	3	/* rejects/time-outs in a row */

enum metafetch_state {
	METAFETCH_NO_SIZE,	/* no peer has announced a usable size */
	METAFETCH_FETCHING,
	METAFETCH_DONE,		/* verified: metafetch_info hands it out */
};

struct metafetch;

/* A new fetch of the metadata whose SHA-1 is info_hash; NULL when out of
 * memory.  Nothing is allocated for the metadata before a size is known. */
struct metafetch *metafetch_new(const uint8_t info_hash[METAFETCH_HASH_LEN]);
/* NULL is a no-op. */
void	metafetch_free(struct metafetch *mf);

/*
 * The peer's metadata_size (BEP 9, from its extended handshake); a second
 * call for the same peer replaces it (its pieces in flight are released
 * when the size changes).  Returns:
 *   BT_OK: the peer may be asked (its size is the one being fetched; the
 *     first size announced becomes it and its buffer is allocated);
 *   BT_ERR_INVALID: it announced another size: remembered, not asked now;
 *   BT_ERR_RANGE: size <= 0 or over METAFETCH_MAX_SIZE: the peer is not
 *     taken (and forgotten if it was known);
 *   BT_ERR_LIMIT: METAFETCH_MAX_PEERS other peers are known;
 *   BT_ERR_EXISTS: the metadata is done;
 *   BT_ERR_NOMEM: the buffer could not be allocated (the peer is known
 *     but the fetch waits: call again later).
 */
int	metafetch_set_size(struct metafetch *mf, uint32_t peer_key,
	    int64_t size);

/*
 * Picks the next piece to request of peer_key at now_ms: the lowest one
 * neither held nor asked of a peer within METAFETCH_TIMEOUT_MS.  On BT_OK
 * *piece_out is recorded as asked of it at now_ms.  Pieces asked of anyone
 * longer than METAFETCH_TIMEOUT_MS ago are released first (their peers
 * count a miss and back off).  Call it again until it says no, and again
 * from a timer (once a second will do) so time-outs are noticed.
 * Errors (*piece_out is 0): BT_ERR_NOTFOUND: nothing for this peer now
 * (all held or asked, its queue full, it backs off, ranks below another
 * peer or is not the solo, or announced another size); BT_ERR_INVALID: an
 * unknown peer (no set_size taken); BT_ERR_EXISTS: done; BT_ERR_NOMEM (the
 * buffer of a size to switch to could not be allocated: try later).
 */
int	metafetch_next_request(struct metafetch *mf, uint32_t peer_key,
	    uint64_t now_ms, uint32_t *piece_out);

/*
 * A ut_metadata data message: piece `piece' of a total_size-byte
 * dictionary, data[0..len).  It must have been asked of this peer (now,
 * or before it timed out), total_size must be the size being fetched and
 * len METAFETCH_PIECE_LEN, or what is left for the last piece.  The bytes
 * are copied.  Returns:
 *   BT_OK: stored (metafetch_state says DONE when it was the last one and
 *     the SHA-1 matched);
 *   BT_ERR_HASH: it was the last one and the SHA-1 of the whole is not the
 *     info-hash: every piece is dropped, the peers that sent them are
 *     struck (see metafetch_struck) and the fetch starts over;
 *   BT_ERR_RANGE: piece past the last one;
 *   BT_ERR_INVALID: total_size is not the size being fetched, or an
 *     unknown peer, or no size yet;
 *   BT_ERR_FORMAT: len is wrong;
 *     (after these three, a piece asked of this peer goes back to be asked
 *     elsewhere and the peer counts a miss)
 *   BT_ERR_PROTO: not asked of this peer (nothing changes);
 *   BT_ERR_EXISTS: the piece is already held (a late answer), or done.
 */
int	metafetch_on_data(struct metafetch *mf, uint32_t peer_key,
	    uint32_t piece, int64_t total_size, const uint8_t *data,
	    size_t len);

/* A ut_metadata reject of a piece asked of this peer: it goes back to be
 * asked elsewhere, the peer counts a miss and backs off.  BT_OK;
 * BT_ERR_PROTO when the piece was not asked of it (nothing changes);
 * BT_ERR_EXISTS when done. */
int	metafetch_on_reject(struct metafetch *mf, uint32_t peer_key,
	    uint32_t piece, uint64_t now_ms);

/* The peer is gone (disconnected, or no use for metadata): what it was
 * asked is asked elsewhere; what it sent is kept.  Unknown keys are
 * ignored. */
void	metafetch_peer_gone(struct metafetch *mf, uint32_t peer_key);

enum metafetch_state metafetch_state(const struct metafetch *mf);
/* The size being fetched (0: none yet), pieces held and their number. */
void	metafetch_progress(const struct metafetch *mf, uint32_t *size_out,
	    uint32_t *have_out, uint32_t *npieces_out);
/* Rounds dropped for a wrong SHA-1 so far. */
uint32_t	metafetch_failures(const struct metafetch *mf);

/* The peers that sent pieces of the last round that failed the hash, each
 * once, in increasing order; *keys_out borrows mf's storage, rewritten
 * when another round fails.  0 (and NULL) when no round failed. */
size_t	metafetch_struck(const struct metafetch *mf,
	    const uint32_t **keys_out);

/* When done, the verified info dictionary: *p_out borrows mf's buffer
 * (valid until metafetch_free).  BT_OK or BT_ERR_NOTFOUND (not done; *p_out
 * NULL, *len_out 0). */
int	metafetch_info(const struct metafetch *mf, const uint8_t **p_out,
	    size_t *len_out);

/*
 * Appends a complete .torrent: a dictionary with "announce" (the first
 * tracker), "announce-list" (each tracker its own tier, in order, as
 * libtorrent reads a magnet's), "info" (info[0..len), spliced byte for byte,
 * so metainfo_parse finds the same info-hash) and "url-list" (web seeds),
 * keys in bencode order; the tracker and web seed keys only when there are
 * some, NULL or empty strings skipped.  info must look like a dictionary
 * ('d' ... 'e'); it is not decoded here (metainfo_parse judges it).
 * Errors: BT_ERR_FORMAT (info is not 'd'...'e'), the bbuf put errors
 * (`out' may then hold part of it).
 */
int	metafetch_torrent(const uint8_t *info, size_t len,
	    const char *const *trackers, size_t ntrackers,
	    const char *const *webseeds, size_t nwebseeds, struct bbuf *out);

#endif

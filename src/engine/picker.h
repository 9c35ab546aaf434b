/*
 * picker: which block to request next, from which peer.  It knows which
 * pieces we have, how many connected peers have each piece (availability),
 * and, for the pieces in progress only, the state of every 16 KiB block:
 * missing, requested (by whom) or received (from whom).
 *
 * Policy of picker_pick: (1) continue a piece in progress that the peer has,
 * the one with the most blocks received or requested first, so partial
 * pieces finish; (2) else start a new piece the peer has: at random while we
 * have fewer than PICKER_RANDOM_FIRST pieces, then rarest first (lowest
 * availability, random among ties); (3) endgame, once no missing block is
 * left unrequested anywhere: a block other peers were asked for, not this
 * one, up to PICKER_MAX_REQUESTERS peers per block.
 *
 * Streaming (picker_set_stream) changes (1) and (2) so that a player can
 * start early.  Stream order is first, last (a container's index often
 * sits at the end), first + 1, ..., last - 1, then the pieces outside the
 * range.  The peer is asked for the piece it has that comes first in that
 * order, in progress or free (a piece in progress wins a tie with a free
 * one, and among in-progress pieces outside the range, progress decides).
 * When the peer has none of the range's free pieces, rarest first over
 * the rest (no random first pieces): the peer still gives us something
 * the swarm needs while the stream waits for peers that have its pieces.
 *
 * Priorities (picker_set_priority): a skipped piece is never picked,
 * continued, streamed or asked in endgame (blocks already requested may
 * still arrive and complete it); new pieces come from the highest level
 * the peer has, rarest first within it, and a piece in progress yields to
 * a new one of a higher level.  Streaming orders pieces by the stream,
 * not by level, but still never picks a skipped one.
 *
 * Peers are named by a uint32_t id the engine gives each connection and
 * never reuses; PICKER_PEER_NONE is reserved.  The picker keeps no per-peer
 * state: the engine passes the peer's bitfield to each call.
 *
 * Cost: continuing a piece is O(pieces in progress with missing blocks)
 * plus amortised O(1) inside the piece.  Starting one costs a few random
 * draws and O(availability levels) when the rarest free pieces the peer
 * has are plentiful, at worst one pass over the bitfields (64 pieces a
 * step).  Memory: 17 bytes and 6 bits per piece, plus 20 bytes per block
 * of each piece in progress (20 KiB for a 16 MiB piece).
 */
#ifndef BT_PICKER_H
#define BT_PICKER_H

#include <stddef.h>
#include <stdint.h>

struct bitfield;
struct picker;

#define PICKER_BLOCK_LEN	16384	/* BEP 3: requests of 2^14 bytes */
#define PICKER_RANDOM_FIRST	4	/* random pieces until we have 4 */
#define PICKER_MAX_REQUESTERS	3	/* endgame: peers asked for one block */
#define PICKER_PEER_NONE	UINT32_MAX

enum picker_prio {
	PICKER_PRIO_SKIP,
	PICKER_PRIO_LOW,
	PICKER_PRIO_NORMAL,	/* every piece of a new picker */
	PICKER_PRIO_HIGH,
	PICKER_PRIO_COUNT
};

struct picker_block {
	uint32_t	piece, begin, length;
};

enum picker_piece_state {
	PICKER_MISSING,		/* nothing requested or received */
	PICKER_REQUESTED,	/* some blocks requested, none received */
	PICKER_DOWNLOADING,	/* some blocks received, not yet verified */
	PICKER_HAVE,		/* verified (picker_set_have) */
};

enum picker_block_state {
	PICKER_BLOCK_MISSING,
	PICKER_BLOCK_REQUESTED,
	PICKER_BLOCK_RECEIVED,
};

/* peer_id: the sender when received, the first requester when requested,
 * else PICKER_PEER_NONE (also for the blocks of a piece we have). */
struct picker_block_info {
	uint32_t		begin, length;
	enum picker_block_state	state;
	uint32_t		peer_id;
	uint32_t		nrequesters;	/* > 1 only in endgame */
};

/*
 * A picker for num_pieces pieces of piece_length bytes, the last one
 * holding what is left of total_length.  rng_seed seeds the private PRNG
 * (same seed, same calls: same picks).  NULL when out of memory or when the
 * geometry is inconsistent (no pieces, piece_length 0, or total_length not
 * in ((num_pieces - 1) * piece_length, num_pieces * piece_length]).
 */
struct picker	*picker_new(uint32_t num_pieces, uint32_t piece_length,
		    uint64_t total_length, uint64_t rng_seed);
/* Frees the picker and its block state; NULL is a no-op. */
void	picker_free(struct picker *p);

/*
 * BEP 47: bytes [offset, offset + length) of the torrent are padding, known
 * zeros (a pad file).  A block wholly inside padding is never picked: a
 * piece starts with such blocks received from PICKER_PEER_NONE (they count
 * in picker_on_block's "complete", never in picker_piece_contributors); a
 * block that is partly real data is requested as usual.  A piece wholly of
 * padding is set had here (the caller counts its bytes as had).  Ranges
 * come in increasing order, before any piece is started.  BT_OK;
 * BT_ERR_INVALID when a range overlaps the previous one or runs past the
 * end; BT_ERR_NOMEM.
 */
int	picker_add_pad(struct picker *p, uint64_t offset, uint64_t length);

/* Our pieces.  picker_set_have: the piece is verified (or found on disk at
 * start); its block state is dropped; out of range or repeated: no-op. */
void	picker_set_have(struct picker *p, uint32_t piece);
int	picker_have(const struct picker *p, uint32_t piece);
uint32_t	picker_have_count(const struct picker *p);
/* Borrowed; valid for the picker's lifetime (e.g. to send BITFIELD). */
const struct bitfield	*picker_have_bitfield(const struct picker *p);
/* picker_complete: every piece had, whatever its priority (what we can
 * serve whole).  picker_wanted_complete: every piece not skipped had
 * (what the user asked for); picker_wants: the piece is neither had nor
 * skipped. */
int	picker_complete(const struct picker *p);
int	picker_wanted_complete(const struct picker *p);
int	picker_wants(const struct picker *p, uint32_t piece);
/* Pieces neither had nor skipped. */
uint32_t	picker_wanted_left(const struct picker *p);

/* The piece's priority from the next pick on.  BT_OK; BT_ERR_INVALID when
 * piece or prio is out of range.  picker_priority of an out of range
 * piece reads PICKER_PRIO_SKIP. */
int	picker_set_priority(struct picker *p, uint32_t piece,
	    enum picker_prio prio);
enum picker_prio	picker_priority(const struct picker *p, uint32_t piece);

/*
 * Availability.  peer_add when a peer's BITFIELD arrives (or, for a peer
 * that sent none, never: its HAVEs count one by one), peer_have for each
 * HAVE that sets a bit that was clear, peer_remove with the peer's current
 * bitfield when it leaves.  Bits past num_pieces are ignored; counts never
 * go below zero.
 */
void	picker_peer_add(struct picker *p, const struct bitfield *peer_has);
void	picker_peer_remove(struct picker *p, const struct bitfield *peer_has);
void	picker_peer_have(struct picker *p, uint32_t piece);
uint32_t	picker_availability(const struct picker *p, uint32_t piece);

/*
 * Chooses one block to request from peer_id, whose pieces are peer_has,
 * and marks it requested by that peer.  *out is zeroed, then filled on
 * BT_OK.  BT_ERR_NOTFOUND: nothing to ask this peer for (out of blocks,
 * or in endgame every candidate already has PICKER_MAX_REQUESTERS
 * requesters or was asked of this peer).  BT_ERR_NOMEM: starting a piece
 * failed; nothing changed.  Never a piece we have or the peer lacks.
 */
int	picker_pick(struct picker *p, uint32_t peer_id,
	    const struct bitfield *peer_has, struct picker_block *out);

/*
 * A block arrived from peer_id.  Accepted when its piece is in progress
 * (some block of it requested or received), begin/length name exactly one
 * block, and that block is not yet received, whoever it was requested from
 * (a peer we gave up on may answer late; the hash check still guards the
 * piece).  A block of a piece not in progress is refused, so a peer cannot
 * make us hold block state for pieces nobody asked for.
 * Returns 1 when this completed the piece (verify its hash, then
 * picker_set_have or picker_piece_failed), 0 when accepted, BT_ERR_INVALID
 * when not wanted (drop the data).  The other peers that had this block
 * requested (endgame) are written to cancel_ids, at most cancel_max of them
 * (fewer than PICKER_MAX_REQUESTERS), their number in *ncancel_out when
 * not NULL (0 on error): send them CANCEL.
 */
int	picker_on_block(struct picker *p, uint32_t peer_id, uint32_t piece,
	    uint32_t begin, uint32_t length, uint32_t *cancel_ids,
	    size_t cancel_max, size_t *ncancel_out);

/* peer_id will not deliver this block (REJECT, CANCEL sent, timeout): it
 * may be picked again.  Anything else is ignored. */
void	picker_unrequest(struct picker *p, uint32_t peer_id, uint32_t piece,
	    uint32_t begin);
/* Releases every block requested from peer_id (disconnect, choke).
 * O(blocks of the pieces in progress). */
void	picker_peer_gone(struct picker *p, uint32_t peer_id);

/* The piece failed its hash check: every block is missing again and its
 * block state is dropped.  Call picker_piece_contributors first. */
void	picker_piece_failed(struct picker *p, uint32_t piece);
/* Distinct ids of the peers that delivered received blocks of a piece in
 * progress, at most max of them (pass picker_blocks_in_piece() to be sure
 * to get all); returns how many were written (0 when not in progress). */
size_t	picker_piece_contributors(const struct picker *p, uint32_t piece,
	    uint32_t *ids, size_t max);

/* For the UI.  Out of range pieces read as PICKER_MISSING and 0 blocks. */
enum picker_piece_state	picker_piece_state(const struct picker *p,
		    uint32_t piece);
uint32_t	picker_blocks_in_piece(const struct picker *p, uint32_t piece);
/* *out zeroed, then filled on BT_OK; BT_ERR_RANGE when piece or block
 * index is out of range. */
int	picker_block_info(const struct picker *p, uint32_t piece,
	    uint32_t block_index, struct picker_block_info *out);
/* 1 when no missing block of a wanted piece is left unrequested
 * (duplicates allowed). */
int	picker_in_endgame(const struct picker *p);
/* Blocks now requested from peer_id; O(blocks in progress), not for the
 * hot path. */
size_t	picker_requested_count(const struct picker *p, uint32_t peer_id);

/*
 * Streams pieces first .. last (inclusive): the order above applies from
 * the next pick; pieces in progress stay as they are.  A new range
 * replaces the old.  BT_OK; BT_ERR_INVALID when first > last or last is
 * out of range (nothing changes).  picker_clear_stream goes back to the
 * default policy.
 */
int	picker_set_stream(struct picker *p, uint32_t first, uint32_t last);
void	picker_clear_stream(struct picker *p);
/* 1 and the range in *first_out, *last_out when streaming; else 0 and
 * both 0. */
int	picker_stream_range(const struct picker *p, uint32_t *first_out,
	    uint32_t *last_out);

/* Verifies every internal invariant (for tests and debugging): BT_OK, or
 * BT_ERR_INVALID when the picker is corrupt.  O(pieces + blocks in
 * progress). */
int	picker_check(const struct picker *p);

#endif

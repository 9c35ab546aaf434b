/*
 * blame: who sent the bad data of a piece that failed its hash check.
 * When only one peer sent blocks of the piece, it is to blame.  When several
 * did, blaming all of them would ban honest peers that happened to share
 * pieces with a liar; instead the failed data is kept, the piece is
 * downloaded again, and once it passes, the peers whose blocks differ from
 * the good copy are the ones to blame (libtorrent does the same with block
 * hashes).  At most BLAME_MAX_PIECES failed pieces are kept; more are
 * forgotten (nobody is blamed for them).
 */
#ifndef BT_BLAME_H
#define BT_BLAME_H

#include <stddef.h>
#include <stdint.h>

#define BLAME_MAX_PIECES	8
#define BLAME_BLOCK_LEN		16384
#define BLAME_NOBODY		UINT32_MAX	/* a block nobody sent */

struct blame;

struct blame	*blame_new(void);
void		 blame_free(struct blame *b);

/*
 * Piece `piece' (size bytes of data) failed; sender[i] is the peer that
 * sent block i (nblocks of them, BLAME_NOBODY for none).  Returns the sole
 * sender to blame now, or BLAME_NOBODY when several sent blocks (the data
 * is kept for blame_piece_passed) or none did.
 */
uint32_t	 blame_piece_failed(struct blame *b, uint32_t piece,
		    const uint8_t *data, uint32_t size, const uint32_t *sender,
		    uint32_t nblocks);
/*
 * Piece `piece' passed with this data: writes to ids_out the distinct
 * senders of blocks that differ from a kept failed copy (at most max) and
 * returns how many; 0 when no failed copy was kept.  The copy is dropped.
 */
size_t		 blame_piece_passed(struct blame *b, uint32_t piece,
		    const uint8_t *data, uint32_t size, uint32_t *ids_out,
		    size_t max);

#endif

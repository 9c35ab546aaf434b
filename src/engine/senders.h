/*
 * senders: who sent each block of the pieces verified lately.  The picker
 * forgets a piece's blocks once it is verified; the piece detail (the
 * Pieces view's Enter) still names the peer of each block, for the last
 * SENDERS_MAX_PIECES pieces verified (older ones are forgotten: a piece
 * had before this session has no senders either).
 */
#ifndef BT_SENDERS_H
#define BT_SENDERS_H

#include <stddef.h>
#include <stdint.h>

#define SENDERS_MAX_PIECES	128
#define SENDERS_NOBODY		UINT32_MAX	/* a block nobody sent */

struct senders;

/* NULL when out of memory. */
struct senders	*senders_new(void);
/* NULL is a no-op. */
void		 senders_free(struct senders *s);

/*
 * Piece `piece' was verified; sender[i] is the peer that sent block i
 * (nblocks of them, SENDERS_NOBODY for none).  The array is copied; the
 * piece's older entry, or the oldest entry when all are taken, goes.
 * BT_OK, or BT_ERR_NOMEM (nothing kept for the piece).
 */
int		 senders_note(struct senders *s, uint32_t piece,
		    const uint32_t *sender, uint32_t nblocks);
/* The sender of block `block' of piece `piece', or SENDERS_NOBODY when
 * the piece (or the block) is not kept.  Only meaningful while we have
 * the piece: the caller asks for pieces it has. */
uint32_t	 senders_get(const struct senders *s, uint32_t piece,
		    uint32_t block);

#endif

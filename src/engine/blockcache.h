/*
 * blockcache: in-memory buffers for pieces being downloaded.  Blocks are
 * copied in as they arrive; a complete piece is hashed from memory and
 * written to disk in one go, so nothing is read back to verify it.  Freed
 * buffers are kept on a short free list to avoid malloc churn at high rates.
 */
#ifndef BT_BLOCKCACHE_H
#define BT_BLOCKCACHE_H

#include <stddef.h>
#include <stdint.h>

/* Buffers of finished pieces are kept for the next ones, up to
 * BLOCKCACHE_SPARE_MAX of them and BLOCKCACHE_SPARE_BYTES in all: a
 * download keeps about as many pieces in flight (being received, waiting
 * for the disk), and each buffer mapped anew costs page faults and the
 * kernel's zeroing.  Spares never raise the peak: they are buffers that
 * were in use at once.  blockcache_trim gives them back when the download
 * is over, so a seed holds none. */
#define BLOCKCACHE_SPARE_MAX	64
#define BLOCKCACHE_SPARE_BYTES	(32u * 1024 * 1024)

struct blockcache_piece {
	uint32_t	 piece;
	uint32_t	 size;
	uint8_t		*data;		/* NULL until blockcache_buffer */
};

struct blockcache;

/* piece_length: the size of every buffer (the last piece uses less).
 * zeroed: buffers start as zeros, for a torrent with pad files (BEP 47:
 * pad blocks are never received, and the piece hashes right only if they
 * are zeros); otherwise a new buffer's bytes are whatever they were, and
 * only the blocks copied in count (zeroing 1 MiB per piece cost ~4 % of a
 * download's CPU). */
struct blockcache *blockcache_new(uint32_t piece_length, int zeroed);
void		 blockcache_free(struct blockcache *c);
/* The entry of `piece' (size bytes), created when missing, with no buffer
 * yet: a piece asked for holds no memory until its first block comes.
 * NULL when out of memory.  The pointer stays valid until blockcache_drop
 * of that piece. */
struct blockcache_piece *blockcache_get(struct blockcache *c, uint32_t piece,
		    uint32_t size);
/* bp's buffer, taken (a spare, or new pages; zeros if zeroed) when it has
 * none; NULL when out of memory. */
uint8_t		*blockcache_buffer(struct blockcache *c,
		    struct blockcache_piece *bp);
/* The buffer of `piece' or NULL. */
struct blockcache_piece *blockcache_find(struct blockcache *c, uint32_t piece);
void		 blockcache_drop(struct blockcache *c, uint32_t piece);
/* Frees the spare buffers (the live ones stay). */
void		 blockcache_trim(struct blockcache *c);
/* Drops every buffer for which keep(arg, piece) returns 0. */
void		 blockcache_prune(struct blockcache *c,
		    int (*keep)(void *arg, uint32_t piece), void *arg);
/* Pieces held, and bytes of their buffers and the spares (for the status
 * line and RSS checks). */
size_t		 blockcache_count(const struct blockcache *c);
size_t		 blockcache_bytes(const struct blockcache *c);

#endif

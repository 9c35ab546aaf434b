/*
 * bitfield: one bit per piece, in the BEP 3 wire layout (the high bit of
 * byte 0 is piece 0), with a running count of set bits.  Spare bits past
 * nbits in the last byte are always zero, so the bytes can go on the wire
 * as they are.  Embedded by value; the members are private.
 */
#ifndef BT_BITFIELD_H
#define BT_BITFIELD_H

#include <stddef.h>
#include <stdint.h>

struct bitfield {		/* members are private: use bitfield_*() */
	uint8_t		*bits;		/* ceil(nbits / 8) bytes, NULL if 0 */
	uint32_t	 nbits, count;
};

/* nbits bits, all clear.  BT_OK, or BT_ERR_NOMEM (then *bf is an empty,
 * valid bitfield of 0 bits). */
int	bitfield_init(struct bitfield *bf, uint32_t nbits);
/* Frees the bits; *bf is left as an empty bitfield of 0 bits. */
void	bitfield_cleanup(struct bitfield *bf);

/* 1 when bit i is set; 0 when clear or i >= nbits. */
int	bitfield_get(const struct bitfield *bf, uint32_t i);
/* Set or clear bit i, keeping the count; i >= nbits is ignored. */
void	bitfield_set(struct bitfield *bf, uint32_t i);
void	bitfield_clear(struct bitfield *bf, uint32_t i);
/* Sets every bit (spare bits stay zero). */
void	bitfield_set_all(struct bitfield *bf);

uint32_t	bitfield_nbits(const struct bitfield *bf);
/* Number of set bits, O(1). */
uint32_t	bitfield_count(const struct bitfield *bf);
/* 1 when every bit is set (also for a bitfield of 0 bits). */
int	bitfield_complete(const struct bitfield *bf);

/*
 * Replaces the bits with bytes[0..len), a BITFIELD message payload (BEP 3).
 * len must be exactly ceil(nbits / 8) and the spare bits must be zero, else
 * BT_ERR_FORMAT and *bf is unchanged.  The count is recomputed.
 */
int	bitfield_from_bytes(struct bitfield *bf, const uint8_t *bytes,
	    size_t len);
/* The bytes in wire layout, bitfield_nbytes() of them (NULL when 0); valid
 * until the next change or cleanup. */
const uint8_t	*bitfield_bytes(const struct bitfield *bf);
size_t	bitfield_nbytes(const struct bitfield *bf);

/* Bits outside a struct bitfield (masks, resume records, journal batches)
 * in the same layout: bit i is 0x80 >> (i % 8) of byte i / 8.  No bounds
 * and no count: the caller sized bits. */
static inline int
bits_get(const uint8_t *bits, uint32_t i)
{
	return (bits[i >> 3] & (0x80 >> (i & 7))) != 0;
}

static inline void
bits_set(uint8_t *bits, uint32_t i)
{
	bits[i >> 3] |= (uint8_t)(0x80 >> (i & 7));
}

static inline void
bits_clear(uint8_t *bits, uint32_t i)
{
	bits[i >> 3] &= (uint8_t)~(0x80 >> (i & 7));
}

#endif

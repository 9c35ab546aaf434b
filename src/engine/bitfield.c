/*
 * Bitfield in BEP 3 layout.  Invariants: count is the number of set bits
 * among the first nbits, and the spare bits of the last byte are zero (so
 * a recount may look at whole bytes).
 */
#include "bitfield.h"

#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"

static size_t
nbytes_for(uint32_t nbits)
{
	return ((size_t)nbits + 7) / 8;
}

/* Bits of the last byte that lie past nbits. */
static uint8_t
spare_mask(uint32_t nbits)
{
	return (nbits & 7) == 0 ? 0 : (uint8_t)(0xff >> (nbits & 7));
}

static uint32_t
popcount_bytes(const uint8_t *p, size_t n)
{
	uint64_t	w;
	uint32_t	c = 0;
	size_t		i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		c += (uint32_t)__builtin_popcountll(w);
	}
	for (; i < n; i++)
		c += (uint32_t)__builtin_popcount(p[i]);
	return c;
}

int
bitfield_init(struct bitfield *bf, uint32_t nbits)
{
	size_t	n = nbytes_for(nbits);

	memset(bf, 0, sizeof(*bf));
	if (n == 0)
		return BT_OK;
	if ((bf->bits = calloc(n, 1)) == NULL)
		return BT_ERR_NOMEM;
	bf->nbits = nbits;
	return BT_OK;
}

void
bitfield_cleanup(struct bitfield *bf)
{
	free(bf->bits);
	memset(bf, 0, sizeof(*bf));
}

int
bitfield_get(const struct bitfield *bf, uint32_t i)
{
	if (i >= bf->nbits)
		return 0;
	return bits_get(bf->bits, i);
}

void
bitfield_set(struct bitfield *bf, uint32_t i)
{
	uint8_t	m;

	if (i >= bf->nbits)
		return;
	m = (uint8_t)(0x80 >> (i & 7));
	if ((bf->bits[i >> 3] & m) == 0) {
		bf->bits[i >> 3] |= m;
		bf->count++;
	}
}

void
bitfield_clear(struct bitfield *bf, uint32_t i)
{
	uint8_t	m;

	if (i >= bf->nbits)
		return;
	m = (uint8_t)(0x80 >> (i & 7));
	if ((bf->bits[i >> 3] & m) != 0) {
		bf->bits[i >> 3] &= (uint8_t)~m;
		bf->count--;
	}
}

void
bitfield_set_all(struct bitfield *bf)
{
	size_t	n = nbytes_for(bf->nbits);

	if (n == 0)
		return;
	memset(bf->bits, 0xff, n);
	bf->bits[n - 1] &= (uint8_t)~spare_mask(bf->nbits);
	bf->count = bf->nbits;
}

uint32_t
bitfield_nbits(const struct bitfield *bf)
{
	return bf->nbits;
}

uint32_t
bitfield_count(const struct bitfield *bf)
{
	return bf->count;
}

int
bitfield_complete(const struct bitfield *bf)
{
	return bf->count == bf->nbits;
}

int
bitfield_from_bytes(struct bitfield *bf, const uint8_t *bytes, size_t len)
{
	size_t	n = nbytes_for(bf->nbits);

	if (len != n)
		return BT_ERR_FORMAT;
	if (n == 0)
		return BT_OK;
	/* BEP 3: "Spare bits at the end are set to zero." */
	if ((bytes[n - 1] & spare_mask(bf->nbits)) != 0)
		return BT_ERR_FORMAT;
	memcpy(bf->bits, bytes, n);
	bf->count = popcount_bytes(bf->bits, n);
	return BT_OK;
}

const uint8_t *
bitfield_bytes(const struct bitfield *bf)
{
	return bf->bits;
}

size_t
bitfield_nbytes(const struct bitfield *bf)
{
	return nbytes_for(bf->nbits);
}

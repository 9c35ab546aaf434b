/*
 * libFuzzer target for journal_parse.  The info-hash and piece count are
 * taken from the input's own header (so that records get read), the count
 * capped to keep the bitfields small.  A journal that parses sets no bit
 * past its pieces, counts exactly the bits it set, and its good prefix
 * (valid_bytes) parses again to the same bits with nothing torn.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/journal.h"
#include "ipc/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_PIECES	4096u

static uint32_t
count_bits(const uint8_t *b, size_t n)
{
	uint32_t	c = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		c += (uint32_t)__builtin_popcount(b[i]);
	return c;
}

static void
check_spare(const uint8_t *b, size_t n, uint32_t num_pieces)
{
	size_t	i;

	for (i = num_pieces / 8 + (num_pieces % 8 != 0); i < n; i++)
		if (b[i] != 0)
			abort();
	if (num_pieces % 8 != 0 &&
	    (b[num_pieces / 8] & (0xffu >> (num_pieces % 8))) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t		bits[MAX_PIECES / 8 + 1], wbits[sizeof(bits)];
	static uint8_t		bits2[sizeof(bits)], wbits2[sizeof(bits)];
	struct journal_stats	st, st2;
	uint8_t			ih[JOURNAL_HASH_LEN];
	uint32_t		np;
	int			r;

	if (size < JOURNAL_HEADER_LEN)
		return 0;
	memcpy(ih, data + 8, sizeof(ih));
	np = (uint32_t)data[28] << 24 | (uint32_t)data[29] << 16 |
	    (uint32_t)data[30] << 8 | data[31];
	if (np > MAX_PIECES)
		return 0;
	memset(bits, 0, sizeof(bits));
	memset(wbits, 0, sizeof(wbits));
	r = journal_parse(data, size, ih, np, bits, sizeof(bits), wbits, &st);
	if (r == BT_ERR_FORMAT) {
		if (count_bits(bits, sizeof(bits)) != 0 ||
		    count_bits(wbits, sizeof(wbits)) != 0)
			abort();
		return 0;
	}
	if (r != BT_OK || st.valid_bytes < JOURNAL_HEADER_LEN ||
	    st.valid_bytes > size || st.torn != (st.valid_bytes < size) ||
	    st.pieces != count_bits(bits, sizeof(bits)) ||
	    st.written != count_bits(wbits, sizeof(wbits)))
		abort();
	check_spare(bits, sizeof(bits), np);
	check_spare(wbits, sizeof(wbits), np);
	memset(bits2, 0, sizeof(bits2));
	memset(wbits2, 0, sizeof(wbits2));
	if (journal_parse(data, (size_t)st.valid_bytes, ih, np, bits2,
	    sizeof(bits2), wbits2, &st2) != BT_OK || st2.torn ||
	    st2.records != st.records || st2.valid_bytes != st.valid_bytes ||
	    memcmp(bits, bits2, sizeof(bits)) != 0 ||
	    memcmp(wbits, wbits2, sizeof(wbits)) != 0)
		abort();
	return 0;
}

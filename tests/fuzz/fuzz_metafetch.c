/*
 * libFuzzer target for src/engine/metafetch: the input is a script of
 * peer events (4 bytes each: op, peer, a 16-bit argument) against a fetch
 * of a fixed 40,000-byte metadata.  Peers lie about sizes, send junk,
 * wrong lengths, unasked pieces and rejects, leave, and the clock jumps.
 * Every return must be one the header lists, the progress must stay within
 * bounds, and DONE must hand out exactly the true metadata.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/metafetch.h"
#include "engine/sha1.h"
#include "ipc/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)
#define SIZE		40000
#define PL		METAFETCH_PIECE_LEN

static uint8_t	meta[SIZE], junk[PL + 1], hash[20];
static int	ready;

static const int64_t	sizes[] = { SIZE, SIZE, SIZE, SIZE + 1, SIZE - 1,
	0, -1, 2 * PL, 64 * PL + 5, METAFETCH_MAX_SIZE + 1,
	INT64_MAX, 1 };

static void
init(void)
{
	size_t	i;

	for (i = 0; i < SIZE; i++)
		meta[i] = (uint8_t)(i * 31 + (i >> 9));
	memset(junk, 0x77, sizeof(junk));
	sha1_digest(meta, SIZE, hash);
	ready = 1;
}

static int
one_of(int r, int a, int b, int c, int d, int e)
{
	return r == a || r == b || r == c || r == d || r == e;
}

static void
data(struct metafetch *mf, uint32_t peer, uint16_t arg, int honest)
{
	uint32_t	piece = arg % 5;
	int64_t		total = honest ? SIZE : sizes[(arg >> 3) % 12];
	size_t		len = piece < 2 ? PL : SIZE - 2 * PL;
	int		r;

	if (!honest && (arg & 0x8000))
		len = (arg >> 7) % (PL + 2);
	if (honest && piece > 2)
		return;
	r = metafetch_on_data(mf, peer, piece, total,
	    honest ? meta + piece * PL : junk, len);
	CHECK(r == BT_OK || one_of(r, BT_ERR_HASH, BT_ERR_RANGE,
	    BT_ERR_INVALID, BT_ERR_FORMAT, BT_ERR_PROTO) ||
	    r == BT_ERR_EXISTS);
}

static void
step(struct metafetch *mf, const uint8_t *ev, uint64_t *now)
{
	uint32_t	peer = ev[1] % 8, piece = 99;
	uint16_t	arg = (uint16_t)(ev[2] << 8 | ev[3]);
	int		r;

	switch (ev[0] % 8) {
	case 0:
		r = metafetch_set_size(mf, peer, sizes[arg % 12]);
		CHECK(r == BT_OK || one_of(r, BT_ERR_INVALID, BT_ERR_RANGE,
		    BT_ERR_LIMIT, BT_ERR_EXISTS, BT_ERR_NOMEM));
		break;
	case 1:
		r = metafetch_next_request(mf, peer, *now, &piece);
		CHECK(r == BT_OK ? piece < METAFETCH_MAX_PIECES : piece == 0);
		CHECK(r == BT_OK || one_of(r, BT_ERR_NOTFOUND, BT_ERR_INVALID,
		    BT_ERR_EXISTS, BT_ERR_NOMEM, BT_OK));
		break;
	case 2:
	case 3:
		data(mf, peer, arg, 1);
		break;
	case 4:
		data(mf, peer, arg, 0);
		break;
	case 5:
		r = metafetch_on_reject(mf, peer, arg % 5, *now);
		CHECK(r == BT_OK || r == BT_ERR_PROTO || r == BT_ERR_EXISTS);
		break;
	case 6:
		metafetch_peer_gone(mf, peer);
		break;
	default:
		*now += (uint64_t)arg * 4;
		break;
	}
}

static void
check(const struct metafetch *mf)
{
	const uint32_t	*keys;
	const uint8_t	*p;
	uint32_t	 size, have, n;
	size_t		 len, nk, i;

	metafetch_progress(mf, &size, &have, &n);
	CHECK(size <= METAFETCH_MAX_SIZE && have <= n);
	CHECK(n == (size + PL - 1) / PL);
	nk = metafetch_struck(mf, &keys);
	CHECK(nk <= METAFETCH_MAX_PIECES && (nk == 0) == (keys == NULL));
	for (i = 1; i < nk; i++)
		CHECK(keys[i - 1] < keys[i]);
	if (metafetch_state(mf) != METAFETCH_DONE) {
		CHECK(metafetch_info(mf, &p, &len) == BT_ERR_NOTFOUND);
		return;
	}
	CHECK(metafetch_info(mf, &p, &len) == BT_OK);
	CHECK(len == SIZE && memcmp(p, meta, SIZE) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct metafetch	*mf;
	uint64_t		 now = 1;
	size_t			 i;

	if (!ready)
		init();
	if ((mf = metafetch_new(hash)) == NULL)
		return 0;
	for (i = 0; i + 4 <= size && i < 4 * 4096; i += 4) {
		step(mf, in + i, &now);
		check(mf);
	}
	metafetch_free(mf);
	return 0;
}

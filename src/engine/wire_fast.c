/*
 * The extension side of wire.h that is not message framing: the handshake's
 * reserved bits (BEP 10, BEP 6, BEP 5) and the BEP 6 allowed fast set.
 * Pure functions of their arguments; the set costs one SHA-1 per five
 * candidate indices and is bounded by WIRE_MAX_ALLOWED_FAST.
 */
#include "wire.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <string.h>

#include "engine/sha1.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

/* BEP 6 step (1): ip & 0xffffff00, the top three octets of four. */
#define FAST_IP4_KEEP		3
#define FAST_IP4_LEN		4
/* IPv6 (BEP 6 says nothing): the address keeps its first 48 bits. */
#define FAST_IP6_KEEP		6
#define FAST_IP6_LEN		16
#define FAST_SEED_MAX		(FAST_IP6_LEN + 20)

/* Where each WIRE_F_* flag lives in the reserved bytes. */
static const struct rsv_bit {
	unsigned	flag;
	uint8_t		byte, mask;
} rsv_bits[] = {
	{ WIRE_F_EXT, WIRE_RSV_EXT_BYTE, WIRE_RSV_EXT_MASK },
	{ WIRE_F_FAST, WIRE_RSV_FAST_BYTE, WIRE_RSV_FAST_MASK },
	{ WIRE_F_DHT, WIRE_RSV_DHT_BYTE, WIRE_RSV_DHT_MASK },
};
#define NUM_RSV_BITS	(sizeof(rsv_bits) / sizeof(rsv_bits[0]))

void
wire_reserved_make(unsigned flags, uint8_t out[WIRE_RESERVED_LEN])
{
	size_t	i;

	memset(out, 0, WIRE_RESERVED_LEN);
	for (i = 0; i < NUM_RSV_BITS; i++)
		if (flags & rsv_bits[i].flag)
			out[rsv_bits[i].byte] |= rsv_bits[i].mask;
}

unsigned
wire_handshake_flags(const struct wire_handshake *hs)
{
	unsigned	flags = 0;
	size_t		i;

	for (i = 0; i < NUM_RSV_BITS; i++)
		if (hs->reserved[rsv_bits[i].byte] & rsv_bits[i].mask)
			flags |= rsv_bits[i].flag;
	return flags;
}

int
wire_supports_ext(const struct wire_handshake *hs)
{
	return (wire_handshake_flags(hs) & WIRE_F_EXT) != 0;
}

int
wire_supports_fast(const struct wire_handshake *hs)
{
	return (wire_handshake_flags(hs) & WIRE_F_FAST) != 0;
}

int
wire_supports_dht(const struct wire_handshake *hs)
{
	return (wire_handshake_flags(hs) & WIRE_F_DHT) != 0;
}

/*
 * x = the masked address (BEP 6 step 1); *len_out is its length.  An IPv4
 * address is kept in network order, where & 0xffffff00 zeroes the last
 * octet.
 */
static int
fast_address(const struct sockaddr_storage *sa, uint8_t x[FAST_IP6_LEN],
    size_t *len_out)
{
	const struct sockaddr_in	*s4;
	const struct sockaddr_in6	*s6;
	const uint8_t			*a6;

	*len_out = 0;
	memset(x, 0, FAST_IP6_LEN);
	if (sa->ss_family == AF_INET) {
		s4 = (const struct sockaddr_in *)sa;
		memcpy(x, &s4->sin_addr.s_addr, FAST_IP4_KEEP);
		*len_out = FAST_IP4_LEN;
		return BT_OK;
	}
	if (sa->ss_family != AF_INET6)
		return BT_ERR_INVALID;
	s6 = (const struct sockaddr_in6 *)sa;
	a6 = s6->sin6_addr.s6_addr;
	/* ::ffff:a.b.c.d is an IPv4 peer seen through a dual-stack socket:
	 * it gets the set it would get over IPv4. */
	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		memcpy(x, a6 + 12, FAST_IP4_KEEP);
		*len_out = FAST_IP4_LEN;
		return BT_OK;
	}
	memcpy(x, a6, FAST_IP6_KEEP);
	*len_out = FAST_IP6_LEN;
	return BT_OK;
}

static int
contains(const uint32_t *set, unsigned n, uint32_t v)
{
	unsigned	i;

	for (i = 0; i < n; i++)
		if (set[i] == v)
			return 1;
	return 0;
}

/*
 * The loop ends: want <= num_pieces, so `want' distinct residues exist, and
 * the SHA-1 chain keeps drawing fresh ones (a cycle short enough to starve
 * it would be a SHA-1 break).  With want <= WIRE_MAX_ALLOWED_FAST, even
 * want == num_pieces == 64 takes about 60 digests.
 */
int
wire_allowed_fast(const struct sockaddr_storage *peer_addr,
    const uint8_t info_hash[20], uint32_t num_pieces, unsigned k,
    uint32_t *out, unsigned *n_out)
{
	uint8_t		x[FAST_SEED_MAX], md[SHA1_LEN];
	struct bbuf	digest;
	size_t		xlen;
	unsigned	n = 0, want;
	uint32_t	y;
	int		r;

	*n_out = 0;
	if (k > WIRE_MAX_ALLOWED_FAST)
		return BT_ERR_LIMIT;
	if ((r = fast_address(peer_addr, x, &xlen)) != BT_OK)
		return r;
	memcpy(x + xlen, info_hash, 20);		/* step (2) */
	xlen += 20;
	want = num_pieces < k ? num_pieces : k;
	while (n < want) {
		sha1_digest(x, xlen, md);		/* step (3) */
		memcpy(x, md, SHA1_LEN);
		xlen = SHA1_LEN;
		/* Steps (4) to (9): five big-endian u32s, each % num_pieces. */
		bbuf_view(&digest, md, SHA1_LEN);
		while (n < want && bbuf_get_u32be(&digest, &y) == BT_OK)
			if (!contains(out, n, y % num_pieces))
				out[n++] = y % num_pieces;
	}
	*n_out = n;
	return BT_OK;
}

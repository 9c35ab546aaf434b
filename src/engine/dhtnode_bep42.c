/*
 * BEP 42: the address the nodes we ask see us at (each reply's "ip", one
 * vote per reporting IP, the last DHTNODE_VOTES kept) and the node ids
 * that fit an address (CRC-32C of the masked address in the first 21 bits;
 * local addresses are exempt).
 */
#include "engine/dhtnode.h"

#include <string.h>

#include "engine/dhtnode_impl.h"
#include "ipc/err.h"

/* BEP 42: one dhtnode_vote per reporting IP, the last DHTNODE_VOTES kept. */
void
dhtnode_vote(struct dhtnode *node, const struct caddr *reporter,
    const struct caddr *reported)
{
	size_t	i;

	if (reported->family != AF_INET && reported->family != AF_INET6)
		return;
	for (i = 0; i < node->nvotes; i++)
		if (same_ip(&node->votes[i].reporter, reporter)) {
			node->votes[i].reported = *reported;
			return;
		}
	node->votes[node->vote_next].reporter = *reporter;
	node->votes[node->vote_next].reporter.port = 0;
	node->votes[node->vote_next].reported = *reported;
	node->vote_next = (node->vote_next + 1) % DHTNODE_VOTES;
	if (node->nvotes < DHTNODE_VOTES)
		node->nvotes++;
}

int
dhtnode_external_addr(const struct dhtnode *node, int family,
    struct caddr *out)
{
	size_t	i, k, n, best_n = 0;
	int	best = -1;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < node->nvotes; i++) {
		if (node->votes[i].reported.family != family)
			continue;
		for (k = n = 0; k < node->nvotes; k++)
			n += same_ip(&node->votes[k].reported,
			    &node->votes[i].reported);
		if (n > best_n) {
			best_n = n;
			best = (int)i;
		}
	}
	if (best < 0 || best_n < DHTNODE_VOTES_NEEDED)
		return BT_ERR_NOTFOUND;
	*out = node->votes[best].reported;
	return BT_OK;
}

/* CRC-32C (Castagnoli), bitwise: BEP 42 hashes 4 or 8 bytes at a time. */
static uint32_t
crc32c(const uint8_t *p, size_t n)
{
	uint32_t	crc = 0xffffffffu;
	size_t		i;
	int		k;

	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* BEP 42: crc32c of the masked address with r in the top 3 bits. */
static uint32_t
bep42_crc(const struct caddr *addr, uint8_t r)
{
	static const uint8_t	m4[] = { 0x03, 0x0f, 0x3f, 0xff };
	static const uint8_t	m6[] = { 0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f,
				    0x7f, 0xff };
	const uint8_t		*mask = addr->family == AF_INET ? m4 : m6;
	size_t			 n = addr->family == AF_INET ? 4 : 8, i;
	uint8_t			 ip[8];

	for (i = 0; i < n; i++)
		ip[i] = addr->ip[i] & mask[i];
	ip[0] |= (uint8_t)((r & 7) << 5);
	return crc32c(ip, n);
}

static int
bep42_exempt(const struct caddr *a)
{
	const uint8_t	*ip = a->ip;
	static const uint8_t	loop6[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return ip[0] == 127 || ip[0] == 10 ||
		    (ip[0] == 172 && (ip[1] & 0xf0) == 16) ||
		    (ip[0] == 192 && ip[1] == 168) ||
		    (ip[0] == 169 && ip[1] == 254);
	return memcmp(ip, loop6, 16) == 0 || (ip[0] & 0xfe) == 0xfc ||
	    (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80);
}

int
dhtnode_id_valid(const uint8_t id[DHTNODE_ID_LEN], const struct caddr *addr)
{
	uint32_t	crc;

	if (addr->family != AF_INET && addr->family != AF_INET6)
		return 0;
	if (bep42_exempt(addr))
		return 1;
	crc = bep42_crc(addr, id[19]);
	return id[0] == (uint8_t)(crc >> 24) && id[1] == (uint8_t)(crc >> 16) &&
	    (id[2] & 0xf8) == ((uint8_t)(crc >> 8) & 0xf8);
}

void
dhtnode_id_make(const struct caddr *addr, uint64_t *rng,
    uint8_t id_out[DHTNODE_ID_LEN])
{
	uint32_t	crc;

	random_bytes(rng, id_out, DHTNODE_ID_LEN);
	if (addr->family != AF_INET && addr->family != AF_INET6)
		return;
	crc = bep42_crc(addr, id_out[19]);
	id_out[0] = (uint8_t)(crc >> 24);
	id_out[1] = (uint8_t)(crc >> 16);
	id_out[2] = (uint8_t)(((crc >> 8) & 0xf8) | (id_out[2] & 7));
}

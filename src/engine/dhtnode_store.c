/*
 * dhtnode_store: the peers other nodes announced to us (BEP 5
 * announce_peer), per info-hash, each kept DHTNODE_PEER_TTL_MS after its
 * last announce.  Bounded: DHTNODE_STORE_HASHES info-hashes of at most
 * DHTNODE_STORE_PEERS peers; a full info-hash drops its oldest peer, a
 * full store refuses new info-hashes until some expire.
 */
#include "engine/dhtnode_impl.h"

#include <stdlib.h>
#include <string.h>

#include "engine/rng.h"
#include "ipc/err.h"

static struct store_hash *
store_find(const struct dhtnode *node, const uint8_t ih[DHTNODE_ID_LEN])
{
	size_t	i;

	for (i = 0; i < node->nstore; i++)
		if (memcmp(node->store[i].info_hash, ih, DHTNODE_ID_LEN) == 0)
			return &node->store[i];
	return NULL;
}

static struct store_hash *
store_open(struct dhtnode *node, const uint8_t ih[DHTNODE_ID_LEN])
{
	struct store_hash	*h;
	size_t			 cap;

	if ((h = store_find(node, ih)) != NULL)
		return h;
	if (node->nstore == DHTNODE_STORE_HASHES)
		return NULL;
	if (node->nstore == node->store_cap) {
		cap = node->store_cap == 0 ? 8 : node->store_cap * 2;
		if (cap > DHTNODE_STORE_HASHES)
			cap = DHTNODE_STORE_HASHES;
		if ((h = realloc(node->store, cap * sizeof(*h))) == NULL)
			return NULL;
		node->store = h;
		node->store_cap = cap;
	}
	h = &node->store[node->nstore++];
	memset(h, 0, sizeof(*h));
	memcpy(h->info_hash, ih, DHTNODE_ID_LEN);
	return h;
}

int
dhtnode_store_add(struct dhtnode *node, const uint8_t ih[DHTNODE_ID_LEN],
    const struct caddr *peer, uint64_t now_ms)
{
	struct store_hash	*h;
	struct store_peer	*p;
	size_t			 i, old = 0, cap;

	if ((h = store_open(node, ih)) == NULL)
		return BT_ERR_LIMIT;
	for (i = 0; i < h->n; i++)
		if (caddr_equal(&h->p[i].addr, peer)) {
			h->p[i].seen_ms = now_ms;
			return BT_OK;
		}
	if (h->n == DHTNODE_STORE_PEERS) {
		for (i = 1; i < h->n; i++)
			if (h->p[i].seen_ms < h->p[old].seen_ms)
				old = i;
		h->p[old] = (struct store_peer){ *peer, now_ms };
		return BT_OK;
	}
	if (h->n == h->cap) {
		cap = h->cap == 0 ? 4 : h->cap * 2;
		if (cap > DHTNODE_STORE_PEERS)
			cap = DHTNODE_STORE_PEERS;
		if ((p = realloc(h->p, cap * sizeof(*p))) == NULL)
			return BT_ERR_NOMEM;
		h->p = p;
		h->cap = cap;
	}
	h->p[h->n++] = (struct store_peer){ *peer, now_ms };
	return BT_OK;
}

size_t
dhtnode_store_get(struct dhtnode *node, const uint8_t ih[DHTNODE_ID_LEN],
    int family, struct caddr *out, size_t max)
{
	const struct store_hash	*h;
	size_t			 i, k, n = 0, start;

	if ((h = store_find(node, ih)) == NULL || h->n == 0)
		return 0;
	/* from a random start, so that every peer gets handed out when
	 * there are more than one answer holds */
	start = rng_below(&node->rng, (uint32_t)h->n);
	for (k = 0; k < h->n && n < max; k++) {
		i = (start + k) % h->n;
		if (h->p[i].addr.family == family)
			out[n++] = h->p[i].addr;
	}
	return n;
}

void
dhtnode_store_expire(struct dhtnode *node, uint64_t now_ms)
{
	struct store_hash	*h;
	size_t			 k, i;

	for (k = 0; k < node->nstore; ) {
		h = &node->store[k];
		for (i = 0; i < h->n; )
			if (now_ms > h->p[i].seen_ms &&
			    now_ms - h->p[i].seen_ms >= DHTNODE_PEER_TTL_MS)
				h->p[i] = h->p[--h->n];
			else
				i++;
		if (h->n == 0) {
			free(h->p);
			node->store[k] = node->store[--node->nstore];
		} else
			k++;
	}
}

void
dhtnode_store_count(const struct dhtnode *node, size_t *hashes_out,
    size_t *peers_out)
{
	size_t	i;

	*hashes_out = node->nstore;
	*peers_out = 0;
	for (i = 0; i < node->nstore; i++)
		*peers_out += node->store[i].n;
}

void
dhtnode_store_free(struct dhtnode *node)
{
	size_t	i;

	for (i = 0; i < node->nstore; i++)
		free(node->store[i].p);
	free(node->store);
	node->store = NULL;
	node->nstore = node->store_cap = 0;
}

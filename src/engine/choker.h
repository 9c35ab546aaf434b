/*
 * choker: who may download from us.  Every round (10 s) the `slots'
 * interested peers that give us the best download rate (while leeching) or
 * take the best upload rate (while seeding) are unchoked; one more, the
 * optimistic unchoke, rotates every 30 s, favouring newly connected peers.
 * Snubbed peers do not get a regular slot.  Choke/unchoke messages are
 * queued on the peers' output buffers.
 */
#ifndef BT_CHOKER_H
#define BT_CHOKER_H

#include <stddef.h>
#include <stdint.h>

struct peer;
struct choker;

#define CHOKER_NEW_PEER_MS	60000	/* "newly connected" for optimism */

struct choker	*choker_new(unsigned slots, uint64_t rng_seed);
void		 choker_free(struct choker *c);
void		 choker_set_slots(struct choker *c, unsigned slots);
/* One round over peers[0..n); rotate: pick a new optimistic unchoke. */
void		 choker_round(struct choker *c, struct peer **peers, size_t n,
		    int seeding, int rotate, uint64_t now_ms);
/* A peer became interested: unchoke it at once if a slot is free. */
void		 choker_on_interested(struct choker *c, struct peer **peers,
		    size_t n, struct peer *p);
/*
 * A slot may have come free (an unchoked peer left or lost interest):
 * unchoke the best choked, interested peers until the regular slots and
 * the optimistic one are full again, rather than leaving the upload idle
 * until the next round.
 */
void		 choker_refill(struct choker *c, struct peer **peers, size_t n,
		    int seeding, uint64_t now_ms);
/* p said NOT_INTERESTED: choke it, and give its slot to another. */
void		 choker_on_not_interested(struct choker *c, struct peer **peers,
		    size_t n, struct peer *p, int seeding, uint64_t now_ms);
/* Whether p holds the optimistic unchoke. */
int		 choker_is_optimistic(const struct choker *c,
		    const struct peer *p);
/* Forget a peer that is going away. */
void		 choker_peer_gone(struct choker *c, const struct peer *p);

#endif

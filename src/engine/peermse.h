/*
 * peermse: MSE/PE (message stream encryption) on a peer connection: runs
 * the handshake (mse.h) over the peer's buffers, then leaves the peer
 * reading and writing through its RC4 streams (peer_read and peer_flush
 * do the ciphering) or in plaintext.  The policy (--encryption) is the
 * caller's; this module only wraps bytes.
 */
#ifndef BT_PEERMSE_H
#define BT_PEERMSE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/mse.h"

struct peer;

/* We dialled p: starts the initiator for info_hash, offering RC4 (and
 * plaintext unless rc4_only), with our BitTorrent handshake ia[0..ia_len)
 * inside; its first bytes are queued in p->out.  BT_OK, or BT_ERR_NOMEM
 * (p untouched). */
int	peermse_start_outgoing(struct peer *p, const uint8_t info_hash[20],
	    int rc4_only, const void *ia, size_t ia_len);

/* p dialled us with an MSE handshake: starts the responder, which takes
 * RC4 (and plaintext unless rc4_only) and finds the torrent through
 * lookup(arg, ...) (arg must outlive the handshake).  BT_OK or
 * BT_ERR_NOMEM. */
int	peermse_start_incoming(struct peer *p, int rc4_only,
	    mse_lookup_fn lookup, void *arg);

/*
 * Runs the handshake over what p->in holds.  BT_ERR_INCOMPLETE: wait for
 * more bytes.  BT_OK: done; p->crypto says how the payload travels, and
 * p->in holds the payload read so far, in plaintext (for the responder,
 * led by the initiator's BitTorrent handshake, which came inside MSE).
 * Any other value: the handshake failed and p is marked dead
 * (PEER_FAIL_MSE with the reason, or PEER_FAIL_PLAIN_ANSWER when we
 * dialled and the peer sent a plaintext handshake).  Called with no
 * handshake running: BT_OK.
 */
int	peermse_feed(struct peer *p);

#endif

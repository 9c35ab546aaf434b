/*
 * The MSE handshake on a peer: mse_feed between p->in and p->out, then
 * the switch to the payload.  Until the switch every byte in p->out is
 * the handshake's own (already on-wire form: peer_seal marks it so); after
 * it, RC4 applies to what is queued later.
 */
#include "engine/peermse.h"

#include <stdlib.h>
#include <string.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "engine/peer.h"

int
peermse_start_outgoing(struct peer *p, const uint8_t info_hash[20],
    int rc4_only, const void *ia, size_t ia_len)
{
	struct mse	*m;

	m = mse_new_initiator(info_hash, rc4_only ? MSE_RC4 :
	    MSE_RC4 | MSE_PLAINTEXT, ia, ia_len, NULL);
	if (m == NULL)
		return BT_ERR_NOMEM;
	p->mse = m;
	p->crypto = PEER_CRYPTO_MSE;
	p->mse_tried = 1;
	(void)peermse_feed(p);	/* Ya and PadA: nothing to read yet */
	return BT_OK;
}

int
peermse_start_incoming(struct peer *p, int rc4_only, mse_lookup_fn lookup,
    void *arg)
{
	struct mse	*m;

	m = mse_new_responder(rc4_only ? MSE_RC4 : MSE_RC4 | MSE_PLAINTEXT,
	    lookup, arg, NULL);
	if (m == NULL)
		return BT_ERR_NOMEM;
	p->mse = m;
	p->crypto = PEER_CRYPTO_MSE;
	return BT_OK;
}

/* The handshake is through: keep the RC4 streams, decrypt what came after
 * it and, for the responder, put the initiator's handshake (IA) first. */
static int
switch_to_payload(struct peer *p)
{
	struct mse_result	 res;
	struct bbuf		 rest;
	uint8_t			*d;
	size_t			 n = bbuf_len(&p->in);
	int			 r;

	if ((r = mse_get_result(p->mse, &res)) != BT_OK)
		return r;
	if (res.method == MSE_RC4) {
		if ((p->enc = malloc(2 * sizeof(*p->enc))) == NULL)
			return BT_ERR_NOMEM;
		p->enc[0] = res.enc;
		p->enc[1] = res.dec;
		p->dec = &p->enc[1];
		if (n > 0) {
			d = bbuf_mut(&p->in);
			rc4_crypt(p->dec, d, d, n);
		}
	}
	if (res.ia_len > 0) {
		bbuf_init(&rest, n + 1);
		if ((r = bbuf_put_bytes(&rest, bbuf_ptr(&p->in), n)) !=
		    BT_OK) {
			bbuf_cleanup(&rest);
			return r;
		}
		bbuf_reset(&p->in);
		if ((r = bbuf_put_bytes(&p->in, res.ia, res.ia_len)) ==
		    BT_OK && n > 0)
			r = bbuf_put_bytes(&p->in, bbuf_ptr(&rest), n);
		bbuf_cleanup(&rest);
		if (r != BT_OK)
			return r;
	}
	/* what mse queued is on-wire already; RC4 starts after it */
	peer_seal(p);
	p->crypto = res.method == MSE_RC4 ? PEER_CRYPTO_RC4 :
	    PEER_CRYPTO_MSE_PLAIN;
	memset(&res, 0, sizeof(res));
	mse_free(p->mse);
	p->mse = NULL;
	return BT_OK;
}

int
peermse_feed(struct peer *p)
{
	int	r;

	if (p->mse == NULL)
		return BT_OK;
	/* Many clients send their handshake as soon as they accept: one
	 * without MSE says so at once (mse keeps Yb's bytes until it has all
	 * 96 of them, so this is what the peer sent first). */
	if (p->outgoing && mse_looks_plaintext(&p->in) == 1) {
		peer_fail(p, PEER_FAIL_PLAIN_ANSWER, 0);
		return BT_ERR_PROTO;
	}
	r = mse_feed(p->mse, &p->in, &p->out);
	peer_seal(p);
	if (r == BT_ERR_INCOMPLETE)
		return r;
	if (r == BT_OK && (r = switch_to_payload(p)) == BT_OK)
		return BT_OK;
	peer_fail(p, PEER_FAIL_MSE, r == BT_ERR_NOMEM || r == BT_ERR_LIMIT ?
	    (int)MSE_FAIL_LOCAL : (int)mse_failure(p->mse));
	return r;
}

/*
 * peerext: BEP 10 extended messages of one connection (see peerext.h).
 */
#include "engine/peerext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "engine/engine.h"
#include "engine/extmsg.h"
#include "engine/metainfo.h"
#include "engine/peer.h"
#include "engine/pex.h"
#include "engine/torrent_impl.h"
#include "engine/wire.h"

/* Metadata pieces we serve to one peer while its output holds this much:
 * past it, a request is rejected and the peer asks again later. */
#define SERVE_OUT_MAX		(1024u * 1024)

static int
is_private(const struct torrent *t)
{
	return t->meta != NULL ? t->meta->private_flag : 0;
}

/* No peer exchange: a private torrent (BEP 27), or --no-pex. */
static int
no_pex(const struct torrent *t)
{
	return is_private(t) || t->env->cfg->no_pex;
}

void
peerext_send_handshake(struct torrent *t, struct peer *p)
{
	struct extmsg_handshake	hs;
	unsigned		exts = EXTMSG_HS_UT_METADATA;

	if (!no_pex(t))
		exts |= EXTMSG_HS_UT_PEX;
	extmsg_handshake_ours(&hs, exts, t->env->port, t->meta != NULL ?
	    (int64_t)t->meta->info_len : -1, PEER_MAX_PIPELINE);
	(void)extmsg_handshake_set_yourip(&hs, &p->addr.ss, p->addr.len);
	if (extmsg_handshake_encode(&p->out, &hs) != BT_OK)
		peer_kill(p, "cannot queue the extended handshake");
}

int
peerext_listen_addr(const struct peer *p, struct peer_addr *out)
{
	*out = p->addr;
	if (p->outgoing)
		return BT_OK;
	if (!(p->ext.flags & EXTMSG_HS_P) || p->ext.port == 0 ||
	    peer_addr_set_port(out, p->ext.port) != BT_OK)
		return BT_ERR_NOTFOUND;
	return BT_OK;
}

static void
on_handshake(struct torrent *t, struct peer *p, const uint8_t *body,
    size_t len)
{
	struct extmsg_handshake	hs;
	struct known_peer	*k;
	struct peer_addr	a;
	char			why[128];
	int			r;

	if ((r = extmsg_handshake_decode(body, len, &hs, why,
	    sizeof(why))) != BT_OK) {
		peer_kill(p, "bad extended handshake: %s", why);
		return;
	}
	if (p->ext_known)
		extmsg_handshake_merge(&p->ext, &hs);
	else
		p->ext = hs;
	p->ext_known = 1;
	/* A client its peer id does not name says who it is in `v'. */
	if (p->ext.client[0] != '\0' && strncmp(p->client, "unknown", 7) == 0)
		snprintf(p->client, sizeof(p->client), "%.*s",
		    (int)sizeof(p->client) - 1, p->ext.client);
	/* An incoming peer's listening address can be dialled again and
	 * passed on by PEX. */
	if (!p->outgoing && peerext_listen_addr(p, &a) == BT_OK &&
	    (k = torrent_known_add(t, &a, TORRENT_SRC_INCOMING)) != NULL)
		k->connected = 1;	/* not to be dialled while here */
	if (t->meta == NULL)
		torrent_magnet_on_peer(t, p);
}

static void
serve_metadata(struct torrent *t, struct peer *p, uint32_t piece)
{
	uint32_t	size, len;
	int		r;

	if (p->ext.ut_metadata == 0)
		return;		/* it cannot hear the answer */
	size = t->meta != NULL ? (uint32_t)t->meta->info_len : 0;
	len = extmsg_metadata_piece_len(size, piece);
	if (t->meta == NULL || len == 0 || bbuf_len(&p->out) > SERVE_OUT_MAX)
		r = extmsg_put_metadata_reject(&p->out, p->ext.ut_metadata,
		    piece);
	else
		r = extmsg_put_metadata_data(&p->out, p->ext.ut_metadata,
		    piece, size, t->meta->info + (size_t)piece *
		    EXTMSG_METADATA_PIECE, len);
	if (r != BT_OK)
		peer_kill(p, "output buffer full");
}

static void
on_metadata(struct torrent *t, struct peer *p, const uint8_t *body,
    size_t len)
{
	struct extmsg_metadata	m;
	char			why[128];

	if (extmsg_metadata_decode(body, len, &m, why, sizeof(why)) !=
	    BT_OK) {
		peer_kill(p, "bad ut_metadata message: %s", why);
		return;
	}
	switch (m.type) {
	case EXTMSG_METADATA_REQUEST:
		serve_metadata(t, p, m.piece);
		break;
	case EXTMSG_METADATA_DATA:
	case EXTMSG_METADATA_REJECT:
		/* Late answers (the metadata is here) are no harm. */
		if (t->meta == NULL)
			torrent_magnet_on_metadata(t, p, &m);
		break;
	default:
		break;		/* BEP 9: ignore unknown types */
	}
}

static void
on_pex(struct torrent *t, struct peer *p, const uint8_t *body, size_t len)
{
	struct pex_msg		*m;
	struct known_peer	*k;
	char			 why[128];
	size_t			 i;

	if (no_pex(t))
		return;		/* BEP 27 or --no-pex: we never asked for it */
	if ((m = malloc(sizeof(*m))) == NULL)
		return;
	if (pex_decode(body, len, m, why, sizeof(why)) != BT_OK) {
		peer_kill(p, "bad ut_pex message: %s", why);
		free(m);
		return;
	}
	for (i = 0; i < m->nadded; i++) {
		if ((k = torrent_known_add_caddr(t, &m->added[i].addr,
		    TORRENT_SRC_PEX)) == NULL)
			continue;
		/* BEP 11 0x02: a seed, not to be dialled while we seed (no
		 * flag is no news: "added.f" is optional) */
		if ((m->added[i].flags & PEX_F_SEED) && !k->connected)
			k->seed = 1;
	}
	free(m);
}

void
peerext_on_message(struct torrent *t, struct peer *p,
    const struct wire_msg *m)
{
	/* wire has split off the extended id already. */
	const uint8_t	*body = m->data;
	size_t		 len = m->data_len;
	uint8_t		 id = m->ext_id;

	if (id == EXTMSG_HANDSHAKE_ID)
		on_handshake(t, p, body, len);
	else if (!p->ext_known)
		peer_kill(p, "extended message before the extended handshake");
	else if (id == EXTMSG_OUR_UT_METADATA)
		on_metadata(t, p, body, len);
	else if (id == EXTMSG_OUR_UT_PEX)
		on_pex(t, p, body, len);
	/* other ids: extensions we did not announce; ignored */
}

/* ---- sending PEX ---- */

/* The listening addresses of the active connections. */
static size_t
pex_current(struct torrent *t, struct pex_peer *out, size_t max)
{
	struct peer_addr	 a;
	size_t			 i, n = 0;

	for (i = 0; i < t->npeers && n < max; i++) {
		struct peer *p = t->peers[i];

		if (p->state != PEER_ACTIVE ||
		    peerext_listen_addr(p, &a) != BT_OK ||
		    caddr_from_sockaddr(&a.ss, a.len,
		    &out[n].addr) != BT_OK || out[n].addr.port == 0)
			continue;
		/* BEP 11's flags, as libtorrent sets them: uTP and RC4
		 * for a connection that uses them */
		out[n].flags = (uint8_t)((p->outgoing ? PEX_F_REACHABLE : 0) |
		    (bitfield_complete(&p->have) ? PEX_F_SEED : 0) |
		    (p->utp != NULL ? PEX_F_UTP : 0) |
		    (p->crypto == PEER_CRYPTO_RC4 ? PEX_F_ENCRYPT : 0));
		n++;
	}
	return n;
}

/* Entries of a not in b (nor self) into out, at most PEX_SEND_MAX. */
static size_t
pex_minus(const struct pex_peer *a, size_t na, const struct caddr *b,
    size_t nb, const struct caddr *self, struct pex_peer *out)
{
	size_t	i, j, n = 0;

	for (i = 0; i < na && n < PEX_SEND_MAX; i++) {
		if (self != NULL && caddr_equal(&a[i].addr, self))
			continue;
		for (j = 0; j < nb && !caddr_equal(&a[i].addr, &b[j]); j++)
			;
		if (j == nb)
			out[n++] = a[i];
	}
	return n;
}

/* What p was told and is gone from cur, into out. */
static size_t
pex_gone(const struct peer *p, const struct pex_peer *cur, size_t ncur,
    struct pex_peer *out)
{
	size_t	i, j, n = 0;

	for (i = 0; i < p->npex_told && n < PEX_SEND_MAX; i++) {
		for (j = 0; j < ncur && !caddr_equal(&p->pex_told[i],
		    &cur[j].addr); j++)
			;
		if (j == ncur) {
			out[n].addr = p->pex_told[i];
			out[n++].flags = 0;
		}
	}
	return n;
}

/* p now knows what cur holds (as far as we told it). */
static void
pex_remember(struct peer *p, const struct pex_peer *cur, size_t ncur)
{
	struct caddr	*n;
	size_t		 i;

	if ((n = realloc(p->pex_told, (ncur + 1) * sizeof(*n))) == NULL)
		return;
	for (i = 0; i < ncur; i++)
		n[i] = cur[i].addr;
	p->pex_told = n;
	p->npex_told = ncur;
}

/* Time for p's PEX: a few seconds after it connected (so that a new
 * leecher learns the swarm at once), then once a minute. */
static int
pex_due(const struct peer *p, uint64_t now)
{
	if (p->state != PEER_ACTIVE || !p->ext_known || p->ext.ut_pex == 0)
		return 0;
	if (p->pex_ms == 0)
		return now - p->connected_ms >= PEEREXT_PEX_FIRST_MS;
	return now - p->pex_ms >= PEEREXT_PEX_MS;
}

void
peerext_pex_round(struct torrent *t)
{
	struct pex_peer		*cur = NULL, added[PEX_SEND_MAX],
				 dropped[PEX_SEND_MAX];
	struct peer_addr	 a;
	struct caddr		 self, *selfp;
	uint64_t		 now = t->env->now_ms;
	size_t			 ncur = 0, i, na, nd;

	if (no_pex(t))
		return;
	for (i = 0; i < t->npeers; i++) {
		struct peer *p = t->peers[i];

		if (!pex_due(p, now))
			continue;
		if (cur == NULL) {
			if ((cur = calloc(TORRENT_PEX_MAX,
			    sizeof(*cur))) == NULL)
				return;
			ncur = pex_current(t, cur, TORRENT_PEX_MAX);
		}
		selfp = peerext_listen_addr(p, &a) == BT_OK &&
		    caddr_from_sockaddr(&a.ss, a.len, &self) == BT_OK ?
		    &self : NULL;
		na = pex_minus(cur, ncur, p->pex_told, p->npex_told, selfp,
		    added);
		nd = pex_gone(p, cur, ncur, dropped);
		p->pex_ms = now;
		if (na == 0 && nd == 0)
			continue;	/* BEP 11: no empty messages */
		if (pex_encode(&p->out, p->ext.ut_pex, added, na, dropped, nd,
		    NULL, NULL) != BT_OK) {
			peer_kill(p, "output buffer full");
			continue;
		}
		pex_remember(p, cur, ncur);
	}
	free(cur);
}

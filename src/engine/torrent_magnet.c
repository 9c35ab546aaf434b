/*
 * torrent_magnet: a torrent added as a magnet link, before it knows its
 * metainfo (t->meta is NULL).  It announces to the link's trackers, dials
 * the link's peers and whoever the trackers and PEX name, and fetches the
 * info dictionary from peers that have it (BEP 9, ut_metadata) through
 * metafetch.  When the SHA-1 matches, the .torrent made of it replaces the
 * link in the session, the metainfo is attached and the torrent goes on
 * as any other, keeping its connections: what each peer said it has
 * before (kept raw) becomes its bitfield.
 */
#include "engine/torrent_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/fmt.h"
#include "ipc/msg.h"
#include "engine/bitfield.h"
#include "engine/extmsg.h"
#include "engine/magnet.h"
#include "engine/metafetch.h"
#include "engine/metainfo.h"
#include "engine/peerext.h"
#include "engine/peerproto.h"
#include "engine/picker.h"
#include "engine/wire.h"

/* A BITFIELD before the metadata: for at most METAFETCH_MAX_SIZE / 20
 * pieces, the most an info dictionary we fetch can describe. */
#define EARLY_BITS_MAX	(METAFETCH_MAX_SIZE / 20 / 8 + 1)

int
torrent_magnet_new(struct torrent *t, struct magnet *mag, char *err,
    size_t errlen)
{
	struct metainfo_tier	tier;
	size_t			i;
	int			r;

	t->magnet = mag;
	memcpy(t->info_hash, mag->info_hash, sizeof(t->info_hash));
	if ((t->fetch = metafetch_new(mag->info_hash)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return BT_ERR_NOMEM;
	}
	/* One tier: each tracker is tried in turn until one answers. */
	tier.urls = mag->trackers;
	tier.n = mag->ntrackers;
	if ((r = torrent_start_tracker(t, &tier, mag->ntrackers > 0 ? 1 : 0,
	    err, errlen)) != BT_OK)
		return r;
	for (i = 0; i < mag->npeers; i++) {
		const struct magnet_peer *mp = &mag->peers[i];
		struct caddr		  ea;

		if (mp->family == 0 || caddr_from_bytes(mp->addr,
		    mp->family == AF_INET ? 4 : 16, mp->port, &ea) != BT_OK) {
			torrent_log(t, MSG_LOG_WARN, "x.pe %s: only numeric "
			    "addresses are dialled", mp->host);
			continue;
		}
		(void)torrent_known_add_caddr(t, &ea, TORRENT_SRC_MANUAL);
	}
	return BT_OK;
}

void
torrent_magnet_free(struct torrent *t)
{
	metafetch_free(t->fetch);
	magnet_free(t->magnet);
	free(t->init_prio);
	t->fetch = NULL;
	t->magnet = NULL;
	t->init_prio = NULL;
	t->ninit_prio = 0;
}

const char *
torrent_magnet_name(const struct torrent *t)
{
	if (t->magnet == NULL)
		return "";
	if (t->magnet->name != NULL && t->magnet->name[0] != '\0')
		return t->magnet->name;
	return t->magnet->info_hash_hex;
}

uint64_t
torrent_magnet_left(const struct torrent *t)
{
	return t->magnet != NULL && t->magnet->length > 0 ?
	    t->magnet->length : 1;
}

/* ---- before the metadata: what peers say they have, kept raw ---- */

static int
early_grow(struct peer *p, size_t len)
{
	uint8_t	*n;

	if (len <= p->early_len)
		return BT_OK;
	if (len > EARLY_BITS_MAX || (n = realloc(p->early_bits, len)) == NULL)
		return BT_ERR_LIMIT;
	memset(n + p->early_len, 0, len - p->early_len);
	p->early_bits = n;
	p->early_len = len;
	return BT_OK;
}

/*
 * The next message of p that means something before the metadata, or
 * BT_ERR_INCOMPLETE.  HAVE, BITFIELD, HAVE_ALL and HAVE_NONE are kept in
 * p->early_*; requests, blocks and the other piece messages (which name
 * pieces we cannot check yet) are skipped whole.
 */
static int
next_message(struct peer *p, struct wire_msg *m)
{
	uint32_t	len, idx;
	uint8_t		id;
	int		r;

	for (;;) {
		if (bbuf_peek_u32be(&p->in, 0, &len) != BT_OK ||
		    (len > 0 && bbuf_peek_u8(&p->in, 4, &id) != BT_OK))
			return BT_ERR_INCOMPLETE;
		if (len == 0 || !(id == WIRE_HAVE || id == WIRE_BITFIELD ||
		    id == WIRE_REQUEST || id == WIRE_PIECE ||
		    id == WIRE_CANCEL || ((p->ext_flags & WIRE_F_FAST) &&
		    wire_id_flags(id) == WIRE_F_FAST)))
			break;
		if (len > EARLY_BITS_MAX + 1 && id == WIRE_BITFIELD)
			return BT_ERR_LIMIT;
		if (len > WIRE_MAX_BLOCK + 9)
			return BT_ERR_LIMIT;
		if (bbuf_len(&p->in) < (size_t)len + 4)
			return BT_ERR_INCOMPLETE;
		if (id == WIRE_HAVE && len == 5) {
			(void)bbuf_peek_u32be(&p->in, 5, &idx);
			if (idx / 8 >= EARLY_BITS_MAX ||
			    early_grow(p, idx / 8 + 1) != BT_OK)
				return BT_ERR_RANGE;
			bits_set(p->early_bits, idx);
		} else if (id == WIRE_BITFIELD) {
			p->early_len = 0;
			if ((r = early_grow(p, len - 1)) != BT_OK)
				return r;
			memcpy(p->early_bits, bbuf_ptr(&p->in) + 5, len - 1);
			p->early_all = 0;
		} else if (id == WIRE_HAVE_ALL) {
			p->early_all = 1;
		} else if (id == WIRE_HAVE_NONE) {
			p->early_all = 0;
			p->early_len = 0;
		}
		(void)bbuf_consume(&p->in, (size_t)len + 4);
	}
	return wire_decode_ex(&p->in, 0, p->ext_flags, m);
}

void
torrent_magnet_process_input(struct torrent *t, struct peer *p)
{
	struct wire_msg	m;
	int		r;

	while (p->state == PEER_ACTIVE && t->meta == NULL) {
		if ((r = next_message(p, &m)) == BT_ERR_INCOMPLETE)
			break;
		if (r != BT_OK) {
			peer_kill(p, "protocol error: %s", bt_strerror(r));
			break;
		}
		switch (m.type) {
		case WIRE_CHOKE:
			p->peer_choking = 1;
			break;
		case WIRE_UNCHOKE:
			p->peer_choking = 0;
			p->unchoked_ms = t->env->now_ms;
			break;
		case WIRE_INTERESTED:
			p->peer_interested = 1;
			break;
		case WIRE_NOT_INTERESTED:
			p->peer_interested = 0;
			break;
		case WIRE_EXTENDED:
			peerext_on_message(t, p, &m);
			break;
		case WIRE_PORT:
			peerproto_on_port(t, p, m.port);
			break;
		default:	/* keep-alive, unknown */
			break;
		}
	}
}

/* ---- fetching ---- */

static void
ask_some(struct torrent *t, struct peer *p)
{
	uint32_t	piece;

	if (t->fetch == NULL || p->state != PEER_ACTIVE || !p->ext_known ||
	    p->ext.ut_metadata == 0)
		return;
	while (metafetch_next_request(t->fetch, p->id, t->env->now_ms,
	    &piece) == BT_OK)
		if (extmsg_put_metadata_request(&p->out, p->ext.ut_metadata,
		    piece) != BT_OK) {
			peer_kill(p, "output buffer full");
			metafetch_peer_gone(t->fetch, p->id);
			return;
		}
}

static void
ask_everyone(struct torrent *t)
{
	size_t	i;

	for (i = 0; i < t->npeers; i++)
		ask_some(t, t->peers[i]);
}

void
torrent_magnet_on_peer(struct torrent *t, struct peer *p)
{
	int	r;

	if (t->fetch == NULL || p->ext.ut_metadata == 0 ||
	    !(p->ext.flags & EXTMSG_HS_METADATA_SIZE))
		return;
	r = metafetch_set_size(t->fetch, p->id, p->ext.metadata_size);
	if (r == BT_OK)
		ask_some(t, p);
}

/* The peers whose pieces made a dictionary with the wrong SHA-1. */
static void
strike_senders(struct torrent *t)
{
	const uint32_t	*keys;
	size_t		 n, i;

	n = metafetch_struck(t->fetch, &keys);
	torrent_log(t, MSG_LOG_WARN, "the metadata from %zu peer%s does not "
	    "match the info-hash: fetching it again", n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++)
		torrent_strike(t, keys[i]);
}

/* p's early bitfield as its bitfield, now that pieces can be counted. */
static void
adopt_early(struct torrent *t, struct peer *p)
{
	uint32_t	np = t->meta->num_pieces;
	size_t		nbytes = ((size_t)np + 7) / 8;

	if (p->state == PEER_DEAD)
		return;
	if (peer_set_num_pieces(p, np) != BT_OK) {
		peer_kill(p, "out of memory");
		return;
	}
	if (p->early_all)
		bitfield_set_all(&p->have);
	else if (p->early_len > 0) {
		if (early_grow(p, nbytes) != BT_OK || p->early_len > nbytes ||
		    bitfield_from_bytes(&p->have, p->early_bits,
		    nbytes) != BT_OK) {
			peer_kill(p, "its bitfield does not fit the torrent");
			return;
		}
	}
	free(p->early_bits);
	p->early_bits = NULL;
	p->early_len = 0;
	if (p->early_all || bitfield_count(&p->have) > 0) {
		p->have_known = 1;
		picker_peer_add(t->picker, &p->have);
	}
	if (p->state == PEER_ACTIVE)
		peerproto_set_interest(p, peerproto_has_wanted(t, p));
}

/* The file priorities: the session's saved ones, else the link's so. */
static uint8_t *
first_prio(struct torrent *t, const struct metainfo *m, size_t *n_out)
{
	uint8_t	*pp;
	size_t	 k, n = 0;

	*n_out = 0;
	if (t->init_prio != NULL) {
		/* Chosen before the files were known (--select-file with the
		 * link): the files it does not reach are not wanted. */
		if (t->ninit_prio < m->nfiles &&
		    (pp = realloc(t->init_prio, m->nfiles)) != NULL) {
			memset(pp + t->ninit_prio, PICKER_PRIO_SKIP,
			    m->nfiles - t->ninit_prio);
			t->init_prio = pp;
			t->ninit_prio = m->nfiles;
		}
		*n_out = t->ninit_prio;
		return t->init_prio;
	}
	if (t->magnet->select == NULL ||
	    (pp = malloc(m->nfiles + 1)) == NULL)
		return NULL;
	/* BEP 53 numbers info.files, pad files included; the list here
	 * leaves them out, as MSG_FILES does. */
	for (k = 0; k < m->nfiles; k++)
		if (!(m->files[k].attr & METAINFO_ATTR_PAD))
			pp[n++] = magnet_selects(t->magnet, (uint32_t)k) ?
			    PICKER_PRIO_NORMAL : PICKER_PRIO_SKIP;
	free(t->init_prio);
	t->init_prio = pp;
	t->ninit_prio = *n_out = n;
	return pp;
}

/* The metadata is verified: the session keeps it as a .torrent, and the
 * torrent becomes a normal one. */
static void
finish(struct torrent *t)
{
	struct metainfo	*m = NULL;
	struct bbuf	 doc;
	const uint8_t	*info, *pp;
	char		 err[512], size[32];
	size_t		 len, i, npp;
	int		 r;

	bbuf_init(&doc, METAFETCH_MAX_SIZE + 64 * 1024);
	if (metafetch_info(t->fetch, &info, &len) != BT_OK ||
	    metafetch_torrent(info, len,
	    (const char *const *)t->magnet->trackers, t->magnet->ntrackers,
	    (const char *const *)t->magnet->webseeds, t->magnet->nwebseeds,
	    &doc) != BT_OK) {
		torrent_fatal(t, "cannot build the .torrent from the metadata");
		goto out;
	}
	if ((r = metainfo_parse(bbuf_ptr(&doc), bbuf_len(&doc), &m, err,
	    sizeof(err))) != BT_OK || memcmp(m->info_hash, t->info_hash,
	    20) != 0) {
		/* Its SHA-1 matched: the torrent itself is bad (a path with
		 * "..", say).  Nothing to fetch again. */
		char	msg[600];

		snprintf(msg, sizeof(msg), "the metadata is not a torrent "
		    "bttui can use: %s", r != BT_OK ? err : "info-hash");
		torrent_fatal(t, msg);
		goto out;
	}
	if (t->env->save_torrent != NULL)
		t->env->save_torrent(t->env->arg, t->id, t->info_hash,
		    bbuf_ptr(&doc), bbuf_len(&doc));
	pp = first_prio(t, m, &npp);
	r = torrent_attach_meta(t, m, pp, npp, err, sizeof(err));
	m = NULL;		/* attached, or freed by the failure */
	if (r != BT_OK) {
		/* (a download directory that cannot be made, say): stays a
		 * magnet link in error; resuming it tries again */
		torrent_fatal(t, err);
		goto out;
	}
	torrent_log(t, MSG_LOG_INFO, "metadata received: %s, %s in %zu "
	    "file%s", t->meta->name, fmt_size(size, sizeof(size),
	    t->meta->total_length), t->meta->nfiles - t->meta->npads,
	    t->meta->nfiles - t->meta->npads == 1 ? "" : "s");
	for (i = 0; i < t->npeers; i++)
		adopt_early(t, t->peers[i]);
	torrent_magnet_free(t);
	torrent_start_data(t);
out:
	metainfo_free(m);
	bbuf_cleanup(&doc);
}

void
torrent_magnet_on_metadata(struct torrent *t, struct peer *p,
    const struct extmsg_metadata *m)
{
	int	r;

	if (t->fetch == NULL)
		return;
	if (m->type == EXTMSG_METADATA_REJECT) {
		(void)metafetch_on_reject(t->fetch, p->id, m->piece,
		    t->env->now_ms);
		ask_everyone(t);
		return;
	}
	r = metafetch_on_data(t->fetch, p->id, m->piece, m->total_size,
	    m->data, m->data_len);
	switch (r) {
	case BT_OK:
		if (metafetch_state(t->fetch) == METAFETCH_DONE) {
			finish(t);
			return;
		}
		ask_some(t, p);
		break;
	case BT_ERR_HASH:
		strike_senders(t);
		ask_everyone(t);
		break;
	case BT_ERR_RANGE:
	case BT_ERR_FORMAT:
		peer_kill(p, "sent metadata that does not fit what it "
		    "announced");
		ask_everyone(t);
		break;
	default:	/* unasked, late, or for a size we no longer fetch:
			 * the peer may be honest */
		break;
	}
}

void
torrent_magnet_tick(struct torrent *t)
{
	/* Resumed after attaching failed: the metadata is still here. */
	if (t->fetch != NULL && !t->errored &&
	    metafetch_state(t->fetch) == METAFETCH_DONE) {
		finish(t);
		return;
	}
	ask_everyone(t);	/* metafetch re-asks what timed out */
}

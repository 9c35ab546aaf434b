/*
 * The node table saved and loaded (dhtnode_save, dhtnode_load): a
 * bencoded dictionary of our id and the good nodes of each family in
 * compact form, at most DHTNODE_SAVE_NODES of them, IPv6 given up to half
 * the room.  A saved id is taken only while the tables are still empty.
 */
#include "engine/dhtnode.h"

#include <string.h>

#include "engine/bencode.h"
#include "engine/dhtnode_impl.h"
#include "engine/dhtroute.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

/* Compact node entries (id, then ip and port) of one family. */
static int
put_nodes(const struct dhtnode *node, int f, size_t max, uint64_t now_ms,
    struct bbuf *out, size_t *n_out)
{
	struct dhtroute_node	list[DHTNODE_SAVE_NODES];
	uint8_t			c[18];
	size_t			n = 0, i, clen;
	int			r;

	if (node->rt[f] != NULL)
		n = dhtroute_list(node->rt[f], now_ms, 1, list,
		    max < DHTNODE_SAVE_NODES ? max : DHTNODE_SAVE_NODES);
	*n_out = n;
	clen = f == 0 ? 6 : 18;
	if ((r = bbuf_putf(out, "%zu:", n * (DHTNODE_ID_LEN + clen))) != 0)
		return r;
	for (i = 0; i < n; i++) {
		(void)caddr_compact(&list[i].addr, c);
		if ((r = bbuf_put_bytes(out, list[i].id,
		    DHTNODE_ID_LEN)) != 0 ||
		    (r = bbuf_put_bytes(out, c, clen)) != 0)
			return r;
	}
	return BT_OK;
}

int
dhtnode_save(const struct dhtnode *node, uint64_t now_ms, struct bbuf *out)
{
	struct dhtroute_counts	c6;
	struct bbuf		tmp;
	size_t			n4, n6, room6 = 0;
	int			r;

	/* IPv6 gets up to half the room, IPv4 the rest */
	if (node->rt[1] != NULL) {
		dhtroute_count(node->rt[1], now_ms, &c6);
		room6 = c6.good < DHTNODE_SAVE_NODES / 2 ? c6.good :
		    DHTNODE_SAVE_NODES / 2;
	}
	bbuf_init(&tmp, DHTNODE_SAVE_MAX);
	if ((r = bbuf_putf(&tmp, "d2:id%d:", DHTNODE_ID_LEN)) != 0 ||
	    (r = bbuf_put_bytes(&tmp, node->id, DHTNODE_ID_LEN)) != 0 ||
	    (r = bbuf_putf(&tmp, "5:nodes")) != 0 ||
	    (r = put_nodes(node, 0, DHTNODE_SAVE_NODES - room6, now_ms, &tmp,
	    &n4)) != 0 ||
	    (r = bbuf_putf(&tmp, "6:nodes6")) != 0 ||
	    (r = put_nodes(node, 1, DHTNODE_SAVE_NODES - n4, now_ms, &tmp,
	    &n6)) != 0 ||
	    (r = bbuf_put_u8(&tmp, 'e')) != 0)
		goto out;
	r = bbuf_put_bytes(out, bbuf_ptr(&tmp), bbuf_len(&tmp));
out:
	bbuf_cleanup(&tmp);
	return r;
}

static int
saved_list(const struct bencode *d, const char *key, size_t entry,
    const struct bencode **out)
{
	const struct bencode	*v;

	*out = NULL;
	if (bencode_dict_get(d, key) == NULL)
		return BT_OK;			/* absent: none */
	if ((v = bencode_dict_get_type(d, key, BENCODE_STR)) == NULL ||
	    v->slen % entry != 0 || v->slen / entry > DHTNODE_SAVE_NODES)
		return BT_ERR_FORMAT;
	*out = v;
	return BT_OK;
}

static size_t
load_nodes(struct dhtnode *node, const struct bencode *v, size_t iplen,
    uint64_t now_ms)
{
	const uint8_t	*e;
	struct caddr	 a;
	size_t		 i, added = 0, entry = DHTNODE_ID_LEN + iplen + 2;
	int		 f;

	for (i = 0; v != NULL && i < v->slen / entry; i++) {
		e = (const uint8_t *)v->s + i * entry;
		if (caddr_from_bytes(e + DHTNODE_ID_LEN, iplen,
		    (uint16_t)(e[entry - 2] << 8 | e[entry - 1]), &a) !=
		    BT_OK || (f = dhtnode_fam(node, a.family)) < 0)
			continue;
		if (dhtroute_seen(node->rt[f], e, &a, DHTROUTE_HEARD, now_ms,
		    NULL) >= 0)
			added++;
	}
	return added;
}

static int
tables_empty(const struct dhtnode *node, uint64_t now_ms)
{
	struct dhtroute_counts	c;
	size_t			f;

	for (f = 0; f < 2; f++) {
		if (node->rt[f] == NULL)
			continue;
		dhtroute_count(node->rt[f], now_ms, &c);
		if (c.good + c.questionable + c.bad + c.replacements > 0)
			return 0;
	}
	return 1;
}

int
dhtnode_load(struct dhtnode *node, const uint8_t *data, size_t len,
    uint64_t now_ms, size_t *added_out)
{
	struct bbuf		 in;
	struct bencode		*d = NULL;
	const struct bencode	*id, *n4, *n6;
	size_t			 added = 0;
	int			 r;

	if (added_out != NULL)
		*added_out = 0;
	if (len > DHTNODE_SAVE_MAX)
		return BT_ERR_LIMIT;
	bbuf_view(&in, data, len);
	if ((r = bencode_decode(&in, &d, NULL)) != BT_OK) {
		r = r == BT_ERR_NOMEM ? r : BT_ERR_FORMAT;
		goto out;
	}
	if ((id = bencode_dict_get_type(d, "id", BENCODE_STR)) == NULL ||
	    id->slen != DHTNODE_ID_LEN ||
	    (r = saved_list(d, "nodes", DHTNODE_ID_LEN + 6, &n4)) != 0 ||
	    (r = saved_list(d, "nodes6", DHTNODE_ID_LEN + 18, &n6)) != 0) {
		r = BT_ERR_FORMAT;
		goto out;
	}
	if (tables_empty(node, now_ms) &&
	    memcmp(node->id, id->s, DHTNODE_ID_LEN) != 0) {
		memcpy(node->id, id->s, DHTNODE_ID_LEN);
		if ((r = dhtnode_tables_new(node, now_ms)) != BT_OK)
			goto out;
	}
	added = load_nodes(node, n4, 4, now_ms) +
	    load_nodes(node, n6, 16, now_ms);
	if (added_out != NULL)
		*added_out = added;
	r = BT_OK;
out:
	bencode_free(d);
	return r;
}

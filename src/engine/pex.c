/*
 * pex: BEP 11 ut_pex bodies to and from struct pex_msg.  The decoder reads
 * each compact string through a bbuf view, keeps at most PEX_MAX_PER_FIELD
 * usable addresses per field in the message's fixed arrays and only counts
 * the rest, so a flood costs one pass over the bytes and no allocation
 * beyond the bencode tree.
 */
#include "pex.h"

#include <sys/socket.h>

#include <string.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "bencode.h"

#define COMPACT4_LEN	6	/* BEP 11 (as BEP 23): 4-byte IP, 2-byte port */
#define COMPACT6_LEN	18	/* 16-byte IP, 2-byte port */

/* One address field of the dictionary and its flags field, if any. */
static const struct pex_key {
	const char	*key;
	const char	*fkey;		/* NULL: dropped entries carry none */
	size_t		 iplen;
	unsigned	 bit, fbit;
	int		 added;
} pex_keys[] = {
	{ "added", "added.f", 4, PEX_ADDED, PEX_ADDED_F, 1 },
	{ "added6", "added6.f", 16, PEX_ADDED6, PEX_ADDED6_F, 1 },
	{ "dropped", NULL, 4, PEX_DROPPED, 0, 0 },
	{ "dropped6", NULL, 16, PEX_DROPPED6, 0, 0 },
};

static int
listed(const struct pex_peer *list, size_t n, const struct caddr *a)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (caddr_equal(&list[i].addr, a))
			return 1;
	return 0;
}

/* The flags string for a field of n addresses: one byte each, else none. */
static const uint8_t *
field_flags(const struct bencode *d, const struct pex_key *k, size_t n,
    struct pex_msg *m)
{
	const struct bencode	*f;

	if (k->fkey == NULL || (f = bencode_dict_get(d, k->fkey)) == NULL)
		return NULL;
	m->present |= k->fbit;
	if (f->type != BENCODE_STR || f->slen != n) {
		m->bad |= k->fbit;
		return NULL;
	}
	return (const uint8_t *)f->s;
}

/* Appends the usable, new addresses of one compact string to list. */
static void
field_decode(const struct bencode *s, const uint8_t *flags,
    const struct pex_key *k, struct pex_peer *list, size_t *n,
    struct pex_msg *m)
{
	struct caddr		a;
	struct bbuf		v;
	uint8_t			ip[16];
	uint16_t		port;
	size_t			i, kept = 0;

	bbuf_view(&v, s->s, s->slen);
	for (i = 0; bbuf_len(&v) > 0; i++) {
		if (kept == PEX_MAX_PER_FIELD) {
			m->ignored += bbuf_len(&v) / (k->iplen + 2);
			return;
		}
		/* the length was checked: these gets cannot fail */
		if (bbuf_get_bytes(&v, ip, k->iplen) != BT_OK ||
		    bbuf_get_u16be(&v, &port) != BT_OK ||
		    caddr_from_bytes(ip, k->iplen, port, &a) != BT_OK)
			return;
		if (!caddr_usable(&a) || listed(list, *n, &a)) {
			m->skipped++;
			continue;
		}
		list[*n].addr = a;
		list[*n].flags = flags != NULL ? flags[i] & PEX_F_KNOWN : 0;
		(*n)++;
		kept++;
	}
}

static void
pex_fields(const struct bencode *d, struct pex_msg *m)
{
	const struct pex_key	*k;
	const struct bencode	*s;
	const uint8_t		*flags;
	size_t			 i, entry;

	for (i = 0; i < sizeof(pex_keys) / sizeof(pex_keys[0]); i++) {
		k = &pex_keys[i];
		entry = k->iplen + 2;
		if ((s = bencode_dict_get(d, k->key)) == NULL)
			continue;
		m->present |= k->bit;
		if (s->type != BENCODE_STR || s->slen % entry != 0) {
			m->bad |= k->bit;
			continue;
		}
		flags = field_flags(d, k, s->slen / entry, m);
		if (k->added)
			field_decode(s, flags, k, m->added, &m->nadded, m);
		else
			field_decode(s, NULL, k, m->dropped, &m->ndropped, m);
	}
}

int
pex_decode(const uint8_t *body, size_t len, struct pex_msg *out,
    char *errbuf, size_t errlen)
{
	struct bencode	*d;
	size_t		 n;
	int		 r;

	memset(out, 0, sizeof(*out));
	if ((r = extmsg_decode_dict(body, len, 1, "ut_pex", &d, &n, errbuf,
	    errlen)) != BT_OK)
		return r;
	pex_fields(d, out);
	bencode_free(d);
	return BT_OK;
}

/* Compact strings being built for one family. */
struct pex_out {
	struct bbuf	addrs, flags;
};

/* Appends up to PEX_SEND_MAX entries of list, by family, to o[0] (IPv4)
 * and o[1] (IPv6); *taken_out says how many. */
static int
collect(const struct pex_peer *list, size_t n, struct pex_out o[2],
    size_t *taken_out)
{
	const struct pex_peer	*p;
	struct pex_out		*po;
	size_t			 i, iplen;
	int			 r;

	*taken_out = 0;
	for (i = 0; i < n && i < PEX_SEND_MAX; i++) {
		p = &list[i];
		if (!caddr_usable(&p->addr))
			return BT_ERR_INVALID;
		po = &o[p->addr.family == AF_INET6];
		iplen = p->addr.family == AF_INET ? 4 : 16;
		if ((r = bbuf_put_bytes(&po->addrs, p->addr.ip, iplen)) !=
		    BT_OK ||
		    (r = bbuf_put_u16be(&po->addrs, p->addr.port)) != BT_OK ||
		    (r = bbuf_put_u8(&po->flags, p->flags & PEX_F_KNOWN)) !=
		    BT_OK)
			return r;
	}
	*taken_out = i;
	return BT_OK;
}

/* Sets key to the bytes of b, unless b is empty. */
static int
put_str(struct bencode *d, const char *key, const struct bbuf *b)
{
	if (bbuf_len(b) == 0)
		return BT_OK;
	return bencode_dict_set(d, key, bencode_new_str(bbuf_ptr(b),
	    bbuf_len(b)));
}

static int
pex_build(struct bencode *d, const struct pex_out add[2],
    const struct pex_out drop[2])
{
	int	r;

	if ((r = put_str(d, "added", &add[0].addrs)) != BT_OK ||
	    (r = put_str(d, "added.f", &add[0].flags)) != BT_OK ||
	    (r = put_str(d, "added6", &add[1].addrs)) != BT_OK ||
	    (r = put_str(d, "added6.f", &add[1].flags)) != BT_OK ||
	    (r = put_str(d, "dropped", &drop[0].addrs)) != BT_OK ||
	    (r = put_str(d, "dropped6", &drop[1].addrs)) != BT_OK)
		return r;
	return BT_OK;
}

int
pex_encode(struct bbuf *out, uint8_t ext_id, const struct pex_peer *added,
    size_t nadded, const struct pex_peer *dropped, size_t ndropped,
    size_t *nadded_out, size_t *ndropped_out)
{
	struct pex_out	 add[2], drop[2];
	struct bencode	*d = NULL;
	size_t		 na = 0, nd = 0, i;
	int		 r;

	for (i = 0; i < 2; i++) {
		bbuf_init(&add[i].addrs, PEX_SEND_MAX * COMPACT6_LEN);
		bbuf_init(&add[i].flags, PEX_SEND_MAX);
		bbuf_init(&drop[i].addrs, PEX_SEND_MAX * COMPACT6_LEN);
		bbuf_init(&drop[i].flags, PEX_SEND_MAX);
	}
	if (ext_id == 0 || (nadded == 0 && ndropped == 0)) {
		r = BT_ERR_INVALID;
		goto out;
	}
	if ((r = collect(added, nadded, add, &na)) != BT_OK ||
	    (r = collect(dropped, ndropped, drop, &nd)) != BT_OK)
		goto out;
	if ((d = bencode_new_dict()) == NULL) {
		r = BT_ERR_NOMEM;
		goto out;
	}
	if ((r = pex_build(d, add, drop)) == BT_OK)
		r = extmsg_put_frame(out, ext_id, d, NULL, 0);
out:
	if (r != BT_OK)
		na = nd = 0;
	if (nadded_out != NULL)
		*nadded_out = na;
	if (ndropped_out != NULL)
		*ndropped_out = nd;
	bencode_free(d);
	for (i = 0; i < 2; i++) {
		bbuf_cleanup(&add[i].addrs);
		bbuf_cleanup(&add[i].flags);
		bbuf_cleanup(&drop[i].addrs);
		bbuf_cleanup(&drop[i].flags);
	}
	return r;
}

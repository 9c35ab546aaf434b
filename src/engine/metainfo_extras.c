/*
 * metainfo_extras: what the root dictionary holds besides "info": the
 * trackers (BEP 12 announce-list, else announce), web seeds (BEP 19
 * url-list), DHT nodes (BEP 5 nodes), comment, creator and date.  Entries
 * no client could use are dropped silently; only running out of memory
 * fails the parse.  Called from metainfo.c (metainfo_impl.h).
 */
#include "metainfo_impl.h"

#include <strings.h>

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

/* A tracker URL without the whitespace around it (torrents carry
 * "\t udp://..." and "http://...\n", which no tracker client can use as
 * is); usable when what is left is non-empty and holds no NUL. */
static int
url_span(const struct bencode *u, size_t *at_out, size_t *n_out)
{
	size_t	at = 0, n;

	*at_out = *n_out = 0;
	if (u->type != BENCODE_STR)
		return 0;
	n = u->slen;
	while (n > 0 && is_space(u->s[at])) {
		at++;
		n--;
	}
	while (n > 0 && is_space(u->s[at + n - 1]))
		n--;
	if (n == 0 || memchr(u->s + at, '\0', n) != NULL)
		return 0;
	*at_out = at;
	*n_out = n;
	return 1;
}

/* Appends the trimmed url u to t; nothing when it is not usable. */
static int
add_url(struct parse *p, struct metainfo_tier *t, const struct bencode *u)
{
	size_t	at, n;

	if (!url_span(u, &at, &n))
		return BT_OK;
	if ((t->urls[t->n] = strndup(u->s + at, n)) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	t->n++;
	return BT_OK;
}

/* One BEP 12 tier; skipped (nothing added) when it holds no usable url. */
static int
add_tier(struct parse *p, const struct bencode *list)
{
	struct metainfo_tier	*t = &p->m->tiers[p->m->ntiers];
	size_t			 i;

	if (list->type != BENCODE_LIST || list->n == 0)
		return BT_OK;
	if ((t->urls = calloc(list->n, sizeof(*t->urls))) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	p->m->ntiers++;		/* so metainfo_free sees it */
	for (i = 0; i < list->n; i++)
		if (add_url(p, t, list->items[i]) != BT_OK)
			return BT_ERR_NOMEM;
	if (t->n == 0) {
		free(t->urls);
		t->urls = NULL;
		p->m->ntiers--;
	}
	return BT_OK;
}

/* BEP 12: a usable announce-list wins; otherwise announce is one tier. */
static int
parse_trackers(struct parse *p, const struct bencode *root)
{
	const struct bencode	*al, *a;
	struct metainfo		*m = p->m;
	size_t			 i, n;
	int			 r;

	al = bencode_dict_get_type(root, "announce-list", BENCODE_LIST);
	a = bencode_dict_get_type(root, "announce", BENCODE_STR);
	n = (al != NULL ? al->n : 0) + 1;
	if ((m->tiers = calloc(n, sizeof(*m->tiers))) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	for (i = 0; al != NULL && i < al->n; i++)
		if ((r = add_tier(p, al->items[i])) != BT_OK)
			return r;
	if (m->ntiers > 0 || a == NULL)
		return BT_OK;
	if ((m->tiers[0].urls = calloc(1, sizeof(char *))) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	m->ntiers = 1;
	if ((r = add_url(p, &m->tiers[0], a)) != BT_OK)
		return r;
	if (m->tiers[0].n == 0) {
		free(m->tiers[0].urls);
		m->tiers[0].urls = NULL;
		m->ntiers = 0;
	}
	return BT_OK;
}

/* BEP 19: a usable url-list entry is http(s) once trimmed; others (ftp,
 * garbage) are dropped, as no web seed client could use them. */
static int
add_webseed(struct parse *p, const struct bencode *u)
{
	size_t	at, n;

	if (!url_span(u, &at, &n))
		return BT_OK;
	if (!((n > 7 && strncasecmp(u->s + at, "http://", 7) == 0) ||
	    (n > 8 && strncasecmp(u->s + at, "https://", 8) == 0)))
		return BT_OK;
	if ((p->m->webseeds[p->m->nwebseeds] = strndup(u->s + at, n)) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	p->m->nwebseeds++;
	return BT_OK;
}

/* BEP 19: url-list is one string or a list of them. */
static int
parse_webseeds(struct parse *p, const struct bencode *root)
{
	const struct bencode	*ul = bencode_dict_get(root, "url-list");
	size_t			 i, n;
	int			 r;

	if (ul == NULL || (ul->type != BENCODE_STR && ul->type != BENCODE_LIST))
		return BT_OK;
	n = ul->type == BENCODE_STR ? 1 : ul->n;
	if (n == 0)
		return BT_OK;
	if ((p->m->webseeds = calloc(n, sizeof(char *))) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	if (ul->type == BENCODE_STR)
		return add_webseed(p, ul);
	for (i = 0; i < n; i++)
		if ((r = add_webseed(p, ul->items[i])) != BT_OK)
			return r;
	return BT_OK;
}

/* BEP 5: "nodes", a list of [host, port] pairs, DHT nodes the torrent's
 * maker knew.  Kept as "host:port" ("[v6]:port"); entries that are not a
 * printable host and a port 1..65535 are dropped. */
static int
parse_dht_nodes(struct parse *p, const struct bencode *root)
{
	const struct bencode	*l = bencode_dict_get_type(root, "nodes",
				    BENCODE_LIST), *h, *port;
	char			 buf[300];
	size_t			 i, k;

	if (l == NULL || l->n == 0)
		return BT_OK;
	if ((p->m->dht_nodes = calloc(l->n < METAINFO_MAX_DHT_NODES ? l->n :
	    METAINFO_MAX_DHT_NODES, sizeof(char *))) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	for (i = 0; i < l->n && p->m->ndht_nodes < METAINFO_MAX_DHT_NODES;
	    i++) {
		if (l->items[i]->type != BENCODE_LIST || l->items[i]->n != 2)
			continue;
		h = l->items[i]->items[0];
		port = l->items[i]->items[1];
		if (h->type != BENCODE_STR || h->slen == 0 || h->slen > 253 ||
		    port->type != BENCODE_INT || port->i < 1 ||
		    port->i > 65535)
			continue;
		for (k = 0; k < h->slen && h->s[k] > ' ' && h->s[k] < 127 &&
		    h->s[k] != ',' && h->s[k] != '[' && h->s[k] != ']'; k++)
			;
		if (k != h->slen)
			continue;
		snprintf(buf, sizeof(buf), strchr(h->s, ':') != NULL ?
		    "[%s]:%d" : "%s:%d", h->s, (int)port->i);
		if ((p->m->dht_nodes[p->m->ndht_nodes] = strdup(buf)) == NULL)
			return fail(p, BT_ERR_NOMEM, "out of memory");
		p->m->ndht_nodes++;
	}
	return BT_OK;
}

/* Free-form notes, shown by --info; a wrong type is ignored. */
static int
parse_notes(struct parse *p, const struct bencode *root)
{
	const struct bencode	*v;
	int			 r;

	v = bencode_dict_get_type(root, "comment", BENCODE_STR);
	if (v != NULL && (r = copy_str(p, v, &p->m->comment)) != BT_OK)
		return r;
	v = bencode_dict_get_type(root, "created by", BENCODE_STR);
	if (v != NULL && (r = copy_str(p, v, &p->m->created_by)) != BT_OK)
		return r;
	v = bencode_dict_get_type(root, "creation date", BENCODE_INT);
	if (v != NULL)
		p->m->creation_date = v->i;
	return BT_OK;
}

int
metainfo_parse_extras(struct parse *p, const struct bencode *root)
{
	int	r;

	if ((r = parse_trackers(p, root)) != BT_OK ||
	    (r = parse_webseeds(p, root)) != BT_OK ||
	    (r = parse_dht_nodes(p, root)) != BT_OK)
		return r;
	return parse_notes(p, root);
}

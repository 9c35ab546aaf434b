/*
 * metainfo: turns a .torrent into a struct metainfo, refusing anything that
 * storage or the picker could trip over later.  The info-hash is the SHA-1
 * of the exact bytes of the "info" value (its raw span in the input), never
 * of a re-encoding.  Everything is validated before *out is handed over.
 * This file holds the entry points, the root and info dictionaries (name,
 * pieces, private) and the info-hash; the file list is metainfo_files.c's,
 * the trackers, web seeds and nodes metainfo_extras.c's.
 */
#include "metainfo.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/bencode.h"
#include "engine/sha1.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "metainfo_impl.h"

static int
parse_name(struct parse *p, const struct bencode *info)
{
	const struct bencode	*v;
	const char		*why;
	char			 shown[SHOW_MAX + 8];
	int			 r;

	/* prefer name.utf-8 when it is usable as is */
	v = bencode_dict_get_type(info, "name.utf-8", BENCODE_STR);
	if (v == NULL || !utf8_valid(v) || component_problem(v, 1) != NULL) {
		if ((r = need(p, info, "info.", "name", BENCODE_STR, &v)) != 0)
			return r;
		if ((why = component_problem(v, 1)) != NULL) {
			show_str(v, shown, sizeof(shown));
			return fail(p, BT_ERR_INVALID, "info.name \"%s\": %s",
			    shown, why);
		}
	}
	if (v->slen <= METAINFO_MAX_COMPONENT)
		return copy_str(p, v, &p->m->name);
	if ((p->m->name = malloc(METAINFO_MAX_COMPONENT + 1)) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	shorten(v->s, v->slen, p->m->name);
	p->name_shortened = 1;
	return BT_OK;
}

static int
parse_pieces(struct parse *p, const struct bencode *info)
{
	const struct bencode	*plen, *pieces;
	struct metainfo		*m = p->m;
	int			 r;

	if ((r = need(p, info, "info.", "piece length", BENCODE_INT,
	    &plen)) != BT_OK)
		return r;
	if (plen->i == 0)
		return fail(p, BT_ERR_INVALID, "info.piece length is 0");
	if (plen->i < 0)
		return fail(p, BT_ERR_INVALID, "info.piece length %" PRId64
		    " is negative", plen->i);
	if (plen->i > METAINFO_MAX_PIECE_LEN)
		return fail(p, BT_ERR_INVALID, "info.piece length %" PRId64
		    " is over the limit of %u", plen->i,
		    METAINFO_MAX_PIECE_LEN);
	m->piece_length = (uint32_t)plen->i;
	if ((r = need(p, info, "info.", "pieces", BENCODE_STR, &pieces)) != 0)
		return r;
	if (pieces->slen % PIECE_HASH_LEN != 0)
		return fail(p, BT_ERR_INVALID, "info.pieces length %zu is not "
		    "a multiple of %d", pieces->slen, PIECE_HASH_LEN);
	/* slen <= BENCODE_MAX_INPUT, so the count fits 32 bits */
	m->num_pieces = (uint32_t)(pieces->slen / PIECE_HASH_LEN);
	if (pieces->slen == 0)
		return BT_OK;	/* the piece count check reports it */
	if ((m->piece_hashes = malloc(pieces->slen)) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	memcpy(m->piece_hashes, pieces->s, pieces->slen);
	return BT_OK;
}

/* BEP 3: the pieces cover the whole torrent, the last one maybe short. */
static int
check_piece_count(struct parse *p)
{
	struct metainfo	*m = p->m;
	uint64_t	 want;

	if (m->total_length == 0)
		return fail(p, BT_ERR_INVALID, "torrent is empty (total "
		    "length 0)");
	want = m->total_length / m->piece_length +
	    (m->total_length % m->piece_length != 0);
	if (want != m->num_pieces)
		return fail(p, BT_ERR_INVALID, "piece count %" PRIu32 " does "
		    "not match total length %" PRIu64 " / piece length %"
		    PRIu32 " (expected %" PRIu64 ")", m->num_pieces,
		    m->total_length, m->piece_length, want);
	return BT_OK;
}

/* BEP 52: a v2 info dict describes files in "file tree" and hashes them
 * in merkle trees; a hybrid one also carries the v1 "pieces" and "files"
 * (or "length"), which is what bttui reads.  Without "pieces" there is no
 * v1 part, and "info.pieces is missing" would not tell the user why. */
static int
check_v2_only(struct parse *p, const struct bencode *info)
{
	const struct bencode	*ver;

	if (bencode_dict_get(info, "pieces") != NULL)
		return BT_OK;
	ver = bencode_dict_get_type(info, "meta version", BENCODE_INT);
	if ((ver != NULL && ver->i >= 2) ||
	    bencode_dict_get(info, "file tree") != NULL)
		return fail(p, BT_ERR_INVALID, "a BitTorrent v2-only torrent "
		    "(BEP 52); bttui reads v1 and hybrid torrents");
	return BT_OK;
}

static int
parse_info(struct parse *p, const struct bencode *info)
{
	const struct bencode	*priv;
	int			 r;

	if ((r = check_v2_only(p, info)) != BT_OK ||
	    (r = parse_name(p, info)) != BT_OK ||
	    (r = parse_pieces(p, info)) != BT_OK ||
	    (r = metainfo_parse_layout(p, info)) != BT_OK ||
	    (r = check_piece_count(p)) != BT_OK)
		return r;
	/* BEP 27: only the integer 1 makes a torrent private */
	priv = bencode_dict_get_type(info, "private", BENCODE_INT);
	p->m->private_flag = priv != NULL && priv->i == 1;
	return BT_OK;
}

/* SHA-1 over the raw bytes "info" was decoded from. */
static int
hash_info(struct parse *p, const struct bencode *info, const void *data,
    size_t len)
{
	struct bbuf	all, raw;

	bbuf_view(&all, data, len);
	if (bbuf_consume(&all, info->off) != BT_OK ||
	    bbuf_split(&all, info->len, &raw) != BT_OK)
		return fail(p, BT_ERR_INVALID, "info span out of range");
	sha1_digest(bbuf_ptr(&raw), bbuf_len(&raw), p->m->info_hash);
	sha1_hex(p->m->info_hash, p->m->info_hash_hex);
	/* Kept for peers that ask for it (BEP 9 ut_metadata). */
	if ((p->m->info = malloc(bbuf_len(&raw) + 1)) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	memcpy(p->m->info, bbuf_ptr(&raw), bbuf_len(&raw));
	p->m->info_len = bbuf_len(&raw);
	return BT_OK;
}

static int
parse_root(struct parse *p, const struct bencode *root, const void *data,
    size_t len)
{
	const struct bencode	*info;
	int			 r;

	if (root->type != BENCODE_DICT)
		return fail(p, BT_ERR_FORMAT, "top level is %s, not a "
		    "dictionary", type_name(root->type));
	if ((r = need(p, root, "", "info", BENCODE_DICT, &info)) != BT_OK)
		return r;
	if ((r = hash_info(p, info, data, len)) != BT_OK ||
	    (r = parse_info(p, info)) != BT_OK)
		return r;
	return metainfo_parse_extras(p, root);
}

int
metainfo_parse(const void *data, size_t len, struct metainfo **out,
    char *errbuf, size_t errlen)
{
	struct bencode_err	 berr;
	struct bencode		*root = NULL;
	struct parse		 p;
	struct bbuf		 b;
	int			 r;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.errbuf = errbuf;
	p.errlen = errlen;
	fail(&p, BT_OK, "%s", "");
	bbuf_view(&b, data, len);
	/* libtorrent and Transmission accept what follows the dictionary,
	 * and real torrents carry a newline or NUL padding there. */
	if ((r = bencode_decode_prefix(&b, &root, &berr)) != BT_OK) {
		r = fail(&p, r == BT_ERR_NOMEM ? r : BT_ERR_FORMAT,
		    "not a valid torrent file: %s", berr.msg);
		goto out;
	}
	if ((p.m = calloc(1, sizeof(*p.m))) == NULL) {
		r = fail(&p, BT_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((r = parse_root(&p, root, data, len)) != BT_OK)
		goto out;
	p.m->trailing_bytes = bbuf_len(&b);
	*out = p.m;
	p.m = NULL;
out:
	metainfo_free(p.m);
	bencode_free(root);
	return r;
}

/* Reads all of fd into b, refusing more than BENCODE_MAX_INPUT bytes. */
static int
read_all(int fd, struct bbuf *b)
{
	uint8_t	*dst;
	ssize_t	 n;
	size_t	 want;
	int	 r;

	for (;;) {
		if ((want = bbuf_avail(b)) == 0)
			return BT_ERR_LIMIT;
		if (want > READ_CHUNK)
			want = READ_CHUNK;
		if ((r = bbuf_reserve(b, want, &dst)) != BT_OK)
			return r;
		if ((n = read(fd, dst, want)) == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return BT_ERR_SYS;
		if (n == 0)
			return BT_OK;
		bbuf_commit(b, (size_t)n);
	}
}

int
metainfo_load_raw(const char *path, struct metainfo **out, struct bbuf *raw,
    char *errbuf, size_t errlen)
{
	struct parse	p = { NULL, errbuf, errlen, 0 };
	char		why[256];
	int		fd, r, saved;

	*out = NULL;
	fail(&p, BT_OK, "%s", "");
	/* one byte over the limit tells "too large" from "exactly full" */
	bbuf_init(raw, BENCODE_MAX_INPUT + 1);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return fail(&p, BT_ERR_SYS, "cannot read %s: %s", path,
		    strerror(errno));
	r = read_all(fd, raw);
	saved = errno;
	close(fd);
	if (r == BT_ERR_SYS)
		fail(&p, r, "cannot read %s: %s", path, strerror(saved));
	else if (r == BT_ERR_LIMIT)
		fail(&p, r, "%s: file larger than %u MiB", path,
		    BENCODE_MAX_INPUT / (1024 * 1024));
	else if (r != BT_OK)
		fail(&p, r, "cannot read %s: %s", path, bt_strerror(r));
	else if ((r = metainfo_parse(bbuf_ptr(raw), bbuf_len(raw), out, why,
	    sizeof(why))) != BT_OK)
		fail(&p, r, "%s: %s", path, why);
	errno = saved;
	return r;
}

int
metainfo_load(const char *path, struct metainfo **out, char *errbuf,
    size_t errlen)
{
	struct bbuf	b;
	int		r;

	r = metainfo_load_raw(path, out, &b, errbuf, errlen);
	bbuf_cleanup(&b);
	return r;
}

void
metainfo_free(struct metainfo *m)
{
	size_t	i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->nfiles; i++) {
		free(m->files[i].path);
		free(m->files[i].md5sum);
	}
	for (i = 0; i < m->ntiers; i++) {
		for (j = 0; j < m->tiers[i].n; j++)
			free(m->tiers[i].urls[j]);
		free(m->tiers[i].urls);
	}
	for (i = 0; i < m->nwebseeds; i++)
		free(m->webseeds[i]);
	for (i = 0; i < m->ndht_nodes; i++)
		free(m->dht_nodes[i]);
	free(m->dht_nodes);
	free(m->webseeds);
	free(m->files);
	free(m->tiers);
	free(m->piece_hashes);
	free(m->info);
	free(m->name);
	free(m->comment);
	free(m->created_by);
	free(m);
}

uint32_t
metainfo_piece_size(const struct metainfo *m, uint32_t index)
{
	if (m == NULL || index >= m->num_pieces)
		return 0;
	if (index + 1 < m->num_pieces)
		return m->piece_length;
	return (uint32_t)(m->total_length -
	    (uint64_t)index * m->piece_length);
}

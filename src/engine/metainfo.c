/*
 * metainfo: turns a .torrent into a struct metainfo, refusing anything that
 * storage or the picker could trip over later.  The info-hash is the SHA-1
 * of the exact bytes of the "info" value (its raw span in the input), never
 * of a re-encoding.  Everything is validated before *out is handed over.
 */
#include "metainfo.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine/bencode.h"
#include "engine/sha1.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define PIECE_HASH_LEN	20	/* BEP 3: SHA-1 per piece in "pieces" */
#define SHOW_MAX	64	/* bytes of a name quoted in a message */
#define READ_CHUNK	(64u * 1024)
#define SHORT_HASH	8	/* hex digits of a shortened component's tag */
#define SHORT_EXT_MAX	16	/* longer "extensions" are not kept */

struct parse {			/* state of one metainfo_parse call */
	struct metainfo	*m;
	char		*errbuf;
	size_t		 errlen;
	int		 name_shortened;
};

static int __attribute__((format(printf, 3, 4)))
fail(struct parse *p, int r, const char *fmt, ...)
{
	va_list	ap;

	if (p->errbuf == NULL || p->errlen == 0)
		return r;
	va_start(ap, fmt);
	vsnprintf(p->errbuf, p->errlen, fmt, ap);
	va_end(ap);
	return r;
}

static const char *
type_name(enum bencode_type t)
{
	switch (t) {
	case BENCODE_INT:
		return "an integer";
	case BENCODE_STR:
		return "a string";
	case BENCODE_LIST:
		return "a list";
	case BENCODE_DICT:
		return "a dictionary";
	}
	return "unknown";
}

/* Appends s[0..n) to out (NUL-terminated, *w bytes used) escaped for a
 * one-line message: printable ASCII as is, the rest as \xNN. */
static void
show_append(char *out, size_t len, size_t *w, const char *s, size_t n)
{
	size_t	i;
	uint8_t	c;

	for (i = 0; i < n && *w + 8 < len; i++) {
		c = (uint8_t)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			out[(*w)++] = (char)c;
		else
			*w += (size_t)snprintf(out + *w, len - *w, "\\x%02x", c);
	}
	if (i < n && *w + 4 <= len) {
		memcpy(out + *w, "...", 3);
		*w += 3;
	}
	out[*w] = '\0';
}

static void
show_str(const struct bencode *s, char *out, size_t len)
{
	size_t	w = 0;

	show_append(out, len, &w, s->s, s->slen);
}

/* A path list for a message: its string elements joined with '/'. */
static void
show_path(const struct bencode *path, char *out, size_t len)
{
	size_t	i, w = 0;

	out[0] = '\0';
	for (i = 0; i < path->n && w + 8 < len; i++) {
		if (i > 0)
			show_append(out, len, &w, "/", 1);
		if (path->items[i]->type == BENCODE_STR)
			show_append(out, len, &w, path->items[i]->s,
			    path->items[i]->slen);
		else
			show_append(out, len, &w, "?", 1);
	}
}

/* Why c cannot be a path component (`first': the path's first), or NULL.
 * Storage joins components under the download directory, so none may be
 * empty, "." or "..", hold a separator or a NUL, or start at the root. */
static const char *
component_problem(const struct bencode *c, int first)
{
	if (c->slen == 0)
		return "empty component";
	if (first && (c->s[0] == '/' || c->s[0] == '\\'))
		return "path is absolute";
	if (c->slen == 1 && c->s[0] == '.')
		return "component \".\" is not allowed";
	if (c->slen == 2 && c->s[0] == '.' && c->s[1] == '.')
		return "component \"..\" is not allowed";
	if (memchr(c->s, '/', c->slen) != NULL)
		return "component contains '/'";
	if (memchr(c->s, '\\', c->slen) != NULL)
		return "component contains '\\'";
	if (memchr(c->s, '\0', c->slen) != NULL)
		return "component contains a NUL byte";
	return NULL;
}

/* RFC 3629 UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static int
utf8_valid(const struct bencode *s)
{
	struct bbuf	b;
	uint32_t	cp;
	uint8_t		c, cc;
	int		i, n;

	bbuf_view(&b, s->s, s->slen);
	while (bbuf_get_u8(&b, &c) == BT_OK) {
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return 0;
		cp = c & (0x3f >> n);	/* payload bits of the lead byte */
		for (i = 0; i < n; i++) {
			if (bbuf_get_u8(&b, &cc) != BT_OK || (cc & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (cc & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

/* A copy of a string value, cut at its first NUL (callers that care have
 * refused NULs already). */
static int
copy_str(struct parse *p, const struct bencode *s, char **out)
{
	if ((*out = strdup(s->s)) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	return BT_OK;
}

/* The value of `key' in d, present and of type t; `where' prefixes the
 * message ("info." or "file 3: "). */
static int
need(struct parse *p, const struct bencode *d, const char *where,
    const char *key, enum bencode_type t, const struct bencode **out)
{
	const struct bencode	*v = bencode_dict_get(d, key);

	*out = NULL;
	if (v == NULL)
		return fail(p, BT_ERR_FORMAT, "%s%s is missing", where, key);
	if (v->type != t)
		return fail(p, BT_ERR_FORMAT, "%s%s is %s, not %s", where, key,
		    type_name(v->type), type_name(t));
	*out = v;
	return BT_OK;
}

/* A non-negative length: "info." + "length", or "file 3: " + "length". */
static int
need_length(struct parse *p, const struct bencode *d, const char *where,
    uint64_t *out)
{
	const struct bencode	*v;
	int			 r;

	*out = 0;
	if ((r = need(p, d, where, "length", BENCODE_INT, &v)) != BT_OK)
		return r;
	if (v->i < 0)
		return fail(p, BT_ERR_INVALID, "%slength %" PRId64
		    " is negative", where, v->i);
	*out = (uint64_t)v->i;
	return BT_OK;
}

/* Writes component s[0..n) to out (at least METAINFO_MAX_COMPONENT + 1
 * bytes, NUL-terminated), shortened when over the limit; returns its new
 * length. */
static size_t
shorten(const char *s, size_t n, char *out)
{
	uint8_t		 digest[SHA1_LEN];
	char		 hex[2 * SHA1_LEN + 1];
	const char	*dot;
	size_t		 ext = 0, keep;

	if (n <= METAINFO_MAX_COMPONENT) {
		memcpy(out, s, n);
		out[n] = '\0';
		return n;
	}
	sha1_digest(s, n, digest);
	sha1_hex(digest, hex);
	for (dot = s + n - 1; dot > s && *dot != '.'; dot--)
		continue;
	if (dot > s && (size_t)(s + n - dot) <= SHORT_EXT_MAX)
		ext = (size_t)(s + n - dot);
	keep = METAINFO_MAX_COMPONENT - 1 - SHORT_HASH - ext;
	/* never cut inside a UTF-8 sequence */
	while (keep > 0 && ((uint8_t)s[keep] & 0xc0) == 0x80)
		keep--;
	memcpy(out, s, keep);
	out[keep] = '~';
	memcpy(out + keep + 1, hex, SHORT_HASH);
	memcpy(out + keep + 1 + SHORT_HASH, s + n - ext, ext);
	out[keep + 1 + SHORT_HASH + ext] = '\0';
	return keep + 1 + SHORT_HASH + ext;
}

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

/* A usable path list: non-empty, strings only, safe components.  `why'
 * (with *bad, the offending element) says what is wrong otherwise. */
static int
path_usable(const struct bencode *path, const char **why, size_t *bad)
{
	size_t	i;

	*why = NULL;
	*bad = 0;
	if (path->n == 0) {
		*why = "path is empty";
		return 0;
	}
	for (i = 0; i < path->n; i++) {
		*bad = i;
		if (path->items[i]->type != BENCODE_STR) {
			*why = "not a string";
			return 0;
		}
		if ((*why = component_problem(path->items[i], i == 0)) != NULL)
			return 0;
	}
	return 1;
}

static int
utf8_path(const struct bencode *path)
{
	const char	*why;
	size_t		 i, bad;

	if (path == NULL || !path_usable(path, &why, &bad))
		return 0;
	for (i = 0; i < path->n; i++)
		if (!utf8_valid(path->items[i]))
			return 0;
	return 1;
}

/* "<name>/<c1>/<c2>...": every piece is NUL-free, checked above; a
 * component over the limit is shortened (*shortened_out set). */
static int
join_path(struct parse *p, const struct bencode *path, char **out,
    int *shortened_out)
{
	size_t	 i, n = strlen(p->m->name), w;
	char	*s;

	*shortened_out = p->name_shortened;
	for (i = 0; i < path->n; i++)
		n += 1 + path->items[i]->slen;
	if ((s = malloc(n + 1)) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	w = strlen(p->m->name);
	memcpy(s, p->m->name, w);
	for (i = 0; i < path->n; i++) {
		s[w++] = '/';
		/* shorten writes a NUL after at most slen bytes: room */
		w += shorten(path->items[i]->s, path->items[i]->slen, s + w);
		if (path->items[i]->slen > METAINFO_MAX_COMPONENT)
			*shortened_out = 1;
	}
	s[w] = '\0';
	*out = s;
	return BT_OK;
}

/* BEP 3 multi-file: "path" is a list of components; prefer "path.utf-8". */
static int
file_path(struct parse *p, size_t idx, const struct bencode *f,
    struct metainfo_file *mf)
{
	const struct bencode	*path;
	const char		*why;
	char			 where[32], shown[SHOW_MAX + 8];
	size_t			 bad;
	int			 r;

	path = bencode_dict_get_type(f, "path.utf-8", BENCODE_LIST);
	if (!utf8_path(path)) {
		snprintf(where, sizeof(where), "file %zu: ", idx);
		if ((r = need(p, f, where, "path", BENCODE_LIST, &path)) != 0)
			return r;
		if (!path_usable(path, &why, &bad)) {
			show_path(path, shown, sizeof(shown));
			if (path->n > 0 && path->items[bad]->type != BENCODE_STR)
				return fail(p, BT_ERR_FORMAT, "file %zu: path "
				    "element %zu is %s, not a string", idx, bad,
				    type_name(path->items[bad]->type));
			return fail(p, BT_ERR_INVALID, "file %zu (path \"%s\"): "
			    "%s", idx, shown, why);
		}
	}
	return join_path(p, path, &mf->path, &mf->shortened);
}

static int
add_length(struct parse *p, size_t idx, uint64_t len)
{
	struct metainfo	*m = p->m;

	if (len > (uint64_t)INT64_MAX - m->total_length)
		return fail(p, BT_ERR_INVALID, "total length overflows at "
		    "file %zu (%" PRIu64 " bytes after %" PRIu64 ")", idx, len,
		    m->total_length);
	m->total_length += len;
	return BT_OK;
}

static int
md5sum(struct parse *p, const struct bencode *d, char **out)
{
	const struct bencode	*v;

	if ((v = bencode_dict_get_type(d, "md5sum", BENCODE_STR)) == NULL)
		return BT_OK;
	return copy_str(p, v, out);
}

/* BEP 47: "attr" is a string of flag letters; unknown letters are for
 * future flags and ignored, as is an attr that is not a string. */
static unsigned
parse_attr(const struct bencode *d)
{
	const struct bencode	*v;
	unsigned		 attr = 0;
	size_t			 i;

	if ((v = bencode_dict_get_type(d, "attr", BENCODE_STR)) == NULL)
		return 0;
	for (i = 0; i < v->slen; i++) {
		switch (v->s[i]) {
		case 'p':
			attr |= METAINFO_ATTR_PAD;
			break;
		case 'x':
			attr |= METAINFO_ATTR_EXEC;
			break;
		case 'h':
			attr |= METAINFO_ATTR_HIDDEN;
			break;
		case 'l':
			attr |= METAINFO_ATTR_SYMLINK;
			break;
		}
	}
	return attr;
}

/* BitComet wrote pads before BEP 47 named them, with no attr, as
 * "_____padding_file_N_..."; libtorrent treats them as pads too. */
static int
legacy_pad(const char *path)
{
	const char	*base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	return strncmp(base, "_____padding_file_", 18) == 0;
}

/* A symlink entry would need bttui to create a link from data a torrent
 * chose; it never does, so such a torrent is refused whole (README). */
static int
refuse_symlink(struct parse *p, const char *what, const char *path)
{
	char	shown[SHOW_MAX + 8];
	size_t	w = 0;

	show_append(shown, sizeof(shown), &w, path, strlen(path));
	return fail(p, BT_ERR_INVALID, "%s (path \"%s\") is a symbolic link "
	    "(BEP 47 attr 'l'): bttui does not create symlinks", what, shown);
}

static int
parse_file(struct parse *p, size_t idx, const struct bencode *f)
{
	struct metainfo_file	*mf = &p->m->files[idx];
	char			 where[32];
	int			 r;

	if (f->type != BENCODE_DICT)
		return fail(p, BT_ERR_FORMAT, "file %zu is %s, not a "
		    "dictionary", idx, type_name(f->type));
	snprintf(where, sizeof(where), "file %zu: ", idx);
	if ((r = need_length(p, f, where, &mf->length)) != BT_OK ||
	    (r = file_path(p, idx, f, mf)) != BT_OK ||
	    (r = md5sum(p, f, &mf->md5sum)) != BT_OK)
		return r;
	mf->attr = parse_attr(f);
	if (mf->shortened)
		p->m->nshortened++;
	if (legacy_pad(mf->path))
		mf->attr |= METAINFO_ATTR_PAD;
	snprintf(where, sizeof(where), "file %zu", idx);
	if ((mf->attr & METAINFO_ATTR_SYMLINK) &&
	    !(mf->attr & METAINFO_ATTR_PAD))
		return refuse_symlink(p, where, mf->path);
	if (mf->attr & METAINFO_ATTR_PAD)
		p->m->npads++;
	mf->offset = p->m->total_length;
	return add_length(p, idx, mf->length);
}

/* Path order with '/' below every other byte, so that a path sorts right
 * before the paths under it ("a", "a/b", "a b"). */
static int
cmp_str(const char *x, const char *y)
{
	const unsigned char	*a = (const unsigned char *)x;
	const unsigned char	*b = (const unsigned char *)y;
	unsigned		 ca, cb;

	for (;; a++, b++) {
		ca = *a == '/' ? 1 : *a;
		cb = *b == '/' ? 1 : *b;
		if (ca != cb || ca == 0)
			return (int)ca - (int)cb;
	}
}

static int
cmp_path(const void *x, const void *y)
{
	return cmp_str((*(const struct metainfo_file *const *)x)->path,
	    (*(const struct metainfo_file *const *)y)->path);
}

/* Whether `dir' is a proper directory prefix of path ("a" of "a/b"). */
static int
is_under(const char *path, const char *dir)
{
	size_t	n = strlen(dir);

	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* The first of v[0..n) (sorted by cmp_path) not below key. */
static size_t
lower_bound(struct metainfo_file *const *v, size_t n, const char *key)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cmp_str(v[mid]->path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Pads are never created, so pads may share a path (libtorrent names two
 * pads of one size alike); a pad on a real file's path, over a real file
 * or under one is still a broken torrent.  v[0..n): the real files. */
static int
check_pad(struct parse *p, struct metainfo_file *const *v, size_t n,
    const struct metainfo_file *pad)
{
	struct metainfo	*m = p->m;
	char		 dir[4096];
	const char	*slash;
	size_t		 at, k;

	at = lower_bound(v, n, pad->path);
	if (at < n && (strcmp(v[at]->path, pad->path) == 0 ||
	    is_under(v[at]->path, pad->path)))
		return fail(p, BT_ERR_INVALID, "pad file %zu (path \"%s\") "
		    "collides with file %zu (\"%s\")", (size_t)(pad - m->files),
		    pad->path, (size_t)(v[at] - m->files), v[at]->path);
	for (slash = strchr(pad->path, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		if ((k = (size_t)(slash - pad->path)) >= sizeof(dir))
			break;
		memcpy(dir, pad->path, k);
		dir[k] = '\0';
		at = lower_bound(v, n, dir);
		if (at < n && strcmp(v[at]->path, dir) == 0)
			return fail(p, BT_ERR_INVALID, "pad file %zu (path "
			    "\"%s\") lies under file %zu", (size_t)(pad -
			    m->files), pad->path, (size_t)(v[at] - m->files));
	}
	return BT_OK;
}

/* Two files on one path would overwrite each other's data, and a file that
 * is also another file's directory cannot be created: both are refused. */
static int
check_unique_paths(struct parse *p)
{
	struct metainfo		 *m = p->m;
	struct metainfo_file	**v;
	size_t			  i, n = 0;
	int			  r = BT_OK;

	if (m->nfiles < 2)
		return BT_OK;
	if ((v = calloc(m->nfiles, sizeof(*v))) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	for (i = 0; i < m->nfiles; i++)
		if (!(m->files[i].attr & METAINFO_ATTR_PAD))
			v[n++] = &m->files[i];
	qsort(v, n, sizeof(*v), cmp_path);
	for (i = 1; i < n && r == BT_OK; i++) {
		if (strcmp(v[i - 1]->path, v[i]->path) == 0)
			r = fail(p, BT_ERR_INVALID, "file %zu and file %zu have "
			    "the same path \"%s\"", (size_t)(v[i - 1] - m->files),
			    (size_t)(v[i] - m->files), v[i]->path);
		else if (is_under(v[i]->path, v[i - 1]->path))
			r = fail(p, BT_ERR_INVALID, "file %zu (path \"%s\") is "
			    "also the directory of file %zu",
			    (size_t)(v[i - 1] - m->files), v[i - 1]->path,
			    (size_t)(v[i] - m->files));
	}
	for (i = 0; i < m->nfiles && r == BT_OK; i++)
		if (m->files[i].attr & METAINFO_ATTR_PAD)
			r = check_pad(p, v, n, &m->files[i]);
	free(v);
	return r;
}

static int
parse_files(struct parse *p, const struct bencode *files)
{
	struct metainfo	*m = p->m;
	size_t		 i;
	int		 r;

	if (files->n == 0)
		return fail(p, BT_ERR_INVALID, "torrent is empty (info.files "
		    "has no entries)");
	if (files->n > METAINFO_MAX_FILES)
		return fail(p, BT_ERR_INVALID, "info.files has %zu entries "
		    "(limit %d)", files->n, METAINFO_MAX_FILES);
	if ((m->files = calloc(files->n, sizeof(*m->files))) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	m->multi_file = 1;
	for (i = 0; i < files->n; i++) {
		/* counted first so metainfo_free sees a half-built entry */
		m->nfiles++;
		if ((r = parse_file(p, i, files->items[i])) != BT_OK)
			return r;
	}
	return check_unique_paths(p);
}

static int
parse_single(struct parse *p, const struct bencode *info)
{
	struct metainfo	*m = p->m;
	int		 r;

	if ((m->files = calloc(1, sizeof(*m->files))) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	m->nfiles = 1;
	if ((r = need_length(p, info, "info.", &m->files[0].length)) != 0 ||
	    (r = md5sum(p, info, &m->files[0].md5sum)) != BT_OK)
		return r;
	/* BEP 3: the single file is named by info.name */
	if ((m->files[0].path = strdup(m->name)) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	m->files[0].shortened = p->name_shortened;
	m->nshortened = (size_t)p->name_shortened;
	/* The one file is the content: a pad flag on it means nothing. */
	m->files[0].attr = parse_attr(info) & ~(unsigned)METAINFO_ATTR_PAD;
	if (m->files[0].attr & METAINFO_ATTR_SYMLINK)
		return refuse_symlink(p, "info", m->name);
	return BT_OK;
}

static int
parse_layout(struct parse *p, const struct bencode *info)
{
	const struct bencode	*files, *length;
	int			 r;

	files = bencode_dict_get(info, "files");
	length = bencode_dict_get(info, "length");
	if (files != NULL && length != NULL)
		return fail(p, BT_ERR_INVALID, "info has both length and "
		    "files (single- or multi-file?)");
	if (files == NULL && length == NULL)
		return fail(p, BT_ERR_FORMAT, "info has neither length nor "
		    "files");
	if (files != NULL) {
		if (files->type != BENCODE_LIST)
			return fail(p, BT_ERR_FORMAT, "info.files is %s, not a "
			    "list", type_name(files->type));
		return parse_files(p, files);
	}
	if ((r = parse_single(p, info)) != BT_OK)
		return r;
	return add_length(p, 0, p->m->files[0].length);
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
	    (r = parse_layout(p, info)) != BT_OK ||
	    (r = check_piece_count(p)) != BT_OK)
		return r;
	/* BEP 27: only the integer 1 makes a torrent private */
	priv = bencode_dict_get_type(info, "private", BENCODE_INT);
	p->m->private_flag = priv != NULL && priv->i == 1;
	return BT_OK;
}

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

static int
parse_extras(struct parse *p, const struct bencode *root)
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
	    (r = parse_info(p, info)) != BT_OK ||
	    (r = parse_trackers(p, root)) != BT_OK ||
	    (r = parse_webseeds(p, root)) != BT_OK ||
	    (r = parse_dht_nodes(p, root)) != BT_OK)
		return r;
	return parse_extras(p, root);
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

/*
 * Torrent creation.  Three steps: walk the path into a sorted file list;
 * build the whole torrent with placeholder piece hashes and let
 * metainfo_parse judge it (so a name bttui would refuse fails before hours
 * of hashing); hash the files as one stream cut into pieces, put the real
 * hashes in, encode and check again.
 */
#include "maketorrent.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "bencode.h"
#include "metainfo.h"
#include "sha1.h"

#define MT_READ_BUF	(1024 * 1024)	/* one reusable read buffer */
#define MT_MAX_DEPTH	64		/* directory nesting */

struct mt_file {
	char		*rel;		/* '/'-separated, under the top dir */
	char		*full;		/* what open() gets */
	uint64_t	 length;
};

struct mt {
	const struct maketorrent_opts *opts;
	struct mt_file	*files;
	size_t		 nfiles, alloc;
	uint64_t	 total;
	uint32_t	 piece;
	int		 multi;
	char		*errbuf;
	size_t		 errlen;
};

static int	fail(struct mt *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
fail(struct mt *m, int r, const char *fmt, ...)
{
	va_list	ap;

	if (m->errbuf != NULL && m->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(m->errbuf, m->errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

/* "%s: <strerror>" for the errno a system call left. */
static int
fail_sys(struct mt *m, const char *path, const char *what)
{
	int	saved = errno;

	fail(m, BT_ERR_SYS, "cannot %s %s: %s", what, path, strerror(saved));
	errno = saved;
	return BT_ERR_SYS;
}

uint32_t
maketorrent_auto_piece(uint64_t total_bytes)
{
	uint64_t	p = MAKETORRENT_MIN_PIECE;

	while (p < MAKETORRENT_AUTO_MAX && total_bytes / p +
	    (total_bytes % p != 0) > MAKETORRENT_AUTO_PIECES)
		p <<= 1;
	return (uint32_t)p;
}

static char *
join(const char *a, const char *b)
{
	size_t	 na = strlen(a), nb = strlen(b);
	char	*s;

	if (na == 0)
		return strdup(b);
	if (na > SIZE_MAX - nb - 2 || (s = malloc(na + nb + 2)) == NULL)
		return NULL;
	memcpy(s, a, na);
	s[na] = '/';
	memcpy(s + na + 1, b, nb + 1);
	return s;
}

static void
files_free(struct mt *m)
{
	size_t	i;

	for (i = 0; i < m->nfiles; i++) {
		free(m->files[i].rel);
		free(m->files[i].full);
	}
	free(m->files);
	m->files = NULL;
	m->nfiles = m->alloc = 0;
}

static int
add_file(struct mt *m, const char *full, const char *rel, uint64_t length)
{
	struct mt_file	*f;
	size_t		 na;

	if (m->nfiles == METAINFO_MAX_FILES)
		return fail(m, BT_ERR_LIMIT, "%s: more than %d files (bttui "
		    "opens torrents of at most %d)", m->opts->path,
		    METAINFO_MAX_FILES, METAINFO_MAX_FILES);
	if (length > UINT64_MAX - m->total)
		return fail(m, BT_ERR_LIMIT, "%s: total size overflows", full);
	if (m->nfiles == m->alloc) {
		na = m->alloc == 0 ? 64 : m->alloc * 2;
		if ((f = reallocarray(m->files, na, sizeof(*f))) == NULL)
			return fail(m, BT_ERR_NOMEM, "out of memory");
		m->files = f;
		m->alloc = na;
	}
	f = &m->files[m->nfiles];
	f->rel = strdup(rel);
	f->full = strdup(full);
	f->length = length;
	if (f->rel == NULL || f->full == NULL) {
		free(f->rel);
		free(f->full);
		return fail(m, BT_ERR_NOMEM, "out of memory");
	}
	m->nfiles++;
	m->total += length;
	return BT_OK;
}

struct names {
	char	**v;
	size_t	  n, alloc;
};

static void
names_free(struct names *ns)
{
	size_t	i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

static int
names_add(struct names *ns, const char *name)
{
	char	**v;
	size_t	  na;

	if (ns->n == ns->alloc) {
		na = ns->alloc == 0 ? 16 : ns->alloc * 2;
		if ((v = reallocarray(ns->v, na, sizeof(*v))) == NULL)
			return BT_ERR_NOMEM;
		ns->v = v;
		ns->alloc = na;
	}
	if ((ns->v[ns->n] = strdup(name)) == NULL)
		return BT_ERR_NOMEM;
	ns->n++;
	return BT_OK;
}

/* Reads a directory's names and closes it again before recursing, so the
 * walk holds one descriptor at a time whatever the depth. */
static int
read_names(struct mt *m, const char *dir, struct names *ns)
{
	struct dirent	*de;
	DIR		*d;
	int		 r = BT_OK;

	memset(ns, 0, sizeof(*ns));
	if ((d = opendir(dir)) == NULL)
		return fail_sys(m, dir, "open directory");
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((r = names_add(ns, de->d_name)) != BT_OK)
			break;
	}
	if (r == BT_OK && errno != 0)
		r = fail_sys(m, dir, "read directory");
	else if (r != BT_OK)
		r = fail(m, r, "out of memory");
	closedir(d);
	return r;
}

static int	walk_dir(struct mt *, const char *, const char *, int);

static int
walk_entry(struct mt *m, const char *full, const char *rel, int depth)
{
	struct stat	st;

	if (lstat(full, &st) == -1)
		return fail_sys(m, full, "stat");
	if (S_ISDIR(st.st_mode))
		return walk_dir(m, full, rel, depth + 1);
	if (S_ISREG(st.st_mode))
		return add_file(m, full, rel, (uint64_t)st.st_size);
	if (S_ISLNK(st.st_mode))
		return fail(m, BT_ERR_INVALID, "%s: is a symbolic link; bttui "
		    "does not follow links inside a directory (copy the "
		    "target in, or remove the link)", full);
	return fail(m, BT_ERR_INVALID, "%s: not a regular file (a device, "
	    "FIFO or socket); remove it from the directory", full);
}

static int
walk_dir(struct mt *m, const char *full, const char *rel, int depth)
{
	struct names	 ns;
	char		*cfull, *crel;
	size_t		 i;
	int		 r;

	if (depth > MT_MAX_DEPTH)
		return fail(m, BT_ERR_LIMIT, "%s: directories nested more "
		    "than %d deep", full, MT_MAX_DEPTH);
	if ((r = read_names(m, full, &ns)) != BT_OK)
		return r;
	for (i = 0; i < ns.n && r == BT_OK; i++) {
		cfull = join(full, ns.v[i]);
		crel = join(rel, ns.v[i]);
		if (cfull == NULL || crel == NULL)
			r = fail(m, BT_ERR_NOMEM, "out of memory");
		else
			r = walk_entry(m, cfull, crel, depth);
		free(cfull);
		free(crel);
	}
	names_free(&ns);
	return r;
}

/* The relative paths compared as byte strings, '/' included: the order
 * mktorrent and transmission-create use, so that the same files and piece
 * size give the same info-hash whichever tool made the torrent. */
static int
path_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct mt_file *)pa)->rel,
	    ((const struct mt_file *)pb)->rel);
}

/* The torrent's name: the base name of path, or of its real path when the
 * base is ".", ".." or empty (path "dir/.." or "/"). */
static char *
top_name(const char *path)
{
	char	 buf[PATH_MAX], *real = NULL, *name;
	size_t	 n = strlen(path);
	size_t	 start;

	while (n > 1 && path[n - 1] == '/')
		n--;
	start = n;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (n - start == 0 || (n - start == 1 && path[start] == '.') ||
	    (n - start == 2 && path[start] == '.' && path[start + 1] == '.')) {
		if ((real = realpath(path, buf)) == NULL)
			return NULL;
		n = strlen(real);
		start = n;
		while (start > 0 && real[start - 1] != '/')
			start--;
		path = real;
	}
	if ((name = malloc(n - start + 1)) == NULL)
		return NULL;
	memcpy(name, path + start, n - start);
	name[n - start] = '\0';
	return name;
}

static int
walk(struct mt *m)
{
	struct stat	st;
	int		r;

	if (stat(m->opts->path, &st) == -1)
		return fail_sys(m, m->opts->path, "read");
	if (S_ISREG(st.st_mode))
		return add_file(m, m->opts->path, "", (uint64_t)st.st_size);
	if (!S_ISDIR(st.st_mode))
		return fail(m, BT_ERR_INVALID, "%s: neither a regular file nor "
		    "a directory", m->opts->path);
	m->multi = 1;
	if ((r = walk_dir(m, m->opts->path, "", 0)) != BT_OK)
		return r;
	if (m->nfiles == 0)
		return fail(m, BT_ERR_INVALID, "%s: the directory holds no "
		    "files", m->opts->path);
	qsort(m->files, m->nfiles, sizeof(m->files[0]), path_cmp);
	return BT_OK;
}

/* bencode builders return NULL when out of memory, and dict_set and
 * list_append take that NULL and report BT_ERR_NOMEM. */
static int
put_str(struct bencode *d, const char *key, const char *s)
{
	return bencode_dict_set(d, key, bencode_new_cstr(s));
}

static int
put_int(struct bencode *d, const char *key, int64_t i)
{
	return bencode_dict_set(d, key, bencode_new_int(i));
}

static struct bencode *
path_list(const char *rel)
{
	struct bencode	*l;
	const char	*p = rel;
	size_t		 n;

	if ((l = bencode_new_list()) == NULL)
		return NULL;
	for (;;) {
		n = strcspn(p, "/");
		if (bencode_list_append(l, bencode_new_str(p, n)) != BT_OK) {
			bencode_free(l);
			return NULL;
		}
		if (p[n] == '\0')
			return l;
		p += n + 1;
	}
}

static int
add_files(const struct mt *m, struct bencode *info)
{
	struct bencode	*files, *f;
	size_t		 i;
	int		 r;

	if (!m->multi)
		return put_int(info, "length", (int64_t)m->total);
	if ((files = bencode_new_list()) == NULL)
		return BT_ERR_NOMEM;
	for (i = 0; i < m->nfiles; i++) {
		if ((f = bencode_new_dict()) == NULL) {
			bencode_free(files);
			return BT_ERR_NOMEM;
		}
		if ((r = put_int(f, "length", (int64_t)m->files[i].length)) ==
		    BT_OK)
			r = bencode_dict_set(f, "path",
			    path_list(m->files[i].rel));
		if (r != BT_OK)
			bencode_free(f);
		else
			r = bencode_list_append(files, f);
		if (r != BT_OK) {
			bencode_free(files);
			return r;
		}
	}
	return bencode_dict_set(info, "files", files);
}

static struct bencode *
build_info(const struct mt *m, const char *name, size_t npieces)
{
	struct bencode	*info;
	uint8_t		*zero;
	int		 r;

	if ((info = bencode_new_dict()) == NULL)
		return NULL;
	/* Placeholder hashes: the real ones replace them after hashing. */
	if ((zero = calloc(npieces, SHA1_LEN)) == NULL) {
		bencode_free(info);
		return NULL;
	}
	if ((r = put_str(info, "name", name)) != BT_OK ||
	    (r = put_int(info, "piece length", m->piece)) != BT_OK ||
	    (r = bencode_dict_set(info, "pieces", bencode_new_str(zero,
	    npieces * SHA1_LEN))) != BT_OK ||
	    (m->opts->private_flag && (r = put_int(info, "private", 1)) !=
	    BT_OK) || (r = add_files(m, info)) != BT_OK) {
		free(zero);
		bencode_free(info);
		return NULL;
	}
	free(zero);
	return info;
}

static int
add_announce(const struct maketorrent_opts *o, struct bencode *t)
{
	struct bencode	*tiers, *tier;
	size_t		 i;
	int		 r;

	if (o->nannounce == 0)
		return BT_OK;
	if ((r = put_str(t, "announce", o->announce[0])) != BT_OK ||
	    o->nannounce == 1)
		return r;
	if ((tiers = bencode_new_list()) == NULL)
		return BT_ERR_NOMEM;
	/* BEP 12: a list of tiers; each -a is a tier of one URL. */
	for (i = 0; i < o->nannounce; i++) {
		if ((tier = bencode_new_list()) == NULL)
			r = BT_ERR_NOMEM;
		else if ((r = bencode_list_append(tier,
		    bencode_new_cstr(o->announce[i]))) != BT_OK)
			bencode_free(tier);
		else
			r = bencode_list_append(tiers, tier);
		if (r != BT_OK) {
			bencode_free(tiers);
			return r;
		}
	}
	return bencode_dict_set(t, "announce-list", tiers);
}

static struct bencode *
build_torrent(const struct mt *m, struct bencode *info)
{
	const struct maketorrent_opts	*o = m->opts;
	struct bencode			*t;
	int				 r;

	if ((t = bencode_new_dict()) == NULL) {
		bencode_free(info);
		return NULL;
	}
	if ((r = bencode_dict_set(t, "info", info)) != BT_OK ||
	    (r = add_announce(o, t)) != BT_OK ||
	    (o->comment != NULL && (r = put_str(t, "comment",
	    o->comment)) != BT_OK) ||
	    (o->created_by != NULL && (r = put_str(t, "created by",
	    o->created_by)) != BT_OK) ||
	    (o->creation_date != 0 && (r = put_int(t, "creation date",
	    o->creation_date)) != BT_OK)) {
		bencode_free(t);
		return NULL;
	}
	return t;
}

/* Hashing state: the files form one stream, cut into pieces. */
struct hasher {
	struct sha1	*h;
	uint32_t	 piece, fill;	/* fill: bytes of the open piece */
	uint8_t		*hashes;	/* SHA1_LEN * max */
	size_t		 n, max;	/* pieces closed, pieces expected */
	uint64_t	 done;
};

static void
hash_close(struct hasher *hs)
{
	/* n > max cannot happen: every file is read to its walked length. */
	if (hs->n < hs->max)
		sha1_final(hs->h, hs->hashes + hs->n * SHA1_LEN);
	hs->n++;
	hs->fill = 0;
}

static void
hash_feed(struct hasher *hs, const uint8_t *p, size_t n)
{
	size_t	take;

	while (n > 0) {
		take = hs->piece - hs->fill;
		if (take > n)
			take = n;
		sha1_update(hs->h, p, take);
		hs->fill += (uint32_t)take;
		p += take;
		n -= take;
		if (hs->fill == hs->piece)
			hash_close(hs);
	}
}

static int
changed(struct mt *m, const char *path)
{
	return fail(m, BT_ERR_INVALID, "%s: the file changed while it was "
	    "being hashed; try again once nothing writes to it", path);
}

/* Reads exactly the length the walk saw, in MT_READ_BUF chunks. */
static int
hash_stream(struct mt *m, struct hasher *hs, int fd, const struct mt_file *f,
    uint8_t *buf)
{
	uint64_t	left = f->length;
	size_t		want;
	ssize_t		n;

	while (left > 0) {
		want = left < MT_READ_BUF ? (size_t)left : MT_READ_BUF;
		if ((n = read(fd, buf, want)) == -1) {
			if (errno == EINTR)
				continue;
			return fail_sys(m, f->full, "read");
		}
		if (n == 0)
			return changed(m, f->full);
		hash_feed(hs, buf, (size_t)n);
		left -= (uint64_t)n;
		hs->done += (uint64_t)n;
		if (m->opts->progress != NULL)
			m->opts->progress(m->opts->progress_arg, hs->done,
			    m->total);
	}
	return BT_OK;
}

static int
hash_file(struct mt *m, struct hasher *hs, const struct mt_file *f,
    uint8_t *buf)
{
	struct stat	st;
	int		fd, r;

	if ((fd = open(f->full, O_RDONLY | O_CLOEXEC)) == -1)
		return fail_sys(m, f->full, "open");
	if (fstat(fd, &st) == -1)
		r = fail_sys(m, f->full, "stat");
	else if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != f->length)
		r = changed(m, f->full);
	else if ((r = hash_stream(m, hs, fd, f, buf)) == BT_OK) {
		/* Grown meanwhile: the torrent would describe a prefix. */
		if (fstat(fd, &st) == -1)
			r = fail_sys(m, f->full, "stat");
		else if ((uint64_t)st.st_size != f->length)
			r = changed(m, f->full);
	}
	close(fd);
	return r;
}

/* Hashes every file; on success *hashes_out (SHA1_LEN * npieces bytes) is
 * the caller's to free. */
static int
hash_all(struct mt *m, size_t npieces, uint8_t **hashes_out)
{
	struct hasher	 hs;
	uint8_t		*buf;
	size_t		 i;
	int		 r = BT_OK;

	*hashes_out = NULL;
	memset(&hs, 0, sizeof(hs));
	hs.piece = m->piece;
	hs.max = npieces;
	buf = malloc(MT_READ_BUF);
	hs.hashes = malloc(npieces * SHA1_LEN);
	hs.h = sha1_new();
	if (buf == NULL || hs.hashes == NULL || hs.h == NULL)
		r = fail(m, BT_ERR_NOMEM, "out of memory");
	for (i = 0; i < m->nfiles && r == BT_OK; i++)
		r = hash_file(m, &hs, &m->files[i], buf);
	if (r == BT_OK && hs.fill > 0)
		hash_close(&hs);
	if (r == BT_OK && hs.n != npieces)
		r = fail(m, BT_ERR_INVALID, "internal error: %zu pieces "
		    "hashed, %zu expected", hs.n, npieces);
	if (r == BT_OK) {
		*hashes_out = hs.hashes;
		hs.hashes = NULL;
	}
	free(hs.hashes);
	free(buf);
	sha1_free(hs.h);
	return r;
}

/* Encodes t and lets metainfo_parse judge it; on success, and when out is
 * not NULL, appends the bytes to out. */
static int
check_torrent(struct mt *m, const struct bencode *t, struct bbuf *out)
{
	struct metainfo	*mi = NULL;
	struct bbuf	 tmp;
	char		 msg[256];
	int		 r;

	bbuf_init(&tmp, out != NULL ? bbuf_avail(out) : BENCODE_MAX_INPUT);
	if ((r = bencode_encode(t, &tmp)) != BT_OK) {
		r = fail(m, r, "%s: the torrent would not fit in %zu bytes "
		    "(%s); pick a larger --piece-size", m->opts->path,
		    (size_t)(out != NULL ? bbuf_avail(out) : BENCODE_MAX_INPUT),
		    bt_strerror(r));
		goto out;
	}
	if ((r = metainfo_parse(bbuf_ptr(&tmp), bbuf_len(&tmp), &mi, msg,
	    sizeof(msg))) != BT_OK) {
		r = fail(m, BT_ERR_INVALID, "%s: bttui would refuse this "
		    "torrent: %s", m->opts->path, msg);
		goto out;
	}
	if (mi->total_length != m->total || mi->nfiles != m->nfiles) {
		r = fail(m, BT_ERR_INVALID, "internal error: the torrent "
		    "reads back with other sizes");
		goto out;
	}
	if (out != NULL && (r = bbuf_put_bytes(out, bbuf_ptr(&tmp),
	    bbuf_len(&tmp))) != BT_OK)
		r = fail(m, r, "cannot store the torrent: %s", bt_strerror(r));
out:
	metainfo_free(mi);
	bbuf_cleanup(&tmp);
	return r;
}

static int
check_opts(struct mt *m)
{
	const struct maketorrent_opts	*o = m->opts;
	uint32_t			 p = o->piece_size;
	size_t				 i;

	if (o->path == NULL || o->path[0] == '\0')
		return fail(m, BT_ERR_INVALID, "no file or directory given");
	if (p != 0 && (p < MAKETORRENT_MIN_PIECE ||
	    p > MAKETORRENT_MAX_PIECE || (p & (p - 1)) != 0))
		return fail(m, BT_ERR_INVALID, "piece size %lu: must be a "
		    "power of two from %u to %u", (unsigned long)p,
		    MAKETORRENT_MIN_PIECE, MAKETORRENT_MAX_PIECE);
	if (o->nannounce > 0 && o->announce == NULL)
		return fail(m, BT_ERR_INVALID, "announce list missing");
	for (i = 0; i < o->nannounce; i++)
		if (o->announce[i] == NULL || o->announce[i][0] == '\0')
			return fail(m, BT_ERR_INVALID, "tracker %zu is empty",
			    i + 1);
	return BT_OK;
}

/* Walks the path and settles the piece size and count. */
static int
plan(struct mt *m, size_t *npieces_out)
{
	uint64_t	n;
	int		r;

	*npieces_out = 0;
	if ((r = check_opts(m)) != BT_OK || (r = walk(m)) != BT_OK)
		return r;
	if (m->total == 0)
		return fail(m, BT_ERR_INVALID, "%s: all files are empty (a "
		    "torrent needs at least one byte of data)", m->opts->path);
	m->piece = m->opts->piece_size != 0 ? m->opts->piece_size :
	    maketorrent_auto_piece(m->total);
	n = (m->total - 1) / m->piece + 1;
	/* The piece hashes alone must leave room in a bounded document. */
	if (n > BENCODE_MAX_INPUT / 2 / SHA1_LEN)
		return fail(m, BT_ERR_LIMIT, "%s: %llu pieces of %lu bytes "
		    "are too many; pick a larger --piece-size", m->opts->path,
		    (unsigned long long)n, (unsigned long)m->piece);
	*npieces_out = (size_t)n;
	return BT_OK;
}

int
maketorrent_build(const struct maketorrent_opts *opts, struct bbuf *out,
    char *errbuf, size_t errlen)
{
	struct mt	 m;
	struct bencode	*t = NULL, *info;
	uint8_t		*hashes = NULL;
	char		*name = NULL;
	size_t		 npieces;
	int		 r;

	memset(&m, 0, sizeof(m));
	m.opts = opts;
	m.errbuf = errbuf;
	m.errlen = errlen;
	fail(&m, BT_OK, "%s", "");
	if ((r = plan(&m, &npieces)) != BT_OK)
		goto out;
	if ((name = top_name(opts->path)) == NULL) {
		r = fail_sys(&m, opts->path, "resolve");
		goto out;
	}
	if ((info = build_info(&m, name, npieces)) == NULL ||
	    (t = build_torrent(&m, info)) == NULL) {
		r = fail(&m, BT_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* First with placeholder hashes: refuse bad names before hashing. */
	if ((r = check_torrent(&m, t, NULL)) != BT_OK ||
	    (r = hash_all(&m, npieces, &hashes)) != BT_OK)
		goto out;
	if ((r = bencode_dict_set(info, "pieces", bencode_new_str(hashes,
	    npieces * SHA1_LEN))) != BT_OK) {
		r = fail(&m, r, "out of memory");
		goto out;
	}
	r = check_torrent(&m, t, out);
out:
	bencode_free(t);
	free(hashes);
	free(name);
	files_free(&m);
	return r;
}

/*
 * metainfo_files: the torrent's file list.  Each path is checked before
 * storage joins it under the download directory (no empty, "." or ".."
 * component, no separator, no NUL, valid UTF-8 preferred), shortened when
 * a component is over METAINFO_MAX_COMPONENT, and unique; pad files
 * (BEP 47) are recognised and symlinks refused.  Called from metainfo.c's
 * parse of the info dictionary (metainfo_impl.h).
 */
#include "metainfo_impl.h"

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

int
metainfo_parse_layout(struct parse *p, const struct bencode *info)
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

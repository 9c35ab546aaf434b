/*
 * watchdir: what a watch directory held at the last scan, and which of
 * those files were reported; see watchdir.h.  The table is sorted by name
 * so that each scan matches old and new in O(n log n); a scan builds a new
 * table and swaps it in whole, so a failed scan changes nothing.
 */
#include "engine/watchdir.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipc/err.h"

struct watch_file {
	char		name[NAME_MAX + 1];
	uint64_t	size;
	int64_t		mtime_ms;
	int64_t		mtime_ns;	/* the nanoseconds, for "changed" */
	uint64_t	ino;
	int		reported;
	int		due;		/* report in this scan */
};

struct watchdir {
	char			 path[PATH_MAX];
	struct watch_file	*files;		/* sorted by name */
	size_t			 n;
};

/* A scan's new table, growing. */
struct scan {
	struct watch_file	*v;
	size_t			 n, cap;
};

int
watchdir_new(const char *dir, struct watchdir **out)
{
	struct watchdir	*w;
	struct stat	 st;
	char		 resolved[PATH_MAX];

	*out = NULL;
	if (dir[0] == '\0')
		return BT_ERR_INVALID;
	if (strlen(dir) >= sizeof(resolved))
		return BT_ERR_LIMIT;
	if (realpath(dir, resolved) == NULL || stat(resolved, &st) == -1)
		return BT_ERR_SYS;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return BT_ERR_SYS;
	}
	/* DIR/NAME.added must fit in a path. */
	if (strlen(resolved) + 1 + NAME_MAX + sizeof(WATCHDIR_ADDED_SUFFIX) >
	    sizeof(w->path))
		return BT_ERR_LIMIT;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return BT_ERR_NOMEM;
	memcpy(w->path, resolved, strlen(resolved) + 1);
	*out = w;
	return BT_OK;
}

void
watchdir_free(struct watchdir *w)
{
	if (w == NULL)
		return;
	free(w->files);
	free(w);
}

const char *
watchdir_path(const struct watchdir *w)
{
	return w->path;
}

/* DIR/name<suffix> into buf; watchdir_new made sure it fits in PATH_MAX
 * for any name up to NAME_MAX. */
static int
join(const struct watchdir *w, const char *name, const char *suffix,
    char *buf, size_t len)
{
	int	n = snprintf(buf, len, "%s/%s%s", w->path, name, suffix);

	return n < 0 || (size_t)n >= len ? BT_ERR_LIMIT : BT_OK;
}

/* 1 for NAME.torrent (any case), not hidden. */
static int
is_candidate(const char *name)
{
	size_t	n = strlen(name), s = sizeof(WATCHDIR_SUFFIX) - 1;

	return name[0] != '.' && n > s &&
	    strcasecmp(name + n - s, WATCHDIR_SUFFIX) == 0;
}

static int
cmp_name(const void *a, const void *b)
{
	const struct watch_file	*x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* Adds one directory entry to the scan if it is a candidate. */
static int
scan_entry(struct scan *s, int dfd, const char *name)
{
	struct watch_file	*f;
	struct stat		 st;
	size_t			 cap;

	if (!is_candidate(name) || strlen(name) > NAME_MAX)
		return BT_OK;
	/* Follows symbolic links: a link to a .torrent is a .torrent. */
	if (fstatat(dfd, name, &st, 0) == -1 || !S_ISREG(st.st_mode))
		return BT_OK;
	if (s->n == WATCHDIR_MAX_FILES)
		return BT_ERR_LIMIT;
	if (s->n == s->cap) {
		cap = s->cap == 0 ? 16 : 2 * s->cap;
		if ((f = realloc(s->v, cap * sizeof(*f))) == NULL)
			return BT_ERR_NOMEM;
		s->v = f;
		s->cap = cap;
	}
	f = &s->v[s->n++];
	memset(f, 0, sizeof(*f));
	memcpy(f->name, name, strlen(name) + 1);
	f->size = (uint64_t)st.st_size;
	f->mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 +
	    st.st_mtim.tv_nsec / 1000000;
	f->mtime_ns = st.st_mtim.tv_nsec;
	f->ino = (uint64_t)st.st_ino;
	return BT_OK;
}

/* Reads the directory into s, sorted by name. */
static int
scan_read(const struct watchdir *w, struct scan *s)
{
	struct dirent	*de;
	DIR		*d;
	int		 r = BT_OK, saved;

	if ((d = opendir(w->path)) == NULL)
		return BT_ERR_SYS;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				r = BT_ERR_SYS;
			break;
		}
		if ((r = scan_entry(s, dirfd(d), de->d_name)) != BT_OK)
			break;
	}
	saved = errno;
	closedir(d);
	errno = saved;
	if (r == BT_OK && s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_name);
	return r;
}

/* Carries over what the last scan knew and decides what is due. */
static void
scan_judge(const struct watchdir *w, struct scan *s, int64_t now_wall_ms)
{
	const struct watch_file	*old;
	struct watch_file	*f;
	size_t			 i;
	int			 same;

	for (i = 0; i < s->n; i++) {
		f = &s->v[i];
		old = w->n == 0 ? NULL : bsearch(f, w->files, w->n,
		    sizeof(*w->files), cmp_name);
		same = old != NULL && old->size == f->size &&
		    old->mtime_ms == f->mtime_ms &&
		    old->mtime_ns == f->mtime_ns && old->ino == f->ino;
		f->reported = same && old->reported;
		if (f->reported)
			continue;
		/* Unchanged across two scans, or old enough: settled. */
		if (same || now_wall_ms - f->mtime_ms >= WATCHDIR_SETTLE_MS) {
			f->due = 1;
			f->reported = 1;
		}
	}
}

int
watchdir_scan(struct watchdir *w, int64_t now_wall_ms, watchdir_fn *fn,
    void *arg)
{
	struct scan	s = { 0 };
	char		path[PATH_MAX];
	size_t		i;
	int		r;

	if ((r = scan_read(w, &s)) != BT_OK) {
		free(s.v);
		return r;
	}
	scan_judge(w, &s, now_wall_ms);
	free(w->files);
	w->files = s.v;
	w->n = s.n;
	/* The table is in place before any call: fn may mark files added. */
	for (i = 0; i < w->n; i++) {
		if (!w->files[i].due)
			continue;
		w->files[i].due = 0;
		if (join(w, w->files[i].name, "", path, sizeof(path)) == BT_OK)
			fn(arg, path, w->files[i].name);
	}
	return BT_OK;
}

int
watchdir_mark_added(struct watchdir *w, const char *name)
{
	char	from[PATH_MAX], to[PATH_MAX];

	if (name[0] == '\0' || strchr(name, '/') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return BT_ERR_INVALID;
	if (join(w, name, "", from, sizeof(from)) != BT_OK ||
	    join(w, name, WATCHDIR_ADDED_SUFFIX, to, sizeof(to)) != BT_OK)
		return BT_ERR_LIMIT;
	return rename(from, to) == -1 ? BT_ERR_SYS : BT_OK;
}

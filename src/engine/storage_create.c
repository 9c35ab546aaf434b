/*
 * storage_create: making a torrent's download directory, its files'
 * directories and the files themselves (sparse, at full length), never
 * through a symlink inside the download directory.  A file deferred at
 * open (not wanted) is made here at its first write.
 */
#include "engine/storage_impl.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/metainfo.h"
#include "ipc/err.h"

/* mkdir of s->dir as it stands (the caller may have cut it short); an
 * existing directory is fine. */
static int
mkdir_exists_ok(struct storage *s)
{
	struct stat	st;
	int		e;

	if (mkdir(s->dir, 0755) == 0 || errno == EEXIST)
		return BT_OK;
	e = errno;
	if (stat(s->dir, &st) == 0 && S_ISDIR(st.st_mode))
		return BT_OK;
	snprintf(s->err, sizeof(s->err), "cannot create directory %s: %s%s",
	    s->dir, strerror(e), storage_hint(e));
	errno = e;
	return BT_ERR_SYS;
}

/* mkdir -p of s->dir itself; symlinks on the way are the user's choice and
 * are followed. */
static int
make_dir_p(struct storage *s)
{
	char	*p, c;
	int	 r;

	for (p = s->dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		r = mkdir_exists_ok(s);
		*p = c;
		if (r != BT_OK || c == '\0')
			return r;
	}
}

int
storage_open_root(struct storage *s)
{
	int	r, fd;

	if ((r = make_dir_p(s)) != BT_OK)
		return r;
	if ((fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		r = errno;
		snprintf(s->err, sizeof(s->err), "cannot open directory %s: "
		    "%s%s", s->dir, strerror(r), storage_hint(r));
		errno = r;
		return BT_ERR_SYS;
	}
	s->dirfd = storage_move_high(s, fd);
	return BT_OK;
}

static void
close_parent(struct storage *s, int fd)
{
	if (fd >= 0 && fd != s->dirfd)
		close(fd);
}

static int
open_dir(int at, const char *name)
{
	return openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
}

/* The length of the first '/'-separated component of p[0..max). */
static size_t
component_len(const char *p, size_t max)
{
	const char	*end = memchr(p, '/', max);

	return end != NULL ? (size_t)(end - p) : max;
}

/* Opens directory `name' in at, making it when missing, never through a
 * symlink; rel[0..upto) names it in messages.  -1 with s->err set. */
static int
enter_dir(struct storage *s, int at, const char *name, const char *rel,
    size_t upto)
{
	int	fd;

	/* usually there already: try the open before the mkdir */
	fd = open_dir(at, name);
	if (fd == -1 && errno == ENOENT) {
		if (mkdirat(at, name, 0755) == -1 && errno != EEXIST) {
			storage_path_error(s, "create directory", rel, upto,
			    errno);
			return -1;
		}
		fd = open_dir(at, name);
	}
	if (fd == -1)
		storage_path_error(s, "open directory", rel, upto, errno);
	return fd;
}

/* Opens the directory rel[0..len) under dirfd one component at a time.
 * Returns the fd (s->dirfd itself when len is 0) or -1 with s->err set. */
static int
open_parent(struct storage *s, const char *rel, size_t len)
{
	char	name[NAME_MAX + 1];
	size_t	at = 0, n;
	int	fd = s->dirfd, nfd, e;

	while (at < len) {
		n = component_len(rel + at, len - at);
		if (n > NAME_MAX) {
			storage_path_error(s, "create directory", rel, at + n,
			    ENAMETOOLONG);
			break;
		}
		memcpy(name, rel + at, n);
		name[n] = '\0';
		if ((nfd = enter_dir(s, fd, name, rel, at + n)) == -1)
			break;
		close_parent(s, fd);
		fd = nfd;
		at += n + 1;
	}
	if (at >= len)
		return fd;
	e = errno;
	close_parent(s, fd);
	errno = e;
	return -1;
}

/* Creates file i (name `base' in directory pfd) or extends it, sparse. */
static int
create_file(struct storage *s, size_t i, int pfd, const char *base)
{
	const char	*path = s->m->files[i].path;
	uint64_t	 length = s->m->files[i].length;
	struct stat	 st;
	int		 fd, r, e;

	/* One syscall for the common case of a resumed torrent.  What it sees
	 * only decides whether to open; the open itself refuses symlinks. */
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode) && (uint64_t)st.st_size >= length)
		return BT_OK;
	/* BEP 47 'x': an executable file is made with the execute bits
	 * (the umask applies, as for any new file). */
	fd = openat(pfd, base, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    (s->m->files[i].attr & METAINFO_ATTR_EXEC) ? 0755 : 0644);
	/* A file that is there but not ours to write (a read-only mount):
	 * the check decides what it holds, and only a write fails. */
	if (fd == -1 && storage_is_read_only_error(errno) &&
	    fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode))
		return BT_OK;
	if (fd == -1)
		return storage_file_error(s, "create", i, errno);
	r = storage_check_regular(s, fd, path, strlen(path), &st);
	if (r == BT_OK && (uint64_t)st.st_size < length &&
	    ftruncate(fd, (off_t)length) == -1)
		r = storage_file_error(s, "extend", i, errno);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

int
storage_create_files(struct storage *s)
{
	const char	*path, *slash, *cur = NULL;
	size_t		 i, plen, curlen = 0;
	int		 pfd = -1, r = BT_OK, e;

	for (i = 0; i < s->m->nfiles && r == BT_OK; i++) {
		if ((s->m->files[i].attr & METAINFO_ATTR_PAD) ||
		    s->deferred[i])
			continue;	/* never on disk, nor its directory */
		path = s->m->files[i].path;
		slash = strrchr(path, '/');
		plen = slash != NULL ? (size_t)(slash - path) : 0;
		/* files of one directory come together: walk it once */
		if (pfd == -1 || plen != curlen || memcmp(path, cur, plen)) {
			close_parent(s, pfd);
			if ((pfd = open_parent(s, path, plen)) == -1)
				return BT_ERR_SYS;
			cur = path;
			curlen = plen;
		}
		r = create_file(s, i, pfd, slash != NULL ? slash + 1 : path);
	}
	e = errno;
	close_parent(s, pfd);
	errno = e;
	return r;
}

/* File i, not made at open, is written to now: make it and its
 * directories as storage_open would have. */
int
storage_create_deferred(struct storage *s, size_t i)
{
	const char	*path = s->m->files[i].path, *slash;
	size_t		 plen;
	int		 pfd, r, e;

	slash = strrchr(path, '/');
	plen = slash != NULL ? (size_t)(slash - path) : 0;
	if ((pfd = open_parent(s, path, plen)) == -1)
		return BT_ERR_SYS;
	r = create_file(s, i, pfd, slash != NULL ? slash + 1 : path);
	e = errno;
	close_parent(s, pfd);
	errno = e;
	if (r == BT_OK)
		s->deferred[i] = 0;
	return r;
}

/*
 * storage: the torrent's files laid end to end, addressed by global byte
 * offset = piece * piece_length + begin.  Invariants, checked by
 * storage_open: files[i].offset is the sum of the lengths before it, they
 * add up to total_length (<= INT64_MAX) and num_pieces covers exactly that.
 * At most STORAGE_MAX_OPEN_FILES descriptors are cached in slots[]; per
 * file, slot_of[] says which slot holds it (-1: closed).  A file is opened
 * O_RDONLY for reads and O_RDWR only when a write comes (the slot is then
 * reopened), so a complete torrent seeds from data the user cannot write.
 * Pad files (BEP 47) never touch the disk: writes into them are dropped
 * and reads of them are zeros.  Making the directories and files is
 * storage_create.c's.
 */
#include "engine/storage_impl.h"

#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/openat2.h>) && defined(SYS_openat2)
#include <linux/openat2.h>
#define STORAGE_HAVE_OPENAT2 1
#endif
#endif

#include "engine/metainfo.h"
#include "engine/sha1.h"
#include "ipc/err.h"

/* A remedy for the errors a user can do something about. */
const char *
storage_hint(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
	case EROFS:
		return " (choose a writable download directory)";
	case ENOSPC:
	case EDQUOT:
		return " (free some disk space)";
	case EFBIG:
		return " (the file system or a limit refuses files this big)";
	case ELOOP:
	case ENOTDIR:
		return " (a symlink or file is in the way: move it)";
	default:
		return "";
	}
}

/* Sets s->err to "cannot <verb> <dir>/<rel[0..len)>: <strerror(e)>" and
 * leaves errno at e for the caller's BT_ERR_SYS. */
void
storage_path_error(struct storage *s, const char *verb, const char *rel,
    size_t len, int e)
{
	snprintf(s->err, sizeof(s->err), "cannot %s %s%s%.*s: %s%s", verb,
	    s->dir, s->sep, (int)len, rel, strerror(e), storage_hint(e));
	errno = e;
}

static int
is_pad(const struct metainfo *m, size_t i)
{
	return (m->files[i].attr & METAINFO_ATTR_PAD) != 0;
}

int
storage_file_error(struct storage *s, const char *verb, size_t i, int e)
{
	const char	*path = s->m->files[i].path;

	storage_path_error(s, verb, path, strlen(path), e);
	return BT_ERR_SYS;
}

static uint64_t
piece_size(const struct metainfo *m, uint32_t piece)
{
	uint64_t	start = (uint64_t)piece * m->piece_length;

	if (piece + 1 == m->num_pieces)
		return m->total_length - start;
	return m->piece_length;
}

/* Every component non-empty, not "." nor "..": the metainfo checked this
 * already, but a path that escapes dir must never reach openat. */
static int
path_is_safe(const char *p)
{
	const char	*end;
	size_t		 n;

	if (p == NULL)
		return 0;
	for (;;) {
		end = strchr(p, '/');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (end == NULL)
			return 1;
		p = end + 1;
	}
}

static int
check_files(const struct metainfo *m, char *errbuf, size_t errlen)
{
	const struct metainfo_file *f;
	uint64_t	 sum = 0;
	size_t		 i;

	for (i = 0; i < m->nfiles; i++) {
		f = &m->files[i];
		if (!path_is_safe(f->path)) {
			snprintf(errbuf, errlen, "file %zu: unsafe path \"%s\"",
			    i, f->path != NULL ? f->path : "");
			return BT_ERR_INVALID;
		}
		if (f->offset != sum || f->length > m->total_length - sum) {
			snprintf(errbuf, errlen, "file %zu: offset or length "
			    "does not match the layout", i);
			return BT_ERR_INVALID;
		}
		sum += f->length;
	}
	if (sum != m->total_length) {
		snprintf(errbuf, errlen, "files add up to %llu bytes, not %llu",
		    (unsigned long long)sum,
		    (unsigned long long)m->total_length);
		return BT_ERR_INVALID;
	}
	return BT_OK;
}

static int
check_layout(const struct metainfo *m, char *errbuf, size_t errlen)
{
	uint64_t	want;

	if (m->piece_length == 0 || m->total_length > INT64_MAX ||
	    (m->num_pieces > 0 && m->piece_hashes == NULL) ||
	    (m->nfiles > 0 && m->files == NULL)) {
		snprintf(errbuf, errlen, "metainfo layout is invalid");
		return BT_ERR_INVALID;
	}
	want = (m->total_length + m->piece_length - 1) / m->piece_length;
	if (want != m->num_pieces) {
		snprintf(errbuf, errlen, "%u pieces do not cover %llu bytes",
		    m->num_pieces, (unsigned long long)m->total_length);
		return BT_ERR_INVALID;
	}
	return check_files(m, errbuf, errlen);
}

/* Moves fd above FD_SETSIZE when the limit allows, so the engine's select()
 * keeps the low descriptors for sockets. */
int
storage_move_high(struct storage *s, int fd)
{
	int	hi;

	if (s->no_high_fds || fd >= FD_SETSIZE)
		return fd;
	if ((hi = fcntl(fd, F_DUPFD_CLOEXEC, FD_SETSIZE)) == -1) {
		s->no_high_fds = 1;
		return fd;
	}
	close(fd);
	return hi;
}

/* Opens rel under dirfd without following any symlink on the way (openat2
 * RESOLVE_NO_SYMLINKS), or at least not the last component when the kernel
 * lacks openat2 or a seccomp filter refuses it. */
static int
open_beneath(struct storage *s, const char *rel, int flags)
{
	int	fd;
#ifdef STORAGE_HAVE_OPENAT2
	struct open_how	how;
	int		e;

	if (!s->no_openat2) {
		memset(&how, 0, sizeof(how));
		how.flags = (uint64_t)(flags | O_NOFOLLOW);
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		    RESOLVE_NO_MAGICLINKS;
		fd = (int)syscall(SYS_openat2, s->dirfd, rel, &how,
		    sizeof(how));
		if (fd != -1 || (errno != ENOSYS && errno != EPERM))
			return fd;
		e = errno;
		if ((fd = openat(s->dirfd, rel, flags | O_NOFOLLOW)) != -1)
			s->no_openat2 = 1;	/* EPERM came from a filter */
		else if (e == ENOSYS)
			s->no_openat2 = 1;
		return fd;
	}
#endif
	fd = openat(s->dirfd, rel, flags | O_NOFOLLOW);
	return fd;
}

/* fd must be a regular file: a FIFO or device planted in the download
 * directory would block or misbehave on pread/pwrite. */
int
storage_check_regular(struct storage *s, int fd, const char *rel, size_t len,
    struct stat *st)
{
	if (fstat(fd, st) == -1) {
		storage_path_error(s, "stat", rel, len, errno);
		return BT_ERR_SYS;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(s->err, sizeof(s->err), "cannot use %s%s%.*s: not a "
		    "regular file (move it out of the way)", s->dir, s->sep,
		    (int)len, rel);
		return BT_ERR_INVALID;
	}
	return BT_OK;
}

/* The errors that say "this file or file system is not writable by us". */
int
storage_is_read_only_error(int e)
{
	return e == EACCES || e == EPERM || e == EROFS;
}

/* Data the user lets us read but not write (a read-only mount, a file of
 * someone else's): seeding it works, downloading into it cannot. */
static int
read_only_error(struct storage *s, size_t i, int e)
{
	const char	*path = s->m->files[i].path;

	snprintf(s->err, sizeof(s->err), "cannot write %s%s%s: %s (bttui can "
	    "seed this file but not download into it: make it writable or "
	    "choose a writable download directory)", s->dir, s->sep, path,
	    strerror(e));
	errno = e;
	return BT_ERR_SYS;
}

static int
open_file(struct storage *s, size_t i, int writable, int *fd_out)
{
	const char	*path = s->m->files[i].path;
	struct stat	 st;
	int		 fd, r;

	*fd_out = -1;
	fd = open_beneath(s, path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd == -1 && writable && storage_is_read_only_error(errno))
		return read_only_error(s, i, errno);
	if (fd == -1)
		return storage_file_error(s, "open", i, errno);
	if ((r = storage_check_regular(s, fd, path, strlen(path), &st)) !=
	    BT_OK) {
		close(fd);
		return r;
	}
	*fd_out = storage_move_high(s, fd);
	return BT_OK;
}

/* A free slot, closing the least recently used file when all are taken. */
static size_t
take_slot(struct storage *s)
{
	size_t	i, lru = 0;

	if (s->nslots < STORAGE_MAX_OPEN_FILES)
		return s->nslots++;
	for (i = 1; i < s->nslots; i++) {
		if (s->slots[i].used < s->slots[lru].used)
			lru = i;
	}
	/* Nothing is lost if close fails: pwrite already handed the data to
	 * the kernel and storage_sync reopens dirty files to fsync them. */
	close(s->slots[lru].fd);
	s->slot_of[s->slots[lru].file] = -1;
	return lru;
}

/* File i's descriptor, opened for writing too when `writable'.  A file
 * first read and then written is reopened O_RDWR in its slot. */

int
storage_file_fd(struct storage *s, size_t i, int writable, int *fd_out)
{
	struct slot	*sl;
	size_t		 n;
	int		 fd, r;

	*fd_out = -1;
	if (writable && s->deferred[i] &&
	    (r = storage_create_deferred(s, i)) != BT_OK)
		return r;
	if (s->slot_of[i] >= 0) {
		sl = &s->slots[s->slot_of[i]];
		if (writable && !sl->writable) {
			if ((r = open_file(s, i, 1, &fd)) != BT_OK)
				return r;
			close(sl->fd);
			sl->fd = fd;
			sl->writable = 1;
		}
		sl->used = ++s->clock;
		*fd_out = sl->fd;
		return BT_OK;
	}
	if ((r = open_file(s, i, writable, &fd)) != BT_OK)
		return r;
	n = take_slot(s);
	s->slots[n].file = i;
	s->slots[n].fd = fd;
	s->slots[n].writable = writable;
	s->slots[n].used = ++s->clock;
	s->slot_of[i] = (int)n;
	*fd_out = fd;
	return BT_OK;
}

int
storage_write_all(struct storage *s, size_t i, int fd, const uint8_t *p,
    uint64_t n, uint64_t at)
{
	ssize_t	w;

	s->dirty[i] = 1;
	while (n > 0) {
		w = pwrite(fd, p, (size_t)n, (off_t)at);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return storage_file_error(s, "write", i, errno);
		if (w == 0)
			return storage_file_error(s, "write", i, EIO);
		p += w;
		n -= (uint64_t)w;
		at += (uint64_t)w;
	}
	return BT_OK;
}

static int
read_all(struct storage *s, size_t i, int fd, uint8_t *p, uint64_t n,
    uint64_t at)
{
	const char	*path = s->m->files[i].path;
	ssize_t		 got;

	while (n > 0) {
		got = pread(fd, p, (size_t)n, (off_t)at);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			return storage_file_error(s, "read", i, errno);
		if (got == 0) {
			snprintf(s->err, sizeof(s->err), "cannot read %s%s%s: "
			    "it ends at byte %llu, before its length %llu "
			    "(was it truncated?)", s->dir, s->sep, path,
			    (unsigned long long)at,
			    (unsigned long long)s->m->files[i].length);
			errno = EIO;
			return BT_ERR_SYS;
		}
		p += got;
		n -= (uint64_t)got;
		at += (uint64_t)got;
	}
	return BT_OK;
}

/* The file holding byte off (< total_length): the last file starting at or
 * before it, which is never a zero-length one since a non-empty file with
 * the same offset follows it. */
size_t
storage_find_file(const struct metainfo *m, uint64_t off)
{
	size_t	lo = 0, hi = m->nfiles, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (m->files[mid].offset <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Moves n bytes of file i at `in' from src to disk or from disk to dst.
 * A pad file (BEP 47) is known zeros and has no file: a write into it is
 * dropped and a read gives zeros.  A skipped file's bytes went to the
 * part file (storage_write), and come from it when their piece is there
 * (storage_parts.c). */
static int
transfer_file(struct storage *s, size_t i, uint64_t in, const uint8_t *src,
    uint8_t *dst, uint64_t n)
{
	int	fd, r;

	if (is_pad(s->m, i)) {
		if (dst != NULL)
			memset(dst, 0, (size_t)n);
		return BT_OK;
	}
	if (s->skipped[i] && src != NULL)
		return BT_OK;	/* storage_parts_write kept them */
	if (s->skipped[i] && (r = storage_parts_read(s, i, in, dst, n)) !=
	    BT_ERR_NOTFOUND)
		return r;
	if ((r = storage_file_fd(s, i, src != NULL, &fd)) != BT_OK)
		return r;
	if (src != NULL)
		return storage_write_all(s, i, fd, src, n, in);
	return read_all(s, i, fd, dst, n, in);
}

/* Copies len bytes at global offset off from src to disk, or from disk to
 * dst (exactly one of them is non-NULL), file after file. */
static int
transfer(struct storage *s, uint64_t off, const uint8_t *src, uint8_t *dst,
    size_t len)
{
	const struct metainfo_file *f;
	uint64_t	 in, n;
	size_t		 i;
	int		 r;

	for (i = storage_find_file(s->m, off); len > 0 && i < s->m->nfiles;
	    i++) {
		f = &s->m->files[i];
		in = off - f->offset;
		if ((n = f->length - in) > len)
			n = len;
		if (n == 0)
			continue;	/* zero-length file: nothing to open */
		if ((r = transfer_file(s, i, in, src, dst, n)) != BT_OK)
			return r;
		if (src != NULL)
			src += n;
		else
			dst += n;
		off += n;
		len -= (size_t)n;
	}
	return len == 0 ? BT_OK : BT_ERR_RANGE;
}

static int
check_range(struct storage *s, uint32_t piece, uint32_t begin, size_t len,
    uint64_t *off_out)
{
	uint64_t	psize;

	*off_out = 0;
	if (piece >= s->m->num_pieces) {
		snprintf(s->err, sizeof(s->err), "piece %u is out of range "
		    "(the torrent has %u)", piece, s->m->num_pieces);
		return BT_ERR_RANGE;
	}
	psize = piece_size(s->m, piece);
	if (begin > psize || len > psize - begin) {
		snprintf(s->err, sizeof(s->err), "block %u+%zu is outside "
		    "piece %u (%llu bytes)", begin, len, piece,
		    (unsigned long long)psize);
		return BT_ERR_RANGE;
	}
	*off_out = (uint64_t)piece * s->m->piece_length + begin;
	return BT_OK;
}

int
storage_write(struct storage *s, uint32_t piece, uint32_t begin,
    const void *data, size_t len)
{
	uint64_t	off;
	int		r;

	s->err[0] = '\0';
	if ((r = check_range(s, piece, begin, len, &off)) != BT_OK ||
	    (r = storage_parts_write(s, piece, begin, data, len)) != BT_OK)
		return r;
	return transfer(s, off, data, NULL, len);
}

int
storage_read(struct storage *s, uint32_t piece, uint32_t begin, void *buf,
    size_t len)
{
	uint64_t	off;
	int		r;

	s->err[0] = '\0';
	if ((r = check_range(s, piece, begin, len, &off)) != BT_OK)
		return r;
	return transfer(s, off, NULL, buf, len);
}

static int
hash_setup(struct storage *s)
{
	size_t	want = STORAGE_HASH_CHUNK;

	if (want > s->m->piece_length)
		want = s->m->piece_length;
	if (s->buf == NULL) {
		if ((s->buf = malloc(want)) == NULL)
			return BT_ERR_NOMEM;
		s->buflen = want;
	}
	if (s->sha == NULL && (s->sha = sha1_new()) == NULL)
		return BT_ERR_NOMEM;
	return BT_OK;
}

int
storage_hash_piece(struct storage *s, uint32_t piece, uint8_t out[20])
{
	uint8_t		scratch[SHA1_LEN];
	uint64_t	off, left;
	size_t		n;
	int		r;

	memset(out, 0, SHA1_LEN);
	s->err[0] = '\0';
	if ((r = check_range(s, piece, 0, 0, &off)) != BT_OK)
		return r;
	if ((r = hash_setup(s)) != BT_OK) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return r;
	}
	for (left = piece_size(s->m, piece); left > 0; left -= n) {
		n = left < s->buflen ? (size_t)left : s->buflen;
		if ((r = transfer(s, off, NULL, s->buf, n)) != BT_OK) {
			sha1_final(s->sha, scratch);	/* resets it */
			return r;
		}
		sha1_update(s->sha, s->buf, n);
		off += n;
	}
	sha1_final(s->sha, out);
	return BT_OK;
}

int
storage_verify_piece(struct storage *s, uint32_t piece)
{
	uint8_t	got[SHA1_LEN];
	int	r;

	if ((r = storage_hash_piece(s, piece, got)) != BT_OK)
		return r;
	if (memcmp(got, s->m->piece_hashes + (size_t)piece * SHA1_LEN,
	    SHA1_LEN) != 0) {
		snprintf(s->err, sizeof(s->err), "piece %u does not match its "
		    "hash", piece);
		return BT_ERR_HASH;
	}
	return BT_OK;
}

int
storage_check_buffer(const struct metainfo *m, uint32_t piece,
    const void *data, size_t len)
{
	uint8_t	got[SHA1_LEN];

	if (piece >= m->num_pieces || len != piece_size(m, piece))
		return BT_ERR_RANGE;
	sha1_digest(data, len, got);
	if (memcmp(got, m->piece_hashes + (size_t)piece * SHA1_LEN,
	    SHA1_LEN) != 0)
		return BT_ERR_HASH;
	return BT_OK;
}

size_t
storage_piece_spans(const struct storage *s, uint32_t piece,
    struct storage_span *out, size_t max)
{
	const struct metainfo	*m = s->m;
	uint64_t		 off, left, in, n;
	size_t			 i, count = 0;

	if (piece >= m->num_pieces)
		return 0;
	off = (uint64_t)piece * m->piece_length;
	left = piece_size(m, piece);
	for (i = storage_find_file(m, off); left > 0 && i < m->nfiles; i++) {
		in = off - m->files[i].offset;
		if ((n = m->files[i].length - in) > left)
			n = left;
		if (n == 0)
			continue;
		if (count < max) {
			out[count].file = i;
			out[count].file_offset = in;
			out[count].length = n;
		}
		count++;
		off += n;
		left -= n;
	}
	return count;
}

int
storage_sync(struct storage *s)
{
	size_t	i;
	int	fd, r;

	s->err[0] = '\0';
	for (i = 0; i < s->m->nfiles; i++) {
		if (!s->dirty[i])
			continue;
		/* fsync needs no write access: a file closed since it was
		 * written comes back O_RDONLY */
		if ((r = storage_file_fd(s, i, 0, &fd)) != BT_OK)
			return r;
		while ((r = fsync(fd)) == -1 && errno == EINTR)
			;
		if (r == -1)
			return storage_file_error(s, "sync", i, errno);
		s->dirty[i] = 0;
	}
	return storage_parts_sync(s);
}

int
storage_file_stat(struct storage *s, size_t file, uint64_t *size_out,
    int64_t *mtime_out, int64_t *mtime_ns_out)
{
	const char	*path;
	struct stat	 st;

	*size_out = 0;
	*mtime_out = 0;
	if (mtime_ns_out != NULL)
		*mtime_ns_out = 0;
	s->err[0] = '\0';
	if (file >= s->m->nfiles) {
		snprintf(s->err, sizeof(s->err), "file %zu is out of range",
		    file);
		return BT_ERR_RANGE;
	}
	if (is_pad(s->m, file)) {
		/* no file: its full length and a fixed mtime, so that a
		 * resume record keeps matching */
		*size_out = s->m->files[file].length;
		return BT_OK;
	}
	path = s->m->files[file].path;
	if (fstatat(s->dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		/* Not selected, never written: absent on purpose, and
		 * stable like a pad so that a resume record matches. */
		if (errno == ENOENT && s->deferred[file])
			return BT_OK;
		return storage_file_error(s, "stat", file, errno);
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(s->err, sizeof(s->err), "cannot use %s%s%s: not a "
		    "regular file (move it out of the way)", s->dir, s->sep,
		    path);
		return BT_ERR_INVALID;
	}
	*size_out = (uint64_t)st.st_size;
	*mtime_out = (int64_t)st.st_mtim.tv_sec;
	if (mtime_ns_out != NULL)
		*mtime_ns_out = (int64_t)st.st_mtim.tv_nsec;
	return BT_OK;
}

const char *
storage_error(const struct storage *s)
{
	return s->err;
}

static int
storage_alloc(const struct metainfo *m, const char *dir, struct storage **out)
{
	struct storage	*s;
	size_t		 i, len;

	if ((*out = s = calloc(1, sizeof(*s))) == NULL)
		return BT_ERR_NOMEM;
	s->m = m;
	s->dirfd = -1;
	if ((s->dir = strdup(dir)) == NULL ||
	    (s->slot_of = calloc(m->nfiles + 1, sizeof(int))) == NULL ||
	    (s->dirty = calloc(m->nfiles + 1, 1)) == NULL ||
	    (s->deferred = calloc(m->nfiles + 1, 1)) == NULL ||
	    (s->skipped = calloc(m->nfiles + 1, 1)) == NULL)
		return BT_ERR_NOMEM;
	for (i = 0; i < m->nfiles; i++)
		s->slot_of[i] = -1;
	len = strlen(s->dir);
	while (len > 1 && s->dir[len - 1] == '/')
		s->dir[--len] = '\0';
	s->sep = strcmp(s->dir, "/") == 0 ? "" : "/";
	return BT_OK;
}

int
storage_open(const struct metainfo *m, const char *dir, struct storage **out,
    char *errbuf, size_t errlen)
{
	return storage_open_select(m, dir, NULL, out, errbuf, errlen);
}

int
storage_open_select(const struct metainfo *m, const char *dir,
    const uint8_t *create, struct storage **out, char *errbuf, size_t errlen)
{
	struct storage	*s = NULL;
	size_t		 i;
	int		 r, e;

	*out = NULL;
	if (errlen > 0)
		errbuf[0] = '\0';
	if (dir == NULL || *dir == '\0') {
		snprintf(errbuf, errlen, "no download directory given");
		return BT_ERR_INVALID;
	}
	if ((r = check_layout(m, errbuf, errlen)) != BT_OK)
		return r;
	if ((r = storage_alloc(m, dir, &s)) == BT_OK && create != NULL)
		for (i = 0; i < m->nfiles; i++)
			s->deferred[i] = s->skipped[i] = create[i] == 0;
	if (r == BT_OK && (r = storage_open_root(s)) == BT_OK &&
	    (r = storage_create_files(s)) == BT_OK &&
	    (r = storage_parts_open(s)) == BT_OK) {
		*out = s;
		return BT_OK;
	}
	e = errno;
	if (r == BT_ERR_NOMEM)
		snprintf(errbuf, errlen, "out of memory");
	else
		snprintf(errbuf, errlen, "%s", s->err);
	storage_close(s);
	errno = e;
	return r;
}

int
storage_open_twin(const struct storage *s, struct storage **out,
    char *errbuf, size_t errlen)
{
	struct storage	*t = NULL;
	int		 r, e;

	*out = NULL;
	if (errlen > 0)
		errbuf[0] = '\0';
	if ((r = storage_alloc(s->m, s->dir, &t)) == BT_OK) {
		memcpy(t->deferred, s->deferred, s->m->nfiles);
		memcpy(t->skipped, s->skipped, s->m->nfiles);
		memcpy(t->parts_name, s->parts_name, sizeof(t->parts_name));
		r = storage_open_root(t);
	}
	if (r == BT_OK) {
		t->parts = s->parts != NULL ? partfile_ref(s->parts) : NULL;
		*out = t;
		return BT_OK;
	}
	e = errno;
	snprintf(errbuf, errlen, "%s", r == BT_ERR_NOMEM ? "out of memory" :
	    t->err);
	storage_close(t);
	errno = e;
	return r;
}

void
storage_close(struct storage *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nslots; i++)
		close(s->slots[i].fd);
	if (s->dirfd != -1)
		close(s->dirfd);
	partfile_free(s->parts);
	sha1_free(s->sha);
	free(s->buf);
	free(s->dirty);
	free(s->deferred);
	free(s->skipped);
	free(s->slot_of);
	free(s->dir);
	free(s);
}

/*
 * storage's descriptors: at most STORAGE_MAX_OPEN_FILES are cached in
 * slots[]; per file, slot_of[] says which slot holds it (-1: closed).  A
 * file is opened O_RDONLY for reads and O_RDWR only when a write comes
 * (the slot is then reopened), so a complete torrent seeds from data the
 * user cannot write.  Files open beneath the download directory without
 * following symlinks, and sit above FD_SETSIZE when the limit allows.
 * A slot written with O_DIRECT (storage_set_direct) holds a second,
 * write-only descriptor for it, closed with the first.
 */
#define _GNU_SOURCE	1	/* O_DIRECT */

#include "engine/storage_impl.h"

#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/openat2.h>) && defined(SYS_openat2)
#include <linux/openat2.h>
#define STORAGE_HAVE_OPENAT2 1
#endif
#endif

#include "engine/metainfo.h"
#include "ipc/err.h"

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

void
storage_slot_close(struct slot *sl)
{
	close(sl->fd);
	if (sl->dfd != -1)
		close(sl->dfd);
	sl->fd = sl->dfd = -1;
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
	storage_slot_close(&s->slots[lru]);
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
	s->slots[n].dfd = -1;
	s->slots[n].writable = writable;
	s->slots[n].used = ++s->clock;
	s->slot_of[i] = (int)n;
	*fd_out = fd;
	return BT_OK;
}

int
storage_direct_fd(struct storage *s, size_t i, int *fd_out)
{
	struct slot	*sl;
#ifdef O_DIRECT
	struct stat	 a, b;
#endif

	*fd_out = -1;
	if (s->slot_of[i] < 0) {
		errno = EBADF;
		return BT_ERR_SYS;
	}
	sl = &s->slots[s->slot_of[i]];
#ifdef O_DIRECT
	if (sl->dfd == -1) {
		sl->dfd = open_beneath(s, s->m->files[i].path,
		    O_WRONLY | O_DIRECT | O_CLOEXEC);
		if (sl->dfd == -1)
			return BT_ERR_SYS;
		/* the same file as the slot's, not one put in its place */
		if (fstat(sl->fd, &a) == -1 || fstat(sl->dfd, &b) == -1 ||
		    a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
			close(sl->dfd);
			sl->dfd = -1;
			errno = ESTALE;
			return BT_ERR_SYS;
		}
		sl->dfd = storage_move_high(s, sl->dfd);
	}
	*fd_out = sl->dfd;
	return BT_OK;
#else
	errno = EINVAL;
	return BT_ERR_SYS;
#endif
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

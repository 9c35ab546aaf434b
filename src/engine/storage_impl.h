/*
 * storage_impl.h: struct storage and the helpers shared by storage's own
 * files only: storage.c (opening, the layout check, errors, stat),
 * storage_fd.c (the descriptor cache, opening beneath the directory,
 * sync), storage_io.c (block I/O across files, hashing),
 * storage_create.c (making the directories and files) and
 * storage_parts.c (the skipped files' bytes in the part file).  The
 * public contract is storage.h; nothing else includes this.
 */
#ifndef BT_STORAGE_IMPL_H
#define BT_STORAGE_IMPL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "engine/metainfo.h"
#include "engine/partfile.h"
#include "engine/storage.h"

#define STORAGE_ERR_LEN	(PATH_MAX + 256)

struct sha1;

struct slot {
	size_t		 file;
	int		 fd;
	int		 dfd;		/* O_DIRECT, write only; -1: none
					 * yet */
	int		 writable;	/* fd is O_RDWR */
	uint64_t	 used;		/* LRU stamp from storage.clock */
};

struct storage {
	const struct metainfo *m;	/* borrowed */
	char		*dir;		/* no trailing '/' (unless "/") */
	const char	*sep;		/* "/" between dir and a path */
	int		 dirfd;
	int		*slot_of;	/* per file: index in slots or -1 */
	uint8_t		*dirty;		/* per file: written since last sync */
	uint8_t		*deferred;	/* per file: not made at open (not
					 * selected): made at its first write */
	uint8_t		*skipped;	/* per file: its bytes go to parts */
	struct partfile	*parts;		/* shared with a twin; NULL for a
					 * torrent of no piece */
	char		 parts_name[PARTFILE_NAME_LEN];
	struct slot	 slots[STORAGE_MAX_OPEN_FILES];
	size_t		 nslots;
	uint64_t	 clock;
	int		 no_openat2;	/* the kernel refused it: use openat */
	int		 no_high_fds;	/* F_DUPFD above FD_SETSIZE failed */
	int		 direct;	/* storage_set_direct, and no refusal
					 * since */
	uint64_t	 direct_bytes;	/* written with O_DIRECT */
	uint8_t		*buf;		/* hashing buffer, buflen bytes */
	size_t		 buflen;
	struct sha1	*sha;
	char		 err[STORAGE_ERR_LEN];
};

static inline int
is_pad(const struct metainfo *m, size_t i)
{
	return (m->files[i].attr & METAINFO_ATTR_PAD) != 0;
}

/* storage.c: errors. */

/* A remedy for the errors a user can do something about ("" if none). */
const char	*storage_hint(int e);
/* Sets s->err to "cannot <verb> <dir>/<rel[0..len)>: <strerror(e)>" and
 * leaves errno at e for the caller's BT_ERR_SYS. */
void	storage_path_error(struct storage *s, const char *verb,
	    const char *rel, size_t len, int e);
/* storage_path_error on file i's path; returns BT_ERR_SYS. */
int	storage_file_error(struct storage *s, const char *verb, size_t i,
	    int e);

/* storage_fd.c: descriptors. */

/* fd moved above FD_SETSIZE when the limit allows (the old one closed). */
int	storage_move_high(struct storage *s, int fd);
/* fd (naming rel[0..len)) must be a regular file: BT_OK with *st filled,
 * BT_ERR_SYS or BT_ERR_INVALID with s->err set. */
int	storage_check_regular(struct storage *s, int fd, const char *rel,
	    size_t len, struct stat *st);
/* EACCES, EPERM, EROFS: "this file or file system is not ours to write". */
int	storage_is_read_only_error(int e);

/* File i's descriptor, O_RDWR when writable (the file made if deferred).
 * BT_ERR_SYS/INVALID with s->err. */
int	storage_file_fd(struct storage *s, size_t i, int writable,
	    int *fd_out);

/* Closes a slot's descriptors (both, when it has an O_DIRECT one). */
void	storage_slot_close(struct slot *sl);
/* File i's O_DIRECT descriptor for writing, opened beside the slot's own
 * (storage_file_fd(s, i, 1, ...) first): BT_OK, or BT_ERR_SYS with errno
 * (EINVAL: the file system refuses O_DIRECT) and s->err untouched. */
int	storage_direct_fd(struct storage *s, size_t i, int *fd_out);

/* storage_io.c: block I/O. */

/* pwrite of p[0..n) at `at' of file i (fd), marking it dirty. */
int	storage_write_all(struct storage *s, size_t i, int fd,
	    const uint8_t *p, uint64_t n, uint64_t at);
/* The file holding byte off (< total_length). */
size_t	storage_find_file(const struct metainfo *m, uint64_t off);

/* storage_create.c: making what is missing. */

/* mkdir -p s->dir, then opens it as s->dirfd.  BT_ERR_SYS with s->err. */
int	storage_open_root(struct storage *s);
/* Makes every file but the pads and the deferred ones, with their
 * directories (see storage_open).  BT_ERR_SYS/INVALID with s->err. */
int	storage_create_files(struct storage *s);
/* Makes deferred file i and its directories now; clears deferred[i]. */
int	storage_create_deferred(struct storage *s, size_t i);

/* storage_parts.c: the skipped files' bytes in the part file. */

/* Opens s->parts (nothing made yet), then moves into each wanted file its
 * bytes the part file still holds (a file wanted since they were stored
 * there).  BT_ERR_SYS with s->err, BT_ERR_NOMEM. */
int	storage_parts_open(struct storage *s);
/* When piece has a byte in a skipped file, data (len bytes at `begin' of
 * it) goes whole into its slot: the slot is then a copy of the piece that
 * can give any of its files its bytes back.  Errors with s->err. */
int	storage_parts_write(struct storage *s, uint32_t piece, uint32_t begin,
	    const uint8_t *data, size_t len);
/* n bytes of skipped file i at `in' (inside one piece) from the part file
 * into dst; BT_ERR_NOTFOUND when it does not hold that piece (read the
 * file then).  Errors with s->err. */
int	storage_parts_read(struct storage *s, size_t i, uint64_t in,
	    uint8_t *dst, uint64_t n);
/* partfile_sync with s->err on failure. */
int	storage_parts_sync(struct storage *s);

#endif

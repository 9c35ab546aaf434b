/*
 * storage: a torrent's bytes on disk.  Maps (piece, begin) onto the files of
 * a struct metainfo laid end to end under one download directory, creates the
 * directories and (sparse) files, reads and writes blocks with pread/pwrite
 * and checks pieces against their SHA-1.
 *
 * Files are opened lazily and at most STORAGE_MAX_OPEN_FILES stay open (least
 * recently used is closed first): a torrent may list 100,000 files and the
 * engine's select() needs the low descriptors for peers.  Every descriptor is
 * O_CLOEXEC.  Paths never leave the download directory: each component is
 * checked again here, and symlinks are not followed inside it.
 *
 * A file is opened O_RDONLY until something is written to it, so a complete
 * torrent seeds from a read-only mount or from files the user cannot write;
 * only a write to such a file fails ("cannot write ...: Read-only file
 * system (bttui can seed this file but not download into it ...)").
 *
 * Pad files (BEP 47, METAINFO_ATTR_PAD) keep their place in the layout but
 * never exist on disk: they are not created, writes into them are dropped,
 * reads of them (and so hashing) give zeros.
 *
 * Skipped files are not created either: the bytes a piece shared with a
 * wanted file has in them go to the torrent's part file (partfile.h,
 * ".bttui-<info-hash>.parts" in the download directory), and are read (and
 * hashed) from there.  A file wanted again gets its bytes back from it.
 *
 * Threads: a handle is used by one thread at a time.  A torrent's loop and
 * disk worker each have one (storage_open_twin); the two share one part
 * file object, which has a lock inside.  Only the handle that writes may
 * call storage_want_file, storage_sync and storage_delete_parts.
 *
 * Errors: BT_ERR_SYS comes with a one-line message naming the full path and
 * the reason, e.g. "cannot write /dl/a/b.bin: No space left on device (free
 * some disk space)", read back with storage_error().  The engine reports it
 * once and stops the torrent.
 */
#ifndef BT_STORAGE_H
#define BT_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#define STORAGE_MAX_OPEN_FILES	32
#define STORAGE_HASH_CHUNK	(1u << 20)	/* bytes read per step when
						 * hashing a piece from disk */
#define STORAGE_DIRECT_ALIGN	4096u		/* see storage_set_direct */
#define STORAGE_DIRECT_MIN	(256u * 1024)
#define STORAGE_WRITE_CHUNK	(128u * 1024)	/* bytes per pwrite through
						 * the page cache */

struct metainfo;
struct storage;

/* A run of bytes of one file that a piece covers. */
struct storage_span {
	size_t		file;		/* index into metainfo files[] */
	uint64_t	file_offset;	/* where the run starts in that file */
	uint64_t	length;		/* > 0 */
};

/*
 * Creates dir if missing (mkdir -p, 0755), then for every file but the pad
 * files its parent directories (0755) and the file itself (0644), and
 * extends a file shorter than its length with ftruncate (sparse; a longer
 * file is left alone).  A file that exists but cannot be opened for writing
 * (EACCES, EPERM, EROFS) is left as it is: the check finds what it holds.
 * Zero-length files are created too.  m is borrowed and must outlive the
 * storage.  On success *out is new (free with storage_close).  On failure
 * *out is NULL, errbuf holds one line and the return is:
 *   BT_ERR_INVALID  m is inconsistent (offsets, piece count) or a path has
 *                   an empty, "." or ".." component;
 *   BT_ERR_SYS      a directory or file could not be made or opened, or a
 *                   symlink is in the way ("cannot create /dl/x/y.bin:
 *                   Permission denied (...)");
 *   BT_ERR_INVALID  also when a FIFO, device or other non-regular file
 *                   sits where a file should be;
 *   BT_ERR_NOMEM.
 */
int	storage_open(const struct metainfo *m, const char *dir,
	    struct storage **out, char *errbuf, size_t errlen);
/*
 * storage_open, except that file i is skipped when create[i] is 0 (create
 * has m->nfiles entries; NULL: every file is wanted): it is not made, its
 * bytes go to the part file, and reading a byte of it that the part file
 * does not hold reads the file if it is there (data kept from when it was
 * wanted) or fails as for any missing file (BT_ERR_SYS, ENOENT), so a check
 * finds that piece missing.  Bytes that the part file holds for a wanted
 * file (one wanted since they were stored) are moved into it here.
 */
int	storage_open_select(const struct metainfo *m, const char *dir,
	    const uint8_t *create, struct storage **out, char *errbuf,
	    size_t errlen);
/*
 * A second handle on s's files, for another thread: the same metainfo,
 * directory and skipped files, and the same part file object (shared: a
 * reference).  Makes nothing.  Errors as storage_open; s is not changed.
 */
int	storage_open_twin(const struct storage *s, struct storage **out,
	    char *errbuf, size_t errlen);
/* Closes the open files and frees s; NULL is a no-op.  Does not fsync. */
void	storage_close(struct storage *s);

/* The message of the last failed call ("" if none); valid until the next
 * call on s. */
const char	*storage_error(const struct storage *s);

/*
 * Writes data[0..len) at byte `begin' of `piece', across as many files as
 * it spans (zero-length files in between are skipped, never opened; the
 * bytes that fall in a pad file are dropped).
 * Loops on short writes and EINTR.  Returns BT_OK, BT_ERR_RANGE when piece
 * >= num_pieces or begin + len runs past the piece's end, BT_ERR_SYS
 * (ENOSPC, EROFS, EACCES, EIO, EFBIG, ELOOP for a planted symlink...) or
 * BT_ERR_INVALID (a non-regular file replaced one of ours), always with
 * storage_error() set.  After a failure some bytes may have been written.
 */
int	storage_write(struct storage *s, uint32_t piece, uint32_t begin,
	    const void *data, size_t len);
/*
 * Reads len bytes at byte `begin' of `piece' into buf.  A hole and a pad
 * file read as zeros.  A file that ends before its length (truncated behind our back)
 * is a disk error, not zeros: BT_ERR_SYS with errno EIO and storage_error()
 * naming the file.  Other errors as storage_write; buf is then undefined.
 * BT_ERR_RANGE always means the arguments were bad (a peer's request, say),
 * never the disk.
 */
int	storage_read(struct storage *s, uint32_t piece, uint32_t begin,
	    void *buf, size_t len);

/*
 * Direct writes (off until set): a write, or the head of one, whose memory,
 * file offset and length are multiples of STORAGE_DIRECT_ALIGN and which
 * is at least STORAGE_DIRECT_MIN bytes goes to the file through a second,
 * O_DIRECT descriptor: the data skips the page cache (no copy into it, and
 * a big download does not push everything else out of it).  The rest of a
 * write goes through the page cache as before; reads always do.  A file
 * system that refuses O_DIRECT (EINVAL) turns direct writes off for s, and
 * the write goes the usual way: nothing is lost.  Errors as storage_write.
 */
void	storage_set_direct(struct storage *s, int on);
/* Whether direct writes are on for s (they go off on a refusal). */
int	storage_direct(const struct storage *s);
/* Bytes written with O_DIRECT since s was opened. */
uint64_t storage_direct_bytes(const struct storage *s);

/* Reads piece from disk in STORAGE_HASH_CHUNK steps (one buffer kept in s)
 * and writes its SHA-1 to out.  Errors as storage_read, or BT_ERR_NOMEM
 * (the buffer is allocated on first use). */
int	storage_hash_piece(struct storage *s, uint32_t piece,
	    uint8_t out[20]);
/* BT_OK when the piece on disk matches its hash in the metainfo,
 * BT_ERR_HASH when not, or a storage_read error (treat as "missing"). */
int	storage_verify_piece(struct storage *s, uint32_t piece);
/* Frees what storage_hash_piece keeps between calls (its buffer, up to
 * STORAGE_HASH_CHUNK, and its hash context); the next call makes them
 * again.  After a batch of checks: a session of many torrents checked
 * once would keep a buffer each (1 MiB for pieces of 1 MiB and more). */
void	storage_hash_release(struct storage *s);
/* Checks an in-memory piece: BT_OK, BT_ERR_HASH, or BT_ERR_RANGE when piece
 * is out of range or len is not exactly the piece's size. */
int	storage_check_buffer(const struct metainfo *m, uint32_t piece,
	    const void *data, size_t len);

/*
 * Fills out[0..max) with the spans of the files piece covers, in torrent
 * order, and returns how many there are (possibly more than max: call again
 * with a bigger array).  Zero-length files hold no bytes and never appear;
 * pad files do (check files[span.file].attr).
 * Returns 0 when piece is out of range.  O(log nfiles + spans).
 */
size_t	storage_piece_spans(const struct storage *s, uint32_t piece,
	    struct storage_span *out, size_t max);

/* fsync()s every file written since the last sync, reopening those that
 * were closed meanwhile, then the part file (its slots, then its index).
 * BT_OK or BT_ERR_SYS with storage_error() set. */
int	storage_sync(struct storage *s);

/*
 * Where file's bytes go from now on: skipped (1: the part file) or wanted
 * (0: the file).  Moves no data: for the handle that only reads, once the
 * writing handle's storage_want_file has returned.  BT_ERR_RANGE for a bad
 * index.
 */
int	storage_set_skipped(struct storage *s, size_t file, int skipped);
/* 1 when file is skipped on this handle, else 0. */
int	storage_is_skipped(const struct storage *s, size_t file);
/*
 * File is wanted again: its bytes held in the part file are copied into
 * it (made then) and flushed, then the part file drops the slots left with
 * no byte of a skipped file, and is deleted when it holds nothing.  On
 * the writing handle, where writes run.  BT_OK (also when it was not
 * skipped), BT_ERR_RANGE, or BT_ERR_SYS/NOMEM with storage_error() set:
 * the file then stays skipped and its bytes where they were.
 */
int	storage_want_file(struct storage *s, size_t file);
/* Deletes the part file and forgets what it held (the torrent's data is
 * being deleted).  BT_OK or BT_ERR_SYS with storage_error() set. */
int	storage_delete_parts(struct storage *s);

/* The size and mtime (seconds since the epoch, and its nanoseconds when
 * mtime_ns_out is not NULL) of file `file' as on disk,
 * for resume checks.  A pad file, which has none on disk, reports its
 * length and mtime 0, so a resume record stays valid; a file that
 * storage_open_select did not make and nothing wrote yet, when absent,
 * size 0 and mtime 0 for the same reason.  BT_ERR_RANGE for a
 * bad index, BT_ERR_SYS (ENOENT when deleted) with storage_error() set. */
int	storage_file_stat(struct storage *s, size_t file, uint64_t *size_out,
	    int64_t *mtime_out, int64_t *mtime_ns_out);

#endif

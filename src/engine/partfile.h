/*
 * partfile: the partial-piece store.  A piece shared between a wanted file
 * and a skipped one is still fetched and verified whole, but its bytes
 * for the skipped file must not create that file: they go here, as in
 * libtorrent's part file and Transmission's.  One hidden file per torrent
 * in its download directory, PARTFILE_NAME_FMT, made at the first write
 * and deleted when it holds nothing.
 *
 * It holds whole-piece slots.  Layout, integers big-endian:
 *
 *   0    8  magic "BTTUIPRT"
 *   8    4  version (PARTFILE_VERSION)
 *   12   4  piece length
 *   16   4  the torrent's number of pieces
 *   20   4  slot count n (<= number of pieces)
 *   24  4n  the index: per slot, its piece + 1, or 0 when free
 *   D       slot s's bytes at D + s * piece length, where D leaves room
 *           for an index of every piece, rounded up to 4096
 *
 * Crash safety: partfile_sync fsyncs the slots' bytes, then writes the
 * index, then fsyncs again; a slot freed by partfile_remove is not given
 * to another piece before the index that frees it is on disk.  So after a
 * crash at any moment the index on disk names only slots whose bytes were
 * flushed for that very piece.  The file is extended to cover every slot
 * before a slot is written, so an index never points past its end.
 *
 * A file that is not trusted (not a regular file, too short, bad magic or
 * version, another piece length or piece count, a slot count past the
 * file's end) is ignored: the store starts empty and its first write
 * replaces the file.  Index entries naming a piece out of range, or a piece
 * a lower slot already holds, are dropped (their slots are free).
 *
 * Threads: one object is shared by the torrent's two storage handles, the
 * loop's (reads: uploads) and the disk worker's (writes, hashing, sync),
 * so every call takes the object's mutex.  The calls that change the store
 * (write, remove, sync, delete) must come from one thread at a time, as the
 * worker's serial jobs do; partfile_sync counts on it to drop the mutex
 * while it waits for fsync, so that a read on the loop never waits for the
 * disk's flush.  read, has and count may come from any thread at any time.
 *
 * Errors: BT_ERR_SYS with errno (the caller names the file in its
 * message), BT_ERR_RANGE for a piece or a block outside the layout,
 * BT_ERR_NOMEM.
 */
#ifndef BT_PARTFILE_H
#define BT_PARTFILE_H

#include <stddef.h>
#include <stdint.h>

#define PARTFILE_VERSION	1
#define PARTFILE_NAME_FMT	".bttui-%s.parts"	/* 40 hex digits */
#define PARTFILE_NAME_LEN	64	/* room for the name and its NUL */

struct partfile;

/* The file's name for a torrent (its info-hash in hex): buf gets
 * ".bttui-<40 hex>.parts", cut to len. */
void	partfile_name(const uint8_t info_hash[20], char *buf, size_t len);

/*
 * The store of file `name' in directory dirfd (duplicated, not kept), for
 * a torrent of num_pieces pieces of piece_length bytes.  Reads the index
 * when the file is there; makes nothing.  An untrusted file is ignored (see
 * above; partfile_ignored says why), as is one that cannot be opened: a
 * write then reports why.  On success *out holds one reference; BT_ERR_NOMEM,
 * BT_ERR_SYS (dirfd cannot be duplicated) or BT_ERR_INVALID (piece_length
 * or num_pieces 0, a name too long) leave it NULL.
 */
int	partfile_open(int dirfd, const char *name, uint32_t num_pieces,
	    uint32_t piece_length, struct partfile **out);
/* Another reference to pf (for a second storage handle); returns pf. */
struct partfile	*partfile_ref(struct partfile *pf);
/* Drops a reference; the last one closes the file (no sync: call
 * partfile_sync first to keep what was written).  NULL is a no-op. */
void	partfile_free(struct partfile *pf);
/* Why the file found at open was not trusted ("bad magic", ...), or NULL.
 * Fixed at open. */
const char	*partfile_ignored(const struct partfile *pf);

/*
 * Writes data[0..len) at byte `offset' of piece's slot, giving the piece a
 * slot first if it has none (the file is made then, and grown to hold the
 * slot).  BT_ERR_RANGE when piece >= num_pieces or offset + len runs past
 * piece_length; BT_ERR_SYS (ENOSPC, EROFS, ELOOP for a symlink in the way,
 * EINVAL for something not a regular file there...).
 */
int	partfile_write(struct partfile *pf, uint32_t piece, uint32_t offset,
	    const void *data, size_t len);
/* Reads len bytes at `offset' of piece's slot (never written: zeros).
 * BT_ERR_NOTFOUND when the piece has no slot; BT_ERR_RANGE as write;
 * BT_ERR_SYS, with errno EIO when the file was cut short behind us. */
int	partfile_read(struct partfile *pf, uint32_t piece, uint32_t offset,
	    void *buf, size_t len);
/* 1 when piece has a slot, else 0 (also for a piece out of range). */
int	partfile_has(struct partfile *pf, uint32_t piece);
/* How many pieces have a slot. */
uint32_t	partfile_count(struct partfile *pf);
/* Frees piece's slot (reused once a sync has written the index without
 * it).  BT_OK, or BT_ERR_NOTFOUND when it had none. */
int	partfile_remove(struct partfile *pf, uint32_t piece);
/* The slots' bytes to disk, then the index, then both flushed; nothing
 * when nothing changed since the last sync.  BT_OK or BT_ERR_SYS. */
int	partfile_sync(struct partfile *pf);
/* Deletes the file (absent is fine) and forgets every slot.  BT_OK or
 * BT_ERR_SYS. */
int	partfile_delete(struct partfile *pf);
/* partfile_delete when no piece has a slot and the file is ours; else
 * nothing.  BT_OK or BT_ERR_SYS. */
int	partfile_delete_if_empty(struct partfile *pf);

#endif

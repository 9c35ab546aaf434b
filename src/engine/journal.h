/*
 * journal: an append-only list of "piece N verified, written and flushed",
 * one file per torrent next to its resume record (HASH.journal beside
 * HASH.resume).  The record is rewritten every 30 s; the journal fills the
 * gap a kill -9 leaves after it.  The caller appends a batch only after the
 * batch's data was fsync()ed, and the append itself is fsync()ed, so every
 * piece the journal names reached the disk first.  A clean save of the
 * record compacts the journal (journal_remove).
 *
 * Between two flushes it also holds "written" records: pieces whose data
 * went to the file (write() returned) but was not fsync()ed yet, appended
 * without fsync.  They prove nothing (after a power loss the data may be
 * gone, or the record torn), but after a kill -9 the kernel still has both:
 * a start hashes those pieces instead of fetching them again.
 *
 * On disk:
 *   header  8 bytes "BTJRNL01", 20 bytes info-hash, u32be num_pieces
 *   record  u32be count, n x u32be piece,
 *           u32be CRC-32 (IEEE) of the 4 + 4n bytes before it;
 *           count is n (1..JOURNAL_MAX_BATCH) for flushed pieces, or
 *           JOURNAL_WRITTEN | n for written ones
 * A crash may tear the last record: reading stops at the first record that
 * is short, has a bad count or piece, or a bad checksum, and what came
 * before it stands.  The file is outside bytes: it is parsed strictly.
 */
#ifndef BT_JOURNAL_H
#define BT_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#define JOURNAL_SUFFIX		".journal"
#define JOURNAL_HASH_LEN	20
#define JOURNAL_HEADER_LEN	32
#define JOURNAL_MAX_BATCH	4096u		/* pieces per record */
#define JOURNAL_MAX_BYTES	(64u * 1024 * 1024)	/* bytes read back */
#define JOURNAL_WRITTEN		0x80000000u	/* a record's count: written,
						 * not flushed */

struct journal_stats {
	uint32_t	records;	/* good records read */
	uint32_t	pieces;		/* distinct pieces flushed records
					 * name */
	uint32_t	written;	/* distinct pieces written records
					 * name */
	uint64_t	valid_bytes;	/* header + good records */
	int		torn;		/* bytes after them were ignored */
};

/*
 * Writes into buf the journal path that goes with a resume record path:
 * its ".resume" suffix replaced by JOURNAL_SUFFIX, or JOURNAL_SUFFIX
 * appended.  BT_OK, BT_ERR_LIMIT when it does not fit (buf is then "").
 */
int	journal_path(const char *resume_path, char *buf, size_t len);

/*
 * Appends one record naming pieces[0..n) (n <= JOURNAL_MAX_BATCH, each <
 * num_pieces) with one write(), writing the header first when the file is
 * new or empty, then fsync()s the file (and its directory when it was
 * created).  n 0 starts a journal with its header alone (a fresh torrent:
 * after a crash it says "nothing verified yet", not "hash everything"),
 * and does nothing to one already started.  Call it only after the pieces' data was fsync()ed.  The
 * file must end on a record boundary: trim a torn tail first (journal_trim).
 * Errors: BT_ERR_INVALID (bad n or piece), BT_ERR_SYS (errno says why; a
 * partial record may be left, which a later load ignores as torn).
 */
int	journal_append(const char *path, const uint8_t ih[JOURNAL_HASH_LEN],
	    uint32_t num_pieces, const uint32_t *pieces, size_t n);

/*
 * As journal_append, for pieces written but not flushed: one record marked
 * JOURNAL_WRITTEN, and no fsync.  n >= 1; the journal must have its header
 * (journal_append with n 0 starts it), else BT_ERR_INVALID and nothing is
 * written: a written record never starts a file.
 */
int	journal_append_written(const char *path,
	    const uint8_t ih[JOURNAL_HASH_LEN], uint32_t num_pieces,
	    const uint32_t *pieces, size_t n);

/*
 * Reads the journal at path and sets, in bitfield (BEP 3 layout, at least
 * ceil(num_pieces / 8) bytes, bits already set are kept), the bit of every
 * piece its good flushed records name, and in written (NULL: not wanted;
 * else as bitfield) those its good written records name; *st_out says what
 * was read.  Errors: BT_ERR_NOTFOUND (no file), BT_ERR_FORMAT (short
 * header, another torrent's journal, not a regular file; no bit is set),
 * BT_ERR_INVALID (bitfield too short), BT_ERR_SYS, BT_ERR_NOMEM.  A torn
 * tail is not an error.
 */
int	journal_load(const char *path, const uint8_t ih[JOURNAL_HASH_LEN],
	    uint32_t num_pieces, uint8_t *bitfield, size_t bitfield_len,
	    uint8_t *written, struct journal_stats *st_out);
/* journal_load on bytes already in memory: data[0..len) (BT_ERR_NOTFOUND
 * and BT_ERR_SYS do not occur). */
int	journal_parse(const void *data, size_t len,
	    const uint8_t ih[JOURNAL_HASH_LEN], uint32_t num_pieces,
	    uint8_t *bitfield, size_t bitfield_len, uint8_t *written,
	    struct journal_stats *st_out);

/* Cuts the file to valid_bytes (as journal_load reported), so that appends
 * follow the last good record; below a header's length the file is
 * removed.  BT_OK (also when there is no file) or BT_ERR_SYS. */
int	journal_trim(const char *path, uint64_t valid_bytes);

/* Removes the journal (compaction: the record now holds its pieces).
 * BT_OK (also when there is no file) or BT_ERR_SYS. */
int	journal_remove(const char *path);

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of p[0..n). */
uint32_t journal_crc32(const void *p, size_t n);

#endif

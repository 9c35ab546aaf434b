/*
 * resume: the record that lets a restarted engine skip re-hashing a torrent.
 * It holds which pieces were verified and, for each file, the size and
 * modification time the file had when the record was written; the record is
 * trusted only while every file still has that size and mtime.
 *
 * On disk it is one bencoded dictionary (keys in canonical order):
 *   d 5:files l l i<size>e i<mtime_s>e i<mtime_ns>e e ... e
 *     9:info hash 20:<hash>  10:num pieces i<n>e
 *     6:pieces <ceil(n/8)>:<bitfield, BEP 3 layout, spare bits zero>
 *     7:version i1e e
 * A record file is outside bytes (it may be truncated or hostile): it is
 * parsed strictly and every error comes back as BT_ERR_FORMAT.
 */
#ifndef BT_RESUME_H
#define BT_RESUME_H

#include <stddef.h>
#include <stdint.h>

struct bbuf;

#define RESUME_VERSION		1
#define RESUME_HASH_LEN		20
#define RESUME_MAX_BYTES	(64u * 1024 * 1024)	/* a record file */
#define RESUME_MAX_FILES	100000u		/* as METAINFO_MAX_FILES */
#define RESUME_SUFFIX		".resume"

struct resume_file {
	uint64_t	size;		/* bytes; at most INT64_MAX */
	int64_t		mtime_s;	/* st_mtim.tv_sec */
	int64_t		mtime_ns;	/* st_mtim.tv_nsec, 0..999999999 */
};

struct resume_record {
	uint8_t		 info_hash[RESUME_HASH_LEN];
	uint32_t	 num_pieces;	/* >= 1 */
	const uint8_t	*bitfield;	/* ceil(num_pieces / 8) bytes, BEP 3
					 * layout (piece 0 is the high bit of
					 * byte 0), spare bits zero */
	size_t		 bitfield_len;
	const struct resume_file *files; /* nfiles entries, torrent order */
	size_t		 nfiles;	/* 1..RESUME_MAX_FILES */
};

/*
 * Replaces the record at path atomically: the new record goes into a
 * temporary file next to it (mkstemp), which is fsync()ed and renamed over
 * path, then the directory is fsync()ed.  On failure the old record (if any)
 * is untouched and no temporary file is left; the one exception is a failed
 * fsync of the directory, after the rename: the new record is in place but
 * may not survive a crash.  The directory must exist (see resume_path).
 * Errors: BT_ERR_INVALID (r breaks the rules in struct resume_record),
 * BT_ERR_NOMEM, BT_ERR_LIMIT (encoding over RESUME_MAX_BYTES), BT_ERR_SYS
 * (errno says why).
 */
int	resume_save(const char *path, const struct resume_record *r);

/*
 * Reads and parses the record at path.  On success *out is filled and owns
 * its arrays (free with resume_record_cleanup); on failure *out is zeroed
 * and errbuf (may be NULL) holds one line naming the problem.  Errors:
 * BT_ERR_NOTFOUND (no such file), BT_ERR_FORMAT (corrupt, truncated, over
 * RESUME_MAX_BYTES, another version, not a regular file), BT_ERR_SYS
 * (errno says why), BT_ERR_NOMEM.
 */
int	resume_load(const char *path, struct resume_record *out, char *errbuf,
	    size_t errlen);
/* resume_load on bytes already in memory: data[0..len). */
int	resume_parse(const void *data, size_t len, struct resume_record *out,
	    char *errbuf, size_t errlen);
/* Appends the encoding of r to out; nothing is appended on failure.
 * Errors: BT_ERR_INVALID (as resume_save), BT_ERR_LIMIT, BT_ERR_NOMEM. */
int	resume_encode(const struct resume_record *r, struct bbuf *out);

/* Frees what resume_load or resume_parse allocated and zeroes *r.  Only for
 * records they filled (a record built by the caller borrows its arrays). */
void	resume_record_cleanup(struct resume_record *r);

/*
 * 1 when r can be trusted for the torrent described by the arguments: same
 * info-hash, same piece count, same number of files, and every file's size
 * and mtime (seconds and nanoseconds) equal to current[i], which the caller
 * stat()ed just now.  0 otherwise.
 */
int	resume_matches(const struct resume_record *r,
	    const uint8_t info_hash[RESUME_HASH_LEN], uint32_t num_pieces,
	    const struct resume_file *current, size_t nfiles);

/* ---- what to trust at start ---- */

struct metainfo;

#define RESUME_SIZE_MISSING	UINT64_MAX	/* a file not on disk */

struct resume_start_in {
	int		 verify;	/* --verify: hash everything */
	int		 had_data;	/* some file had bytes at start */
	int		 record_clean;	/* resume_matches said yes */
	const uint8_t	*record_bits;	/* the record's pieces (its info-hash
					 * and sizes fit the torrent); NULL:
					 * no usable record */
	const uint8_t	*journal_bits;	/* the journal's pieces; NULL: none */
	const uint8_t	*written_bits;	/* its written, unflushed pieces;
					 * NULL: none */
	const uint64_t	*sizes;		/* each file's size before the
					 * engine touched it, or
					 * RESUME_SIZE_MISSING */
};

enum resume_start_mode {
	RESUME_START_EMPTY = 0,	/* nothing known, nothing on disk */
	RESUME_START_FULL,	/* hash every piece (--verify, or data with
				 * neither record nor journal) */
	RESUME_START_CLEAN,	/* the record as it stands */
	RESUME_START_CRASH,	/* record and journal, files checked by size */
};

struct resume_start_out {
	enum resume_start_mode mode;
	uint8_t		*have;		/* caller's, ceil(n/8) bytes: pieces
					 * taken as had without hashing */
	uint8_t		*recheck;	/* caller's, same size: pieces to
					 * hash (all of them in _FULL) */
	uint32_t	 from_record, from_journal;	/* pieces in have */
	uint32_t	 rechecked;	/* pieces in recheck */
	uint32_t	 unflushed;	/* of them, pieces only written
					 * records name */
};

/*
 * The start rule of issue 11.  --verify hashes everything; a clean record
 * is trusted as it stands; otherwise (after a crash) a piece that the record
 * or the journal names is had when every non-pad file it touches is still
 * there with at least its full length, and re-checked when one is short or
 * gone; a piece that only the journal's written records name is re-checked
 * when its files have their full length (written, not flushed: likely
 * there after a kill -9, proven by its hash); any other piece is missing,
 * never hashed.  With neither record nor journal, files with data are
 * hashed in full.  The caller allocates
 * out->have and out->recheck; they are zeroed and filled.  Pure: no I/O.
 */
void	resume_plan_start(const struct metainfo *m,
	    const struct resume_start_in *in, struct resume_start_out *out);

#endif

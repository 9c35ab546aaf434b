/*
 * maketorrent: build a .torrent (BEP 3, BEP 12 announce-list, BEP 27
 * private) from a file or a directory tree.  The result is checked with
 * metainfo_parse before it is handed back, so bttui never writes a torrent
 * it would refuse to open.
 */
#ifndef BT_MAKETORRENT_H
#define BT_MAKETORRENT_H

#include <stddef.h>
#include <stdint.h>

struct bbuf;

#define MAKETORRENT_MIN_PIECE	(16u * 1024)
#define MAKETORRENT_MAX_PIECE	(256u * 1024 * 1024)	/* metainfo's cap */
#define MAKETORRENT_AUTO_MAX	(16u * 1024 * 1024)	/* automatic cap */
#define MAKETORRENT_AUTO_PIECES	1500	/* automatic: at most this many */

struct maketorrent_opts {
	const char		*path;		/* a regular file or a directory */
	const char *const	*announce;	/* each URL is a tier of its own */
	size_t			 nannounce;
	uint32_t		 piece_size;	/* 0 = maketorrent_auto_piece */
	int			 private_flag;
	const char		*comment;	/* NULL: none */
	const char		*created_by;	/* NULL: none */
	int64_t			 creation_date;	/* 0: none */
	/* Called after each read with bytes hashed so far; may be NULL. */
	void			(*progress)(void *arg, uint64_t done,
				    uint64_t total);
	void			*progress_arg;
};

/*
 * Walks opts->path, hashes every piece and appends the bencoded torrent to
 * `out' (an owned bbuf; its max must hold the result).
 *
 * A regular file gives a single-file torrent named after its base name.  A
 * directory gives a multi-file torrent named after the directory: every
 * regular file below it, zero-length ones included, ordered by relative
 * path ("dir/sub/file") compared bytewise as one string, the order
 * mktorrent and transmission-create use.  A symbolic link or any other
 * non-regular entry inside the directory is refused (not skipped), so the
 * torrent never silently lacks a file the user sees there.
 *
 * Errors (errbuf says which file and why; `out' is left as it was):
 * BT_ERR_SYS (a file could not be read; errno is in the message),
 * BT_ERR_INVALID (bad piece size, no files, total size 0, a non-regular
 * entry, a name metainfo would refuse, a file that changed while hashing),
 * BT_ERR_LIMIT (too many files, or `out' too small), BT_ERR_NOMEM.
 */
int	maketorrent_build(const struct maketorrent_opts *opts,
	    struct bbuf *out, char *errbuf, size_t errlen);

/*
 * The automatic piece size for total_bytes: the smallest power of two from
 * MAKETORRENT_MIN_PIECE to MAKETORRENT_AUTO_MAX that makes at most
 * MAKETORRENT_AUTO_PIECES pieces (so between 750 and 1500 pieces when the
 * bounds allow): 64 MiB -> 64 KiB, 1 GiB -> 1 MiB, 100 GiB -> 16 MiB.
 */
uint32_t	maketorrent_auto_piece(uint64_t total_bytes);

#endif

/*
 * webseed: one BEP 19 web seed (a url-list entry) of one torrent.  It is a
 * source that has every piece: it asks the torrent's picker for blocks
 * under a pseudo peer id of its own, fetches each block with HTTP(S) range
 * requests (one per file the block touches) through a libcurl multi handle
 * of its own, driven as a loop source, and hands each block to the torrent
 * through peerproto_take_block, as a peer's PIECE is, so its pieces are
 * verified and a bad web seed is blamed.  A failed, refused or slow
 * request, or a piece that fails its hash, makes it release its blocks and
 * back off (WEBSEED_BACKOFF_MIN_MS doubling to WEBSEED_BACKOFF_MAX_MS).
 * It fetches only while the torrent downloads (not paused, queued,
 * checking, failed or complete).
 *
 * The caller must have called curl_global_init(CURL_GLOBAL_DEFAULT).
 */
#ifndef BT_WEBSEED_H
#define BT_WEBSEED_H

#include <stddef.h>
#include <stdint.h>

#define WEBSEED_INFLIGHT	8	/* blocks fetched at once */
#define WEBSEED_BACKOFF_MIN_MS	30000
#define WEBSEED_BACKOFF_MAX_MS	600000
#define WEBSEED_CONNECT_MS	15000
/* Slower than this many bytes a second for WEBSEED_SLOW_S: failed. */
#define WEBSEED_SLOW_BPS	1024
#define WEBSEED_SLOW_S		30
#define WEBSEED_URL_MAX		8192

struct metainfo;
struct rate;
struct torrent;
struct webseed;

/* The part of one file that a range of the torrent's bytes covers. */
struct webseed_span {
	size_t		file;		/* index in meta->files */
	uint64_t	offset;		/* in that file */
	uint32_t	length;
	uint32_t	at;		/* in the range */
};

/*
 * The spans of real files that bytes [off, off + len) of the torrent
 * cover, in order; BEP 47 pad files are left out (their bytes are zeros).
 * Writes at most max of them to out and returns how many there are in all
 * (more than max: call again with room for all).  Bytes past the end of
 * the torrent are not covered.
 */
size_t	webseed_spans(const struct metainfo *m, uint64_t off, uint32_t len,
	    struct webseed_span *out, size_t max);

/*
 * BEP 19: the URL of file `file' on the web seed at base.  A single-file
 * torrent fetches base itself, or base + name when base ends in '/'; a
 * multi-file one fetches base + '/' (unless base ends in one) + name +
 * '/' + path, each component percent-encoded.  BT_OK, or BT_ERR_LIMIT when
 * it does not fit in outlen bytes (out then holds "").
 */
int	webseed_file_url(const struct metainfo *m, const char *base,
	    size_t file, char *out, size_t outlen);

/* Back-off after `fails' failures in a row (fails >= 1). */
uint64_t	webseed_backoff_ms(unsigned fails);

/*
 * A web seed at url for torrent t (borrowed: t outlives it; its picker,
 * block cache and env must exist).  It counts as a source with every piece
 * in the picker's availability and, when t->env->loop is set, adds itself
 * as a loop source.  NULL when out of memory or libcurl fails.
 */
struct webseed	*webseed_new(struct torrent *t, const char *url);
/* Aborts its transfers, releases its blocks in the picker, leaves the
 * loop; NULL is a no-op. */
void		 webseed_free(struct webseed *w);

/* Its pseudo peer id (the picker's and the Peers view's). */
uint32_t	 webseed_id(const struct webseed *w);
const char	*webseed_url(const struct webseed *w);
/* What it delivered (borrowed, valid for its lifetime). */
const struct rate *webseed_rate(const struct webseed *w);
/* Blocks being fetched now. */
size_t		 webseed_inflight(const struct webseed *w);
/* Backing off now. */
int		 webseed_backing_off(const struct webseed *w, uint64_t now_ms);

/* A piece it sent (alone) failed its hash: logs it and backs off. */
void		 webseed_on_bad_piece(struct webseed *w);

#endif

/*
 * source: what a user adds, a .torrent file or a magnet link, and how the
 * session keeps it.  A .torrent is kept as its own bytes.  A magnet link is
 * kept as a small bencoded stub,
 *
 *	d6:magnet<N>:<the link>e
 *
 * which the engine replaces with the whole .torrent once it has fetched and
 * verified the metadata (BEP 9).  The front (command line, --info) and the
 * engine (the session, the `a' key, --watch) read sources only through
 * here, so they agree on the stub.
 */
#ifndef BT_SOURCE_H
#define BT_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/bbuf.h"

struct magnet;
struct metainfo;

struct source {
	uint8_t		 info_hash[20];
	struct metainfo	*meta;		/* a .torrent ... */
	struct magnet	*mag;		/* ... or a magnet link: one of them */
	struct bbuf	 bytes;		/* what the session stores */
};

/* 1 when arg is a magnet link (the scheme, in any case), not a path. */
int	source_is_magnet(const char *arg);

/*
 * Loads arg: a magnet link, a .torrent file, or a session's stub file.  On
 * BT_OK *out holds exactly one of meta and mag, the info-hash and the
 * bytes to store (source_cleanup it).  On failure *out is empty and err
 * holds one line: for a file it starts with the path ("x.torrent: info.
 * pieces is missing"), for a link it names the link ("magnet link: bad
 * x.pe ...", "not a magnet link: ...").  Errors: those of
 * metainfo_load_raw and magnet_parse.
 */
int	source_load(const char *arg, struct source *out, char *err,
	    size_t errlen);
/* The name to show: the torrent's, the link's dn, else the hex hash. */
const char	*source_name(const struct source *s);
void	source_cleanup(struct source *s);

/*
 * The stub for a magnet link of len bytes, appended to out.  Errors: the
 * bbuf put errors.  source_stub_link finds the link in a stub's bytes:
 * BT_OK with *link (borrowed from data) and *link_len, or BT_ERR_FORMAT
 * when data is not a stub.
 */
int	source_stub_encode(const char *link, size_t len, struct bbuf *out);
int	source_stub_link(const void *data, size_t len, const char **link,
	    size_t *link_len);

#endif

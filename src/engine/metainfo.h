/*
 * metainfo: a validated .torrent (BEP 3 single- and multi-file, BEP 12
 * announce-list, BEP 27 private).  Everything here has been checked: the
 * piece count matches the total length, lengths do not overflow, and every
 * file path is relative and made only of safe components, so storage can join
 * it under the download directory without escaping it.
 */
#ifndef BT_METAINFO_H
#define BT_METAINFO_H

#include <stddef.h>
#include <stdint.h>

#define METAINFO_HASH_LEN	20
#define METAINFO_MAX_PIECE_LEN	(256u * 1024 * 1024)	/* refuse above */
#define METAINFO_MAX_FILES	100000
/* Longest path component (NAME_MAX on Linux and most file systems);
 * longer ones are shortened at load, see metainfo_parse. */
#define METAINFO_MAX_COMPONENT	255
#define METAINFO_MAX_DHT_NODES	64

struct bbuf;

/* BEP 47 file attributes (info.files[i].attr). */
enum metainfo_attr {
	METAINFO_ATTR_PAD = 1 << 0,	/* 'p': padding, zeros, never on disk */
	METAINFO_ATTR_EXEC = 1 << 1,	/* 'x': executable */
	METAINFO_ATTR_HIDDEN = 1 << 2,	/* 'h': hidden */
	METAINFO_ATTR_SYMLINK = 1 << 3,	/* 'l': a symlink (never followed) */
};

struct metainfo_file {
	char		*path;		/* relative, '/'-separated; for a
					 * multi-file torrent it starts with
					 * the torrent's name directory */
	uint64_t	 length;
	uint64_t	 offset;	/* of its first byte in the torrent */
	char		*md5sum;	/* NULL when absent */
	unsigned	 attr;		/* enum metainfo_attr */
	int		 shortened;	/* a component of path was cut to
					 * METAINFO_MAX_COMPONENT bytes */
};

struct metainfo_tier {
	char	**urls;
	size_t	  n;
};

struct metainfo {
	char		*name;
	uint8_t		 info_hash[METAINFO_HASH_LEN];
	char		 info_hash_hex[2 * METAINFO_HASH_LEN + 1];
	uint8_t		*info;		/* the raw bencoded info dictionary */
	size_t		 info_len;	/* (what ut_metadata serves) */
	uint32_t	 piece_length;
	uint32_t	 num_pieces;
	uint8_t		*piece_hashes;	/* 20 * num_pieces bytes */
	uint64_t	 total_length;
	int		 multi_file;
	int		 private_flag;
	struct metainfo_file *files;	/* pad files included, in order */
	size_t		 nfiles;
	size_t		 npads;		/* of them, METAINFO_ATTR_PAD */
	struct metainfo_tier *tiers;	/* announce-list, or the single
					 * announce as one tier */
	size_t		 ntiers;
	char		**webseeds;	/* BEP 19 url-list: http(s) URLs,
					 * trimmed, in torrent order */
	size_t		 nwebseeds;
	char		**dht_nodes;	/* BEP 5 "nodes": "host:port" or
					 * "[v6]:port", at most
					 * METAINFO_MAX_DHT_NODES */
	size_t		 ndht_nodes;
	char		*comment;	/* NULL when absent */
	char		*created_by;
	int64_t		 creation_date;	/* 0 when absent */
	size_t		 trailing_bytes;	/* after the top-level
						 * dictionary, ignored */
	size_t		 nshortened;	/* files (and name) with a component
					 * shortened: the engine logs it */
};

/*
 * Parses and validates a .torrent held in data[0..len).  On success *out is
 * new (free with metainfo_free).  On failure *out is NULL, the return is a
 * negative bt_err and errbuf holds one line naming the problem, e.g.
 * "info.piece length is 0" or
 * "file 3 (path \"a/../b\"): component \"..\" is not allowed" (files are
 * counted from 0, as in info.files).  BT_ERR_FORMAT: not bencode, or a field
 * is missing or has the wrong type; BT_ERR_INVALID: a value is refused;
 * BT_ERR_NOMEM.  Bytes after a complete top-level dictionary (a "\r\n",
 * NUL padding: real torrents end so) are ignored and counted in
 * trailing_bytes; the info-hash covers the raw bytes of "info" only.
 * A name or path component longer than METAINFO_MAX_COMPONENT bytes cannot
 * be created on disk; it is shortened (as libtorrent does): its first
 * bytes (cut on a UTF-8 boundary), '~', 8 hex digits of the SHA-1 of the
 * whole component, then its extension when that is short, so the result is
 * deterministic, distinct for distinct components, and at most
 * METAINFO_MAX_COMPONENT bytes; `shortened' and nshortened say so.
 * When name.utf-8 or path.utf-8 is valid UTF-8 and a safe
 * path it is used, and the legacy name or path is not looked at.
 */
int	metainfo_parse(const void *data, size_t len, struct metainfo **out,
	    char *errbuf, size_t errlen);
/* Reads the file at path (bounded by BENCODE_MAX_INPUT) and parses it.
 * Errors: BT_ERR_SYS ("cannot read PATH: <strerror>", errno kept),
 * BT_ERR_LIMIT ("PATH: file larger than 64 MiB"), or metainfo_parse's, with
 * its message prefixed by "PATH: ". */
int	metainfo_load(const char *path, struct metainfo **out, char *errbuf,
	    size_t errlen);
/* As metainfo_load, and the file's bytes stay in *raw (initialised here
 * whatever happens: bbuf_cleanup it). */
int	metainfo_load_raw(const char *path, struct metainfo **out,
	    struct bbuf *raw, char *errbuf, size_t errlen);
void	metainfo_free(struct metainfo *m);

/* The length of piece `index' (the last one may be shorter); 0 when out of
 * range. */
uint32_t	metainfo_piece_size(const struct metainfo *m, uint32_t index);

#endif

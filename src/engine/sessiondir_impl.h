/*
 * sessiondir_impl.h: struct sessiondir and the helpers shared by
 * sessiondir.c (handle, lock, clean-up, settings) and sessiondir_torrents.c
 * (the torrents).  Nothing else includes it; the contract is sessiondir.h.
 */
#ifndef BT_SESSIONDIR_IMPL_H
#define BT_SESSIONDIR_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/sessiondir.h"

struct bencode;

#define SESSIONDIR_HEX_LEN	(2 * SESSIONDIR_HASH_LEN)
/* A .state holds a path and four short keys; settings are smaller still. */
#define SESSIONDIR_SMALL_MAX	(SESSIONDIR_PATH_MAX + 256)
#define SESSIONDIR_WHY_LEN	256	/* "why" texts of a parse error */
/* A .state with the priorities of SESSIONDIR_MAX_PRIO files. */
#define SESSIONDIR_STATE_MAX	\
	(SESSIONDIR_SMALL_MAX + SESSIONDIR_MAX_PRIO + 16)

struct sessiondir {
	char	path[SESSIONDIR_PATH_MAX];	/* absolute, resolved */
	int	lock_fd;			/* -1: not locked */
	int64_t	next_order;			/* -1: not read yet */
};

/* DIR/name into buf; BT_ERR_LIMIT when it does not fit. */
int	sessiondir_sub_path(const struct sessiondir *sd, char *buf, size_t len,
	    const char *name);
/* DIR/sub/HEX<suffix> into buf; BT_ERR_LIMIT (buf is "") when it does not
 * fit. */
int	sessiondir_hash_path(const struct sessiondir *sd, char *buf, size_t len,
	    const char *sub, const uint8_t ih[SESSIONDIR_HASH_LEN],
	    const char *suffix);
/* 1 when name[0..len) is 40 lower-case hex digits then suffix (ih is
 * filled); 0 otherwise. */
int	sessiondir_name_hash(const char *name, size_t len, const char *suffix,
	    uint8_t ih[SESSIONDIR_HASH_LEN]);
/* Reads a small regular file whole into buf[0..cap).  Errors:
 * BT_ERR_NOTFOUND, BT_ERR_LIMIT (cap bytes or more, or not a regular
 * file), BT_ERR_SYS. */
int	sessiondir_read_small(const char *path, uint8_t *buf, size_t cap,
	    size_t *len_out);
/* Decodes p[0..n) as one bencoded dictionary into a new tree *out (NULL on
 * failure; why may be NULL).  Errors: BT_ERR_FORMAT, BT_ERR_NOMEM. */
int	sessiondir_decode_dict(const uint8_t *p, size_t n,
	    struct bencode **out, char *why, size_t whylen);
/* The integer at key, which must lie in [lo, hi].  Errors:
 * BT_ERR_NOTFOUND (absent), BT_ERR_FORMAT (another type, out of range). */
int	sessiondir_get_int(const struct bencode *d, const char *key,
	    int64_t lo, int64_t hi, int64_t *out, char *why, size_t whylen);

#endif

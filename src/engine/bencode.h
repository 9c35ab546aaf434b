/*
 * bencode (BEP 3): decode bytes into a tree of nodes, encode a tree back.
 * Decoding is strict and bounded: nesting depth, input size and string
 * length are capped, integers have no leading zeros and no "-0", dictionary
 * keys are unique.  Every node records the raw byte span it was decoded from,
 * so the info-hash can be computed over the exact bytes of "info".
 *
 * Nodes own their strings (copied out of the input), so a tree outlives the
 * buffer it was decoded from.
 */
#ifndef BT_BENCODE_H
#define BT_BENCODE_H

#include <stddef.h>
#include <stdint.h>

struct bbuf;

#define BENCODE_MAX_DEPTH	64
#define BENCODE_MAX_INPUT	(64u * 1024 * 1024)	/* bytes in one document */
/* Nodes in one decoded tree: a node costs ~100 bytes of memory for as few as
 * 2 input bytes ("le"), so this caps what a hostile document can allocate. */
#define BENCODE_MAX_NODES	(2u * 1024 * 1024)

enum bencode_type {
	BENCODE_INT,
	BENCODE_STR,
	BENCODE_LIST,
	BENCODE_DICT,
};

struct bencode;

struct bencode_entry {		/* one key/value pair of a dictionary */
	char		*key;		/* NUL-terminated copy; keylen bytes */
	size_t		 keylen;	/* keys may hold NUL bytes */
	struct bencode	*val;
};

struct bencode {		/* read freely; build with bencode_new_*() */
	enum bencode_type type;
	size_t		 off;		/* raw span in the decoded input */
	size_t		 len;		/* (0, 0 for built nodes) */
	int64_t		 i;		/* BENCODE_INT */
	char		*s;		/* BENCODE_STR: slen bytes + a NUL */
	size_t		 slen;
	struct bencode	**items;	/* BENCODE_LIST: n values */
	struct bencode_entry *entries;	/* BENCODE_DICT: n pairs */
	size_t		 n;
	size_t		 alloc;		/* private */
};

/* Where decoding failed and why: "byte 17: leading zero in integer" (msg
 * holds the whole text, offset included).  Offsets, like the node spans, are
 * counted as bbuf_offset() counts them: for a fresh view, an index into the
 * viewed bytes. */
struct bencode_err {
	size_t	off;
	char	msg[112];
};

/*
 * Decodes one value that fills all of `in' (trailing bytes are an error).
 * On success *out is a new tree (free with bencode_free) and `in' is empty.
 * Errors: BT_ERR_FORMAT (malformed), BT_ERR_LIMIT (too deep, too large),
 * BT_ERR_INCOMPLETE (input ends inside a value), BT_ERR_NOMEM; *out is NULL
 * and err (may be NULL) says where and why.  `in' is consumed only on
 * success.
 */
int	bencode_decode(struct bbuf *in, struct bencode **out,
	    struct bencode_err *err);
/* As bencode_decode, but decodes one value from the front of `in' and leaves
 * what follows it in `in'. */
int	bencode_decode_prefix(struct bbuf *in, struct bencode **out,
	    struct bencode_err *err);
/* Frees a tree; NULL is a no-op. */
void	bencode_free(struct bencode *v);

/* Appends the canonical encoding (dictionary keys sorted bytewise); nothing
 * is appended on failure.  Errors: BT_ERR_LIMIT (out is full, or the tree is
 * nested deeper than BENCODE_MAX_DEPTH), BT_ERR_NOMEM, BT_ERR_INVALID. */
int	bencode_encode(const struct bencode *v, struct bbuf *out);

/* Lookups: NULL when d is not a dict, the key is absent, or (for the typed
 * forms) the value has another type. */
const struct bencode *bencode_dict_get(const struct bencode *d,
	    const char *key);
const struct bencode *bencode_dict_get_type(const struct bencode *d,
	    const char *key, enum bencode_type type);

/* Builders.  They return NULL only when out of memory.  Containers take
 * ownership of the values added to them (also on failure). */
struct bencode	*bencode_new_int(int64_t i);
struct bencode	*bencode_new_str(const void *s, size_t len);
struct bencode	*bencode_new_cstr(const char *s);
struct bencode	*bencode_new_list(void);
struct bencode	*bencode_new_dict(void);
int	bencode_list_append(struct bencode *list, struct bencode *v);
/* Replaces an existing value of the same key. */
int	bencode_dict_set(struct bencode *dict, const char *key,
	    struct bencode *v);

#endif

/* Unit tests for src/engine/bencode: strict decoding (every malformed form
 * with its error code and offset), truncation at every byte, limits, raw
 * spans, canonical encoding, builders, and random round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "engine/bencode.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define ANY_OFF		((size_t)-1)

static int
decode_mem(const void *p, size_t n, struct bencode **out,
    struct bencode_err *err)
{
	struct bbuf	b;

	bbuf_view(&b, p, n);
	return bencode_decode(&b, out, err);
}

/* Encodes v into a new NUL-terminated string (for comparisons). */
static char *
encode_str(const struct bencode *v, size_t *len_out)
{
	struct bbuf	 b;
	char		*s;

	bbuf_init(&b, 1 << 20);
	assert_int_equal(bencode_encode(v, &b), BT_OK);
	*len_out = bbuf_len(&b);
	assert_non_null(s = malloc(*len_out + 1));
	memcpy(s, bbuf_ptr(&b), *len_out);
	s[*len_out] = '\0';
	bbuf_cleanup(&b);
	return s;
}

static void
test_malformed(void **state)
{
	static const struct {
		const char	*name, *in;
		size_t		 len;		/* 0: strlen(in) */
		int		 want;
		size_t		 off;		/* ANY_OFF: not checked */
		const char	*msg;
	} cases[] = {
		{ "empty input", "", 0, BT_ERR_INCOMPLETE, 0, "empty" },
		{ "leading zero", "i03e", 0, BT_ERR_FORMAT, 1,
		    "byte 1: leading zero in integer" },
		{ "negative leading zero", "i-03e", 0, BT_ERR_FORMAT, 2,
		    "leading zero" },
		{ "negative zero", "i-0e", 0, BT_ERR_FORMAT, 1,
		    "negative zero" },
		{ "empty integer", "ie", 0, BT_ERR_FORMAT, 1, "no digits" },
		{ "minus only", "i-e", 0, BT_ERR_FORMAT, 2, "no digits" },
		{ "missing e", "i42", 0, BT_ERR_INCOMPLETE, 3, "integer" },
		{ "letter in integer", "i4x2e", 0, BT_ERR_FORMAT, 2,
		    "unexpected byte 'x' in integer" },
		{ "plus sign", "i+1e", 0, BT_ERR_FORMAT, 1, "'+'" },
		{ "int64 overflow", "i9223372036854775808e", 0, BT_ERR_FORMAT,
		    1, "overflows" },
		{ "int64 underflow", "i-9223372036854775809e", 0,
		    BT_ERR_FORMAT, 2, "overflows" },
		{ "huge integer", "i123456789012345678901234567890e", 0,
		    BT_ERR_FORMAT, 1, "overflows" },
		{ "truncated string", "4:spa", 0, BT_ERR_INCOMPLETE, 0,
		    "runs past the end" },
		{ "length past the end", "100:abc", 0, BT_ERR_INCOMPLETE, 0,
		    "100 bytes" },
		{ "length leading zero", "04:spam", 0, BT_ERR_FORMAT, 0,
		    "leading zero in string length" },
		{ "length without colon", "4spam", 0, BT_ERR_FORMAT, 1,
		    "'s' in string length" },
		{ "length only", "4", 0, BT_ERR_INCOMPLETE, 1, NULL },
		{ "length over limit", "99999999999:x", 0, BT_ERR_LIMIT, 0,
		    "limit" },
		{ "negative length", "-1:a", 0, BT_ERR_FORMAT, 0, "'-'" },
		{ "list missing e", "li1e", 0, BT_ERR_INCOMPLETE, 4, "list" },
		{ "dict missing e", "d1:ai1e", 0, BT_ERR_INCOMPLETE, 7,
		    "dictionary" },
		{ "key without value", "d1:ae", 0, BT_ERR_FORMAT, 4,
		    "'e' where a value should start" },
		{ "key at the end", "d1:a", 0, BT_ERR_INCOMPLETE, 4, NULL },
		{ "integer key", "di1ei2ee", 0, BT_ERR_FORMAT, 1,
		    "key is not a string" },
		{ "list key", "dlei2ee", 0, BT_ERR_FORMAT, 1,
		    "key is not a string" },
		{ "duplicate key", "d1:ai1e1:ai2ee", 0, BT_ERR_FORMAT, 7,
		    "duplicate dictionary key \"a\"" },
		{ "duplicate unsorted", "d1:bi1e1:ai2e1:bi3ee", 0,
		    BT_ERR_FORMAT, 13, "duplicate dictionary key \"b\"" },
		{ "duplicate long key", "d10:aaaaaaaaaai1e1:b0:10:aaaaaaaaaa"
		    "0:e", 0, BT_ERR_FORMAT, 22, "\"aaaaaaaaaa\"" },
		{ "duplicate binary key", "d2:\x01\"i1e2:\x01\"i2ee", 0,
		    BT_ERR_FORMAT, 8, "\\x01\\x22" },
		{ "trailing data", "i1ei2e", 0, BT_ERR_FORMAT, 3,
		    "trailing data" },
		{ "trailing e", "lee", 0, BT_ERR_FORMAT, 2, "trailing" },
		{ "unknown type", "x", 0, BT_ERR_FORMAT, 0,
		    "unexpected byte 'x'" },
		{ "nul type", "\0", 1, BT_ERR_FORMAT, 0, "0x00" },
		{ "end alone", "e", 0, BT_ERR_FORMAT, 0, NULL },
		{ "bad value in list", "li1exe", 0, BT_ERR_FORMAT, 4, NULL },
	};
	struct bencode_err	 err;
	struct bencode		*v;
	size_t			 i, n;
	int			 r;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		n = cases[i].len ? cases[i].len : strlen(cases[i].in);
		v = (struct bencode *)&err;	/* must be reset to NULL */
		r = decode_mem(cases[i].in, n, &v, &err);
		if (r != cases[i].want)
			fail_msg("%s: got %d, want %d (%s)", cases[i].name, r,
			    cases[i].want, err.msg);
		if (v != NULL)
			fail_msg("%s: out not NULL", cases[i].name);
		if (cases[i].off != ANY_OFF && err.off != cases[i].off)
			fail_msg("%s: offset %zu, want %zu (%s)",
			    cases[i].name, err.off, cases[i].off, err.msg);
		if (cases[i].msg != NULL && strstr(err.msg, cases[i].msg) ==
		    NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"",
			    cases[i].name, err.msg, cases[i].msg);
		if (strncmp(err.msg, "byte ", 5) != 0)
			fail_msg("%s: message \"%s\"", cases[i].name, err.msg);
		/* a NULL err is allowed */
		assert_int_equal(decode_mem(cases[i].in, n, &v, NULL), r);
	}
}

/* Canonical documents: decode, check, re-encode to the same bytes. */
static void
test_valid_round_trip(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		enum bencode_type type;
		int64_t		 i;
	} cases[] = {
		{ "i0e", 0, BENCODE_INT, 0 },
		{ "i-1e", 0, BENCODE_INT, -1 },
		{ "i42e", 0, BENCODE_INT, 42 },
		{ "i9223372036854775807e", 0, BENCODE_INT, INT64_MAX },
		{ "i-9223372036854775808e", 0, BENCODE_INT, INT64_MIN },
		{ "0:", 0, BENCODE_STR, 0 },
		{ "4:spam", 0, BENCODE_STR, 0 },
		{ "3:a\0b", 5, BENCODE_STR, 0 },
		{ "le", 0, BENCODE_LIST, 0 },
		{ "de", 0, BENCODE_DICT, 0 },
		{ "l4:spami42ee", 0, BENCODE_LIST, 0 },
		{ "d3:bar4:spam3:fooi42ee", 0, BENCODE_DICT, 0 },
		{ "d0:i1e1:ai2e2:aai3e1:bi4ee", 0, BENCODE_DICT, 0 },
		{ "d3:a\0bi1e3:a\0ci2ee", 18, BENCODE_DICT, 0 },
		{ "llleedeldeee", 0, BENCODE_LIST, 0 },
	};
	struct bencode_err	 err;
	struct bencode		*v;
	size_t			 i, n, elen;
	char			*enc;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		n = cases[i].len ? cases[i].len : strlen(cases[i].in);
		if (decode_mem(cases[i].in, n, &v, &err) != BT_OK)
			fail_msg("\"%s\": %s", cases[i].in, err.msg);
		assert_int_equal(v->type, cases[i].type);
		if (v->type == BENCODE_INT)
			assert_true(v->i == cases[i].i);
		assert_int_equal(v->off, 0);
		assert_int_equal(v->len, n);
		enc = encode_str(v, &elen);
		assert_int_equal(elen, n);
		assert_memory_equal(enc, cases[i].in, n);
		free(enc);
		bencode_free(v);
	}
}

static void
test_values(void **state)
{
	static const char	 doc[] = "d4:name3:a\0b5:itemsli1ei-2e0:ee";
	const struct bencode	*name, *items;
	struct bencode		*v;

	(void)state;
	assert_int_equal(decode_mem(doc, sizeof(doc) - 1, &v, NULL), BT_OK);
	assert_int_equal(v->n, 2);
	assert_non_null(name = bencode_dict_get_type(v, "name", BENCODE_STR));
	assert_int_equal(name->slen, 3);
	assert_memory_equal(name->s, "a\0b", 4);	/* NUL-terminated */
	assert_null(bencode_dict_get_type(v, "name", BENCODE_INT));
	assert_null(bencode_dict_get(v, "nam"));
	assert_null(bencode_dict_get(v, "missing"));
	assert_non_null(items = bencode_dict_get_type(v, "items",
	    BENCODE_LIST));
	assert_int_equal(items->n, 3);
	assert_true(items->items[0]->i == 1);
	assert_true(items->items[1]->i == -2);
	assert_int_equal(items->items[2]->slen, 0);
	assert_string_equal(items->items[2]->s, "");
	assert_null(bencode_dict_get(items, "x"));	/* not a dict */
	assert_null(bencode_dict_get(NULL, "x"));
	bencode_free(v);
	bencode_free(NULL);
}

/* Unsorted keys are accepted and re-encoded sorted. */
static void
test_unsorted_keys(void **state)
{
	static const char	 doc[] = "d1:ci3e1:ai1e1:bi2ee";
	struct bencode		*v;
	char			*enc;
	size_t			 n;

	(void)state;
	assert_int_equal(decode_mem(doc, strlen(doc), &v, NULL), BT_OK);
	assert_string_equal(v->entries[0].key, "c");
	enc = encode_str(v, &n);
	assert_string_equal(enc, "d1:ai1e1:bi2e1:ci3ee");
	free(enc);
	bencode_free(v);
}

/* Every proper prefix of a valid document is incomplete, consumes nothing
 * and allocates nothing that leaks (ASan checks the latter). */
static void
test_truncated_everywhere(void **state)
{
	static const char	 doc[] = "d8:announce9:http://x/4:infod5:files"
	    "ld6:lengthi-12e4:pathl1:a2:bceed6:lengthi0e4:pathl1:ceee"
	    "4:name4:root12:piece lengthi16384eee";
	struct bencode_err	 err;
	struct bencode		*v;
	struct bbuf		 b;
	size_t			 cut, n = strlen(doc);
	int			 r;

	(void)state;
	assert_int_equal(decode_mem(doc, n, &v, &err), BT_OK);
	bencode_free(v);
	for (cut = 0; cut < n; cut++) {
		bbuf_view(&b, doc, cut);
		r = bencode_decode(&b, &v, &err);
		if (r != BT_ERR_INCOMPLETE)
			fail_msg("cut at %zu: got %d (%s)", cut, r, err.msg);
		assert_null(v);
		assert_int_equal(bbuf_len(&b), cut);
		assert_true(err.off <= cut);
		r = bencode_decode_prefix(&b, &v, &err);
		assert_int_equal(r, BT_ERR_INCOMPLETE);
		assert_int_equal(bbuf_len(&b), cut);
	}
}

static char *
nested(size_t depth, size_t *len_out)
{
	char	*s;

	assert_non_null(s = malloc(2 * depth + 1));
	memset(s, 'l', depth);
	memset(s + depth, 'e', depth);
	s[2 * depth] = '\0';
	*len_out = 2 * depth;
	return s;
}

static void
test_depth_limit(void **state)
{
	struct bencode_err	 err;
	struct bencode		*v;
	char			*s, *enc;
	size_t			 n, elen;

	(void)state;
	s = nested(BENCODE_MAX_DEPTH, &n);
	assert_int_equal(decode_mem(s, n, &v, &err), BT_OK);
	enc = encode_str(v, &elen);
	assert_int_equal(elen, n);
	free(enc);
	bencode_free(v);
	free(s);

	s = nested(BENCODE_MAX_DEPTH + 1, &n);
	assert_int_equal(decode_mem(s, n, &v, &err), BT_ERR_LIMIT);
	assert_null(v);
	assert_int_equal(err.off, BENCODE_MAX_DEPTH);
	assert_non_null(strstr(err.msg, "nested deeper than 64"));
	free(s);

	/* dicts count too: two dicts around 62 lists, then around 63 */
	assert_non_null(s = malloc(2 * BENCODE_MAX_DEPTH + 10));
	for (n = BENCODE_MAX_DEPTH - 2; n < BENCODE_MAX_DEPTH; n++) {
		memcpy(s, "d1:ad1:a", 8);
		memset(s + 8, 'l', n);
		memset(s + 8 + n, 'e', n + 2);
		assert_int_equal(decode_mem(s, 2 * n + 10, &v, &err),
		    n == BENCODE_MAX_DEPTH - 2 ? BT_OK : BT_ERR_LIMIT);
		bencode_free(v);
	}
	free(s);
}

/* A built tree nested too deep is refused by the encoder too. */
static void
test_encode_depth_limit(void **state)
{
	struct bencode	*top, *l;
	struct bbuf	 b;
	int		 i;

	(void)state;
	assert_non_null(top = bencode_new_list());
	for (l = top, i = 0; i < BENCODE_MAX_DEPTH; i++) {
		assert_int_equal(bencode_list_append(l, bencode_new_list()),
		    BT_OK);
		l = l->items[0];
	}
	bbuf_init(&b, 1024);
	assert_int_equal(bencode_encode(top, &b), BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&b), 0);
	assert_int_equal(bencode_encode(top->items[0], &b), BT_OK);
	assert_int_equal(bbuf_len(&b), 2 * BENCODE_MAX_DEPTH);
	bbuf_cleanup(&b);
	bencode_free(top);
}

static void
test_input_limits(void **state)
{
	struct bencode_err	 err;
	struct bencode		*v;
	struct bbuf		 b;
	size_t			 n = BENCODE_MAX_INPUT + 9;
	char			*s;
	int			 r;

	(void)state;
	assert_non_null(s = calloc(1, n));
	memcpy(s, "i1e", 3);
	bbuf_view(&b, s, n);
	assert_int_equal(bencode_decode(&b, &v, &err), BT_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "over the"));
	assert_int_equal(bbuf_len(&b), n);
	/* a prefix decode looks at the first BENCODE_MAX_INPUT bytes only */
	assert_int_equal(bencode_decode_prefix(&b, &v, &err), BT_OK);
	assert_int_equal(v->i, 1);
	assert_int_equal(bbuf_len(&b), n - 3);
	bencode_free(v);
	/* a string that fits the length limit but not the window */
	r = snprintf(s, n, "%u:", BENCODE_MAX_INPUT - 2);
	bbuf_view(&b, s, n);
	assert_int_equal(bencode_decode_prefix(&b, &v, &err), BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&b), n);
	assert_true(r > 0);
	free(s);
}

static void
test_node_limit(void **state)
{
	struct bencode	*v;
	size_t		 i, n = 2 + 2 * (size_t)BENCODE_MAX_NODES;
	char		*s;

	(void)state;
	assert_non_null(s = malloc(n));
	s[0] = 'l';
	for (i = 1; i + 1 < n; i += 2)
		memcpy(s + i, "le", 2);
	s[n - 1] = 'e';
	/* the outer list plus MAX_NODES inner ones: one too many */
	assert_int_equal(decode_mem(s, n, &v, NULL), BT_ERR_LIMIT);
	assert_null(v);
	/* drop one inner list: exactly at the limit */
	s[n - 3] = 'e';
	assert_int_equal(decode_mem(s, n - 2, &v, NULL), BT_OK);
	assert_int_equal(v->n, BENCODE_MAX_NODES - 1);
	bencode_free(v);
	free(s);
}

/* Spans are absolute offsets into the input, also for nested values. */
static void
test_raw_span(void **state)
{
	static const char	 doc[] = "d8:announce3:url4:infod6:lengthi5e"
	    "4:name1:x5:piecel2:ab0:eee";
	const struct bencode	*info, *piece, *len;
	struct bencode		*v;
	const char		*at;

	(void)state;
	assert_int_equal(decode_mem(doc, strlen(doc), &v, NULL), BT_OK);
	assert_non_null(info = bencode_dict_get_type(v, "info",
	    BENCODE_DICT));
	at = strstr(doc, "d6:length");
	assert_int_equal(info->off, (size_t)(at - doc));
	assert_int_equal(info->len, strlen(at) - 1);
	assert_non_null(len = bencode_dict_get(info, "length"));
	assert_int_equal(len->off, (size_t)(strstr(doc, "i5e") - doc));
	assert_int_equal(len->len, 3);
	assert_non_null(piece = bencode_dict_get(info, "piece"));
	assert_int_equal(piece->off, (size_t)(strstr(doc, "l2:ab") - doc));
	assert_int_equal(piece->len, 8);
	assert_int_equal(piece->items[1]->off, piece->off + 5);
	assert_int_equal(piece->items[1]->len, 2);
	bencode_free(v);
}

/* decode_prefix leaves the rest; offsets keep counting from the start. */
static void
test_prefix(void **state)
{
	static const char	 doc[] = "i1e4:spamxyz";
	struct bencode_err	 err;
	struct bencode		*v;
	struct bbuf		 b;

	(void)state;
	bbuf_view(&b, doc, strlen(doc));
	assert_int_equal(bencode_decode_prefix(&b, &v, &err), BT_OK);
	assert_true(v->i == 1);
	assert_int_equal(bbuf_len(&b), 9);
	bencode_free(v);
	assert_int_equal(bencode_decode_prefix(&b, &v, &err), BT_OK);
	assert_string_equal(v->s, "spam");
	assert_int_equal(v->off, 3);
	assert_int_equal(v->len, 6);
	bencode_free(v);
	assert_int_equal(bencode_decode_prefix(&b, &v, &err), BT_ERR_FORMAT);
	assert_int_equal(err.off, 9);
	assert_string_equal(err.msg,
	    "byte 9: unexpected byte 'x' where a value should start");
	assert_int_equal(bbuf_len(&b), 3);
}

static void
test_builders(void **state)
{
	static const char	 want[] = "d2:al0:5:alphali-7e1:x3:a\0be"
	    "3:midde4:zetai2ee";
	struct bencode	*d, *l;
	char		*enc;
	size_t		 n;

	(void)state;
	assert_non_null(d = bencode_new_dict());
	assert_non_null(l = bencode_new_list());
	assert_int_equal(bencode_list_append(l, bencode_new_int(-7)), BT_OK);
	assert_int_equal(bencode_list_append(l, bencode_new_cstr("x")), BT_OK);
	assert_int_equal(bencode_list_append(l, bencode_new_str("a\0b", 3)),
	    BT_OK);
	assert_int_equal(bencode_dict_set(d, "zeta", bencode_new_int(1)),
	    BT_OK);
	assert_int_equal(bencode_dict_set(d, "alpha", l), BT_OK);
	assert_int_equal(bencode_dict_set(d, "mid", bencode_new_dict()), BT_OK);
	assert_int_equal(bencode_dict_set(d, "al", bencode_new_cstr("")),
	    BT_OK);
	assert_int_equal(bencode_dict_set(d, "zeta", bencode_new_int(2)),
	    BT_OK);			/* replaces */
	assert_int_equal(d->n, 4);
	enc = encode_str(d, &n);
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(enc, want, n);
	free(enc);
	assert_true(bencode_dict_get_type(d, "zeta", BENCODE_INT)->i == 2);

	/* ownership is taken on failure too; NULL values mean no memory */
	assert_int_equal(bencode_list_append(d, bencode_new_int(1)),
	    BT_ERR_INVALID);
	assert_int_equal(bencode_dict_set(l, "k", bencode_new_int(1)),
	    BT_ERR_INVALID);
	assert_int_equal(bencode_list_append(l, NULL), BT_ERR_NOMEM);
	assert_int_equal(bencode_dict_set(d, "k", NULL), BT_ERR_NOMEM);
	assert_int_equal(bencode_dict_set(NULL, "k", bencode_new_int(1)),
	    BT_ERR_INVALID);
	bencode_free(d);
}

/* Many entries: growth must stay cheap and the order sorted. */
static void
test_many_entries(void **state)
{
	struct bencode	*d, *back;
	char		 key[16], *enc;
	size_t		 n;
	int		 i;

	(void)state;
	assert_non_null(d = bencode_new_dict());
	for (i = 5000; i > 0; i--) {
		snprintf(key, sizeof(key), "k%05d", i);
		assert_int_equal(bencode_dict_set(d, key, bencode_new_int(i)),
		    BT_OK);
	}
	enc = encode_str(d, &n);
	assert_memory_equal(enc, "d6:k00001i1e6:k00002i2e", 22);
	assert_int_equal(decode_mem(enc, n, &back, NULL), BT_OK);
	assert_int_equal(back->n, 5000);
	free(enc);
	bencode_free(back);
	bencode_free(d);
}

static void
test_encode_full_buffer(void **state)
{
	struct bencode	*v;
	struct bbuf	 b;
	uint8_t		 tmp[8];

	(void)state;
	assert_non_null(v = bencode_new_cstr("spam"));
	bbuf_init(&b, 5);
	assert_int_equal(bencode_encode(v, &b), BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&b), 0);
	bbuf_cleanup(&b);
	bbuf_view(&b, tmp, sizeof(tmp));
	assert_int_not_equal(bencode_encode(v, &b), BT_OK);
	assert_int_equal(bencode_encode(NULL, &b), BT_ERR_INVALID);
	bencode_free(v);
}

static struct bencode *
random_tree(unsigned int *seed, int depth)
{
	struct bencode	*v;
	char		 buf[8];
	int		 i, n, kind = rand_r(seed) % (depth > 4 ? 2 : 4);

	switch (kind) {
	case 0:
		return bencode_new_int((int64_t)rand_r(seed) - RAND_MAX / 2);
	case 1:
		n = rand_r(seed) % (int)sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = (char)(rand_r(seed) % 4);
		return bencode_new_str(buf, (size_t)n);
	case 2:
		assert_non_null(v = bencode_new_list());
		for (n = rand_r(seed) % 5, i = 0; i < n; i++)
			assert_int_equal(bencode_list_append(v,
			    random_tree(seed, depth + 1)), BT_OK);
		return v;
	}
	assert_non_null(v = bencode_new_dict());
	for (n = rand_r(seed) % 5, i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%c%c", 'a' + rand_r(seed) % 3,
		    'a' + rand_r(seed) % 3);
		assert_int_equal(bencode_dict_set(v, buf,
		    random_tree(seed, depth + 1)), BT_OK);
	}
	return v;
}

/* Random built trees: encode, decode, encode again gives the same bytes. */
static void
test_random_round_trip(void **state)
{
	unsigned int	 seed = (unsigned int)time(NULL);
	struct bencode	*t, *back;
	char		*a, *b;
	size_t		 alen, blen;
	int		 round;

	(void)state;
	print_message("random round trip seed %u\n", seed);
	for (round = 0; round < 2000; round++) {
		t = random_tree(&seed, 0);
		a = encode_str(t, &alen);
		if (decode_mem(a, alen, &back, NULL) != BT_OK)
			fail_msg("round %d: cannot decode \"%s\"", round, a);
		b = encode_str(back, &blen);
		assert_int_equal(alen, blen);
		assert_memory_equal(a, b, alen);
		assert_int_equal(back->len, alen);
		free(a);
		free(b);
		bencode_free(t);
		bencode_free(back);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_valid_round_trip),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_unsorted_keys),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_encode_depth_limit),
		cmocka_unit_test(test_input_limits),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_raw_span),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_builders),
		cmocka_unit_test(test_many_entries),
		cmocka_unit_test(test_encode_full_buffer),
		cmocka_unit_test(test_random_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

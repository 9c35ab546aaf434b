/*
 * bencode decoder and encoder.  The decoder reads only through a bbuf view of
 * the caller's bytes, recurses at most BENCODE_MAX_DEPTH levels, copies every
 * string out (a tree outlives its input) and records each node's raw span.
 * Containers grow by doubling, so decoding is linear in the input, apart from
 * the duplicate-key check of a dict whose keys arrive unsorted (n log n).
 */
#include "bencode.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"

struct dec {
	struct bbuf		*in;	/* view being decoded */
	struct bencode_err	*err;	/* may be NULL */
	size_t			 nodes;
	int			 capped; /* input cut at BENCODE_MAX_INPUT */
};

static int	decode_value(struct dec *, int, struct bencode **);

static int __attribute__((format(printf, 4, 5)))
fail(struct dec *d, int r, size_t off, const char *fmt, ...)
{
	va_list	ap;
	char	why[96];

	if (d->err == NULL)
		return r;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	d->err->off = off;
	snprintf(d->err->msg, sizeof(d->err->msg), "byte %zu: %s", off, why);
	return r;
}

/* The input ended `at' bytes past the current position; `why' says where. */
static int
truncated(struct dec *d, size_t at, const char *why)
{
	size_t	off = bbuf_offset(d->in) + at;

	if (d->capped)
		return fail(d, BT_ERR_LIMIT, off,
		    "value runs past the %u byte limit", BENCODE_MAX_INPUT);
	return fail(d, BT_ERR_INCOMPLETE, off, "%s", why);
}

static const char *
byte_name(uint8_t c, char *buf, size_t len)
{
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "0x%02x", c);
	return buf;
}

/* A key for an error message: quoted, escaped, cut short when long. */
static void
key_name(const char *k, size_t n, char *out, size_t len)
{
	size_t	i, w = 0;
	uint8_t	c;

	for (i = 0; i < n && w + 8 < len; i++) {
		c = (uint8_t)k[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			out[w++] = (char)c;
		else
			w += (size_t)snprintf(out + w, len - w, "\\x%02x", c);
	}
	snprintf(out + w, len - w, "%s", i < n ? "..." : "");
}

static int
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/*
 * Reads the decimal digits starting `at' bytes in, up to the byte `end'
 * (whose index lands in *at_out).  Refuses leading zeros and values above
 * lim.  `what' names the number for messages.
 */
static int
read_digits(struct dec *d, size_t at, uint8_t end, uint64_t lim,
    const char *what, uint64_t *v_out, size_t *at_out)
{
	size_t		first = at, base = bbuf_offset(d->in);
	uint64_t	v = 0;
	uint8_t		c, zero = 0;
	char		b[8];

	for (;; at++) {
		if (bbuf_peek_u8(d->in, at, &c) != BT_OK)
			return d->capped ? truncated(d, at, "") :
			    fail(d, BT_ERR_INCOMPLETE, base + at,
			    "input ends inside %s", what);
		if (c == end)
			break;
		if (!is_digit(c))
			return fail(d, BT_ERR_FORMAT, base + at,
			    "unexpected byte %s in %s", byte_name(c, b,
			    sizeof(b)), what);
		if (at == first)
			zero = c == '0';
		else if (zero)
			return fail(d, BT_ERR_FORMAT, base + first,
			    "leading zero in %s", what);
		if (v > (lim - (uint64_t)(c - '0')) / 10 && end == 'e')
			return fail(d, BT_ERR_FORMAT, base + first,
			    "%s overflows 64 bits", what);
		if (v > (lim - (uint64_t)(c - '0')) / 10)
			return fail(d, BT_ERR_LIMIT, base + first,
			    "%s is over the %" PRIu64 " byte limit", what, lim);
		v = v * 10 + (uint64_t)(c - '0');
	}
	if (at == first)
		return fail(d, BT_ERR_FORMAT, base + at, "%s has no digits",
		    what);
	*v_out = v;
	*at_out = at;
	return BT_OK;
}

/* BEP 3: i<digits>e, no leading zeros, no negative zero. */
static int
decode_int(struct dec *d, struct bencode *v)
{
	uint64_t	mag, lim = INT64_MAX;
	size_t		at = 1, end;
	uint8_t		c;
	int		r, neg = 0;

	if (bbuf_peek_u8(d->in, at, &c) != BT_OK)
		return truncated(d, at, "input ends inside an integer");
	if (c == '-') {
		neg = 1;
		lim = (uint64_t)INT64_MAX + 1;
		at++;
	}
	if ((r = read_digits(d, at, 'e', lim, "integer", &mag, &end)) != 0)
		return r;
	if (neg && mag == 0)
		return fail(d, BT_ERR_FORMAT, bbuf_offset(d->in) + 1,
		    "negative zero in integer");
	if (neg)
		v->i = mag == lim ? INT64_MIN : -(int64_t)mag;
	else
		v->i = (int64_t)mag;
	return bbuf_consume(d->in, end + 1);
}

/* BEP 3: <length>:<bytes>; the length may not exceed the bytes left. */
static int
read_string(struct dec *d, char **s_out, size_t *len_out)
{
	uint64_t	 n;
	size_t		 colon, left;
	char		*s;
	int		 r;

	*s_out = NULL;
	*len_out = 0;
	if ((r = read_digits(d, 0, ':', BENCODE_MAX_INPUT, "string length",
	    &n, &colon)) != BT_OK)
		return r;
	left = bbuf_len(d->in) - colon - 1;
	if (n > left && d->capped)
		return truncated(d, colon, "");
	if (n > left)
		return fail(d, BT_ERR_INCOMPLETE, bbuf_offset(d->in),
		    "string of %" PRIu64 " bytes runs past the end of input "
		    "(%zu left)", n, left);
	if ((s = malloc((size_t)n + 1)) == NULL)
		return fail(d, BT_ERR_NOMEM, bbuf_offset(d->in),
		    "out of memory");
	bbuf_consume(d->in, colon + 1);
	bbuf_get_bytes(d->in, s, (size_t)n);
	s[n] = '\0';
	*s_out = s;
	*len_out = (size_t)n;
	return BT_OK;
}

/* Returns arr with room for one more element, or NULL (arr untouched). */
static void *
grow(void *arr, size_t *alloc, size_t n, size_t size)
{
	size_t	 want;
	void	*p;

	if (n < *alloc)
		return arr;
	want = *alloc == 0 ? 4 : *alloc * 2;
	if (want < *alloc || want > SIZE_MAX / size)
		return NULL;
	if ((p = realloc(arr, want * size)) == NULL)
		return NULL;
	*alloc = want;
	return p;
}

static int
push_item(struct bencode *list, struct bencode *v)
{
	struct bencode	**items;

	items = grow(list->items, &list->alloc, list->n, sizeof(*items));
	if (items == NULL)
		return BT_ERR_NOMEM;
	list->items = items;
	list->items[list->n++] = v;
	return BT_OK;
}

static int
push_entry(struct bencode *dict, char *key, size_t keylen, struct bencode *v)
{
	struct bencode_entry	*e;

	e = grow(dict->entries, &dict->alloc, dict->n, sizeof(*e));
	if (e == NULL)
		return BT_ERR_NOMEM;
	dict->entries = e;
	e[dict->n].key = key;
	e[dict->n].keylen = keylen;
	e[dict->n].val = v;
	dict->n++;
	return BT_OK;
}

static int
decode_list(struct dec *d, int depth, struct bencode *v)
{
	struct bencode	*item;
	uint8_t		 c;
	int		 r;

	bbuf_consume(d->in, 1);
	for (;;) {
		if (bbuf_peek_u8(d->in, 0, &c) != BT_OK)
			return truncated(d, 0, "input ends inside a list");
		if (c == 'e')
			return bbuf_consume(d->in, 1);
		if ((r = decode_value(d, depth + 1, &item)) != BT_OK)
			return r;
		if (push_item(v, item) != BT_OK) {
			bencode_free(item);
			return fail(d, BT_ERR_NOMEM, bbuf_offset(d->in),
			    "out of memory");
		}
	}
}

static int
keycmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct bencode_entry *const	*ea = a, *const *eb = b;

	return keycmp((*ea)->key, (*ea)->keylen, (*eb)->key, (*eb)->keylen);
}

/* Where a decoded key started: its value follows "<len>:<key>" directly. */
static size_t
key_offset(const struct bencode_entry *e)
{
	size_t	digits = 1, n;

	for (n = e->keylen; n >= 10; n /= 10)
		digits++;
	return e->val->off - e->keylen - 1 - digits;
}

static int
dup_key(struct dec *d, size_t off, const char *key, size_t keylen)
{
	char	name[48];

	key_name(key, keylen, name, sizeof(name));
	return fail(d, BT_ERR_FORMAT, off, "duplicate dictionary key \"%s\"",
	    name);
}

/* Keys arrived unsorted: sort pointers to find equal neighbours. */
static int
check_dups(struct dec *d, const struct bencode *v)
{
	const struct bencode_entry	**p, *a;
	size_t				  i;
	int				  r = BT_OK;

	if ((p = calloc(v->n, sizeof(*p))) == NULL)
		return fail(d, BT_ERR_NOMEM, v->off, "out of memory");
	for (i = 0; i < v->n; i++)
		p[i] = &v->entries[i];
	qsort(p, v->n, sizeof(*p), entry_cmp);
	for (i = 1; i < v->n && r == BT_OK; i++) {
		if (entry_cmp(&p[i - 1], &p[i]) != 0)
			continue;
		/* name the later of the two, as a sorted dict would */
		a = p[i - 1]->val->off > p[i]->val->off ? p[i - 1] : p[i];
		r = dup_key(d, key_offset(a), a->key, a->keylen);
	}
	free(p);
	return r;
}

/* Reads one key and its value and appends them; *sorted drops to 0 when
 * the key is below its predecessor. */
static int
decode_pair(struct dec *d, int depth, struct bencode *v, int *sorted)
{
	struct bencode	*val;
	char		*key;
	size_t		 keylen, off = bbuf_offset(d->in);
	int		 r, c;

	if ((r = read_string(d, &key, &keylen)) != BT_OK)
		return r;
	if (v->n > 0) {
		c = keycmp(v->entries[v->n - 1].key,
		    v->entries[v->n - 1].keylen, key, keylen);
		if (c == 0) {
			r = dup_key(d, off, key, keylen);
			free(key);
			return r;
		}
		if (c > 0)
			*sorted = 0;
	}
	if ((r = decode_value(d, depth + 1, &val)) != BT_OK) {
		free(key);
		return r;
	}
	if (push_entry(v, key, keylen, val) != BT_OK) {
		free(key);
		bencode_free(val);
		return fail(d, BT_ERR_NOMEM, off, "out of memory");
	}
	return BT_OK;
}

/* BEP 3: d<key><value>...e.  Unsorted keys are accepted (the info-hash is
 * taken over the raw bytes anyway); duplicate keys are not. */
static int
decode_dict(struct dec *d, int depth, struct bencode *v)
{
	uint8_t	c;
	char	b[8];
	int	r, sorted = 1;

	bbuf_consume(d->in, 1);
	for (;;) {
		if (bbuf_peek_u8(d->in, 0, &c) != BT_OK)
			return truncated(d, 0,
			    "input ends inside a dictionary");
		if (c == 'e')
			break;
		if (!is_digit(c))
			return fail(d, BT_ERR_FORMAT, bbuf_offset(d->in),
			    "dictionary key is not a string (starts with %s)",
			    byte_name(c, b, sizeof(b)));
		if ((r = decode_pair(d, depth, v, &sorted)) != BT_OK)
			return r;
	}
	if (!sorted && (r = check_dups(d, v)) != BT_OK)
		return r;
	return bbuf_consume(d->in, 1);
}

static int
decode_str(struct dec *d, struct bencode *v)
{
	return read_string(d, &v->s, &v->slen);
}

static int
value_type(struct dec *d, uint8_t c, enum bencode_type *type_out)
{
	char	b[8];

	switch (c) {
	case 'i':
		*type_out = BENCODE_INT;
		return BT_OK;
	case 'l':
		*type_out = BENCODE_LIST;
		return BT_OK;
	case 'd':
		*type_out = BENCODE_DICT;
		return BT_OK;
	}
	if (is_digit(c)) {
		*type_out = BENCODE_STR;
		return BT_OK;
	}
	return fail(d, BT_ERR_FORMAT, bbuf_offset(d->in),
	    "unexpected byte %s where a value should start",
	    byte_name(c, b, sizeof(b)));
}

/* depth: how many containers enclose this value. */
static int
decode_value(struct dec *d, int depth, struct bencode **out)
{
	enum bencode_type	 type;
	struct bencode		*v;
	size_t			 start = bbuf_offset(d->in);
	uint8_t			 c;
	int			 r;

	*out = NULL;
	if (bbuf_peek_u8(d->in, 0, &c) != BT_OK)
		return truncated(d, 0, "input ends where a value should start");
	if ((r = value_type(d, c, &type)) != BT_OK)
		return r;
	if ((type == BENCODE_LIST || type == BENCODE_DICT) &&
	    depth >= BENCODE_MAX_DEPTH)
		return fail(d, BT_ERR_LIMIT, start,
		    "nested deeper than %d levels", BENCODE_MAX_DEPTH);
	if (++d->nodes > BENCODE_MAX_NODES)
		return fail(d, BT_ERR_LIMIT, start, "more than %u values",
		    BENCODE_MAX_NODES);
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return fail(d, BT_ERR_NOMEM, start, "out of memory");
	v->type = type;
	if (type == BENCODE_INT)
		r = decode_int(d, v);
	else if (type == BENCODE_STR)
		r = decode_str(d, v);
	else if (type == BENCODE_LIST)
		r = decode_list(d, depth, v);
	else
		r = decode_dict(d, depth, v);
	if (r != BT_OK) {
		bencode_free(v);
		return r;
	}
	v->off = start;
	v->len = bbuf_offset(d->in) - start;
	*out = v;
	return BT_OK;
}

static int
decode(struct bbuf *in, struct bencode **out, struct bencode_err *err,
    int whole)
{
	struct bbuf	 copy = *in, view;
	struct bencode	*v;
	struct dec	 d;
	size_t		 n = bbuf_len(in);
	int		 r;

	*out = NULL;
	memset(&d, 0, sizeof(d));
	d.err = err;
	if (err != NULL) {
		err->off = bbuf_offset(in);
		err->msg[0] = '\0';
	}
	if (n == 0)
		return fail(&d, BT_ERR_INCOMPLETE, bbuf_offset(in),
		    "input is empty");
	if (n > BENCODE_MAX_INPUT) {
		if (whole)
			return fail(&d, BT_ERR_LIMIT, bbuf_offset(in),
			    "input of %zu bytes is over the %u byte limit", n,
			    BENCODE_MAX_INPUT);
		n = BENCODE_MAX_INPUT;
		d.capped = 1;
	}
	/* Decode a view split off a copy, so `in' is consumed only on
	 * success; the view keeps counting offsets from in's start. */
	bbuf_split(&copy, n, &view);
	d.in = &view;
	if ((r = decode_value(&d, 0, &v)) != BT_OK)
		return r;
	if (whole && bbuf_len(&view) > 0) {
		bencode_free(v);
		return fail(&d, BT_ERR_FORMAT, bbuf_offset(&view),
		    "trailing data after the value");
	}
	bbuf_consume(in, v->len);
	*out = v;
	return BT_OK;
}

int
bencode_decode(struct bbuf *in, struct bencode **out, struct bencode_err *err)
{
	return decode(in, out, err, 1);
}

int
bencode_decode_prefix(struct bbuf *in, struct bencode **out,
    struct bencode_err *err)
{
	return decode(in, out, err, 0);
}

void
bencode_free(struct bencode *v)
{
	size_t	i;

	if (v == NULL)
		return;
	free(v->s);
	for (i = 0; v->type == BENCODE_LIST && i < v->n; i++)
		bencode_free(v->items[i]);
	for (i = 0; v->type == BENCODE_DICT && i < v->n; i++) {
		free(v->entries[i].key);
		bencode_free(v->entries[i].val);
	}
	free(v->items);
	free(v->entries);
	free(v);
}

static int	encode_value(const struct bencode *, struct bbuf *, int);

static int
encode_str(const void *s, size_t n, struct bbuf *out)
{
	int	r;

	if ((r = bbuf_putf(out, "%zu:", n)) != BT_OK)
		return r;
	return bbuf_put_bytes(out, s, n);
}

static int
encode_list(const struct bencode *v, struct bbuf *out, int depth)
{
	size_t	i;
	int	r;

	if ((r = bbuf_put_u8(out, 'l')) != BT_OK)
		return r;
	for (i = 0; i < v->n; i++)
		if ((r = encode_value(v->items[i], out, depth + 1)) != BT_OK)
			return r;
	return bbuf_put_u8(out, 'e');
}

static int
encode_entries(const struct bencode_entry **p, size_t n, struct bbuf *out,
    int depth)
{
	size_t	i;
	int	r;

	if ((r = bbuf_put_u8(out, 'd')) != BT_OK)
		return r;
	for (i = 0; i < n; i++) {
		if ((r = encode_str(p[i]->key, p[i]->keylen, out)) != BT_OK ||
		    (r = encode_value(p[i]->val, out, depth + 1)) != BT_OK)
			return r;
	}
	return bbuf_put_u8(out, 'e');
}

static int
encode_dict(const struct bencode *v, struct bbuf *out, int depth)
{
	const struct bencode_entry	**p;
	size_t				  i;
	int				  r, sorted = 1;

	if (v->n == 0)
		return bbuf_put_bytes(out, "de", 2);
	if ((p = calloc(v->n, sizeof(*p))) == NULL)
		return BT_ERR_NOMEM;
	for (i = 0; i < v->n; i++) {
		p[i] = &v->entries[i];
		if (i > 0 && entry_cmp(&p[i - 1], &p[i]) > 0)
			sorted = 0;
	}
	if (!sorted)
		qsort(p, v->n, sizeof(*p), entry_cmp);
	r = encode_entries(p, v->n, out, depth);
	free(p);
	return r;
}

static int
encode_value(const struct bencode *v, struct bbuf *out, int depth)
{
	if (v == NULL)
		return BT_ERR_INVALID;
	switch (v->type) {
	case BENCODE_INT:
		return bbuf_putf(out, "i%" PRId64 "e", v->i);
	case BENCODE_STR:
		return encode_str(v->s, v->slen, out);
	case BENCODE_LIST:
	case BENCODE_DICT:
		if (depth >= BENCODE_MAX_DEPTH)
			return BT_ERR_LIMIT;
		if (v->type == BENCODE_LIST)
			return encode_list(v, out, depth);
		return encode_dict(v, out, depth);
	}
	return BT_ERR_INVALID;
}

int
bencode_encode(const struct bencode *v, struct bbuf *out)
{
	struct bbuf	tmp;
	int		r;

	/* Encode aside, then append in one put: all or nothing. */
	bbuf_init(&tmp, bbuf_avail(out));
	if ((r = encode_value(v, &tmp, 0)) == BT_OK)
		r = bbuf_put_bytes(out, bbuf_ptr(&tmp), bbuf_len(&tmp));
	bbuf_cleanup(&tmp);
	return r;
}

const struct bencode *
bencode_dict_get(const struct bencode *d, const char *key)
{
	size_t	i, n;

	if (d == NULL || d->type != BENCODE_DICT || key == NULL)
		return NULL;
	n = strlen(key);
	for (i = 0; i < d->n; i++) {
		if (d->entries[i].keylen == n &&
		    memcmp(d->entries[i].key, key, n) == 0)
			return d->entries[i].val;
	}
	return NULL;
}

const struct bencode *
bencode_dict_get_type(const struct bencode *d, const char *key,
    enum bencode_type type)
{
	const struct bencode	*v = bencode_dict_get(d, key);

	return v != NULL && v->type == type ? v : NULL;
}

static struct bencode *
new_node(enum bencode_type type)
{
	struct bencode	*v;

	if ((v = calloc(1, sizeof(*v))) != NULL)
		v->type = type;
	return v;
}

struct bencode *
bencode_new_int(int64_t i)
{
	struct bencode	*v;

	if ((v = new_node(BENCODE_INT)) != NULL)
		v->i = i;
	return v;
}

struct bencode *
bencode_new_str(const void *s, size_t len)
{
	struct bencode	*v;

	if (len == SIZE_MAX || (v = new_node(BENCODE_STR)) == NULL)
		return NULL;
	if ((v->s = malloc(len + 1)) == NULL) {
		free(v);
		return NULL;
	}
	if (len > 0)
		memcpy(v->s, s, len);
	v->s[len] = '\0';
	v->slen = len;
	return v;
}

struct bencode *
bencode_new_cstr(const char *s)
{
	return bencode_new_str(s, s != NULL ? strlen(s) : 0);
}

struct bencode *
bencode_new_list(void)
{
	return new_node(BENCODE_LIST);
}

struct bencode *
bencode_new_dict(void)
{
	return new_node(BENCODE_DICT);
}

int
bencode_list_append(struct bencode *list, struct bencode *v)
{
	int	r;

	if (v == NULL)
		return BT_ERR_NOMEM;	/* a builder feeding us failed */
	if (list == NULL || list->type != BENCODE_LIST)
		r = BT_ERR_INVALID;
	else
		r = push_item(list, v);
	if (r != BT_OK)
		bencode_free(v);
	return r;
}

int
bencode_dict_set(struct bencode *dict, const char *key, struct bencode *v)
{
	size_t	 i, n;
	char	*k;

	if (v == NULL)
		return BT_ERR_NOMEM;
	if (dict == NULL || dict->type != BENCODE_DICT || key == NULL) {
		bencode_free(v);
		return BT_ERR_INVALID;
	}
	n = strlen(key);
	for (i = 0; i < dict->n; i++) {
		if (dict->entries[i].keylen == n &&
		    memcmp(dict->entries[i].key, key, n) == 0) {
			bencode_free(dict->entries[i].val);
			dict->entries[i].val = v;
			return BT_OK;
		}
	}
	if ((k = malloc(n + 1)) == NULL) {
		bencode_free(v);
		return BT_ERR_NOMEM;
	}
	memcpy(k, key, n + 1);
	if (push_entry(dict, k, n, v) != BT_OK) {
		free(k);
		bencode_free(v);
		return BT_ERR_NOMEM;
	}
	return BT_OK;
}

/* Unit tests for src/engine/metainfo: torrents are built here with the
 * bencode builders, then one field at a time is broken (one table row per
 * validation rule); plus single/multi-file layouts, BEP 12 tiers, BEP 27,
 * .utf-8 variants, info-hashes computed independently, and file loading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/bencode.h"
#include "engine/metainfo.h"
#include "engine/sha1.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define PLEN		16384
#define ANNOUNCE	"http://127.0.0.1:6969/announce"

/* Decodes a small bencode text (test input, must be valid). */
static struct bencode *
benc(const char *s, size_t n)
{
	struct bencode_err	 err;
	struct bencode		*v;
	struct bbuf		 b;

	bbuf_view(&b, s, n ? n : strlen(s));
	if (bencode_decode(&b, &v, &err) != BT_OK)
		fail_msg("bad test value \"%s\": %s", s, err.msg);
	return v;
}

static void
set(struct bencode *d, const char *key, struct bencode *v)
{
	assert_int_equal(bencode_dict_set(d, key, v), BT_OK);
}

static struct bencode *
pieces(size_t n)
{
	char		*s;
	struct bencode	*v;
	size_t		 i;

	assert_non_null(s = malloc(20 * n + 1));
	for (i = 0; i < 20 * n; i++)
		s[i] = (char)(i * 7 + 1);
	v = bencode_new_str(s, 20 * n);
	free(s);
	return v;
}

static struct bencode *
file_entry(int64_t length, const char *path)
{
	struct bencode	*f;

	assert_non_null(f = bencode_new_dict());
	set(f, "length", bencode_new_int(length));
	set(f, "path", benc(path, 0));
	return f;
}

/*
 * A valid torrent of 40000 bytes in 3 pieces of 16 KiB.  Single-file:
 * "file.bin".  Multi-file: "dir" holding a/b.txt (10000), empty (0) and
 * c (30000).
 */
static struct bencode *
base_torrent(int multi)
{
	struct bencode	*root, *info, *files;

	assert_non_null(root = bencode_new_dict());
	assert_non_null(info = bencode_new_dict());
	set(root, "announce", bencode_new_cstr(ANNOUNCE));
	set(info, "piece length", bencode_new_int(PLEN));
	set(info, "pieces", pieces(3));
	if (!multi) {
		set(info, "name", bencode_new_cstr("file.bin"));
		set(info, "length", bencode_new_int(40000));
	} else {
		set(info, "name", bencode_new_cstr("dir"));
		assert_non_null(files = bencode_new_list());
		assert_int_equal(bencode_list_append(files,
		    file_entry(10000, "l1:a5:b.txte")), BT_OK);
		assert_int_equal(bencode_list_append(files,
		    file_entry(0, "l5:emptye")), BT_OK);
		assert_int_equal(bencode_list_append(files,
		    file_entry(30000, "l1:ce")), BT_OK);
		set(info, "files", files);
	}
	set(root, "info", info);
	return root;
}

static void
dict_del(struct bencode *d, const char *key)
{
	size_t	i;

	for (i = 0; i < d->n; i++) {
		if (strcmp(d->entries[i].key, key) != 0)
			continue;
		free(d->entries[i].key);
		bencode_free(d->entries[i].val);
		d->entries[i] = d->entries[--d->n];
		return;
	}
}

/* Sets (val != NULL) or deletes the value at a '/'-separated path such as
 * "info/files/1/path"; numbers index lists. */
static void
set_path(struct bencode *root, const char *path, const char *val,
    size_t vlen)
{
	char		 buf[128], *seg, *next;
	struct bencode	*cur = root;
	unsigned long	 idx;

	snprintf(buf, sizeof(buf), "%s", path);
	for (seg = buf; (next = strchr(seg, '/')) != NULL; seg = next + 1) {
		*next = '\0';
		if (cur->type == BENCODE_LIST) {
			idx = strtoul(seg, NULL, 10);
			assert_true(idx < cur->n);
			cur = cur->items[idx];
		} else
			assert_non_null(cur = (struct bencode *)
			    bencode_dict_get(cur, seg));
	}
	if (cur->type == BENCODE_LIST) {
		idx = strtoul(seg, NULL, 10);
		assert_true(idx < cur->n && val != NULL);
		bencode_free(cur->items[idx]);
		cur->items[idx] = benc(val, vlen);
	} else if (val == NULL)
		dict_del(cur, seg);
	else
		set(cur, seg, benc(val, vlen));
}

/* Encodes a tree into a new buffer (caller frees *out). */
static size_t
encode(const struct bencode *v, char **out)
{
	struct bbuf	b;
	size_t		n;

	bbuf_init(&b, BENCODE_MAX_INPUT);
	assert_int_equal(bencode_encode(v, &b), BT_OK);
	n = bbuf_len(&b);
	assert_non_null(*out = malloc(n));
	memcpy(*out, bbuf_ptr(&b), n);
	bbuf_cleanup(&b);
	return n;
}

/* Parses a tree; on failure returns the code, message in errbuf. */
static int
parse_tree(const struct bencode *root, struct metainfo **m, char *errbuf,
    size_t errlen)
{
	char	*s;
	size_t	 n = encode(root, &s);
	int	 r;

	r = metainfo_parse(s, n, m, errbuf, errlen);
	free(s);
	return r;
}

static struct metainfo *
parse_ok(const struct bencode *root)
{
	struct metainfo	*m;
	char		 err[256];

	if (parse_tree(root, &m, err, sizeof(err)) != BT_OK)
		fail_msg("parse failed: %s", err);
	return m;
}

static void
test_invalid_fields(void **state)
{
	static const struct {
		const char	*name;
		int		 multi;
		const char	*path, *val;	/* val NULL: delete */
		size_t		 vlen;
		int		 want;
		const char	*msg;
	} cases[] = {
		{ "no info", 0, "info", NULL, 0, BT_ERR_FORMAT,
		    "info is missing" },
		{ "info list", 0, "info", "le", 0, BT_ERR_FORMAT,
		    "info is a list, not a dictionary" },
		{ "no name", 0, "info/name", NULL, 0, BT_ERR_FORMAT,
		    "info.name is missing" },
		{ "name int", 1, "info/name", "i1e", 0, BT_ERR_FORMAT,
		    "info.name is an integer, not a string" },
		{ "no piece length", 0, "info/piece length", NULL, 0,
		    BT_ERR_FORMAT, "info.piece length is missing" },
		{ "piece length str", 0, "info/piece length", "2:16", 0,
		    BT_ERR_FORMAT, "info.piece length is a string, not an "
		    "integer" },
		{ "piece length 0", 0, "info/piece length", "i0e", 0,
		    BT_ERR_INVALID, "info.piece length is 0" },
		{ "piece length negative", 0, "info/piece length", "i-16384e",
		    0, BT_ERR_INVALID, "info.piece length -16384 is negative" },
		{ "piece length huge", 0, "info/piece length", "i268435457e",
		    0, BT_ERR_INVALID, "info.piece length 268435457 is over" },
		{ "no pieces", 0, "info/pieces", NULL, 0, BT_ERR_FORMAT,
		    "info.pieces is missing" },
		{ "pieces list", 0, "info/pieces", "le", 0, BT_ERR_FORMAT,
		    "info.pieces is a list, not a string" },
		{ "pieces not n*20", 0, "info/pieces",
		    "61:0123456789012345678901234567890123456789"
		    "012345678901234567890", 0, BT_ERR_INVALID,
		    "info.pieces length 61 is not a multiple of 20" },
		{ "too few pieces", 0, "info/pieces",
		    "40:0123456789012345678901234567890123456789", 0,
		    BT_ERR_INVALID, "piece count 2 does not match total length "
		    "40000 / piece length 16384 (expected 3)" },
		{ "no pieces at all", 1, "info/pieces", "0:", 0,
		    BT_ERR_INVALID, "piece count 0 does not match" },
		{ "too many pieces", 0, "info/length", "i32768e", 0,
		    BT_ERR_INVALID, "(expected 2)" },
		{ "no length", 0, "info/length", NULL, 0, BT_ERR_FORMAT,
		    "info has neither length nor files" },
		{ "length str", 0, "info/length", "1:5", 0, BT_ERR_FORMAT,
		    "info.length is a string, not an integer" },
		{ "length negative", 0, "info/length", "i-5e", 0,
		    BT_ERR_INVALID, "info.length -5 is negative" },
		{ "length and files", 1, "info/length", "i40000e", 0,
		    BT_ERR_INVALID, "both length and files" },
		{ "files dict", 1, "info/files", "de", 0, BT_ERR_FORMAT,
		    "info.files is a dictionary, not a list" },
		{ "files empty", 1, "info/files", "le", 0, BT_ERR_INVALID,
		    "torrent is empty" },
		{ "total 0", 0, "info/length", "i0e", 0, BT_ERR_INVALID,
		    "torrent is empty (total length 0)" },
		{ "file int", 1, "info/files/1", "i1e", 0, BT_ERR_FORMAT,
		    "file 1 is an integer, not a dictionary" },
		{ "file no length", 1, "info/files/0/length", NULL, 0,
		    BT_ERR_FORMAT, "file 0: length is missing" },
		{ "file length str", 1, "info/files/0/length", "0:", 0,
		    BT_ERR_FORMAT, "file 0: length is a string" },
		{ "file length negative", 1, "info/files/2/length", "i-1e", 0,
		    BT_ERR_INVALID, "file 2: length -1 is negative" },
		{ "total overflow", 1, "info/files/0/length",
		    "i9223372036854775807e", 0, BT_ERR_INVALID,
		    "total length overflows at file 2" },
		{ "file no path", 1, "info/files/0/path", NULL, 0,
		    BT_ERR_FORMAT, "file 0: path is missing" },
		{ "path str", 1, "info/files/0/path", "1:a", 0, BT_ERR_FORMAT,
		    "file 0: path is a string, not a list" },
		{ "path empty", 1, "info/files/1/path", "le", 0,
		    BT_ERR_INVALID, "file 1 (path \"\"): path is empty" },
		{ "path element int", 1, "info/files/0/path", "l1:ai1ee", 0,
		    BT_ERR_FORMAT, "file 0: path element 1 is an integer, not "
		    "a string" },
		{ "dotdot", 1, "info/files/2/path", "l1:a2:..1:be", 0,
		    BT_ERR_INVALID,
		    "file 2 (path \"a/../b\"): component \"..\" is not allowed" },
		{ "dotdot first", 1, "info/files/0/path", "l2:..2:..3:etce", 0,
		    BT_ERR_INVALID, "component \"..\" is not allowed" },
		{ "dot", 1, "info/files/0/path", "l1:.1:ae", 0, BT_ERR_INVALID,
		    "file 0 (path \"./a\"): component \".\" is not allowed" },
		{ "empty component", 1, "info/files/0/path", "l1:a0:1:be", 0,
		    BT_ERR_INVALID, "file 0 (path \"a//b\"): empty component" },
		{ "absolute", 1, "info/files/0/path", "l4:/etc6:passwde", 0,
		    BT_ERR_INVALID, "file 0 (path \"/etc/passwd\"): path is "
		    "absolute" },
		{ "slash inside", 1, "info/files/0/path", "l3:a/be", 0,
		    BT_ERR_INVALID, "component contains '/'" },
		{ "backslash", 1, "info/files/0/path", "l4:..\\xe", 0,
		    BT_ERR_INVALID, "component contains '\\'" },
		{ "backslash absolute", 1, "info/files/0/path", "l4:\\etce",
		    0, BT_ERR_INVALID, "path is absolute" },
		{ "nul", 1, "info/files/0/path", "l3:a\0be", 7, BT_ERR_INVALID,
		    "file 0 (path \"a\\x00b\"): component contains a NUL" },
		{ "newline shown escaped", 1, "info/files/0/path",
		    "l3:a\n.2:..e", 0, BT_ERR_INVALID, "(path \"a\\x0a./..\")" },
		{ "same path twice", 1, "info/files/2/path", "l1:a5:b.txte", 0,
		    BT_ERR_INVALID, "file 0 and file 2 have the same path "
		    "\"dir/a/b.txt\"" },
		{ "file is another's directory", 1, "info/files/2/path",
		    "l1:ae", 0, BT_ERR_INVALID, "file 2 (path \"dir/a\") is "
		    "also the directory of file 0" },
		{ "name dotdot", 0, "info/name", "2:..", 0, BT_ERR_INVALID,
		    "info.name \"..\": component \"..\" is not allowed" },
		{ "name dot", 1, "info/name", "1:.", 0, BT_ERR_INVALID,
		    "info.name \".\": component \".\" is not allowed" },
		{ "name absolute", 0, "info/name", "4:/etc", 0, BT_ERR_INVALID,
		    "info.name \"/etc\": path is absolute" },
		{ "name slash", 1, "info/name", "3:a/b", 0, BT_ERR_INVALID,
		    "info.name \"a/b\": component contains '/'" },
		{ "name backslash", 0, "info/name", "3:a\\b", 0,
		    BT_ERR_INVALID, "component contains '\\'" },
		{ "name empty", 0, "info/name", "0:", 0, BT_ERR_INVALID,
		    "info.name \"\": empty component" },
		{ "name nul", 0, "info/name", "3:a\0b", 5, BT_ERR_INVALID,
		    "contains a NUL byte" },
	};
	struct bencode	*root;
	struct metainfo	*m;
	char		 err[256];
	size_t		 i;
	int		 r;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		root = base_torrent(cases[i].multi);
		set_path(root, cases[i].path, cases[i].val, cases[i].vlen);
		m = (struct metainfo *)err;	/* must be reset */
		r = parse_tree(root, &m, err, sizeof(err));
		if (r != cases[i].want)
			fail_msg("%s: got %d, want %d (%s)", cases[i].name, r,
			    cases[i].want, r == BT_OK ? "" : err);
		if (m != NULL)
			fail_msg("%s: out not NULL", cases[i].name);
		if (strstr(err, cases[i].msg) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"",
			    cases[i].name, err, cases[i].msg);
		if (strchr(err, '\n') != NULL)
			fail_msg("%s: message is not one line", cases[i].name);
		/* no errbuf at all is fine too */
		assert_int_equal(parse_tree(root, &m, NULL, 0), r);
		bencode_free(root);
	}
}

/* Inputs that are not a torrent dictionary at all. */
static void
test_not_a_torrent(void **state)
{
	static const struct {
		const char	*name, *in;
		const char	*msg;
	} cases[] = {
		{ "empty", "", "not a valid torrent file: byte 0: input is "
		    "empty" },
		{ "bad integer", "d4:infoi03ee",
		    "not a valid torrent file: byte 8: leading zero" },
		{ "truncated", "d4:infod4:name", "byte 14: input ends" },
		{ "list, then bytes", "lei1e", "top level is a list" },
		{ "no info, then bytes", "dei1e", "info is missing" },
		{ "duplicate key", "d4:infode4:infodee", "duplicate" },
		{ "list", "l4:infoe", "top level is a list, not a dictionary" },
		{ "string", "4:info", "top level is a string" },
		{ "integer", "i1e", "top level is an integer" },
	};
	struct metainfo	*m;
	char		 err[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		assert_int_equal(metainfo_parse(cases[i].in,
		    strlen(cases[i].in), &m, err, sizeof(err)), BT_ERR_FORMAT);
		assert_null(m);
		if (strstr(err, cases[i].msg) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"",
			    cases[i].name, err, cases[i].msg);
	}
	/* a short errbuf is cut, still terminated */
	assert_int_equal(metainfo_parse("le", 2, &m, err, 8), BT_ERR_FORMAT);
	assert_string_equal(err, "top lev");
}

static void
hex(const uint8_t *d, char *out)
{
	int	i;

	for (i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void
test_single_file(void **state)
{
	struct bencode	*root;
	struct metainfo	*m;
	uint8_t		 want[20];
	char		 wanthex[41], *info;
	size_t		 n;

	(void)state;
	root = base_torrent(0);
	set_path(root, "info/md5sum", "32:0123456789abcdef0123456789abcdef",
	    0);
	set_path(root, "comment", "5:hello", 0);
	set_path(root, "created by", "9:bttui 0.1", 0);
	set_path(root, "creation date", "i1700000000e", 0);
	m = parse_ok(root);
	assert_string_equal(m->name, "file.bin");
	assert_false(m->multi_file);
	assert_false(m->private_flag);
	assert_int_equal(m->piece_length, PLEN);
	assert_int_equal(m->num_pieces, 3);
	assert_int_equal(m->total_length, 40000);
	assert_int_equal(m->nfiles, 1);
	assert_string_equal(m->files[0].path, "file.bin");
	assert_int_equal(m->files[0].length, 40000);
	assert_int_equal(m->files[0].offset, 0);
	assert_string_equal(m->files[0].md5sum,
	    "0123456789abcdef0123456789abcdef");
	assert_string_equal(m->comment, "hello");
	assert_string_equal(m->created_by, "bttui 0.1");
	assert_true(m->creation_date == 1700000000);
	assert_int_equal(m->ntiers, 1);
	assert_int_equal(m->tiers[0].n, 1);
	assert_string_equal(m->tiers[0].urls[0], ANNOUNCE);
	assert_memory_equal(m->piece_hashes + 20, "\x8d\x94\x9b\xa2", 4);
	/* the info-hash, computed here over the builder's info encoding */
	n = encode(bencode_dict_get(root, "info"), &info);
	sha1_digest(info, n, want);
	hex(want, wanthex);
	assert_memory_equal(m->info_hash, want, 20);
	assert_string_equal(m->info_hash_hex, wanthex);
	free(info);
	/* pieces: 16384, 16384, 7232 */
	assert_int_equal(metainfo_piece_size(m, 0), PLEN);
	assert_int_equal(metainfo_piece_size(m, 1), PLEN);
	assert_int_equal(metainfo_piece_size(m, 2), 40000 - 2 * PLEN);
	assert_int_equal(metainfo_piece_size(m, 3), 0);
	assert_int_equal(metainfo_piece_size(NULL, 0), 0);
	metainfo_free(m);
	metainfo_free(NULL);
	bencode_free(root);
}

static void
test_multi_file(void **state)
{
	struct bencode	*root;
	struct metainfo	*m;
	uint8_t		 want[20];
	char		*info;
	size_t		 n;

	(void)state;
	root = base_torrent(1);
	set_path(root, "info/files/0/path", "l1:a1:b1:c5:d.txte", 0);
	set_path(root, "info/files/2/md5sum", "3:abc", 0);
	m = parse_ok(root);
	assert_true(m->multi_file);
	assert_string_equal(m->name, "dir");
	assert_int_equal(m->nfiles, 3);
	assert_string_equal(m->files[0].path, "dir/a/b/c/d.txt");
	assert_string_equal(m->files[1].path, "dir/empty");
	assert_string_equal(m->files[2].path, "dir/c");
	assert_int_equal(m->files[0].length, 10000);
	assert_int_equal(m->files[1].length, 0);
	assert_int_equal(m->files[2].length, 30000);
	assert_int_equal(m->files[0].offset, 0);
	assert_int_equal(m->files[1].offset, 10000);
	assert_int_equal(m->files[2].offset, 10000);
	assert_null(m->files[0].md5sum);
	assert_string_equal(m->files[2].md5sum, "abc");
	assert_int_equal(m->total_length, 40000);
	assert_int_equal(m->num_pieces, 3);
	assert_null(m->comment);
	assert_null(m->created_by);
	assert_true(m->creation_date == 0);
	n = encode(bencode_dict_get(root, "info"), &info);
	sha1_digest(info, n, want);
	assert_memory_equal(m->info_hash, want, 20);
	free(info);
	metainfo_free(m);
	bencode_free(root);
}

/* The last piece is full when the total is a multiple of the length. */
static void
test_exact_pieces(void **state)
{
	struct bencode	*root;
	struct metainfo	*m;

	(void)state;
	root = base_torrent(0);
	set_path(root, "info/length", "i49152e", 0);
	m = parse_ok(root);
	assert_int_equal(metainfo_piece_size(m, 2), PLEN);
	metainfo_free(m);
	set_path(root, "info/length", "i32769e", 0);
	m = parse_ok(root);
	assert_int_equal(metainfo_piece_size(m, 2), 1);
	metainfo_free(m);
	bencode_free(root);
}

/* A fixed document whose info-hash was computed outside bttui. */
static void
test_known_info_hash(void **state)
{
	static const char	doc[] = "d4:infod6:lengthi1e4:name1:a"
	    "12:piece lengthi16384e6:pieces20:\x00\x01\x02\x03\x04\x05\x06"
	    "\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13" "ee";
	struct metainfo		*m;
	char			 err[256];

	(void)state;
	assert_int_equal(metainfo_parse(doc, sizeof(doc) - 1, &m, err,
	    sizeof(err)), BT_OK);
	assert_string_equal(m->info_hash_hex,
	    "36367c5a504b691060650f52627381b8938445a2");
	assert_int_equal(m->ntiers, 0);
	metainfo_free(m);
}

/* Unsorted keys: the hash is over the bytes as they are, not re-sorted. */
static void
test_hash_raw_bytes(void **state)
{
	static const char	info[] = "d4:name1:a6:lengthi1e6:pieces20:"
	    "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e"
	    "\x0f\x10\x11\x12\x13" "12:piece lengthi16384ee";
	struct metainfo		*m;
	char			 doc[256], err[256];
	size_t			 n;

	(void)state;
	memcpy(doc, "d8:announce3:url4:info", 22);
	memcpy(doc + 22, info, sizeof(info) - 1);
	n = 22 + sizeof(info) - 1;
	doc[n++] = 'e';
	assert_int_equal(metainfo_parse(doc, n, &m, err, sizeof(err)), BT_OK);
	assert_string_equal(m->info_hash_hex,
	    "00e7a86fc5991cb8dc78257103ed7dc8b01f119b");
	assert_string_equal(m->tiers[0].urls[0], "url");
	/* The raw dictionary is kept as it was, for ut_metadata. */
	assert_int_equal(m->info_len, sizeof(info) - 1);
	assert_memory_equal(m->info, info, sizeof(info) - 1);
	metainfo_free(m);
}

/* BEP 5 "nodes": usable [host, port] pairs kept as HOST:PORT, the rest
 * dropped without refusing the torrent. */
static void
test_dht_nodes(void **state)
{
	static const char	info[] = "4:infod4:name1:a6:lengthi1e6:pieces20:"
	    "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e"
	    "\x0f\x10\x11\x12\x13" "12:piece lengthi16384ee";
	static const struct {
		const char	*nodes;		/* the list's items */
		size_t		 n;
		const char	*want[2];
	} rows[] = {
		{ "l9:127.0.0.1i6881ee", 1, { "127.0.0.1:6881" } },
		{ "l3:::1i1eel7:a.b.comi65535ee", 2, { "[::1]:1",
		    "a.b.com:65535" } },
		{ "l9:127.0.0.1i0ee", 0, { NULL } },		/* port 0 */
		{ "l9:127.0.0.1i65536ee", 0, { NULL } },
		{ "l0:i5ee", 0, { NULL } },			/* no host */
		{ "l3:a bi5ee", 0, { NULL } },			/* a blank */
		{ "l3:a,bi5ee", 0, { NULL } },			/* a comma */
		{ "i5ei7e", 0, { NULL } },			/* not pairs */
		{ "l9:127.0.0.1i1ei2ee", 0, { NULL } },		/* 3 items */
		{ "l1:xi5eel1:yi6ee", 2, { "x:5", "y:6" } },
	};
	struct metainfo	*m;
	char		 doc[512], err[256];
	size_t		 i, k;
	int		 n;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		/* (info holds NUL bytes: copied, not printed) */
		doc[0] = 'd';
		memcpy(doc + 1, info, sizeof(info) - 1);
		n = (int)(1 + sizeof(info) - 1);
		n += snprintf(doc + n, sizeof(doc) - (size_t)n, "5:nodesl%see",
		    rows[i].nodes);
		if (metainfo_parse(doc, (size_t)n, &m, err, sizeof(err)) !=
		    BT_OK)
			fail_msg("row %zu: %s", i, err);
		assert_int_equal(m->ndht_nodes, rows[i].n);
		for (k = 0; k < rows[i].n; k++)
			assert_string_equal(m->dht_nodes[k], rows[i].want[k]);
		metainfo_free(m);
	}
}

/* Bytes after the top-level dictionary are ignored (and counted), and the
 * info-hash stays that of the raw "info" bytes; what is not a complete
 * dictionary before them is still refused. */
static void
test_trailing_bytes(void **state)
{
	static const struct {
		const char	*name, *tail;
		size_t		 n;
	} ok[] = {
		{ "newline", "\n", 1 },
		{ "crlf", "\r\n", 2 },
		{ "NUL padding", "\0\0\0\0\0\0\0", 7 },
		{ "garbage", "garbage", 7 },
		{ "another dict", "d4:infodee", 10 },
		{ "open list", "l", 1 },
	};
	struct bencode	*root;
	struct metainfo	*m, *plain;
	char		*s, *buf, err[256];
	size_t		 i, n;

	(void)state;
	root = base_torrent(1);
	n = encode(root, &s);
	plain = parse_ok(root);
	assert_int_equal(plain->trailing_bytes, 0);
	for (i = 0; i < NITEMS(ok); i++) {
		assert_non_null(buf = malloc(n + ok[i].n));
		memcpy(buf, s, n);
		memcpy(buf + n, ok[i].tail, ok[i].n);
		if (metainfo_parse(buf, n + ok[i].n, &m, err, sizeof(err)) !=
		    BT_OK)
			fail_msg("%s: refused: %s", ok[i].name, err);
		assert_int_equal(m->trailing_bytes, ok[i].n);
		assert_string_equal(m->info_hash_hex, plain->info_hash_hex);
		assert_int_equal(m->nfiles, 3);
		metainfo_free(m);
		/* without the final 'e' the dictionary is not complete, and
		 * the tail does not complete it */
		memmove(buf + n - 1, buf + n, ok[i].n);
		assert_int_equal(metainfo_parse(buf, n - 1 + ok[i].n, &m, err,
		    sizeof(err)), BT_ERR_FORMAT);
		assert_null(m);
		assert_non_null(strstr(err, "not a valid torrent file"));
		free(buf);
	}
	metainfo_free(plain);
	free(s);
	bencode_free(root);
}

/* A multi-file torrent "t" of the given entries: "path" is a bencoded
 * list, attr NULL for none (a bencoded value otherwise); the piece count
 * follows the total. */
struct fent {
	int64_t		 len;
	const char	*path, *attr;
};

static struct bencode *
torrent_of(const struct fent *f, size_t n)
{
	struct bencode	*root, *info, *files, *e;
	int64_t		 total = 0;
	size_t		 i;

	assert_non_null(root = bencode_new_dict());
	assert_non_null(info = bencode_new_dict());
	assert_non_null(files = bencode_new_list());
	for (i = 0; i < n; i++) {
		e = file_entry(f[i].len, f[i].path);
		if (f[i].attr != NULL)
			set(e, "attr", benc(f[i].attr, 0));
		assert_int_equal(bencode_list_append(files, e), BT_OK);
		total += f[i].len;
	}
	set(info, "name", bencode_new_cstr("t"));
	set(info, "piece length", bencode_new_int(PLEN));
	set(info, "pieces", pieces((size_t)((total + PLEN - 1) / PLEN)));
	set(info, "files", files);
	set(root, "info", info);
	return root;
}

#define PAD	"1:p"

/* BEP 47: attr letters, pads (counted, allowed to share a path with each
 * other only), BitComet's legacy pad names, symlinks refused. */
static void
test_pad_files(void **state)
{
	static const struct {
		const char	*name;
		struct fent	 f[4];
		size_t		 n;
		int		 want;
		const char	*msg;		/* refused: in the message */
		size_t		 npads;
		unsigned	 attr[4];	/* accepted: per file */
	} cases[] = {
		{ "two pads share a path", { { 10000, "l1:ae", NULL },
		    { 6384, "l4:.pad4:6384e", PAD }, { 10000, "l1:be", NULL },
		    { 6384, "l4:.pad4:6384e", PAD } }, 4, BT_OK, NULL, 2,
		    { 0, METAINFO_ATTR_PAD, 0, METAINFO_ATTR_PAD } },
		{ "letters together, unknown ignored", { { 100, "l1:ae",
		    "3:xhz" }, { 100, "l1:be", "4:?pl!" } }, 2, BT_OK, NULL, 1,
		    { METAINFO_ATTR_EXEC | METAINFO_ATTR_HIDDEN,
		    METAINFO_ATTR_PAD | METAINFO_ATTR_SYMLINK } },
		{ "attr not a string", { { 100, "l1:ae", "i1e" } }, 1, BT_OK,
		    NULL, 0, { 0 } },
		{ "empty attr", { { 100, "l1:ae", "0:" } }, 1, BT_OK, NULL, 0,
		    { 0 } },
		{ "BitComet pad name", { { 100, "l1:ae", NULL }, { 200,
		    "l23:_____padding_file_0_abce", NULL } }, 2, BT_OK, NULL, 1,
		    { 0, METAINFO_ATTR_PAD } },
		{ "pad on a file's path", { { 100, "l1:xe", NULL },
		    { 100, "l1:xe", PAD } }, 2, BT_ERR_INVALID,
		    "pad file 1 (path \"t/x\") collides with file 0", 0, { 0 } },
		{ "pad on a directory", { { 100, "l1:d1:fe", NULL },
		    { 100, "l1:de", PAD } }, 2, BT_ERR_INVALID,
		    "pad file 1 (path \"t/d\") collides with file 0", 0, { 0 } },
		{ "pad on a deeper directory", { { 100, "l1:d1:e1:fe", NULL },
		    { 100, "l1:d1:ee", PAD }, { 100, "l1:de", PAD } }, 3,
		    BT_ERR_INVALID, "collides with file 0", 0, { 0 } },
		{ "pad under a file", { { 100, "l1:de", NULL },
		    { 100, "l1:d1:pe", PAD } }, 2, BT_ERR_INVALID,
		    "pad file 1 (path \"t/d/p\") lies under file 0", 0, { 0 } },
		{ "pads over and under each other", { { 100, "l1:pe", PAD },
		    { 100, "l1:p1:qe", PAD }, { 100, "l1:qe", NULL } }, 3,
		    BT_OK, NULL, 2, { METAINFO_ATTR_PAD, METAINFO_ATTR_PAD, 0 } },
		{ "real files still unique", { { 100, "l1:ae", NULL },
		    { 100, "l4:.pad1:1e", PAD }, { 100, "l1:ae", "1:x" } }, 3,
		    BT_ERR_INVALID, "file 0 and file 2 have the same path", 0,
		    { 0 } },
		{ "symlink refused", { { 100, "l1:ae", NULL }, { 0,
		    "l4:linke", "1:l" } }, 2, BT_ERR_INVALID, "file 1 (path "
		    "\"t/link\") is a symbolic link (BEP 47 attr 'l')", 0,
		    { 0 } },
	};
	struct bencode	*root;
	struct metainfo	*m;
	char		 err[256];
	size_t		 i, j;
	int		 r;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		root = torrent_of(cases[i].f, cases[i].n);
		r = parse_tree(root, &m, err, sizeof(err));
		bencode_free(root);
		if (r != cases[i].want)
			fail_msg("%s: got %d (%s), want %d", cases[i].name, r,
			    r == BT_OK ? "" : err, cases[i].want);
		if (r != BT_OK) {
			assert_null(m);
			if (strstr(err, cases[i].msg) == NULL)
				fail_msg("%s: \"%s\" lacks \"%s\"",
				    cases[i].name, err, cases[i].msg);
			continue;
		}
		assert_int_equal(m->nfiles, cases[i].n);
		if (m->npads != cases[i].npads)
			fail_msg("%s: %zu pads, want %zu", cases[i].name,
			    m->npads, cases[i].npads);
		for (j = 0; j < m->nfiles; j++)
			if (m->files[j].attr != cases[i].attr[j])
				fail_msg("%s: file %zu attr %#x, want %#x",
				    cases[i].name, j, m->files[j].attr,
				    cases[i].attr[j]);
		metainfo_free(m);
	}
}

/* Pads stay in files[] in torrent order: offsets and the total count
 * them. */
static void
test_pad_offsets(void **state)
{
	static const struct fent	f[] = {
		{ 10000, "l1:ae", NULL }, { 6384, "l4:.pad4:6384e", PAD },
		{ 100, "l1:be", NULL },
	};
	struct bencode			*root;
	struct metainfo			*m;

	(void)state;
	root = torrent_of(f, NITEMS(f));
	m = parse_ok(root);
	assert_int_equal(m->files[1].offset, 10000);
	assert_int_equal(m->files[2].offset, 16384);
	assert_int_equal(m->total_length, 16484);
	assert_int_equal(m->num_pieces, 2);
	assert_string_equal(m->files[1].path, "t/.pad/6384");
	metainfo_free(m);
	bencode_free(root);
}

/* Single-file: x and h are kept; p on the one file means nothing; l is
 * refused. */
static void
test_single_attr(void **state)
{
	struct bencode	*root;
	struct metainfo	*m;
	char		 err[256];

	(void)state;
	root = base_torrent(0);
	set_path(root, "info/attr", "2:xp", 0);
	m = parse_ok(root);
	assert_int_equal(m->files[0].attr, METAINFO_ATTR_EXEC);
	assert_int_equal(m->npads, 0);
	metainfo_free(m);
	set_path(root, "info/attr", "1:l", 0);
	assert_int_equal(parse_tree(root, &m, err, sizeof(err)),
	    BT_ERR_INVALID);
	assert_non_null(strstr(err, "info (path \"file.bin\") is a symbolic "
	    "link"));
	bencode_free(root);
}

/* BEP 52: without v1 "pieces", a v2 torrent is refused by what it is; a
 * hybrid one is read through its v1 part, with the hash of all of info. */
static void
test_v2(void **state)
{
	static const char	v2[] = "v2-only torrent (BEP 52); bttui reads v1 "
	    "and hybrid torrents";
	static const struct {
		const char	*name;
		const char	*ver, *tree;	/* NULL: absent */
		int		 drop_v1;	/* delete pieces/length */
		int		 want;
		const char	*msg;
	} cases[] = {
		{ "v2-only", "i2e", "d8:file.bind0:d6:lengthi40000e"
		    "11:pieces root32:01234567890123456789012345678901eee", 1,
		    BT_ERR_INVALID, v2 },
		{ "v2 version, no tree", "i2e", NULL, 1, BT_ERR_INVALID, v2 },
		{ "tree, no version", NULL, "de", 1, BT_ERR_INVALID, v2 },
		{ "hybrid", "i2e", "d8:file.bind0:d6:lengthi40000e"
		    "11:pieces root32:01234567890123456789012345678901eee", 0,
		    BT_OK, NULL },
		{ "v1 without pieces", NULL, NULL, 1, BT_ERR_FORMAT,
		    "info.pieces is missing" },
		{ "meta version 1, no pieces", "i1e", NULL, 1, BT_ERR_FORMAT,
		    "info.pieces is missing" },
	};
	struct bencode	*root;
	struct metainfo	*m;
	char		 err[256], *info;
	uint8_t		 want[20];
	size_t		 i, n;
	int		 r;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		root = base_torrent(0);
		if (cases[i].ver != NULL)
			set_path(root, "info/meta version", cases[i].ver, 0);
		if (cases[i].tree != NULL)
			set_path(root, "info/file tree", cases[i].tree, 0);
		if (cases[i].drop_v1)
			set_path(root, "info/pieces", NULL, 0);
		r = parse_tree(root, &m, err, sizeof(err));
		if (r != cases[i].want)
			fail_msg("%s: got %d (%s), want %d", cases[i].name, r,
			    r == BT_OK ? "" : err, cases[i].want);
		if (r != BT_OK) {
			if (strstr(err, cases[i].msg) == NULL)
				fail_msg("%s: \"%s\" lacks \"%s\"",
				    cases[i].name, err, cases[i].msg);
			bencode_free(root);
			continue;
		}
		assert_int_equal(m->total_length, 40000);
		assert_int_equal(m->num_pieces, 3);
		n = encode(bencode_dict_get(root, "info"), &info);
		sha1_digest(info, n, want);
		assert_memory_equal(m->info_hash, want, 20);
		free(info);
		metainfo_free(m);
		bencode_free(root);
	}
}

/* A bencoded one-element path list of a component: c repeated n times,
 * after `head' and before `tail'. */
static char *
long_path(const char *head, const char *c, size_t n, const char *tail,
    size_t *len_out)
{
	size_t	clen = strlen(head) + strlen(c) * n + strlen(tail), i;
	char	*s, *w;

	assert_non_null(s = malloc(clen + 32));
	w = s + sprintf(s, "l%zu:%s", clen, head);
	for (i = 0; i < n; i++)
		w += sprintf(w, "%s", c);
	w += sprintf(w, "%se", tail);
	*len_out = (size_t)(w - s);
	return s;
}

/* Components over 255 bytes: the first bytes on a UTF-8 boundary, '~', 8
 * hex digits of the component's SHA-1, the extension when short. */
static void
test_long_components(void **state)
{
	static const struct {
		const char	*name, *head, *c, *tail;
		size_t		 n;
		size_t		 want_len;	/* of the component */
		const char	*want_ext;	/* NULL: not shortened */
	} cases[] = {
		{ "255 bytes kept", "", "a", ".mkv", 251, 255, NULL },
		{ "256 bytes", "", "a", ".mkv", 252, 255, ".mkv" },
		{ "long, extension kept", "", "b", ".tar.gz", 400, 255, ".gz" },
		{ "extension too long", "", "c", ".0123456789abcdef", 300, 255,
		    "" },
		{ "no extension", "", "d", "", 1000, 255, "" },
		{ "leading dot is no extension", ".", "e", "", 300, 255, "" },
		{ "utf-8 not cut", "x", "\xc3\xa9", ".txt", 200, 254, ".txt" },
	};
	struct bencode	*root;
	struct metainfo	*m;
	uint8_t		 digest[20];
	char		 hex[41], *path, *full, *c;
	size_t		 i, n, clen, keep, elen;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		root = base_torrent(1);
		path = long_path(cases[i].head, cases[i].c, cases[i].n,
		    cases[i].tail, &n);
		set_path(root, "info/files/2/path", path, n);
		m = parse_ok(root);
		c = m->files[2].path + strlen("dir/");
		if (strlen(c) != cases[i].want_len)
			fail_msg("%s: %zu bytes, want %zu", cases[i].name,
			    strlen(c), cases[i].want_len);
		assert_int_equal(m->files[0].shortened, 0);
		if (cases[i].want_ext == NULL) {
			assert_int_equal(m->files[2].shortened, 0);
			assert_int_equal(m->nshortened, 0);
		} else {
			assert_int_equal(m->files[2].shortened, 1);
			assert_int_equal(m->nshortened, 1);
			/* the component as it was, hashed independently */
			full = strchr(path, ':') + 1;
			clen = (size_t)(path + n - 1 - full);
			sha1_digest(full, clen, digest);
			sha1_hex(digest, hex);
			elen = strlen(cases[i].want_ext);
			keep = cases[i].want_len - 9 - elen;
			assert_memory_equal(c, full, keep);
			assert_int_equal(c[keep], '~');
			assert_memory_equal(c + keep + 1, hex, 8);
			assert_string_equal(c + keep + 9, cases[i].want_ext);
		}
		metainfo_free(m);
		free(path);
		bencode_free(root);
	}
}

/* Long components that differ only past the cut stay distinct; a long
 * name is shortened in every path. */
static void
test_long_names(void **state)
{
	struct bencode	*root;
	struct metainfo	*m;
	char		*a, *b, name[400];
	size_t		 na, nb;

	(void)state;
	root = base_torrent(1);
	a = long_path("", "z", 300, "1.bin", &na);
	b = long_path("", "z", 300, "2.bin", &nb);
	set_path(root, "info/files/0/path", a, na);
	set_path(root, "info/files/2/path", b, nb);
	m = parse_ok(root);
	assert_string_not_equal(m->files[0].path, m->files[2].path);
	assert_int_equal(strlen(m->files[0].path), 4 + 255);
	assert_int_equal(m->nshortened, 2);
	metainfo_free(m);
	memset(name, 'n', 300);
	name[300] = '\0';
	bencode_free(root);
	root = base_torrent(0);
	assert_int_equal(bencode_dict_set((struct bencode *)bencode_dict_get(
	    root, "info"), "name", bencode_new_cstr(name)), BT_OK);
	m = parse_ok(root);
	assert_int_equal(strlen(m->name), 255);
	assert_string_equal(m->files[0].path, m->name);
	assert_int_equal(m->files[0].shortened, 1);
	assert_int_equal(m->nshortened, 1);
	metainfo_free(m);
	free(a);
	free(b);
	bencode_free(root);
}

/* "a,b|c": tiers separated by '|', urls by ',' */
static void
format_tiers(const struct metainfo *m, char *got, size_t len)
{
	size_t	i, j, w = 0;

	got[0] = '\0';
	for (i = 0; i < m->ntiers; i++) {
		assert_true(m->tiers[i].n > 0);
		for (j = 0; j < m->tiers[i].n; j++)
			w += (size_t)snprintf(got + w, len - w, "%s%s",
			    j > 0 ? "," : i > 0 ? "|" : "", m->tiers[i].urls[j]);
	}
}

static void
test_announce_list(void **state)
{
	static const struct {
		const char	*name, *list, *announce, *want;
	} cases[] = {
		{ "tiers", "ll2:u12:u2el2:u3ee", "1:a", "u1,u2|u3" },
		{ "skips junk", "ll2:u1i5e0:2:u2eleli1eei7e3:strl2:u3ee",
		    "1:a", "u1,u2|u3" },
		{ "nul in url", "ll3:u\0xee", "1:a", "a" },
		{ "all empty", "llelee", "1:a", "a" },
		{ "empty list", "le", "1:a", "a" },
		{ "not a list", "3:abc", "1:a", "a" },
		{ "no announce-list", NULL, "1:a", "a" },
		{ "announce empty", NULL, "0:", "" },
		{ "announce int", NULL, "i1e", "" },
		{ "nothing", NULL, NULL, "" },
		{ "list only", "ll1:xee", NULL, "x" },
		{ "urls trimmed", "ll6:\t u1 \nel4: u3 ee", "1:a", "u1|u3" },
		{ "blank urls dropped", "ll3: \t\n2:u2el2:  ee", "1:a", "u2" },
		{ "all blank", "ll1: el2:\r\nee", "4: a \n", "a" },
		{ "announce trimmed", NULL, "5:\t a\r\n", "a" },
		{ "announce blank", NULL, "3: \t ", "" },
		{ "inner space kept", NULL, "7: a b c ", "a b c" },
	};
	struct bencode	*root;
	struct metainfo	*m;
	char		 got[256];
	size_t		 i, n;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		root = base_torrent(0);
		set_path(root, "announce", cases[i].announce, 0);
		if (cases[i].list != NULL) {
			n = strcmp(cases[i].name, "nul in url") == 0 ? 9 : 0;
			set_path(root, "announce-list", cases[i].list, n);
		}
		m = parse_ok(root);
		format_tiers(m, got, sizeof(got));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: tiers \"%s\", want \"%s\"",
			    cases[i].name, got, cases[i].want);
		metainfo_free(m);
		bencode_free(root);
	}
}

/* BEP 19 url-list: one string or a list; http(s) only, trimmed. */
static void
test_webseeds(void **state)
{
	static const struct {
		const char	*name, *list, *want;
	} cases[] = {
		{ "absent", NULL, "" },
		{ "one string", "17:http://h/file.iso", "http://h/file.iso" },
		{ "list", "l9:http://a/10:https://b/e", "http://a/,https://b/" },
		{ "trimmed", "l12: \thttp://a/\ne", "http://a/" },
		{ "other schemes dropped", "l6:ftp://9:http://a/3:abce",
		    "http://a/" },
		{ "scheme case", "l9:HTTP://a/e", "HTTP://a/" },
		{ "bare scheme dropped", "l7:http://e", "" },
		{ "junk items", "li1ele9:http://a/e", "http://a/" },
		{ "empty list", "le", "" },
		{ "int", "i5e", "" },
		{ "blank string", "3: \t ", "" },
	};
	struct bencode	*root;
	struct metainfo	*m;
	char		 got[256];
	size_t		 i, j, w;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		root = base_torrent(0);
		if (cases[i].list != NULL)
			set_path(root, "url-list", cases[i].list, 0);
		m = parse_ok(root);
		got[0] = '\0';
		for (j = w = 0; j < m->nwebseeds; j++)
			w += (size_t)snprintf(got + w, sizeof(got) - w, "%s%s",
			    j > 0 ? "," : "", m->webseeds[j]);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: web seeds \"%s\", want \"%s\"",
			    cases[i].name, got, cases[i].want);
		metainfo_free(m);
		bencode_free(root);
	}
}

static void
test_private(void **state)
{
	static const struct {
		const char	*val;
		int		 want;
	} cases[] = {
		{ "i1e", 1 }, { "i0e", 0 }, { "i2e", 0 }, { "1:1", 0 },
		{ NULL, 0 },
	};
	struct bencode	*root;
	struct metainfo	*m;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		root = base_torrent(1);
		set_path(root, "info/private", cases[i].val, 0);
		m = parse_ok(root);
		assert_int_equal(m->private_flag, cases[i].want);
		metainfo_free(m);
		bencode_free(root);
	}
}

static void
test_utf8_variants(void **state)
{
	static const struct {
		const char	*name, *name_utf8, *path_utf8;
		const char	*want0;		/* files[0].path */
	} cases[] = {
		{ "both used", "6:d\xc3\xa9j\xc3\xa0", "l2:\xc3\xa9" "e",
		    "d\xc3\xa9j\xc3\xa0/\xc3\xa9" },
		{ "invalid utf-8", "2:\xff\xfe", "l2:\xc0\xaf" "e", "dir/a/b.txt" },
		{ "overlong", "2:\xc1\x81", "l3:\xe0\x80\x80" "e", "dir/a/b.txt" },
		{ "surrogate", "3:\xed\xa0\x80", "l4:\xf4\x90\x80\x80" "e",
		    "dir/a/b.txt" },
		{ "cut sequence", "2:a\xe2", "l1:\xc3" "e", "dir/a/b.txt" },
		{ "unsafe", "2:..", "l1:a2:..e", "dir/a/b.txt" },
		{ "wrong types", "i1e", "1:x", "dir/a/b.txt" },
		{ "path.utf-8 bad element", "3:dir", "li1ee", "dir/a/b.txt" },
		{ "4-byte", "4:\xf0\x9f\x98\x80", "l1:xe", "\xf0\x9f\x98\x80/x" },
	};
	struct bencode	*root;
	struct metainfo	*m;
	size_t		 i;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		root = base_torrent(1);
		set_path(root, "info/name.utf-8", cases[i].name_utf8, 0);
		set_path(root, "info/files/0/path.utf-8", cases[i].path_utf8,
		    0);
		m = parse_ok(root);
		if (strcmp(m->files[0].path, cases[i].want0) != 0)
			fail_msg("%s: path \"%s\"", cases[i].name,
			    m->files[0].path);
		assert_string_equal(m->files[1].path + strlen(m->name),
		    "/empty");
		metainfo_free(m);
		bencode_free(root);
	}
	/* a valid name.utf-8 stands in for a missing or unsafe name */
	root = base_torrent(0);
	set_path(root, "info/name", NULL, 0);
	set_path(root, "info/name.utf-8", "5:f.bin", 0);
	m = parse_ok(root);
	assert_string_equal(m->name, "f.bin");
	assert_string_equal(m->files[0].path, "f.bin");
	metainfo_free(m);
	set_path(root, "info/name", "2:..", 0);
	m = parse_ok(root);
	assert_string_equal(m->name, "f.bin");
	metainfo_free(m);
	bencode_free(root);
}

static struct bencode *
many_files(int n)
{
	struct bencode	*root, *files;
	char		 name[16], path[32];
	int		 i;

	root = base_torrent(1);
	assert_non_null(files = bencode_new_list());
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		snprintf(path, sizeof(path), "l%zu:%se", strlen(name), name);
		assert_int_equal(bencode_list_append(files,
		    file_entry(i == 0 ? 40000 : 0, path)), BT_OK);
	}
	set((struct bencode *)bencode_dict_get(root, "info"), "files", files);
	return root;
}

static void
test_file_limit(void **state)
{
	struct bencode	*root;
	struct metainfo	*m;
	char		 err[256];

	(void)state;
	root = many_files(METAINFO_MAX_FILES);
	m = parse_ok(root);
	assert_int_equal(m->nfiles, METAINFO_MAX_FILES);
	assert_string_equal(m->files[METAINFO_MAX_FILES - 1].path,
	    "dir/f99999");
	assert_int_equal(m->files[METAINFO_MAX_FILES - 1].offset, 40000);
	metainfo_free(m);
	bencode_free(root);
	root = many_files(METAINFO_MAX_FILES + 1);
	assert_int_equal(parse_tree(root, &m, err, sizeof(err)),
	    BT_ERR_INVALID);
	assert_string_equal(err, "info.files has 100001 entries (limit "
	    "100000)");
	bencode_free(root);
}

/* Every proper prefix of a valid torrent is refused cleanly. */
static void
test_truncated_everywhere(void **state)
{
	struct bencode	*root;
	struct metainfo	*m;
	char		*s, err[256];
	size_t		 n, cut;

	(void)state;
	root = base_torrent(1);
	set_path(root, "announce-list", "ll2:u1el2:u2ee", 0);
	n = encode(root, &s);
	for (cut = 0; cut < n; cut++) {
		assert_int_equal(metainfo_parse(s, cut, &m, err, sizeof(err)),
		    BT_ERR_FORMAT);
		assert_null(m);
		assert_non_null(strstr(err, "not a valid torrent file"));
	}
	assert_int_equal(metainfo_parse(s, n, &m, err, sizeof(err)), BT_OK);
	metainfo_free(m);
	free(s);
	bencode_free(root);
}

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void
test_load(void **state)
{
	char		 dir[] = "/tmp/test_metainfo.XXXXXX", path[128];
	char		 err[512], *s, want[256];
	struct bencode	*root;
	struct metainfo	*m;
	size_t		 n;
	FILE		*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.torrent", dir);
	root = base_torrent(1);
	n = encode(root, &s);
	write_file(path, s, n);
	assert_int_equal(metainfo_load(path, &m, err, sizeof(err)), BT_OK);
	assert_string_equal(m->files[0].path, "dir/a/b.txt");
	metainfo_free(m);

	/* a parse error names the file */
	set_path(root, "info/piece length", "i0e", 0);
	free(s);
	n = encode(root, &s);
	write_file(path, s, n);
	assert_int_equal(metainfo_load(path, &m, err, sizeof(err)),
	    BT_ERR_INVALID);
	snprintf(want, sizeof(want), "%s: info.piece length is 0", path);
	assert_string_equal(err, want);

	/* over the size limit (sparse, so cheap) */
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(ftruncate(fileno(f), BENCODE_MAX_INPUT + 1), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(metainfo_load(path, &m, err, sizeof(err)),
	    BT_ERR_LIMIT);
	assert_null(m);
	snprintf(want, sizeof(want), "%s: file larger than 64 MiB", path);
	assert_string_equal(err, want);

	/* exactly at the limit is read, then refused as bencode */
	assert_non_null(f = fopen(path, "r+b"));
	assert_int_equal(ftruncate(fileno(f), BENCODE_MAX_INPUT), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(metainfo_load(path, &m, err, sizeof(err)),
	    BT_ERR_FORMAT);
	assert_non_null(strstr(err, "not a valid torrent file: byte 0"));
	unlink(path);

	assert_int_equal(metainfo_load(path, &m, err, sizeof(err)),
	    BT_ERR_SYS);
	snprintf(want, sizeof(want), "cannot read %s: No such file or "
	    "directory", path);
	assert_string_equal(err, want);
	assert_int_equal(metainfo_load(dir, &m, err, sizeof(err)),
	    BT_ERR_SYS);
	assert_non_null(strstr(err, "Is a directory"));
	assert_int_equal(rmdir(dir), 0);
	free(s);
	bencode_free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_fields),
		cmocka_unit_test(test_not_a_torrent),
		cmocka_unit_test(test_single_file),
		cmocka_unit_test(test_multi_file),
		cmocka_unit_test(test_exact_pieces),
		cmocka_unit_test(test_known_info_hash),
		cmocka_unit_test(test_hash_raw_bytes),
		cmocka_unit_test(test_trailing_bytes),
		cmocka_unit_test(test_dht_nodes),
		cmocka_unit_test(test_pad_files),
		cmocka_unit_test(test_pad_offsets),
		cmocka_unit_test(test_single_attr),
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_long_components),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_announce_list),
		cmocka_unit_test(test_webseeds),
		cmocka_unit_test(test_private),
		cmocka_unit_test(test_utf8_variants),
		cmocka_unit_test(test_file_limit),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/tui/filetree: trees from flat lists (nested
 * directories, a single-file torrent, a directory whose files are not
 * contiguous, odd paths), sums and mixed priorities, folding with the
 * cursor, folds kept through a refresh and a new list, directory paths,
 * and a seeded sweep against a naive sum over path prefixes. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "tui/filetree.h"

#define N(a)		(sizeof(a) / sizeof((a)[0]))
#define MAX_FILES	8
#define MAX_ROWS	16

struct file_spec {
	const char	*path;
	uint64_t	 size, done;
	uint8_t		 prio;
};

/* A list of up to MAX_FILES into a new array. */
static struct msg_file *
make_list(const struct file_spec *spec, size_t n)
{
	struct msg_file	*f = calloc(n > 0 ? n : 1, sizeof(*f));
	size_t		 i;

	assert_non_null(f);
	for (i = 0; i < n; i++) {
		snprintf(f[i].path, sizeof(f[i].path), "%s", spec[i].path);
		f[i].size = spec[i].size;
		f[i].done = spec[i].done;
		f[i].prio = spec[i].prio;
	}
	return f;
}

static size_t
count_specs(const struct file_spec *spec)
{
	size_t	n = 0;

	while (n < MAX_FILES && spec[n].path != NULL)
		n++;
	return n;
}

static const char *
prio_word(uint8_t p)
{
	static const char *const	w[] = { "skip", "low", "normal",
	    "high" };

	return p == FILETREE_PRIO_MIXED ? "mixed" : p < N(w) ? w[p] : "?";
}

/* A row as the tables spell it: "  name/ [files] size/done w wanted prio"
 * for a directory (a '+' after the slash when folded), "  name #index
 * size/done w wanted prio" for a file, two spaces per level. */
static void
row_str(const struct filetree_row *r, char *buf, size_t len)
{
	char	id[32];

	if (r->dir)
		snprintf(id, sizeof(id), "/%s [%" PRIu32 "]",
		    r->folded ? "+" : "", r->nfiles);
	else
		snprintf(id, sizeof(id), " #%" PRIu32, r->file);
	snprintf(buf, len, "%*s%s%s %" PRIu64 "/%" PRIu64 " w%" PRIu64
	    " %s", (int)(2 * r->depth), "", r->name, id, r->size, r->done,
	    r->wanted, prio_word(r->prio));
}

/* Every visible row of t against want[] (NULL-terminated). */
static void
check_rows(const char *name, const struct filetree *t,
    const char *const *want)
{
	struct filetree_row	r;
	char			got[256];
	size_t			i;

	for (i = 0; want[i] != NULL; i++) {
		if (filetree_row(t, i, &r) != BT_OK)
			fail_msg("%s: row %zu missing, want \"%s\"", name, i,
			    want[i]);
		row_str(&r, got, sizeof(got));
		if (strcmp(got, want[i]) != 0)
			fail_msg("%s: row %zu \"%s\", want \"%s\"", name, i,
			    got, want[i]);
	}
	if (filetree_nrows(t) != i)
		fail_msg("%s: %zu rows, want %zu", name, filetree_nrows(t), i);
	assert_int_equal(filetree_row(t, i, &r), BT_ERR_RANGE);
	assert_null(r.name);
}

static void
test_build_table(void **state)
{
	static const struct {
		const char		*name;
		struct file_spec	 files[MAX_FILES];
		const char		*rows[MAX_ROWS];
		const char		*totals;
	} cases[] = {
		{ "single-file torrent",
		    { { "debian.iso", 100, 40, MSG_PRIO_NORMAL } },
		    { "debian.iso #0 100/40 w100 normal" },
		    "/ [1] 100/40 w100 normal" },
		{ "nested directories",
		    { { "t/a/b/big", 50, 10, MSG_PRIO_NORMAL },
		      { "t/a/b/empty", 0, 0, MSG_PRIO_NORMAL },
		      { "t/a/mid", 20, 20, MSG_PRIO_NORMAL },
		      { "t/d/q", 25, 0, MSG_PRIO_NORMAL },
		      { "t/small", 5, 5, MSG_PRIO_NORMAL } },
		    { "t/ [5] 100/35 w100 normal",
		      "  a/ [3] 70/30 w70 normal",
		      "    b/ [2] 50/10 w50 normal",
		      "      big #0 50/10 w50 normal",
		      "      empty #1 0/0 w0 normal",
		      "    mid #2 20/20 w20 normal",
		      "  d/ [1] 25/0 w25 normal",
		      "    q #3 25/0 w25 normal",
		      "  small #4 5/5 w5 normal" },
		    "/ [5] 100/35 w100 normal" },
		{ "a directory's files not contiguous",
		    { { "t/a/1", 10, 0, MSG_PRIO_NORMAL },
		      { "t/b/2", 20, 0, MSG_PRIO_NORMAL },
		      { "t/a/3", 30, 0, MSG_PRIO_NORMAL },
		      { "t/4", 40, 0, MSG_PRIO_NORMAL },
		      { "t/b/5", 50, 0, MSG_PRIO_NORMAL } },
		    { "t/ [5] 150/0 w150 normal",
		      "  a/ [2] 40/0 w40 normal",
		      "    1 #0 10/0 w10 normal",
		      "    3 #2 30/0 w30 normal",
		      "  b/ [2] 70/0 w70 normal",
		      "    2 #1 20/0 w20 normal",
		      "    5 #4 50/0 w50 normal",
		      "  4 #3 40/0 w40 normal" },
		    "/ [5] 150/0 w150 normal" },
		{ "mixed priorities",
		    { { "t/a/1", 10, 5, MSG_PRIO_SKIP },
		      { "t/a/2", 20, 0, MSG_PRIO_HIGH },
		      { "t/b/3", 30, 0, MSG_PRIO_LOW },
		      { "t/b/4", 40, 0, MSG_PRIO_LOW },
		      { "t/c/5", 50, 0, MSG_PRIO_SKIP } },
		    { "t/ [5] 150/5 w90 mixed",
		      "  a/ [2] 30/5 w20 mixed",
		      "    1 #0 10/5 w0 skip",
		      "    2 #1 20/0 w20 high",
		      "  b/ [2] 70/0 w70 low",
		      "    3 #2 30/0 w30 low",
		      "    4 #3 40/0 w40 low",
		      "  c/ [1] 50/0 w0 skip",
		      "    5 #4 50/0 w0 skip" },
		    "/ [5] 150/5 w90 mixed" },
		{ "several top-level entries",
		    { { "x", 1, 0, MSG_PRIO_NORMAL },
		      { "d/y", 2, 0, MSG_PRIO_NORMAL } },
		    { "x #0 1/0 w1 normal",
		      "d/ [1] 2/0 w2 normal",
		      "  y #1 2/0 w2 normal" },
		    "/ [2] 3/0 w3 normal" },
		{ "empty components and slashes at the ends",
		    { { "//a//b", 1, 0, MSG_PRIO_NORMAL },
		      { "a/c/", 2, 0, MSG_PRIO_NORMAL },
		      { "", 3, 0, MSG_PRIO_NORMAL },
		      { "//", 4, 0, MSG_PRIO_NORMAL } },
		    { "a/ [2] 3/0 w3 normal",
		      "  b #0 1/0 w1 normal",
		      "  c #1 2/0 w2 normal",
		      " #2 3/0 w3 normal",
		      "// #3 4/0 w4 normal" },
		    "/ [4] 10/0 w10 normal" },
		{ "a file and a directory of one name, names repeated",
		    { { "t/x", 1, 0, MSG_PRIO_NORMAL },
		      { "t/x/y", 2, 0, MSG_PRIO_NORMAL },
		      { "a/a/a", 3, 0, MSG_PRIO_NORMAL } },
		    { "t/ [2] 3/0 w3 normal",
		      "  x #0 1/0 w1 normal",
		      "  x/ [1] 2/0 w2 normal",
		      "    y #1 2/0 w2 normal",
		      "a/ [1] 3/0 w3 normal",
		      "  a/ [1] 3/0 w3 normal",
		      "    a #2 3/0 w3 normal" },
		    "/ [3] 6/0 w6 normal" },
		{ "no files", { { NULL, 0, 0, 0 } }, { NULL }, NULL },
	};
	struct filetree		t;
	struct filetree_row	tot;
	struct msg_file		*list;
	char			got[256];
	size_t			i, n;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		filetree_init(&t);
		n = count_specs(cases[i].files);
		list = make_list(cases[i].files, n);
		assert_int_equal(filetree_sync(&t, list, n), BT_OK);
		check_rows(cases[i].name, &t, cases[i].rows);
		filetree_totals(&t, &tot);
		row_str(&tot, got, sizeof(got));
		if (cases[i].totals != NULL && strcmp(got,
		    cases[i].totals) != 0)
			fail_msg("%s: totals \"%s\", want \"%s\"",
			    cases[i].name, got, cases[i].totals);
		if (cases[i].totals == NULL)
			assert_int_equal(tot.nfiles, 0);
		filetree_cleanup(&t);
		free(list);
	}
}

/* The nested tree's rows: 0 t/, 1 a/, 2 b/, 3 big, 4 empty, 5 mid, 6 d/,
 * 7 q, 8 small. */
static const struct file_spec	nested[] = {
	{ "t/a/b/big", 50, 10, MSG_PRIO_NORMAL },
	{ "t/a/b/empty", 0, 0, MSG_PRIO_NORMAL },
	{ "t/a/mid", 20, 20, MSG_PRIO_NORMAL },
	{ "t/d/q", 25, 0, MSG_PRIO_NORMAL },
	{ "t/small", 5, 5, MSG_PRIO_NORMAL },
};

static void
test_fold_cursor(void **state)
{
	static const struct {
		const char	*name;
		size_t		 row;		/* folded or unfolded */
		int		 folded;
		size_t		 cursor, want;
		size_t		 nrows;		/* afterwards */
	} steps[] = {
		/* folding a/ (rows 2-5 under it) */
		{ "cursor above stays", 1, 1, 0, 0, 5 },
		{ "unfold again", 1, 0, 0, 0, 9 },
		{ "cursor on it stays", 1, 1, 1, 1, 5 },
		{ "unfold: cursor on it stays", 1, 0, 1, 1, 9 },
		{ "cursor under it goes to it", 1, 1, 4, 1, 5 },
		{ "unfold, cursor after", 1, 0, 3, 7, 9 },
		{ "cursor after moves up", 1, 1, 7, 3, 5 },
		{ "folding again changes nothing", 1, 1, 3, 3, 5 },
		{ "a file's row: nothing", 4, 1, 4, 4, 5 },
		{ "past the end: nothing", 9, 1, 2, 2, 5 },
		/* fold d/ (now row 2) too, then the top */
		{ "second fold", 2, 1, 4, 3, 4 },
		{ "the top folds all", 0, 1, 3, 0, 1 },
		{ "unfolding the top shows its folded children", 0, 0, 0, 0,
		    4 },
		{ "unfold a/ under the cursor on small", 1, 0, 3, 7, 8 },
	};
	static const char *const	after[] = {
		"t/ [5] 75/30 w75 mixed",
		"  a/ [3] 50/30 w50 normal",
		"    b/ [2] 30/10 w30 normal",
		"      big #0 30/10 w30 normal",
		"      empty #1 0/0 w0 normal",
		"    mid #2 20/20 w20 normal",
		"  d/+ [1] 25/0 w25 normal",
		"  small #4 0/0 w0 skip",
		NULL,
	};
	struct filetree		 t;
	struct msg_file		*list = make_list(nested, N(nested));
	size_t			 i, got;

	(void)state;
	filetree_init(&t);
	assert_int_equal(filetree_sync(&t, list, N(nested)), BT_OK);
	for (i = 0; i < N(steps); i++) {
		got = filetree_set_folded(&t, steps[i].row, steps[i].folded,
		    steps[i].cursor);
		if (got != steps[i].want)
			fail_msg("%s: cursor %zu, want %zu", steps[i].name,
			    got, steps[i].want);
		if (filetree_nrows(&t) != steps[i].nrows)
			fail_msg("%s: %zu rows, want %zu", steps[i].name,
			    filetree_nrows(&t), steps[i].nrows);
	}
	/* a refresh of the same list keeps the folds and the rows */
	list[0].size = 30;
	list[4].size = 0;
	list[4].done = 0;
	list[4].prio = MSG_PRIO_SKIP;
	assert_int_equal(filetree_sync(&t, list, N(nested)), BT_OK);
	check_rows("refreshed", &t, after);
	filetree_cleanup(&t);
	free(list);
}

/* A new list (another torrent, or one more file) builds a new tree; a
 * directory folded before and still there stays folded. */
static void
test_folds_survive_rebuild(void **state)
{
	static const struct file_spec	more[] = {
		{ "t/new", 1, 0, MSG_PRIO_NORMAL },
		{ "t/d/q", 25, 0, MSG_PRIO_NORMAL },
		{ "t/a/b/big", 50, 10, MSG_PRIO_NORMAL },
		{ "t/a/mid", 20, 20, MSG_PRIO_NORMAL },
	};
	static const char *const	want[] = {
		"t/ [4] 96/30 w96 normal",
		"  new #0 1/0 w1 normal",
		"  d/+ [1] 25/0 w25 normal",
		"  a/ [2] 70/30 w70 normal",
		"    b/+ [1] 50/10 w50 normal",
		"    mid #3 20/20 w20 normal",
		NULL,
	};
	struct filetree		 t;
	struct msg_file		*a = make_list(nested, N(nested));
	struct msg_file		*b = make_list(more, N(more));

	(void)state;
	filetree_init(&t);
	assert_int_equal(filetree_sync(&t, a, N(nested)), BT_OK);
	assert_int_equal(filetree_set_folded(&t, 6, 1, 0), 0);	/* d/ */
	assert_int_equal(filetree_set_folded(&t, 2, 1, 0), 0);	/* b/ */
	assert_int_equal(filetree_sync(&t, b, N(more)), BT_OK);
	check_rows("rebuilt", &t, want);
	/* a list as long but with another path is a new list too */
	snprintf(b[0].path, sizeof(b[0].path), "t/d/other");
	assert_int_equal(filetree_sync(&t, b, N(more)), BT_OK);
	assert_int_equal(filetree_nrows(&t), 5);	/* t/ d/+ a/ b/+ mid */
	assert_int_equal(filetree_set_folded(&t, 1, 0, 3), 5);
	/* emptied, then the first list again: nothing folded any more */
	assert_int_equal(filetree_sync(&t, NULL, 0), BT_OK);
	assert_int_equal(filetree_nrows(&t), 0);
	assert_int_equal(filetree_sync(&t, a, N(nested)), BT_OK);
	assert_int_equal(filetree_nrows(&t), 9);
	filetree_cleanup(&t);
	filetree_cleanup(&t);		/* twice is harmless */
	assert_int_equal(filetree_nrows(&t), 0);
	free(a);
	free(b);
}

static void
test_parent_and_path(void **state)
{
	static const struct {
		size_t		 row;
		size_t		 parent;
		int		 r;
		const char	*path;
	} rows[] = {
		{ 0, 0, BT_OK, "t" },
		{ 1, 0, BT_OK, "t/a" },
		{ 2, 1, BT_OK, "t/a/b" },
		{ 3, 2, BT_ERR_INVALID, "" },	/* big: a file */
		{ 5, 1, BT_ERR_INVALID, "" },	/* mid */
		{ 6, 0, BT_OK, "t/d" },
		{ 8, 0, BT_ERR_INVALID, "" },	/* small */
		{ 9, 9, BT_ERR_INVALID, "" },	/* past the end */
	};
	struct filetree		 t;
	struct msg_file		*list = make_list(nested, N(nested));
	char			 buf[64];
	size_t			 i;

	(void)state;
	filetree_init(&t);
	assert_int_equal(filetree_sync(&t, list, N(nested)), BT_OK);
	for (i = 0; i < N(rows); i++) {
		assert_int_equal(filetree_parent_row(&t, rows[i].row),
		    rows[i].parent);
		assert_int_equal(filetree_dir_path(&t, rows[i].row, buf,
		    sizeof(buf)), rows[i].r);
		assert_string_equal(buf, rows[i].path);
	}
	/* "t/a/b" needs 6 bytes */
	assert_int_equal(filetree_dir_path(&t, 2, buf, 6), BT_OK);
	assert_int_equal(filetree_dir_path(&t, 2, buf, 5), BT_ERR_LIMIT);
	assert_string_equal(buf, "");
	filetree_cleanup(&t);
	free(list);
}

/* --- a seeded sweep against sums over path prefixes -------------------- */

static uint64_t
next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* A path of 1-4 components from a small alphabet, so names repeat. */
static void
random_path(uint64_t *x, char *buf, size_t len)
{
	static const char *const	parts[] = { "a", "b", "c", "dd" };
	size_t				at = 0, k, n = 1 + next_rand(x) % 4;

	buf[0] = '\0';
	for (k = 0; k < n && at + 4 < len; k++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
		    k > 0 ? "/" : "", parts[next_rand(x) % N(parts)]);
}

/* Row r's path: its directory's path, or for a file its parent's plus
 * its name. */
static void
row_path(const struct filetree *t, size_t r, char *buf, size_t len)
{
	struct filetree_row	row;
	char			dir[MSG_PATH_MAX];
	size_t			p;

	assert_int_equal(filetree_row(t, r, &row), BT_OK);
	if (row.dir) {
		assert_int_equal(filetree_dir_path(t, r, buf, len), BT_OK);
		return;
	}
	p = filetree_parent_row(t, r);
	if (p == r) {
		snprintf(buf, len, "%s", row.name);
		return;
	}
	assert_int_equal(filetree_dir_path(t, p, dir, sizeof(dir)), BT_OK);
	snprintf(buf, len, "%s/%s", dir, row.name);
}

static void
test_random_against_prefixes(void **state)
{
	struct msg_file		*list = calloc(40, sizeof(*list));
	struct filetree		 t;
	struct filetree_row	 row;
	uint64_t		 seed = 0x5eed1234abcdull, x = seed, size, done,
				 wanted, nfiles;
	char			 path[2 * MSG_PATH_MAX + 8];
	size_t			 round, n, i, r, len, seen;

	(void)state;
	assert_non_null(list);
	print_message("seed %#" PRIx64 "\n", seed);
	filetree_init(&t);
	for (round = 0; round < 300; round++) {
		n = next_rand(&x) % 40;
		for (i = 0; i < n; i++) {
			random_path(&x, list[i].path, sizeof(list[i].path));
			list[i].size = next_rand(&x) % 1000;
			list[i].done = list[i].size / (1 + next_rand(&x) % 3);
			list[i].prio = (uint8_t)(next_rand(&x) % 4);
		}
		assert_int_equal(filetree_sync(&t, list, n), BT_OK);
		for (r = 0, seen = 0; r < filetree_nrows(&t); r++) {
			assert_int_equal(filetree_row(&t, r, &row), BT_OK);
			row_path(&t, r, path, sizeof(path));
			if (!row.dir) {
				seen++;
				if (strcmp(path, list[row.file].path) != 0)
					fail_msg("round %zu: row %zu is %s, "
					    "file %u is %s", round, r, path,
					    row.file, list[row.file].path);
				continue;
			}
			/* a directory sums the files under its path */
			len = strlen(path);
			size = done = wanted = nfiles = 0;
			for (i = 0; i < n; i++) {
				if (strncmp(list[i].path, path, len) != 0 ||
				    list[i].path[len] != '/')
					continue;
				size += list[i].size;
				done += list[i].done;
				wanted += list[i].prio != MSG_PRIO_SKIP ?
				    list[i].size : 0;
				nfiles++;
			}
			if (row.size != size || row.done != done ||
			    row.wanted != wanted || row.nfiles != nfiles)
				fail_msg("round %zu: %s sums differ", round,
				    path);
		}
		assert_int_equal(seen, n);	/* every file, once */
	}
	filetree_cleanup(&t);
	free(list);
}

/* The filter: files whose path holds the text (any case) and the
 * directories above them; kept through a refresh and a new list; folds
 * still fold; "" shows all again. */
static void
test_filter(void **state)
{
	static const struct file_spec	spec[] = {
		{ "t/a/b/big", 50, 10, MSG_PRIO_NORMAL },
		{ "t/a/mid", 20, 20, MSG_PRIO_NORMAL },
		{ "t/d/q", 25, 0, MSG_PRIO_NORMAL },
		{ "t/small", 5, 5, MSG_PRIO_NORMAL },
		{ NULL, 0, 0, 0 },
	};
	static const char *const	big[] = {
		"t/ [4] 100/35 w100 normal",
		"  a/ [2] 70/30 w70 normal",
		"    b/ [1] 50/10 w50 normal",
		"      big #0 50/10 w50 normal", NULL,
	};
	static const char *const	a_dir[] = {
		"t/ [4] 100/35 w100 normal",
		"  a/ [2] 70/30 w70 normal",
		"    b/ [1] 50/10 w50 normal",
		"      big #0 50/10 w50 normal",
		"    mid #1 20/20 w20 normal", NULL,
	};
	static const char *const	a_folded[] = {
		"t/ [4] 100/35 w100 normal",
		"  a/+ [2] 70/30 w70 normal", NULL,
	};
	static const char *const	none[] = { NULL };
	static const char *const	all[] = {
		"t/ [4] 100/35 w100 normal",
		"  a/ [2] 70/30 w70 normal",
		"    b/ [1] 50/10 w50 normal",
		"      big #0 50/10 w50 normal",
		"    mid #1 20/20 w20 normal",
		"  d/ [1] 25/0 w25 normal",
		"    q #2 25/0 w25 normal",
		"  small #3 5/5 w5 normal", NULL,
	};
	struct filetree	 t;
	struct msg_file	*f = make_list(spec, count_specs(spec));
	char		 long_text[200];

	(void)state;
	filetree_init(&t);
	/* set before the first list: kept for it */
	assert_int_equal(filetree_set_filter(&t, "BIG"), 1);
	assert_int_equal(filetree_set_filter(&t, "BIG"), 0);
	assert_int_equal(filetree_sync(&t, f, count_specs(spec)), BT_OK);
	check_rows("BIG", &t, big);
	/* a refresh (new numbers, same paths) keeps it */
	f[0].done = 10;
	assert_int_equal(filetree_sync(&t, f, count_specs(spec)), BT_OK);
	check_rows("refresh", &t, big);
	/* the path counts, not only the name: "/a/" keeps all under a/ */
	filetree_set_filter(&t, "/a/");
	check_rows("/a/", &t, a_dir);
	assert_int_equal(filetree_set_folded(&t, 1, 1, 4), 1);
	check_rows("folded", &t, a_folded);
	filetree_set_folded(&t, 1, 0, 1);
	filetree_set_filter(&t, "nothing holds this");
	check_rows("no match", &t, none);
	/* a new list: the filter still applies */
	snprintf(f[2].path, sizeof(f[2].path), "t/d/bigger");
	filetree_set_filter(&t, "big");
	assert_int_equal(filetree_sync(&t, f, count_specs(spec)), BT_OK);
	assert_int_equal(filetree_nrows(&t), 6);
	snprintf(f[2].path, sizeof(f[2].path), "t/d/q");
	assert_int_equal(filetree_sync(&t, f, count_specs(spec)), BT_OK);
	filetree_set_filter(&t, "");
	check_rows("no filter", &t, all);
	/* a long text is cut, not refused */
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	assert_int_equal(filetree_set_filter(&t, long_text), 1);
	check_rows("long", &t, none);
	filetree_cleanup(&t);
	free(f);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_build_table),
		cmocka_unit_test(test_fold_cursor),
		cmocka_unit_test(test_folds_survive_rebuild),
		cmocka_unit_test(test_parent_and_path),
		cmocka_unit_test(test_random_against_prefixes),
		cmocka_unit_test(test_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/engine/watchdir: which names count, new and changed
 * files reported once, files still being written held back, renaming to
 * .added, and the limits. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sandbox.h"

#include "ipc/err.h"
#include "engine/watchdir.h"

/* Every file's mtime is set relative to this wall-clock second. */
#define T0	1700000000LL
#define NOW_MS	((T0 + 10) * 1000)

struct fx {
	char		 box[64];
	struct watchdir	*w;
};

/* What one scan reported, in order, as "name,name,". */
struct seen {
	char		 names[4096];
	int		 n;
	struct watchdir	*mark;	/* non-NULL: mark each file added */
};

static int
setup(void **state)
{
	struct fx	*fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL ||
	    sandbox_create(fx->box, sizeof(fx->box), "test_watchdir") != 0 ||
	    watchdir_new(fx->box, &fx->w) != BT_OK)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	watchdir_free(fx->w);
	sandbox_remove(fx->box);
	free(fx);
	return 0;
}

static void
on_file(void *arg, const char *path, const char *name)
{
	struct seen	*s = arg;
	size_t		 len = strlen(s->names);

	assert_non_null(strstr(path, name));
	assert_int_equal(access(path, F_OK), 0);
	snprintf(s->names + len, sizeof(s->names) - len, "%s,", name);
	s->n++;
	if (s->mark != NULL)
		assert_int_equal(watchdir_mark_added(s->mark, name), BT_OK);
}

/* Writes box/name with content and an mtime of T0 + sec seconds + ms. */
static void
put(const struct fx *fx, const char *name, const char *content,
    int64_t sec, long ms)
{
	struct timespec	 ts[2];
	char		 p[256];
	FILE		*fp;

	snprintf(p, sizeof(p), "%s/%s", fx->box, name);
	assert_non_null(fp = fopen(p, "w"));
	fputs(content, fp);
	assert_int_equal(fclose(fp), 0);
	ts[0].tv_sec = ts[1].tv_sec = T0 + sec;
	ts[0].tv_nsec = ts[1].tv_nsec = ms * 1000000;
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static const char *
scan(struct fx *fx, int64_t now_ms)
{
	static struct seen	s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(watchdir_scan(fx->w, now_ms, on_file, &s), BT_OK);
	return s.names;
}

static void
test_names(void **state)
{
	struct fx	*fx = *state;
	char		 p[256], q[256];

	put(fx, "a.torrent", "d1:ae", 0, 0);
	put(fx, "B.TORRENT", "d1:be", 0, 0);
	put(fx, "c.Torrent", "d1:ce", 0, 0);
	put(fx, ".hidden.torrent", "x", 0, 0);
	put(fx, "d.torrent.added", "x", 0, 0);
	put(fx, "e.txt", "x", 0, 0);
	put(fx, ".torrent", "x", 0, 0);
	put(fx, "torrent", "x", 0, 0);
	put(fx, "f.torrent.part", "x", 0, 0);
	snprintf(p, sizeof(p), "%s/dir.torrent", fx->box);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/fifo.torrent", fx->box);
	assert_int_equal(mkfifo(p, 0600), 0);
	snprintf(p, sizeof(p), "%s/link.torrent", fx->box);
	snprintf(q, sizeof(q), "%s/a.torrent", fx->box);
	assert_int_equal(symlink(q, p), 0);
	snprintf(p, sizeof(p), "%s/dangling.torrent", fx->box);
	assert_int_equal(symlink("/nonexistent/x", p), 0);
	assert_string_equal(scan(fx, NOW_MS),
	    "B.TORRENT,a.torrent,c.Torrent,link.torrent,");
	/* once each */
	assert_string_equal(scan(fx, NOW_MS), "");
}

static void
test_changes(void **state)
{
	static const struct {
		const char	*what, *content;
		int64_t		 sec;
		long		 ms;
		const char	*want;
	} steps[] = {
		{ "new", "d1:ae", 0, 0, "a.torrent," },
		{ "same again", "d1:ae", 0, 0, "" },
		{ "longer", "d2:aae", 0, 0, "a.torrent," },
		{ "same size, newer", "d2:abe", 1, 0, "a.torrent," },
		{ "same size, ms later", "d2:abe", 1, 5, "a.torrent," },
		{ "rewritten, all the same", "d2:abe", 1, 5, "" },
	};
	struct fx	*fx = *state;
	size_t		 i;
	const char	*got;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		put(fx, "a.torrent", steps[i].content, steps[i].sec,
		    steps[i].ms);
		got = scan(fx, NOW_MS);
		if (strcmp(got, steps[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", steps[i].what,
			    got, steps[i].want);
	}
}

static void
test_replaced_inode(void **state)
{
	struct fx	*fx = *state;
	char		 p[256], q[256];

	put(fx, "a.torrent", "d1:ae", 0, 0);
	assert_string_equal(scan(fx, NOW_MS), "a.torrent,");
	/* same name, size and mtime, but another file (mv over it) */
	put(fx, "tmp", "d1:be", 0, 0);
	snprintf(p, sizeof(p), "%s/tmp", fx->box);
	snprintf(q, sizeof(q), "%s/a.torrent", fx->box);
	assert_int_equal(rename(p, q), 0);
	assert_string_equal(scan(fx, NOW_MS), "a.torrent,");
	/* gone, then back as it was: new again */
	assert_int_equal(unlink(q), 0);
	assert_string_equal(scan(fx, NOW_MS), "");
	put(fx, "a.torrent", "d1:be", 0, 0);
	assert_string_equal(scan(fx, NOW_MS), "a.torrent,");
}

static void
test_settling(void **state)
{
	struct fx	*fx = *state;
	int64_t		 now = (T0 + 5) * 1000;

	/* written 200 ms ago: may still be growing */
	put(fx, "a.torrent", "d1:", 4, 800);
	/* exactly WATCHDIR_SETTLE_MS old: settled */
	put(fx, "b.torrent", "d1:be", 4, 0);
	/* in the future (another clock, a copy that kept its times) */
	put(fx, "c.torrent", "d1:ce", 60, 0);
	assert_string_equal(scan(fx, now), "b.torrent,");
	/* a grew meanwhile: still not settled; c, from the future, is
	 * unchanged across two scans: settled */
	put(fx, "a.torrent", "d1:ae", 5, 100);
	now += 300;
	assert_string_equal(scan(fx, now), "c.torrent,");
	/* a is unchanged now, though still recent */
	now += 200;
	assert_string_equal(scan(fx, now), "a.torrent,");
	assert_string_equal(scan(fx, now + 5000), "");
}

static void
test_mark_added(void **state)
{
	static const struct {
		const char	*name;
		int		 r;
	} bad[] = {
		{ "", BT_ERR_INVALID },
		{ ".", BT_ERR_INVALID },
		{ "..", BT_ERR_INVALID },
		{ "x/a.torrent", BT_ERR_INVALID },
		{ "missing.torrent", BT_ERR_SYS },
	};
	struct fx	*fx = *state;
	struct seen	 s = { .mark = fx->w };
	char		 p[256];
	size_t		 i;

	put(fx, "a.torrent", "d1:ae", 0, 0);
	put(fx, "b.torrent", "d1:be", 0, 0);
	put(fx, "b.torrent.added", "old", 0, 0);
	/* the callback marks each file as it goes */
	assert_int_equal(watchdir_scan(fx->w, NOW_MS, on_file, &s), BT_OK);
	assert_string_equal(s.names, "a.torrent,b.torrent,");
	snprintf(p, sizeof(p), "%s/a.torrent", fx->box);
	assert_int_equal(access(p, F_OK), -1);
	snprintf(p, sizeof(p), "%s/a.torrent.added", fx->box);
	assert_int_equal(access(p, F_OK), 0);
	assert_string_equal(scan(fx, NOW_MS), "");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (watchdir_mark_added(fx->w, bad[i].name) != bad[i].r)
			fail_msg("\"%s\": want %d", bad[i].name, bad[i].r);
	}
}

static void
test_new_and_errors(void **state)
{
	struct fx	*fx = *state;
	struct watchdir	*w = (void *)1;
	struct seen	 s = { 0 };
	char		 p[256], cwd[PATH_MAX];

	assert_int_equal(watchdir_new("", &w), BT_ERR_INVALID);
	assert_null(w);
	snprintf(p, sizeof(p), "%s/none", fx->box);
	errno = 0;
	assert_int_equal(watchdir_new(p, &w), BT_ERR_SYS);
	assert_int_equal(errno, ENOENT);
	put(fx, "file", "x", 0, 0);
	snprintf(p, sizeof(p), "%s/file", fx->box);
	errno = 0;
	assert_int_equal(watchdir_new(p, &w), BT_ERR_SYS);
	assert_int_equal(errno, ENOTDIR);
	/* relative: resolved once */
	snprintf(p, sizeof(p), "%s/sub", fx->box);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(fx->box), 0);
	assert_int_equal(watchdir_new("sub", &w), BT_OK);
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(watchdir_path(w), p);
	/* the directory goes away: an error, and no call */
	assert_int_equal(rmdir(p), 0);
	assert_int_equal(watchdir_scan(w, NOW_MS, on_file, &s), BT_ERR_SYS);
	assert_int_equal(s.n, 0);
	watchdir_free(w);
	watchdir_free(NULL);
}

static void
test_too_many(void **state)
{
	struct fx	*fx = *state;
	struct seen	 s = { 0 };
	char		 name[256], one[256];
	int		 i;

	put(fx, "first.torrent", "d1:ae", 0, 0);
	assert_string_equal(scan(fx, NOW_MS), "first.torrent,");
	/* hard links: creating 10000 inodes is slow on some disks */
	put(fx, "one", "", 0, 0);
	snprintf(one, sizeof(one), "%s/one", fx->box);
	for (i = 0; i < WATCHDIR_MAX_FILES; i++) {
		snprintf(name, sizeof(name), "%s/%05d.torrent", fx->box, i);
		assert_int_equal(link(one, name), 0);
	}
	/* refused whole: no call, and the last scan's table is kept */
	assert_int_equal(watchdir_scan(fx->w, NOW_MS, on_file, &s),
	    BT_ERR_LIMIT);
	assert_int_equal(s.n, 0);
	snprintf(name, sizeof(name), "%s/00000.torrent", fx->box);
	assert_int_equal(unlink(name), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(watchdir_scan(fx->w, NOW_MS, on_file, &s), BT_OK);
	assert_int_equal(s.n, WATCHDIR_MAX_FILES - 1);
	assert_null(strstr(s.names, "first.torrent"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_replaced_inode, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_settling, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mark_added, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_new_and_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_too_many, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/tui/oncomplete: the environment the command gets, a
 * real /bin/sh run per case (its output file read back), exit statuses
 * and signals as said, the bound on commands running at once and the
 * queue's limit, a name that a shell would expand, an unknown directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ipc/err.h"
#include "sandbox.h"
#include "tui/oncomplete.h"

#define LINES_MAX	256
#define WAIT_MS		10000

struct fx {
	char	dir[256];
	char	lines[LINES_MAX][ONCOMPLETE_LINE_MAX];
	int	warn[LINES_MAX];
	size_t	nlines;
	int	dir_fails;
};

static void
on_say(void *arg, int warn, const char *line)
{
	struct fx	*fx = arg;

	if (fx->nlines < LINES_MAX) {
		snprintf(fx->lines[fx->nlines], sizeof(fx->lines[0]), "%s",
		    line);
		fx->warn[fx->nlines++] = warn;
	}
}

static int
dir_of(void *arg, const uint8_t ih[20], char *buf, size_t len)
{
	struct fx	*fx = arg;

	(void)ih;
	if (fx->dir_fails)
		return BT_ERR_NOTFOUND;
	snprintf(buf, len, "%s/downloads/", fx->dir);
	return BT_OK;
}

static int
setup(void **state)
{
	struct fx	*fx = calloc(1, sizeof(*fx));

	if (fx == NULL || sandbox_create(fx->dir, sizeof(fx->dir),
	    "test_oncomplete") != 0)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	sandbox_remove(fx->dir);
	free(fx);
	return 0;
}

static struct oncomplete *
runner(struct fx *fx, const char *cmd, int with_log)
{
	char			 log[300];
	struct oncomplete	*oc;

	snprintf(log, sizeof(log), "%s/on-complete.log", fx->dir);
	oc = oncomplete_new(cmd, with_log ? log : NULL, dir_of, fx);
	assert_non_null(oc);
	oncomplete_set_say(oc, on_say, fx);
	return oc;
}

static void
torrent(struct oncomplete_torrent *t, const char *name, uint64_t size)
{
	size_t	i;

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	for (i = 0; i < 20; i++)
		t->info_hash[i] = (uint8_t)(0xa0 + i);
	t->size = size;
}

static void
read_file(const char *path, char *buf, size_t len)
{
	FILE	*f = fopen(path, "r");
	size_t	 n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* How many said lines start with prefix. */
static size_t
count_lines(const struct fx *fx, const char *prefix)
{
	size_t	i, n = 0;

	for (i = 0; i < fx->nlines; i++)
		if (strncmp(fx->lines[i], prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

static void
test_env(void **state)
{
	static char		*env[] = {
		(char *)"PATH=/bin", (char *)"BTTUI_NAME=stale",
		(char *)"HOME=/root", (char *)"BTTUI_SIZE=1", NULL,
	};
	static const char	*want[] = {
		"BTTUI_NAME=movie.mkv", "BTTUI_PATH=/d/movie.mkv",
		"BTTUI_INFOHASH=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3",
		"BTTUI_SIZE=18446744073709551615", "PATH=/bin", "HOME=/root",
		NULL,
	};
	struct oncomplete_torrent	 t;
	char				**v;
	size_t				 i;

	(void)state;
	torrent(&t, "movie.mkv", UINT64_MAX);
	v = oncomplete_env(env, &t, "/d/movie.mkv");
	assert_non_null(v);
	for (i = 0; want[i] != NULL; i++) {
		assert_non_null(v[i]);
		assert_string_equal(v[i], want[i]);
	}
	assert_null(v[i]);
	oncomplete_env_free(v);
	/* an empty environment */
	v = oncomplete_env(NULL, &t, "/d/movie.mkv");
	assert_non_null(v);
	assert_string_equal(v[0], want[0]);
	assert_null(v[4]);
	oncomplete_env_free(v);
}

/* The command sees the torrent in its environment; its output goes to
 * the log; the run and the exit are said. */
static void
test_runs_with_env(void **state)
{
	struct fx			*fx = *state;
	struct oncomplete_torrent	 t;
	struct oncomplete		*oc;
	char				 cmd[512], got[1024], want[1024];
	char				 log[300];

	snprintf(cmd, sizeof(cmd), "printf '%%s|%%s|%%s|%%s\\n' "
	    "\"$BTTUI_NAME\" \"$BTTUI_PATH\" \"$BTTUI_INFOHASH\" "
	    "\"$BTTUI_SIZE\" > %s/env.txt; echo to-the-log", fx->dir);
	oc = runner(fx, cmd, 1);
	torrent(&t, "a'b $(touch pwned) `x` \"q\"", 12345);
	assert_int_equal(oncomplete_torrent_done(oc, &t), BT_OK);
	assert_int_equal(oncomplete_wait(oc, WAIT_MS), 0);
	snprintf(got, sizeof(got), "%s/env.txt", fx->dir);
	read_file(got, got, sizeof(got));
	snprintf(want, sizeof(want), "%s|%s/downloads/%s|"
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3|12345\n", t.name,
	    fx->dir, t.name);
	assert_string_equal(got, want);
	/* no shell saw the name */
	assert_int_not_equal(access("pwned", F_OK), 0);
	snprintf(log, sizeof(log), "%s/on-complete.log", fx->dir);
	read_file(log, got, sizeof(got));
	assert_non_null(strstr(got, "to-the-log\n"));
	assert_int_equal(fx->nlines, 2);
	assert_int_equal(count_lines(fx, "ran on-complete for a'b "), 1);
	assert_non_null(strstr(fx->lines[1], "exited with status 0"));
	assert_int_equal(fx->warn[1], 0);
	oncomplete_free(oc);
}

/* What the commands' ends are said as. */
static void
test_statuses(void **state)
{
	static const struct {
		const char	*cmd, *want;
		int		 warn;
	} rows[] = {
		{ "exit 0", "exited with status 0", 0 },
		{ "exit 3", "exited with status 3", 1 },
		{ "kill -9 $$", "was killed by signal 9", 1 },
		{ "/nonexistent-command-of-bttui", "exited with status 127", 1 },
		{ "cat", "exited with status 0", 0 },	/* stdin: /dev/null */
	};
	struct fx			*fx = *state;
	struct oncomplete_torrent	 t;
	struct oncomplete		*oc;
	size_t				 i;

	torrent(&t, "x", 1);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fx->nlines = 0;
		oc = runner(fx, rows[i].cmd, 0);
		assert_int_equal(oncomplete_torrent_done(oc, &t), BT_OK);
		assert_int_equal(oncomplete_wait(oc, WAIT_MS), 0);
		if (fx->nlines != 2 || strstr(fx->lines[1], rows[i].want) ==
		    NULL || fx->warn[1] != rows[i].warn)
			fail_msg("%s: got %zu lines, last \"%s\"", rows[i].cmd,
			    fx->nlines, fx->nlines > 0 ?
			    fx->lines[fx->nlines - 1] : "");
		oncomplete_free(oc);
	}
}

/* At most ONCOMPLETE_MAX_RUNNING at once; the rest wait their turn, and
 * past the queue's room a completion is dropped. */
static void
test_bound(void **state)
{
	struct fx			*fx = *state;
	struct oncomplete_torrent	 t;
	struct oncomplete		*oc;
	char				 cmd[300], done[4096], name[32];
	size_t				 i, n = ONCOMPLETE_MAX_RUNNING + 3;

	snprintf(cmd, sizeof(cmd), "sleep 0.2; echo \"$BTTUI_NAME\" >> "
	    "%s/done.txt", fx->dir);
	oc = runner(fx, cmd, 0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "t%zu", i);
		torrent(&t, name, i);
		assert_int_equal(oncomplete_torrent_done(oc, &t), BT_OK);
	}
	assert_int_equal(count_lines(fx, "ran "), ONCOMPLETE_MAX_RUNNING);
	assert_int_equal(oncomplete_pending(oc), n);
	assert_int_equal(oncomplete_reap(oc), 0);	/* none ended yet */
	assert_int_equal(oncomplete_wait(oc, WAIT_MS), 0);
	assert_int_equal(count_lines(fx, "ran "), n);
	assert_int_equal(count_lines(fx, "on-complete for t"), n);
	snprintf(cmd, sizeof(cmd), "%s/done.txt", fx->dir);
	read_file(cmd, done, sizeof(done));
	for (i = 0; i < n; i++) {
		snprintf(cmd, sizeof(cmd), "t%zu\n", i);
		assert_non_null(strstr(done, cmd));
	}
	oncomplete_free(oc);

	/* a full queue */
	fx->nlines = 0;
	oc = runner(fx, "sleep 0.2", 0);
	for (i = 0; i < ONCOMPLETE_MAX_RUNNING + ONCOMPLETE_MAX_QUEUED; i++)
		assert_int_equal(oncomplete_torrent_done(oc, &t), BT_OK);
	assert_int_equal(oncomplete_torrent_done(oc, &t), BT_ERR_LIMIT);
	assert_non_null(strstr(fx->lines[fx->nlines - 1], "not run"));
	/* leaving early: what still runs and waits is said */
	fx->nlines = 0;
	assert_int_equal(oncomplete_wait(oc, 0), ONCOMPLETE_MAX_RUNNING +
	    ONCOMPLETE_MAX_QUEUED);
	assert_int_equal(count_lines(fx, "on-complete for t"),
	    ONCOMPLETE_MAX_RUNNING + ONCOMPLETE_MAX_QUEUED);
	assert_int_equal(oncomplete_wait(oc, WAIT_MS), 0);
	oncomplete_free(oc);
}

/* Without a known directory the command still runs, with the name alone
 * in BTTUI_PATH, and a warning says so. */
static void
test_unknown_dir(void **state)
{
	struct fx			*fx = *state;
	struct oncomplete_torrent	 t;
	struct oncomplete		*oc;
	char				 cmd[300], got[300];

	fx->dir_fails = 1;
	snprintf(cmd, sizeof(cmd), "printf %%s \"$BTTUI_PATH\" > %s/p.txt",
	    fx->dir);
	oc = runner(fx, cmd, 0);
	torrent(&t, "single.iso", 7);
	assert_int_equal(oncomplete_torrent_done(oc, &t), BT_OK);
	assert_int_equal(oncomplete_wait(oc, WAIT_MS), 0);
	snprintf(cmd, sizeof(cmd), "%s/p.txt", fx->dir);
	read_file(cmd, got, sizeof(got));
	assert_string_equal(got, "single.iso");
	assert_int_equal(fx->warn[0], 1);
	assert_non_null(strstr(fx->lines[0], "not known"));
	oncomplete_free(oc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env),
		cmocka_unit_test_setup_teardown(test_runs_with_env, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_statuses, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_dir, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

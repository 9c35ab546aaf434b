/* Unit tests for src/tui/complete: Tab completion of a path at the add
 * prompt, on a sandbox directory: one match completed whole (a directory
 * with its '/'), several to their common prefix, hidden entries only for
 * a '.', unreadable directories, relative paths, small buffers. */
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

#include "tui/complete.h"
#include "sandbox.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const	files[] = {
	"ubuntu-22.04.torrent", "ubuntu-24.04.torrent", "debian.torrent",
	"sp ace.torrent", ".hidden.torrent", "dl/one.torrent",
};
static const char *const	dirs[] = { "dl", "docs", ".config" };

static int
setup(void **state)
{
	char	*box = malloc(256), path[512];
	FILE	*fp;
	size_t	 i;

	if (box == NULL || sandbox_create(box, 256, "test_complete") != 0)
		return -1;
	for (i = 0; i < N(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", box, dirs[i]);
		if (mkdir(path, 0700) != 0)
			return -1;
	}
	for (i = 0; i < N(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", box, files[i]);
		if ((fp = fopen(path, "w")) == NULL)
			return -1;
		fclose(fp);
	}
	*state = box;
	return 0;
}

static int
teardown(void **state)
{
	sandbox_remove(*state);
	free(*state);
	return 0;
}

/* Paths under the sandbox: "in" completed is "want", n entries matched
 * (-1: the directory cannot be read; the buffer is then unchanged). */
static const struct {
	const char	*in, *want;
	int		 n;
} cases[] = {
	{ "ub", "ubuntu-2", 2 },
	{ "ubuntu-24", "ubuntu-24.04.torrent", 1 },
	{ "ubuntu-24.04.torrent", "ubuntu-24.04.torrent", 1 },
	{ "deb", "debian.torrent", 1 },
	{ "d", "d", 3 },			/* debian, dl, docs */
	{ "dl", "dl/", 1 },			/* a directory: its '/' */
	{ "do", "docs/", 1 },
	{ "dl/", "dl/one.torrent", 1 },
	{ "dl/o", "dl/one.torrent", 1 },
	{ "docs/", "docs/", 0 },		/* empty */
	{ "x", "x", 0 },
	{ "UB", "UB", 0 },			/* case matters */
	{ "", "", 6 },				/* hidden ones left out */
	{ ".", ".", 2 },			/* only hidden ones */
	{ ".h", ".hidden.torrent", 1 },
	{ ".c", ".config/", 1 },
	{ "sp", "sp ace.torrent", 1 },
	{ "nosuch/x", "nosuch/x", -1 },
	{ "debian.torrent/", "debian.torrent/", -1 },
};

static void
test_table(void **state)
{
	const char	*box = *state;
	char		 buf[1024], want[1024];
	size_t		 i;
	int		 n;

	for (i = 0; i < N(cases); i++) {
		snprintf(buf, sizeof(buf), "%s/%s", box, cases[i].in);
		snprintf(want, sizeof(want), "%s/%s", box, cases[i].want);
		n = complete_path(buf, sizeof(buf));
		if (n != cases[i].n || strcmp(buf, want) != 0)
			fail_msg("\"%s\": got %d \"%s\", want %d \"%s\"",
			    cases[i].in, n, buf, cases[i].n, want);
	}
}

/* Without a '/', the name is looked up in the current directory. */
static void
test_relative(void **state)
{
	const char	*box = *state;
	char		 cwd[4096], buf[64];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(box), 0);
	snprintf(buf, sizeof(buf), "ubuntu-2");
	assert_int_equal(complete_path(buf, sizeof(buf)), 2);
	assert_string_equal(buf, "ubuntu-2");
	snprintf(buf, sizeof(buf), "de");
	assert_int_equal(complete_path(buf, sizeof(buf)), 1);
	assert_string_equal(buf, "debian.torrent");
	snprintf(buf, sizeof(buf), "dl/");
	assert_int_equal(complete_path(buf, sizeof(buf)), 1);
	assert_string_equal(buf, "dl/one.torrent");
	assert_int_equal(chdir(cwd), 0);
}

/* A completion that does not fit the buffer is left out: the text stays
 * as typed, and nothing past cap is written. */
static void
test_small_buffer(void **state)
{
	const char	*box = *state;
	char		 buf[600], want[600];
	size_t		 cap;

	snprintf(want, sizeof(want), "%s/ubuntu-24.04.torrent", box);
	/* room for the whole name and a '/': completed */
	memset(buf, '#', sizeof(buf));
	snprintf(buf, sizeof(buf), "%s/ubuntu-24", box);
	cap = strlen(want) + 2;
	assert_int_equal(complete_path(buf, cap), 1);
	assert_string_equal(buf, want);
	assert_int_equal(buf[cap], '#');
	/* room for what was typed only */
	memset(buf, '#', sizeof(buf));
	snprintf(buf, sizeof(buf), "%s/ubuntu-24", box);
	cap = strlen(buf) + 1;
	assert_int_equal(complete_path(buf, cap), 1);
	assert_int_equal(strlen(buf), cap - 1);
	assert_int_equal(strncmp(buf, want, cap - 1), 0);
	assert_int_equal(buf[cap], '#');
	/* a directory's '/' needs its byte too */
	memset(buf, '#', sizeof(buf));
	snprintf(buf, sizeof(buf), "%s/do", box);
	snprintf(want, sizeof(want), "%s/docs/", box);
	cap = strlen(want) + 1;
	assert_int_equal(complete_path(buf, cap), 1);
	assert_string_equal(buf, want);
	assert_int_equal(buf[cap], '#');
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_small_buffer, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

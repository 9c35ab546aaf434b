/* Unit tests for src/engine/atomicfile: new files, replacing, refusing to
 * replace, modes, and no temporary file left behind on success or failure. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
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
#include "engine/atomicfile.h"

static char	dir[64];

static int
setup(void **state)
{
	(void)state;
	return sandbox_create(dir, sizeof(dir), "test_atomicfile");
}

static int
teardown(void **state)
{
	(void)state;
	sandbox_remove(dir);
	return 0;
}

static size_t
entries(void)
{
	struct dirent	*e;
	DIR		*d;
	size_t		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void
expect_content(const char *path, const char *want)
{
	char	 buf[64] = { 0 };
	FILE	*fp;

	assert_non_null(fp = fopen(path, "r"));
	assert_true(fread(buf, 1, sizeof(buf) - 1, fp) == strlen(want));
	fclose(fp);
	assert_string_equal(buf, want);
}

static void
test_create_and_replace(void **state)
{
	char		path[128];
	struct stat	st;
	mode_t		mask = umask(022);

	(void)state;
	snprintf(path, sizeof(path), "%s/out", dir);
	assert_int_equal(atomicfile_write(path, "one", 3, ATOMICFILE_CREATE),
	    BT_OK);
	expect_content(path, "one");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	/* CREATE never replaces; the old content stays, no temp is left */
	errno = 0;
	assert_int_equal(atomicfile_write(path, "two", 3, ATOMICFILE_CREATE),
	    BT_ERR_SYS);
	assert_int_equal(errno, EEXIST);
	expect_content(path, "one");
	assert_int_equal(entries(), 1);
	/* REPLACE does, with a private mode */
	assert_int_equal(atomicfile_write(path, "three", 5,
	    ATOMICFILE_REPLACE), BT_OK);
	expect_content(path, "three");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(entries(), 1);
	umask(mask);
}

static void
test_failures_leave_nothing(void **state)
{
	static const enum atomicfile_mode modes[] = {
		ATOMICFILE_CREATE, ATOMICFILE_REPLACE,
	};
	char	path[128], longp[5000];
	size_t	i;

	(void)state;
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/no/such/dir/out", dir);
		errno = 0;
		assert_int_equal(atomicfile_write(path, "x", 1, modes[i]),
		    BT_ERR_SYS);
		assert_int_equal(errno, ENOENT);
	}
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	errno = 0;
	assert_int_equal(atomicfile_write(longp, "x", 1, ATOMICFILE_CREATE),
	    BT_ERR_SYS);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_int_equal(entries(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_and_replace, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failures_leave_nothing,
		    setup, teardown),
	};

	return cmocka_run_group_tests_name("atomicfile", tests, NULL, NULL);
}

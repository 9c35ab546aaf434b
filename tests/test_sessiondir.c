/* Unit tests for src/engine/sessiondir: layout, add/list/order/paused/remove,
 * corrupt and half-written files, settings, and the lock (in-process and
 * from a forked child). */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

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
#include "engine/sessiondir.h"

struct fx {
	char	 box[64];
	char	 path[128];	/* the session, under box */
};

struct warns {
	int	n;
	char	last[8192];
};

static int
setup(void **state)
{
	struct fx	*fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL ||
	    sandbox_create(fx->box, sizeof(fx->box), "test_sessiondir") != 0)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/s", fx->box);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	sandbox_remove(fx->box);
	free(fx);
	return 0;
}

static void
on_warn(void *arg, const char *msg)
{
	struct warns	*w = arg;

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

static void
hash_of(int k, uint8_t ih[SESSIONDIR_HASH_LEN])
{
	memset(ih, k, SESSIONDIR_HASH_LEN);
}

static void
hex_of(int k, char hex[2 * SESSIONDIR_HASH_LEN + 1])
{
	size_t	i;

	for (i = 0; i < SESSIONDIR_HASH_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", k & 0xff);
}

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE	*fp;

	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static size_t
read_file(const char *path, char *buf, size_t cap)
{
	FILE	*fp;
	size_t	 n;

	assert_non_null(fp = fopen(path, "r"));
	n = fread(buf, 1, cap - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return n;
}

static int
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* DIR/<sub>/<hex of k><suffix>. */
static void
file_of(const struct sessiondir *sd, const char *sub, int k,
    const char *suffix, char *buf, size_t len)
{
	char	hex[2 * SESSIONDIR_HASH_LEN + 1];

	hex_of(k, hex);
	snprintf(buf, len, "%s/%s/%s%s", sessiondir_path(sd), sub, hex,
	    suffix);
}

static struct sessiondir *
open_ok(const char *path, int lock)
{
	struct sessiondir	*sd = NULL;
	char			 err[512];
	int			 r;

	r = sessiondir_open(path, lock, &sd, err, sizeof(err));
	if (r != BT_OK)
		fail_msg("open %s: %d: %s", path, r, err);
	return sd;
}

static void
add_ok(struct sessiondir *sd, int k, const char *dir, int paused,
    int64_t added)
{
	char	bytes[32];
	uint8_t	ih[SESSIONDIR_HASH_LEN];

	hash_of(k, ih);
	snprintf(bytes, sizeof(bytes), "d4:info%de", k);
	assert_int_equal(sessiondir_add(sd, ih, bytes, strlen(bytes), dir,
	    paused, added), BT_OK);
}

static void
test_open_creates_layout(void **state)
{
	struct fx		*fx = *state;
	struct sessiondir	*sd;
	struct stat		 st;
	char			 p[256], buf[512], want[512], cwd[PATH_MAX];
	static const char	*subs[] = { "", "/torrents", "/resume" };
	size_t			 i;

	snprintf(p, sizeof(p), "%s/deep/er/sess", fx->box);
	sd = open_ok(p, 1);
	assert_string_equal(sessiondir_path(sd), p);
	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "%s%s", p, subs[i]);
		assert_int_equal(stat(buf, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		assert_int_equal(st.st_mode & 0777, 0700);
	}
	snprintf(buf, sizeof(buf), "%s/lock", p);
	read_file(buf, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	assert_string_equal(buf, want);
	sessiondir_close(sd);

	/* a relative --session is resolved once, at open */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(fx->box), 0);
	sd = open_ok("rel", 0);
	assert_int_equal(chdir(cwd), 0);
	snprintf(want, sizeof(want), "%s/rel", fx->box);
	assert_string_equal(sessiondir_path(sd), want);
	sessiondir_close(sd);
	sessiondir_close(NULL);
}

static void
test_default_path(void **state)
{
	static const struct {
		const char	*name, *xdg, *home, *want;
		size_t		 len;
		int		 r;
	} cases[] = {
		{ "xdg", "/x", "/h", "/x/bttui", 64, BT_OK },
		{ "relative xdg", "x", "/h", "/h/.local/state/bttui", 64,
		    BT_OK },
		{ "home only", NULL, "/h", "/h/.local/state/bttui", 64,
		    BT_OK },
		{ "neither", NULL, NULL, "", 64, BT_ERR_NOTFOUND },
		{ "relative both", "x", "h", "", 64, BT_ERR_NOTFOUND },
		{ "too small", "/x", NULL, "", 8, BT_ERR_LIMIT },
	};
	struct fx		*fx = *state;
	struct sessiondir	*sd;
	char			 buf[64], want[128], err[256];
	size_t			 i;
	int			 r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].xdg != NULL)
			setenv("XDG_STATE_HOME", cases[i].xdg, 1);
		else
			unsetenv("XDG_STATE_HOME");
		if (cases[i].home != NULL)
			setenv("HOME", cases[i].home, 1);
		else
			unsetenv("HOME");
		r = sessiondir_default_path(buf, cases[i].len);
		if (r != cases[i].r || strcmp(buf, cases[i].want) != 0)
			fail_msg("%s: got %d \"%s\", want %d \"%s\"",
			    cases[i].name, r, buf, cases[i].r, cases[i].want);
	}
	/* no default at all: a message that names the way out */
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	assert_int_equal(sessiondir_open(NULL, 1, &sd, err, sizeof(err)),
	    BT_ERR_NOTFOUND);
	assert_null(sd);
	assert_non_null(strstr(err, "--session"));
	assert_int_equal(sessiondir_open("", 1, &sd, err, sizeof(err)),
	    BT_ERR_INVALID);
	/* NULL opens the default */
	setenv("XDG_STATE_HOME", fx->box, 1);
	sd = open_ok(NULL, 1);
	snprintf(want, sizeof(want), "%s/bttui", fx->box);
	assert_string_equal(sessiondir_path(sd), want);
	sessiondir_close(sd);
}

static void
test_open_failures(void **state)
{
	struct fx		*fx = *state;
	struct sessiondir	*sd = (void *)1;
	char			 p[256], err[512];

	/* a file where the directory should be */
	snprintf(p, sizeof(p), "%s/file", fx->box);
	write_file(p, "x", 1);
	strcat(p, "/s");
	assert_int_equal(sessiondir_open(p, 1, &sd, err, sizeof(err)),
	    BT_ERR_SYS);
	assert_null(sd);
	assert_non_null(strstr(err, "cannot create session directory"));
	assert_non_null(strstr(err, "Not a directory"));
}

static void
test_add_list_order(void **state)
{
	static const struct {
		int		 k;
		const char	*dir;
		int		 paused;
		int64_t		 added;
	} adds[] = {
		{ 0xc3, "/data/one", 0, 1000 },
		{ 0x01, NULL, 1, 2000 },
		{ 0x7f, "/data/three", 0, -5 },
	};
	struct fx		*fx = *state;
	struct sessiondir	*sd = open_ok(fx->path, 1);
	struct sessiondir_entry	*v;
	struct warns		 w = { 0 };
	char			 want[256], buf[64], hex[41];
	uint8_t			 ih[SESSIONDIR_HASH_LEN];
	size_t			 n, i;

	assert_int_equal(sessiondir_list(sd, on_warn, &w, &v, &n), BT_OK);
	assert_null(v);
	assert_int_equal(n, 0);
	for (i = 0; i < 3; i++)
		add_ok(sd, adds[i].k, adds[i].dir, adds[i].paused,
		    adds[i].added);
	/* already there: refused, and its state is left as it was */
	hash_of(0xc3, ih);
	assert_int_equal(sessiondir_add(sd, ih, "x", 1, "/else", 1, 9),
	    BT_ERR_EXISTS);
	sessiondir_close(sd);

	/* a fresh handle reads it all back from disk, in add order */
	sd = open_ok(fx->path, 1);
	assert_int_equal(sessiondir_list(sd, on_warn, &w, &v, &n), BT_OK);
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++) {
		hash_of(adds[i].k, ih);
		hex_of(adds[i].k, hex);
		assert_memory_equal(v[i].info_hash, ih, sizeof(ih));
		assert_string_equal(v[i].hex, hex);
		assert_int_equal(v[i].order, i);
		assert_int_equal(v[i].paused, adds[i].paused);
		assert_int_equal(v[i].added, adds[i].added);
		if (adds[i].dir != NULL)
			snprintf(want, sizeof(want), "%s", adds[i].dir);
		else
			snprintf(want, sizeof(want), "%s/downloads", fx->path);
		assert_string_equal(v[i].dir, want);
		snprintf(want, sizeof(want), "%s/torrents/%s.torrent",
		    fx->path, hex);
		assert_string_equal(v[i].torrent_path, want);
		read_file(v[i].torrent_path, buf, sizeof(buf));
		snprintf(want, sizeof(want), "d4:info%de", adds[i].k);
		assert_string_equal(buf, want);
	}
	free(v);
	/* the next order comes after the ones on disk */
	add_ok(sd, 0x00, "/data/four", 0, 1);
	assert_int_equal(sessiondir_list(sd, on_warn, &w, &v, &n), BT_OK);
	assert_int_equal(n, 4);
	assert_int_equal(v[3].info_hash[0], 0x00);
	assert_int_equal(v[3].order, 3);
	free(v);
	assert_int_equal(w.n, 0);
	sessiondir_close(sd);
}

static void
test_add_invalid(void **state)
{
	static const struct {
		const char	*name, *dir;
		size_t		 len;
		int		 paused, r;
	} cases[] = {
		{ "empty torrent", "/d", 0, 0, BT_ERR_INVALID },
		{ "relative dir", "d", 4, 0, BT_ERR_INVALID },
		{ "paused 2", "/d", 4, 2, BT_ERR_INVALID },
		{ "huge", "/d", SESSIONDIR_MAX_TORRENT_BYTES + 1, 0,
		    BT_ERR_LIMIT },
	};
	struct fx		*fx = *state;
	struct sessiondir	*sd = open_ok(fx->path, 1);
	struct sessiondir_entry	*v;
	uint8_t			 ih[SESSIONDIR_HASH_LEN];
	size_t			 i, n;
	int			 r;

	hash_of(1, ih);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = sessiondir_add(sd, ih, "d1:ae", cases[i].len, cases[i].dir,
		    cases[i].paused, 0);
		if (r != cases[i].r)
			fail_msg("%s: got %d, want %d", cases[i].name, r,
			    cases[i].r);
	}
	assert_int_equal(sessiondir_list(sd, NULL, NULL, &v, &n), BT_OK);
	assert_int_equal(n, 0);
	sessiondir_close(sd);
}

static void
test_paused_and_remove(void **state)
{
	struct fx		*fx = *state;
	struct sessiondir	*sd = open_ok(fx->path, 1);
	struct sessiondir_entry	*v;
	char			 resume[512], p[512];
	uint8_t			 ih[SESSIONDIR_HASH_LEN];
	size_t			 n;

	add_ok(sd, 1, "/a", 0, 10);
	add_ok(sd, 2, "/b", 0, 20);
	add_ok(sd, 3, "/c", 1, 30);
	hash_of(2, ih);
	assert_int_equal(sessiondir_set_paused(sd, ih, 1), BT_OK);
	assert_int_equal(sessiondir_set_paused(sd, ih, 2), BT_ERR_INVALID);
	hash_of(3, ih);
	assert_int_equal(sessiondir_set_paused(sd, ih, 0), BT_OK);
	hash_of(9, ih);
	assert_int_equal(sessiondir_set_paused(sd, ih, 1), BT_ERR_NOTFOUND);
	assert_int_equal(sessiondir_list(sd, NULL, NULL, &v, &n), BT_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].paused, 0);
	assert_int_equal(v[1].paused, 1);
	assert_int_equal(v[2].paused, 0);
	assert_string_equal(v[1].dir, "/b");	/* the rest is kept */
	assert_int_equal(v[1].added, 20);
	assert_int_equal(v[1].order, 1);
	free(v);

	/* remove takes the .torrent, the .state and the resume record */
	hash_of(2, ih);
	assert_int_equal(sessiondir_resume_path(sd, ih, resume,
	    sizeof(resume)), BT_OK);
	file_of(sd, "resume", 2, ".resume", p, sizeof(p));
	assert_string_equal(resume, p);
	write_file(resume, "d e", 3);
	assert_int_equal(sessiondir_remove(sd, ih), BT_OK);
	assert_false(exists(resume));
	file_of(sd, "torrents", 2, ".torrent", p, sizeof(p));
	assert_false(exists(p));
	file_of(sd, "torrents", 2, ".state", p, sizeof(p));
	assert_false(exists(p));
	assert_int_equal(sessiondir_remove(sd, ih), BT_ERR_NOTFOUND);
	assert_int_equal(sessiondir_list(sd, NULL, NULL, &v, &n), BT_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].info_hash[0], 1);
	assert_int_equal(v[1].info_hash[0], 3);
	free(v);
	/* a removed torrent can be added again */
	add_ok(sd, 2, "/b2", 0, 40);
	sessiondir_close(sd);
}

/* Priorities live in the .state: none saved reads as none (all normal),
 * they survive set_paused and a reopen, bad input is refused, and an old
 * .state without "prio" still loads. */
static void
test_prio(void **state)
{
	static const uint8_t	 prio[] = { 0, 2, 3, 1, 0 };
	static const uint8_t	 bad[] = { 2, 4 };
	struct fx		*fx = *state;
	struct sessiondir	*sd = open_ok(fx->path, 1);
	struct sessiondir_entry	*v;
	char			 p[512], buf[1024];
	uint8_t			 ih[SESSIONDIR_HASH_LEN], *got;
	size_t			 n;

	add_ok(sd, 1, "/a", 0, 10);
	hash_of(1, ih);
	assert_int_equal(sessiondir_get_prio(sd, ih, &got, &n), BT_OK);
	assert_null(got);
	assert_int_equal(n, 0);
	assert_int_equal(sessiondir_set_prio(sd, ih, bad, 2), BT_ERR_INVALID);
	assert_int_equal(sessiondir_set_prio(sd, ih, prio, SESSIONDIR_MAX_PRIO
	    + 1), BT_ERR_LIMIT);
	assert_int_equal(sessiondir_set_prio(sd, ih, prio, 5), BT_OK);
	assert_int_equal(sessiondir_set_paused(sd, ih, 1), BT_OK);
	sessiondir_close(sd);
	sd = open_ok(fx->path, 1);
	assert_int_equal(sessiondir_get_prio(sd, ih, &got, &n), BT_OK);
	assert_int_equal(n, 5);
	assert_memory_equal(got, prio, 5);
	free(got);
	assert_int_equal(sessiondir_list(sd, NULL, NULL, &v, &n), BT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].paused, 1);		/* both kept */
	assert_string_equal(v[0].dir, "/a");
	free(v);
	/* Back to none. */
	assert_int_equal(sessiondir_set_prio(sd, ih, NULL, 0), BT_OK);
	assert_int_equal(sessiondir_get_prio(sd, ih, &got, &n), BT_OK);
	assert_null(got);
	/* A .state of before (no "prio") and one with a bad "prio": all
	 * normal, the torrent still listed. */
	file_of(sd, "torrents", 1, ".state", p, sizeof(p));
	snprintf(buf, sizeof(buf), "d5:addedi10e3:dir2:/a5:orderi0e"
	    "6:pausedi0e4:prio2:\x01\x09" "e");
	write_file(p, buf, strlen(buf));
	assert_int_equal(sessiondir_get_prio(sd, ih, &got, &n), BT_OK);
	assert_null(got);
	assert_int_equal(sessiondir_list(sd, NULL, NULL, &v, &n), BT_OK);
	assert_int_equal(n, 1);
	free(v);
	hash_of(9, ih);
	assert_int_equal(sessiondir_set_prio(sd, ih, prio, 5),
	    BT_ERR_NOTFOUND);
	assert_int_equal(sessiondir_get_prio(sd, ih, &got, &n),
	    BT_ERR_NOTFOUND);
	sessiondir_close(sd);
}

static void
test_resume_path_limit(void **state)
{
	struct fx		*fx = *state;
	struct sessiondir	*sd = open_ok(fx->path, 0);
	char			 buf[16] = "junk";
	uint8_t			 ih[SESSIONDIR_HASH_LEN];

	hash_of(5, ih);
	assert_int_equal(sessiondir_resume_path(sd, ih, buf, sizeof(buf)),
	    BT_ERR_LIMIT);
	assert_string_equal(buf, "");
	sessiondir_close(sd);
}

static void
test_corrupt_state_skipped(void **state)
{
	static const struct {
		const char	*name, *state;
		size_t		 len;	/* 0: strlen */
	} cases[] = {
		{ "empty", "", 0 },
		{ "garbage", "hello", 0 },
		{ "truncated", "d5:addedi1e3:dir2:/x5:orde", 0 },
		{ "a list", "le", 0 },
		{ "no dir", "d5:addedi1e5:orderi0e6:pausedi0ee", 0 },
		{ "relative dir", "d5:addedi1e3:dir1:x5:orderi0e6:pausedi0ee",
		    0 },
		{ "dir not a string", "d5:addedi1e3:diri1e5:orderi0e"
		    "6:pausedi0ee", 0 },
		{ "NUL in dir", "d5:addedi1e3:dir3:/\0x5:orderi0e6:pausedi0ee",
		    40 },
		{ "paused 2", "d5:addedi1e3:dir2:/x5:orderi0e6:pausedi2ee", 0 },
		{ "order -1", "d5:addedi1e3:dir2:/x5:orderi-1e6:pausedi0ee",
		    0 },
		{ "order 2^32", "d5:addedi1e3:dir2:/x5:orderi4294967296e"
		    "6:pausedi0ee", 0 },
		{ "no added", "d3:dir2:/x5:orderi0e6:pausedi0ee", 0 },
		{ "trailing", "d5:addedi1e3:dir2:/x5:orderi0e6:pausedi0eee",
		    0 },
	};
	struct fx		*fx = *state;
	struct sessiondir	*sd = open_ok(fx->path, 1);
	struct sessiondir_entry	*v;
	struct warns		 w;
	char			 p[512], hex[41], good[64];
	uint8_t			 ih[SESSIONDIR_HASH_LEN];
	size_t			 i, n;

	add_ok(sd, 1, "/good", 0, 1);
	add_ok(sd, 2, "/bad", 0, 2);
	file_of(sd, "torrents", 2, ".state", p, sizeof(p));
	hex_of(2, hex);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(p, cases[i].state, cases[i].len ? cases[i].len :
		    strlen(cases[i].state));
		memset(&w, 0, sizeof(w));
		assert_int_equal(sessiondir_list(sd, on_warn, &w, &v, &n),
		    BT_OK);
		if (n != 1 || w.n != 1 || strstr(w.last, hex) == NULL)
			fail_msg("%s: %zu listed, %d warnings (%s)",
			    cases[i].name, n, w.n, w.last);
		assert_string_equal(v[0].dir, "/good");
		free(v);
	}
	/* a FIFO in its place is skipped, not waited on */
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkfifo(p, 0600), 0);
	memset(&w, 0, sizeof(w));
	assert_int_equal(sessiondir_list(sd, on_warn, &w, &v, &n), BT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(w.n, 1);
	free(v);
	assert_int_equal(unlink(p), 0);
	write_file(p, "x", 1);
	/* a corrupt state is not overwritten by set_paused */
	hash_of(2, ih);
	assert_int_equal(sessiondir_set_paused(sd, ih, 1), BT_ERR_FORMAT);
	/* unknown keys are fine: a later bttui may add some */
	snprintf(good, sizeof(good), "%s",
	    "d5:addedi7e3:dir2:/x3:newi1e5:orderi4e6:pausedi1ee");
	write_file(p, good, strlen(good));
	assert_int_equal(sessiondir_list(sd, on_warn, &w, &v, &n), BT_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].dir, "/x");
	assert_int_equal(v[1].order, 4);
	assert_int_equal(v[1].added, 7);
	assert_int_equal(v[1].paused, 1);
	free(v);
	sessiondir_close(sd);
}

static void
test_torrent_without_state(void **state)
{
	struct fx		*fx = *state;
	struct sessiondir	*sd = open_ok(fx->path, 1);
	struct sessiondir_entry	*v;
	struct stat		 st;
	struct warns		 w = { 0 };
	char			 p[512], want[512];
	uint8_t			 ih[SESSIONDIR_HASH_LEN], first;
	size_t			 n, i;

	add_ok(sd, 0x50, "/a", 1, 1);
	/* dropped in by hand (or its .state was lost): adopted with the
	 * defaults, after the torrents that have a state */
	file_of(sd, "torrents", 0x90, ".torrent", p, sizeof(p));
	write_file(p, "d1:xe", 5);
	file_of(sd, "torrents", 0x10, ".torrent", p, sizeof(p));
	write_file(p, "d1:ye", 5);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(sessiondir_list(sd, on_warn, &w, &v, &n), BT_OK);
	assert_int_equal(w.n, 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].info_hash[0], 0x50);
	assert_int_equal(v[1].order, 1);
	assert_int_equal(v[2].order, 2);
	assert_int_equal(v[1].info_hash[0] ^ v[2].info_hash[0], 0x10 ^ 0x90);
	first = v[1].info_hash[0];
	i = first == 0x10 ? 1 : 2;
	assert_int_equal(v[i].paused, 0);
	assert_int_equal(v[i].added, st.st_mtime);
	snprintf(want, sizeof(want), "%s/downloads", fx->path);
	assert_string_equal(v[i].dir, want);
	free(v);
	file_of(sd, "torrents", 0x10, ".state", p, sizeof(p));
	assert_true(exists(p));
	/* the order stays put: a new torrent and a pause change nothing */
	add_ok(sd, 0x20, "/b", 0, 2);
	hash_of(0x90, ih);
	assert_int_equal(sessiondir_set_paused(sd, ih, 1), BT_OK);
	sessiondir_close(sd);
	sd = open_ok(fx->path, 0);
	assert_int_equal(sessiondir_list(sd, NULL, NULL, &v, &n), BT_OK);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].info_hash[0], 0x50);
	assert_int_equal(v[1].info_hash[0], first);
	assert_int_equal(v[3].info_hash[0], 0x20);
	assert_int_equal(v[3].order, 3);
	i = first == 0x90 ? 1 : 2;
	assert_int_equal(v[i].info_hash[0], 0x90);
	assert_int_equal(v[i].paused, 1);
	free(v);
	sessiondir_close(sd);
}

/* A crash can stop an add or a remove anywhere; each row is what it may
 * leave behind.  The session must open, the debris must go at the next
 * locked open, and files that are not ours must stay. */
static void
test_crash_leftovers(void **state)
{
	static const struct {
		const char	*sub;	/* under DIR */
		int		 hexed;	/* then the hex of 0x66 */
		const char	*rest;
		int		 stays;
	} files[] = {
		{ "torrents/", 1, ".torrent.Ab12Cd", 0 },
		{ "torrents/", 1, ".state.XyZ123", 0 },
		{ "torrents/", 1, ".state", 0 },	/* no .torrent yet */
		{ "resume/", 1, ".resume", 0 },		/* remove stopped */
		{ "resume/", 1, ".resume.a1b2c3", 0 },
		{ "", 0, "settings.q1w2e3", 0 },
		{ "", 0, "notes.txt", 1 },
		{ "torrents/", 0, "README", 1 },
		{ "torrents/", 1, ".torrent.toolong7", 1 },
		{ "torrents/", 1, ".torrent.ab-12c", 1 },
		{ "", 0, "settings.", 1 },
	};
	struct fx		*fx = *state;
	struct sessiondir	*sd = open_ok(fx->path, 1);
	struct sessiondir_entry	*v;
	struct warns		 w = { 0 };
	char			 p[512], name[256], hex[41];
	size_t			 i, n;

	add_ok(sd, 1, "/kept", 0, 1);
	sessiondir_close(sd);
	hex_of(0x66, hex);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(name, sizeof(name), "%s%s%s", files[i].sub,
		    files[i].hexed ? hex : "", files[i].rest);
		snprintf(p, sizeof(p), "%s/%s", fx->path, name);
		write_file(p, "junk", 4);
	}
	/* the engine's view (no lock, no sweep): the orphan state is
	 * reported and skipped, the rest is ignored */
	sd = open_ok(fx->path, 0);
	assert_int_equal(sessiondir_list(sd, on_warn, &w, &v, &n), BT_OK);
	assert_int_equal(n, 1);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.last, hex));
	free(v);
	sessiondir_close(sd);
	/* the front's open sweeps */
	sd = open_ok(fx->path, 1);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(name, sizeof(name), "%s%s%s", files[i].sub,
		    files[i].hexed ? hex : "", files[i].rest);
		snprintf(p, sizeof(p), "%s/%s", fx->path, name);
		if (exists(p) != files[i].stays)
			fail_msg("%s: exists %d, want %d", name, exists(p),
			    files[i].stays);
	}
	memset(&w, 0, sizeof(w));
	assert_int_equal(sessiondir_list(sd, on_warn, &w, &v, &n), BT_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].dir, "/kept");
	assert_int_equal(w.n, 0);
	free(v);
	sessiondir_close(sd);
}

static void
test_settings(void **state)
{
	static const struct {
		const char	*name, *text;
		int		 r;
		uint64_t	 down, up;
		uint32_t	 active;
	} cases[] = {
		{ "garbage", "xyz", BT_ERR_FORMAT, 0, 0, 5 },
		{ "empty", "", BT_ERR_FORMAT, 0, 0, 5 },
		{ "not a dict", "i3e", BT_ERR_FORMAT, 0, 0, 5 },
		{ "negative", "d10:max_activei-1ee", BT_ERR_FORMAT, 0, 0, 5 },
		{ "wrong type", "d12:max_down_bps3:abce", BT_ERR_FORMAT, 0, 0,
		    5 },
		{ "active 2^32", "d10:max_activei4294967296ee", BT_ERR_FORMAT,
		    0, 0, 5 },
		{ "one key", "d10:max_activei9ee", BT_OK, 0, 0, 9 },
		{ "all", "d10:max_activei0e12:max_down_bpsi100e"
		    "10:max_up_bpsi50ee", BT_OK, 100, 50, 0 },
		{ "unknown key", "d5:colori1e10:max_up_bpsi7ee", BT_OK, 0, 7,
		    5 },
		{ "turtle 2", "d6:turtlei2ee", BT_ERR_FORMAT, 0, 0, 5 },
		{ "turtle on", "d12:alt_down_bpsi10e6:turtlei1ee", BT_OK, 0, 0,
		    5 },
	};
	struct fx			*fx = *state;
	struct sessiondir		*sd = open_ok(fx->path, 1);
	struct sessiondir_settings	 s, in;
	char				 p[512];
	size_t				 i;
	int				 r;

	memset(&s, 0xff, sizeof(s));
	assert_int_equal(sessiondir_settings_load(sd, &s), BT_OK);
	assert_int_equal(s.max_down_bps, 0);
	assert_int_equal(s.max_up_bps, 0);
	assert_int_equal(s.max_active, SESSIONDIR_DEFAULT_MAX_ACTIVE);
	assert_int_equal(s.turtle, 0);
	assert_int_equal(s.alt_down_bps, SESSIONDIR_DEFAULT_ALT_BPS);
	assert_int_equal(s.alt_up_bps, SESSIONDIR_DEFAULT_ALT_BPS);

	memset(&in, 0, sizeof(in));
	in.alt_down_bps = 7;
	in.alt_up_bps = 0;
	in.turtle = 1;
	in.max_down_bps = INT64_MAX;
	in.max_up_bps = 12345;
	in.max_active = UINT32_MAX;
	assert_int_equal(sessiondir_settings_save(sd, &in), BT_OK);
	assert_int_equal(sessiondir_settings_load(sd, &s), BT_OK);
	assert_true(s.max_down_bps == (uint64_t)INT64_MAX);
	assert_int_equal(s.max_up_bps, 12345);
	assert_int_equal(s.max_active, UINT32_MAX);
	assert_int_equal(s.alt_down_bps, 7);
	assert_int_equal(s.alt_up_bps, 0);
	assert_int_equal(s.turtle, 1);
	in.alt_up_bps = (uint64_t)INT64_MAX + 1;
	assert_int_equal(sessiondir_settings_save(sd, &in), BT_ERR_RANGE);
	in.alt_up_bps = 0;
	in.max_up_bps = (uint64_t)INT64_MAX + 1;
	assert_int_equal(sessiondir_settings_save(sd, &in), BT_ERR_RANGE);

	snprintf(p, sizeof(p), "%s/settings", fx->path);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(sessiondir_settings_load(sd, &s), BT_ERR_FORMAT);
	assert_int_equal(s.max_active, SESSIONDIR_DEFAULT_MAX_ACTIVE);
	assert_int_equal(unlink(p), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(p, cases[i].text, strlen(cases[i].text));
		memset(&s, 0xff, sizeof(s));
		r = sessiondir_settings_load(sd, &s);
		/* "turtle on": the other alt limit keeps its default */
		if (strcmp(cases[i].name, "turtle on") == 0 &&
		    (s.turtle != 1 || s.alt_down_bps != 10 ||
		    s.alt_up_bps != SESSIONDIR_DEFAULT_ALT_BPS))
			fail_msg("turtle on: got %d %ju/%ju", s.turtle,
			    (uintmax_t)s.alt_down_bps,
			    (uintmax_t)s.alt_up_bps);
		if (r != cases[i].r || s.max_down_bps != cases[i].down ||
		    s.max_up_bps != cases[i].up ||
		    s.max_active != cases[i].active)
			fail_msg("%s: got %d %ju/%ju/%u", cases[i].name, r,
			    (uintmax_t)s.max_down_bps,
			    (uintmax_t)s.max_up_bps, s.max_active);
	}
	sessiondir_close(sd);
}

static void
test_lock_in_process(void **state)
{
	struct fx		*fx = *state;
	struct sessiondir	*a = open_ok(fx->path, 1), *b, *c;
	char			 err[512], want[256];
	int			 fd;

	/* a second open file description conflicts, even in one process */
	assert_int_equal(sessiondir_open(fx->path, 1, &b, err, sizeof(err)),
	    BT_ERR_BUSY);
	assert_null(b);
	snprintf(want, sizeof(want), "session %s is in use by another bttui "
	    "(pid %ld); quit it or use --session", fx->path, (long)getpid());
	assert_string_equal(err, want);
	/* the engine's open does not lock */
	c = open_ok(fx->path, 0);
	sessiondir_close(c);
	sessiondir_close(a);
	/* released at close */
	b = open_ok(fx->path, 1);
	sessiondir_close(b);

	/* a holder that has not written its pid yet */
	snprintf(want, sizeof(want), "%s/lock", fx->path);
	assert_true((fd = open(want, O_RDWR | O_TRUNC)) >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(sessiondir_open(fx->path, 1, &b, err, sizeof(err)),
	    BT_ERR_BUSY);
	assert_null(strstr(err, "pid"));
	assert_non_null(strstr(err, "in use by another bttui"));
	close(fd);
}

static void
child_holds_lock(const char *path, int tell, int hear)
{
	struct sessiondir	*sd = NULL;
	char			 c;

	if (sessiondir_open(path, 1, &sd, NULL, 0) != BT_OK)
		_exit(1);
	if (write(tell, "l", 1) != 1 || read(hear, &c, 1) != 1)
		_exit(2);
	sessiondir_close(sd);
	if (write(tell, "c", 1) != 1 || read(hear, &c, 1) != 1)
		_exit(3);
	_exit(0);
}

static void
test_lock_other_process(void **state)
{
	struct fx		*fx = *state;
	struct sessiondir	*sd;
	char			 err[512], want[64], c;
	int			 up[2], down[2], status;
	pid_t			 pid;

	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		child_holds_lock(fx->path, up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	assert_int_equal(read(up[0], &c, 1), 1);
	assert_int_equal(c, 'l');
	assert_int_equal(sessiondir_open(fx->path, 1, &sd, err, sizeof(err)),
	    BT_ERR_BUSY);
	snprintf(want, sizeof(want), "(pid %ld)", (long)pid);
	assert_non_null(strstr(err, want));
	/* the child closes while it lives on: the lock is free */
	assert_int_equal(write(down[1], "x", 1), 1);
	assert_int_equal(read(up[0], &c, 1), 1);
	assert_int_equal(c, 'c');
	sd = open_ok(fx->path, 1);
	assert_int_equal(write(down[1], "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	sessiondir_close(sd);
	close(up[0]);
	close(down[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates_layout,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_path, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_add_list_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_add_invalid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_prio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paused_and_remove, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resume_path_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_state_skipped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_torrent_without_state,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_leftovers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_settings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lock_in_process, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lock_other_process, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * sessiondir: the session directory's handle, lock, clean-up and settings,
 * and the helpers its torrent files share (sessiondir_torrents.c holds the
 * torrents; see sessiondir.h for the layout).  The handle keeps only the
 * resolved path, the lock descriptor and the next free order number:
 * everything else is read from disk when asked, and every write goes
 * through atomicfile, so what a call acknowledged survives a crash.
 */
#include "engine/sessiondir.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/atomicfile.h"
#include "engine/bencode.h"
#include "engine/resume.h"
#include "engine/journal.h"
#include "engine/sessiondir_impl.h"
#include "engine/sha1.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define TEMP_SUFFIX_LEN	7	/* atomicfile's mkstemp ".XXXXXX" */
/* The longest path under DIR: a .torrent's temporary file. */
#define LONGEST_NAME	(sizeof("/torrents/") - 1 + SESSIONDIR_HEX_LEN + \
			    sizeof(".torrent") - 1 + TEMP_SUFFIX_LEN)

/* DIR/name into buf. */
int
sessiondir_sub_path(const struct sessiondir *sd, char *buf, size_t len,
    const char *name)
{
	int	n = snprintf(buf, len, "%s/%s", sd->path, name);

	return n < 0 || (size_t)n >= len ? BT_ERR_LIMIT : BT_OK;
}

/* DIR/sub/HEX<suffix> into buf. */
int
sessiondir_hash_path(const struct sessiondir *sd, char *buf, size_t len,
    const char *sub, const uint8_t ih[SESSIONDIR_HASH_LEN],
    const char *suffix)
{
	char	hex[SESSIONDIR_HEX_LEN + 1];
	int	n;

	sha1_hex(ih, hex);
	n = snprintf(buf, len, "%s/%s/%s%s", sd->path, sub, hex, suffix);
	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return BT_ERR_LIMIT;
	}
	return BT_OK;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* 1 when name[0..len) is 40 lower-case hex digits then suffix; fills ih. */
int
sessiondir_name_hash(const char *name, size_t len, const char *suffix,
    uint8_t ih[SESSIONDIR_HASH_LEN])
{
	size_t	slen = strlen(suffix), i;
	int	hi, lo;

	if (len != SESSIONDIR_HEX_LEN + slen ||
	    memcmp(name + SESSIONDIR_HEX_LEN, suffix, slen) != 0)
		return 0;
	for (i = 0; i < SESSIONDIR_HASH_LEN; i++) {
		if ((hi = hex_digit(name[2 * i])) < 0 ||
		    (lo = hex_digit(name[2 * i + 1])) < 0)
			return 0;
		ih[i] = (uint8_t)(hi << 4 | lo);
	}
	return 1;
}

/*
 * Reads a small file whole into buf[0..cap) and sets *len_out.  Errors:
 * BT_ERR_NOTFOUND (no such file), BT_ERR_LIMIT (cap bytes or more, or not
 * a regular file), BT_ERR_SYS.
 */
int
sessiondir_read_small(const char *path, uint8_t *buf, size_t cap,
    size_t *len_out)
{
	struct stat	st;
	size_t		n = 0;
	ssize_t		got;
	int		fd, r = BT_OK, saved;

	*len_out = 0;
	/* O_NONBLOCK: a FIFO in the file's place must not hang the open. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return errno == ENOENT ? BT_ERR_NOTFOUND : BT_ERR_SYS;
	if (fstat(fd, &st) == -1) {
		r = BT_ERR_SYS;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = BT_ERR_LIMIT;
		goto out;
	}
	do {
		if (n == cap) {
			r = BT_ERR_LIMIT;
			goto out;
		}
		while ((got = read(fd, buf + n, cap - n)) == -1 &&
		    errno == EINTR)
			;
		if (got == -1) {
			r = BT_ERR_SYS;
			goto out;
		}
		n += (size_t)got;
	} while (got > 0);
	*len_out = n;
out:
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

/* Decodes p[0..n) as one bencoded dictionary; *out is NULL on failure. */
int
sessiondir_decode_dict(const uint8_t *p, size_t n, struct bencode **out,
    char *why, size_t whylen)
{
	struct bencode_err	berr;
	struct bbuf		in;
	int			r;

	bbuf_view(&in, p, n);
	if ((r = bencode_decode(&in, out, &berr)) != BT_OK) {
		bt_errf(why, whylen, "%s", berr.msg);
		return r == BT_ERR_NOMEM ? r : BT_ERR_FORMAT;
	}
	if ((*out)->type != BENCODE_DICT) {
		bencode_free(*out);
		*out = NULL;
		bt_errf(why, whylen, "not a dictionary");
		return BT_ERR_FORMAT;
	}
	return BT_OK;
}

/* An integer key in [lo, hi]; BT_ERR_NOTFOUND when absent. */
int
sessiondir_get_int(const struct bencode *d, const char *key, int64_t lo,
    int64_t hi, int64_t *out, char *why, size_t whylen)
{
	const struct bencode	*v;

	if ((v = bencode_dict_get(d, key)) == NULL) {
		bt_errf(why, whylen, "\"%s\" is missing", key);
		return BT_ERR_NOTFOUND;
	}
	if (v->type != BENCODE_INT || v->i < lo || v->i > hi) {
		bt_errf(why, whylen, "\"%s\" is not an integer from %" PRId64
		    " to %" PRId64, key, lo, hi);
		return BT_ERR_FORMAT;
	}
	*out = v->i;
	return BT_OK;
}

int
sessiondir_default_path(char *buf, size_t len)
{
	const char	*xdg = getenv("XDG_STATE_HOME");
	const char	*home = getenv("HOME");
	int		 n;

	if (len > 0)
		buf[0] = '\0';
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, len, "%s/bttui", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, len, "%s/.local/state/bttui", home);
	else
		return BT_ERR_NOTFOUND;
	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return BT_ERR_LIMIT;
	}
	return BT_OK;
}

/* mkdir -p with mode 0700.  On failure dir is cut at the component that
 * could not be made and errno says why. */
static int
make_dirs(char *dir)
{
	struct stat	 st;
	char		*p = dir;
	int		 last;

	do {
		p += strspn(p, "/");
		p += strcspn(p, "/");
		last = *p == '\0';
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			return -1;
		if (stat(dir, &st) == -1)
			return -1;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
		if (!last)
			*p = '/';
	} while (!last);
	return 0;
}

/* Creates dir and its subdirectories and stores its resolved path. */
static int
make_tree(struct sessiondir *sd, char *dir, char *err, size_t errlen)
{
	static const char	*subs[] = { "torrents", "resume" };
	char			 resolved[PATH_MAX], sub[SESSIONDIR_PATH_MAX];
	size_t			 i;

	if (make_dirs(dir) == -1 || realpath(dir, resolved) == NULL) {
		bt_errf(err, errlen, "cannot create session directory %s: %s "
		    "(pick another with --session)", dir, strerror(errno));
		return BT_ERR_SYS;
	}
	if (strlen(resolved) + LONGEST_NAME >= sizeof(sd->path)) {
		bt_errf(err, errlen, "session directory %s: path too long "
		    "(pick a shorter one with --session)", resolved);
		return BT_ERR_LIMIT;
	}
	memcpy(sd->path, resolved, strlen(resolved) + 1);
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (sessiondir_sub_path(sd, sub, sizeof(sub),
		    subs[i]) != BT_OK ||
		    make_dirs(sub) == -1) {
			bt_errf(err, errlen, "cannot create %s: %s (pick "
			    "another session with --session)", sub,
			    strerror(errno));
			return BT_ERR_SYS;
		}
	}
	return BT_OK;
}

/* The pid a lock holder wrote into the lock file; 0 when unreadable. */
static long
lock_holder(int fd)
{
	char	buf[32], *end;
	ssize_t	n;
	long	pid;

	if ((n = pread(fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || *end != '\n' || pid <= 0)
		return 0;
	return pid;
}

/* flock() is per open file description, so the lock is ours until close,
 * dies with the process, and a second open in this process conflicts too. */
static int
take_lock(struct sessiondir *sd, char *err, size_t errlen)
{
	char	path[SESSIONDIR_PATH_MAX], pid[32];
	long	holder;
	int	n;

	if (sessiondir_sub_path(sd, path, sizeof(path), "lock") != BT_OK)
		return BT_ERR_LIMIT;
	sd->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (sd->lock_fd == -1) {
		bt_errf(err, errlen, "cannot open %s: %s", path,
		    strerror(errno));
		return BT_ERR_SYS;
	}
	while (flock(sd->lock_fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			bt_errf(err, errlen, "cannot lock %s: %s", path,
			    strerror(errno));
			return BT_ERR_SYS;
		}
		/* 0: the holder has not written its pid yet. */
		if ((holder = lock_holder(sd->lock_fd)) > 0)
			bt_errf(err, errlen, "session %s is in use by another "
			    "bttui (pid %ld); quit it or use --session",
			    sd->path, holder);
		else
			bt_errf(err, errlen, "session %s is in use by another "
			    "bttui; quit it or use --session", sd->path);
		return BT_ERR_BUSY;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(sd->lock_fd, 0) == -1 ||
	    pwrite(sd->lock_fd, pid, (size_t)n, 0) != n) {
		bt_errf(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
		return BT_ERR_SYS;
	}
	return BT_OK;
}

/* What a crash may leave in one subdirectory of DIR: temporary files of
 * the names we write, and files of a torrent whose .torrent is gone. */
struct sweep_rule {
	const char	*sub;
	const char	*plain;		/* a name without HEX, or NULL */
	const char	*suffixes[2];	/* HEX<suffix> names we write */
	const char	*orphan;	/* HEX<orphan> needs HEX.torrent */
};

static const struct sweep_rule sweep_rules[] = {
	{ ".", "settings", { NULL, NULL }, NULL },
	{ "torrents", NULL, { ".torrent", ".state" }, ".state" },
	{ "resume", NULL, { RESUME_SUFFIX, NULL }, RESUME_SUFFIX },
	{ "resume", NULL, { JOURNAL_SUFFIX, NULL }, JOURNAL_SUFFIX },
};

/* 1 when name[0..len) is a name rule r says we write. */
static int
ours(const struct sweep_rule *r, const char *name, size_t len)
{
	uint8_t	ih[SESSIONDIR_HASH_LEN];
	size_t	i;

	if (r->plain != NULL && strlen(r->plain) == len &&
	    memcmp(r->plain, name, len) == 0)
		return 1;
	for (i = 0; i < 2; i++) {
		if (r->suffixes[i] != NULL &&
		    sessiondir_name_hash(name, len, r->suffixes[i], ih))
			return 1;
	}
	return 0;
}

/* 1 when name is one of ours followed by atomicfile's ".XXXXXX". */
static int
is_temp(const struct sweep_rule *r, const char *name)
{
	size_t	n = strlen(name), i;

	if (n <= TEMP_SUFFIX_LEN || name[n - TEMP_SUFFIX_LEN] != '.')
		return 0;
	for (i = n - TEMP_SUFFIX_LEN + 1; i < n; i++) {
		if (!isalnum((unsigned char)name[i]))
			return 0;
	}
	return ours(r, name, n - TEMP_SUFFIX_LEN);
}

static int
is_orphan(const struct sessiondir *sd, const struct sweep_rule *r,
    const char *name)
{
	char	path[SESSIONDIR_PATH_MAX];
	uint8_t	ih[SESSIONDIR_HASH_LEN];

	if (r->orphan == NULL ||
	    !sessiondir_name_hash(name, strlen(name), r->orphan, ih) ||
	    sessiondir_hash_path(sd, path, sizeof(path), "torrents", ih,
	    ".torrent") != BT_OK)
		return 0;
	return access(path, F_OK) == -1 && errno == ENOENT;
}

/* Best effort: what cannot be removed is skipped by listings anyway. */
static void
sweep(const struct sessiondir *sd)
{
	const struct sweep_rule	*r;
	struct dirent		*de;
	char			 dir[SESSIONDIR_PATH_MAX];
	size_t			 i;
	DIR			*d;

	for (i = 0; i < sizeof(sweep_rules) / sizeof(sweep_rules[0]); i++) {
		r = &sweep_rules[i];
		if (sessiondir_sub_path(sd, dir, sizeof(dir),
		    r->sub) != BT_OK ||
		    (d = opendir(dir)) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			if (is_temp(r, de->d_name) ||
			    is_orphan(sd, r, de->d_name))
				unlinkat(dirfd(d), de->d_name, 0);
		}
		closedir(d);
	}
}

/* The directory to open: path, or the default. */
static int
choose_path(const char *path, char *buf, size_t len, char *err,
    size_t errlen)
{
	int	r;

	if (path == NULL) {
		if ((r = sessiondir_default_path(buf, len)) == BT_ERR_NOTFOUND)
			bt_errf(err, errlen, "no session directory: neither "
			    "XDG_STATE_HOME nor HOME is an absolute path (pick "
			    "one with --session)");
		else if (r != BT_OK)
			bt_errf(err, errlen, "the default session directory "
			    "is too long (pick one with --session)");
		return r;
	}
	if (path[0] == '\0') {
		bt_errf(err, errlen, "the session directory name is empty");
		return BT_ERR_INVALID;
	}
	if (strlen(path) >= len) {
		bt_errf(err, errlen, "session directory %.64s...: path too "
		    "long", path);
		return BT_ERR_LIMIT;
	}
	memcpy(buf, path, strlen(path) + 1);
	return BT_OK;
}

int
sessiondir_open(const char *path, int lock, struct sessiondir **out,
    char *err, size_t errlen)
{
	struct sessiondir	*sd = NULL;
	char			 dir[SESSIONDIR_PATH_MAX];
	int			 r;

	*out = NULL;
	bt_errf(err, errlen, "%s", "");
	if ((r = choose_path(path, dir, sizeof(dir), err, errlen)) != BT_OK)
		goto out;
	if ((sd = calloc(1, sizeof(*sd))) == NULL) {
		bt_errf(err, errlen, "out of memory");
		r = BT_ERR_NOMEM;
		goto out;
	}
	sd->lock_fd = -1;
	sd->next_order = -1;
	if ((r = make_tree(sd, dir, err, errlen)) != BT_OK)
		goto out;
	if (lock) {
		if ((r = take_lock(sd, err, errlen)) != BT_OK)
			goto out;
		sweep(sd);
	}
	*out = sd;
	sd = NULL;
out:
	sessiondir_close(sd);
	return r;
}

void
sessiondir_close(struct sessiondir *sd)
{
	int	saved = errno;

	if (sd == NULL)
		return;
	if (sd->lock_fd != -1)
		close(sd->lock_fd);
	free(sd);
	errno = saved;
}

const char *
sessiondir_path(const struct sessiondir *sd)
{
	return sd->path;
}

int
sessiondir_resume_path(const struct sessiondir *sd,
    const uint8_t ih[SESSIONDIR_HASH_LEN], char *buf, size_t len)
{
	return sessiondir_hash_path(sd, buf, len, "resume", ih, RESUME_SUFFIX);
}

static void
settings_defaults(struct sessiondir_settings *s)
{
	s->max_down_bps = 0;
	s->max_up_bps = 0;
	s->max_active = SESSIONDIR_DEFAULT_MAX_ACTIVE;
	s->alt_down_bps = SESSIONDIR_DEFAULT_ALT_BPS;
	s->alt_up_bps = SESSIONDIR_DEFAULT_ALT_BPS;
	s->turtle = 0;
}

/* The keys of a settings tree; an absent key keeps its default. */
static int
parse_settings(const struct bencode *d, struct sessiondir_settings *s)
{
	static const struct {
		const char	*key;
		int64_t		 max;
	} keys[] = {
		{ "max_active", UINT32_MAX },
		{ "max_down_bps", INT64_MAX },
		{ "max_up_bps", INT64_MAX },
		{ "alt_down_bps", INT64_MAX },
		{ "alt_up_bps", INT64_MAX },
		{ "turtle", 1 },
	};
	int64_t		v[6];
	size_t		i;
	int		r;

	v[0] = s->max_active;
	v[1] = (int64_t)s->max_down_bps;
	v[2] = (int64_t)s->max_up_bps;
	v[3] = (int64_t)s->alt_down_bps;
	v[4] = (int64_t)s->alt_up_bps;
	v[5] = s->turtle;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		r = sessiondir_get_int(d, keys[i].key, 0, keys[i].max, &v[i],
		    NULL, 0);
		if (r != BT_OK && r != BT_ERR_NOTFOUND)
			return r;
	}
	s->max_active = (uint32_t)v[0];
	s->max_down_bps = (uint64_t)v[1];
	s->max_up_bps = (uint64_t)v[2];
	s->alt_down_bps = (uint64_t)v[3];
	s->alt_up_bps = (uint64_t)v[4];
	s->turtle = (int)v[5];
	return BT_OK;
}

int
sessiondir_settings_load(struct sessiondir *sd,
    struct sessiondir_settings *out)
{
	struct sessiondir_settings	 s;
	uint8_t				 buf[SESSIONDIR_SMALL_MAX];
	char				 path[SESSIONDIR_PATH_MAX];
	struct bencode			*tree = NULL;
	size_t				 n;
	int				 r;

	settings_defaults(out);
	settings_defaults(&s);
	if (sessiondir_sub_path(sd, path, sizeof(path), "settings") != BT_OK)
		return BT_ERR_LIMIT;
	r = sessiondir_read_small(path, buf, sizeof(buf), &n);
	if (r == BT_ERR_NOTFOUND)
		return BT_OK;
	if (r == BT_ERR_LIMIT)
		return BT_ERR_FORMAT;
	if (r != BT_OK)
		return r;
	if ((r = sessiondir_decode_dict(buf, n, &tree, NULL, 0)) == BT_OK &&
	    (r = parse_settings(tree, &s)) == BT_OK)
		*out = s;
	bencode_free(tree);
	return r;
}

int
sessiondir_settings_save(struct sessiondir *sd,
    const struct sessiondir_settings *s)
{
	char		path[SESSIONDIR_PATH_MAX], text[256];
	int		n;

	if (s->max_down_bps > INT64_MAX || s->max_up_bps > INT64_MAX ||
	    s->alt_down_bps > INT64_MAX || s->alt_up_bps > INT64_MAX)
		return BT_ERR_RANGE;
	if (sessiondir_sub_path(sd, path, sizeof(path), "settings") != BT_OK)
		return BT_ERR_LIMIT;
	/* bencode: the keys in sorted order */
	n = snprintf(text, sizeof(text), "d12:alt_down_bpsi%" PRIu64 "e"
	    "10:alt_up_bpsi%" PRIu64 "e10:max_activei%" PRIu32 "e"
	    "12:max_down_bpsi%" PRIu64 "e10:max_up_bpsi%" PRIu64 "e"
	    "6:turtlei%de" "e", s->alt_down_bps, s->alt_up_bps,
	    s->max_active, s->max_down_bps, s->max_up_bps, s->turtle != 0);
	return atomicfile_write(path, text, (size_t)n, ATOMICFILE_REPLACE);
}

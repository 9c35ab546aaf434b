/*
 * sessiondir_torrents: the torrents of a session directory, one HEX.torrent
 * and one HEX.state each (see sessiondir.h).  HEX.torrent is the commit
 * point: written last when adding, removed first when removing, so that a
 * crash in between leaves nothing a listing reports.
 */
#include "engine/sessiondir.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
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

/* fsync()s a directory so that names made or removed in it last. */
static int
sync_dir(const char *dir)
{
	int	fd, r, saved;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return BT_ERR_SYS;
	while ((r = fsync(fd)) == -1 && errno == EINTR)
		;
	saved = errno;
	close(fd);
	errno = saved;
	return r == -1 ? BT_ERR_SYS : BT_OK;
}

/* The fields of a .state tree into e; every key is required. */
static int
parse_state(const struct bencode *d, struct sessiondir_entry *e, char *why,
    size_t whylen)
{
	const struct bencode	*dir;
	int64_t			 added, order, paused;
	int			 r;

	if ((r = sessiondir_get_int(d, "added", INT64_MIN, INT64_MAX, &added,
	    why, whylen)) != BT_OK ||
	    (r = sessiondir_get_int(d, "order", 0, UINT32_MAX, &order, why,
	    whylen)) != BT_OK ||
	    (r = sessiondir_get_int(d, "paused", 0, 1, &paused, why,
	    whylen)) != BT_OK)
		return BT_ERR_FORMAT;
	dir = bencode_dict_get_type(d, "dir", BENCODE_STR);
	if (dir == NULL || dir->slen == 0 || dir->s[0] != '/' ||
	    dir->slen >= sizeof(e->dir) || memchr(dir->s, '\0', dir->slen)) {
		bt_errf(why, whylen, "\"dir\" is not an absolute path");
		return BT_ERR_FORMAT;
	}
	memcpy(e->dir, dir->s, dir->slen + 1);
	e->added = added;
	e->order = (uint32_t)order;
	e->paused = (int)paused;
	return BT_OK;
}

/* HEX.state decoded into *tree_out (bencode_free it).  Errors as
 * load_state. */
static int
read_state(const struct sessiondir *sd, const uint8_t ih[SESSIONDIR_HASH_LEN],
    struct bencode **tree_out, char *why, size_t whylen)
{
	uint8_t		*buf;
	char		 path[SESSIONDIR_PATH_MAX];
	size_t		 n;
	int		 r;

	*tree_out = NULL;
	if ((r = sessiondir_hash_path(sd, path, sizeof(path), "torrents", ih,
	    ".state")) != BT_OK)
		return r;
	if ((buf = malloc(SESSIONDIR_STATE_MAX)) == NULL)
		return BT_ERR_NOMEM;
	r = sessiondir_read_small(path, buf, SESSIONDIR_STATE_MAX, &n);
	if (r == BT_ERR_LIMIT) {
		bt_errf(why, whylen, "too large or not a regular file");
		r = BT_ERR_FORMAT;
	} else if (r == BT_ERR_SYS)
		bt_errf(why, whylen, "%s", strerror(errno));
	if (r == BT_OK)
		r = sessiondir_decode_dict(buf, n, tree_out, why, whylen);
	free(buf);
	return r;
}

/*
 * Reads HEX.state into e's state fields.  Errors: BT_ERR_NOTFOUND,
 * BT_ERR_FORMAT (why says what is wrong), BT_ERR_SYS, BT_ERR_NOMEM.
 */
static int
load_state(const struct sessiondir *sd, const uint8_t ih[SESSIONDIR_HASH_LEN],
    struct sessiondir_entry *e, char *why, size_t whylen)
{
	struct bencode	*tree = NULL;
	int		 r;

	if ((r = read_state(sd, ih, &tree, why, whylen)) == BT_OK)
		r = parse_state(tree, e, why, whylen);
	bencode_free(tree);
	return r;
}

/* The "prio" string of a decoded .state, one byte per file, each below
 * SESSIONDIR_PRIO_COUNT; NULL when absent or malformed (all normal). */
static const struct bencode *
state_prio(const struct bencode *tree)
{
	const struct bencode	*p;
	size_t			 i;

	p = bencode_dict_get_type(tree, "prio", BENCODE_STR);
	if (p == NULL || p->slen > SESSIONDIR_MAX_PRIO)
		return NULL;
	for (i = 0; i < p->slen; i++)
		if ((uint8_t)p->s[i] >= SESSIONDIR_PRIO_COUNT)
			return NULL;
	return p;
}

/* Writes e's state fields and prio[0..nprio) (none when 0) as HEX.state
 * (keys in canonical order). */
static int
write_state(const struct sessiondir *sd, const struct sessiondir_entry *e,
    const uint8_t *prio, size_t nprio)
{
	char		path[SESSIONDIR_PATH_MAX];
	struct bbuf	b;
	size_t		dlen = strlen(e->dir);
	int		r, saved;

	if ((r = sessiondir_hash_path(sd, path, sizeof(path), "torrents",
	    e->info_hash, ".state")) != BT_OK)
		return r;
	bbuf_init(&b, SESSIONDIR_STATE_MAX);
	if ((r = bbuf_putf(&b, "d5:addedi%" PRId64 "e3:dir%zu:", e->added,
	    dlen)) == BT_OK &&
	    (r = bbuf_put_bytes(&b, e->dir, dlen)) == BT_OK &&
	    (r = bbuf_putf(&b, "5:orderi%" PRIu32 "e6:pausedi%de", e->order,
	    e->paused)) == BT_OK && nprio > 0 &&
	    (r = bbuf_putf(&b, "4:prio%zu:", nprio)) == BT_OK)
		r = bbuf_put_bytes(&b, prio, nprio);
	if (r == BT_OK && (r = bbuf_putf(&b, "e")) == BT_OK)
		r = atomicfile_write(path, bbuf_ptr(&b), bbuf_len(&b),
		    ATOMICFILE_REPLACE);
	saved = errno;
	bbuf_cleanup(&b);
	errno = saved;
	return r;
}

/* The identity and the defaults of a torrent without a .state. */
static int
entry_defaults(const struct sessiondir *sd,
    const uint8_t ih[SESSIONDIR_HASH_LEN], int64_t added,
    struct sessiondir_entry *e)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->info_hash, ih, SESSIONDIR_HASH_LEN);
	sha1_hex(ih, e->hex);
	if (sessiondir_sub_path(sd, e->dir, sizeof(e->dir),
	    "downloads") != BT_OK)
		return BT_ERR_LIMIT;
	e->added = added;
	return sessiondir_hash_path(sd, e->torrent_path,
	    sizeof(e->torrent_path), "torrents", ih, ".torrent");
}

/* The highest order among the .state files, plus one (0 when none). */
static int
scan_next_order(const struct sessiondir *sd, int64_t *out)
{
	struct sessiondir_entry	 e;
	struct dirent		*de;
	char			 dir[SESSIONDIR_PATH_MAX];
	uint8_t			 ih[SESSIONDIR_HASH_LEN];
	DIR			*d;

	*out = 0;
	if (sessiondir_sub_path(sd, dir, sizeof(dir), "torrents") != BT_OK ||
	    (d = opendir(dir)) == NULL)
		return BT_ERR_SYS;
	while ((de = readdir(d)) != NULL) {
		if (sessiondir_name_hash(de->d_name, strlen(de->d_name),
		    ".state", ih) &&
		    load_state(sd, ih, &e, NULL, 0) == BT_OK &&
		    (int64_t)e.order + 1 > *out)
			*out = (int64_t)e.order + 1;
	}
	closedir(d);
	return BT_OK;
}

/* The order for a torrent new to the session: after every other one. */
static int
take_order(struct sessiondir *sd, uint32_t *out)
{
	int	r;

	if (sd->next_order < 0 &&
	    (r = scan_next_order(sd, &sd->next_order)) != BT_OK)
		return r;
	/* Past UINT32_MAX newcomers share the last place; ties go by hex. */
	*out = sd->next_order > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)sd->next_order;
	if (sd->next_order <= UINT32_MAX)
		sd->next_order++;
	return BT_OK;
}

int
sessiondir_add(struct sessiondir *sd, const uint8_t ih[SESSIONDIR_HASH_LEN],
    const void *bytes, size_t len, const char *dir, int paused,
    int64_t added_s)
{
	struct sessiondir_entry	e;
	struct stat		st;
	char			state[SESSIONDIR_PATH_MAX];
	int			r, saved;

	if (len == 0 || (paused != 0 && paused != 1) ||
	    (dir != NULL && dir[0] != '/'))
		return BT_ERR_INVALID;
	if (len > SESSIONDIR_MAX_TORRENT_BYTES ||
	    (dir != NULL && strlen(dir) >= sizeof(e.dir)))
		return BT_ERR_LIMIT;
	if ((r = entry_defaults(sd, ih, added_s, &e)) != BT_OK ||
	    (r = sessiondir_hash_path(sd, state, sizeof(state), "torrents", ih,
	    ".state")) != BT_OK)
		return r;
	if (lstat(e.torrent_path, &st) == 0)
		return BT_ERR_EXISTS;
	if (errno != ENOENT)
		return BT_ERR_SYS;
	if (dir != NULL)
		memcpy(e.dir, dir, strlen(dir) + 1);
	e.paused = paused;
	if ((r = take_order(sd, &e.order)) != BT_OK ||
	    (r = write_state(sd, &e, NULL, 0)) != BT_OK)
		return r;
	/* The commit point: until this rename the torrent is not listed. */
	if (atomicfile_write(e.torrent_path, bytes, len,
	    ATOMICFILE_CREATE) == BT_OK)
		return BT_OK;
	saved = errno;
	if (saved == EEXIST)
		return BT_ERR_EXISTS;
	unlink(state);
	errno = saved;
	return BT_ERR_SYS;
}

int
sessiondir_set_torrent(struct sessiondir *sd,
    const uint8_t ih[SESSIONDIR_HASH_LEN], const void *bytes, size_t len)
{
	char		path[SESSIONDIR_PATH_MAX];
	struct stat	st;
	int		r;

	if (len == 0)
		return BT_ERR_INVALID;
	if (len > SESSIONDIR_MAX_TORRENT_BYTES)
		return BT_ERR_LIMIT;
	if ((r = sessiondir_hash_path(sd, path, sizeof(path), "torrents", ih,
	    ".torrent")) != BT_OK)
		return r;
	if (lstat(path, &st) == -1)
		return errno == ENOENT ? BT_ERR_NOTFOUND : BT_ERR_SYS;
	return atomicfile_write(path, bytes, len, ATOMICFILE_REPLACE);
}

/* A listing under way. */
struct listing {
	struct sessiondir_entry	*v;
	size_t			 n, cap;
	int			 full;	/* SESSIONDIR_MAX_TORRENTS reached */
	sessiondir_warn_fn	*warn;
	void			*arg;
};

static void
list_warn(struct listing *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
list_warn(struct listing *l, const char *fmt, ...)
{
	char	msg[SESSIONDIR_PATH_MAX + SESSIONDIR_WHY_LEN];
	va_list	ap;

	if (l->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	l->warn(l->arg, msg);
}

static int
list_grow(struct listing *l)
{
	struct sessiondir_entry	*v;
	size_t			 cap;

	if (l->n < l->cap)
		return BT_OK;
	cap = l->cap == 0 ? 16 : 2 * l->cap;
	if (cap > SESSIONDIR_MAX_TORRENTS)
		cap = SESSIONDIR_MAX_TORRENTS;
	if ((v = realloc(l->v, cap * sizeof(*v))) == NULL)
		return BT_ERR_NOMEM;
	l->v = v;
	l->cap = cap;
	return BT_OK;
}

/* A .torrent without a .state gets one with the defaults, so that its
 * place in the order stays put from now on. */
static int
adopt(struct sessiondir *sd, struct listing *l, struct sessiondir_entry *e)
{
	int	r;

	if ((r = take_order(sd, &e->order)) == BT_OK &&
	    (r = write_state(sd, e, NULL, 0)) == BT_OK)
		return BT_OK;
	list_warn(l, "%s/torrents/%s.state: cannot write: %s; the defaults "
	    "are used for now", sd->path, e->hex, bt_strerror(r));
	return r == BT_ERR_NOMEM ? r : BT_OK;
}

/* Appends the torrent ih (its .torrent was seen); a bad .state skips it. */
static int
list_torrent(struct sessiondir *sd, struct listing *l,
    const uint8_t ih[SESSIONDIR_HASH_LEN])
{
	struct sessiondir_entry	*e;
	struct stat		 st;
	char			 why[SESSIONDIR_WHY_LEN];
	int			 r;

	if (l->n == SESSIONDIR_MAX_TORRENTS) {
		if (!l->full)
			list_warn(l, "%s/torrents: over %d torrents; the "
			    "others are not loaded", sd->path,
			    SESSIONDIR_MAX_TORRENTS);
		l->full = 1;
		return BT_OK;
	}
	if ((r = list_grow(l)) != BT_OK)
		return r;
	e = &l->v[l->n];
	if ((r = entry_defaults(sd, ih, 0, e)) != BT_OK)
		return BT_OK;
	if (stat(e->torrent_path, &st) == -1)
		return BT_OK;	/* gone since readdir */
	e->added = st.st_mtime;
	if ((r = load_state(sd, ih, e, why, sizeof(why))) == BT_ERR_NOTFOUND)
		r = adopt(sd, l, e);
	else if (r != BT_OK && r != BT_ERR_NOMEM) {
		list_warn(l, "%s/torrents/%s.state: %s; torrent not loaded "
		    "(remove that file to load it with the defaults)",
		    sd->path, e->hex, why);
		return BT_OK;
	}
	if (r == BT_OK)
		l->n++;
	return r;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct sessiondir_entry	*x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return memcmp(x->info_hash, y->info_hash, SESSIONDIR_HASH_LEN);
}

/* One name of DIR/torrents. */
static int
list_name(struct sessiondir *sd, struct listing *l, int dfd,
    const char *name)
{
	char	torrent[SESSIONDIR_HEX_LEN + sizeof(".torrent")];
	uint8_t	ih[SESSIONDIR_HASH_LEN];
	size_t	len = strlen(name);

	if (sessiondir_name_hash(name, len, ".torrent", ih))
		return list_torrent(sd, l, ih);
	if (!sessiondir_name_hash(name, len, ".state", ih))
		return BT_OK;	/* temporary files, strangers */
	snprintf(torrent, sizeof(torrent), "%.*s.torrent", SESSIONDIR_HEX_LEN,
	    name);
	if (faccessat(dfd, torrent, F_OK, 0) == -1 && errno == ENOENT)
		list_warn(l, "%s/torrents/%s: no %s next to it; skipped",
		    sd->path, name, torrent);
	return BT_OK;
}

int
sessiondir_list(struct sessiondir *sd, sessiondir_warn_fn *warn, void *arg,
    struct sessiondir_entry **v_out, size_t *n_out)
{
	struct listing	 l = { .warn = warn, .arg = arg };
	struct dirent	*de;
	char		 dir[SESSIONDIR_PATH_MAX];
	DIR		*d;
	int		 r = BT_OK, saved;

	*v_out = NULL;
	*n_out = 0;
	if (sessiondir_sub_path(sd, dir, sizeof(dir), "torrents") != BT_OK ||
	    (d = opendir(dir)) == NULL)
		return BT_ERR_SYS;
	while (r == BT_OK && (de = readdir(d)) != NULL)
		r = list_name(sd, &l, dirfd(d), de->d_name);
	saved = errno;
	closedir(d);
	if (r == BT_OK && l.n > 0) {
		qsort(l.v, l.n, sizeof(*l.v), cmp_entry);
		*v_out = l.v;
		*n_out = l.n;
		l.v = NULL;
	}
	free(l.v);
	errno = saved;
	return r;
}

/*
 * Rewrites HEX.state with paused (unless -1) and, when set_prio, the
 * priorities prio[0..n); what is not changed is kept (a missing .state
 * gets the defaults).  Errors as sessiondir_set_paused.
 */
static int
update_state(struct sessiondir *sd, const uint8_t ih[SESSIONDIR_HASH_LEN],
    int paused, const uint8_t *prio, size_t n, int set_prio)
{
	const struct bencode	*old;
	struct sessiondir_entry	 e;
	struct bencode		*tree = NULL;
	struct stat		 st;
	int			 r;

	if ((r = entry_defaults(sd, ih, 0, &e)) != BT_OK)
		return r;
	if (stat(e.torrent_path, &st) == -1)
		return errno == ENOENT ? BT_ERR_NOTFOUND : BT_ERR_SYS;
	if ((r = read_state(sd, ih, &tree, NULL, 0)) == BT_OK)
		r = parse_state(tree, &e, NULL, 0);
	if (r == BT_OK && !set_prio && e.paused == paused)
		goto out;
	if (r == BT_ERR_NOTFOUND) {
		e.added = st.st_mtime;
		r = take_order(sd, &e.order);
	}
	if (r != BT_OK)
		goto out;
	if (paused != -1)
		e.paused = paused;
	if (!set_prio && tree != NULL && (old = state_prio(tree)) != NULL) {
		prio = (const uint8_t *)old->s;
		n = old->slen;
	}
	r = write_state(sd, &e, prio, n);
out:
	bencode_free(tree);
	return r;
}

int
sessiondir_set_paused(struct sessiondir *sd,
    const uint8_t ih[SESSIONDIR_HASH_LEN], int paused)
{
	if (paused != 0 && paused != 1)
		return BT_ERR_INVALID;
	return update_state(sd, ih, paused, NULL, 0, 0);
}

int
sessiondir_set_prio(struct sessiondir *sd,
    const uint8_t ih[SESSIONDIR_HASH_LEN], const uint8_t *prio, size_t n)
{
	size_t	i;

	if (n > SESSIONDIR_MAX_PRIO)
		return BT_ERR_LIMIT;
	for (i = 0; i < n; i++)
		if (prio[i] >= SESSIONDIR_PRIO_COUNT)
			return BT_ERR_INVALID;
	return update_state(sd, ih, -1, prio, n, 1);
}

int
sessiondir_get_prio(struct sessiondir *sd,
    const uint8_t ih[SESSIONDIR_HASH_LEN], uint8_t **prio_out, size_t *n_out)
{
	const struct bencode	*p;
	struct bencode		*tree = NULL;
	int			 r;

	*prio_out = NULL;
	*n_out = 0;
	if ((r = read_state(sd, ih, &tree, NULL, 0)) != BT_OK)
		goto out;
	if ((p = state_prio(tree)) != NULL && p->slen > 0) {
		if ((*prio_out = malloc(p->slen)) == NULL) {
			r = BT_ERR_NOMEM;
			goto out;
		}
		memcpy(*prio_out, p->s, p->slen);
		*n_out = p->slen;
	}
out:
	bencode_free(tree);
	return r;
}

/* unlink() where a missing file is no error; *gone_out says it was there. */
static int
unlink_hash(const struct sessiondir *sd, const char *sub,
    const uint8_t ih[SESSIONDIR_HASH_LEN], const char *suffix, int *gone_out)
{
	char	path[SESSIONDIR_PATH_MAX];
	int	r;

	*gone_out = 0;
	if ((r = sessiondir_hash_path(sd, path, sizeof(path), sub, ih,
	    suffix)) != BT_OK)
		return r;
	if (unlink(path) == 0)
		*gone_out = 1;
	else if (errno != ENOENT)
		return BT_ERR_SYS;
	return BT_OK;
}

int
sessiondir_remove(struct sessiondir *sd,
    const uint8_t ih[SESSIONDIR_HASH_LEN])
{
	char	dir[SESSIONDIR_PATH_MAX];
	int	had_torrent, gone, r;

	/* The .torrent first: once it is gone, nothing lists the rest. */
	if ((r = unlink_hash(sd, "torrents", ih, ".torrent",
	    &had_torrent)) != BT_OK ||
	    (r = unlink_hash(sd, "torrents", ih, ".state", &gone)) != BT_OK ||
	    (r = unlink_hash(sd, "resume", ih, RESUME_SUFFIX, &gone)) != BT_OK ||
	    (r = unlink_hash(sd, "resume", ih, JOURNAL_SUFFIX, &gone)) != BT_OK)
		return r;
	if ((r = sessiondir_sub_path(sd, dir, sizeof(dir),
	    "torrents")) != BT_OK ||
	    (r = sync_dir(dir)) != BT_OK)
		return r;
	return had_torrent ? BT_OK : BT_ERR_NOTFOUND;
}
/*
 * The Files view's tree.  Nodes live in one array, a parent always before
 * its children (so one backward pass sums the tree bottom-up), node 0
 * being the root that holds the top level.  Directories are found by
 * (parent, name) in an open-addressing table sized from the list, so a
 * build is linear in the bytes of the paths even for a directory of
 * thousands.  The list's paths are kept to tell a new list from a
 * refresh of the same one: the engine resends the whole list every
 * second, and a refresh must not lose the visible rows.
 */
#include "filetree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "tui/search.h"

#define NONE		UINT32_MAX
#define ROOT		0u
#define PRIO_BITS	(MSG_PRIO_HIGH + 1)
#define PRIO_OTHER	0x80	/* a prio past MSG_PRIO_HIGH was seen */

struct filetree_node {
	uint32_t	parent, first_child, last_child, next;
	uint32_t	file;		/* NONE: a directory */
	uint32_t	name;		/* offset into names */
	uint32_t	path;		/* a file: offset into paths */
	uint32_t	depth;		/* the root 0, the top level 1 */
	uint32_t	nfiles;
	uint64_t	size, done, wanted;
	uint8_t		prio;		/* a file's */
	uint8_t		prios;		/* bit p: a file under it has prio p */
	uint8_t		folded;
	uint8_t		hidden;		/* by the filter */
};

void
filetree_init(struct filetree *t)
{
	memset(t, 0, sizeof(*t));
}

void
filetree_cleanup(struct filetree *t)
{
	free(t->nodes);
	free(t->names);
	free(t->paths);
	free(t->leaf);
	free(t->slots);
	free(t->rows);
	filetree_init(t);
}

/* --- storage --------------------------------------------------------- */

/* p with room for need elements of elem bytes (*cap updated), or NULL
 * when that cannot be had (p is then left as it was). */
static void *
grow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t	n = *cap > 0 ? *cap : 16;
	void	*q;

	if (need <= *cap)
		return p;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			return NULL;
		n *= 2;
	}
	if ((q = realloc(p, n * elem)) == NULL)
		return NULL;
	*cap = n;
	return q;
}

/* Appends s[0..n) and a NUL to a string pool; *off_out is where. */
static int
pool_add(char **pool, size_t *len, size_t *cap, const char *s, size_t n,
    uint32_t *off_out)
{
	char	*q;

	if (n >= UINT32_MAX - 1 || *len > UINT32_MAX - 1 - n)
		return BT_ERR_LIMIT;
	if ((q = grow(*pool, cap, *len + n + 1, 1)) == NULL)
		return BT_ERR_NOMEM;
	*pool = q;
	memcpy(q + *len, s, n);
	q[*len + n] = '\0';
	*off_out = (uint32_t)*len;
	*len += n + 1;
	return BT_OK;
}

static const char *
name_of(const struct filetree *t, uint32_t id)
{
	return t->names + t->nodes[id].name;
}

static int
is_dir(const struct filetree *t, uint32_t id)
{
	return t->nodes[id].file == NONE;
}

/* A new node named s[0..n) under parent (file: NONE for a directory),
 * last among its siblings. */
static int
add_node(struct filetree *t, uint32_t parent, const char *s, size_t n,
    uint32_t file, uint32_t *id_out)
{
	struct filetree_node	*q, *nd;
	uint32_t		 id = (uint32_t)t->nnodes;
	int			 r;

	if (t->nnodes >= NONE - 1)
		return BT_ERR_LIMIT;
	if ((q = grow(t->nodes, &t->nodes_cap, t->nnodes + 1,
	    sizeof(*q))) == NULL)
		return BT_ERR_NOMEM;
	t->nodes = q;
	nd = &t->nodes[id];
	memset(nd, 0, sizeof(*nd));
	if ((r = pool_add(&t->names, &t->names_len, &t->names_cap, s, n,
	    &nd->name)) != BT_OK)
		return r;
	nd->parent = parent;
	nd->first_child = nd->last_child = nd->next = NONE;
	nd->file = file;
	nd->path = NONE;
	if (id != ROOT) {
		nd->depth = t->nodes[parent].depth + 1;
		if (t->nodes[parent].last_child == NONE)
			t->nodes[parent].first_child = id;
		else
			t->nodes[t->nodes[parent].last_child].next = id;
		t->nodes[parent].last_child = id;
	}
	t->nnodes++;
	*id_out = id;
	return BT_OK;
}

/* --- directories by (parent, name) ----------------------------------- */

static uint32_t
hash_dir(uint32_t parent, const char *s, size_t n)
{
	uint32_t	h = 2166136261u;	/* FNV-1a */
	size_t		i;

	for (i = 0; i < 4; i++) {
		h ^= (parent >> (8 * i)) & 0xff;
		h *= 16777619u;
	}
	for (i = 0; i < n; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h;
}

/* The slot of directory s[0..n) under parent, or the empty slot where it
 * would go (slots never fill: there are twice as many as components). */
static size_t
find_slot(const struct filetree *t, uint32_t parent, const char *s,
    size_t n)
{
	size_t		i = hash_dir(parent, s, n) & (t->nslots - 1);
	uint32_t	id;

	while ((id = t->slots[i]) != NONE) {
		if (t->nodes[id].parent == parent &&
		    strncmp(name_of(t, id), s, n) == 0 &&
		    name_of(t, id)[n] == '\0')
			return i;
		i = (i + 1) & (t->nslots - 1);
	}
	return i;
}

static int
dir_get(struct filetree *t, uint32_t parent, const char *s, size_t n,
    uint32_t *id_out)
{
	size_t	slot = find_slot(t, parent, s, n);
	int	r;

	if (t->slots[slot] != NONE) {
		*id_out = t->slots[slot];
		return BT_OK;
	}
	if ((r = add_node(t, parent, s, n, NONE, id_out)) != BT_OK)
		return r;
	t->slots[slot] = *id_out;
	return BT_OK;
}

/* Slots for the directories of files[0..n): twice an upper bound of
 * their components, a power of two. */
static int
size_slots(struct filetree *t, const struct msg_file *files, size_t n)
{
	size_t	 bound = 1, want = 16, i;
	const char *p;

	for (i = 0; i < n; i++) {
		for (p = files[i].path; p < files[i].path +
		    sizeof(files[i].path) && *p != '\0'; p++)
			bound += *p == '/';
		bound++;
	}
	while (want < 2 * bound) {
		if (want > SIZE_MAX / 2 / sizeof(*t->slots))
			return BT_ERR_LIMIT;
		want *= 2;
	}
	free(t->slots);
	t->nslots = 0;
	if ((t->slots = malloc(want * sizeof(*t->slots))) == NULL)
		return BT_ERR_NOMEM;
	memset(t->slots, 0xff, want * sizeof(*t->slots));
	t->nslots = want;
	return BT_OK;
}

/* --- building -------------------------------------------------------- */

/* The next non-empty component at or after *p: its start, *len_out its
 * length, *p past it; NULL at the end. */
static const char *
next_component(const char **p, size_t *len_out)
{
	const char	*s = *p;

	while (*s == '/')
		s++;
	if (*s == '\0')
		return NULL;
	*len_out = strcspn(s, "/");
	*p = s + *len_out;
	return s;
}

/* File index i with path (NUL-ended, in the paths pool at off): its
 * directories, made as needed, and its own node. */
static int
add_file(struct filetree *t, uint32_t i, uint32_t off)
{
	const char	*path = t->paths + off, *p = path, *c, *leaf = NULL;
	size_t		 len, leaf_len = 0;
	uint32_t	 parent = ROOT, id;
	int		 r;

	/* The last non-empty component names the file; without one, the
	 * whole path does. */
	while ((c = next_component(&p, &len)) != NULL) {
		leaf = c;
		leaf_len = len;
	}
	if (leaf == NULL) {
		leaf = path;
		leaf_len = strlen(path);
	}
	for (p = path; (c = next_component(&p, &len)) != NULL && c < leaf;)
		if ((r = dir_get(t, parent, c, len, &parent)) != BT_OK)
			return r;
	if ((r = add_node(t, parent, leaf, leaf_len, i, &id)) != BT_OK)
		return r;
	t->nodes[id].path = off;
	t->leaf[i] = id;
	return BT_OK;
}

/* The path of node id from the top ("a/b"), or BT_ERR_LIMIT when it
 * needs more than len bytes. */
static int
node_path(const struct filetree *t, uint32_t id, char *buf, size_t len)
{
	size_t		need = 0, at, n;
	uint32_t	k;

	for (k = id; k != ROOT; k = t->nodes[k].parent)
		need += strlen(name_of(t, k)) + 1;
	if (need == 0 || need > len)
		return need == 0 ? BT_ERR_INVALID : BT_ERR_LIMIT;
	at = need - 1;
	buf[at] = '\0';
	for (k = id; k != ROOT; k = t->nodes[k].parent) {
		n = strlen(name_of(t, k));
		at -= n;
		memcpy(buf + at, name_of(t, k), n);
		if (at > 0)
			buf[--at] = '/';
	}
	return BT_OK;
}

/* The folded directories' paths, NUL-separated, in a new buffer. */
static int
save_folds(const struct filetree *t, char **out, size_t *len_out)
{
	char		 path[2 * MSG_PATH_MAX];
	size_t		 cap = 0;
	uint32_t	 id, off;
	int		 r;

	*out = NULL;
	*len_out = 0;
	for (id = 1; id < t->nnodes; id++) {
		if (!is_dir(t, id) || !t->nodes[id].folded ||
		    node_path(t, id, path, sizeof(path)) != BT_OK)
			continue;
		if ((r = pool_add(out, len_out, &cap, path, strlen(path),
		    &off)) != BT_OK)
			return r;
	}
	return BT_OK;
}

/* Folds again the directories of folds[0..len) that the new tree has. */
static void
restore_folds(struct filetree *t, const char *folds, size_t len)
{
	const char	*f, *p, *c;
	size_t		 n, slot;
	uint32_t	 id;

	for (f = folds; f < folds + len; f += strlen(f) + 1) {
		for (id = ROOT, p = f; id != NONE &&
		    (c = next_component(&p, &n)) != NULL;) {
			slot = find_slot(t, id, c, n);
			id = t->slots[slot];
		}
		if (id != NONE && id != ROOT)
			t->nodes[id].folded = 1;
	}
}

/* The filter's marks: a file is hidden when its path does not hold the
 * filter, a directory when all under it are.  Children come after their
 * parent in the array, so a backward pass shows each parent of a shown
 * node before it reaches that parent. */
static void
apply_filter(struct filetree *t)
{
	struct filetree_node	*nd;
	uint32_t		 id;

	for (id = 0; id < t->nnodes; id++) {
		nd = &t->nodes[id];
		nd->hidden = t->filter[0] != '\0';
		if (nd->file != NONE && nd->hidden)
			nd->hidden = !search_match(t->paths + nd->path,
			    t->filter);
	}
	for (id = t->nnodes > 0 ? (uint32_t)t->nnodes - 1 : 0; id > ROOT;
	    id--)
		if (!t->nodes[id].hidden)
			t->nodes[t->nodes[id].parent].hidden = 0;
}

/* The visible rows: pre-order, past folded directories and what the
 * filter hides. */
static void
flatten(struct filetree *t)
{
	uint32_t	id = t->nnodes > 0 ? t->nodes[ROOT].first_child : NONE;

	t->nrows = 0;
	while (id != NONE) {
		if (!t->nodes[id].hidden) {
			t->rows[t->nrows++] = id;
			if (is_dir(t, id) && !t->nodes[id].folded &&
			    t->nodes[id].first_child != NONE) {
				id = t->nodes[id].first_child;
				continue;
			}
		}
		while (id != ROOT && t->nodes[id].next == NONE)
			id = t->nodes[id].parent;
		id = id == ROOT ? NONE : t->nodes[id].next;
	}
}

static int
build(struct filetree *t, const struct msg_file *files, size_t n)
{
	uint32_t	*q, id, off;
	size_t		 i, len;
	int		 r;

	if (n >= NONE)
		return BT_ERR_LIMIT;
	if ((q = grow(t->leaf, &t->leaf_cap, n > 0 ? n : 1,
	    sizeof(*q))) == NULL)
		return BT_ERR_NOMEM;
	t->leaf = q;
	if ((r = size_slots(t, files, n)) != BT_OK ||
	    (r = add_node(t, ROOT, "", 0, NONE, &id)) != BT_OK)
		return r;
	for (i = 0; i < n; i++) {
		len = strnlen(files[i].path, sizeof(files[i].path));
		if ((r = pool_add(&t->paths, &t->paths_len, &t->paths_cap,
		    files[i].path, len, &off)) != BT_OK ||
		    (r = add_file(t, (uint32_t)i, off)) != BT_OK)
			return r;
	}
	if ((q = grow(t->rows, &t->rows_cap, t->nnodes, sizeof(*q))) == NULL)
		return BT_ERR_NOMEM;
	t->rows = q;
	t->nfiles = n;
	return BT_OK;
}

/* The tree of a new list, keeping the folds of the old one. */
static int
rebuild(struct filetree *t, const struct msg_file *files, size_t n)
{
	char	*folds;
	size_t	 len;
	int	 r;

	if ((r = save_folds(t, &folds, &len)) == BT_OK) {
		t->nnodes = t->names_len = t->paths_len = 0;
		t->nfiles = t->nrows = 0;
		if ((r = build(t, files, n)) == BT_OK) {
			restore_folds(t, folds, len);
			apply_filter(t);
			flatten(t);
		}
	}
	free(folds);
	return r;
}

static int
same_paths(const struct filetree *t, const struct msg_file *files,
    size_t n)
{
	size_t	i;

	if (n != t->nfiles)
		return 0;
	for (i = 0; i < n; i++)
		if (strncmp(files[i].path, t->paths +
		    t->nodes[t->leaf[i]].path, sizeof(files[i].path)) != 0)
			return 0;
	return 1;
}

/* The numbers of files[] into the leaves, then the sums, bottom-up. */
static void
refresh(struct filetree *t, const struct msg_file *files)
{
	struct filetree_node	*nd, *up;
	size_t			 i;
	uint32_t		 id;

	for (id = 0; id < t->nnodes; id++) {
		nd = &t->nodes[id];
		if (nd->file != NONE)
			continue;
		nd->size = nd->done = nd->wanted = 0;
		nd->nfiles = 0;
		nd->prios = 0;
	}
	for (i = 0; i < t->nfiles; i++) {
		nd = &t->nodes[t->leaf[i]];
		nd->size = files[i].size;
		nd->done = files[i].done;
		nd->prio = files[i].prio;
		nd->wanted = nd->prio != MSG_PRIO_SKIP ? nd->size : 0;
		nd->nfiles = 1;
		nd->prios = nd->prio < PRIO_BITS ? (uint8_t)(1u << nd->prio) :
		    PRIO_OTHER;
	}
	for (id = t->nnodes > 0 ? (uint32_t)t->nnodes - 1 : 0; id > ROOT;
	    id--) {
		nd = &t->nodes[id];
		up = &t->nodes[nd->parent];
		up->size += nd->size;
		up->done += nd->done;
		up->wanted += nd->wanted;
		up->nfiles += nd->nfiles;
		up->prios |= nd->prios;
	}
}

int
filetree_sync(struct filetree *t, const struct msg_file *files, size_t n)
{
	int	r;

	if (!same_paths(t, files, n) && (r = rebuild(t, files, n)) != BT_OK) {
		filetree_cleanup(t);
		return r;
	}
	refresh(t, files);
	return BT_OK;
}

int
filetree_set_filter(struct filetree *t, const char *needle)
{
	char	f[FILETREE_FILTER_MAX];

	snprintf(f, sizeof(f), "%s", needle);
	if (strcmp(f, t->filter) == 0)
		return 0;
	memcpy(t->filter, f, sizeof(f));
	apply_filter(t);
	if (t->rows != NULL)
		flatten(t);
	return 1;
}

/* --- rows ------------------------------------------------------------ */

static void
fill_row(const struct filetree *t, uint32_t id, struct filetree_row *out)
{
	const struct filetree_node	*nd = &t->nodes[id];
	int				 p, lo = -1, hi = -1;

	memset(out, 0, sizeof(*out));
	out->name = name_of(t, id);
	out->depth = nd->depth > 0 ? nd->depth - 1 : 0;
	out->dir = nd->file == NONE;
	out->folded = out->dir && nd->folded;
	out->file = nd->file;
	out->nfiles = nd->nfiles;
	out->size = nd->size;
	out->done = nd->done;
	out->wanted = nd->wanted;
	for (p = 0; p < PRIO_BITS; p++) {
		if (nd->prios & (1u << p)) {
			lo = lo < 0 ? p : lo;
			hi = p;
		}
	}
	if (!out->dir)
		out->prio = out->prio_lo = out->prio_hi = nd->prio;
	else if (lo < 0) {
		out->prio = FILETREE_PRIO_MIXED;
	} else {
		out->prio = lo == hi && !(nd->prios & PRIO_OTHER) ?
		    (uint8_t)lo : FILETREE_PRIO_MIXED;
		out->prio_lo = (uint8_t)lo;
		out->prio_hi = (uint8_t)hi;
	}
}

size_t
filetree_nrows(const struct filetree *t)
{
	return t->nrows;
}

int
filetree_row(const struct filetree *t, size_t i, struct filetree_row *out)
{
	if (i >= t->nrows) {
		memset(out, 0, sizeof(*out));
		return BT_ERR_RANGE;
	}
	fill_row(t, t->rows[i], out);
	return BT_OK;
}

void
filetree_totals(const struct filetree *t, struct filetree_row *out)
{
	if (t->nnodes == 0) {
		memset(out, 0, sizeof(*out));
		out->name = "";
		out->dir = 1;
		return;
	}
	fill_row(t, ROOT, out);
}

/* Visible rows under the directory on row `row'. */
static size_t
visible_under(const struct filetree *t, size_t row)
{
	uint32_t	d = t->nodes[t->rows[row]].depth;
	size_t		k;

	for (k = row + 1; k < t->nrows && t->nodes[t->rows[k]].depth > d; k++)
		;
	return k - row - 1;
}

size_t
filetree_set_folded(struct filetree *t, size_t row, int folded,
    size_t cursor)
{
	struct filetree_node	*nd;
	size_t			 hidden;

	if (row >= t->nrows || !is_dir(t, t->rows[row]))
		return cursor;
	nd = &t->nodes[t->rows[row]];
	if (nd->folded == (folded != 0))
		return cursor;
	if (folded) {
		hidden = visible_under(t, row);
		nd->folded = 1;
		flatten(t);
		if (cursor > row && cursor <= row + hidden)
			return row;
		return cursor > row ? cursor - hidden : cursor;
	}
	nd->folded = 0;
	flatten(t);
	return cursor > row ? cursor + visible_under(t, row) : cursor;
}

size_t
filetree_parent_row(const struct filetree *t, size_t row)
{
	uint32_t	parent;
	size_t		k;

	if (row >= t->nrows)
		return row;
	parent = t->nodes[t->rows[row]].parent;
	for (k = row; k-- > 0;)
		if (t->rows[k] == parent)
			return k;
	return row;
}

int
filetree_dir_path(const struct filetree *t, size_t row, char *buf,
    size_t len)
{
	int	r;

	if (len > 0)
		buf[0] = '\0';
	if (row >= t->nrows || !is_dir(t, t->rows[row]))
		return BT_ERR_INVALID;
	if ((r = node_path(t, t->rows[row], buf, len)) != BT_OK && len > 0)
		buf[0] = '\0';
	return r;
}

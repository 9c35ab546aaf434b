/*
 * filetree: the Files view as a tree.  The engine lists a torrent's files
 * flat, in torrent order, each with a '/'-separated path; this module
 * makes directories of the path components, keeps each file's index in
 * that list (the MSG_FILES numbering that --select-file and --info use),
 * sums every directory's size, done and wanted bytes and says whether its
 * files share one priority.  Directories can be folded; the visible rows
 * are the tree in pre-order, children in the order their first file
 * comes in the list (so a directory whose files are not contiguous in
 * the torrent still shows them together).
 *
 * Pure: no curses, no IPC.  The struct is embedded in struct view_state
 * by value; a zeroed one (filetree_init, or memset) is an empty tree.
 */
#ifndef BT_FILETREE_H
#define BT_FILETREE_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/msg.h"

/* A directory whose files do not all have the same priority. */
#define FILETREE_PRIO_MIXED	0xff
#define FILETREE_FILTER_MAX	64	/* bytes of a filter, its NUL too */

struct filetree_node;

struct filetree {		/* members are private: use filetree_*() */
	struct filetree_node	*nodes;		/* [0] the root, not shown */
	size_t			 nnodes, nodes_cap;
	char			*names;		/* node names, NUL-ended */
	size_t			 names_len, names_cap;
	char			*paths;		/* the list's paths, NUL-ended,
						 * to tell a new list */
	size_t			 paths_len, paths_cap;
	uint32_t		*leaf;		/* file index -> node */
	size_t			 nfiles, leaf_cap;
	uint32_t		*slots;		/* directories by (parent,
						 * name), open addressing */
	size_t			 nslots;
	uint32_t		*rows;		/* visible rows: node ids */
	size_t			 nrows, rows_cap;
	char			 filter[FILETREE_FILTER_MAX];	/* "": none */
};

/* One row as the view shows it; name is borrowed until the next
 * filetree_sync or filetree_cleanup. */
struct filetree_row {
	const char	*name;		/* the last path component */
	unsigned	 depth;		/* 0: top level */
	int		 dir;		/* 1: a directory */
	int		 folded;	/* a directory's children are hidden */
	uint32_t	 file;		/* a file: its index in the list */
	uint32_t	 nfiles;	/* files under it (a file: 1) */
	uint64_t	 size, done;	/* bytes, summed under a directory */
	uint64_t	 wanted;	/* bytes of files not skipped */
	uint8_t		 prio;		/* enum msg_prio, or _MIXED */
	uint8_t		 prio_lo, prio_hi;	/* lowest and highest prio
						 * under it */
};

/* An empty tree. */
void	filetree_init(struct filetree *t);
/* Frees what the tree holds and leaves it empty (and usable). */
void	filetree_cleanup(struct filetree *t);

/*
 * Brings the tree in line with files[0..n), the model's list by index.
 * When every path is the same as at the last sync, only the numbers
 * (size, done, prio) and the sums change, and the visible rows stay;
 * otherwise the tree is built anew, directories folded before stay folded
 * (matched by path), and the rest start unfolded.  A path is split at
 * '/', empty components are ignored; the last component names the file.
 * BT_OK, or BT_ERR_NOMEM / BT_ERR_LIMIT (the paths take over 4 GiB): the
 * tree is then empty, still usable.
 */
int	filetree_sync(struct filetree *t, const struct msg_file *files,
	    size_t n);

/*
 * Shows only the files whose path holds needle (search_match: without
 * case for ASCII letters) and the directories above them; "" shows all
 * again.  The tree keeps a copy (cut to FILETREE_FILTER_MAX - 1 bytes)
 * across filetree_sync, not across filetree_cleanup.  When it changes
 * the visible rows are made anew, and a cursor held as a row number must
 * be brought back in range.  Returns 1 when it changed.
 */
int	filetree_set_filter(struct filetree *t, const char *needle);

/* Rows visible now (children of folded directories are not, nor rows the
 * filter hides). */
size_t	filetree_nrows(const struct filetree *t);
/* Row i into *out: BT_OK, or BT_ERR_RANGE past the last row (*out is
 * zeroed). */
int	filetree_row(const struct filetree *t, size_t i,
	    struct filetree_row *out);
/* The sums of the whole list, as a directory row holding everything
 * (name "", depth 0; zero when the tree is empty). */
void	filetree_totals(const struct filetree *t, struct filetree_row *out);

/*
 * Folds (folded 1) or unfolds (0) the directory on row `row'; a file's
 * row or a row past the end changes nothing.  Returns where a cursor
 * that was on row `cursor' is now: on the same directory or file when it
 * is still visible, on the folded directory when it was under it.
 */
size_t	filetree_set_folded(struct filetree *t, size_t row, int folded,
	    size_t cursor);
/* The row of the directory holding row `row'; `row' itself at the top
 * level or past the end. */
size_t	filetree_parent_row(const struct filetree *t, size_t row);
/*
 * The path of the directory on row `row' as the list spells it,
 * components joined by '/' without a trailing one ("payload/a/b").
 * BT_OK, BT_ERR_INVALID for a file's row or a row past the end,
 * BT_ERR_LIMIT when it does not fit in len bytes; buf is "" on error.
 */
int	filetree_dir_path(const struct filetree *t, size_t row, char *buf,
	    size_t len);

#endif

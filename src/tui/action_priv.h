/*
 * action_priv.h: what the action_*.c files share; no other module
 * includes it.  action.c holds the key tables and hands a key to its
 * handler; the handlers live by concern: action_move.c (cursors, and
 * action_sync, which keeps them in range), action_prompt.c (the add,
 * limit and remove prompts), action_search.c (/ \ n N), action_torrent.c
 * (commands about torrents and their files).
 */
#ifndef BT_ACTION_PRIV_H
#define BT_ACTION_PRIV_H

#include <stdint.h>

#include "tui/action.h"

#define ACTION_KEY_ESC		27
#define ACTION_KEY_CTRL_L	12
#define ACTION_KEY_DEL		127
#define ACTION_KEY_CTRL_H	8

/* Keeps int arithmetic away from overflow when jumping to an end. */
#define ACTION_FAR	(1 << 28)

/* What a handler works on: the state, the model, the key's argument and
 * the command it may fill in. */
struct action_ctx {
	struct view_state	*vs;
	const struct model	*m;
	int			 arg;
	struct action_cmd	*out;
};

/* --- action.c ------------------------------------------------------------ */

/* The bottom bar's message; warn: in the warning colour. */
void	action_say(struct view_state *vs, int warn, const char *text);
/* Asks the engine for the detail of a piece or peer of the torrent in
 * focus. */
void	action_send_inspect(struct action_ctx *c, int type, uint32_t index);
/* Rows a page moves (the list's body less its title). */
int	action_page_rows(const struct view_state *vs);
/* 1 in a torrent's piece map, or its Files view (never on the list). */
int	action_in_map(const struct action_ctx *c);
int	action_in_files(const struct action_ctx *c);
/* The Files tree's row under the cursor into *r; 0 when there is none. */
int	action_cursor_row(const struct action_ctx *c, struct filetree_row *r);
/* Folds or unfolds the directory under the cursor, which stays on it. */
void	action_fold(struct action_ctx *c, int folded);

/* --- action_move.c: cursors ---------------------------------------------- */

void	action_move_up(struct action_ctx *c);
void	action_move_down(struct action_ctx *c);
void	action_move_left(struct action_ctx *c);
void	action_move_right(struct action_ctx *c);
void	action_move_page_up(struct action_ctx *c);
void	action_move_page_down(struct action_ctx *c);
void	action_move_home(struct action_ctx *c);
void	action_move_end(struct action_ctx *c);
/* The cursor of the list on screen to row c->arg, as its view counts
 * rows; in the Log (line c->arg of those shown, oldest first) the line
 * opens whole.  Returns 1 when the cursor was on that row already. */
int	action_move_to(struct action_ctx *c);

/* --- action_prompt.c: the prompts ---------------------------------------- */

/* Open a prompt. */
void	action_prompt_add(struct action_ctx *c);
void	action_prompt_remove(struct action_ctx *c);
void	action_prompt_limit_down(struct action_ctx *c);
void	action_prompt_limit_up(struct action_ctx *c);
/* t: turtle mode on or off (no prompt: it sits with the limits). */
void	action_prompt_turtle(struct action_ctx *c);
/* A key while a prompt is open: it takes every key. */
void	action_prompt_key(struct view_state *vs, const struct model *m,
	    int key, struct action_cmd *out);

/* --- action_search.c: / \ n N ------------------------------------------- */

void	action_search_open(struct action_ctx *c);
void	action_search_filter(struct action_ctx *c);
void	action_search_next(struct action_ctx *c);
void	action_search_prev(struct action_ctx *c);
/* A key while the search or filter prompt is open. */
void	action_search_key(struct view_state *vs, const struct model *m,
	    int key, struct action_cmd *out);
/* Rows of the list on screen that hold needle; *at_out: which of them
 * the cursor is on (1-based), 0 when it is on none. */
size_t	action_search_count(const struct view_state *vs,
	    const struct model *m, const char *needle, size_t *at_out);

/* --- action_torrent.c: commands ------------------------------------------ */

void	action_torrent_pause(struct action_ctx *c);
void	action_torrent_pause_all(struct action_ctx *c);
void	action_torrent_reannounce(struct action_ctx *c);
void	action_torrent_stream(struct action_ctx *c);
void	action_torrent_prio_toggle(struct action_ctx *c);
void	action_torrent_prio_up(struct action_ctx *c);
void	action_torrent_prio_down(struct action_ctx *c);
void	action_torrent_retry(struct action_ctx *c);

#endif

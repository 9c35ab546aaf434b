/*
 * search: what / and \ match, as htop's search and filter do: a case-
 * insensitive substring of a row's text.  The text of a row is what a
 * person reads there: a torrent's name; a peer's address and client; a
 * file's path (the Files filter; the search, which goes through the rows
 * shown, looks at a row's name); a log line as the Log view writes it.
 *
 * The state is struct view_state's (search, filter[], log_shown); action
 * changes it and action_sync applies the filters, so the torrent list,
 * Peers and Files draw only rows that pass without knowing of filters.
 * The Log view asks search_log_count and search_log_index for its lines.
 * Pure: no curses, no IPC.
 */
#ifndef BT_SEARCH_H
#define BT_SEARCH_H

#include <stddef.h>

struct model;
struct model_log_line;
struct msg_peer;
struct view_state;

/* 1 when text holds needle, ASCII letters compared without case (other
 * bytes as they are, so UTF-8 matches itself); "" is in every text. */
int	search_match(const char *text, const char *needle);
/* The list the screen shows (enum view_list), VIEW_LIST_COUNT when it
 * has none (the piece map, the Trackers view, the help). */
int	search_list(const struct view_state *vs);
/* 1 when a row of list (enum view_list) with this text passes the
 * list's filter (every row when it has none). */
int	search_row_visible(const struct view_state *vs, int list,
	    const char *text);
/* A peer's text: "address client". */
void	search_peer_text(const struct msg_peer *p, char *buf, size_t len);
/* A log line's text: as the Log view writes it (view_log_format_line). */
void	search_log_text(const struct model_log_line *l, char *buf,
	    size_t len);
/* Rebuilds vs->log_shown from m's log and the Log's filter. */
void	search_log_sync(struct view_state *vs, const struct model *m);
/* Lines the Log view shows: the filter's, or all the model has. */
size_t	search_log_count(const struct view_state *vs, const struct model *m);
/* The model index (model_log_line) of line k (< search_log_count) of
 * those. */
size_t	search_log_index(const struct view_state *vs, const struct model *m,
	    size_t k);
/* Rows of the list on screen that its filter shows, and all its rows
 * (Files: files, not directories); 0 and 0 when the screen has none. */
void	search_filter_counts(const struct view_state *vs,
	    const struct model *m, size_t *shown_out, size_t *all_out);
/* "filter \"deb\": 2 of 5 shown" for the list on screen, or 0 with buf
 * "" when it has no filter; for a line that says a list is filtered. */
int	search_filter_label(const struct view_state *vs,
	    const struct model *m, char *buf, size_t len);

#endif

/*
 * / \ n N, as htop's search and filter: / opens a prompt whose text moves
 * the cursor to the first row holding it as it is typed (Enter keeps the
 * search for n and N, Esc puts the cursor back); \ opens the filter of
 * the list on screen, which hides the rows without its text as it is
 * typed (Esc, or Enter on nothing, clears it); n and N go to the next and
 * previous match, round the end.  The lists are the torrent list, Peers,
 * Files and Log; search.h says what a row's text is.
 *
 * The Log has no cursor of its own: its row is the line vs->log_back
 * above the newest, the bottom one shown, which a match becomes (when
 * the log is longer than the view); vs->log_hit remembers the line found
 * until the view moves, for n and N to go on from it.
 */
#include "action.h"

#include <stdio.h>
#include <string.h>

#include "ipc/err.h"
#include "tui/action_priv.h"
#include "tui/search.h"

#define ROW_TEXT_MAX	(MSG_TEXT_MAX + MSG_PATH_MAX + 64)

/* Rows of list as the cursor counts them (the filter's only). */
static size_t
list_rows(const struct view_state *vs, const struct model *m, int list)
{
	switch (list) {
	case VIEW_LIST_TORRENTS:
		return vs->ntorrent_order;
	case VIEW_LIST_PEERS:
		return vs->npeer_order;
	case VIEW_LIST_FILES:
		return filetree_nrows(&vs->files);
	case VIEW_LIST_LOG:
		return search_log_count(vs, m);
	default:
		return 0;
	}
}

/* Row k's text into buf; "" for a row that is not there. */
static void
row_text(const struct view_state *vs, const struct model *m, int list,
    size_t k, char *buf, size_t len)
{
	const struct model_log_line	*l;
	struct filetree_row		 r;

	buf[0] = '\0';
	if (list == VIEW_LIST_TORRENTS && vs->torrent_order[k] < m->ntorrents)
		snprintf(buf, len, "%s",
		    m->torrents[vs->torrent_order[k]].name);
	else if (list == VIEW_LIST_PEERS && vs->peer_order[k] < m->npeers)
		search_peer_text(&m->peers[vs->peer_order[k]], buf, len);
	else if (list == VIEW_LIST_FILES &&
	    filetree_row(&vs->files, k, &r) == BT_OK)
		snprintf(buf, len, "%s", r.name);
	else if (list == VIEW_LIST_LOG &&
	    (l = model_log_line(m, search_log_index(vs, m, k))) != NULL)
		search_log_text(l, buf, len);
}

/* The number (in log_total, from 1) of the Log's row k. */
static uint64_t
log_number(const struct view_state *vs, const struct model *m, size_t k)
{
	return m->log_total - model_log_count(m) + search_log_index(vs, m, k) +
	    1;
}

/* The Log's row holding the line search found, or -1 when none does. */
static int64_t
log_hit_row(const struct view_state *vs, const struct model *m)
{
	size_t	n = search_log_count(vs, m), k;

	for (k = n; vs->log_hit != 0 && k-- > 0;)
		if (log_number(vs, m, k) == vs->log_hit)
			return (int64_t)k;
	return -1;
}

/* The cursor's row in list.  The Log: the line search found while the
 * view has not moved since, else the bottom line shown. */
static size_t
cursor_of(const struct view_state *vs, const struct model *m, int list)
{
	size_t	n = list_rows(vs, m, list), back;
	int64_t	hit;

	switch (list) {
	case VIEW_LIST_TORRENTS:
		return vs->torrent_row > 0 ? (size_t)vs->torrent_row : 0;
	case VIEW_LIST_PEERS:
		return vs->peer_row > 0 ? (size_t)vs->peer_row : 0;
	case VIEW_LIST_FILES:
		return vs->file_row > 0 ? (size_t)vs->file_row : 0;
	default:
		if ((hit = log_hit_row(vs, m)) >= 0)
			return (size_t)hit;
		back = vs->log_back > 0 ? (size_t)vs->log_back : 0;
		return n > back ? n - 1 - back : 0;
	}
}

/* Puts the cursor of list on row k (< list_rows). */
static void
go_to(struct action_ctx *c, int list, size_t k)
{
	struct view_state	*vs = c->vs;
	size_t			 n = list_rows(vs, c->m, list);

	switch (list) {
	case VIEW_LIST_TORRENTS:
		vs->torrent_row = (int)k;
		vs->torrent_id = c->m->torrents[vs->torrent_order[k]].id;
		break;
	case VIEW_LIST_PEERS:
		vs->peer_row = (int)k;
		vs->peer_id = c->m->peers[vs->peer_order[k]].id;
		if (vs->detail == VIEW_DETAIL_PEER) {
			vs->detail_index = vs->peer_id;
			action_send_inspect(c, MSG_CMD_INSPECT_PEER,
			    vs->peer_id);
		}
		break;
	case VIEW_LIST_FILES:
		vs->file_row = (int)k;
		break;
	default:
		vs->log_back = (int)(n - 1 - k);
		vs->log_hit = log_number(vs, c->m, k);
		break;
	}
	action_sync(vs, c->m);
}

/* The first row holding needle from row `from' on, stepping by dir (1 or
 * -1) round the end; -1 when none does. */
static int64_t
find(const struct view_state *vs, const struct model *m, int list,
    const char *needle, size_t from, int dir)
{
	char	text[ROW_TEXT_MAX];
	size_t	n = list_rows(vs, m, list), i, k;

	for (i = 0; i < n; i++) {
		k = dir > 0 ? (from + i) % n : (from + n - i % n) % n;
		row_text(vs, m, list, k, text, sizeof(text));
		if (search_match(text, needle))
			return (int64_t)k;
	}
	return -1;
}

size_t
action_search_count(const struct view_state *vs, const struct model *m,
    const char *needle, size_t *at_out)
{
	char	text[ROW_TEXT_MAX];
	int	list = search_list(vs);
	size_t	n = list_rows(vs, m, list), cur = cursor_of(vs, m, list), i;
	size_t	count = 0;

	*at_out = 0;
	for (i = 0; i < n && needle[0] != '\0'; i++) {
		row_text(vs, m, list, i, text, sizeof(text));
		if (!search_match(text, needle))
			continue;
		count++;
		if (i == cur)
			*at_out = count;
	}
	return count;
}

/* What the selection is, to go back to when the search is cancelled. */
static int64_t
selection(const struct view_state *vs, int list)
{
	switch (list) {
	case VIEW_LIST_TORRENTS:
		return vs->torrent_id;
	case VIEW_LIST_PEERS:
		return vs->peer_id;
	case VIEW_LIST_FILES:
		return vs->file_row;
	default:
		return vs->log_back;
	}
}

static void
restore(struct action_ctx *c, int list, int64_t sel)
{
	switch (list) {
	case VIEW_LIST_TORRENTS:
		c->vs->torrent_id = (uint32_t)sel;
		break;
	case VIEW_LIST_PEERS:
		c->vs->peer_id = (uint32_t)sel;
		break;
	case VIEW_LIST_FILES:
		c->vs->file_row = (int)sel;
		break;
	default:
		c->vs->log_back = (int)sel;
		c->vs->log_hit = 0;
		break;
	}
	action_sync(c->vs, c->m);
}

/* The list / and \ work on, or 0 after saying there is none here. */
static int
searchable(struct action_ctx *c, int *list_out, const char *key)
{
	char	msg[VIEW_MESSAGE_MAX];

	*list_out = search_list(c->vs);
	if (*list_out != VIEW_LIST_COUNT)
		return 1;
	snprintf(msg, sizeof(msg), "%s works in the torrent list, Peers (2), "
	    "Files (3) and Log (5)", key);
	action_say(c->vs, 1, msg);
	return 0;
}

static void
open_prompt(struct view_state *vs, enum view_prompt p, const char *text)
{
	vs->prompt = p;
	snprintf(vs->prompt_buf, VIEW_SEARCH_MAX, "%s", text);
	vs->prompt_len = strlen(vs->prompt_buf);
}

void
action_search_open(struct action_ctx *c)
{
	int	list;

	if (!searchable(c, &list, "/ (search)"))
		return;
	c->vs->search_undo = selection(c->vs, list);
	open_prompt(c->vs, VIEW_PROMPT_SEARCH, "");
}

void
action_search_filter(struct action_ctx *c)
{
	int	list;

	if (!searchable(c, &list, "\\ (filter)"))
		return;
	open_prompt(c->vs, VIEW_PROMPT_FILTER, c->vs->filter[list]);
}

/* "deb: match 2 of 3", after n, N or Enter. */
static void
say_match(struct action_ctx *c, const char *needle, int wrapped)
{
	char	msg[VIEW_MESSAGE_MAX];
	size_t	at, n = action_search_count(c->vs, c->m, needle, &at);

	snprintf(msg, sizeof(msg), "%s: match %zu of %zu%s (n: next, N: "
	    "previous)", needle, at, n, wrapped ? ", from the other end" :
	    "");
	action_say(c->vs, 0, msg);
}

static void
say_none(struct action_ctx *c, const char *needle)
{
	char	msg[VIEW_MESSAGE_MAX];

	snprintf(msg, sizeof(msg), "not found: %s", needle);
	action_say(c->vs, 1, msg);
}

static void
step(struct action_ctx *c, int dir)
{
	const struct view_state	*vs = c->vs;
	int			 list;
	size_t			 n, cur, from;
	int64_t			 k;

	if (!searchable(c, &list, dir > 0 ? "n (next match)" :
	    "N (previous match)"))
		return;
	if (vs->search[0] == '\0') {
		action_say(c->vs, 1, "no search yet: / and some text first");
		return;
	}
	if ((n = list_rows(vs, c->m, list)) == 0) {
		say_none(c, vs->search);
		return;
	}
	cur = cursor_of(vs, c->m, list);
	from = (cur + (dir > 0 ? 1 : n - 1)) % n;
	if ((k = find(vs, c->m, list, vs->search, from, dir)) < 0) {
		say_none(c, vs->search);
		return;
	}
	go_to(c, list, (size_t)k);
	/* came round the end (or the whole way, to the row it left) */
	say_match(c, vs->search, dir > 0 ? (size_t)k <= cur :
	    (size_t)k >= cur);
}

void
action_search_next(struct action_ctx *c)
{
	step(c, 1);
}

void
action_search_prev(struct action_ctx *c)
{
	step(c, -1);
}

/* The prompt's text changed: the search goes to the first match (or
 * back where it started when there is no text), the filter applies. */
static void
on_text(struct action_ctx *c, int list)
{
	struct view_state	*vs = c->vs;
	int64_t			 k;

	if (vs->prompt == VIEW_PROMPT_FILTER) {
		snprintf(vs->filter[list], sizeof(vs->filter[list]), "%.*s",
		    VIEW_SEARCH_MAX - 1, vs->prompt_buf);
		action_sync(vs, c->m);
		return;
	}
	if (vs->prompt_len == 0) {
		restore(c, list, vs->search_undo);
		return;
	}
	if ((k = find(vs, c->m, list, vs->prompt_buf, 0, 1)) >= 0)
		go_to(c, list, (size_t)k);
}

void
action_search_key(struct view_state *vs, const struct model *m, int key,
    struct action_cmd *out)
{
	struct action_ctx	c = { vs, m, 0, out };
	int			list = search_list(vs);
	char			msg[VIEW_MESSAGE_MAX];
	size_t			at;

	if (list == VIEW_LIST_COUNT) {		/* the view changed */
		vs->prompt = VIEW_PROMPT_NONE;
		return;
	}
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		if (vs->prompt == VIEW_PROMPT_SEARCH && vs->prompt_len > 0) {
			vs->prompt = VIEW_PROMPT_NONE;
			snprintf(vs->search, sizeof(vs->search), "%.*s",
			    VIEW_SEARCH_MAX - 1, vs->prompt_buf);
			if (action_search_count(vs, m, vs->search, &at) == 0)
				say_none(&c, vs->search);
			else
				say_match(&c, vs->search, 0);
			return;
		}
		if (vs->prompt == VIEW_PROMPT_FILTER) {
			if (search_filter_label(vs, m, msg, sizeof(msg)))
				action_say(vs, 0, msg);
			else
				action_say(vs, 0, "no filter: every row shown");
		}
		/* an empty search: the cursor never left */
		vs->prompt = VIEW_PROMPT_NONE;
		return;
	}
	if (key == ACTION_KEY_ESC) {
		if (vs->prompt == VIEW_PROMPT_FILTER) {
			vs->filter[list][0] = '\0';
			action_sync(vs, m);
			action_say(vs, 0, "filter cleared: every row shown");
		} else
			restore(&c, list, vs->search_undo);
		vs->prompt = VIEW_PROMPT_NONE;
		return;
	}
	if (key == KEY_BACKSPACE || key == ACTION_KEY_DEL ||
	    key == ACTION_KEY_CTRL_H) {
		if (vs->prompt_len == 0)
			return;
		vs->prompt_buf[--vs->prompt_len] = '\0';
	} else if (key >= ' ' && key < 256 && key != ACTION_KEY_DEL &&
	    vs->prompt_len + 1 < VIEW_SEARCH_MAX) {
		vs->prompt_buf[vs->prompt_len++] = (char)key;
		vs->prompt_buf[vs->prompt_len] = '\0';
	} else
		return;
	on_text(&c, list);
}

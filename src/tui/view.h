/*
 * view: what the screen shows, as pure format functions (tested without a
 * terminal) and draw functions that only place those strings.  A draw
 * function reads the model and the view state, calls curses on the window
 * it is given (sized by the app), and changes nothing else.
 *
 * struct view_state is the front's own state: which view, cursors, scroll,
 * sort, the prompt.  Actions (action.h) change it; views only read it.
 */
#ifndef BT_VIEW_H
#define BT_VIEW_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "tui/colors.h"
#include "tui/filetree.h"
#include "tui/model.h"

#define VIEW_MIN_COLS		60
#define VIEW_MIN_ROWS		15
#define VIEW_HEADER_ROWS	4	/* name, progress, rates, engine health */
#define VIEW_CHROME_ROWS	6	/* header + tab bar + bottom bar */
#define VIEW_PROMPT_MAX		512	/* a path to add */
#define VIEW_MESSAGE_MAX	160
#define VIEW_LATE_HEARTBEAT_MS	1500	/* the health line turns a warning */
#define VIEW_HELP_LINE		120
#define VIEW_HELP_MAX		128	/* lines of the help screen */
#define VIEW_SEARCH_MAX		64	/* a search's or filter's text */

enum view_id {
	VIEW_PIECES,
	VIEW_PEERS,
	VIEW_FILES,
	VIEW_TRACKERS,
	VIEW_LOG,
	VIEW_COUNT
};

enum view_detail {
	VIEW_DETAIL_NONE,
	VIEW_DETAIL_PIECE,	/* detail_index is a piece index */
	VIEW_DETAIL_PEER,	/* detail_index is an engine peer id */
};

/* Columns of the peers table, left to right (the sort keys). */
enum view_peer_col {
	VIEW_PCOL_ADDR,
	VIEW_PCOL_CLIENT,
	VIEW_PCOL_FLAGS,
	VIEW_PCOL_PROGRESS,
	VIEW_PCOL_DOWN,
	VIEW_PCOL_UP,
	VIEW_PCOL_REQS,
	VIEW_PCOL_SRC,		/* where its address came from */
	VIEW_PCOL_COUNT
};

/* The Peers table's columns in the order shown (the config file's
 * peers.columns): display columns (0 the "#", VIEW_PEERS_COL(c) the
 * others); n 0: all of them in the default order. */
struct view_peer_cols {
	uint8_t		col[VIEW_PCOL_COUNT + 1];
	uint8_t		n;
};

enum view_prompt {
	VIEW_PROMPT_NONE,
	VIEW_PROMPT_DOWN,	/* download limit, KiB/s */
	VIEW_PROMPT_UP,		/* upload limit, KiB/s */
	VIEW_PROMPT_ADD,	/* a .torrent path (Tab completes) */
	VIEW_PROMPT_REMOVE,	/* k: keep the data, d: delete it, Esc */
	VIEW_PROMPT_SEARCH,	/* /: the cursor goes to the first match */
	VIEW_PROMPT_FILTER,	/* \: only matching rows are shown */
};

/* The lists / and \ search and filter (search.h). */
enum view_list {
	VIEW_LIST_TORRENTS,
	VIEW_LIST_PEERS,
	VIEW_LIST_FILES,
	VIEW_LIST_LOG,
	VIEW_LIST_COUNT		/* none: Pieces, Trackers */
};

/* Columns of the torrent list, left to right (the sort keys). */
enum view_torrent_col {
	VIEW_TCOL_NAME,
	VIEW_TCOL_STATE,
	VIEW_TCOL_PROGRESS,
	VIEW_TCOL_SIZE,
	VIEW_TCOL_DOWN,
	VIEW_TCOL_UP,
	VIEW_TCOL_ETA,
	VIEW_TCOL_RATIO,
	VIEW_TCOL_PEERS,
	VIEW_TCOL_COUNT
};

/* What the mouse can hit, as the views drew it (mouse.h reads them). */
enum view_hit_kind {
	VIEW_HIT_TAB,		/* arg: the enum view_id it shows */
	VIEW_HIT_ROW,		/* arg: the row's index in the view's list */
	VIEW_HIT_COLUMN,	/* arg: the table's column, as
				 * view_titles_draw counts them */
	VIEW_HIT_KEY,		/* arg: the key a label names (key bar, the
				 * Esc and help tabs) */
};

#define VIEW_HITS_MAX		512	/* a tall terminal's rows and more */

struct view_hit {
	int	y, x, width;	/* screen cells: row y, columns x.. */
	int	kind;		/* enum view_hit_kind */
	int	arg;
};

/* The areas of the last frame, in screen coordinates; the app owns it. */
struct view_hits {
	struct view_hit	hit[VIEW_HITS_MAX];
	size_t		n;
};

/* What one cell of a piece map shows, for one piece or a group. */
enum view_cell {
	VIEW_CELL_MISSING,
	VIEW_CELL_UNAVAILABLE,	/* missing, and no connected peer has it */
	VIEW_CELL_PARTIAL,	/* a group with some pieces we have */
	VIEW_CELL_REQUESTED,
	VIEW_CELL_DOWNLOADING,
	VIEW_CELL_HAVE,
	VIEW_CELL_COUNT
};

struct view_state {
	/* The torrent list (home), or one torrent's detail views. */
	int			 home;
	int			 torrent_row, torrent_top;
	uint32_t		 torrent_id;	/* the selected row follows
						 * its torrent */
	enum view_torrent_col	 tsort;
	int			 tsort_invert;
	uint32_t		 torrent_order[MODEL_MAX_TORRENTS];
	size_t			 ntorrent_order;
	/* The torrent in detail, by info-hash: a new engine may number
	 * the torrents anew. */
	uint8_t			 focus_hash[20];
	int			 have_focus;
	uint32_t		 remove_id;	/* asked about by the prompt */

	enum view_id		 view;
	int			 help;		/* the help screen is open */
	int			 help_top;	/* its first line shown */
	enum view_detail	 detail;
	uint32_t		 detail_index;

	uint32_t		 piece_cursor;	/* a piece index */

	int			 peer_row, peer_top;
	uint32_t		 peer_id;	/* the selected peer follows
						 * its id when the order
						 * changes */
	enum view_peer_col	 sort;
	int			 sort_invert;
	uint32_t		 peer_order[MODEL_MAX_PEERS]; /* into peers[] */
	size_t			 npeer_order;
	struct view_peer_cols	 peer_cols;	/* which, in what order */

	/* The Files view: its tree (synced with the model's list by
	 * action_sync, folds kept) and the cursor, a visible row of it. */
	struct filetree		 files;
	int			 file_row, file_top;
	int			 tracker_row, tracker_top;
	int			 log_back;	/* lines above the tail; 0:
						 * follow new lines */
	uint64_t		 log_seen;	/* model log_total at sync */
	/* Log and Trackers: the selected line shown whole, wrapped, in
	 * place of the list (Enter opens it, Esc closes it). */
	int			 line_open;
	uint64_t		 line_index;	/* Log: model_log_serial of
						 * view_log_selected; Trackers:
						 * the row */

	int			 cols, rows;	/* the body window, from the
						 * app */
	int			 unicode;	/* UTF-8 locale: block glyphs */
	int			 mono;		/* no colours */
	int			 mouse;		/* the mouse is on (the help
						 * says how to select text) */
	/* Where the draw functions note what they drew where, for the
	 * mouse: the one thing they write, through the const view_state.
	 * Owned by the app; NULL: nothing noted. */
	struct view_hits	*hits;

	enum view_prompt	 prompt;
	char			 prompt_buf[VIEW_PROMPT_MAX];
	size_t			 prompt_len;
	/* The limits last sent, until the engine's session says them (or
	 * a few seconds passed): a second limit typed before then keeps
	 * the first, both going in one command. */
	struct msg_limits	 limits_sent;
	int			 limits_pending;
	uint64_t		 limits_sent_ms;	/* model now_ms */
	int			 turtle_sent;	/* t: the mode asked for */
	int			 turtle_pending;
	uint64_t		 turtle_sent_ms;
	char			 message[VIEW_MESSAGE_MAX];	/* bottom bar */
	int			 message_warn;

	/* / and \ (search.h): the search n and N find again, and each
	 * list's filter, which action_sync applies (the torrent and peer
	 * orders and the Files tree hold only rows that pass; the Log's
	 * lines are log_shown[0..nlog_shown)). */
	char			 search[VIEW_SEARCH_MAX];	/* "": none */
	char			 filter[VIEW_LIST_COUNT][VIEW_SEARCH_MAX];
	int64_t			 search_undo;	/* the selection when / opened:
						 * Esc goes back to it */
	uint64_t		 log_hit;	/* the Log line a search found:
						 * its number in log_total
						 * (the first line ever is
						 * 1); 0: none, or moved */
	uint16_t		 log_shown[MODEL_LOG_LINES];	/* model log
							 * indexes */
	size_t			 nlog_shown;
};

/* Geometry of a piece map in a body of cols x rows cells. */
struct view_map_geom {
	uint32_t	group;		/* pieces per cell, >= 1 */
	uint32_t	cells;		/* cells in use */
	int		cols;		/* cells per row */
	int		rows;		/* rows in use */
	int		x, y;		/* top-left of the map in the body */
};

struct view_help_line {
	char	text[VIEW_HELP_LINE];
	int	heading;
};

/* --- view.c: shared formatting and drawing helpers ---------------------- */

/* A column of a table: its title, whether it is right-aligned, and its
 * natural sort order (desc: biggest first, as numbers sort; else A to Z). */
struct view_column {
	const char	*title;
	int		 width;		/* 0: given by the caller */
	int		 right;
	int		 desc;
};
/* Notes a hit area of w: width cells from (y, x) of w, kept in screen
 * coordinates; nothing when vs->hits is NULL or full, or the area lies
 * outside w. */
void	view_hit_add(const struct view_state *vs, WINDOW *w, int y, int x,
	    int width, enum view_hit_kind kind, int arg);
/* The title row of a table: n columns of widths[i] cells from x = 1 (0:
 * not shown), the sort column marked with view_sort_arrow; a sortable
 * table's (sort >= 0) titles are noted as VIEW_HIT_COLUMN c. */
void	view_titles_draw(WINDOW *w, const struct view_state *vs,
	    const struct view_column *cols, const int *widths, int n, int sort,
	    int invert);
/* The same on row y (sort -1: none). */
void	view_titles_draw_at(WINDOW *w, int y, const struct view_state *vs,
	    const struct view_column *cols, const int *widths, int n, int sort,
	    int invert);
/* The sort arrow says the order on screen, the same for every column:
 * up (U+25B2, ASCII '^') ascending, A to Z and smallest first; down
 * (U+25BC, 'v') descending.  desc: the column's natural order. */
const char *view_sort_arrow(int desc, int invert, int unicode);
/* One column of view_layout: its narrowest and its best width, and its
 * rank (0 the most important: hidden last, widened first). */
struct view_layout_col {
	int	min, want, rank;
};
/* Widths of n columns in avail cells with a blank between shown ones
 * (width_out[i] 0: hidden).  Each shown column gets at least its min;
 * while they do not fit, the highest rank is hidden (the rightmost of
 * equal ranks), never column keep (-1: none); what room is left widens
 * columns towards their want, lowest rank first. */
void	view_layout(const struct view_layout_col *c, int n, int avail,
	    int keep, int *width_out);
/* order[0..n) = 0..n-1 sorted by cmp(arg, i, j) (stable merge sort,
 * O(n log n)); n <= MODEL_MAX_PEERS + MODEL_MAX_TORRENTS. */
void	view_sort_order(uint32_t *order, size_t n,
	    int (*cmp)(const void *arg, uint32_t i, uint32_t j),
	    const void *arg);
/* 1 when a cols x rows terminal cannot hold the screen. */
int	view_too_small(int cols, int rows);
/* What a cols x rows terminal that is too small shows, fitted to cols:
 * "terminal too small: 40x10, need 60x15", or shorter down to "60x15". */
void	view_format_too_small_fit(int cols, int rows, char *buf, size_t len);
/* The same for the current curses screen; "terminal too small (need
 * 60x15)" without one. */
void	view_format_too_small(char *buf, size_t len);
/* done/total with one decimal, rounded down ("99.9%" until the end);
 * total 0 is "0.0%". */
void	view_format_percent(uint64_t done, uint64_t total, char *buf,
	    size_t len);
/* A progress bar of width cells (UTF-8 blocks or ASCII '#' and '.'),
 * rounded down; returns the number of filled cells. */
int	view_format_bar(uint64_t done, uint64_t total, int width, int unicode,
	    char *buf, size_t len);
/* The glyph of a map cell; eighths (1-7) picks the height of a PARTIAL
 * cell in UTF-8 mode.  ASCII: # + - : . x */
const wchar_t *view_cell_glyph(enum view_cell c, unsigned eighths,
	    int unicode);
enum clr view_cell_color(enum view_cell c);
/* "have", "downloading"... for legends and details. */
const char *view_cell_name(enum view_cell c);
enum view_cell view_piece_cell(uint8_t piece_state);

/*
 * Text from outside (names, addresses, log lines) is UTF-8: control bytes
 * and invalid sequences show as '?', combining marks stay on the
 * character before them (U+0301 after "e" is one cell, drawn through
 * setcchar), invisible steering characters (bidi overrides, zero-width
 * spaces) are dropped.  Text cut to fit ends in an ellipsis, U+2026 in a
 * UTF-8 locale and '~' in others; trailing blanks may be cut unmarked.
 */
/* Columns s takes, trailing blanks left out. */
int	view_text_width(const char *s);
/* Copies s into out as exactly width columns: cut at a whole character
 * (marked), padded with blanks (on the left when right). */
void	view_fit(const char *s, int width, int right, char *out, size_t len);
/* Places s at (y, x) in at most maxcols columns (and the window), cut
 * text marked.  Returns the columns used. */
int	view_put(WINDOW *w, int y, int x, const char *s, int maxcols,
	    attr_t attr);
/* The same, cut without a mark: for bars drawn in parts. */
int	view_put_clip(WINDOW *w, int y, int x, const char *s, int maxcols,
	    attr_t attr);
/* The first line of s wrapped at width columns into out: it ends before
 * the last run of blanks that fits (two or more, between fields, rather
 * than one), or cuts a word longer than a line.  Returns the rest (its
 * leading blanks skipped), at the NUL when none is left. */
const char *view_wrap(const char *s, int width, char *out, size_t len);
/* Fills n cells from (y, x) with blanks in attr. */
void	view_fill(WINDOW *w, int y, int x, int n, attr_t attr);
/* One map cell at (y, x). */
void	view_put_cell(WINDOW *w, int y, int x, enum view_cell c,
	    unsigned eighths, const struct view_state *vs, int cursor);

/* --- view_header.c, view_header_stats.c, view_header_bars.c: header, --- */
/* --- its stats line, tab bar, bottom bar -------------------------------- */

/* parts joined by two blanks into buf (bounded by len); empty ones are
 * left out. */
void	view_join(char *buf, size_t len, const char *const *parts, size_t n);

/* "downloading", "checking 45%", "paused"... */
void	view_header_state(const struct msg_status *st, char *buf, size_t len);
/* The header's state word: view_header_state of the engine's last status,
 * "waiting for the engine" before one came, or "engine not running" when
 * no engine runs (back-off, the watchdog gave up) and the last one did not
 * finish the job. */
void	view_header_title(const struct model *m, char *buf, size_t len);
/*
 * The engine's health: "engine 1234  up 5m12s  restarts 0  heartbeat
 * 0.4 s ago", or what the supervisor is doing, with the reason the last
 * engine failed ("engine killed by signal 9 (SIGKILL); restarting in
 * 1.0 s", "engine stopped responding (no heartbeat for 3.0 s); restarted
 * (2/5)  engine ...", "engine exited with status 2; the watchdog gave up:
 * press R to retry", "engine finished...").  *level_out: 0 fine, 1
 * warning (late heartbeat, restarting), 2 error (gave up, bad input).
 */
void	view_header_health(const struct sup_info *h, char *buf, size_t len,
	    int *level_out);
/* A magnet link's torrent before its metadata (state METADATA): "fetching
 * metadata from 3 peers: 5 of 12 pieces", "...: size not known yet"
 * while no peer told it, "fetching metadata: no peer connected". */
void	view_header_metadata(const struct msg_status *st, char *buf,
	    size_t len);
/*
 * The torrent's rates and counts in at most width columns: "D: 1.5 MiB/s
 * [max 2.0 MiB/s]  U: 20 KiB/s  ETA 5m12s  ratio 0.120  peers 7 connected
 * (1 seed), 9 known" (arrows for D: and U: with unicode).  The ETA only
 * while downloading; the ratio "of 2.000 (61.7%)" toward
 * m->seed_ratio_milli when set; the peers counted from the peer list
 * (the Peers tab's number), seeds among them, and when more are
 * connected than known (addresses to dial), the incoming ones and web
 * seeds that explain it.  Rates are 0 while paused or queued.  To fit it
 * shortens the peers, drops the limits, shortens the ratio, then drops
 * it.  When no engine runs (model_engine_live) the last one's rates, ETA
 * and peers are stale and show as "-".
 */
int	view_header_stats(const struct model *m, int width, int unicode,
	    char *buf, size_t len);
/*
 * Why a torrent that looks for peers has none, from its Trackers rows:
 * "no peers: 6 trackers failed, last: Could not resolve host ..." when
 * every tracker failed (the newest error), "no peers: no tracker answered
 * yet (2 of 6 failed), the DHT is off" or "no peers: no tracker, and the
 * DHT is off" when there is no DHT to wait for.  Returns 1 and the text,
 * or 0 and "" while a peer is connected, a tracker answered, or the
 * first announces are on their way.  view_header_stats returns 1 when it
 * shows this text instead of the ETA, the ratio and the peers (after the
 * rates, kept for the limits); the header draws it as a warning.
 */
int	view_header_no_peers(const struct model *m, char *buf, size_t len);
/* The text right of the header's bar: " 50.0%  250 MiB / 500 MiB  pieces
 * 1000/2000", then "complete at 14:03" (model_completed_at) once it is;
 * the pieces, then the time, go when width is short.  A magnet link
 * fetching metadata: view_header_metadata. */
void	view_header_progress(const struct model *m, int width, char *buf,
	    size_t len);
/* Wall-clock time t as "14:03" when it is the same local day as now,
 * else "03 Mar 14:03". */
void	view_format_clock(int64_t t, int64_t now, char *buf, size_t len);
/* The session's totals in at most width columns: "D: 1.5 MiB/s  U: 20
 * KiB/s  torrents 3 (2 active, 1 queued, at most 5)  peers 4  port 6881"
 * (the limits, the queue and the port go when it is short); rates 0 when
 * no torrent is active. */
void	view_header_session(const struct msg_session *ss, int live, int width,
	    int unicode, char *buf, size_t len);
void	view_header_draw(WINDOW *w, const struct model *m,
	    const struct view_state *vs);
void	view_tabs_draw(WINDOW *w, const struct model *m,
	    const struct view_state *vs);
void	view_footer_draw(WINDOW *w, const struct model *m,
	    const struct view_state *vs);
const char *view_name(enum view_id v);

/* --- view_pieces.c: the piece map and a piece's detail ------------------ */

/* The cell of n piece states: any downloading -> DOWNLOADING, else any
 * requested -> REQUESTED, else all have -> HAVE, else some have -> PARTIAL
 * (*eighths_out: the share we have, 1-7), else all unavailable ->
 * UNAVAILABLE, else MISSING. */
enum view_cell view_pieces_cell(const uint8_t *states, size_t n,
	    unsigned *eighths_out);
/* Lays num_pieces out in a body of cols x rows (one info line above, a
 * legend below), grouping pieces when they outnumber the cells. */
void	view_pieces_geom(uint32_t num_pieces, int cols, int rows,
	    struct view_map_geom *out);
/* "block   3  have       from #12". */
void	view_pieces_format_block(uint32_t i, const struct msg_block *b,
	    char *buf, size_t len);
void	view_pieces_draw(WINDOW *w, const struct model *m,
	    const struct view_state *vs);

/* --- view_peers.c: the peers table and a peer's detail ------------------ */

/* Seven letters, uTorrent style (documented in the help), from
 * msg_peer.flags and msg_peer.transport:
 * [0] D download (we want, it unchokes us), d (we want, it chokes us),
 *     K (it unchokes us, we do not want), ' ';
 * [1] U upload (it wants, we unchoke it), u (it wants, we choke it),
 *     ? (we unchoke it, it does not want), ' ';
 * [2] O optimistic unchoke; [3] S snubbed; [4] I incoming;
 * [5] E encrypted (RC4), e MSE handshake but plaintext payload, ' ';
 * [6] P uTP. */
void	view_peers_flags(uint8_t flags, uint8_t transport, char *buf,
	    size_t len);
/* msg_peer.transport in words for the peer detail: "TCP, plaintext",
 * "uTP, MSE handshake, plaintext", "TCP, encrypted (RC4)"...; "?" for
 * a value the decoder would refuse. */
const char *view_peers_transport(uint8_t transport);
/* Where a peer's address came from (msg_peer.src): "tracker", "PEX",
 * "DHT", "incoming", "manual", "web seed"; "?" for another value. */
const char *view_peers_src(uint8_t src);
/* A peer's address for a column of width cells: as it is when it fits;
 * "[2001:db8:12..]:51413" for an IPv6 one that does not (its port kept);
 * anything else whole, for view_fit to cut. */
void	view_peers_fit_addr(const char *addr, int width, char *out,
	    size_t len);
/* The table's columns on screen: the peer's engine id ("#", the detail's
 * #N; not a sort key), then enum view_peer_col's in order. */
#define VIEW_PEERS_NCOL		(VIEW_PCOL_COUNT + 1)
#define VIEW_PEERS_COL(c)	((int)(c) + 1)
/* Widths of the VIEW_PEERS_NCOL columns (0: hidden) for peers[0..n) in a
 * body cols wide: Address and Client as wide as their longest text
 * (bounded), then the fixed ones; on a narrow terminal Src goes first,
 * then #, Done, Reqs..., never the sort column.  80 columns show all but
 * Src. */
void	view_peers_layout(const struct msg_peer *peers, size_t n, int cols,
	    enum view_peer_col sort, int *width_out);
/* One row: the shown columns at their widths, a blank between. */
void	view_peers_format_row(const struct msg_peer *p, const int *widths,
	    char *buf, size_t len);
/* The same two for the columns of order (NULL: the default), widths
 * still indexed by display column; one not in order is hidden (0). */
void	view_peers_layout_cols(const struct msg_peer *peers, size_t n,
	    int cols, enum view_peer_col sort,
	    const struct view_peer_cols *order, int *width_out);
void	view_peers_format_row_cols(const struct msg_peer *p,
	    const struct view_peer_cols *order, const int *widths, char *buf,
	    size_t len);
/* Parses "address,client,down": the titles of the columns, any case,
 * blanks around them allowed, each at most once.  BT_OK, or
 * BT_ERR_INVALID with one line in errbuf ("unknown column 'adress'
 * (#, Address, Client...)"). */
int	view_peers_parse_cols(const char *list, struct view_peer_cols *out,
	    char *errbuf, size_t errlen);
/* A column's title, "?" for another value. */
const char *view_peers_col_title(enum view_peer_col c);
/* The table column (VIEW_PEERS_COL(c) or 0, the #) that the i-th title
 * drawn is, in vs->peer_cols's order; -1 when there is none. */
int	view_peers_title_col(const struct view_state *vs, int i);
/* "Our requests to it (32 of 53):  5@0+16384  5@16384+16384...": the
 * engine lists at most MSG_MAX_REQS of total; "(3):" when all are listed,
 * "what: none" for none. */
void	view_peers_format_reqs(const char *what, uint32_t listed,
	    uint32_t total, const struct msg_req *reqs, char *buf, size_t len);
/* "disconnected 12s ago (closed by peer); the numbers below are its last"
 * (reason "": none known). */
void	view_peers_format_gone(uint64_t ago_ms, const char *reason, char *buf,
	    size_t len);
/* -1, 0, 1 in the column's natural order (text ascending, numbers
 * descending; addresses by family, address, then port, as numbers), ties
 * broken by id. */
int	view_peers_compare(const struct msg_peer *a, const struct msg_peer *b,
	    enum view_peer_col col);
/* order_out[0..n) = indexes of peers[] sorted by col (inverted when
 * invert); n <= MODEL_MAX_PEERS. */
void	view_peers_sort(const struct msg_peer *peers, size_t n,
	    enum view_peer_col col, int invert, uint32_t *order_out);
void	view_peers_draw(WINDOW *w, const struct model *m,
	    const struct view_state *vs);

/* --- view_torrents.c: the torrent list (home) -------------------------- */

/* "downloading", "seeding", "queued #2", "paused", "checking"... */
void	view_torrents_state(const struct msg_torrent_row *r, char *buf,
	    size_t len);
/* Widths of the columns (0: hidden) for rows[0..n) in a body cols wide:
 * Name as wide as the longest name (at least 20 when there is room),
 * then the fixed ones; on a narrow terminal Ratio goes first, then
 * Peers, Size..., never the sort column.  80 columns hide Ratio and
 * Peers. */
void	view_torrents_layout(const struct msg_torrent_row *rows, size_t n,
	    int cols, enum view_torrent_col sort, int *width_out);
/* One row: the shown columns at their widths, a blank between: name,
 * state, done %, size, rates (0 while paused or queued), ETA (only while
 * downloading), ratio, peers connected.  A METADATA row's Done is the
 * metadata's pieces, "3/12" (the share in percent when that is too wide,
 * "-" before its size is known). */
void	view_torrents_format_row(const struct msg_torrent_row *r,
	    const int *widths, char *buf, size_t len);
const char *view_torrents_col_title(enum view_torrent_col c);
/* -1, 0, 1 in the column's natural order (text ascending, numbers
 * descending), ties broken by id. */
int	view_torrents_compare(const struct msg_torrent_row *a,
	    const struct msg_torrent_row *b, enum view_torrent_col col);
/* order_out[0..n) = indexes of rows[] sorted by col. */
void	view_torrents_sort(const struct msg_torrent_row *rows, size_t n,
	    enum view_torrent_col col, int invert, uint32_t *order_out);
void	view_torrents_draw(WINDOW *w, const struct model *m,
	    const struct view_state *vs);

/* --- view_files.c, view_trackers.c, view_log.c, view_help.c ------------- */

/* Lines of the Files view above its rows: the totals and the titles. */
#define VIEW_FILES_TOP_ROWS	2
/*
 * One row of the Files tree: the file's number (1-based, as --info and
 * --select-file count; blank for a directory), size, wanted bytes ("-"
 * for none), done share, a bar, the priority ("mixed" for a directory
 * whose files differ), then the name indented two columns a level, a
 * directory's with a fold mark (UTF-8 triangles, or ASCII '-' unfolded
 * and '+' folded) and a trailing '/'.
 */
void	view_files_format_row(const struct filetree_row *r, int unicode,
	    char *buf, size_t len);
/* The line above the rows: "3 files, 1.2 GiB wanted of 2.0 GiB, 512 MiB
 * done" from the tree's totals; when the engine counts more files than
 * the model lists (files_total), "16384 of 100000 files listed: ... (of
 * those listed)". */
void	view_files_format_totals(const struct filetree_row *tot,
	    uint32_t files_total, char *buf, size_t len);
/* The gutter before file i's row: a mark ("> ", or a triangle with
 * unicode) when streamed (msg_files.streamed) names it, else "  ". */
const char *view_files_stream_mark(uint32_t streamed, size_t i, int unicode);
/* A priority (enum msg_prio, FILETREE_PRIO_MIXED) as the Prio column
 * shows it. */
const char *view_files_prio_name(uint8_t prio);
/* Draws vs->files, which action_sync brought in line with m. */
void	view_files_draw(WINDOW *w, const struct model *m,
	    const struct view_state *vs);

const char *view_trackers_status(uint8_t status);
/* Widths of the table's 7 columns (Tier, Status, Last, Next, Seeds,
 * Leech, URL; 0: hidden) in a body cols wide: the URL as wide as the
 * widest line when there is room, else at least the longest announce URL
 * (the DHT's and peers' lines when there is none) up to 40: Leech, Seeds,
 * Last... go first. */
void	view_trackers_layout(const struct msg_trackers *tr, int cols,
	    int *width_out);
void	view_trackers_format_row(const struct msg_tracker *t,
	    const int *widths, char *buf, size_t len);
/*
 * The torrent's own lines above the trackers table in a body cols wide and
 * rows high: "Magnet link:" with "   private torrent: no PEX, no DHT"
 * after it for a private torrent, then the link (msg_status.magnet) cut
 * every cols bytes, drawn from the first column so a selection of those
 * rows is the whole link.  At most rows - 2, so the table keeps its
 * titles and a row.  st NULL (no status yet): none.
 */
int	view_trackers_info_rows(const struct msg_status *st, int cols,
	    int rows);
/* Line i (< view_trackers_info_rows) of that into buf. */
void	view_trackers_info_line(const struct msg_status *st, int cols, int i,
	    char *buf, size_t len);
/* The table, or with vs->line_open the row vs->line_index whole: its
 * URL (or address) and last error wrapped. */
void	view_trackers_draw(WINDOW *w, const struct model *m,
	    const struct view_state *vs);

/* "12:04:05 engine   warn  text" (the time in the local zone). */
void	view_log_format_line(const struct model_log_line *l, char *buf,
	    size_t len);
/* Index of the first log line shown in a body of rows lines. */
size_t	view_log_first(size_t count, int rows, int back);
/* The serial (model_log_serial) of the line the Log view selects, the one
 * vs->line_open shows whole: vs->log_back lines above the newest (the
 * bottom one once the log fills the view), highlighted when log_back > 0;
 * UINT64_MAX for an empty log. */
uint64_t view_log_selected(const struct model *m,
	    const struct view_state *vs);
/* Draws text wrapped at the window's width from row *y, column x, on as
 * many rows as it takes and the window has; *y: the row after it. */
void	view_draw_wrapped(WINDOW *w, int *y, int x, const char *text,
	    attr_t a);
/* The log, or with vs->line_open the line vs->line_index whole. */
void	view_log_draw(WINDOW *w, const struct model *m,
	    const struct view_state *vs);

/* Fills lines with the help screen (every key of action.h, the peer flags,
 * the map legend); returns how many. */
size_t	view_help_build(struct view_help_line *lines, size_t max, int unicode);
/* The help of vs's screen: view_help_build, and with vs->mouse what the
 * mouse does and that Shift+drag selects text in most terminals. */
size_t	view_help_lines(struct view_help_line *lines, size_t max,
	    const struct view_state *vs);
void	view_help_draw(WINDOW *w, const struct model *m,
	    const struct view_state *vs);

#endif

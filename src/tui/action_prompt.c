/*
 * The prompts in the bottom bar: a .torrent path or magnet link to add
 * (Tab completes), a limit, the remove question.  While one is open it
 * takes every key; Enter acts, Esc closes it.  A limit that cannot be
 * read keeps the prompt open with its text and the reason, in
 * vs->message, which action_prompt_line shows after the text.
 */
#include "action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "ipc/fmt.h"
#include "tui/action_priv.h"
#include "tui/complete.h"
#include "tui/search.h"

#define LIMITS_WAIT_MS	3000	/* for the engine to report limits sent */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *
skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* K, M, G, T as aria2c and rtorrent count them: powers of 1024. */
static int
unit_shift(char c)
{
	switch (c) {
	case 'k': case 'K':
		return 10;
	case 'm': case 'M':
		return 20;
	case 'g': case 'G':
		return 30;
	case 't': case 'T':
		return 40;
	default:
		return -1;
	}
}

/* The unit after the number: *shift_out is log2 of bytes per unit; no
 * unit is KiB.  Returns where the unit ends. */
static const char *
parse_unit(const char *p, int *shift_out)
{
	*shift_out = 10;
	if (unit_shift(*p) >= 0) {
		*shift_out = unit_shift(*p++);
		if (*p == 'i' || *p == 'I')
			p++;
		if (*p == 'b' || *p == 'B')
			p++;
	} else if (*p == 'b' || *p == 'B') {
		*shift_out = 0;
		p++;
	}
	if (p[0] == '/' && (p[1] == 's' || p[1] == 'S'))
		p += 2;
	return p;
}

int
action_parse_rate(const char *s, uint64_t *bps_out, int *capped_out)
{
	/* a fraction counts to a millionth of the unit; more digits are
	 * taken and ignored, so the products below stay under 2^60 */
	uint64_t	whole = 0, frac = 0, scale = 1, unit, bps;
	const char	*p = skip_blanks(s);
	int		digits = 0, over = 0, shift;

	*bps_out = 0;
	*capped_out = 0;
	for (; is_digit(*p); p++, digits++) {
		if (whole > (UINT64_MAX - 9) / 10)
			over = 1;
		else
			whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; is_digit(*p); p++, digits++) {
			if (scale < 1000000) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				scale *= 10;
			}
		}
	}
	if (digits == 0)
		return BT_ERR_INVALID;
	p = skip_blanks(parse_unit(skip_blanks(p), &shift));
	if (*p != '\0')
		return BT_ERR_INVALID;
	unit = 1ULL << shift;
	if (over || whole > ACTION_LIMIT_MAX_BPS / unit) {
		*capped_out = 1;
		*bps_out = ACTION_LIMIT_MAX_BPS;
		return BT_OK;
	}
	bps = whole * unit + frac * unit / scale;
	if (bps == 0 && (whole != 0 || frac != 0))
		return BT_ERR_RANGE;
	if (bps > ACTION_LIMIT_MAX_BPS) {
		*capped_out = 1;
		bps = ACTION_LIMIT_MAX_BPS;
	}
	*bps_out = bps;
	return BT_OK;
}

void
action_prompt_add(struct action_ctx *c)
{
	c->vs->prompt = VIEW_PROMPT_ADD;
	c->vs->prompt_len = 0;
	c->vs->prompt_buf[0] = '\0';
}

void
action_prompt_remove(struct action_ctx *c)
{
	uint32_t	id = action_current_torrent(c->vs, c->m);

	if (id == MSG_TORRENT_NONE) {
		action_say(c->vs, 1, "no torrent to remove");
		return;
	}
	c->vs->remove_id = id;
	c->vs->prompt = VIEW_PROMPT_REMOVE;
}

void
action_prompt_limit_down(struct action_ctx *c)
{
	c->vs->prompt = VIEW_PROMPT_DOWN;
	c->vs->prompt_len = 0;
	c->vs->prompt_buf[0] = '\0';
}

void
action_prompt_limit_up(struct action_ctx *c)
{
	c->vs->prompt = VIEW_PROMPT_UP;
	c->vs->prompt_len = 0;
	c->vs->prompt_buf[0] = '\0';
}

/* A limit for a message: "50.0 KiB/s", or "no limit" for 0. */
static void
limit_text(char *buf, size_t len, uint64_t bps)
{
	if (bps == 0)
		snprintf(buf, len, "no limit");
	else
		fmt_rate(buf, len, bps);
}

/* Turtle mode as it is, or will be once the engine reports the last
 * toggle (as current_limits below). */
static int
current_turtle(struct view_state *vs, const struct model *m)
{
	if (vs->turtle_pending && (m->session.turtle == vs->turtle_sent ||
	    m->now_ms >= vs->turtle_sent_ms + LIMITS_WAIT_MS))
		vs->turtle_pending = 0;
	return vs->turtle_pending ? vs->turtle_sent : m->session.turtle;
}

void
action_prompt_turtle(struct action_ctx *c)
{
	struct view_state	*vs = c->vs;
	const struct msg_session *ss = &c->m->session;
	char			 down[FMT_MAX], up[FMT_MAX];
	int			 on = !current_turtle(vs, c->m);

	if (!c->m->have_session) {
		action_say(vs, 1, "turtle mode: the engine has not started yet");
		return;
	}
	c->out->result = ACTION_SEND;
	c->out->type = MSG_CMD_SET_TURTLE;
	c->out->count.n = (uint32_t)on;
	vs->turtle_sent = on;
	vs->turtle_pending = 1;
	vs->turtle_sent_ms = c->m->now_ms;
	limit_text(down, sizeof(down), on ? ss->alt_down_bps :
	    ss->max_down_bps);
	limit_text(up, sizeof(up), on ? ss->alt_up_bps : ss->max_up_bps);
	snprintf(vs->message, sizeof(vs->message), "turtle mode %s: %s down, "
	    "%s up", on ? "on" : "off", down, up);
	vs->message_warn = 0;
}

/* The limits as they are, or will be once the engine has the last ones
 * sent: the engine's session (every second) reports them a moment later;
 * after LIMITS_WAIT_MS without them, the engine's word counts. */
static const struct msg_limits *
current_limits(struct view_state *vs, const struct model *m)
{
	if (vs->limits_pending &&
	    ((m->session.max_down_bps == vs->limits_sent.max_down_bps &&
	    m->session.max_up_bps == vs->limits_sent.max_up_bps) ||
	    m->now_ms >= vs->limits_sent_ms + LIMITS_WAIT_MS))
		vs->limits_pending = 0;
	if (!vs->limits_pending) {
		vs->limits_sent.max_down_bps = m->session.max_down_bps;
		vs->limits_sent.max_up_bps = m->session.max_up_bps;
	}
	return &vs->limits_sent;
}

/* Enter in a limit prompt: the limit is sent, or the prompt stays open
 * with the text and says why it was refused. */
static void
limit_enter(struct view_state *vs, const struct model *m,
    struct action_cmd *out)
{
	char		rate[FMT_MAX];
	const char	*what = vs->prompt == VIEW_PROMPT_DOWN ? "download" :
			    "upload";
	uint64_t	bps;
	int		r, capped;

	if (vs->prompt_len == 0) {
		vs->prompt = VIEW_PROMPT_NONE;
		return;
	}
	if ((r = action_parse_rate(vs->prompt_buf, &bps, &capped)) != BT_OK) {
		snprintf(vs->message, sizeof(vs->message), r == BT_ERR_RANGE ?
		    "under 1 B/s: %.32s (0 is no limit)" : "not a rate: %.32s "
		    "(try 500K, 2M or 0 for none)", vs->prompt_buf);
		vs->message_warn = 1;
		return;
	}
	out->result = ACTION_SEND;
	out->type = MSG_CMD_SET_LIMITS;
	out->limits = *current_limits(vs, m);
	if (vs->prompt == VIEW_PROMPT_DOWN)
		out->limits.max_down_bps = bps;
	else
		out->limits.max_up_bps = bps;
	vs->limits_sent = out->limits;
	vs->limits_pending = 1;
	vs->limits_sent_ms = m->now_ms;
	fmt_rate(rate, sizeof(rate), bps);
	if (bps == 0)
		snprintf(vs->message, sizeof(vs->message), "%s limit: none",
		    what);
	else if (capped)
		snprintf(vs->message, sizeof(vs->message), "%s limit: %s, "
		    "the most there is (%.32s was over it)", what, rate,
		    vs->prompt_buf);
	else
		snprintf(vs->message, sizeof(vs->message), "%s limit: %s",
		    what, rate);
	vs->message_warn = capped;
	vs->prompt = VIEW_PROMPT_NONE;
	/* as Transmission: the prompt sets the normal limits, which wait
	 * while the alternative ones are in force */
	if (current_turtle(vs, m))
		snprintf(vs->message + strlen(vs->message), sizeof(vs->message) -
		    strlen(vs->message), " (after turtle mode: t)");
}

static int
is_enter(int key)
{
	return key == '\n' || key == '\r' || key == KEY_ENTER;
}

/* The remove prompt: k or Enter keeps the data, d deletes it. */
static void
remove_key(struct view_state *vs, int key, struct action_cmd *out)
{
	if (key != 'k' && key != 'd' && !is_enter(key)) {
		if (key == ACTION_KEY_ESC || key == 'q' || key == 'n')
			vs->prompt = VIEW_PROMPT_NONE;
		return;
	}
	vs->prompt = VIEW_PROMPT_NONE;
	out->result = ACTION_SEND;
	out->type = MSG_CMD_REMOVE;
	out->remove.torrent_id = vs->remove_id;
	out->remove.delete_data = key == 'd';
	action_say(vs, 0, key == 'd' ? "removing the torrent and its data..." :
	    "removing the torrent (its data stays)...");
	if (!vs->home)
		action_focus(vs, NULL);
}

/* The add prompt: any text, Tab completes, Enter adds. */
static void
add_key(struct view_state *vs, int key, struct action_cmd *out)
{
	int	n;

	if (is_enter(key)) {
		vs->prompt = VIEW_PROMPT_NONE;
		if (vs->prompt_len == 0)
			return;
		out->result = ACTION_SEND;
		out->type = MSG_CMD_ADD;
		snprintf(out->add.path, sizeof(out->add.path), "%s",
		    vs->prompt_buf);
		action_say(vs, 0, "adding...");
	} else if (key == ACTION_KEY_ESC) {
		vs->prompt = VIEW_PROMPT_NONE;
	} else if (key == '\t') {
		n = complete_path(vs->prompt_buf, sizeof(vs->prompt_buf));
		vs->prompt_len = strlen(vs->prompt_buf);
		if (n > 1)
			action_say(vs, 0, "several files match: type more");
	} else if (key == KEY_BACKSPACE || key == ACTION_KEY_DEL ||
	    key == ACTION_KEY_CTRL_H) {
		if (vs->prompt_len > 0)
			vs->prompt_buf[--vs->prompt_len] = '\0';
	} else if (key >= ' ' && key < 256 && key != 127 &&
	    vs->prompt_len + 1 < sizeof(out->add.path)) {
		vs->prompt_buf[vs->prompt_len++] = (char)key;
		vs->prompt_buf[vs->prompt_len] = '\0';
	}
}

void
action_prompt_key(struct view_state *vs, const struct model *m, int key,
    struct action_cmd *out)
{
	if (vs->prompt == VIEW_PROMPT_ADD) {
		add_key(vs, key, out);
		return;
	}
	if (vs->prompt == VIEW_PROMPT_REMOVE) {
		remove_key(vs, key, out);
		return;
	}
	if (vs->prompt == VIEW_PROMPT_SEARCH ||
	    vs->prompt == VIEW_PROMPT_FILTER) {
		action_search_key(vs, m, key, out);
		return;
	}
	if (is_enter(key)) {
		limit_enter(vs, m, out);
	} else if (key == ACTION_KEY_ESC) {
		vs->prompt = VIEW_PROMPT_NONE;
		vs->message[0] = '\0';
	} else if (key == KEY_BACKSPACE || key == ACTION_KEY_DEL ||
	    key == ACTION_KEY_CTRL_H) {
		if (vs->prompt_len > 0)
			vs->prompt_buf[--vs->prompt_len] = '\0';
		vs->message[0] = '\0';
	} else if (key >= ' ' && key < 127 &&
	    vs->prompt_len + 1 < ACTION_LIMIT_INPUT_MAX) {
		/* any text: Enter says what is wrong with it, rather than
		 * keys that vanish as they are typed */
		vs->prompt_buf[vs->prompt_len++] = (char)key;
		vs->prompt_buf[vs->prompt_len] = '\0';
		vs->message[0] = '\0';
	}
}

/* "Search: deb_   (3 matches; Enter: done, Esc: back)". */
static void
search_line(const struct view_state *vs, const struct model *m, char *buf,
    size_t len)
{
	char	found[32];
	size_t	at, n;

	n = action_search_count(vs, m, vs->prompt_buf, &at);
	if (vs->prompt_len == 0)
		snprintf(found, sizeof(found), "type to search");
	else if (n == 0)
		snprintf(found, sizeof(found), "no match");
	else
		snprintf(found, sizeof(found), "%zu match%s", n, n == 1 ? "" :
		    "es");
	snprintf(buf, len, "Search: %.*s_   (%s; Enter: done, Esc: back)",
	    (int)vs->prompt_len, vs->prompt_buf, found);
}

int
action_prompt_line(const struct view_state *vs, const struct model *m,
    char *buf, size_t len)
{
	const struct msg_torrent_row	*r;
	const char			*err = vs->message;
	size_t				 shown, all;

	switch (vs->prompt) {
	case VIEW_PROMPT_ADD:
		snprintf(buf, len, "Add a .torrent or magnet link (Tab: "
		    "complete, Enter: add, Esc: cancel): %.*s_",
		    (int)vs->prompt_len, vs->prompt_buf);
		return 1;
	case VIEW_PROMPT_REMOVE:
		r = model_find_torrent(m, vs->remove_id);
		snprintf(buf, len, "Remove %s? k or Enter: keep its data, d: "
		    "delete its data, Esc: cancel", r != NULL ? r->name :
		    "this torrent");
		return 1;
	case VIEW_PROMPT_DOWN:
	case VIEW_PROMPT_UP:
		if (err[0] != '\0')
			snprintf(buf, len, "%s limit: %.*s_   %s", vs->prompt ==
			    VIEW_PROMPT_DOWN ? "Download" : "Upload",
			    (int)vs->prompt_len, vs->prompt_buf, err);
		else
			snprintf(buf, len, "%s limit, e.g. 500K, 2M, 1.5M "
			    "(0: none; Enter: set, Esc: cancel): %.*s_",
			    vs->prompt == VIEW_PROMPT_DOWN ? "Download" :
			    "Upload", (int)vs->prompt_len, vs->prompt_buf);
		return 1;
	case VIEW_PROMPT_SEARCH:
		search_line(vs, m, buf, len);
		return 1;
	case VIEW_PROMPT_FILTER:
		search_filter_counts(vs, m, &shown, &all);
		snprintf(buf, len, "Filter: %.*s_   (%zu of %zu shown; Enter: "
		    "done, Esc: clear)", (int)vs->prompt_len, vs->prompt_buf,
		    shown, all);
		return 1;
	default:
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
}

/*
 * The prompts in the bottom bar: a .torrent path or magnet link to add
 * (Tab completes), a limit, the remove question.  While one is open it
 * takes every key; Enter acts, Esc closes it.
 */
#include "action.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "tui/action_priv.h"
#include "tui/complete.h"

#define MAX_KIB		(4ULL * 1024 * 1024 * 1024)	/* 4 TiB/s */

int
action_parse_kib(const char *s, uint64_t *bps_out)
{
	unsigned long long	 v;
	char			*end;
	const char		*p;

	*bps_out = 0;
	if (s[0] == '\0')
		return BT_ERR_INVALID;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return BT_ERR_INVALID;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || v > MAX_KIB)
		return BT_ERR_RANGE;
	*bps_out = (uint64_t)v * 1024;
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

static void
prompt_enter(struct view_state *vs, const struct model *m,
    struct action_cmd *out)
{
	uint64_t	bps;
	int		down = vs->prompt == VIEW_PROMPT_DOWN;

	vs->prompt = VIEW_PROMPT_NONE;
	if (vs->prompt_len == 0)
		return;
	if (action_parse_kib(vs->prompt_buf, &bps) != BT_OK) {
		action_say(vs, 1, "a limit is a whole number of KiB/s up to "
		    "4294967296 (0: none)");
		return;
	}
	out->result = ACTION_SEND;
	out->type = MSG_CMD_SET_LIMITS;
	out->limits.max_down_bps = down ? bps : m->session.max_down_bps;
	out->limits.max_up_bps = down ? m->session.max_up_bps : bps;
	if (bps == 0)
		snprintf(vs->message, sizeof(vs->message), "%s limit: none",
		    down ? "download" : "upload");
	else
		snprintf(vs->message, sizeof(vs->message), "%s limit: %.15s "
		    "KiB/s", down ? "download" : "upload", vs->prompt_buf);
	vs->message_warn = 0;
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
	if (is_enter(key)) {
		prompt_enter(vs, m, out);
	} else if (key == ACTION_KEY_ESC) {
		vs->prompt = VIEW_PROMPT_NONE;
	} else if (key == KEY_BACKSPACE || key == ACTION_KEY_DEL ||
	    key == ACTION_KEY_CTRL_H) {
		if (vs->prompt_len > 0)
			vs->prompt_buf[--vs->prompt_len] = '\0';
	} else if (key >= '0' && key <= '9' && vs->prompt_len < 15) {
		vs->prompt_buf[vs->prompt_len++] = (char)key;
		vs->prompt_buf[vs->prompt_len] = '\0';
	}
}

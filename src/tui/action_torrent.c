/*
 * Commands about torrents and their files: pause and resume, announce,
 * retry after an error, stream a file, file and directory priorities.
 * Each fills in the command for the app to send and says in the bottom
 * bar what it asked for; the screen shows the outcome when the engine
 * reports it.
 */
#include "action.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ipc/err.h"
#include "tui/action_priv.h"

/* A torrent's state: in its detail the status, which comes more often
 * than the list, has the latest word. */
static uint8_t
state_of(const struct action_ctx *c, const struct msg_torrent_row *r)
{
	if (!c->vs->home && c->m->have_status &&
	    c->m->status.torrent_id == r->id)
		return c->m->status.state;
	return r->state;
}

/* The engine runs but stopped a torrent on an error (a full disk): it
 * waits for MSG_CMD_RESUME to try again.  The torrent on screen if it is
 * one, else any; MSG_TORRENT_NONE when none failed. */
static uint32_t
failed_torrent(const struct action_ctx *c)
{
	const struct msg_torrent_row	*r;
	size_t				 i;

	if (!model_engine_live(c->m))
		return MSG_TORRENT_NONE;
	r = model_find_torrent(c->m, action_current_torrent(c->vs, c->m));
	if (r != NULL && state_of(c, r) == MSG_STATE_ERROR)
		return r->id;
	for (i = 0; i < c->m->ntorrents; i++)
		if (c->m->torrents[i].state == MSG_STATE_ERROR)
			return MSG_TORRENT_ALL;
	return MSG_TORRENT_NONE;
}

static void
retry_error(struct action_ctx *c, uint32_t id)
{
	c->out->result = ACTION_SEND;
	c->out->type = MSG_CMD_RESUME;
	c->out->torrent.torrent_id = id;
	action_say(c->vs, 0, "retrying after the error...");
}

void
action_torrent_pause(struct action_ctx *c)
{
	const struct msg_torrent_row	*r;
	uint32_t			 id;

	id = action_current_torrent(c->vs, c->m);
	if ((r = model_find_torrent(c->m, id)) == NULL) {
		action_say(c->vs, 1, c->m->ntorrents == 0 ?
		    "no torrent to pause" :
		    "the engine has not reported yet: try again");
		return;
	}
	c->out->result = ACTION_SEND;
	c->out->torrent.torrent_id = id;
	if (state_of(c, r) == MSG_STATE_PAUSED ||
	    state_of(c, r) == MSG_STATE_ERROR) {
		c->out->type = MSG_CMD_RESUME;
		action_say(c->vs, 0, state_of(c, r) == MSG_STATE_ERROR ?
		    "retrying..." : "resuming...");
	} else {
		c->out->type = MSG_CMD_PAUSE;
		action_say(c->vs, 0, "pausing...");
	}
}

/* Pauses every torrent; when all are paused already, resumes them. */
void
action_torrent_pause_all(struct action_ctx *c)
{
	size_t	i, paused = 0;

	for (i = 0; i < c->m->ntorrents; i++)
		if (c->m->torrents[i].state == MSG_STATE_PAUSED)
			paused++;
	c->out->result = ACTION_SEND;
	c->out->torrent.torrent_id = MSG_TORRENT_ALL;
	c->out->type = paused == c->m->ntorrents && paused > 0 ?
	    MSG_CMD_RESUME : MSG_CMD_PAUSE;
	action_say(c->vs, 0, c->out->type == MSG_CMD_RESUME ?
	    "resuming all..." : "pausing all...");
}

/* Why the engine would not announce a torrent in this state (it skips
 * an idle one without a word), or NULL when it would. */
static const char *
idle_reason(uint8_t state)
{
	switch (state) {
	case MSG_STATE_PAUSED:
		return "paused: no announce (p resumes it; it announces then)";
	case MSG_STATE_QUEUED:
		return "queued: it announces when its turn to start comes";
	case MSG_STATE_ERROR:
		return "stopped by an error: R retries it; it announces then";
	case MSG_STATE_CHECKING:
		return "checking its data: it announces when the check ends";
	case MSG_STATE_STOPPING:
		return "complete and done seeding: nothing to announce";
	default:
		return NULL;
	}
}

/* What the Trackers view knows of torrent id's trackers: how many URLs,
 * and whether a round is in flight.  0 when the view has none of it (the
 * list shows no trackers; a detail before their first report). */
static int
known_trackers(const struct model *m, uint32_t id, size_t *urls_out,
    int *busy_out)
{
	size_t	i;

	*urls_out = 0;
	*busy_out = 0;
	if (!m->have_trackers || m->trackers.torrent_id != id)
		return 0;
	for (i = 0; i < m->trackers.n && i < MSG_MAX_TRACKERS; i++) {
		if (m->trackers.t[i].kind != MSG_TRACKER_KIND_TRACKER)
			continue;
		(*urls_out)++;
		if (m->trackers.t[i].status == MSG_TRACKER_ANNOUNCING)
			*busy_out = 1;
	}
	return 1;
}

/*
 * r: the engine announces at once (its min-interval wait is for its own
 * announces, not for this one) unless the torrent is idle, when it does
 * nothing; a round already in flight is answered first, the new one
 * follows.  The bottom bar says which, from what the front knows: the
 * torrent's state, and its trackers in its detail.
 */
void
action_torrent_reannounce(struct action_ctx *c)
{
	const struct msg_torrent_row	*r;
	const char			*why;
	char				 msg[VIEW_MESSAGE_MAX];
	uint32_t			 id;
	size_t				 urls;
	int				 busy;

	id = action_current_torrent(c->vs, c->m);
	if (id != MSG_TORRENT_NONE &&
	    (r = model_find_torrent(c->m, id)) != NULL &&
	    (why = idle_reason(state_of(c, r))) != NULL) {
		action_say(c->vs, 1, why);
		return;
	}
	c->out->result = ACTION_SEND;
	c->out->type = MSG_CMD_REANNOUNCE;
	c->out->torrent.torrent_id = id != MSG_TORRENT_NONE ? id :
	    MSG_TORRENT_ALL;
	if (id == MSG_TORRENT_NONE || !known_trackers(c->m, id, &urls,
	    &busy))
		snprintf(msg, sizeof(msg), "announcing to %s...",
		    id == MSG_TORRENT_NONE ? "the trackers of every torrent" :
		    "the trackers");
	else if (urls == 0)
		snprintf(msg, sizeof(msg), "no tracker in this torrent: "
		    "dialling the peers it knows again");
	else if (busy)
		snprintf(msg, sizeof(msg), "an announce is under way: its "
		    "answer first, then this one (Trackers view, 4)");
	else
		snprintf(msg, sizeof(msg), "announcing to %zu tracker%s "
		    "(answers in the Trackers view, 4)...", urls,
		    urls == 1 ? "" : "s");
	action_say(c->vs, 0, msg);
}

/* The file under the cursor, or the stream stopped when it is the one
 * streamed.  The model's files are indexed as the engine lists them. */
void
action_torrent_stream(struct action_ctx *c)
{
	const struct view_state	*vs = c->vs;
	struct filetree_row	 r;
	uint32_t		 file;

	if (!action_in_files(c)) {
		action_say(c->vs, 1, "S streams a file: open a torrent's Files "
		    "view (3)");
		return;
	}
	if (c->m->nfiles == 0 || !action_cursor_row(c, &r)) {
		action_say(c->vs, 1, "no file to stream");
		return;
	}
	if (r.dir) {
		action_say(c->vs, 1, "S streams a file: select one, not a "
		    "directory");
		return;
	}
	file = r.file;
	c->out->result = ACTION_SEND;
	c->out->type = MSG_CMD_STREAM;
	c->out->stream.torrent_id = action_current_torrent(vs, c->m);
	if (c->m->files_streamed == file) {
		c->out->stream.file = MSG_STREAM_OFF;
		action_say(c->vs, 0, "streaming off: rarest pieces first");
	} else {
		c->out->stream.file = file;
		action_say(c->vs, 0, "streaming the file: first and last "
		    "pieces, then in order");
	}
}

static const char *const prio_names[] = { "skip (not downloaded)", "low",
    "normal", "high" };

/* Space and + or - on a file: it gets the next priority, or the bottom
 * bar says it is at an end. */
static void
set_file_prio(struct action_ctx *c, const struct filetree_row *r, int step)
{
	char	msg[64];
	int	cur = r->prio <= MSG_PRIO_HIGH ? r->prio : MSG_PRIO_HIGH, want;

	if (step == 0)
		want = cur == MSG_PRIO_SKIP ? MSG_PRIO_NORMAL : MSG_PRIO_SKIP;
	else
		want = cur + step;
	if (want < MSG_PRIO_SKIP || want > MSG_PRIO_HIGH) {
		snprintf(msg, sizeof(msg), "the file is already at %s",
		    prio_names[cur]);
		action_say(c->vs, 1, msg);
		return;
	}
	c->out->result = ACTION_SEND;
	c->out->type = MSG_CMD_SET_PRIORITY;
	c->out->prio.torrent_id = action_current_torrent(c->vs, c->m);
	c->out->prio.file = r->file;
	c->out->prio.prio = (uint8_t)want;
	snprintf(msg, sizeof(msg), "file %" PRIu64 ": %s",
	    (uint64_t)r->file + 1, prio_names[want]);
	action_say(c->vs, 0, msg);
}

/*
 * On a directory the priority goes to every file under it, in one
 * command however many there are (MSG_CMD_SET_DIR_PRIORITY, by path):
 * Space skips them all unless all are skipped, then wants them all; on a
 * directory of mixed priorities + lifts them all to the highest there, -
 * brings them down to the lowest, and the next press steps.
 */
static void
set_dir_prio(struct action_ctx *c, const struct filetree_row *r, int step)
{
	struct msg_set_dir_priority	*d = &c->out->dir_prio;
	char				 msg[VIEW_MESSAGE_MAX];
	int				 want;

	if (step == 0)
		want = r->prio_hi == MSG_PRIO_SKIP ? MSG_PRIO_NORMAL :
		    MSG_PRIO_SKIP;
	else if (r->prio == FILETREE_PRIO_MIXED)
		want = step > 0 ? r->prio_hi : r->prio_lo;
	else
		want = r->prio + step;
	if (want < MSG_PRIO_SKIP || want > MSG_PRIO_HIGH) {
		snprintf(msg, sizeof(msg), "everything in %.60s/ is already "
		    "at %s", r->name, prio_names[r->prio_lo]);
		action_say(c->vs, 1, msg);
		return;
	}
	if (filetree_dir_path(&c->vs->files, (size_t)c->vs->file_row, d->dir,
	    sizeof(d->dir)) != BT_OK) {
		action_say(c->vs, 1, "the directory's path is too long to "
		    "send");
		return;
	}
	c->out->result = ACTION_SEND;
	c->out->type = MSG_CMD_SET_DIR_PRIORITY;
	d->torrent_id = action_current_torrent(c->vs, c->m);
	d->prio = (uint8_t)want;
	snprintf(msg, sizeof(msg), "%.60s/: %" PRIu32 " %sfile%s%s to %s",
	    r->name, r->nfiles, c->m->files_total > c->m->nfiles ? "listed " :
	    "", r->nfiles == 1 ? "" : "s", c->m->files_total > c->m->nfiles ?
	    ", and those not listed," : "", prio_names[want]);
	action_say(c->vs, 0, msg);
}

/* Space, + and -: the row under the cursor gets its next priority; the
 * row shows it when the engine's next FILES arrives. */
static void
set_prio(struct action_ctx *c, int step)
{
	struct filetree_row	r;

	if (!action_in_files(c)) {
		action_say(c->vs, 1, "Space, + and - set a file's priority: "
		    "open a torrent's Files view (3)");
		return;
	}
	if (c->m->nfiles == 0 || !action_cursor_row(c, &r)) {
		action_say(c->vs, 1, "no file selected");
		return;
	}
	if (r.dir)
		set_dir_prio(c, &r, step);
	else
		set_file_prio(c, &r, step);
}

void
action_torrent_prio_toggle(struct action_ctx *c)
{
	set_prio(c, 0);
}

void
action_torrent_prio_up(struct action_ctx *c)
{
	set_prio(c, 1);
}

void
action_torrent_prio_down(struct action_ctx *c)
{
	set_prio(c, -1);
}

void
action_torrent_retry(struct action_ctx *c)
{
	if (c->m->health.state == SUP_GAVE_UP) {
		c->out->result = ACTION_RETRY;
		action_say(c->vs, 0, "starting the engine again...");
	} else if (failed_torrent(c) != MSG_TORRENT_NONE)
		retry_error(c, failed_torrent(c));
	else
		action_say(c->vs, 0, "R retries after an engine error, or "
		    "after the watchdog gave up");
}

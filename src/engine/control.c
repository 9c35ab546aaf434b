/*
 * control: the session's side of the front.  It registers, sends a
 * heartbeat every second from the loop (so a stuck loop is a silent one),
 * the session totals and the torrent list twice a second, the status of the
 * torrent the front shows (its focus) five times a second and that
 * torrent's other snapshots every second, and answers the front's
 * commands.  A full output buffer drops a snapshot rather than grow.
 * The totals, the list and the status are not sent again while they have
 * not changed (for up to REFRESH_MS): an idle session of 200 torrents
 * would otherwise send the same 60 KB twice a second, and wake the front
 * to draw the same screen.
 */
#include "engine/session_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/loop.h"
#include "ipc/msg.h"
#include "ipc/packet.h"
#include "engine/sessiondir.h"
#include "engine/torrent.h"

#define HEARTBEAT_MS	1000
#define LIST_MS		500	/* session totals, torrent list */
#define FAST_MS		200	/* the focused torrent's status */
#define SNAPSHOT_MS	1000	/* its peers, piece map, trackers, files */
#define FINAL_FLUSH_MS	1000
#define REFRESH_MS	5000	/* an unchanged snapshot, sent again */
#define FNV_BASIS	0xcbf29ce484222325ull

static int
on(const struct session *s)
{
	return s->ipc_fd >= 0;
}

static void
send_msg(void *arg, int type, const union msg_any *m)
{
	struct session	*s = arg;

	bbuf_reset(&s->payload);
	if (msg_encode(type, &s->payload, m) != BT_OK)
		return;			/* a bug of ours; nothing to send */
	(void)chan_send_msg(&s->chan, type, &s->payload);
}

static uint64_t
fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
	while (n-- > 0)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

/* 1: bytes that hash to h went out less than REFRESH_MS ago. */
static int
memo_fresh(const struct control_memo *mm, uint64_t h, uint64_t now_ms)
{
	return mm->sent_ms != 0 && mm->hash == h &&
	    now_ms - mm->sent_ms < REFRESH_MS;
}

static void
memo_note(struct control_memo *mm, uint64_t h, uint64_t now_ms, int sent)
{
	mm->hash = h;
	mm->sent_ms = sent ? (now_ms != 0 ? now_ms : 1) : 0;
}

/* send_msg, unless the same bytes went out recently (force: send). */
static void
send_memo(struct session *s, int type, const union msg_any *m,
    struct control_memo *mm, int force)
{
	uint64_t	h, now = s->env.now_ms;

	bbuf_reset(&s->payload);
	if (msg_encode(type, &s->payload, m) != BT_OK)
		return;
	h = fnv1a(FNV_BASIS, bbuf_ptr(&s->payload), bbuf_len(&s->payload));
	if (!force && memo_fresh(mm, h, now))
		return;
	memo_note(mm, h, now,
	    chan_send_msg(&s->chan, type, &s->payload) == BT_OK);
}

static void
update_write_interest(struct session *s)
{
	int	fd = chan_fd(&s->chan);

	if (fd >= 0)
		(void)loop_fd_set_events(s->loop, fd, LOOP_READ |
		    (chan_wants_write(&s->chan) ? LOOP_WRITE : 0));
}

void
control_log(struct session *s, uint32_t torrent_id, int level,
    const char *text)
{
	union msg_any	m;

	memset(&m, 0, sizeof(m));
	m.log.torrent_id = torrent_id;
	m.log.level = (uint8_t)level;
	m.log.uptime_ms = loop_clock_ms() - s->env.start_ms;
	snprintf(m.log.text, sizeof(m.log.text), "%s", text);
	send_msg(s, MSG_LOG, &m);
	if (s->loop != NULL)
		update_write_interest(s);
}

static void
send_register(struct session *s)
{
	union msg_any	m;

	memset(&m, 0, sizeof(m));
	m.reg.pid = (uint32_t)getpid();
	m.reg.version = MSG_PROTOCOL_VERSION;
	m.reg.port = s->env.port;
	snprintf(m.reg.session_dir, sizeof(m.reg.session_dir), "%s",
	    s->sd != NULL ? sessiondir_path(s->sd) :
	    s->cfg->session_dir != NULL ? s->cfg->session_dir : "");
	send_msg(s, MSG_REGISTER, &m);
}

/* ---- snapshots ---- */

static void
send_session(struct session *s)
{
	union msg_any	m;
	size_t		i;

	memset(&m, 0, sizeof(m));
	m.session.num_torrents = (uint32_t)s->ntorrents;
	for (i = 0; i < s->ntorrents; i++) {
		enum torrent_state st = torrent_state(s->torrents[i]);

		if (st == TORRENT_DOWNLOADING || st == TORRENT_SEEDING ||
		    st == TORRENT_CHECKING)
			m.session.active++;
		else if (st == TORRENT_QUEUED)
			m.session.queued++;
	}
	m.session.peers_connected = (uint32_t)s->env.npeers;
	m.session.down_bps = rate_bps(&s->down, s->env.now_ms);
	m.session.up_bps = rate_bps(&s->up, s->env.now_ms);
	m.session.downloaded = rate_total(&s->down);
	m.session.uploaded = rate_total(&s->up);
	m.session.max_down_bps = s->limits.max_down_bps;
	m.session.max_up_bps = s->limits.max_up_bps;
	m.session.turtle = (uint8_t)s->limits.turtle;
	m.session.alt_down_bps = s->limits.alt_down_bps;
	m.session.alt_up_bps = s->limits.alt_up_bps;
	m.session.max_active = s->max_active;
	m.session.port = s->env.port;
	send_memo(s, MSG_SESSION, &m, &s->memo_session, 0);
}

/* The list goes in frames of MSG_MAX_TORRENT_ROWS rows, all of them or
 * none: the fronts put a list together from its frames. */
static void
send_torrents(struct session *s, int force)
{
	union msg_any	*m;
	struct bbuf	 all, one;
	uint64_t	 h = FNV_BASIS, now = s->env.now_ms;
	uint32_t	 queue_pos = 0, len;
	size_t		 i, frames = s->ntorrents / MSG_MAX_TORRENT_ROWS + 1;
	int		 sent = 1;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	bbuf_init(&all, frames * (4 + MSG_MAX_PAYLOAD));
	m->torrents.total = (uint32_t)s->ntorrents;
	for (i = 0; i < s->ntorrents || i == 0; i++) {
		struct msg_torrent_row *row = &m->torrents.rows[m->torrents.n];

		if (i < s->ntorrents) {
			torrent_fill_row(s->torrents[i], row);
			if (row->state == MSG_STATE_QUEUED)
				row->queue_pos = ++queue_pos;
			m->torrents.n++;
		}
		if (m->torrents.n < MSG_MAX_TORRENT_ROWS &&
		    i + 1 < s->ntorrents)
			continue;
		bbuf_reset(&s->payload);
		if (msg_encode(MSG_TORRENTS, &s->payload, m) != BT_OK ||
		    bbuf_put_u32be(&all, (uint32_t)bbuf_len(&s->payload)) !=
		    BT_OK || bbuf_put_bytes(&all, bbuf_ptr(&s->payload),
		    bbuf_len(&s->payload)) != BT_OK)
			goto out;	/* a bug of ours; nothing to send */
		h = fnv1a(h, bbuf_ptr(&s->payload), bbuf_len(&s->payload));
		m->torrents.first = (uint32_t)(i + 1);
		m->torrents.n = 0;
	}
	if (!force && memo_fresh(&s->memo_list, h, now))
		goto out;
	while (bbuf_get_u32be(&all, &len) == BT_OK) {
		bbuf_view(&one, bbuf_ptr(&all), len);
		if (chan_send_msg(&s->chan, MSG_TORRENTS, &one) != BT_OK)
			sent = 0;
		(void)bbuf_consume(&all, len);
	}
	memo_note(&s->memo_list, h, now, sent);
out:
	bbuf_cleanup(&all);
	free(m);
}

static void
send_status(struct session *s, int force)
{
	struct torrent	*t = session_torrent_by_id(s, s->focus);
	union msg_any	*m;

	if (t == NULL || (m = calloc(1, sizeof(*m))) == NULL)
		return;
	torrent_fill_status(t, &m->status);
	send_memo(s, MSG_STATUS, m, &s->memo_status, force);
	free(m);
}

static int64_t
on_heartbeat(void *arg, uint64_t now_ms)
{
	struct session	*s = arg;

	(void)now_ms;
	control_heartbeat(s);
	return HEARTBEAT_MS;
}

void
control_heartbeat(struct session *s)
{
	union msg_any	m;

	if (!on(s))
		return;
	memset(&m, 0, sizeof(m));
	m.heartbeat.seq = ++s->hb_seq;
	m.heartbeat.uptime_ms = loop_clock_ms() - s->env.start_ms;
	send_msg(s, MSG_HEARTBEAT, &m);
	(void)chan_flush(&s->chan);
	update_write_interest(s);
}

static int64_t
on_list(void *arg, uint64_t now_ms)
{
	struct session	*s = arg;

	s->env.now_ms = now_ms;
	send_session(s);
	send_torrents(s, 0);
	update_write_interest(s);
	return LIST_MS;
}

static int64_t
on_fast(void *arg, uint64_t now_ms)
{
	struct session	*s = arg;

	s->env.now_ms = now_ms;
	send_status(s, 0);
	update_write_interest(s);
	return FAST_MS;
}

static int64_t
on_snapshot(void *arg, uint64_t now_ms)
{
	struct session	*s = arg;
	struct torrent	*t = session_torrent_by_id(s, s->focus);

	s->env.now_ms = now_ms;
	if (t != NULL)
		torrent_send_details(t, send_msg, s);
	update_write_interest(s);
	return SNAPSHOT_MS;
}

/* ---- commands ---- */

static void
set_focus(struct session *s, uint32_t id)
{
	struct torrent	*t;

	s->focus = id;
	if ((t = session_torrent_by_id(s, id)) == NULL)
		return;
	send_status(s, 1);		/* at once: the front waits on it */
	torrent_send_details(t, send_msg, s);
}

/* STREAM: the torrent's picker follows the file; the front sees the mark
 * with the next files snapshot, sent now when it shows this torrent. */
static void
set_stream(struct session *s, const struct msg_stream *m)
{
	struct torrent	*t;
	int		 r;

	if ((t = session_torrent_by_id(s, m->torrent_id)) == NULL)
		return;
	if ((r = torrent_stream(t, m->file)) != BT_OK) {
		session_log(s, m->torrent_id, MSG_LOG_WARN, "cannot stream "
		    "file %u: %s", m->file + 1, r == BT_ERR_INVALID ?
		    "it is empty" : "no such file");
		return;
	}
	if (m->file == MSG_STREAM_OFF)
		session_log(s, m->torrent_id, MSG_LOG_INFO, "streaming off: "
		    "rarest pieces first");
	else if (m->file == MSG_STREAM_ALL)
		session_log(s, m->torrent_id, MSG_LOG_INFO, "streaming the "
		    "whole torrent in order");
	else
		session_log(s, m->torrent_id, MSG_LOG_INFO, "streaming file "
		    "%u: first and last pieces, then in order", m->file + 1);
	if (s->focus == m->torrent_id)
		torrent_send_details(t, send_msg, s);
}

static const char *const prio_names[] = { "skip", "low", "normal", "high" };

/* After a priority change: the session saves the torrent's whole
 * selection (built in one pass, so a change over 100,000 files costs one
 * write, not one per file) and the front sees it in a files snapshot. */
static void
prio_saved(struct session *s, struct torrent *t)
{
	uint8_t		*prio;
	uint32_t	 n = torrent_nlisted(t);
	int		 r;

	if ((prio = malloc(n + 1)) != NULL) {
		torrent_file_prios(t, prio);
		r = sessiondir_set_prio(s->sd, torrent_info_hash(t), prio, n);
		free(prio);
	} else
		r = BT_ERR_NOMEM;
	if (r != BT_OK)
		session_log(s, torrent_id(t), MSG_LOG_WARN, "cannot save the "
		    "file priorities: %s (they last until the engine stops)",
		    bt_strerror(r));
	if (s->focus == torrent_id(t))
		torrent_send_details(t, send_msg, s);
}

/* SET_PRIORITY: the picker follows at once; the session keeps the whole
 * selection so that it survives a restart. */
static void
set_priority(struct session *s, const struct msg_set_priority *m)
{
	struct torrent	*t;
	int		 r;

	if ((t = session_torrent_by_id(s, m->torrent_id)) == NULL)
		return;
	if ((r = torrent_set_file_prio(t, m->file, m->prio)) != BT_OK) {
		session_log(s, m->torrent_id, MSG_LOG_WARN, "cannot set the "
		    "priority of file %u: %s", m->file + 1,
		    r == BT_ERR_RANGE ? "no such file" : bt_strerror(r));
		return;
	}
	session_log(s, m->torrent_id, MSG_LOG_INFO, "file %u: %s",
	    m->file + 1, prio_names[m->prio]);
	prio_saved(s, t);
}

/* SET_DIR_PRIORITY: every file under a directory of the Files view, in
 * one pass and one save. */
static void
set_dir_priority(struct session *s, const struct msg_set_dir_priority *m)
{
	struct torrent	*t;
	uint32_t	 n;
	int		 r;

	if ((t = session_torrent_by_id(s, m->torrent_id)) == NULL)
		return;
	if ((r = torrent_set_dir_prio(t, m->dir, m->prio, &n)) != BT_OK) {
		session_log(s, m->torrent_id, MSG_LOG_WARN, "cannot set the "
		    "priority of %.200s/: %s", m->dir, r == BT_ERR_NOTFOUND ?
		    "no file under it" : bt_strerror(r));
		return;
	}
	session_log(s, m->torrent_id, MSG_LOG_INFO, "%.200s/: %s (%u file%s)",
	    m->dir, prio_names[m->prio], n, n == 1 ? "" : "s");
	prio_saved(s, t);
}

static void
on_torrent_command(struct session *s, int type, const union msg_any *m)
{
	struct torrent	*t;
	size_t		 i;

	switch (type) {
	case MSG_CMD_PAUSE:
	case MSG_CMD_RESUME:
		session_pause(s, m->ref.torrent_id, type == MSG_CMD_PAUSE);
		break;
	case MSG_CMD_REANNOUNCE:
		for (i = 0; i < s->ntorrents; i++)
			if (m->ref.torrent_id == MSG_TORRENT_ALL ||
			    torrent_id(s->torrents[i]) == m->ref.torrent_id)
				torrent_reannounce(s->torrents[i]);
		break;
	case MSG_CMD_INSPECT_PIECE:
		if ((t = session_torrent_by_id(s, m->inspect.torrent_id)) !=
		    NULL)
			torrent_send_piece(t, m->inspect.index, send_msg, s);
		break;
	case MSG_CMD_INSPECT_PEER:
		if ((t = session_torrent_by_id(s, m->inspect.torrent_id)) !=
		    NULL)
			torrent_send_peer(t, m->inspect.index, send_msg, s);
		break;
	case MSG_CMD_FOCUS:
		set_focus(s, m->ref.torrent_id);
		break;
	case MSG_CMD_ADD:
		(void)session_add_file(s, m->add.path, m->add.dir,
		    m->add.paused);
		break;
	case MSG_CMD_REMOVE:
		session_remove(s, m->remove.torrent_id, m->remove.delete_data);
		break;
	case MSG_CMD_STREAM:
		set_stream(s, &m->stream);
		break;
	case MSG_CMD_SET_PRIORITY:
		set_priority(s, &m->set_priority);
		break;
	case MSG_CMD_SET_DIR_PRIORITY:
		set_dir_priority(s, &m->set_dir_priority);
		break;
	default:
		break;
	}
}

static void
on_command(struct session *s, int type, struct bbuf *pl)
{
	union msg_any	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	if (msg_decode(type, pl, m) != BT_OK) {
		control_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN,
		    "ignored a malformed command");
		free(m);
		return;
	}
	switch (type) {
	case MSG_CMD_QUIT:
		s->stop = 1;
		break;
	case MSG_CMD_SET_LIMITS:
		session_set_limits(s, m->limits.max_down_bps,
		    m->limits.max_up_bps);
		break;
	case MSG_CMD_SET_MAX_ACTIVE:
		session_set_max_active(s, m->count.n);
		break;
	case MSG_CMD_SET_TURTLE:
		session_set_turtle(s, m->count.n != 0);
		break;
	default:
		on_torrent_command(s, type, m);
		break;
	}
	free(m);
}

static void
on_channel(void *arg, int fd, int events)
{
	struct session		*s = arg;
	struct pkt_header	 h;
	struct bbuf		 pl;
	int			 r, r2;

	(void)fd;
	if (events & LOOP_READ) {
		r = chan_read(&s->chan);
		while ((r2 = chan_next(&s->chan, &h, &pl)) == BT_OK && !s->stop)
			on_command(s, h.type, &pl);
		if (r2 != BT_OK && r2 != BT_ERR_INCOMPLETE) {
			s->stop = 1;	/* the front broke the protocol */
			s->exit_status = 2;
		}
		if (r == BT_ERR_CLOSED)
			s->stop = 1;	/* the front is gone: stop cleanly */
	}
	(void)chan_flush(&s->chan);
	update_write_interest(s);
}

int
control_open(struct session *s, int fd)
{
	int	r;

	bbuf_init(&s->payload, MSG_MAX_PAYLOAD);
	if ((r = chan_init(&s->chan, fd, PKT_SIDE_ENGINE)) != BT_OK)
		return r;
	send_register(s);		/* always the first frame */
	if ((r = loop_fd_add(s->loop, fd, LOOP_READ | LOOP_WRITE, on_channel,
	    s)) != BT_OK)
		return r;
	if (loop_timer_add(s->loop, 0, on_heartbeat, s) == 0 ||
	    loop_timer_add(s->loop, 0, on_list, s) == 0 ||
	    loop_timer_add(s->loop, 0, on_fast, s) == 0 ||
	    loop_timer_add(s->loop, 0, on_snapshot, s) == 0)
		return BT_ERR_NOMEM;
	return BT_OK;
}

void
control_close(struct session *s)
{
	if (!on(s))
		return;
	if (s->loop != NULL && chan_fd(&s->chan) >= 0)
		loop_fd_del(s->loop, chan_fd(&s->chan));
	chan_cleanup(&s->chan);
	bbuf_cleanup(&s->payload);
}

void
control_final(struct session *s)
{
	uint64_t	until;
	fd_set		wr;
	struct timeval	tv;
	int		fd;

	if (!on(s) || (fd = chan_fd(&s->chan)) < 0)
		return;
	send_torrents(s, 1);
	send_status(s, 1);
	until = loop_clock_ms() + FINAL_FLUSH_MS;
	while (chan_wants_write(&s->chan) && loop_clock_ms() < until) {
		FD_ZERO(&wr);
		FD_SET(fd, &wr);
		tv.tv_sec = 0;
		tv.tv_usec = 50000;
		if (select(fd + 1, NULL, &wr, NULL, &tv) > 0 &&
		    chan_flush(&s->chan) != BT_OK)
			break;
	}
}

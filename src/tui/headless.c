/*
 * Headless front: a loop (src/ipc/loop) over the supervisor (a source) and
 * a self-pipe for SIGINT/SIGTERM; a timer prints a line for each active
 * torrent of the latest MSG_TORRENTS list once a second.
 */
#include "tui/headless.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/loop.h"
#include "ipc/msg.h"
#include "ipc/sigpipe.h"
#include "tui/lineprinter.h"
#include "tui/oncomplete.h"
#include "tui/supervisor.h"

#define PRINT_MS	1000
#define STOP_WAIT_MS	5000
#define MAX_ROWS	4096		/* torrents followed */

struct totals {
	uint64_t	down, up, wasted;
	uint32_t	hashfails;
};

/* What the front saw of a torrent (by info-hash: ids change with each
 * engine), for "Download complete". */
struct seen {
	uint8_t		ih[20];
	uint8_t		incomplete;	/* a row with bytes still to get */
	uint8_t		done_shown;	/* "Download complete" printed */
};

struct headless {
	struct msg_torrent_row	*rows;		/* the latest whole list */
	size_t			 nrows;
	int			 have_rows;
	struct msg_torrent_row	*pend;		/* the list being received */
	size_t			 npend;
	struct seen		*seen;		/* at most MAX_ROWS */
	size_t			 nseen;
	int			 sig;		/* SIGINT or SIGTERM came */
	uint64_t		 retry_ms;	/* resume the failed then, 0:
						 * none due */
	uint64_t		 retry_wait_ms;	/* the back-off, 0: none yet */
	uint64_t		 error_done;	/* verified bytes at the error */
	uint64_t		 hold_ms;	/* a resume was sent: wait */
	struct loop		*loop;
	struct supervisor	*sup;		/* borrowed from headless_run */
	struct sigpipe		 sigs;
	/* the engines before this one: counters restart with each engine,
	 * the session line covers them all */
	struct totals		 prev;
	unsigned		 engines;
	struct oncomplete	*oc;		/* --on-complete, borrowed */
};

/* SIGCHLD wakes the loop, so an engine that exits is reaped at once
 * rather than when the supervisor's grace period runs out.  SIGCONT
 * (after Ctrl-Z, `fg') restarts the engine's heartbeat deadline. */
static const int	caught[] = { SIGINT, SIGTERM, SIGCHLD, SIGCONT };

struct headless *
headless_new(void)
{
	struct headless	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	sigpipe_init(&h->sigs);
	h->rows = calloc(MAX_ROWS, sizeof(*h->rows));
	h->pend = calloc(MAX_ROWS, sizeof(*h->pend));
	h->seen = calloc(MAX_ROWS, sizeof(*h->seen));
	h->loop = loop_new();
	if (h->rows == NULL || h->pend == NULL || h->seen == NULL ||
	    h->loop == NULL) {
		headless_free(h);
		return NULL;
	}
	return h;
}

void
headless_free(struct headless *h)
{
	if (h == NULL)
		return;
	sigpipe_close(&h->sigs);
	loop_free(h->loop);
	free(h->rows);
	free(h->pend);
	free(h->seen);
	free(h);
}

/* A torrent downloading, checking, seeding or fetching its metadata gets
 * its line. */
static int
active(const struct msg_torrent_row *r)
{
	return r->state == MSG_STATE_DOWNLOADING ||
	    r->state == MSG_STATE_CHECKING || r->state == MSG_STATE_SEEDING ||
	    r->state == MSG_STATE_METADATA;
}

int
headless_row_line(const struct msg_torrent_row *r, int with_name,
    char *buf, size_t len)
{
	if (!active(r)) {
		if (len > 0)
			buf[0] = '\0';
		return BT_ERR_NOTFOUND;
	}
	return lp_row_line(r, with_name, buf, len);
}

static void
print_row(const struct headless *h, const struct msg_torrent_row *r)
{
	char	line[LP_STATUS_MAX + LP_LOG_MAX];

	if (lp_row_line(r, h->nrows > 1, line, sizeof(line)) == BT_OK)
		printf("%s\n", line);
}

static void
print_status(struct headless *h)
{
	char	line[LP_STATUS_MAX + LP_LOG_MAX];
	size_t	i;

	for (i = 0; i < h->nrows; i++)
		if (headless_row_line(&h->rows[i], h->nrows > 1, line,
		    sizeof(line)) == BT_OK)
			printf("%s\n", line);
	fflush(stdout);
}

/* A magnet link's torrent counts 0 of 0 bytes before its metadata: not
 * complete for all that. */
static int
complete(const struct msg_torrent_row *r)
{
	return r->done_bytes == r->total_bytes &&
	    r->state != MSG_STATE_CHECKING && r->state != MSG_STATE_ERROR &&
	    r->state != MSG_STATE_METADATA;
}

/* The torrent's entry, made on first sight; NULL past MAX_ROWS. */
static struct seen *
seen_of(struct headless *h, const uint8_t ih[20])
{
	size_t	i;

	for (i = 0; i < h->nseen; i++)
		if (memcmp(h->seen[i].ih, ih, 20) == 0)
			return &h->seen[i];
	if (h->nseen >= MAX_ROWS)
		return NULL;
	memset(&h->seen[h->nseen], 0, sizeof(h->seen[0]));
	memcpy(h->seen[h->nseen].ih, ih, 20);
	return &h->seen[h->nseen++];
}

/* Bytes to get and the figures to trust: not while checking (done grows
 * as the check goes), nor before a magnet link's metadata (0 of 0). */
static int
incomplete(const struct msg_torrent_row *r)
{
	return r->total_bytes > 0 && r->done_bytes < r->total_bytes &&
	    (r->state == MSG_STATE_DOWNLOADING ||
	    r->state == MSG_STATE_QUEUED || r->state == MSG_STATE_PAUSED);
}

int
headless_note_row(struct headless *h, const struct msg_torrent_row *r)
{
	struct seen	*s = seen_of(h, r->info_hash);

	if (s == NULL)
		return 0;
	if (incomplete(r))
		s->incomplete = 1;
	/* The engine says it downloaded the last piece; or an engine
	 * before it (restarted since) was seen with bytes to get. */
	if (!complete(r) || r->total_bytes == 0 || s->done_shown ||
	    (!(r->flags & MSG_ROW_COMPLETED) && !s->incomplete))
		return 0;
	s->done_shown = 1;
	return 1;
}

/* Every torrent complete (and at least one). */
static int
all_complete(const struct headless *h)
{
	size_t	i;

	if (!h->have_rows || h->nrows == 0)
		return 0;
	for (i = 0; i < h->nrows; i++)
		if (!complete(&h->rows[i]))
			return 0;
	return 1;
}

static void
send_ref(struct headless *h, int type, uint32_t id)
{
	union msg_any	*m;
	struct bbuf	 b;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	m->ref.torrent_id = id;
	bbuf_init(&b, 64);
	if (msg_encode(type, &b, m) == BT_OK)
		(void)sup_send(h->sup, type, &b);
	bbuf_cleanup(&b);
	free(m);
}

uint64_t
headless_retry_wait_ms(uint64_t prev_ms, int progressed)
{
	if (prev_ms == 0 || progressed)
		return HEADLESS_RETRY_FIRST_MS;
	if (prev_ms >= HEADLESS_RETRY_MAX_MS / 2)
		return HEADLESS_RETRY_MAX_MS;
	return prev_ms * 2;
}

static int
any_error(const struct headless *h)
{
	size_t	i;

	for (i = 0; i < h->nrows; i++)
		if (h->rows[i].state == MSG_STATE_ERROR)
			return 1;
	return 0;
}

/*
 * A torrent in the error state (a full disk...) stays in the session,
 * idle, until told to resume; nobody is there to press R, so the front
 * resumes it after a back-off (headless_retry_wait_ms), until Ctrl-C.
 */
static void
retry_errors(struct headless *h, uint64_t now_ms)
{
	uint64_t	done = 0;
	size_t		i;

	if (!any_error(h)) {
		h->retry_ms = 0;
		return;
	}
	if (now_ms < h->hold_ms)
		return;		/* the resume has not been reported yet */
	for (i = 0; i < h->nrows; i++)
		done += h->rows[i].done_bytes;
	if (h->retry_ms == 0) {
		h->retry_wait_ms = headless_retry_wait_ms(h->retry_wait_ms,
		    done > h->error_done);
		h->error_done = done;
		h->retry_ms = now_ms + h->retry_wait_ms;
		fprintf(stderr, "bttui: retrying in %llu s (Ctrl-C stops)\n",
		    (unsigned long long)(h->retry_wait_ms / 1000));
		return;
	}
	if (now_ms < h->retry_ms)
		return;
	fprintf(stderr, "bttui: retrying after the error\n");
	for (i = 0; i < h->nrows; i++)
		if (h->rows[i].state == MSG_STATE_ERROR)
			send_ref(h, MSG_CMD_RESUME, h->rows[i].id);
	h->retry_ms = 0;
	h->hold_ms = now_ms + 2000;	/* still failing then: back off */
}

static void
on_complete_say(void *arg, int warn, const char *line)
{
	(void)arg;
	fprintf(stderr, "bttui: %s%s\n", warn ? "warning: " : "", line);
}

void
headless_set_on_complete(struct headless *h, struct oncomplete *oc)
{
	h->oc = oc;
	if (oc != NULL)
		oncomplete_set_say(oc, on_complete_say, h);
}

/* --on-complete for a torrent "Download complete" was said of. */
static void
run_on_complete(struct headless *h, const struct msg_torrent_row *r)
{
	struct oncomplete_torrent	t;

	if (h->oc == NULL)
		return;
	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "%s", r->name);
	memcpy(t.info_hash, r->info_hash, 20);
	t.size = r->total_bytes;
	(void)oncomplete_torrent_done(h->oc, &t);
}

/* A whole list arrived: report what changed. */
static void
on_rows(struct headless *h)
{
	const struct msg_torrent_row	*r;
	size_t				 i;

	for (i = 0; i < h->nrows; i++) {
		r = &h->rows[i];
		if (r->state == MSG_STATE_ERROR && h->retry_ms == 0 &&
		    h->hold_ms == 0)
			fprintf(stderr, "bttui: error: %s: %s\n", r->name,
			    r->error);
		if (!headless_note_row(h, r))
			continue;
		print_row(h, r);
		if (h->nrows > 1)
			printf("Download complete: %s\n", r->name);
		else
			printf("Download complete\n");
		fflush(stdout);
		run_on_complete(h, r);
	}
	retry_errors(h, loop_clock_ms());
}

static void
on_torrents(struct headless *h, const struct msg_torrents *t)
{
	struct msg_torrent_row	*swap;
	size_t			 i;

	if (t->first == 0)
		h->npend = 0;
	else if (t->first != h->npend)
		return;			/* out of order: wait for the next */
	for (i = 0; i < t->n && h->npend < MAX_ROWS; i++)
		h->pend[h->npend++] = t->rows[i];
	if ((uint64_t)t->first + t->n < t->total)
		return;
	swap = h->rows;
	h->rows = h->pend;
	h->pend = swap;
	h->nrows = h->npend;
	h->have_rows = 1;
	on_rows(h);
}

static void
cb_msg(void *arg, int type, struct bbuf *payload)
{
	struct headless	*h = arg;
	union msg_any	*m;
	char		 line[LP_LOG_MAX];

	if (type != MSG_TORRENTS && type != MSG_LOG)
		return;
	if ((m = malloc(sizeof(*m))) == NULL)
		return;
	if (msg_decode(type, payload, m) == BT_OK) {
		if (type == MSG_TORRENTS)
			on_torrents(h, &m->torrents);
		else if (lp_log_line(&m->log, line, sizeof(line)) == BT_OK)
			fprintf(stderr, "%s\n", line);
	}
	free(m);
}

static void
cb_log(void *arg, int level, const char *line)
{
	(void)arg;
	fprintf(stderr, "bttui: watchdog: %s%s\n", level == MSG_LOG_ERROR ?
	    "error: " : level == MSG_LOG_WARN ? "warning: " : "", line);
}

static void
sum(const struct headless *h, struct totals *out)
{
	size_t	i;

	*out = h->prev;
	for (i = 0; i < h->nrows; i++) {
		out->down += h->rows[i].downloaded;
		out->up += h->rows[i].uploaded;
		out->wasted += h->rows[i].wasted;
		out->hashfails += h->rows[i].hashfails;
	}
}

static void
cb_engine(void *arg, pid_t pid)
{
	struct headless	*h = arg;

	if (pid <= 0)
		return;
	fprintf(stderr, "bttui: engine pid %ld\n", (long)pid);
	if (h->engines++ > 0) {
		sum(h, &h->prev);
		h->nrows = 0;		/* the new engine's counters start at 0 */
	}
}

void
headless_sup_callbacks(struct headless *h, struct sup_cb *out)
{
	memset(out, 0, sizeof(*out));
	out->arg = h;
	out->on_msg = cb_msg;
	out->on_log = cb_log;
	out->on_engine = cb_engine;
}

static void
print_session(const struct headless *h)
{
	struct totals	t;

	if (!h->have_rows)
		return;
	sum(h, &t);
	printf("Session: downloaded %llu bytes, uploaded %llu bytes, "
	    "wasted %llu bytes, %u hash failures, %u engine%s\n",
	    (unsigned long long)t.down, (unsigned long long)t.up,
	    (unsigned long long)t.wasted, t.hashfails, h->engines,
	    h->engines == 1 ? "" : "s");
	fflush(stdout);
}

static void
on_signals(void *arg, int fd, int events)
{
	struct headless	*h = arg;
	int		 got[16];
	size_t		 n, i;

	(void)fd;
	(void)events;
	/* SIGCHLD only wakes the loop: sup_perform reaps.  SIGCONT: the
	 * time we were stopped is not the engine's silence. */
	while ((n = sigpipe_drain(&h->sigs, got, 16)) > 0)
		for (i = 0; i < n; i++) {
			if (got[i] == SIGCONT)
				sup_on_continue(h->sup, loop_clock_ms());
			else if (got[i] != SIGCHLD)
				h->sig = 1;
		}
}

static int64_t
on_print(void *arg, uint64_t now_ms)
{
	(void)now_ms;
	print_status(arg);
	return PRINT_MS;
}

static int
loop_setup(struct headless *h, struct supervisor *sup)
{
	int	r;

	h->sup = sup;
	if ((r = loop_fd_add(h->loop, sigpipe_fd(&h->sigs), LOOP_READ,
	    on_signals, h)) != BT_OK ||
	    (r = loop_source_add(h->loop, &sup_source_ops, sup)) != BT_OK)
		return r;
	return loop_timer_add(h->loop, PRINT_MS, on_print, h) != 0 ? BT_OK :
	    BT_ERR_NOMEM;
}

/* The commands still running: waited for on the way out, at most
 * wait_ms and until SIGINT or SIGTERM; those left are said. */
static void
wait_on_complete(struct headless *h, uint64_t wait_ms)
{
	struct pollfd	pfd;
	uint64_t	end = loop_clock_ms() + wait_ms;

	if (h->oc == NULL)
		return;
	pfd.fd = sigpipe_fd(&h->sigs);
	pfd.events = POLLIN;
	(void)oncomplete_reap(h->oc);
	while (!h->sig && oncomplete_pending(h->oc) > 0 &&
	    loop_clock_ms() < end) {
		if (poll(&pfd, 1, 50) > 0)
			on_signals(h, pfd.fd, LOOP_READ);
		(void)oncomplete_reap(h->oc);
	}
	(void)oncomplete_wait(h->oc, 0);
}

int
headless_run(struct headless *h, struct supervisor *sup)
{
	struct sup_info	info;
	int		rc;

	sup_set_turn_ms(sup, PRINT_MS);	/* turn() waits at most that */
	if (sigpipe_open(&h->sigs, caught, sizeof(caught) / sizeof(caught[0]))
	    != BT_OK || sup_start(sup, loop_clock_ms()) != BT_OK) {
		fprintf(stderr, "bttui: cannot start the engine: %s\n",
		    strerror(errno));
		return 2;
	}
	/* on the way out the caller's sup_stop ends the engine */
	if ((rc = loop_setup(h, sup)) != BT_OK) {
		fprintf(stderr, "bttui: cannot set up the event loop: %s\n",
		    bt_strerror(rc));
		return 2;
	}
	for (;;) {
		if (loop_run_once(h->loop, -1) < 0) {
			fprintf(stderr, "bttui: select: %s\n", strerror(errno));
			return 2;
		}
		if (h->oc != NULL)
			(void)oncomplete_reap(h->oc);	/* SIGCHLD woke us */
		if (h->sig) {
			rc = any_error(h) ? 2 : all_complete(h) ? 0 : 130;
			sup_stop(sup, STOP_WAIT_MS);
			print_session(h);
			wait_on_complete(h, 0);		/* said, not waited */
			return rc;
		}
		sup_get_info(sup, loop_now_ms(h->loop), &info);
		if (info.state == SUP_STOPPED) {
			rc = info.last_exit;
			print_session(h);
			wait_on_complete(h, HEADLESS_ONCOMPLETE_WAIT_MS);
			return rc == 0 && !all_complete(h) ? 2 : rc < 0 ? 2 :
			    rc;
		}
		if (info.state == SUP_GAVE_UP) {
			fprintf(stderr, "bttui: the engine keeps failing; "
			    "giving up\n");
			return 2;
		}
	}
}

/*
 * Headless front: select() over the supervisor and a self-pipe for
 * SIGINT/SIGTERM; prints from the latest MSG_STATUS once a second.
 *
 * An engine in its error state (a full disk) stays up and idle until told
 * to resume; nobody is there to press R, so the front sends the resume
 * itself after a back-off (headless_retry_wait_ms).
 */
#include "tui/headless.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/msg.h"
#include "ipc/sigpipe.h"
#include "tui/lineprinter.h"
#include "tui/supervisor.h"

#define PRINT_MS	1000
#define STOP_WAIT_MS	5000

struct headless {
	struct msg_status	status;
	int			have_status;
	int			complete;	/* "Download complete" shown */
	int			failed;		/* the latest status: ERROR */
	uint64_t		retry_at_ms;	/* resume then, 0: none due */
	uint64_t		retry_wait_ms;	/* the back-off, 0: none yet */
	uint32_t		error_pieces;	/* pieces_have at the error */
	uint64_t		next_print_ms;
	struct sigpipe		sigs;
	/* totals of the engines before this one: counters restart with
	 * each engine, the session line covers them all */
	uint64_t		prev_down, prev_up, prev_wasted;
	uint32_t		prev_hashfails;
	unsigned		engines;
};

/* SIGCHLD wakes the loop, so an engine that exits is reaped at once
 * rather than when the supervisor's grace period runs out.  SIGCONT
 * (after Ctrl-Z, `fg') restarts the engine's heartbeat deadline. */
static const int	caught[] = { SIGINT, SIGTERM, SIGCHLD, SIGCONT };

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct headless *
headless_new(void)
{
	struct headless	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	sigpipe_init(&h->sigs);
	return h;
}

void
headless_free(struct headless *h)
{
	if (h == NULL)
		return;
	sigpipe_close(&h->sigs);
	free(h);
}

static void
print_status(struct headless *h)
{
	char	line[LP_STATUS_MAX];

	if (!h->have_status || lp_status_line(&h->status, line,
	    sizeof(line)) != BT_OK)
		return;
	printf("%s\n", line);
	fflush(stdout);
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

/* The engine just went into its error state: plan a resume. */
static void
on_error(struct headless *h, const struct msg_status *st)
{
	h->retry_wait_ms = headless_retry_wait_ms(h->retry_wait_ms,
	    st->pieces_have > h->error_pieces);
	h->error_pieces = st->pieces_have;
	h->retry_at_ms = now_ms() + h->retry_wait_ms;
	fprintf(stderr, "bttui: error: %s\n", st->error);
	fprintf(stderr, "bttui: retrying in %llu s (Ctrl-C stops)\n",
	    (unsigned long long)(h->retry_wait_ms / 1000));
}

static void
on_status(struct headless *h, const struct msg_status *st)
{
	h->status = *st;
	h->have_status = 1;
	if (st->state == MSG_STATE_ERROR && !h->failed) {
		h->failed = 1;
		on_error(h, st);
	} else if (st->state != MSG_STATE_ERROR) {
		h->failed = 0;
		h->retry_at_ms = 0;
	}
	if (!h->complete && st->total_bytes > 0 &&
	    st->done_bytes == st->total_bytes &&
	    st->state != MSG_STATE_CHECKING) {
		h->complete = 1;
		print_status(h);
		printf("Download complete\n");
		fflush(stdout);
	}
}

static void
cb_msg(void *arg, int type, struct bbuf *payload)
{
	struct headless	*h = arg;
	union msg_any	*m;
	char		 line[LP_LOG_MAX];

	if (type != MSG_STATUS && type != MSG_LOG)
		return;
	if ((m = malloc(sizeof(*m))) == NULL)
		return;
	if (msg_decode(type, payload, m) == BT_OK) {
		if (type == MSG_STATUS)
			on_status(h, &m->status);
		else if (lp_log_line(&m->log, line, sizeof(line)) == BT_OK)
			fprintf(stderr, "%s\n", line);
	}
	free(m);
}

static void
cb_log(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "bttui: watchdog: %s\n", line);
}

static void
cb_engine(void *arg, pid_t pid)
{
	struct headless	*h = arg;

	if (pid <= 0)
		return;
	fprintf(stderr, "bttui: engine pid %ld\n", (long)pid);
	if (h->engines++ > 0 && h->have_status) {
		h->prev_down += h->status.downloaded;
		h->prev_up += h->status.uploaded;
		h->prev_wasted += h->status.wasted;
		h->prev_hashfails += h->status.hashfails;
		h->status.downloaded = h->status.uploaded = 0;
		h->status.wasted = 0;
		h->status.hashfails = 0;
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
	if (!h->have_status)
		return;
	printf("Session: downloaded %llu bytes, uploaded %llu bytes, "
	    "wasted %llu bytes, %u hash failures, %u engine%s\n",
	    (unsigned long long)(h->prev_down + h->status.downloaded),
	    (unsigned long long)(h->prev_up + h->status.uploaded),
	    (unsigned long long)(h->prev_wasted + h->status.wasted),
	    h->prev_hashfails + h->status.hashfails, h->engines,
	    h->engines == 1 ? "" : "s");
	fflush(stdout);
}

/* Drains the self-pipe.  1 when SIGINT or SIGTERM came. */
static int
on_signals(struct headless *h, struct supervisor *sup)
{
	int	got[16], stop = 0;
	size_t	n, i;

	while ((n = sigpipe_drain(&h->sigs, got, 16)) > 0) {
		for (i = 0; i < n; i++) {
			if (got[i] == SIGCONT)
				sup_on_continue(sup, now_ms());
			else if (got[i] != SIGCHLD)
				stop = 1;
		}
	}
	return stop;
}

/* The back-off after an error is over: ask the engine to try again. */
static void
retry(struct headless *h, struct supervisor *sup)
{
	int	r;

	if (!h->failed || h->retry_at_ms == 0 || now_ms() < h->retry_at_ms)
		return;
	h->retry_at_ms = 0;
	if ((r = sup_send(sup, MSG_CMD_RESUME, NULL)) == BT_OK)
		fprintf(stderr, "bttui: retrying after the error\n");
	else
		fprintf(stderr, "bttui: cannot retry: %s\n", bt_strerror(r));
}

/* One turn: wait, let the supervisor work, print.  1 when a signal came. */
static int
turn(struct headless *h, struct supervisor *sup)
{
	fd_set		rd, wr;
	struct timeval	tv;
	int64_t		t;
	int		maxfd = sigpipe_fd(&h->sigs), sig = 0;

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(sigpipe_fd(&h->sigs), &rd);
	sup_fdset(sup, &rd, &wr, &maxfd);
	t = sup_timeout_ms(sup, now_ms());
	if (t < 0 || t > PRINT_MS)
		t = PRINT_MS;
	tv.tv_sec = t / 1000;
	tv.tv_usec = (t % 1000) * 1000;
	if (select(maxfd + 1, &rd, &wr, NULL, &tv) < 0) {
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		/* EINTR: a signal's byte is in the pipe */
		FD_SET(sigpipe_fd(&h->sigs), &rd);
	}
	if (FD_ISSET(sigpipe_fd(&h->sigs), &rd))
		sig = on_signals(h, sup);
	sup_perform(sup, &rd, &wr, now_ms());
	retry(h, sup);
	if (now_ms() >= h->next_print_ms) {
		h->next_print_ms = now_ms() + PRINT_MS;
		print_status(h);
	}
	return sig;
}

int
headless_run(struct headless *h, struct supervisor *sup)
{
	struct sup_info	info;
	int		rc, failed;

	sup_set_turn_ms(sup, PRINT_MS);	/* turn() waits at most that */
	if (sigpipe_open(&h->sigs, caught, sizeof(caught) / sizeof(caught[0]))
	    != BT_OK || sup_start(sup, now_ms()) != BT_OK) {
		fprintf(stderr, "bttui: cannot start the engine: %s\n",
		    strerror(errno));
		return 2;
	}
	for (;;) {
		if (turn(h, sup)) {
			/* the engine's last status says "stopping" */
			failed = h->failed;
			sup_stop(sup, STOP_WAIT_MS);
			print_session(h);
			return failed ? 2 : h->complete ? 0 : 130;
		}
		sup_get_info(sup, now_ms(), &info);
		if (info.state == SUP_STOPPED) {
			rc = info.last_exit;
			print_session(h);
			return rc == 0 && !h->complete ? 2 : rc < 0 ? 2 : rc;
		}
		if (info.state == SUP_GAVE_UP) {
			fprintf(stderr, "bttui: the engine keeps failing; "
			    "giving up\n");
			return 2;
		}
	}
}

/*
 * Headless front: a loop (src/ipc/loop) over the supervisor (a source) and
 * a self-pipe for SIGINT/SIGTERM; a timer prints from the latest
 * MSG_STATUS once a second.
 */
#include "tui/headless.h"

#include <errno.h>
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
#include "tui/supervisor.h"

#define PRINT_MS	1000
#define STOP_WAIT_MS	5000

struct headless {
	struct msg_status	status;
	int			have_status;
	int			complete;	/* "Download complete" shown */
	int			failed;		/* the engine reported ERROR */
	int			sig;		/* SIGINT or SIGTERM came */
	struct loop		*loop;
	struct supervisor	*sup;		/* borrowed from headless_run */
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

struct headless *
headless_new(void)
{
	struct headless	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	sigpipe_init(&h->sigs);
	if ((h->loop = loop_new()) == NULL) {
		free(h);
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

static void
on_status(struct headless *h, const struct msg_status *st)
{
	h->status = *st;
	h->have_status = 1;
	if (st->state == MSG_STATE_ERROR && !h->failed) {
		h->failed = 1;
		fprintf(stderr, "bttui: error: %s\n", st->error);
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
		if (h->sig || h->failed) {
			sup_stop(sup, STOP_WAIT_MS);
			print_session(h);
			return h->failed ? 2 : h->complete ? 0 : 130;
		}
		sup_get_info(sup, loop_now_ms(h->loop), &info);
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

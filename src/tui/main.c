/*
 * bttui's entry point: parse the command line, then run one mode.  main is
 * the one file that knows both sides (engine and front); --info (info.c) and
 * --create run here in-process, the TUI and --headless hand over to the
 * engine and supervisor.  Exit status: 0 ok, 1 usage error or a bad
 * torrent or input, 2 runtime failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "engine/atomicfile.h"
#include "engine/bencode.h"
#include "engine/engine.h"
#include "engine/maketorrent.h"
#include "engine/metainfo.h"
#include "engine/picker.h"
#include "engine/sessiondir.h"
#include "engine/source.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "tui/app.h"
#include "tui/cli.h"
#include "tui/config.h"
#include "tui/headless.h"
#include "tui/info.h"
#include "tui/oncomplete.h"
#include "tui/supervisor.h"

#define EXIT_USAGE	1
#define EXIT_RUNTIME	2
#define PROGRESS_MIN	(64u * 1024 * 1024)	/* show progress above */

struct progress {
	int		tty;		/* stderr is a terminal */
	int		last;		/* last percentage shown, -1: none */
};

static void
print_error(const char *what, const char *msg)
{
	fputs("bttui: ", stderr);
	if (what != NULL) {
		info_put_safe(stderr, what);
		fputs(": ", stderr);
	}
	info_put_safe(stderr, msg);
	fputc('\n', stderr);
}

static int
run_info(const struct cli *c)
{
	struct source	src;
	char		err[512];

	/* The message names the file already: "FILE: why". */
	if (source_load(c->torrent, &src, err, sizeof(err)) != BT_OK) {
		print_error(NULL, err);
		return EXIT_USAGE;
	}
	if (src.meta != NULL)
		info_print_torrent(src.meta);
	else
		info_print_magnet(src.mag);
	source_cleanup(&src);
	return 0;
}

static void
on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct progress	*p = arg;
	int		 pct;

	if (total <= PROGRESS_MIN)
		return;
	pct = (int)(done * 100 / total);
	/* On a terminal, redraw one line; in a log, a line per 10%. */
	if (p->tty ? pct == p->last : pct / 10 == p->last / 10)
		return;
	p->last = pct;
	fprintf(stderr, "%shashing: %d%% (%" PRIu64 "/%" PRIu64 " MiB)%s",
	    p->tty ? "\r" : "", pct, done >> 20, total >> 20,
	    p->tty ? "" : "\n");
	if (p->tty && done == total)
		fputc('\n', stderr);
}

/* The directory of path, for the temporary file and the access check. */
static void
dir_of(const char *path, char *buf, size_t len)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(buf, len, ".");
	else if (slash == path)
		snprintf(buf, len, "/");
	else
		snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

/* Fails early, before hashing: OUT must not exist, its directory must be
 * writable. */
static int
check_output(const char *out)
{
	struct stat	st;
	char		dir[4096];

	if (lstat(out, &st) == 0) {
		print_error(out, "already exists; remove it or pick another "
		    "-o");
		return -1;
	}
	dir_of(out, dir, sizeof(dir));
	if (access(dir, W_OK | X_OK) == -1) {
		fprintf(stderr, "bttui: cannot write in %s: %s (pick another "
		    "-o)\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int
build(const struct cli *c, struct bbuf *out)
{
	struct maketorrent_opts	 o;
	struct progress		 p;
	char			 err[512];

	memset(&o, 0, sizeof(o));
	p.tty = isatty(STDERR_FILENO);
	p.last = -1;
	o.path = c->create_path;
	o.announce = c->announce;
	o.nannounce = c->nannounce;
	o.piece_size = c->piece_size;
	o.private_flag = c->private_flag;
	o.comment = c->comment;
	o.created_by = "bttui " BTTUI_VERSION;
	o.creation_date = (int64_t)time(NULL);
	o.progress = on_progress;
	o.progress_arg = &p;
	if (maketorrent_build(&o, out, err, sizeof(err)) != BT_OK) {
		if (p.tty && p.last >= 0)
			fputc('\n', stderr);
		print_error(NULL, err);
		return -1;
	}
	return 0;
}

static int
run_create(const struct cli *c)
{
	struct metainfo	*m = NULL;
	struct bbuf	 out;
	char		 err[512];
	int		 rc = EXIT_USAGE;

	if (check_output(c->output) == -1)
		return EXIT_USAGE;
	bbuf_init(&out, BENCODE_MAX_INPUT);
	if (build(c, &out) == -1)
		goto done;
	if (metainfo_parse(bbuf_ptr(&out), bbuf_len(&out), &m, err,
	    sizeof(err)) != BT_OK) {
		print_error(c->output, err);
		goto done;
	}
	if (atomicfile_write(c->output, bbuf_ptr(&out), bbuf_len(&out),
	    ATOMICFILE_CREATE) != BT_OK) {
		fprintf(stderr, "bttui: cannot write %s: %s\n", c->output,
		    strerror(errno));
		goto done;
	}
	printf("created %s: info hash %s\n", c->output, m->info_hash_hex);
	rc = 0;
done:
	metainfo_free(m);
	bbuf_cleanup(&out);
	return rc;
}

/* The engine's configuration from the command line.  peer_buf holds the
 * "HOST:PORT" strings cfg->peers points at. */
static void
engine_config_from_cli(const struct cli *c, const char *session_dir,
    struct engine_config *cfg, char (*peer_buf)[CLI_MAX_HOST + 16],
    const char **peer_ptrs)
{
	size_t	i;

	engine_config_defaults(cfg);
	cfg->session_dir = session_dir;
	cfg->dir = c->dir;
	cfg->watch_dir = c->watch_dir;
	cfg->port = c->port;
	cfg->max_peers = c->max_peers;
	cfg->seed = c->seed;
	cfg->seed_ratio = c->seed_ratio;
	cfg->verify = c->verify;
	cfg->sequential = c->sequential;
	cfg->dht = c->dht;
	cfg->dht_bootstrap = c->dht_bootstrap;
	cfg->encryption = c->encryption;
	cfg->utp = c->utp;
	cfg->no_pex = !c->pex;
	cfg->no_direct_io = !c->direct_io;
	/* tests only: uTP with TCP switched off on both sides */
	cfg->no_tcp = getenv("BTTUI_TEST_NO_TCP") != NULL;
	cfg->upload_slots = c->upload_slots;
	for (i = 0; i < c->npeers; i++) {
		snprintf(peer_buf[i], CLI_MAX_HOST + 16,
		    strchr(c->peers[i].host, ':') ? "[%s]:%u" : "%s:%u",
		    c->peers[i].host, c->peers[i].port);
		peer_ptrs[i] = peer_buf[i];
	}
	cfg->peers = peer_ptrs;
	cfg->npeers = c->npeers;
	cfg->binds = c->binds;
	cfg->nbinds = c->nbinds;
}

/* Runs in the engine child: the supervisor's entry point. */
static int
engine_entry(void *arg, int ipc_fd)
{
	int	rc;

	/* libcurl (and the TLS libraries under it) is the engine's alone:
	 * set up in each engine, the front never touches their pages
	 * (`make bench`, case 5: front RSS). */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "bttui: cannot initialise libcurl\n");
		return EXIT_RUNTIME;
	}
	rc = engine_run(arg, ipc_fd);
	curl_global_cleanup();
	return rc;
}

/* The download directory as an absolute path, made when missing. */
static int
absolute_dir(const char *dir, char *abs)
{
	if (realpath(dir, abs) != NULL)
		return 0;
	if (errno == ENOENT && mkdir(dir, 0755) == 0 &&
	    realpath(dir, abs) != NULL)
		return 0;
	fprintf(stderr, "bttui: cannot use download directory %s: %s (pick "
	    "another with -d)\n", dir, strerror(errno));
	return -1;
}

/*
 * --select-file for the torrent ih of n listed files (label names it in
 * messages): the files named are wanted, the others skipped, kept in the
 * session.  For a magnet link n is the highest number named: its files
 * are not known yet, and those past n are skipped when they are.
 */
static int
select_files(const struct cli *c, struct sessiondir *sd, const uint8_t ih[20],
    size_t n, const char *label)
{
	uint8_t	*prio;
	char	 err[256];
	size_t	 i;
	int	 rc = EXIT_USAGE;

	if ((prio = malloc(n + 1)) == NULL) {
		fprintf(stderr, "bttui: out of memory\n");
		return EXIT_RUNTIME;
	}
	if (cli_select_files(c->select_file, n, prio, err, sizeof(err)) !=
	    BT_OK) {
		fprintf(stderr, "bttui: %s: %s\n", label, err);
		goto out;
	}
	for (i = 0; i < n; i++)
		prio[i] = prio[i] ? PICKER_PRIO_NORMAL : PICKER_PRIO_SKIP;
	rc = 0;
	if (sessiondir_set_prio(sd, ih, prio, n) != BT_OK) {
		fprintf(stderr, "bttui: cannot save the file selection of %s "
		    "in %s: %s\n", label, sessiondir_path(sd), strerror(errno));
		rc = EXIT_RUNTIME;
	}
out:
	free(prio);
	return rc;
}

/* The number of files --select-file applies to: a torrent's listed files,
 * or for a magnet link the highest number named (0: a bad list). */
static size_t
select_span(const struct cli *c, const struct source *src)
{
	size_t	n;

	if (src->meta != NULL)
		return src->meta->nfiles - src->meta->npads;
	n = cli_select_span(c->select_file);
	return n <= SESSIONDIR_MAX_PRIO ? n : 0;
}

/*
 * Each torrent of the command line is checked here, in the front, so that
 * a bad file gets its one-line error at once, then copied into the session
 * (one already there is kept as it is: the screen shows it).  focus gets
 * the info-hash of the first.
 */
static int
add_torrents(const struct cli *c, struct sessiondir *sd, uint8_t focus[20])
{
	struct source	 src;
	char		 err[512], abs[PATH_MAX];
	size_t		 i, n;
	int		 r, rc;

	if (c->ntorrents > 0 && absolute_dir(c->dir, abs) == -1)
		return EXIT_USAGE;
	for (i = 0; i < c->ntorrents; i++) {
		/* A .torrent file or a magnet link (source.h). */
		if (source_load(c->torrents[i], &src, err, sizeof(err)) !=
		    BT_OK) {
			print_error(NULL, err);
			return EXIT_USAGE;
		}
		if (i == 0)
			memcpy(focus, src.info_hash, 20);
		r = sessiondir_add(sd, src.info_hash, bbuf_ptr(&src.bytes),
		    bbuf_len(&src.bytes), abs, 0, (int64_t)time(NULL));
		if (r != BT_OK && r != BT_ERR_EXISTS) {
			fprintf(stderr, "bttui: cannot add %s to the session "
			    "in %s: %s\n", source_name(&src),
			    sessiondir_path(sd), strerror(errno));
			source_cleanup(&src);
			return EXIT_RUNTIME;
		}
		/* Also for one already there: the user asks for it now.  A
		 * magnet link's files are not known yet. */
		rc = 0;
		n = c->select_file != NULL ? select_span(c, &src) : 0;
		if (c->select_file != NULL && n == 0) {
			fprintf(stderr, "bttui: --select-file %s: not a list "
			    "of file numbers\n", c->select_file);
			rc = EXIT_USAGE;
		} else if (c->select_file != NULL)
			rc = select_files(c, sd, src.info_hash, n, src.meta !=
			    NULL ? c->torrents[i] : "magnet link");
		source_cleanup(&src);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
session_empty(struct sessiondir *sd)
{
	struct sessiondir_entry	*v;
	size_t			 n = 0;

	if (sessiondir_list(sd, NULL, NULL, &v, &n) == BT_OK)
		free(v);
	return n == 0;
}

/* Limits (turtle mode's too) and --max-active given on the command line
 * become the session's settings, which every engine (a restarted one
 * too) starts with. */
static int
apply_settings(const struct cli *c, struct sessiondir *sd)
{
	struct sessiondir_settings	st;

	if (c->limits_given == 0 && !c->max_active_given)
		return 0;
	(void)sessiondir_settings_load(sd, &st);
	if (c->limits_given & CLI_LIMIT_DOWN)
		st.max_down_bps = (uint64_t)c->max_down_kibps * 1024;
	if (c->limits_given & CLI_LIMIT_UP)
		st.max_up_bps = (uint64_t)c->max_up_kibps * 1024;
	if (c->limits_given & CLI_LIMIT_ALT_DOWN)
		st.alt_down_bps = (uint64_t)c->alt_max_down_kibps * 1024;
	if (c->limits_given & CLI_LIMIT_ALT_UP)
		st.alt_up_bps = (uint64_t)c->alt_max_up_kibps * 1024;
	if (c->max_active_given)
		st.max_active = c->max_active;
	if (sessiondir_settings_save(sd, &st) != BT_OK) {
		fprintf(stderr, "bttui: cannot save the settings in %s: %s\n",
		    sessiondir_path(sd), strerror(errno));
		return EXIT_RUNTIME;
	}
	return 0;
}

/*
 * The two fronts, the screen and the line printer, share everything else:
 * the torrent is checked, the supervisor gets the front's callbacks, the
 * front runs, the engine is stopped (it saves its resume record).
 */
struct front_ops {
	void	*(*create)(const uint8_t *focus, const struct config *cf);
	/* the options the front acts on itself: what to do when a torrent
	 * completes (oc may be NULL), the bell, the mouse */
	void	 (*configure)(void *front, const struct cli *c,
		    struct oncomplete *oc);
	void	 (*callbacks)(void *front, struct sup_cb *cb_out);
	int	 (*run)(void *front, struct supervisor *sup);
	void	 (*destroy)(void *front);
};

static void *
tui_create(const uint8_t *focus, const struct config *cf)
{
	struct tui	*t;

	if ((t = tui_new(focus)) != NULL)
		tui_apply_config(t, cf);
	return t;
}

static void
tui_configure(void *f, const struct cli *c, struct oncomplete *oc)
{
	tui_set_options(f, (uint32_t)(c->seed_ratio * 1000 + 0.5), c->bell,
	    oc);
	tui_set_mouse(f, c->mouse);
}

static void
tui_callbacks(void *f, struct sup_cb *cb)
{
	tui_sup_callbacks(f, cb);
}

static int
tui_front_run(void *f, struct supervisor *sup)
{
	return tui_run(f, sup);
}

static void
tui_destroy(void *f)
{
	tui_free(f);
}

static void *
headless_create(const uint8_t *focus, const struct config *cf)
{
	(void)focus;
	(void)cf;		/* its messages went to stderr */
	return headless_new();
}

static void
headless_configure(void *f, const struct cli *c, struct oncomplete *oc)
{
	(void)c;		/* --bell is the screen's */
	headless_set_on_complete(f, oc);
}

static void
headless_callbacks(void *f, struct sup_cb *cb)
{
	headless_sup_callbacks(f, cb);
}

static int
headless_front_run(void *f, struct supervisor *sup)
{
	return headless_run(f, sup);
}

static void
headless_destroy(void *f)
{
	headless_free(f);
}

static const struct front_ops tui_ops = {
	tui_create, tui_configure, tui_callbacks, tui_front_run, tui_destroy,
};
static const struct front_ops headless_ops = {
	headless_create, headless_configure, headless_callbacks,
	headless_front_run, headless_destroy,
};

/* oncomplete's dir_fn: the torrent's download directory, as the session
 * keeps it (the torrent may have been added by the screen or --watch). */
static int
session_dir_of(void *arg, const uint8_t ih[20], char *buf, size_t len)
{
	struct sessiondir_entry	*v;
	size_t			 n = 0, i;
	int			 r = BT_ERR_NOTFOUND;

	if (sessiondir_list(arg, NULL, NULL, &v, &n) != BT_OK)
		return BT_ERR_SYS;
	for (i = 0; i < n; i++)
		if (memcmp(v[i].info_hash, ih, 20) == 0) {
			r = (size_t)snprintf(buf, len, "%s", v[i].dir) < len ?
			    BT_OK : BT_ERR_LIMIT;
			break;
		}
	free(v);
	return r;
}

/* --on-complete's runner, its output in SESSION/on-complete.log; NULL
 * without the option (or out of memory: said). */
static struct oncomplete *
on_complete_new(const struct cli *c, struct sessiondir *sd)
{
	struct oncomplete	*oc;
	char			 log[PATH_MAX];

	if (c->on_complete == NULL)
		return NULL;
	snprintf(log, sizeof(log), "%s/on-complete.log", sessiondir_path(sd));
	if ((oc = oncomplete_new(c->on_complete, log, session_dir_of, sd)) ==
	    NULL)
		fprintf(stderr, "bttui: out of memory: --on-complete is off\n");
	return oc;
}

static int
run_front(const struct cli *c, const struct config *conf,
    const struct front_ops *ops)
{
	char			 peer_buf[CLI_MAX_PEERS][CLI_MAX_HOST + 16];
	const char		*peer_ptrs[CLI_MAX_PEERS];
	char			 err[512];
	uint8_t			 focus[20];
	struct engine_config	 cfg;
	struct sessiondir	*sd;
	struct supervisor	*sup = NULL;
	struct sup_cb		 cb;
	struct oncomplete	*oc = NULL;
	void			*front;
	int			 rc;

	/* The lock first: a second bttui on this session stops here. */
	if ((rc = sessiondir_open(c->session_dir, 1, &sd, err,
	    sizeof(err))) != BT_OK) {
		print_error(NULL, err);
		return rc == BT_ERR_SYS ? EXIT_RUNTIME : EXIT_USAGE;
	}
	if ((rc = add_torrents(c, sd, focus)) != 0 ||
	    (rc = apply_settings(c, sd)) != 0) {
		sessiondir_close(sd);
		return rc;
	}
	if (ops == &headless_ops && c->watch_dir == NULL && session_empty(sd)) {
		fprintf(stderr, "bttui: the session in %s has no torrents: "
		    "nothing to do (bttui --headless FILE.torrent adds one)\n",
		    sessiondir_path(sd));
		sessiondir_close(sd);
		return EXIT_USAGE;
	}
	engine_config_from_cli(c, sessiondir_path(sd), &cfg, peer_buf,
	    peer_ptrs);
	/* The screen seeds on until the user quits (--seed-ratio stops a
	 * torrent's seeding, not the engine). */
	if (ops == &tui_ops)
		cfg.seed = cfg.stay = 1;
	/* One torrent on the command line: straight into its detail. */
	if ((front = ops->create(c->ntorrents == 1 ? focus : NULL, conf)) !=
	    NULL) {
		oc = on_complete_new(c, sd);
		ops->configure(front, c, oc);
		ops->callbacks(front, &cb);
		sup = sup_new(engine_entry, &cfg,
		    (uint64_t)c->watchdog_timeout_s * 1000, &cb);
	}
	if (front == NULL || sup == NULL) {
		fprintf(stderr, "bttui: out of memory\n");
		rc = EXIT_RUNTIME;
	} else {
		rc = ops->run(front, sup);
		sup_stop(sup, 5000);	/* the engine saves its resume data */
	}
	sup_free(sup);		/* its callbacks reach the front: free it last */
	if (front != NULL)
		ops->destroy(front);
	oncomplete_free(oc);	/* its commands run on */
	sessiondir_close(sd);
	return rc;
}

static int
run(const struct cli *c, const struct config *conf)
{
	switch (c->mode) {
	case CLI_HELP:
		cli_usage(stdout);
		return 0;
	case CLI_VERSION:
		cli_version(stdout);
		return 0;
	case CLI_INFO:
		return run_info(c);
	case CLI_CREATE:
		return run_create(c);
	case CLI_HEADLESS:
		return run_front(c, conf, &headless_ops);
	case CLI_TUI:
		break;
	}
	return run_front(c, conf, &tui_ops);
}

int
main(int argc, char **argv)
{
	struct config	conf;
	struct cli	c;
	char		err[512];
	size_t		i;
	int		rc;

	/* The config file's options under the command line's (config.h). */
	config_init(&conf);
	if ((rc = config_parse_cli(&conf, &c, argc, argv, err,
	    sizeof(err))) != BT_OK) {
		print_error(NULL, err);
		if (rc == BT_ERR_INVALID)
			fputs("Try 'bttui --help' for more information.\n",
			    stderr);
		config_cleanup(&conf);
		return EXIT_USAGE;
	}
	for (i = 0; i < config_nmessages(&conf); i++)
		print_error(NULL, config_message(&conf, i));
	rc = run(&c, &conf);
	config_cleanup(&conf);
	/* A lost stdout (a full disk, a closed pipe) is a failure too. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "bttui: write error: %s\n", strerror(errno));
		return rc != 0 ? rc : EXIT_RUNTIME;
	}
	return rc;
}

/*
 * The --on-complete runner: a table of the commands running (their pids,
 * at most ONCOMPLETE_MAX_RUNNING) and a ring of the completions waiting
 * for a slot.  Each child is reaped here by its pid, so none is left a
 * zombie and the supervisor's engine is never reaped by mistake.  The
 * environment is built before fork: between fork and exec the child only
 * makes async-signal-safe calls.
 */
#include "tui/oncomplete.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipc/err.h"

#define SHELL		"/bin/sh"
#define DEV_NULL	"/dev/null"
#define WAIT_STEP_MS	20	/* oncomplete_wait's poll */
#define ENV_OURS	4	/* BTTUI_NAME, _PATH, _INFOHASH, _SIZE */

extern char	**environ;

struct oc_run {
	pid_t	pid;
	char	name[ONCOMPLETE_NAME_MAX];
};

struct oncomplete {
	char				*cmd;
	char				*log_path;	/* NULL: /dev/null */
	oncomplete_dir_fn		*dir;
	void				*dir_arg;
	oncomplete_say_fn		*say;
	void				*say_arg;
	struct oc_run			 run[ONCOMPLETE_MAX_RUNNING];
	size_t				 nrun;
	struct oncomplete_torrent	*queue;		/* a ring */
	size_t				 qhead, qlen;
};

static const char *const	ours[ENV_OURS] = {
	"BTTUI_NAME=", "BTTUI_PATH=", "BTTUI_INFOHASH=", "BTTUI_SIZE=",
};

struct oncomplete *
oncomplete_new(const char *cmd, const char *log_path, oncomplete_dir_fn *dir,
    void *dir_arg)
{
	struct oncomplete	*oc;

	if ((oc = calloc(1, sizeof(*oc))) == NULL)
		return NULL;
	oc->cmd = strdup(cmd);
	oc->log_path = log_path != NULL ? strdup(log_path) : NULL;
	oc->queue = calloc(ONCOMPLETE_MAX_QUEUED, sizeof(*oc->queue));
	oc->dir = dir;
	oc->dir_arg = dir_arg;
	if (oc->cmd == NULL || oc->queue == NULL ||
	    (log_path != NULL && oc->log_path == NULL)) {
		oncomplete_free(oc);
		return NULL;
	}
	return oc;
}

void
oncomplete_free(struct oncomplete *oc)
{
	if (oc == NULL)
		return;
	free(oc->cmd);
	free(oc->log_path);
	free(oc->queue);
	free(oc);
}

void
oncomplete_set_say(struct oncomplete *oc, oncomplete_say_fn *say, void *arg)
{
	oc->say = say;
	oc->say_arg = arg;
}

static void
say(struct oncomplete *oc, int warn, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(struct oncomplete *oc, int warn, const char *fmt, ...)
{
	char	line[ONCOMPLETE_LINE_MAX];
	va_list	ap;

	if (oc->say == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	oc->say(oc->say_arg, warn, line);
}

/* --- the environment ----------------------------------------------------- */

static int
is_ours(const char *entry)
{
	size_t	i;

	for (i = 0; i < ENV_OURS; i++)
		if (strncmp(entry, ours[i], strlen(ours[i])) == 0)
			return 1;
	return 0;
}

static char *
entry(const char *key, const char *value)
{
	size_t	n = strlen(key) + strlen(value) + 1;
	char	*e;

	if ((e = malloc(n)) != NULL)
		snprintf(e, n, "%s%s", key, value);
	return e;
}

/* Ours come first, so that oncomplete_env_free knows what it owns. */
char **
oncomplete_env(char *const *env, const struct oncomplete_torrent *t,
    const char *path)
{
	char	**v, hex[41], size[24];
	size_t	  n = 0, i, at = ENV_OURS;

	while (env != NULL && env[n] != NULL)
		n++;
	if ((v = calloc(n + ENV_OURS + 1, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", t->info_hash[i]);
	snprintf(size, sizeof(size), "%llu", (unsigned long long)t->size);
	v[0] = entry(ours[0], t->name);
	v[1] = entry(ours[1], path);
	v[2] = entry(ours[2], hex);
	v[3] = entry(ours[3], size);
	if (v[0] == NULL || v[1] == NULL || v[2] == NULL || v[3] == NULL) {
		oncomplete_env_free(v);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (!is_ours(env[i]))
			v[at++] = env[i];
	return v;
}

void
oncomplete_env_free(char **envp)
{
	size_t	i;

	if (envp == NULL)
		return;
	for (i = 0; i < ENV_OURS; i++)
		free(envp[i]);
	free(envp);
}

/* --- running ------------------------------------------------------------- */

/* BTTUI_PATH: the download directory and the name, or the name alone
 * (with a warning) when the directory is not known. */
static void
torrent_path(struct oncomplete *oc, const struct oncomplete_torrent *t,
    char *buf, size_t len)
{
	char	dir[ONCOMPLETE_PATH_MAX];
	size_t	n;

	if (oc->dir == NULL || oc->dir(oc->dir_arg, t->info_hash, dir,
	    sizeof(dir)) != BT_OK || dir[0] == '\0') {
		say(oc, 1, "on-complete for %s: its download directory is not "
		    "known; BTTUI_PATH holds the name alone", t->name);
		snprintf(buf, len, "%s", t->name);
		return;
	}
	n = strlen(dir);
	snprintf(buf, len, "%s%s%s", dir, dir[n - 1] == '/' ? "" : "/",
	    t->name);
}

/* The command's output: the log file, else /dev/null (said). */
static int
open_output(struct oncomplete *oc, const struct oncomplete_torrent *t)
{
	int	fd;

	if (oc->log_path != NULL) {
		fd = open(oc->log_path, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC, 0600);
		if (fd != -1) {
			dprintf(fd, "--- on-complete for %s\n", t->name);
			return fd;
		}
		say(oc, 1, "cannot open %s: %s (the output of on-complete for "
		    "%s is dropped)", oc->log_path, strerror(errno), t->name);
	}
	return open(DEV_NULL, O_WRONLY | O_CLOEXEC);
}

/* In the child: async-signal-safe calls only, then exec or _exit(127). */
static void
child(const char *cmd, char **envp, int in, int out)
{
	char *const	argv[] = { (char *)"sh", (char *)"-c", (char *)cmd,
			    NULL };
	sigset_t	none;

	(void)setsid();		/* the terminal's ^C and ^Z are ours */
	if (dup2(in, STDIN_FILENO) == -1 || dup2(out, STDOUT_FILENO) == -1 ||
	    dup2(out, STDERR_FILENO) == -1)
		_exit(127);
	/* the front ignores SIGPIPE and may block signals: not the child */
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(SHELL, argv, envp);
	_exit(127);
}

static int
start(struct oncomplete *oc, const struct oncomplete_torrent *t)
{
	char	path[ONCOMPLETE_PATH_MAX + ONCOMPLETE_NAME_MAX];
	char	**envp;
	pid_t	pid;
	int	in, out, saved;

	torrent_path(oc, t, path, sizeof(path));
	if ((envp = oncomplete_env(environ, t, path)) == NULL) {
		say(oc, 1, "cannot run on-complete for %s: out of memory",
		    t->name);
		return BT_ERR_NOMEM;
	}
	out = open_output(oc, t);
	in = open(DEV_NULL, O_RDONLY | O_CLOEXEC);
	pid = in == -1 || out == -1 ? -1 : fork();
	if (pid == 0)
		child(oc->cmd, envp, in, out);
	saved = errno;
	if (in != -1)
		close(in);
	if (out != -1)
		close(out);
	oncomplete_env_free(envp);
	if (pid == -1) {
		say(oc, 1, "cannot run on-complete for %s: %s", t->name,
		    strerror(saved));
		errno = saved;
		return BT_ERR_SYS;
	}
	oc->run[oc->nrun].pid = pid;
	snprintf(oc->run[oc->nrun].name, sizeof(oc->run[0].name), "%s",
	    t->name);
	oc->nrun++;
	say(oc, 0, "ran on-complete for %s (pid %ld)", t->name, (long)pid);
	return BT_OK;
}

int
oncomplete_torrent_done(struct oncomplete *oc,
    const struct oncomplete_torrent *t)
{
	if (oc->nrun < ONCOMPLETE_MAX_RUNNING && oc->qlen == 0)
		return start(oc, t);
	if (oc->qlen >= ONCOMPLETE_MAX_QUEUED) {
		say(oc, 1, "on-complete for %s not run: %d commands wait "
		    "already", t->name, ONCOMPLETE_MAX_QUEUED);
		return BT_ERR_LIMIT;
	}
	oc->queue[(oc->qhead + oc->qlen) % ONCOMPLETE_MAX_QUEUED] = *t;
	oc->qlen++;
	return BT_OK;
}

static void
say_status(struct oncomplete *oc, const struct oc_run *r, int status)
{
	if (WIFEXITED(status))
		say(oc, WEXITSTATUS(status) != 0, "on-complete for %s (pid "
		    "%ld) exited with status %d", r->name, (long)r->pid,
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		say(oc, 1, "on-complete for %s (pid %ld) was killed by signal "
		    "%d (%s)", r->name, (long)r->pid, WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
}

/* The queued completions in the slots free. */
static void
start_queued(struct oncomplete *oc)
{
	struct oncomplete_torrent	t;

	while (oc->qlen > 0 && oc->nrun < ONCOMPLETE_MAX_RUNNING) {
		t = oc->queue[oc->qhead];
		oc->qhead = (oc->qhead + 1) % ONCOMPLETE_MAX_QUEUED;
		oc->qlen--;
		(void)start(oc, &t);
	}
}

size_t
oncomplete_reap(struct oncomplete *oc)
{
	size_t	i = 0, reaped = 0;
	pid_t	r;
	int	status;

	while (i < oc->nrun) {
		r = waitpid(oc->run[i].pid, &status, WNOHANG);
		if (r == 0 || (r == -1 && errno == EINTR)) {
			i++;
			continue;
		}
		if (r == oc->run[i].pid)
			say_status(oc, &oc->run[i], status);
		/* else ECHILD: gone, reaped by someone else */
		oc->run[i] = oc->run[--oc->nrun];
		reaped++;
	}
	start_queued(oc);
	return reaped;
}

size_t
oncomplete_pending(const struct oncomplete *oc)
{
	return oc->nrun + oc->qlen;
}

static uint64_t
clock_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

size_t
oncomplete_wait(struct oncomplete *oc, uint64_t wait_ms)
{
	struct timespec	step = { 0, WAIT_STEP_MS * 1000000L };
	uint64_t	end = clock_ms() + wait_ms;
	size_t		i;

	(void)oncomplete_reap(oc);
	while (oncomplete_pending(oc) > 0 && clock_ms() < end) {
		nanosleep(&step, NULL);
		(void)oncomplete_reap(oc);
	}
	for (i = 0; i < oc->nrun; i++)
		say(oc, 1, "on-complete for %s (pid %ld) still runs: not "
		    "waiting for it", oc->run[i].name, (long)oc->run[i].pid);
	for (i = 0; i < oc->qlen; i++)
		say(oc, 1, "on-complete for %s not run: bttui is leaving",
		    oc->queue[(oc->qhead + i) % ONCOMPLETE_MAX_QUEUED].name);
	return oncomplete_pending(oc);
}

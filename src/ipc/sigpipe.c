/* Self-pipe for signals; see sigpipe.h. */
#include "ipc/sigpipe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ipc/err.h"

/* The write end the handler uses: the one file-scope variable (STYLE.md
 * section 6 allows exactly this). */
static volatile sig_atomic_t handler_fd = -1;

static void
on_signal(int sig)
{
	int		saved = errno;
	unsigned char	c = (unsigned char)sig;

	if (handler_fd >= 0 && write(handler_fd, &c, 1) == -1) {
		/* a full pipe already holds a wake-up */
	}
	errno = saved;
}

static int
set_flags(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return BT_ERR_SYS;
	return BT_OK;
}

void
sigpipe_init(struct sigpipe *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->fd[0] = sp->fd[1] = -1;
}

int
sigpipe_open(struct sigpipe *sp, const int *signals, size_t n)
{
	struct sigaction	sa;
	size_t			i;

	sigpipe_init(sp);
	if (pipe(sp->fd) == -1) {
		sp->fd[0] = sp->fd[1] = -1;
		return BT_ERR_SYS;
	}
	if (set_flags(sp->fd[0]) != BT_OK || set_flags(sp->fd[1]) != BT_OK) {
		sigpipe_close(sp);
		return BT_ERR_SYS;
	}
	sp->signals = signals;
	sp->nsignals = n;
	handler_fd = sp->fd[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	for (i = 0; i < n; i++)
		sigaction(signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return BT_OK;
}

int
sigpipe_fd(const struct sigpipe *sp)
{
	return sp->fd[0];
}

size_t
sigpipe_drain(struct sigpipe *sp, int *out, size_t max)
{
	unsigned char	buf[64];
	ssize_t		n, i;

	if (sp->fd[0] < 0 || max == 0)
		return 0;
	if (max > sizeof(buf))
		max = sizeof(buf);
	if ((n = read(sp->fd[0], buf, max)) <= 0)
		return 0;
	for (i = 0; i < n; i++)
		out[i] = buf[i];
	return (size_t)n;
}

void
sigpipe_close(struct sigpipe *sp)
{
	size_t	i;

	if (sp->fd[1] >= 0 && handler_fd == sp->fd[1]) {
		for (i = 0; i < sp->nsignals; i++)
			signal(sp->signals[i], SIG_DFL);
		handler_fd = -1;
	}
	for (i = 0; i < 2; i++) {
		if (sp->fd[i] >= 0)
			close(sp->fd[i]);
		sp->fd[i] = -1;
	}
	sp->nsignals = 0;
}

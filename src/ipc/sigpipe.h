/*
 * sigpipe: the self-pipe that turns signals into readable bytes for a
 * select() loop (each byte is a signal number).  The handler only writes;
 * the loop reads with sigpipe_drain and does the work.  This is the one
 * piece of file-scope state both processes have: the write end the handler
 * uses.  Opening a sigpipe takes that over, so a forked child (the engine)
 * simply opens its own.  SIGPIPE is ignored while a sigpipe is open.
 */
#ifndef BT_SIGPIPE_H
#define BT_SIGPIPE_H

#include <stddef.h>

struct sigpipe {		/* members are private */
	int		 fd[2];
	const int	*signals;
	size_t		 nsignals;
};

/* Creates the pipe (both ends non-blocking, close-on-exec) and routes
 * signals[0..n) into it (SA_RESTART; SIGCHLD only on exit).  signals must
 * outlive the sigpipe.  BT_OK or BT_ERR_SYS. */
int	sigpipe_open(struct sigpipe *sp, const int *signals, size_t n);
/* The read end, for select(); -1 when not open. */
int	sigpipe_fd(const struct sigpipe *sp);
/* Reads what has arrived: up to max signal numbers into out, and returns
 * how many; 0 when none are pending. */
size_t	sigpipe_drain(struct sigpipe *sp, int *out, size_t max);
/* Restores the default action of its signals and closes the pipe.  A
 * sigpipe that was never opened (fd -1) may be closed; so may a zeroed one
 * after sigpipe_init. */
void	sigpipe_close(struct sigpipe *sp);
/* Marks sp as not open, for structs set up before sigpipe_open. */
void	sigpipe_init(struct sigpipe *sp);

#endif

/* Unit tests for src/ipc/sigpipe: signals raised become readable bytes,
 * the read end polls readable, close restores the default actions, and a
 * second open (as in a forked child) takes over the handler. */
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ipc/err.h"
#include "ipc/sigpipe.h"

static const int	sigs[] = { SIGUSR1, SIGUSR2 };

static int
readable(const struct sigpipe *sp)
{
	struct pollfd	p = { .fd = sigpipe_fd(sp), .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static void
test_signals_become_bytes(void **state)
{
	struct sigpipe		sp;
	struct sigaction	sa;
	int			got[8];
	size_t			n;

	(void)state;
	assert_int_equal(sigpipe_open(&sp, sigs, 2), BT_OK);
	assert_false(readable(&sp));
	assert_int_equal(sigpipe_drain(&sp, got, 8), 0);
	raise(SIGUSR1);
	raise(SIGUSR2);
	raise(SIGUSR1);
	assert_true(readable(&sp));
	assert_int_equal(n = sigpipe_drain(&sp, got, 8), 3);
	assert_int_equal(got[0], SIGUSR1);
	assert_int_equal(got[1], SIGUSR2);
	assert_int_equal(got[2], SIGUSR1);
	assert_false(readable(&sp));
	sigpipe_close(&sp);
	assert_int_equal(sigpipe_fd(&sp), -1);
	sigaction(SIGUSR1, NULL, &sa);
	assert_true(sa.sa_handler == SIG_DFL);
	sigpipe_close(&sp);			/* twice is harmless */
}

static void
test_second_open_takes_over(void **state)
{
	struct sigpipe	a, b;
	int		got[4];

	(void)state;
	assert_int_equal(sigpipe_open(&a, sigs, 2), BT_OK);
	assert_int_equal(sigpipe_open(&b, sigs, 1), BT_OK);
	raise(SIGUSR1);
	assert_false(readable(&a));
	assert_int_equal(sigpipe_drain(&b, got, 4), 1);
	/* closing the one no longer in charge leaves the handler alone */
	sigpipe_close(&a);
	raise(SIGUSR1);
	assert_int_equal(sigpipe_drain(&b, got, 4), 1);
	sigpipe_close(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signals_become_bytes),
		cmocka_unit_test(test_second_open_takes_over),
	};

	return cmocka_run_group_tests_name("sigpipe", tests, NULL, NULL);
}

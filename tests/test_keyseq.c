/* Unit tests for src/tui/keyseq: the escape sequences of xterm, tmux,
 * screen, rxvt and the linux console become their keys whole, unknown
 * ones are swallowed whole, a lone ESC stays Esc, other keys pass; and
 * keyseq_define_keys teaches ncurses the sequences xterm-256color's entry
 * lacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curses.h>

#include "tui/keyseq.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define ESC	27
#define END	INT32_MIN	/* ends the lists below */
#define TMO	(-2)		/* in an input: no byte came in time */

/* Feeds in[] (bytes and KEY_* codes; TMO: a timeout) and collects the
 * keys that come out; returns how many. */
static size_t
run(const int *in, int *got, size_t max)
{
	struct keyseq	ks;
	int		out[KEYSEQ_OUT_MAX];
	size_t		n = 0, k, i;

	keyseq_init(&ks);
	for (i = 0; in[i] != END; i++) {
		if (in[i] == TMO)
			k = keyseq_timeout(&ks, out);
		else
			k = keyseq_feed(&ks, in[i], out);
		assert_true(k <= KEYSEQ_OUT_MAX);
		for (size_t j = 0; j < k && n < max; j++)
			got[n++] = out[j];
	}
	/* the input ends: what a caller does when nothing more comes */
	if (keyseq_pending(&ks)) {
		k = keyseq_timeout(&ks, out);
		for (size_t j = 0; j < k && n < max; j++)
			got[n++] = out[j];
	}
	assert_false(keyseq_pending(&ks));
	return n;
}

static void
test_feed_table(void **state)
{
	static const struct {
		const char	*name;
		int		 in[48];
		int		 want[8];
	} cases[] = {
		{ "plain keys", { 'a', '1', KEY_HOME, END }, { 'a', '1',
		    KEY_HOME, END } },
		{ "tmux Home", { ESC, '[', '1', '~', END }, { KEY_HOME, END } },
		{ "tmux End", { ESC, '[', '4', '~', END }, { KEY_END, END } },
		{ "rxvt Home End", { ESC, '[', '7', '~', ESC, '[', '8', '~',
		    END }, { KEY_HOME, KEY_END, END } },
		{ "xterm Home End", { ESC, '[', 'H', ESC, '[', 'F', END },
		    { KEY_HOME, KEY_END, END } },
		{ "xterm app Home End", { ESC, 'O', 'H', ESC, 'O', 'F', END },
		    { KEY_HOME, KEY_END, END } },
		{ "Ctrl-Home", { ESC, '[', '1', ';', '5', 'H', END },
		    { KEY_HOME, END } },
		{ "Shift-End", { ESC, '[', '1', ';', '2', 'F', END },
		    { KEY_END, END } },
		{ "Ctrl-PgDn", { ESC, '[', '6', ';', '5', '~', END },
		    { KEY_NPAGE, END } },
		{ "arrows", { ESC, '[', 'A', ESC, 'O', 'D', END },
		    { KEY_UP, KEY_LEFT, END } },
		{ "Delete", { ESC, '[', '3', '~', END }, { KEY_DC, END } },
		{ "Shift-Tab", { ESC, '[', 'Z', END }, { KEY_BTAB, END } },
		{ "F1 xterm", { ESC, 'O', 'P', END }, { KEY_F(1), END } },
		{ "F10", { ESC, '[', '2', '1', '~', END }, { KEY_F(10), END } },
		{ "linux F1", { ESC, '[', '[', 'A', END }, { KEY_F(1), END } },
		{ "unknown CSI swallowed", { ESC, '[', '9', '9', '~', 'x',
		    END }, { 'x', END } },
		{ "private CSI swallowed", { ESC, '[', '?', '1', ';', '2',
		    'c', '1', END }, { '1', END } },
		{ "paste marks swallowed", { ESC, '[', '2', '0', '0', '~',
		    'a', ESC, '[', '2', '0', '1', '~', END }, { 'a', END } },
		{ "focus event swallowed", { ESC, '[', 'I', END }, { END } },
		{ "unknown SS3 swallowed", { ESC, 'O', 'z', '2', END },
		    { '2', END } },
		{ "long CSI swallowed", { ESC, '[', '1', ';', '1', ';', '1',
		    ';', '1', ';', '1', ';', '1', ';', '1', ';', '1', ';', '1',
		    ';', '1', ';', '1', ';', '1', ';', '1', ';', '1', ';', '1',
		    ';', '1', ';', '1', ';', '1', 'H', 'q', END }, { 'q',
		    END } },
		{ "lone Esc", { ESC, TMO, 'q', END }, { ESC, 'q', END } },
		{ "Esc at the end", { 'g', ESC, END }, { 'g', ESC, END } },
		{ "Esc then a key", { ESC, 'x', END }, { ESC, 'x', END } },
		{ "Esc Esc", { ESC, ESC, TMO, END }, { ESC, ESC, END } },
		{ "Esc then a sequence", { ESC, ESC, '[', '4', '~', END },
		    { ESC, KEY_END, END } },
		{ "Esc then ncurses' key", { ESC, KEY_UP, END },
		    { ESC, KEY_UP, END } },
		{ "cut sequence dropped", { ESC, '[', '1', TMO, '~', END },
		    { '~', END } },
		{ "broken by a control byte", { ESC, '[', '1', '\n', END },
		    { '\n', END } },
		{ "broken by ESC", { ESC, '[', '1', ESC, '[', 'H', END },
		    { KEY_HOME, END } },
		{ "resize inside", { ESC, '[', '1', KEY_RESIZE, '~', END },
		    { KEY_RESIZE, '~', END } },
	};
	int	got[16];
	size_t	i, n, k;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		n = run(cases[i].in, got, N(got));
		for (k = 0; cases[i].want[k] != END; k++)
			;
		if (n != k)
			fail_msg("%s: %zu keys, want %zu", cases[i].name, n, k);
		for (k = 0; k < n; k++)
			if (got[k] != cases[i].want[k])
				fail_msg("%s: key %zu is %d, want %d",
				    cases[i].name, k, got[k],
				    cases[i].want[k]);
	}
}

static void
test_lookup(void **state)
{
	static const struct {
		const char	*seq;
		int		 key;
	} cases[] = {
		{ "\033[1~", KEY_HOME }, { "\033[4~", KEY_END },
		{ "\033[7~", KEY_HOME }, { "\033[8~", KEY_END },
		{ "\033[H", KEY_HOME }, { "\033[F", KEY_END },
		{ "\033OH", KEY_HOME }, { "\033OF", KEY_END },
		{ "\033[1;5H", KEY_HOME }, { "\033[5~", KEY_PPAGE },
		{ "\033[6~", KEY_NPAGE }, { "\033OM", KEY_ENTER },
		{ "\033[24~", KEY_F(12) }, { "\033[[E", KEY_F(5) },
		{ "\033[9~", -1 }, { "\033[~", -1 }, { "\033[2H", -1 },
		{ "\033[?1~", -1 }, { "\033[ H", -1 }, { "\033[[F", -1 },
		{ "\033Ox", -1 }, { "\033OHH", -1 }, { "\033[1Z", -1 },
		{ "\033x", -1 }, { "[1~", -1 }, { "\033[", -1 }, { "", -1 },
		{ "\033[99999999999999999999~", -1 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < N(cases); i++)
		if (keyseq_lookup(cases[i].seq) != cases[i].key)
			fail_msg("\"\\033%s\": %d, want %d", cases[i].seq + 1,
			    keyseq_lookup(cases[i].seq), cases[i].key);
}

static void
test_unmodified(void **state)
{
	static const struct {
		const char	*name;
		int		 key;
	} names[] = {
		{ "kEND5", KEY_END }, { "kHOM3", KEY_HOME }, { "kUP5", KEY_UP },
		{ "kDN2", KEY_DOWN }, { "kLFT6", KEY_LEFT },
		{ "kRIT7", KEY_RIGHT }, { "kPRV5", KEY_PPAGE },
		{ "kNXT5", KEY_NPAGE }, { "kDC5", KEY_DC }, { "kIC3", KEY_IC },
		{ "kEND", -1 }, { "kEND1", -1 }, { "kEND55", -1 },
		{ "kENDx", -1 }, { "kxEND5", -1 }, { "", -1 },
	};
	static const struct {
		int	in, want;
	} codes[] = {
		{ KEY_SHOME, KEY_HOME }, { KEY_SEND, KEY_END },
		{ KEY_SLEFT, KEY_LEFT }, { KEY_SRIGHT, KEY_RIGHT },
		{ KEY_SR, KEY_UP }, { KEY_SF, KEY_DOWN },
		{ KEY_SPREVIOUS, KEY_PPAGE }, { KEY_SNEXT, KEY_NPAGE },
		{ KEY_HOME, KEY_HOME }, { KEY_F(1), KEY_F(1) }, { 'a', 'a' },
	};
	struct keyseq	ks;
	int		out[KEYSEQ_OUT_MAX];
	size_t		i;

	(void)state;
	for (i = 0; i < N(names); i++)
		if (keyseq_name_key(names[i].name) != names[i].key)
			fail_msg("%s: %d, want %d", names[i].name,
			    keyseq_name_key(names[i].name), names[i].key);
	for (i = 0; i < N(codes); i++)
		assert_int_equal(keyseq_unmodified(codes[i].in),
		    codes[i].want);
	/* through keyseq_feed, after a lone ESC too */
	keyseq_init(&ks);
	assert_int_equal(keyseq_feed(&ks, KEY_SEND, out), 1);
	assert_int_equal(out[0], KEY_END);
	assert_int_equal(keyseq_feed(&ks, ESC, out), 0);
	assert_int_equal(keyseq_feed(&ks, KEY_SHOME, out), 2);
	assert_int_equal(out[0], ESC);
	assert_int_equal(out[1], KEY_HOME);
}

/* On a screen of xterm-256color (Home is ESC O H there), the tmux and
 * rxvt sequences become known, and the entry's own stay as they were. */
static void
test_define_keys(void **state)
{
	FILE	*out, *in;
	SCREEN	*sp;
	int	 n, code;

	(void)state;
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	assert_non_null(out);
	assert_non_null(in);
	if ((sp = newterm("xterm-256color", out, in)) == NULL) {
		fclose(out);
		fclose(in);
		skip();
	}
	set_term(sp);
	keypad(stdscr, TRUE);
	assert_int_equal(key_defined("\033[1~"), 0);
	n = keyseq_define_keys();
	assert_true(n > 0);
	assert_int_equal(key_defined("\033[1~"), KEY_HOME);
	assert_int_equal(key_defined("\033[4~"), KEY_END);
	assert_int_equal(key_defined("\033[7~"), KEY_HOME);
	assert_int_equal(key_defined("\033[8~"), KEY_END);
	assert_int_equal(key_defined("\033OH"), KEY_HOME);
	/* a second call finds nothing left to define */
	assert_int_equal(keyseq_define_keys(), 0);
	/* the entry's Ctrl-End ("kEND5", an extended code) is End */
	code = key_defined("\033[1;5F");
	assert_true(code > KEY_MAX);
	assert_int_equal(keyseq_unmodified(code), KEY_END);
	endwin();
	delscreen(sp);
	fclose(out);
	fclose(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_table),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_unmodified),
		cmocka_unit_test(test_define_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

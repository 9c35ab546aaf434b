/*
 * keyseq: escape sequences that reach the front in pieces.  ncurses turns
 * a sequence its terminfo entry lists into one KEY_* code, and returns
 * any other byte by byte: tmux sends ESC [ 1 ~ for Home under
 * TERM=xterm-256color, whose entry says ESC O H, so Esc closed the view,
 * '1' opened Pieces and '~' was lost.  keyseq_define_keys teaches ncurses
 * what xterm, tmux, screen, rxvt and the linux console send for the keys
 * we bind; keyseq_feed puts together what still comes loose: a CSI
 * sequence (ESC [ parameters final-byte) or an SS3 one (ESC O x) becomes
 * its key when it names one we know, modifiers ignored (Ctrl-Home is
 * Home), and nothing otherwise, never loose keys.  A lone ESC stays Esc.
 *
 * No state outside the struct; keyseq_feed and keyseq_timeout take no
 * terminal, so tests feed them bytes.
 */
#ifndef BT_KEYSEQ_H
#define BT_KEYSEQ_H

#include <stddef.h>

#define KEYSEQ_OUT_MAX	2	/* keys one call can hand back */
#define KEYSEQ_MAX	32	/* bytes of a sequence kept; a longer one is
				 * still swallowed whole, and known as
				 * nothing */

struct keyseq {		/* members are private: use keyseq_*() */
	int	state;
	char	buf[KEYSEQ_MAX];	/* the bytes after ESC [ or ESC O */
	size_t	len;
	int	overflow;		/* more than KEYSEQ_MAX came */
};

/* Not inside a sequence. */
void	keyseq_init(struct keyseq *ks);
/*
 * One code from wgetch (a byte, or a KEY_* code ncurses made).  Writes
 * the keys to act on into out[0..KEYSEQ_OUT_MAX) and returns how many:
 * 0 inside a sequence (or at the end of one we do not know), 1 for most,
 * 2 when the code ends a lone ESC without starting a sequence (ESC then
 * 'x': Esc, then x).  A KEY_* code comes out without its modifier
 * (keyseq_unmodified).
 */
size_t	keyseq_feed(struct keyseq *ks, int ch, int *out);
/* 1 inside a sequence: the caller waits a moment (the ESC delay) for its
 * next byte, then calls keyseq_timeout if none came. */
int	keyseq_pending(const struct keyseq *ks);
/* Nothing came in time: a lone ESC is Esc (returns 1, out[0] = 27), a
 * sequence cut short is dropped (0).  The state is back to the start. */
size_t	keyseq_timeout(struct keyseq *ks, int *out);
/* The key a whole sequence names ("\033[1~", "\033OH", "\033[1;5H"), or
 * -1 (a sequence we do not know, or not a sequence). */
int	keyseq_lookup(const char *seq);
/* The key without its modifier: Shift-, Ctrl- or Alt-Home is Home (ncurses
 * makes KEY_SHOME of one and an extended code named "kHOM5" of another,
 * when the entry lists them), and so on for the arrows, PgUp, PgDn,
 * Insert and Delete; any other code is returned as it is.  Needs the
 * screen for the extended codes' names. */
int	keyseq_unmodified(int ch);
/* The base key of an extended key's name ("kEND5" -> KEY_END), or -1. */
int	keyseq_name_key(const char *name);
/* Calls define_key for each sequence of the common terminals that the
 * current terminal's entry leaves undefined (on the current screen,
 * after keypad()); returns how many it defined. */
int	keyseq_define_keys(void);

#endif

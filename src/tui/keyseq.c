/*
 * Escape sequences put back together.  The parser follows ECMA-48: after
 * ESC [ come parameter bytes (0x30-0x3f), intermediate bytes (0x20-0x2f)
 * and one final byte (0x40-0x7e); after ESC O one byte.  The linux
 * console's F1-F5 are ESC [ [ A-E.  What a sequence names is decoded
 * from its parts rather than looked up whole, so xterm's modifier
 * parameter (ESC [ 1 ; 5 H, Ctrl-Home) needs no entry of its own.
 */
#include "keyseq.h"

#include <curses.h>
#include <string.h>

#define ESC	27

enum {
	KS_GROUND,
	KS_ESC,		/* ESC seen: Esc, or a sequence's start */
	KS_CSI,		/* ESC [ */
	KS_SS3,		/* ESC O */
	KS_LINUX,	/* ESC [ [ */
};

/*
 * What the common terminals send for the keys bttui binds (Home and End
 * first, the reason for this file): tmux, screen and the linux console
 * ESC [ 1 ~ and ESC [ 4 ~, rxvt ESC [ 7 ~ and ESC [ 8 ~, xterm ESC [ H
 * and ESC [ F, or ESC O H and ESC O F in application cursor mode.  The
 * keys come from keyseq_lookup, so the two cannot disagree.
 */
static const char *const common_seqs[] = {
	"\033[1~", "\033[4~", "\033[7~", "\033[8~",
	"\033[H", "\033[F", "\033OH", "\033OF",
	"\033[2~", "\033[3~", "\033[5~", "\033[6~",
	"\033[A", "\033[B", "\033[C", "\033[D",
	"\033OA", "\033OB", "\033OC", "\033OD",
	"\033[Z",
	"\033OP", "\033OQ", "\033OR", "\033OS",
	"\033[11~", "\033[12~", "\033[13~", "\033[14~", "\033[15~",
	"\033[17~", "\033[18~", "\033[19~", "\033[20~", "\033[21~",
	"\033[23~", "\033[24~",
	"\033[[A", "\033[[B", "\033[[C", "\033[[D", "\033[[E",
};

void
keyseq_init(struct keyseq *ks)
{
	memset(ks, 0, sizeof(*ks));
	ks->state = KS_GROUND;
}

int
keyseq_pending(const struct keyseq *ks)
{
	return ks->state != KS_GROUND;
}

/* ESC [ n ~ (vt220 editing and function keys). */
static int
tilde_key(long n)
{
	static const struct {
		long	n;
		int	key;
	} t[] = {
		{ 1, KEY_HOME }, { 2, KEY_IC }, { 3, KEY_DC }, { 4, KEY_END },
		{ 5, KEY_PPAGE }, { 6, KEY_NPAGE }, { 7, KEY_HOME },
		{ 8, KEY_END }, { 11, KEY_F(1) }, { 12, KEY_F(2) },
		{ 13, KEY_F(3) }, { 14, KEY_F(4) }, { 15, KEY_F(5) },
		{ 17, KEY_F(6) }, { 18, KEY_F(7) }, { 19, KEY_F(8) },
		{ 20, KEY_F(9) }, { 21, KEY_F(10) }, { 23, KEY_F(11) },
		{ 24, KEY_F(12) },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].n == n)
			return t[i].key;
	return -1;
}

/* A final letter (ESC [ x or ESC O x): cursor keys, Home, End, F1-F4. */
static int
letter_key(int c)
{
	switch (c) {
	case 'A':
		return KEY_UP;
	case 'B':
		return KEY_DOWN;
	case 'C':
		return KEY_RIGHT;
	case 'D':
		return KEY_LEFT;
	case 'H':
		return KEY_HOME;
	case 'F':
		return KEY_END;
	case 'P':
	case 'Q':
	case 'R':
	case 'S':
		return KEY_F(1 + c - 'P');
	default:
		return -1;
	}
}

/* The parameters of a CSI sequence: digits and ';' only (a private
 * marker or an intermediate byte: a sequence we do not know).  *first_out
 * is the first number, -1 when there is none. */
static int
csi_params(const char *p, size_t n, long *first_out)
{
	size_t	i;
	long	v = -1;
	int	in_first = 1;

	*first_out = -1;
	for (i = 0; i < n; i++) {
		if (p[i] == ';') {
			in_first = 0;
			continue;
		}
		if (p[i] < '0' || p[i] > '9')
			return -1;
		if (in_first && v < 1000)
			v = (v < 0 ? 0 : v * 10) + (p[i] - '0');
	}
	*first_out = v;
	return 0;
}

int
keyseq_lookup(const char *seq)
{
	size_t	n = strlen(seq);
	long	first;
	int	fin;

	if (n < 3 || seq[0] != ESC)
		return -1;
	fin = (unsigned char)seq[n - 1];
	if (seq[1] == 'O')
		return n == 3 ? (fin == 'M' ? KEY_ENTER : letter_key(fin)) : -1;
	if (seq[1] != '[')
		return -1;
	if (seq[2] == '[')	/* the linux console's F1-F5 */
		return n == 4 && fin >= 'A' && fin <= 'E' ?
		    KEY_F(1 + fin - 'A') : -1;
	if (csi_params(seq + 2, n - 3, &first) != 0)
		return -1;
	if (fin == '~')
		return tilde_key(first);
	if (fin == 'Z')
		return n == 3 ? KEY_BTAB : -1;
	/* ESC [ 1 ; 5 H: a modifier after the (default) 1 */
	if (first > 1)
		return -1;
	return letter_key(fin);
}

/* Ends the sequence in buf with its final byte c: its key, if known. */
static size_t
finish(struct keyseq *ks, int c, int *out)
{
	int	key;

	ks->state = KS_GROUND;
	if (ks->overflow || ks->len + 1 >= sizeof(ks->buf))
		return 0;
	ks->buf[ks->len++] = (char)c;
	ks->buf[ks->len] = '\0';
	if ((key = keyseq_lookup(ks->buf)) < 0)
		return 0;
	out[0] = key;
	return 1;
}

static void
append(struct keyseq *ks, int c)
{
	if (ks->len + 2 >= sizeof(ks->buf)) {
		ks->overflow = 1;
		return;
	}
	ks->buf[ks->len++] = (char)c;
}

/* A byte that cannot be in a sequence breaks it: the sequence is
 * dropped, the byte is a key of its own (ESC starts anew). */
static size_t
broken(struct keyseq *ks, int c, int *out)
{
	ks->state = KS_GROUND;
	if (c == ESC) {
		ks->state = KS_ESC;
		return 0;
	}
	out[0] = c;
	return 1;
}

static void
start(struct keyseq *ks, int state, int c)
{
	ks->state = state;
	ks->len = 0;
	ks->overflow = 0;
	ks->buf[ks->len++] = ESC;
	ks->buf[ks->len++] = (char)c;
}

/* After ESC: a sequence starts, or the ESC was Esc and c is a key too. */
static size_t
after_esc(struct keyseq *ks, int c, int *out)
{
	if (c == '[' || c == 'O') {
		start(ks, c == '[' ? KS_CSI : KS_SS3, c);
		return 0;
	}
	out[0] = ESC;
	if (c == ESC)		/* Esc, and maybe a sequence next */
		return 1;
	ks->state = KS_GROUND;
	out[1] = c;
	return 2;
}

size_t
keyseq_feed(struct keyseq *ks, int ch, int *out)
{
	if (ch < 0 || ch > 0xff) {	/* a KEY_* code ncurses made */
		ch = keyseq_unmodified(ch);
		if (ks->state == KS_ESC) {
			ks->state = KS_GROUND;
			out[0] = ESC;
			out[1] = ch;
			return 2;
		}
		ks->state = KS_GROUND;
		out[0] = ch;
		return 1;
	}
	switch (ks->state) {
	case KS_GROUND:
		if (ch == ESC) {
			ks->state = KS_ESC;
			return 0;
		}
		out[0] = ch;
		return 1;
	case KS_ESC:
		return after_esc(ks, ch, out);
	case KS_CSI:
		if (ch == '[' && ks->len == 2) {
			append(ks, ch);
			ks->state = KS_LINUX;
			return 0;
		}
		if (ch >= 0x20 && ch <= 0x3f) {
			append(ks, ch);
			return 0;
		}
		/* FALLTHROUGH */
	case KS_LINUX:
		if (ch >= 0x40 && ch <= 0x7e)
			return finish(ks, ch, out);
		return broken(ks, ch, out);
	case KS_SS3:
		if (ch >= 0x20 && ch <= 0x7e)
			return finish(ks, ch, out);
		return broken(ks, ch, out);
	default:
		ks->state = KS_GROUND;
		return 0;
	}
}

size_t
keyseq_timeout(struct keyseq *ks, int *out)
{
	int	was = ks->state;

	ks->state = KS_GROUND;
	if (was != KS_ESC)
		return 0;
	out[0] = ESC;
	return 1;
}

int
keyseq_name_key(const char *name)
{
	static const struct {
		const char	*name;
		int		 key;
	} t[] = {
		{ "kDC", KEY_DC }, { "kDN", KEY_DOWN }, { "kEND", KEY_END },
		{ "kHOM", KEY_HOME }, { "kIC", KEY_IC }, { "kLFT", KEY_LEFT },
		{ "kNXT", KEY_NPAGE }, { "kPRV", KEY_PPAGE },
		{ "kRIT", KEY_RIGHT }, { "kUP", KEY_UP },
	};
	size_t	i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = strlen(t[i].name);
		/* the name, then the modifier's digit: "kEND5" */
		if (strncmp(name, t[i].name, n) == 0 && name[n] >= '2' &&
		    name[n] <= '9' && name[n + 1] == '\0')
			return t[i].key;
	}
	return -1;
}

int
keyseq_unmodified(int ch)
{
	static const struct {
		int	shifted, key;
	} t[] = {
		{ KEY_SHOME, KEY_HOME }, { KEY_SEND, KEY_END },
		{ KEY_SLEFT, KEY_LEFT }, { KEY_SRIGHT, KEY_RIGHT },
		{ KEY_SR, KEY_UP }, { KEY_SF, KEY_DOWN },
		{ KEY_SPREVIOUS, KEY_PPAGE }, { KEY_SNEXT, KEY_NPAGE },
		{ KEY_SDC, KEY_DC }, { KEY_SIC, KEY_IC },
	};
	const char	*name;
	size_t		 i;
	int		 key;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].shifted == ch)
			return t[i].key;
	if (ch <= KEY_MAX || (name = keyname(ch)) == NULL ||
	    (key = keyseq_name_key(name)) < 0)
		return ch;
	return key;
}

int
keyseq_define_keys(void)
{
	size_t	i;
	int	key, n = 0;

	for (i = 0; i < sizeof(common_seqs) / sizeof(common_seqs[0]); i++) {
		if ((key = keyseq_lookup(common_seqs[i])) < 0 ||
		    key_defined(common_seqs[i]) != 0)
			continue;
		if (define_key(common_seqs[i], key) == OK)
			n++;
	}
	return n;
}

#!/usr/bin/python3
"""ansi2png.py: renders a terminal screen captured with colours
(tmux capture-pane -e -p -N) to a PNG, cell by cell, on a dark background.

    ansi2png.py [--cols N] [--rows N] IN.ansi OUT.png

SGR escapes understood: reset, bold, dim, underline, reverse, hidden,
their resets, 16/bright colours, 256 colours and truecolor (38;5;N and
38;2;R;G;B, also with colons), default fg/bg; italic is drawn upright.
Other escapes are skipped.  As in tmux's capture, attributes carry over
from one line to the next.  Block elements and shades are drawn as
rectangles so that neighbouring cells join; everything else with
DejaVu Sans Mono (Debian: fonts-dejavu-core).  Needs PIL (python3-pil).
"""

import argparse
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

CELL_W = 8
CELL_H = 16
FONT_SIZE = 13
FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
FONT = FONT_DIR + "DejaVuSansMono.ttf"
FONT_BOLD = FONT_DIR + "DejaVuSansMono-Bold.ttf"

BG = (0x1c, 0x1e, 0x22)
FG = (0xd4, 0xd7, 0xd0)
# A Tango-like palette, a little brighter than Tango's on a dark screen.
PALETTE16 = [
    (0x1c, 0x1e, 0x22), (0xe0, 0x4b, 0x4b), (0x73, 0xc9, 0x36),
    (0xe5, 0xc0, 0x3a), (0x4f, 0x8a, 0xd9), (0xb0, 0x78, 0xc8),
    (0x2a, 0xb7, 0xc0), (0xd4, 0xd7, 0xd0),
    (0x5c, 0x63, 0x70), (0xff, 0x6e, 0x6e), (0x9c, 0xe8, 0x5c),
    (0xfc, 0xe9, 0x4f), (0x7d, 0xae, 0xf0), (0xd6, 0x9c, 0xe6),
    (0x5f, 0xe3, 0xe8), (0xf4, 0xf4, 0xf0),
]
# How much of the cell each shade covers (light, medium, dark), drawn as a
# blend of foreground over background rather than a dot pattern.
SHADES = {"\u2591": 0.30, "\u2592": 0.55, "\u2593": 0.80}

SGR_RE = re.compile(r"\x1b\[([0-9;:]*)([A-Za-z])")
# OSC strings, charset designations, and any other two-byte escape
OTHER_ESC_RE = re.compile(
    r"\x1b(\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)")


def color256(n):
    """The RGB of xterm colour n (0-255)."""
    if n < 16:
        return PALETTE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


class Pen:
    """The current attributes: colours as None (default), an int (0-255)
    or an (r, g, b) tuple."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = False
        self.dim = False
        self.underline = False
        self.reverse = False
        self.hidden = False

    def copy(self):
        p = Pen()
        p.__dict__.update(self.__dict__)
        return p


def extended_color(params, i):
    """Parses 5;N or 2;R;G;B at params[i]; returns (colour, next index)."""
    if i < len(params) and params[i] == 5 and i + 1 < len(params):
        return params[i + 1] % 256, i + 2
    if i < len(params) and params[i] == 2 and i + 3 < len(params):
        rgb = tuple(max(0, min(255, v)) for v in params[i + 1:i + 4])
        return rgb, i + 4
    return None, len(params)


# SGR code: (attribute, value); italic (3, 23) and blink are ignored
SIMPLE = {
    1: ("bold", True), 2: ("dim", True), 4: ("underline", True),
    7: ("reverse", True), 8: ("hidden", True),
    24: ("underline", False), 27: ("reverse", False), 28: ("hidden", False),
}


def apply_sgr(pen, text):
    params = [int(p) if p else 0 for p in re.split("[;:]", text)] \
        if text else [0]
    i = 0
    while i < len(params):
        p = params[i]
        i += 1
        if p == 0:
            pen.reset()
        elif p == 22:
            pen.bold = pen.dim = False
        elif p in SIMPLE:
            setattr(pen, *SIMPLE[p])
        elif 30 <= p <= 37:
            pen.fg = p - 30
        elif 90 <= p <= 97:
            pen.fg = p - 90 + 8
        elif 40 <= p <= 47:
            pen.bg = p - 40
        elif 100 <= p <= 107:
            pen.bg = p - 100 + 8
        elif p == 39:
            pen.fg = None
        elif p == 49:
            pen.bg = None
        elif p in (38, 48):
            c, i = extended_color(params, i)
            if p == 38:
                pen.fg = c
            else:
                pen.bg = c


def char_width(ch):
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def parse(text, cols, rows):
    """The screen as rows of cols cells (char, pen); None for the right
    half of a wide character."""
    blank = Pen()
    screen = [[(" ", blank) for _ in range(cols)] for _ in range(rows)]
    pen = Pen()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for y, line in enumerate(lines[:rows]):
        x = 0
        pos = 0
        while pos < len(line):
            ch = line[pos]
            if ch == "\x1b":
                m = SGR_RE.match(line, pos)
                if m:
                    if m.group(2) == "m":
                        apply_sgr(pen, m.group(1))
                    pos = m.end()
                    continue
                m = OTHER_ESC_RE.match(line, pos)
                pos = m.end() if m else pos + 1
                continue
            pos += 1
            if ch < " " or ch == "\x7f":
                continue
            w = char_width(ch)
            if w == 0 or x + w > cols:
                continue
            screen[y][x] = (ch, pen.copy())
            if w == 2:
                screen[y][x + 1] = (None, pen.copy())
            x += w
    return screen


def resolve(c, default):
    if c is None:
        return default
    if isinstance(c, tuple):
        return c
    # bold is a bold face, not a brighter colour (as in most terminals
    # today; black on a coloured band stays readable)
    return color256(c)


def blend(a, b, t):
    """t of colour a over colour b."""
    return tuple(round(a[i] * t + b[i] * (1 - t)) for i in range(3))


def colors(pen):
    fg = resolve(pen.fg, FG)
    bg = resolve(pen.bg, BG)
    if pen.reverse:
        fg, bg = bg, fg
    if pen.dim:
        fg = blend(fg, bg, 0.6)
    if pen.hidden:
        fg = bg
    return fg, bg


def draw_block(draw, ch, x0, y0, fg, bg):
    """Draws the block elements and shades; False for other characters."""
    o = ord(ch)
    x1, y1 = x0 + CELL_W - 1, y0 + CELL_H - 1
    if ch in SHADES:
        draw.rectangle([x0, y0, x1, y1], fill=blend(fg, bg, SHADES[ch]))
    elif o == 0x2588:				# full block
        draw.rectangle([x0, y0, x1, y1], fill=fg)
    elif 0x2581 <= o <= 0x2587:			# lower n eighths
        h = round(CELL_H * (o - 0x2580) / 8)
        draw.rectangle([x0, y1 - h + 1, x1, y1], fill=fg)
    elif o == 0x2580:				# upper half
        draw.rectangle([x0, y0, x1, y0 + CELL_H // 2 - 1], fill=fg)
    elif 0x2589 <= o <= 0x258f:			# left n eighths
        w = round(CELL_W * (0x2590 - o) / 8)
        draw.rectangle([x0, y0, x0 + w - 1, y1], fill=fg)
    elif o == 0x2590:				# right half
        draw.rectangle([x0 + CELL_W // 2, y0, x1, y1], fill=fg)
    else:
        return False
    return True


def render(screen, cols, rows):
    img = Image.new("RGB", (cols * CELL_W, rows * CELL_H), BG)
    draw = ImageDraw.Draw(img)
    fonts = {False: ImageFont.truetype(FONT, FONT_SIZE),
             True: ImageFont.truetype(FONT_BOLD, FONT_SIZE)}
    ascent, descent = fonts[False].getmetrics()
    base = (CELL_H - (ascent + descent)) // 2
    for y, row in enumerate(screen):
        for x, (ch, pen) in enumerate(row):
            if ch is None:
                continue
            w = CELL_W * (2 if x + 1 < cols and row[x + 1][0] is None
                          else 1)
            fg, bg = colors(pen)
            x0, y0 = x * CELL_W, y * CELL_H
            if bg != BG:
                draw.rectangle([x0, y0, x0 + w - 1, y0 + CELL_H - 1],
                               fill=bg)
            if ch != " " and not draw_block(draw, ch, x0, y0, fg, bg):
                draw.text((x0, y0 + base), ch, font=fonts[pen.bold],
                          fill=fg)
            if pen.underline:
                draw.line([x0, y0 + CELL_H - 2, x0 + w - 1,
                           y0 + CELL_H - 2], fill=fg)
    return img


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=36)
    ap.add_argument("input")
    ap.add_argument("output")
    a = ap.parse_args()
    with open(a.input, encoding="utf-8", errors="replace") as f:
        text = f.read()
    img = render(parse(text, a.cols, a.rows), a.cols, a.rows)
    # a palette keeps the file small; the screen has few colours
    img = img.quantize(colors=64, method=Image.Quantize.MEDIANCUT,
                       dither=Image.Dither.NONE)
    img.save(a.output, optimize=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/bin/sh
# screenshots.sh: `make screenshots`.  Runs the TUI in tmux
# (TERM=xterm-256color, LANG=C.UTF-8) on a loopback swarm: opentracker, a
# bttui and a transmission-cli seeder, and an aria2c that starts with part
# of the data and trades both ways.  A quarter of the way through the
# download it visits, at 120x40, the torrent list (three torrents), the
# views, a peer's and a piece's detail and the help (its top and its Mouse
# section), stalls the engine (SIGSTOP) so that the log shows the
# watchdog, then resizes the window to 80x24 and visits them all again.
# It captures each screen with its colours (tmux capture-pane -e) and
# renders it with ansi2png.py: screenshots/NAME.png at 120x40 and
# screenshots/80x24/NAME.png, NAME one of torrents, peers, peer-detail,
# pieces, piece-detail, files, trackers, help, help-mouse, log.  About a
# minute.
#
#   SCREENSHOTS_DIR  where the PNGs go (default: screenshots)
#   PYTHON           a python3 with PIL (default: /usr/bin/python3)
#   KEEP_WORK=1      keep the work dir (the .ansi captures are there)
#
# Needs tmux, opentracker, aria2c, transmission-cli, curl, infocmp and tic
# (ncurses-bin), python3 with PIL (Debian: python3-pil) and DejaVu Sans
# Mono (fonts-dejavu-core).
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib/swarm.sh

OUT=${SCREENSHOTS_DIR:-screenshots}
# The first pass, the README's; the second, the terminal most people have.
COLS=120
ROWS=40
SMALL_COLS=80
SMALL_ROWS=24
NAME=bttui-demo
MIB=350
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf

need tmux opentracker aria2c transmission-cli curl ss infocmp tic
PY=""
for p in ${PYTHON:-} /usr/bin/python3 python3; do
	"$p" -c 'import PIL' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || fail "no python3 with PIL (Debian: python3-pil)"
[ -f "$FONT" ] || fail "no $FONT (Debian: fonts-dejavu-core)"
[ -x "$BTTUI" ] || fail "no $BTTUI (make bttui)"
mkdir -p "$OUT" || fail "cannot create $OUT"
swarm_init
trap 'tui_stop; swarm_cleanup' EXIT

rnd() {	# rnd FILE BYTES
	mkdir -p "$(dirname "$1")"
	head -c "$2" /dev/urandom > "$1"
}

# Nested directories, sizes that are no multiple of a piece, an empty file.
make_shot_payload() {
	P="$W/seed/$NAME"
	m=$((MIB * 1048576))
	rnd "$P/video/big-movie.mkv" $((m * 40 / 100 + 12345))
	rnd "$P/video/extras/trailer.mp4" $((m * 12 / 100 - 4321))
	for t in 1 2 3 4; do
		rnd "$P/music/album one/track-0$t.flac" \
		    $((m * 6 / 100 + t * 777))
	done
	rnd "$P/music/album two/cd 1/track-01.ogg" $((m * 7 / 100 + 1))
	rnd "$P/music/album two/cd 2/track-01.ogg" $((m * 7 / 100 + 3))
	rnd "$P/docs/manual.pdf" $((m * 4 / 100 + 99))
	rnd "$P/docs/deep/deeper/deepest/tiny.bin" 3
	printf 'bttui demo payload: %s MiB of random bytes.\n' "$MIB" \
	    > "$P/README.txt"
	: > "$P/docs/EMPTY"
}

# The demo torrent, a small one complete in the download directory (it
# seeds), and one that nobody has, with a long name (the list cuts it at
# 80 columns); the tracker knows all three.
make_shot_torrents() {
	TRACKER_PORT=$(free_port)
	T="$W/$NAME.torrent"
	"$BTTUI" --create "$P" -o "$T" -c "bttui demo" --piece-size 128K \
	    -a "http://127.0.0.1:$TRACKER_PORT/announce" \
	    -a "udp://127.0.0.1:$TRACKER_PORT/announce" \
	    > "$W/create.log" 2>&1 ||
	    { cat "$W/create.log"; fail "bttui --create"; }
	mkdir -p "$W/dl" "$W/nobody"
	head -c 3000000 /dev/urandom > "$W/dl/second.bin"
	"$BTTUI" --create "$W/dl/second.bin" -o "$W/second.torrent" \
	    -a "http://127.0.0.1:$TRACKER_PORT/announce" > /dev/null ||
	    fail "bttui --create second.bin"
	L="Field recordings - dawn chorus at the lake, spring 2026 (FLAC).tar"
	head -c 20000000 /dev/urandom > "$W/nobody/$L"
	"$BTTUI" --create "$W/nobody/$L" -o "$W/third.torrent" \
	    -a "http://127.0.0.1:$TRACKER_PORT/announce" > /dev/null ||
	    fail "bttui --create third"
	rm -f "$W/nobody/$L"
	start_tracker "$(infohash "$T")" "$(infohash "$W/second.torrent")" \
	    "$(infohash "$W/third.torrent")"
	H=$(infohash "$T")
}

# Seeders: bttui and transmission.  aria2c starts with the movie only (its
# bitfield: a solid run and scattered pieces), fetches the rest, and
# uploads slowly, so that a piece partly asked of it stays half-fetched
# for a while: that piece's detail shows blocks had and blocks requested.
# It runs from 127.0.0.3: transmission 3.00 keeps one peer per IP address
# (the first to connect), and the screen's bttui must reach it too (the
# screen's bttui runs from 127.0.0.4 for the same reason).
start_peers() {
	start_bttui_seed "$T" "$W/seed" --max-up 4096
	TR_UPLIMIT=3000
	start_transmission_seed "$T" "$W/seed"
	TR_UPLIMIT=""
	wait_seeders "$H" 2 180	# both hash 350 MiB first: slow on a busy machine
	mkdir -p "$W/leech/$NAME/video"
	cp "$P/video/big-movie.mkv" "$W/leech/$NAME/video/"
	ARIA2_OPTS="--check-integrity=true --bt-seed-unverified=false"
	ARIA2_OPTS="$ARIA2_OPTS --max-download-limit=1M --max-upload-limit=32K"
	ARIA2_OPTS="$ARIA2_OPTS --interface=127.0.0.3 --bt-external-ip=127.0.0.3"
	start_aria2_seed "$T" "$W/leech" leech
	ARIA2_OPTS=""
}

# ncurses ends a coloured line with an erase in the background colour
# (xterm's bce) and tmux leaves erased cells out of capture-pane: with an
# xterm-256color without bce, ncurses writes those cells and they show.
terminfo_without_bce() {
	infocmp -x xterm-256color > "$W/xterm.ti" 2>/dev/null &&
	    sed -i 's/ bce,//' "$W/xterm.ti" &&
	    tic -x -o "$W/terminfo" "$W/xterm.ti" 2>/dev/null ||
	    fail "infocmp/tic (ncurses-bin) could not make a terminfo"
	TUI_ENV="TERMINFO=$W/terminfo"
}

# cap NAME: the screen with its colours into $W/shots/$SUB/NAME.ansi,
# SUB being the pass's subdirectory ("." for the first)
cap() {
	sleep 0.2
	mkdir -p "$W/shots/$SUB"
	tm capture-pane -p -e -N -t tui > "$W/shots/$SUB/$1.ansi"
	SHOTS="$SHOTS $SUB/$1:$COLS:$ROWS"
}

render() {	# every capture to $OUT/SUB/NAME.png
	for s in $SHOTS; do
		f=${s%%:*} d=${s#*:}
		mkdir -p "$OUT/${f%/*}" || fail "cannot create $OUT/${f%/*}"
		"$PY" tests/screenshots/ansi2png.py --cols "${d%:*}" \
		    --rows "${d#*:}" "$W/shots/$f.ansi" "$OUT/$f.png" ||
		    fail "ansi2png $f"
		say "$OUT/${f#./}.png ($(wc -c < "$OUT/$f.png") bytes)"
	done
}

percent() { sed -n 2p "$W/pane" | grep -oE '[0-9]+\.[0-9]%' | head -n 1 |
    cut -d. -f1; }

wait_progress() {	# wait_progress PERCENT: and three peers connected
	i=0
	while :; do
		tui_pane
		[ "$(percent)" -ge "$1" ] 2>/dev/null &&
		    grep -q ' 2 Peers (3) ' "$W/pane" && return 0
		i=$((i + 1))
		if [ $i -gt 300 ]; then
			cat "$W/pane"
			tui_keys 5 && sleep 0.5 && tui_pane && cat "$W/pane"
			fail "stuck below $1% or not 3 peers"
		fi
		sleep 0.2
	done
}

# The table, then the aria2c peer's detail; sets PIECE to the piece of
# the last request to it that the screen shows: the fast seeders send the
# rest of that piece long before aria2c comes to it.  peers SECONDS: how
# long to wait for aria2c.
peers() {
	tui_keys 2 g
	tui_wait "$1" ' Address ' ' aria2' || fail "no aria2c in the peers"
	cap peers
	# the cursor is on the first row, the one under the column titles
	t=$(grep -n ' Address ' "$W/pane" | head -n 1 | cut -d: -f1)
	n=$(sed -n "$((t + 1)),\$p" "$W/pane" | grep -n ' aria2' |
	    head -n 1 | cut -d: -f1)
	[ -n "$n" ] || fail "aria2c not in the table"
	[ "$n" -gt 1 ] && tui_keys -N $((n - 1)) Down
	tui_keys Enter
	tui_wait 10 '^ Peer #[0-9]+ .*aria2' '^ Its pieces: ' \
	    '^ Our requests to it \([1-9]' ||
	    fail "no detail of the aria2c peer, or no request to it"
	cap peer-detail
	PIECE=$(grep '^ Our requests to it' "$W/pane" |
	    grep -oE '[0-9]+@[0-9]+\+[0-9]+ ' | tail -n 1 | cut -d@ -f1)
	tui_keys Escape
}

# Opens the demo torrent from the torrent list.
open_demo() {
	tui_keys g
	tui_pane
	t=$(grep -n ' Name' "$W/pane" | head -n 1 | cut -d: -f1)
	n=$(sed -n "$((t + 1)),\$p" "$W/pane" | grep -n " $NAME " |
	    head -n 1 | cut -d: -f1)
	[ -n "$n" ] || fail "$NAME not in the list"
	[ "$n" -gt 1 ] && tui_keys -N $((n - 1)) Down
	tui_keys Enter
	tui_wait 5 ' 1 Pieces ' || fail "Enter did not open the torrent"
}

# Adds second.bin (it seeds) and the long-named one that nobody has, with
# a (Tab completes the path), early: the bottom bar's "adding..." is gone
# by the time of the screenshots.
add_torrents() {
	tui_wait 10 ' 1 Pieces ' || fail "no torrent view"
	tui_keys Escape
	tui_wait 5 '^ Torrents \(1\)' ||
	    fail "Esc did not show the torrent list"
	tui_keys a
	tui_keys "$W/second.tor" Tab Enter
	tui_wait 15 '^ Torrents \(2\)' ' second\.bin.* seeding ' ||
	    { cat "$W/pane"; fail "the second torrent was not added"; }
	tui_keys a
	tui_keys "$W/third.tor" Tab Enter
	tui_wait 15 '^ Torrents \(3\)' ' Field recordings' ||
	    { cat "$W/pane"; fail "the third torrent was not added"; }
	open_demo
}

# The home screen: the session's three torrents, with the key bar (no
# message in its place); then back into the demo torrent.
torrents() {
	tui_keys Escape
	tui_wait 10 '^ Torrents \(3\)' ' second\.bin.* seeding ' \
	    ' Field recordings' 'q +Quit *$' ||
	    { cat "$W/pane"; fail "not the three torrents and the key bar"; }
	cap torrents
	open_demo
}

# The map with the cursor on PIECE (a cell is one piece at 120x40, a few
# at 80x24), and its detail.
pieces() {
	tui_keys 1 g
	tui_wait 5 'cursor: pieces? 0[ -]' || fail "no piece map"
	g=$(grep -oE '[0-9]+ per cell' "$W/pane" | cut -d' ' -f1)
	g=${g:-1} cell=$((PIECE / ${g:-1}))
	r=$((cell / (COLS - 2))) c=$((cell % (COLS - 2)))
	[ $r -gt 0 ] && tui_keys -N $r Down
	[ $c -gt 0 ] && tui_keys -N $c Right
	tui_wait 5 "cursor: (piece $PIECE |pieces $((cell * g))-)" ||
	    fail "cursor not on $PIECE"
	cap pieces
	tui_keys Enter
	tui_wait 5 '^ Piece [0-9]+ of ' '^ Blocks \(' ||
	    fail "no detail of a piece"
	cap piece-detail
	tui_keys Escape
}

# The top of the help, then the Mouse section scrolled up to where the
# top was.
help() {
	tui_keys '?'
	tui_wait 5 'bttui keys' || fail "no help"
	cap help
	top=$(grep -n 'bttui keys' "$W/pane" | head -n 1 | cut -d: -f1)
	i=0
	until grep -n '^ *Mouse *$' "$W/pane" | head -n 1 | cut -d: -f1 |
	    grep -qx "$top"; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "no Mouse section at the top of the help"
		tui_keys Down
		sleep 0.05
		tui_pane
	done
	cap help-mouse
	tui_keys Escape
}

# The watchdog at work, for the log: the engine stops (SIGSTOP), the
# front kills it and starts another, the header says so.
stall() {
	tui_keys 5
	tui_wait 5 'engine +info' || fail "no log view"
	e=$(sed -n 's/^ engine \([0-9][0-9]*\)  up .*/\1/p' "$W/pane")
	[ -n "$e" ] || fail "no engine pid in the header"
	kill -STOP "$e"
	remember "$e"
	tui_wait 10 'restarted \(1/5\)' || fail "the engine was not restarted"
	sleep 1.5
}

# Every screen but the log; the peers before the pieces: the piece shown
# is one the peer's detail names.
visit() {	# visit SECONDS: how long to wait for the three peers
	torrents
	tui_keys 2
	tui_wait "$1" ' 2 Peers \(3\) ' ||
	    say "$(grep -o ' 2 Peers ([0-9]*) ' "$W/pane"): not 3 peers"
	peers 10
	pieces
	tui_keys 3
	tui_wait 5 'Prio +Path' || fail "no files view"
	cap files
	tui_keys 4
	tui_wait 5 'Tier +Status' || fail "no trackers view"
	cap trackers
	help
}

main() {
	say "making a $MIB MiB payload and its torrent"
	make_shot_payload
	make_shot_torrents
	start_peers
	say "tracker on port $TRACKER_PORT; seeders: bttui $BSEED_PORT," \
	    "transmission $TR_PORT; partial aria2c $ARIA2_PORT"
	terminfo_without_bce
	# the screen's session in a home of its own: the header shows ~/...
	mkdir -p "$W/home"
	export XDG_STATE_HOME="$W/home/.local/state"
	TUI_ENV="$TUI_ENV HOME=$W/home"
	# From 127.0.0.4 (see start_peers): transmission has a peer at
	# 127.0.0.1 already when the bttui seeder reaches it first.
	tui_start $COLS $ROWS -d "$W/dl" -p "$(free_port)" --bind 127.0.0.4 \
	    --peer "127.0.0.1:$TR_PORT" "$T"
	add_torrents
	wait_progress 25
	SHOTS="" SUB=.
	visit 5
	stall
	cap log
	say "120x40 done; now at ${SMALL_COLS}x$SMALL_ROWS"
	COLS=$SMALL_COLS ROWS=$SMALL_ROWS SUB=${SMALL_COLS}x$SMALL_ROWS
	tm resize-window -t tui -x $COLS -y $ROWS
	sleep 0.5
	cap log
	visit 20
	tui_keys q
	tui_exited 10 || fail "the TUI did not quit"
	tui_stop
	render
}

main

#!/bin/sh
# demo.sh: `make demo`.  bttui downloads a few hundred MiB from a local
# swarm on 127.0.0.1: opentracker, an aria2c seeder, a transmission-cli
# seeder and, when this bttui can seed, a bttui seeder, each rate-limited so
# that the download takes about a minute.  DHT, LSD, UPnP and PEX are off.
#
#   DEMO_DIR      where the payload and the download go
#                 (default: $HOME/.cache/bttui-demo)
#   DEMO_MIB      payload size in MiB (default 300)
#   DEMO_SECONDS  how long the download should take (default 60)
#   DEMO_TUI      1: the TUI, 0: bttui --headless (default: the TUI when
#                 run in a terminal)
#
# The payload is made once and kept; the download directory is emptied at
# the start of each run and kept afterwards.  Everything this script starts
# is stopped by PID when the download ends or on Ctrl-C.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib/swarm.sh

MIB=${DEMO_MIB:-300}
SECONDS_WANTED=${DEMO_SECONDS:-60}
NAME=bttui-demo
if [ -z "${DEMO_TUI:-}" ]; then
	if [ -t 0 ] && [ -t 1 ]; then DEMO_TUI=1; else DEMO_TUI=0; fi
fi

pick_dir() {
	if [ -n "${DEMO_DIR:-}" ]; then
		D=$DEMO_DIR
	elif [ -n "${HOME:-}" ] && mkdir -p "$HOME/.cache/$NAME" 2>/dev/null
	then
		D="$HOME/.cache/$NAME"
	else
		D=$(mktemp -d "${TMPDIR:-/tmp}/$NAME.XXXXXX") || exit 1
	fi
	mkdir -p "$D" || { echo "demo: cannot create $D"; exit 1; }
	D=$(cd "$D" && pwd)
}

rnd() {	# rnd FILE BYTES
	mkdir -p "$(dirname "$1")"
	head -c "$2" /dev/urandom > "$1"
}

# A tree of files of awkward sizes (none a multiple of a piece), nested
# directories and one empty file; about MIB MiB in all.
make_demo_payload() {
	P="$D/seed/$NAME"
	[ -f "$D/seed/.made-$MIB" ] && return 0
	say "making a $MIB MiB payload in $P (once)"
	rm -rf "$D/seed"
	m=$((MIB * 1048576))
	rnd "$P/video/big-movie.mkv" $((m * 45 / 100 + 12345))
	rnd "$P/video/extras/trailer.mp4" $((m * 15 / 100 - 4321))
	for t in 1 2 3 4 5; do
		rnd "$P/music/album one/track-0$t.flac" \
		    $((m * 5 / 100 + t * 777))
	done
	rnd "$P/music/album two/cd 1/track-01.ogg" $((m * 6 / 100 + 1))
	rnd "$P/music/album two/cd 2/track-01.ogg" $((m * 6 / 100 + 3))
	rnd "$P/docs/manual.pdf" $((m * 2 / 100 + 99))
	rnd "$P/docs/deep/deeper/deepest/tiny.bin" 3
	printf 'bttui demo payload: %s MiB of random bytes.\n' "$MIB" \
	    > "$P/README.txt"
	: > "$P/docs/EMPTY"
	: > "$D/seed/.made-$MIB"
}

make_demo_torrent() {
	TRACKER_PORT=$(free_port)
	T="$W/$NAME.torrent"
	say "making its torrent with $BTTUI --create"
	"$BTTUI" --create "$P" -o "$T" -c "bttui demo" \
	    -a "http://127.0.0.1:$TRACKER_PORT/announce" \
	    > "$W/create.log" 2>&1 ||
	    { cat "$W/create.log"; fail "bttui --create"; }
	H=$(infohash "$T")
	start_tracker "$H"
}

# rate N: each of N seeders' share, in KiB/s, of a download in SECONDS
rate() { echo $((MIB * 1024 / SECONDS_WANTED / $1)); }

# bttui seeds once issue 4 lands: it must know --seed and, given complete
# data, say so (100%, complete or seeding) before its progress stalls.
demo_bttui_seed() {
	BT_SEED=""
	if ! "$BTTUI" --help 2>&1 | grep -q -- '--seed'; then
		say "bttui seeder: skipped (no --seed in bttui --help;" \
		    "bttui seeding arrives with issue 4)"
		return
	fi
	port=$(free_port)
	log="$W/bttui-seed.log"
	: > "$log"
	${SWARM_SPAWN:-} "$BTTUI" --headless --seed --verify \
	    --session "$W/seed-session" --max-up "$(rate 3)" -p "$port" \
	    -d "$D/seed" "$T" > "$log" 2>&1 &
	pid=$!
	remember $pid
	if seed_ready $pid "$log"; then
		BT_SEED=$pid
		say "bttui seeder:  port $port, up to $(rate 3) KiB/s"
		return
	fi
	stop_pid $pid INT
	say "bttui seeder: skipped (bttui --headless --seed did not report" \
	    "its data complete; bttui seeding arrives with issue 4)"
}

# seed_ready PID LOG: the seeder says it has everything; fails when it
# exits, or its percentage stays put for 3 s, or after 60 s.
seed_ready() {
	last="" same=0 i=0
	while [ $i -lt 120 ] && kill -0 "$1" 2>/dev/null; do
		grep -qiE '100\.0%|complete|seeding' "$2" && return 0
		pct=$(grep -o '^ *[0-9.]*%' "$2" | tail -n 1)
		if [ -n "$pct" ] && [ "$pct" = "$last" ]; then
			same=$((same + 1))
			[ $same -ge 6 ] && return 1
		else
			same=0
		fi
		last=$pct
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

start_seeders() {
	demo_bttui_seed
	n=2
	[ -n "$BT_SEED" ] && n=3
	r=$(rate $n)
	ARIA2_OPTS="--max-upload-limit=${r}K"
	start_aria2_seed "$T" "$D/seed"
	ARIA2_OPTS=""
	say "aria2c seeder: port $ARIA2_PORT, up to $r KiB/s"
	# transmission's -u counts kB of 1000 bytes
	TR_UPLIMIT=$((r * 1024 / 1000))
	start_transmission_seed "$T" "$D/seed"
	TR_UPLIMIT=""
	say "transmission seeder: port $TR_PORT, up to $r KiB/s" \
	    "(bttui dials it: it ignores loopback peers from a tracker)"
	say "waiting for the seeders to check their data..."
	wait_seeders "$H" $n 180	# transmission checks ~300 MiB first
}

# Ctrl-C reaches bttui too; it stops, and the report still runs.
download() {
	rm -rf "$D/download" "$D/session"
	mkdir -p "$D/download"
	trap 'INTERRUPTED=1' INT TERM HUP
	# a session of the demo's own: the user's stays as it is
	set -- --session "$D/session" -d "$D/download" -p "$(free_port)" \
	    --peer "127.0.0.1:$TR_PORT" "$T"
	if [ "$DEMO_TUI" = 1 ]; then
		say "starting the TUI: $BTTUI $*"
		"$BTTUI" "$@"
	else
		say "downloading: $BTTUI --headless $*"
		echo
		"$BTTUI" --headless "$@"
	fi
	RC=$?
	trap 'exit 1' INT TERM HUP
	echo
}

report() {
	if [ -n "${INTERRUPTED:-}" ]; then
		say "interrupted (bttui exited with status $RC)"
	elif [ "$RC" != 0 ]; then
		say "bttui exited with status $RC"
	elif ! same_tree "$D/seed/$NAME" "$D/download/$NAME"; then
		say "the download is incomplete or differs from the payload"
		# quitting the TUI early is no failure
		[ "$DEMO_TUI" = 1 ] || RC=1
	fi
	say "payload (seeded): $D/seed/$NAME"
	say "downloaded files: $D/download/$NAME" \
	    "($(du -sh "$D/download" 2>/dev/null | cut -f1))"
	say "stopping the tracker and the seeders"
}

main() {
	need opentracker aria2c transmission-cli curl ss
	[ -x "$BTTUI" ] || { echo "demo: no $BTTUI (make bttui)"; exit 1; }
	pick_dir
	swarm_init
	# The tracker and the seeders get sessions of their own: Ctrl-C then
	# reaches bttui (and this script) alone, bttui can still tell the
	# tracker it stopped, and this script stops the rest.
	command -v setsid > /dev/null && SWARM_SPAWN=setsid
	say "demo directory: $D (payload in seed/, download in download/)"
	say "logs: $W (removed at the end unless KEEP_WORK=1)"
	make_demo_payload
	make_demo_torrent
	say "tracker: opentracker on 127.0.0.1:$TRACKER_PORT"
	start_seeders
	download
	report
	[ "$RC" = 0 ] && [ -z "${INTERRUPTED:-}" ]
}

main

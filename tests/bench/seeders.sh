#!/bin/sh
# seeders.sh: `make bench`, case 2 of issue 15.  Many slow seeders: N aria2c
# seeders (default 20), each capped at SEEDERS_CAP_KIB KiB/s of upload
# (aria2c --max-upload-limit, default 4096), seed one single-file payload
# through opentracker on 127.0.0.1; together they can give at most
# N * cap (80 MiB/s).  bttui downloads it, then aria2c, from the same
# seeders (nothing restarted between; the page cache warmed before each).
# Before bttui's run, aria2c downloads once, not counted, and the seeders
# idle: seeders that just started are slow to answer handshakes (bttui's
# 20 connects went out within 0.4 s, its 20th handshake came 6 s later,
# against 2 s on seeders that had served a download), which cost the
# first download 15-20 MiB/s, and without the warm-up that was bttui's.
# Between two downloads the seeders idle SEEDERS_IDLE seconds: aria2c's upload
# cap compares its upload speed, averaged over the last 10 s, with the cap,
# so seeders that just idled for a while (the end of bttui's run, the
# start of aria2c's) let a burst through that the next downloader would
# get and the first did not (108 MiB in 0.7 s from 10 seeders capped at
# 40 MiB/s in all, 2 s after bttui's run); seeders idle for 10 s start
# again from an empty window, as they did for bttui.  BENCH_QUICK restarts
# them instead, on the same ports (2 s rather than 11).
#
# The figure is each downloader's rate from 10 % to 90 % of the payload,
# seen the same way for both: the bytes allocated in its download
# directory, sampled every ~0.2 s (lib.sh's bench_sampler_start).  Rows:
# bttui against the swarm's capacity ("bttui >= 0.9 * ref") and against
# aria2c ("ratio >= 1"), and the whole download's time against aria2c's
# (no target; at the caps the lead is in the start).  A downloader faster
# than the capacity got more than the caps should let through: said, not
# hidden.  aria2c meters its upload once a second or so and then sends
# what is asked of it, so the data comes in bursts about a second apart; a
# downloader with more requests queued takes more of each burst, and a
# 10-90 % window of a few seconds spans only a few bursts (hence 512 MiB).
#
#   SEEDERS_N        seeders (default 20; BENCH_QUICK: 10)
#   SEEDERS_MIB      payload in MiB (default 512; BENCH_QUICK: 128)
#   SEEDERS_CAP_KIB  each seeder's upload cap (default 4096)
#   SEEDERS_FRESH    how the seeders start afresh for aria2c: idle (the
#                    default) or restart (BENCH_QUICK's default)
#   SEEDERS_IDLE     seconds idle between the two downloads (default 11)
#   SEEDERS_WARMUP=0 no warm-up download (in BENCH_QUICK, the seeders
#                    restart before each download: none is needed)
#   SEEDERS_BTTUI_OPTS  more options for bttui (to look into a figure:
#                    "--no-utp")
#   BENCH_TIMEOUT    seconds before a download is stopped (default 180)
#
# Exit status: 0 when both downloads completed with the right data.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib/swarm.sh
. tests/bench/lib.sh

if [ -n "$BENCH_QUICK" ]; then
	N=${SEEDERS_N:-10} MIB=${SEEDERS_MIB:-128}
	FRESH=${SEEDERS_FRESH:-restart}
else
	N=${SEEDERS_N:-20} MIB=${SEEDERS_MIB:-512}
	FRESH=${SEEDERS_FRESH:-idle}
fi
CAP=${SEEDERS_CAP_KIB:-4096}
IDLE=${SEEDERS_IDLE:-11}
LIMIT=${BENCH_TIMEOUT:-180}
CASE="2 $N seeders"
need opentracker aria2c
[ -x "$BTTUI" ] || { echo "seeders bench: no $BTTUI (make bttui)"; exit 1; }
swarm_init
cp "$BTTUI" "$W/bttui" && BTTUI="$W/bttui"	# no rebuild midway

# ---- the swarm ----

setup() {
	mkdir -p "$W/payload"
	head -c $((MIB * 1048576)) /dev/urandom > "$W/payload/bench.bin" ||
	    fail "cannot write the payload"
	SIZE=$(stat -c %s "$W/payload/bench.bin")
	TRACKER_PORT=$(free_port)
	TORRENT="$W/bench.torrent"
	"$BTTUI" --create "$W/payload/bench.bin" -o "$TORRENT" \
	    -a "http://127.0.0.1:$TRACKER_PORT/announce" > /dev/null 2>&1 ||
	    fail "bttui --create"
	H=$(infohash "$TORRENT")
	start_tracker "$H"
	# each seeder its own directory, the same inode (hard links): no two
	# aria2c share a directory, the page cache holds one copy
	# (k: swarm.sh's helpers use i)
	PORTS="" k=1
	while [ $k -le "$N" ]; do
		mkdir -p "$W/seed$k"
		ln "$W/payload/bench.bin" "$W/seed$k/bench.bin" ||
		    fail "cannot link the payload"
		PORTS="$PORTS $(free_port)"
		k=$((k + 1))
	done
	start_seeders 1
	SWARM=$(echo "$N $CAP" | awk '{ printf "%.2f", $1 * $2 / 1024 }')
	say "$N aria2c seeders at $CAP KiB/s each (at most $SWARM MiB/s)," \
	    "$MIB MiB, $("$BTTUI" --info "$TORRENT" | grep '^Piece' |
	    tr '\n' ' ')"
}

# aria2_seed PORT DIR LOG: one seeder (swarm.sh's start_aria2_seed on a
# port of our choice, the same one again after a restart: the tracker
# then knows every seeder under the same address); sets ARIA2_PID
aria2_seed() {
	aria2c --enable-dht=false --enable-dht6=false --bt-enable-lpd=false \
	    --enable-peer-exchange=false --interface=127.0.0.1 \
	    --listen-port="$1" --seed-ratio=0.0 --bt-seed-unverified=true \
	    --check-integrity=false --dir="$2" --no-conf --quiet=true \
	    --summary-interval=0 --bt-external-ip=127.0.0.1 \
	    --max-upload-limit="${CAP}K" "$TORRENT" > "$3" 2>&1 &
	ARIA2_PID=$!
	remember $ARIA2_PID
}

# start_seeders ROUND: all of them, then waits until each listens and the
# tracker counts them all; sets SEEDS (their PIDs)
start_seeders() {
	SEEDS="" k=1
	for p in $PORTS; do
		aria2_seed "$p" "$W/seed$k" "$W/aria2-seed$k.$1.log"
		SEEDS="$SEEDS $ARIA2_PID"
		k=$((k + 1))
	done
	for p in $PORTS; do
		wait_port "$p" || fail "an aria2c seeder did not start"
	done
	wait_seeders "$H" "$N" 30
}

# fresh: the seeders as they were for bttui (see the header)
fresh() {
	case $FRESH in
	restart)
		bench_stop_all $SEEDS
		start_seeders 2
		say "seeders restarted" ;;
	*)
		sleep "$IDLE"
		say "seeders idle for $IDLE s" ;;
	esac
}

# ---- one download ----

# download NAME CMD...: CMD downloads into $W/dl-NAME (made here) while
# the sampler watches it; sets RATE (10-90 %), WALL and OK (1: the right
# data)
download() {
	name=$1
	shift
	d="$W/dl-$name"
	rm -rf "$d"
	mkdir -p "$d"
	bench_warm_page_cache "$MIB"
	sync	# no writeback of the payload or the last run during this one
	bench_sampled_download "$name" "$d" "$@"
	last=$(tail -n 1 "$W/$name.samples" | cut -d ' ' -f 2)
	say "$(printf '%-6s %6.2f s whole (1 %% after %s s), %s MiB/s from' \
	    "$name" "$WALL" "$START" "$RATE") 10 to 90 %," \
	    "$((${last:-0} / 1048576)) MiB on disk at the end"
}

run_bttui() {
	download bttui "$BTTUI" --headless --no-dht --session \
	    "$W/bttui.session" -d "$W/dl-bttui" -p "$(free_port)" \
	    ${SEEDERS_BTTUI_OPTS:-} "$TORRENT"
}

run_aria2c() {
	download aria2c aria2c --enable-dht=false --enable-dht6=false \
	    --bt-enable-lpd=false --enable-peer-exchange=false \
	    --interface=127.0.0.1 --listen-port="$(free_port)" \
	    --seed-time=0 --file-allocation=none --check-integrity=false \
	    --no-conf --quiet=true --summary-interval=0 \
	    --bt-external-ip=127.0.0.1 --dir="$W/dl-aria2c" "$TORRENT"
}

# A downloader faster than the seeders' sum: their caps let more through.
caps() {	# caps NAME RATE
	[ "$2" = - ] && return 0
	if awk -v r="$2" -v s="$SWARM" 'BEGIN { exit !(r > 1.05 * s) }'; then
		say "NOTE: $1 got $2 MiB/s from seeders capped at $SWARM MiB/s" \
		    "in all: aria2c's --max-upload-limit let bursts through"
	fi
}

# The warm-up: a download that is not counted (see the header).
warm_up() {
	[ "$FRESH" = idle ] && [ "${SEEDERS_WARMUP:-1}" = 1 ] || return 0
	run_aria2c > /dev/null
	say "warm-up (aria2c, not counted): $RATE MiB/s from 10 to 90 %"
	rm -rf "$W/dl-aria2c"
	fresh
}

setup
warm_up
run_bttui
B_RATE=$RATE B_OK=$OK B_WALL=$WALL
fresh
run_aria2c
A_RATE=$RATE A_OK=$OK A_WALL=$WALL
caps bttui "$B_RATE"
caps aria2c "$A_RATE"
bench_rate_rows "$CASE" swarm "$SWARM"

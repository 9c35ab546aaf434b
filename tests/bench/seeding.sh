#!/bin/sh
# seeding.sh: `make bench`, case 6 of issue 15.  One seeder, eight
# leechers: a bttui seeder (--seed, no upload limit) and SEEDING_LEECHERS
# aria2c leechers (default 8), started at once, each in a directory of its
# own, through opentracker on 127.0.0.1; then the same with one aria2c
# seeder in bttui's place (fresh leechers, fresh directories).  The
# leechers trade among themselves too (aria2c uploads what it has).
#
# Figures, per seeder:
#  * the swarm's rate: all the leechers' bytes (leechers x payload) over
#    the time from their start until the last of those bytes was on disk
#    (lib.sh's bench_sampler_start on the parent of their directories;
#    aria2c --seed-time=0 exits a second or two later, after a "stopped"
#    announce: printed too), and the same from 10 % to 90 % of them.  What it measures: how fast the swarm was served,
#    the seeder's own upload and the leechers' trading together;
#  * what left the seeder: bttui's own count of the bytes it uploaded
#    (its "Session: ... uploaded N bytes" line on exit); aria2c's from its
#    readout ("UL:...(TOTAL)", a rounded size), or, when that is missing,
#    the leechers' total as an upper bound (said so);
#  * the seeder's CPU seconds (user + system; bttui: front and engine)
#    during the leechers' run, per GiB that left it.
# Rows: the swarm's rate (whole run), bttui against aria2c, "ratio >= 1";
# CPU per GiB sent, "ratio <= 1".
#
#   SEEDING_MIB       payload in MiB (default 256; BENCH_QUICK: 64)
#   SEEDING_LEECHERS  leechers (default 8)
#   SEEDING_BTTUI_OPTS  more options for the bttui seeder (to look into a
#                     figure: "--encryption off", "--upload-slots 8")
#   BENCH_TIMEOUT     seconds before the leechers are stopped (default 180)
#
# Exit status: 0 when every leecher of both runs completed with the right
# data.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib/swarm.sh
. tests/bench/lib.sh

if [ -n "$BENCH_QUICK" ]; then
	MIB=${SEEDING_MIB:-64}
else
	MIB=${SEEDING_MIB:-256}
fi
L=${SEEDING_LEECHERS:-8}
LIMIT=${BENCH_TIMEOUT:-180}
CASE="6 seeding"
need opentracker aria2c
[ -x "$BTTUI" ] || { echo "seeding bench: no $BTTUI (make bttui)"; exit 1; }
swarm_init
cp "$BTTUI" "$W/bttui" && BTTUI="$W/bttui"	# no rebuild midway

setup() {
	mkdir -p "$W/payload"
	head -c $((MIB * 1048576)) /dev/urandom > "$W/payload/bench.bin" ||
	    fail "cannot write the payload"
	SIZE=$(stat -c %s "$W/payload/bench.bin")
	TOTAL=$((SIZE * L))
	TRACKER_PORT=$(free_port)
	TORRENT="$W/bench.torrent"
	"$BTTUI" --create "$W/payload/bench.bin" -o "$TORRENT" \
	    -a "http://127.0.0.1:$TRACKER_PORT/announce" > /dev/null 2>&1 ||
	    fail "bttui --create"
	H=$(infohash "$TORRENT")
	start_tracker "$H"
	say "one seeder, $L aria2c leechers, $MIB MiB," \
	    "$("$BTTUI" --info "$TORRENT" | grep '^Piece' | tr '\n' ' ')"
}

# ticks PID...: their CPU ticks, summed
ticks() {
	s=0
	for p in "$@"; do
		s=$((s + $(bench_cpu_ticks "$p")))
	done
	echo $s
}

# leechers NAME: L aria2c leechers at once into $W/NAME/1..L, until the
# last one exits; sets SECS (from their start until all their bytes were
# on disk), FIRST and LAST (until the first and the last exit), RATE
# (10-90 %) and BAD (leechers that failed)
leechers() {
	mkdir -p "$W/$1"
	bench_warm_page_cache "$MIB"
	bench_sampler_start "$W/$1" "$W/$1.samples"
	t0=$(bench_now)
	pids="" k=1
	while [ $k -le "$L" ]; do
		mkdir -p "$W/$1/$k"
		timeout -k 5 "$LIMIT" aria2c --enable-dht=false \
		    --enable-dht6=false --bt-enable-lpd=false \
		    --enable-peer-exchange=false --interface=127.0.0.1 \
		    --listen-port="$(free_port)" --seed-time=0 \
		    --file-allocation=none --check-integrity=false --no-conf \
		    --quiet=true --summary-interval=0 \
		    --bt-external-ip=127.0.0.1 --dir="$W/$1/$k" "$TORRENT" \
		    > "$W/$1-$k.log" 2>&1 &
		remember $!
		pids="$pids $!"
		k=$((k + 1))
	done
	# each exit as it comes (the shell reaps them while sleep runs)
	BAD=0 FIRST=""
	while [ -n "$pids" ]; do
		sleep 0.1
		for p in $pids; do
			kill -0 "$p" 2> /dev/null && continue
			wait "$p" || { BAD=$((BAD + 1)); say "$1: a leecher failed"; }
			forget "$p"
			pids=$(echo " $pids " | sed "s/ $p / /; s/^ *//; s/ *$//")
			t1=$(bench_now)
			[ -n "$FIRST" ] || FIRST=$(echo "$t0 $t1" |
			    awk '{ printf "%.2f", $2 - $1 }')
		done
	done
	sleep 0.3
	bench_sampler_stop
	LAST=$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')
	# aria2c exits a second or two after its last byte (it announces
	# "stopped" first): the bytes on disk say when the swarm was served
	SECS=$(bench_crossed "$W/$1.samples" "$TOTAL" 1)
	if [ "$SECS" = - ]; then
		SECS=$LAST
	else
		SECS=$(echo "$t0 $SECS" | awk '{ printf "%.3f", $2 - $1 }')
	fi
	RATE=$(bench_rate_10_90 "$W/$1.samples" "$TOTAL")
	k=1
	while [ $k -le "$L" ]; do
		cmp -s "$W/payload/bench.bin" "$W/$1/$k/bench.bin" ||
		    { BAD=$((BAD + 1)); say "$1: leecher $k: wrong data"; }
		k=$((k + 1))
	done
	rm -rf "$W/$1"
}

# report NAME SENT_BYTES TICKS [NOTE]: one line; sets SWARM_RATE and
# CPU_GIB
report() {
	SWARM_RATE=$(echo "$TOTAL $SECS" |
	    awk '{ printf "%.2f", $1 / 1048576 / $2 }')
	CPU_GIB=$(echo "$3 $BENCH_TICKS $2" |
	    awk '{ printf "%.3f", $1 / $2 / ($3 / 1073741824) }')
	say "$(printf '%-6s seeder: %d leechers complete in %.2f s: %s MiB/s' \
	    "$1" "$L" "$SECS" "$SWARM_RATE")" \
	    "($RATE MiB/s from 10 to 90 %; exits after $FIRST to $LAST s);" \
	    "it sent $(($2 / 1048576)) MiB${4:+ ($4)} with" \
	    "$(echo "$3 $BENCH_TICKS" | awk '{ printf "%.2f", $1 / $2 }')" \
	    "CPU s: $CPU_GIB s/GiB"
}

run_bttui() {
	start_bttui_seed "$TORRENT" "$W/payload" --no-dht ${SEEDING_BTTUI_OPTS:-}
	wait_seeders "$H" 1 60		# after its check of the data
	front=$BSEED_PID
	engine=$(bench_engine_pid "$front")
	c0=$(ticks "$front" "$engine")
	leechers lbttui
	c1=$(ticks "$front" "$engine")
	# its counters reach the front once a second
	sleep 1.5
	stop_pid "$BSEED_PID" INT
	sent=$(sed -n 's/^Session: .* uploaded \([0-9]*\) bytes.*/\1/p' \
	    "$W/bseed.out")
	[ -n "$sent" ] || { sent=$TOTAL; note="no Session line: leechers' total"; }
	report bttui "$sent" $((c1 - c0)) "${note:-}"
	B_OK=$((BAD == 0)) B_RATE=$SWARM_RATE B_CPU=$CPU_GIB
}

# aria2c's readout ends "UL:<rate>(<total>)]": the last total, in bytes
# (KiB, MiB, GiB: binary units)
aria2_sent() {
	tr '\r' '\n' < "$1" | sed -n 's/.*UL:[^(]*(\([0-9.]*\)\([KMG]*i*B\))].*/\1 \2/p' |
	    tail -n 1 | awk '{
		m = 1
		if ($2 == "KiB") m = 1024
		if ($2 == "MiB") m = 1048576
		if ($2 == "GiB") m = 1073741824
		printf "%.0f\n", $1 * m
	}'
}

run_aria2c() {
	ARIA2_OPTS="--quiet=false --summary-interval=1 --show-console-readout=true"
	start_aria2_seed "$TORRENT" "$W/payload" aria2seed
	ARIA2_OPTS=""
	wait_seeders "$H" 1 30
	c0=$(ticks "$ARIA2_PID")
	leechers laria2c
	c1=$(ticks "$ARIA2_PID")
	sleep 1.5
	stop_pid "$ARIA2_PID" INT
	sent=$(aria2_sent "$W/aria2-aria2seed.log")
	note="its readout, rounded"
	[ -n "$sent" ] || { sent=$TOTAL; note="the leechers' total: an upper bound"; }
	report aria2c "$sent" $((c1 - c0)) "$note"
	A_OK=$((BAD == 0)) A_RATE=$SWARM_RATE A_CPU=$CPU_GIB
}

setup
run_bttui
run_aria2c
[ "$B_OK" = 1 ] || B_RATE=- B_CPU=-
[ "$A_OK" = 1 ] || A_RATE=- A_CPU=-
bench_row "$CASE" "swarm rate, $L leechers" MiB/s "$B_RATE" "aria2c seed" \
    "$A_RATE" "ratio >= 1"
bench_row "$CASE" "seeder CPU per GiB sent" s/GiB "$B_CPU" "aria2c seed" \
    "$A_CPU" "ratio <= 1"
[ "$B_OK" = 1 ] && [ "$A_OK" = 1 ]

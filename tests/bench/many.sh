#!/bin/sh
# many.sh: `make bench`, case 5 of issue 15: many torrents in one session.
# MANY_N small torrents (64 KiB to 1 MiB each) whose data is complete on
# disk, plus MANY_DL torrents of 8 to 16 MiB that one aria2c seeds through
# opentracker on 127.0.0.1, all loaded in one bttui session (--seed,
# --max-active 0: every torrent active).  Once the small ones are checked
# and the downloads are done (and their data compared):
#
#   RSS        the engine's (the front's child) peak (VmHWM) and current
#              (VmRSS) resident set, target <= 64 MiB; front + engine now
#   PSS        front + engine now, each page shared between them (the
#              engine is a fork of the front: the same binary, the same
#              libraries) counted once, not twice as in the sum of their
#              RSS; aria2c's measured the same way (Pss of smaps_rollup)
#   idle CPU   utime + stime of the engine and of the front over
#              MANY_IDLE_S seconds with nothing to do (every torrent
#              complete; aria2c's seeder may stay connected, idle), as a
#              share of one core, target <= 1 %
#   open time  bttui is stopped (SIGINT) and started again on the same
#              --session with no torrent on the command line: seconds from
#              its start until the engine has reported every torrent
#              ("resumed: N of N pieces verified earlier", or a check's
#              end), target < 1 s; and how many torrents it checked again
#              (their data must be trusted from the session's records),
#              target 0
#
# aria2c is the yardstick: it loads the same torrents the same way (the
# small ones --bt-seed-unverified, the downloads from the same seeder) and
# its RSS and idle CPU are measured the same way (bttui's front + engine
# against it: target ratio <= 1).
#
#   MANY_N       small torrents (default 200; BENCH_QUICK: 50)
#   MANY_DL      torrents downloaded (default 10)
#   MANY_IDLE_S  seconds of the idle CPU figure (default 10; BENCH_QUICK: 5)
#   MANY_LIMIT   seconds a stage may take before it is a failure (120)
#
# Exit status: 0 when both clients downloaded every payload whole and
# bttui loaded every torrent, twice.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib/swarm.sh
. tests/bench/lib.sh

if [ -n "$BENCH_QUICK" ]; then
	N=${MANY_N:-50} IDLE_S=${MANY_IDLE_S:-5}
else
	N=${MANY_N:-200} IDLE_S=${MANY_IDLE_S:-10}
fi
DL=${MANY_DL:-10}
LIMIT=${MANY_LIMIT:-120}
ALLT=$((N + DL))
CASE="5 many torrents"
ARIA2_COMMON="--enable-dht=false --enable-dht6=false --bt-enable-lpd=false
    --enable-peer-exchange=false --interface=127.0.0.1 --no-conf
    --file-allocation=none --summary-interval=0 --bt-external-ip=127.0.0.1"

need opentracker aria2c
[ -x "$BTTUI" ] || { echo "many bench: no $BTTUI (make bttui)"; exit 1; }
swarm_init
cp "$BTTUI" "$W/bttui" && BTTUI="$W/bttui"	# no rebuild midway

# rand N: a number from 0 to N - 1
rand() { echo $(( $(od -An -N4 -tu4 /dev/urandom) % $1 )); }

# make_torrent PAYLOAD: its torrent next to it, for the tracker
make_torrent() {
	"$BTTUI" --create "$1" -o "${1%.bin}.torrent" -a "$ANNOUNCE_URL" \
	    > /dev/null 2>&1 || fail "bttui --create $1"
	echo "${1%.bin}.torrent"
}

setup() {
	TRACKER_PORT=$(free_port)
	ANNOUNCE_URL="http://127.0.0.1:$TRACKER_PORT/announce"
	mkdir -p "$W/small" "$W/seed" "$W/t"
	SMALL="" DLS="" hashes=""
	i=1
	while [ $i -le "$N" ]; do
		head -c $((65536 + $(rand 983041))) /dev/urandom \
		    > "$W/small/s$i.bin"
		SMALL="$SMALL $(make_torrent "$W/small/s$i.bin")"
		i=$((i + 1))
	done
	i=1
	while [ $i -le "$DL" ]; do
		head -c $(( (8 + i % 9) * 1048576 + $(rand 65536) )) \
		    /dev/urandom > "$W/seed/d$i.bin"
		DLS="$DLS $(make_torrent "$W/seed/d$i.bin")"
		i=$((i + 1))
	done
	for t in $SMALL $DLS; do
		hashes="$hashes $(infohash "$t")"
	done
	start_tracker $hashes
	SEED_PORT=$(free_port)
	aria2c $ARIA2_COMMON --listen-port="$SEED_PORT" --seed-ratio=0.0 \
	    --bt-seed-unverified=true --check-integrity=false \
	    --max-concurrent-downloads="$DL" --dir="$W/seed" --quiet=true \
	    $DLS > "$W/aria2-seed.log" 2>&1 &
	remember $!
	wait_port "$SEED_PORT" || fail "the aria2c seeder did not start"
	for t in $DLS; do wait_seeders "$(infohash "$t")" 1 30; done
	du=$(du -sk "$W/small" | awk '{ printf "%.0f", $1 / 1024 }')
	say "$N small torrents ($du MiB in all), $DL downloads of 8-16 MiB" \
	    "from aria2c on port $SEED_PORT"
}

# data DIR: a directory holding the small torrents' data, complete
data() {
	mkdir -p "$1"
	cp "$W"/small/*.bin "$1/"
}

# until_true SECONDS STEP CMD...: polls CMD every STEP seconds; 1 when it
# never held
until_true() {
	u_end=$(echo "$(bench_now) $1" | awk '{ printf "%.3f", $1 + $2 }')
	u_step=$2
	shift 2
	until "$@"; do
		awk -v e="$u_end" -v n="$(bench_now)" \
		    'BEGIN { exit !(n > e) }' && return 1
		sleep "$u_step"
	done
}

count() {	# count ERE FILE: lines of FILE that match
	c=$(grep -Ec "$1" "$2" 2> /dev/null)
	echo "${c:-0}"
}

downloads_ok() {	# downloads_ok DIR: every download arrived whole
	i=1
	while [ $i -le "$DL" ]; do
		cmp -s "$W/seed/d$i.bin" "$1/d$i.bin" || return 1
		i=$((i + 1))
	done
}

mib() { echo "$1" | awk '{ printf "%.1f", $1 / 1024 }'; }
rss_kib() { bench_proc_kib "$1" status VmRSS; }
# pss_kib PID: its proportional set size (a page shared with n processes
# counts 1/n), in KiB
pss_kib() { bench_proc_kib "$1" smaps_rollup Pss; }
# rss_parts PID: where a process's resident memory is, in MiB
rss_parts() {
	{ cat "/proc/$1/status"; cat "/proc/$1/smaps"; } 2> /dev/null |
	    awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 }
	    /^Threads:/ { th = $2 }
	    /^[0-9a-f]+-[0-9a-f]+ / { m = $6 }
	    /^Rss:/ { if (m == "[heap]") h += $2; else if (m == "") o += $2 }
	    END { printf "anon %.1f (brk heap %.1f, other anonymous maps " \
		"%.1f), file %.1f; %d threads\n", a / 1024, h / 1024,
		o / 1024, f / 1024, th }'
}

# idle PID...: the share of one core the PIDs used over IDLE_S seconds,
# each, then their sum, in %
idle() {
	a=""
	for p in "$@"; do a="$a $(bench_cpu_ticks "$p")"; done
	sleep "$IDLE_S"
	b=""
	for p in "$@"; do b="$b $(bench_cpu_ticks "$p")"; done
	echo "$a ;$b" | awk -v hz="$BENCH_TICKS" -v s="$IDLE_S" '{
		n = (NF - 1) / 2
		for (i = 1; i <= n; i++) {
			d = $(i + n + 1) - $i
			printf "%.2f ", d * 100 / hz / s
			t += d
		}
		printf "%.2f\n", t * 100 / hz / s
	}'
}

LOADED='resumed: [0-9]+ of [0-9]+ pieces verified earlier'
CHECKED='checked data on disk|re-checked pieces|resumed after a crash'

# ---- bttui ----

bttui_start() {	# bttui_start NAME ARGS...: sets BPID
	n=$1
	shift
	"$BTTUI" --headless --seed --no-dht --session "$W/session" \
	    -p "$BT_PORT" "$@" > "$W/$n.out" 2> "$W/$n.err" &
	BPID=$!
	remember $BPID
}

gone() {	# gone PID: it exited (a zombie has exited too)
	st=$(ps -o stat= -p "$1" 2> /dev/null)
	[ -z "$st" ] || [ "${st#Z}" != "$st" ]
}

# bttui_stop: SIGINT, then the time it takes to save every record (a
# SIGKILL would leave the session to a check at the next start)
bttui_stop() {
	kill -INT "$BPID"
	until_true 60 0.1 gone "$BPID" ||
	    fail "bttui did not stop within 60 s of SIGINT"
	wait "$BPID"
	forget "$BPID"
}

bttui_loaded() {	# every small one checked, every download complete
	[ "$(count "$CHECKED" "$W/bt1.err")" -ge "$N" ] &&
	    [ "$(count '^Download complete: d[0-9]+\.bin$' "$W/bt1.out")" \
	    -ge "$DL" ]
}

bttui_reopened() {	# every torrent reported as loaded or checked
	[ $(( $(count "$LOADED" "$W/bt2.err") +
	    $(count "$CHECKED" "$W/bt2.err") )) -ge "$ALLT" ]
}

bttui_run() {
	BT_PORT=$(free_port)
	data "$W/bt"
	t0=$(bench_now)
	bttui_start bt1 --max-active 0 -d "$W/bt" $SMALL $DLS
	until_true "$LIMIT" 0.2 bttui_loaded || {
		tail -n 5 "$W/bt1.err"
		fail "bttui: not every torrent loaded and complete in" \
		    "$LIMIT s"
	}
	say "bttui: $ALLT torrents loaded, checked and downloaded in" \
	    "$(echo "$(bench_now) $t0" | awk '{ printf "%.1f", $1 - $2 }') s"
	downloads_ok "$W/bt" || fail "bttui: the downloads differ"
	ENGINE=$(bench_engine_pid "$BPID")
	[ -n "$ENGINE" ] || fail "bttui: no engine"
	sleep 2		# the last pieces' writes, the seeder's goodbye
	E_HWM=$(mib "$(bench_hwm_kib "$ENGINE")")
	E_RSS=$(mib "$(rss_kib "$ENGINE")")
	F_RSS=$(mib "$(rss_kib "$BPID")")
	B_PSS=$(mib "$(( $(pss_kib "$ENGINE") + $(pss_kib "$BPID") ))")
	set -- $(idle "$ENGINE" "$BPID")
	E_CPU=$1 F_CPU=$2 T_CPU=$3
	say "bttui: engine $E_RSS MiB (peak $E_HWM), front $F_RSS MiB," \
	    "front + engine PSS $B_PSS MiB;" \
	    "idle CPU engine $E_CPU %, front $F_CPU %"
	say "bttui: the engine's RSS: $(rss_parts "$ENGINE")"
	bttui_stop
	# again, on the session alone
	t0=$(bench_now)
	bttui_start bt2
	until_true "$LIMIT" 0.02 bttui_reopened || {
		tail -n 5 "$W/bt2.err"
		fail "bttui: the session did not reopen in $LIMIT s"
	}
	OPEN=$(echo "$(bench_now) $t0" | awk '{ printf "%.3f", $1 - $2 }')
	RECHECKED=$(count "$CHECKED" "$W/bt2.err")
	say "bttui: session of $ALLT torrents reopened in $OPEN s;" \
	    "$RECHECKED checked again"
	bttui_stop
}

# ---- aria2c ----

# aria2_done: every download complete (sizes first: cmp only then, so
# that polling does not read 100 MiB five times a second)
aria2_done() {
	i=1
	while [ $i -le "$DL" ]; do
		[ "$(stat -c %s "$W/ar/d$i.bin" 2> /dev/null)" = \
		    "$(stat -c %s "$W/seed/d$i.bin")" ] || return 1
		i=$((i + 1))
	done
	downloads_ok "$W/ar"
}

aria2_run() {
	data "$W/ar"
	t0=$(bench_now)
	aria2c $ARIA2_COMMON --listen-port="$(free_port)" --seed-ratio=0.0 \
	    --bt-seed-unverified=true --check-integrity=false \
	    --max-concurrent-downloads="$ALLT" --dir="$W/ar" --quiet=true \
	    $SMALL $DLS > "$W/aria2.log" 2>&1 &
	APID=$!
	remember $APID
	until_true "$LIMIT" 0.2 aria2_done ||
	    fail "aria2c: the downloads were not complete in $LIMIT s"
	say "aria2c: $ALLT torrents loaded and downloaded in" \
	    "$(echo "$(bench_now) $t0" | awk '{ printf "%.1f", $1 - $2 }') s"
	sleep 2
	A_HWM=$(mib "$(bench_hwm_kib "$APID")")
	A_RSS=$(mib "$(rss_kib "$APID")")
	A_PSS=$(mib "$(pss_kib "$APID")")
	A_CPU=$(idle "$APID" | cut -d ' ' -f 1)
	say "aria2c: $A_RSS MiB (peak $A_HWM), PSS $A_PSS MiB; idle CPU $A_CPU %"
	stop_pid "$APID" INT
}

setup
bttui_run
aria2_run
B_RSS=$(echo "$E_RSS $F_RSS" | awk '{ printf "%.1f", $1 + $2 }')
bench_row "$CASE" "engine peak RSS" MiB "$E_HWM" aria2c "$A_HWM" \
    "bttui <= 64"
bench_row "$CASE" "engine RSS" MiB "$E_RSS" aria2c "$A_RSS" "bttui <= 64"
bench_row "$CASE" "front+engine RSS" MiB "$B_RSS" aria2c "$A_RSS" -
bench_row "$CASE" "front+engine PSS" MiB "$B_PSS" aria2c "$A_PSS" \
    "ratio <= 1"
bench_row "$CASE" "engine idle CPU" % "$E_CPU" aria2c "$A_CPU" "bttui <= 1"
bench_row "$CASE" "front idle CPU" % "$F_CPU" - - "bttui <= 1"
bench_row "$CASE" "front+engine idle CPU" % "$T_CPU" aria2c "$A_CPU" \
    "ratio <= 1"
bench_row "$CASE" "session open, $ALLT" s "$OPEN" - - "bttui < 1"
bench_row "$CASE" "torrents re-checked" n "$RECHECKED" - - "bttui == 0"
exit 0

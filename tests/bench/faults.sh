#!/bin/sh
# faults.sh: part of `make bench` (timings are measured, never asserted).
#  1. recovery: SIGSTOP the engine in the middle of a download and time
#     stall onset -> data flowing again (target: under 5 s with the default
#     3 s watchdog timeout).
#  2. soak: a FAULTS_MIB (1024) download from a rate-limited seeder, the
#     engine sent SIGKILL or SIGSTOP every 5 s, alternating, but never a
#     5th within 60 s (the front gives up at the 5th failure in 60 s, by
#     design: supervisor.h); it must finish with correct files.  Prints the
#     restarts and the bytes downloaded more than once.
# Everything runs on 127.0.0.1 and is stopped by PID.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib/swarm.sh
. tests/bench/lib.sh
BTTUI=${BTTUI:-./bttui}
if [ -n "$BENCH_QUICK" ]; then
	MIB=${FAULTS_MIB:-256}
else
	MIB=${FAULTS_MIB:-1024}
fi
RATE_KIB=${FAULTS_RATE_KIB:-40960}	# the seeder's upload limit
need opentracker aria2c
swarm_init
cp "$BTTUI" "$W/bttui" && BTTUI="$W/bttui"

mkdir -p "$W/seed"
head -c $((MIB * 1048576)) /dev/urandom > "$W/seed/soak.bin"
TRACKER_PORT=$(free_port)
"$BTTUI" --create "$W/seed/soak.bin" -a "http://127.0.0.1:$TRACKER_PORT/announce" \
    -o "$W/t.torrent" > /dev/null 2>&1 || fail "--create"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
ARIA2_OPTS="--max-upload-limit=${RATE_KIB}K" start_aria2_seed "$W/t.torrent" "$W/seed"
wait_seeders "$H" 1 60

# Lines of stdout, each with the time it arrived.
stamp() {
	while IFS= read -r l; do
		printf '%s %s\n' "$(date +%s.%N)" "$l"
	done
}

done_mib() {	# the "X MiB / Y" of a progress line, in MiB
	echo "$1" | awk '{ for (i = 1; i <= NF; i++) if ($i == "/") {
		v = $(i - 2); u = $(i - 1);
		if (u == "GiB") v *= 1024; else if (u == "KiB") v /= 1024;
		else if (u == "B") v /= 1048576; print v; exit } }'
}

run() {	# run NAME: a headless download in the background, its own
	# session; sets RUN (the subshell) and FRONT (bttui in it)
	rm -rf "$W/dl"
	( "$BTTUI" --headless --session "$W/$1.session" -p "$(free_port)" \
	    -d "$W/dl" "$W/t.torrent" 2> "$W/$1.err" | stamp > "$W/$1.out" ) &
	RUN=$!
	remember $RUN
	i=0
	until [ -n "$(engine_pid "$W/$1.err")" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && { cat "$W/$1.err"
		    fail "no engine"; }
		sleep 0.1
	done
	FRONT=$(ps -o ppid= -p "$(engine_pid "$W/$1.err")" | tr -d ' ')
	remember "$FRONT"
}

stop_run() {	# stop_run: the front stopped (SIGINT: it saves and exits)
	kill -INT "$FRONT" 2>/dev/null
	i=0
	while kill -0 "$FRONT" 2>/dev/null && [ $i -lt 100 ]; do
		i=$((i + 1)); sleep 0.1
	done
	kill -KILL "$FRONT" 2>/dev/null
	forget "$FRONT"
	wait "$RUN" 2>/dev/null
}

# 1. recovery time
run recovery
sleep 4
e=$(engine_pid "$W/recovery.err")
t0=$(date +%s.%N)
before=$(done_mib "$(tail -n 1 "$W/recovery.out")")
kill -STOP "$e"
remember "$e"
rec=""
i=0
while [ -z "$rec" ] && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
	[ "$(engine_pid "$W/recovery.err")" = "$e" ] && continue
	# the last progress line (a quick download may be over by now, its
	# last lines "Download complete" and the Session totals)
	grep ' / ' "$W/recovery.out" | tail -n 1 | {
		read -r ts rest
		now=$(done_mib "$rest")
		awk -v a="$now" -v b="$before" 'BEGIN { exit !(a > b) }' &&
		    awk -v t="$ts" -v s="$t0" 'BEGIN { printf "%.1f\n", t - s }'
	} > "$W/rec.txt"
	rec=$(cat "$W/rec.txt")
done
# (killing the subshell left the front downloading, holding its session:
# the soak found no engine)
stop_run
printf 'recovery: stall onset to data flowing again: %s s (target < 5 s)\n' \
    "${rec:-not seen in 30 s}"
bench_row "restart" "stalled engine to data" s "${rec:-30}" - - "bttui < 5"

# 2. soak
# the front's give-up limit (supervisor.h: SUP_GIVE_UP_RESTARTS failures
# within SUP_GIVE_UP_WINDOW_MS)
GIVE_UP=5 WINDOW_S=60
# recent_signals NOW: how many signals went out in the window before NOW
recent_signals() {
	echo "$SENT" | awk -v now="$1" -v w="$WINDOW_S" '{
	    for (i = 1; i <= NF; i++) if (now - $i <= w) c++ }
	    END { print c + 0 }'
}
run soak
sig=KILL
n=0
SENT=""
while kill -0 "$RUN" 2>/dev/null; do
	sleep 5
	kill -0 "$RUN" 2>/dev/null || break
	now=$(date +%s)
	[ "$(recent_signals "$now")" -ge $((GIVE_UP - 1)) ] && continue
	e=$(engine_pid "$W/soak.err")
	[ -n "$e" ] && kill "-$sig" "$e" 2>/dev/null && n=$((n + 1)) &&
	    SENT="$SENT $now"
	remember "$e"
	[ $sig = KILL ] && sig=STOP || sig=KILL
	[ $n -gt 200 ] && break
done
wait "$RUN"
gave_up=$(grep -c 'giving up' "$W/soak.err")
engines=$(grep -c '^bttui: engine pid' "$W/soak.err")
down=$(sed -n 's/.*Session: downloaded \([0-9]*\) bytes.*/\1/p' "$W/soak.out")
total=$((MIB * 1048576))
if cmp -s "$W/seed/soak.bin" "$W/dl/soak.bin"; then
	ok="correct"
elif [ "$gave_up" -gt 0 ]; then
	ok="incomplete (the front gave up)"
else
	ok="WRONG"
fi
printf 'soak: %d MiB, %d signals, %d engines (%d restarts), files %s\n' \
    "$MIB" "$n" "$engines" $((engines - 1)) "$ok"
# Each engine's counters are read from its last status (sent 5 times a
# second), so the bytes of its last fifth of a second before a SIGKILL are
# missed: the figure is a lower bound.
extra=$(( ${down:-0} - total ))
[ $extra -lt 0 ] && extra=0
printf 'soak: downloaded %s bytes for %s: about %s bytes more than once\n' \
    "${down:-?}" "$total" "$extra"
bench_row "restart" "soak: $n kills/stops, files" ok \
    "$([ "$ok" = correct ] && echo 1 || echo 0)" - - "bttui == 1"
[ "$ok" = correct ]

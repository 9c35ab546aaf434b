# lib.sh: what the benchmarks of `make bench` share (sourced after
# tests/integration/lib/swarm.sh).  Each benchmark prints its own details
# and adds its figures, one row each, to the TSV that run.sh turns into the
# one table:
#
#   bench_row CASE FIGURE UNIT BTTUI REF_NAME REF TARGET
#
#     CASE      the case's number and name ("1 one seeder")
#     FIGURE    what is measured ("wall s")
#     UNIT      of BTTUI and REF ("s", "MiB/s", "MiB", "%")
#     BTTUI     bttui's figure (a number)
#     REF_NAME  what it is compared with ("aria2c", "openssl", "swarm"),
#               or "-"
#     REF       that figure, or "-"
#     TARGET    an awk condition on `bttui`, `ref` and `ratio` (bttui/ref)
#               ("ratio <= 0.4", "bttui <= 32"), or "-"
#
#   The row gets the ratio, unrounded (table.sh prints three decimals),
#   and "met" or "MISSED" judged on it: 32.01 against 32.09 is 0.998,
#   which misses "ratio >= 1" (rounded to 1.00, it once passed as met).
#   Figures are never asserted: a missed target is printed, and the exit
#   status of a benchmark says only whether its downloads completed with
#   the right data.
#
#   BENCH_TSV    where rows go (run.sh sets it; default: $W/bench.tsv)
#   BENCH_QUICK  when set (1), smaller payloads and fewer runs (run.sh's
#                whole set in under 3 minutes)
#
# Helpers for the measurements:
#   bench_now                      seconds since the epoch, with nanoseconds
#   bench_cpu_ticks PID            utime + stime of PID, in clock ticks
#   bench_proc_kib PID FILE FIELD  FIELD (KiB) of /proc/PID/FILE, or 0
#   bench_hwm_kib PID              peak RSS (VmHWM) of PID in KiB, or 0
#   bench_engine_pid FRONT_PID     the engine: the front's child process
#   bench_warm_page_cache MIB      writes then deletes MIB of zeros in /tmp,
#                                  so that the next download writes into
#                                  recycled page-cache pages, not fresh ones
#   bench_median N...              the median of its arguments

BENCH_TSV=${BENCH_TSV:-}
BENCH_QUICK=${BENCH_QUICK:-}
BENCH_TICKS=$(getconf CLK_TCK 2> /dev/null || echo 100)

bench_tsv() {
	[ -n "$BENCH_TSV" ] || BENCH_TSV="$W/bench.tsv"
	printf '%s' "$BENCH_TSV"
}

bench_row() {	# bench_row CASE FIGURE UNIT BTTUI REF_NAME REF TARGET
	awk -v c="$1" -v f="$2" -v u="$3" -v b="$4" -v rn="$5" -v r="$6" \
	    -v t="$7" 'BEGIN {
		ratio = "-"
		if (r != "-" && r + 0 != 0 && b != "-")
			ratio = sprintf("%.6g", b / r)
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c, f, u, b, rn, r,
		    ratio, t
	}' | bench_verdict >> "$(bench_tsv)"
}

# The verdict column: the TARGET condition evaluated by awk itself.
bench_verdict() {
	while IFS='	' read -r c f u b rn r ratio t; do
		v="-"
		if [ "$t" != "-" ] && [ "$b" != "-" ]; then
			if [ "$ratio" = "-" ] && echo "$t" | grep -q ratio; then
				v="-"
			elif awk -v bttui="$b" -v ref="$r" -v ratio="$ratio" \
			    "BEGIN { exit !($t) }"; then
				v=met
			else
				v=MISSED
			fi
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$f" "$u" \
		    "$b" "$rn" "$r" "$ratio" "$t" "$v"
	done
}

bench_now() { date +%s.%N; }

bench_cpu_ticks() {
	# fields 14 and 15 of /proc/PID/stat, counted after the ") " that
	# ends the command name (which may hold spaces)
	sed 's/.*) //' "/proc/$1/stat" 2> /dev/null |
	    awk '{ print $12 + $13 }'
}

bench_proc_kib() {	# bench_proc_kib PID FILE FIELD
	awk -v f="$3:" '$1 == f { print $2; found = 1 }
	    END { if (!found) print 0 }' "/proc/$1/$2" 2> /dev/null || echo 0
}
bench_hwm_kib() { bench_proc_kib "$1" status VmHWM; }

bench_engine_pid() { pgrep -P "$1" | head -n 1; }

bench_warm_page_cache() {
	f=$(mktemp "${TMPDIR:-/tmp}/bttui-warm.XXXXXX") || return 0
	dd if=/dev/zero of="$f" bs=1M count="$1" 2> /dev/null
	rm -f "$f"
}

bench_median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	}'
}

# ---- progress on disk (seeders.sh, latency.sh, seeding.sh) ----
#
# A download's progress, seen the same way for every client: the bytes
# allocated under its directory (du -s -B1), which grow as data is written
# since bttui (ftruncate) and aria2c (--file-allocation=none) both make
# sparse files; ext4 counts delayed-allocation blocks at once.  Directories
# and aria2c's control file add a few KiB, nothing next to 10 % of a
# payload.  The download's session directory must lie outside DIR.
#
#   bench_sampler_start DIR FILE   every ~0.2 s a line "SECONDS BYTES" into
#                                  FILE; sets BENCH_SAMPLER_PID
#   bench_sampler_stop             stops it
#   bench_rate_10_90 FILE TOTAL    MiB/s from 10 % to 90 % of TOTAL bytes:
#                                  the least-squares slope of the samples
#                                  from the last below 10 % to the first at
#                                  90 % or more; "-" when 90 % was never
#                                  seen
#   bench_crossed FILE TOTAL FRAC  the time (epoch seconds) when FRAC of
#                                  TOTAL was crossed, or "-"; bytes are
#                                  counted from the first sample's

bench_sampler_start() {	# bench_sampler_start DIR FILE
	: > "$2"
	(
		while :; do
			bench_b=$(du -s -B1 "$1" 2> /dev/null | cut -f 1)
			echo "$(date +%s.%N) ${bench_b:-0}"
			sleep 0.2
		done
	) >> "$2" &
	BENCH_SAMPLER_PID=$!
	remember "$BENCH_SAMPLER_PID"
}

bench_sampler_stop() {
	[ -n "${BENCH_SAMPLER_PID:-}" ] || return 0
	stop_pid "$BENCH_SAMPLER_PID"
	BENCH_SAMPLER_PID=""
}

bench_crossed() {	# bench_crossed FILE TOTAL FRAC
	# bytes count from the first sample's (the empty directories)
	awk -v x="$(echo "$2 $3" | awk '{ printf "%.0f", $1 * $2 }')" '
	NR == 1 { base = $2 }
	$2 - base >= x + 0 {
		# a crossing before the first sample counts at that sample
		if (NR == 1 || $2 == b)
			print $1
		else
			printf "%.3f\n", t + (x + base - b) * ($1 - t) / ($2 - b)
		found = 1
		exit
	}
	{ t = $1; b = $2 }
	END { if (!found) print "-" }' "$1"
}

# Not the time between the two crossings: aria2c's upload limit lets a
# seeder's bytes through in bursts about a second apart, so bytes on disk
# climb in steps, and where 10 % and 90 % fall on them moved that figure
# by a sixth from run to run (71-84 MiB/s in three runs of case 2 whose
# fits gave 77-79).
bench_rate_10_90() {	# bench_rate_10_90 FILE TOTAL
	awk -v n="$2" '
	function add(t, b) { k++; st += t; sb += b; stt += t * t; stb += t * b }
	NR == 1 { base = $2; t0 = $1 }
	{ t = $1 - t0; b = $2 - base }
	!on && b >= 0.1 * n { on = 1; if (NR > 1) add(pt, pb) }
	{ pt = t; pb = b }
	on { add(t, b) }
	on && b >= 0.9 * n { done = 1; exit }
	END {
		d = k * stt - st * st
		if (!done || k < 2 || d <= 0) { print "-"; exit }
		printf "%.2f\n", (k * stb - st * sb) / d / 1048576
	}' "$1"
}

# bench_rate_rows CASE REF_NAME REF: the rows of cases 2 and 3 from their
# two downloads (bench_sampled_download's RATE, WALL and OK, kept as
# B_RATE B_WALL B_OK for bttui's and A_RATE A_WALL A_OK for aria2c's):
# bttui's rate against REF ("bttui >= 0.9 * ref") and against aria2c's
# ("ratio >= 1"), and the whole download's time against aria2c's, with no
# target: at the seeders' caps both take what the caps give, and the lead
# is in the start.  Status 0 when both downloads got the right data.
bench_rate_rows() {
	[ "$B_OK" = 1 ] || B_RATE=- B_WALL=-
	[ "$A_OK" = 1 ] || A_RATE=- A_WALL=-
	bench_row "$1" "rate 10-90 %" MiB/s "$B_RATE" "$2" "$3" \
	    "bttui >= 0.9 * ref"
	bench_row "$1" "rate 10-90 %" MiB/s "$B_RATE" aria2c "$A_RATE" \
	    "ratio >= 1"
	bench_row "$1" "whole download" s "$B_WALL" aria2c "$A_WALL" -
	[ "$B_OK" = 1 ] && [ "$A_OK" = 1 ]
}

# ---- stopping many at once (seeders.sh, latency.sh) ----
#
#   bench_stop_all PID...   SIGTERM to each (aria2c then announces
#                           "stopped", which takes it about a second), then
#                           waits up to 5 s for all of them together before
#                           stop_pid (SIGKILL) takes the rest; one second in
#                           all rather than one per process

bench_stop_all() {
	for bench_p in "$@"; do
		kill -TERM "$bench_p" 2> /dev/null
	done
	bench_n=0
	for bench_p in "$@"; do
		while kill -0 "$bench_p" 2> /dev/null && [ $bench_n -lt 50 ]; do
			sleep 0.1
			bench_n=$((bench_n + 1))
		done
		if kill -0 "$bench_p" 2> /dev/null; then
			stop_pid "$bench_p" KILL
		else
			wait "$bench_p" 2> /dev/null
			forget "$bench_p"
		fi
	done
}

# bench_sampled_download NAME DIR CMD...: runs CMD (a download into DIR of
# $W/payload/bench.bin, $SIZE bytes; stopped after $LIMIT s) while the
# sampler watches DIR, output in $W/NAME.log.  Sets t0 and t1 (its start
# and end), WALL (s), RATE (MiB/s from 10 to 90 %), START (s until 1 % was
# on disk, or -) and OK (1: exit 0 and the right data; otherwise said).
bench_sampled_download() {
	name=$1 d=$2
	shift 2
	bench_sampler_start "$d" "$W/$name.samples"
	t0=$(bench_now)
	timeout -k 5 "$LIMIT" "$@" > "$W/$name.log" 2>&1
	rc=$?
	t1=$(bench_now)
	sleep 0.3	# one more sample of the end
	bench_sampler_stop
	WALL=$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')
	RATE=$(bench_rate_10_90 "$W/$name.samples" "$SIZE")
	# the start-up: how long until the first 1 % was on disk
	START=$(bench_crossed "$W/$name.samples" "$SIZE" 0.01)
	[ "$START" = - ] ||
	    START=$(echo "$t0 $START" | awk '{ printf "%.1f", $2 - $1 }')
	OK=0
	if [ $rc != 0 ]; then
		say "$name: exit status $rc$([ $rc = 124 ] &&
		    echo " (stopped after $LIMIT s)")"
		tail -n 3 "$W/$name.log" | sed 's/^/      /'
	elif ! cmp -s "$d/bench.bin" "$W/payload/bench.bin"; then
		say "$name: the downloaded file differs from the payload"
	else
		OK=1
	fi
}

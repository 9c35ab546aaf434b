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
#   The row gets the ratio and "met" or "MISSED".  Figures are never
#   asserted: a missed target is printed, and the exit status of a
#   benchmark says only whether its downloads completed with the right data.
#
#   BENCH_TSV    where rows go (run.sh sets it; default: $W/bench.tsv)
#   BENCH_QUICK  when set (1), smaller payloads and fewer runs (run.sh's
#                whole set in under 3 minutes)
#
# Helpers for the measurements:
#   bench_now                      seconds since the epoch, with nanoseconds
#   bench_cpu_ticks PID            utime + stime of PID, in clock ticks
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
			ratio = sprintf("%.2f", b / r)
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

bench_hwm_kib() {
	awk '/^VmHWM:/ { print $2; found = 1 } END { if (!found) print 0 }' \
	    "/proc/$1/status" 2> /dev/null || echo 0
}

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

#!/bin/sh
# run.sh: `make bench`.  Runs the benchmarks one after another (each on a
# loopback swarm of its own; never two at once, they would share the two
# cores), then prints the table of every figure: bttui's, what it is
# compared with, the ratio and the target (issue 15).  The raw rows stay in
# BENCH_TSV (default build/bench/results.tsv).
#
#   BENCH_QUICK=1   smaller payloads, fewer runs: the whole set in under
#                   3 minutes
#   BENCH_ONLY      the benchmarks to run, by name (default: all of them,
#                   in the order below)
#
# Exit status: 0 when every benchmark's downloads completed with the right
# data; a missed target is printed, not an error.
cd "$(dirname "$0")/../.." || exit 1

ALL="bench seeders latency verify many seeding screen utp crash faults"
BENCH_TSV=${BENCH_TSV:-${BUILD:-build}/bench/results.tsv}
mkdir -p "$(dirname "$BENCH_TSV")" || exit 1
: > "$BENCH_TSV" || exit 1
export BENCH_TSV BENCH_QUICK

rc=0
t0=$(date +%s)
for b in ${BENCH_ONLY:-$ALL}; do
	[ -f "tests/bench/$b.sh" ] || continue
	echo "== $b"
	s=$(date +%s)
	sh "tests/bench/$b.sh"
	r=$?
	[ $r = 0 ] || { echo "== $b: exit status $r"; rc=1; }
	echo "== $b: $(( $(date +%s) - s )) s"
done
echo
sh tests/bench/table.sh "$BENCH_TSV"
echo "(all benchmarks: $(( $(date +%s) - t0 )) s; raw figures in $BENCH_TSV)"
exit $rc

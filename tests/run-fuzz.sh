#!/bin/sh
# run-fuzz.sh SECONDS FUZZER...: runs each libFuzzer binary for SECONDS on its
# corpus (tests/fuzz/<name>/, the seeds and regression inputs kept in git),
# writing new inputs to a scratch directory so the tree stays clean.
secs=$1
shift
cd "$(dirname "$0")/.." || exit 1
status=0
for f in "$@"; do
	name=$(basename "$f")
	corpus="tests/fuzz/${name#fuzz_}"
	scratch=$(mktemp -d)
	mkdir -p "$corpus"
	echo "== $name for ${secs}s"
	if ! "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$scratch/" -print_final_stats=1 \
	    "$scratch" "$corpus" 2>"$scratch/log"; then
		tail -n 40 "$scratch/log"
		echo "== $name: CRASH (inputs kept in $scratch)"
		status=1
		continue
	fi
	grep -E 'stat::number_of_executed_units' "$scratch/log" |
	    sed "s/^/   $name: /"
	rm -rf "$scratch"
done
exit $status

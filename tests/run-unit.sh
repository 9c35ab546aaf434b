#!/bin/sh
# Runs each cmocka test binary given as an argument and shows its output.
# The last line counts tests, not binaries, from cmocka's own summary:
#   unit: N passed, N failed, N skipped
# so a skipped test shows instead of passing silently.  Fails when any
# binary fails.  A binary that dies before its summary (abort, a sanitizer
# report) counts the tests it finished plus one failed for the one it was
# in; one that exits non-zero after all its tests passed (a leak report)
# counts one failed.

# cmocka's summary lines are "[  PASSED  ] N test(s).", "[  FAILED  ] N
# test(s), listed below:", "[  SKIPPED ] N test(s), listed below:"; the
# per-test lines ("[       OK ] name", "[  SKIPPED ] name") count only
# when no summary came.  Prints "passed failed skipped had_summary".
COUNT='
match($0, /\[  (PASSED  |FAILED  |SKIPPED )\] [0-9]+ test\(s\)/) {
	n = substr($0, RSTART + 13) + 0
	c = substr($0, RSTART + 3, 1)
	if (c == "P") sp += n; else if (c == "F") sf += n; else ss += n
	summary = 1
	next
}
/\[       OK \] /	{ ok++ }
/\[  SKIPPED \] /	{ sk++ }
/\[  FAILED  \] /	{ fl++ }
END {
	if (summary) print sp + 0, sf + 0, ss + 0, 1
	else print ok + 0, fl + 0, sk + 0, 0
}'

out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
trap 'exit 130' INT TERM
passed=0
failed=0
skipped=0
failed_names=""
skipped_names=""
for t in "$@"; do
	CMOCKA_MESSAGE_OUTPUT=STDOUT "$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	read -r p f s summary <<EOF
$(awk "$COUNT" "$out")
EOF
	name=$(basename "$t")
	why=""
	if [ "$summary" -eq 0 ]; then
		f=$((f + 1))
		why="exit $rc before its summary"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		why="exit $rc after its tests"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		failed_names="$failed_names $name${why:+ ($why)}"
	fi
	[ "$s" -gt 0 ] && skipped_names="$skipped_names $name ($s)"
done
[ -n "$skipped_names" ] && echo "skipped in:$skipped_names"
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "unit: $passed passed, $failed failed, $skipped skipped"
[ -z "$failed_names" ]

#!/bin/sh
# Runs each unit test binary given as an argument under valgrind's memcheck:
# a binary fails on any memory error (invalid read or write, use of an
# uninitialised value, bad free...) or any definitely lost block, and also
# when its own tests fail.  One line per binary, then a summary; the log of
# each failure is shown and kept (in $VALGRIND_LOGS, default a temp dir).
#
#   tests/valgrind.sh build/tests/test_bbuf build/tests/test_wire ...
if ! command -v valgrind > /dev/null 2>&1; then
	echo "valgrind: not installed (apt-get install valgrind)"
	exit 1
fi
logs=${VALGRIND_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/bttui-valgrind.XXXXXX")}
mkdir -p "$logs" || exit 1
VG_ERROR=99		# our exit code for "valgrind found something"
passed=0
failed=0
failed_names=""
for t in "$@"; do
	name=$(basename "$t")
	log="$logs/$name.log"
	valgrind --quiet --error-exitcode=$VG_ERROR --leak-check=full \
	    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
	    --track-origins=yes --log-file="$log" "$t" > "$logs/$name.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok      $name"
		continue
	fi
	failed=$((failed + 1))
	failed_names="$failed_names $name"
	if [ $rc -eq $VG_ERROR ]; then
		errors=$(grep -c '^==[0-9]*== \(Invalid\|Conditional\|Use of\|Syscall param\|Mismatched\|Source and destination\|[0-9,]* bytes in [0-9,]* blocks are definitely\)' "$log")
		echo "FAILED  $name: valgrind found $errors problem(s); $log"
		sed -n '1,80p' "$log"
	else
		echo "FAILED  $name: the tests failed under valgrind (exit $rc); $logs/$name.out"
		tail -n 20 "$logs/$name.out"
	fi
done
[ -n "$failed_names" ] && echo "failed:$failed_names"
if [ "$failed" -eq 0 ] && [ -z "${VALGRIND_LOGS:-}" ]; then
	rm -rf "$logs"
	echo "valgrind: $passed clean, 0 failed"
else
	echo "valgrind: $passed clean, $failed failed (logs in $logs)"
fi
[ "$failed" -eq 0 ]

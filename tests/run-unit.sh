#!/bin/sh
# Runs each cmocka test binary given as an argument; prints a closing
# "N passed, N failed" line and fails when any binary fails.
passed=0
failed=0
failed_names=""
for t in "$@"; do
	if "$t"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failed_names="$failed_names $(basename "$t")"
	fi
done
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

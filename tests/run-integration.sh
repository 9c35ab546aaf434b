#!/bin/sh
# Runs every tests/integration/*.sh from the top of the tree.  A script exits
# 0 to pass, 77 to skip (saying why), anything else to fail.  Each runs under
# a time limit so that a hung third-party client cannot hang CI.
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
skipped=0
failed_names=""
for t in tests/integration/*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	echo "== $name"
	timeout -k 10 "${INTEGRATION_TIMEOUT:-600}" sh "$t"
	rc=$?
	case $rc in
	0) passed=$((passed + 1)); echo "== $name: ok" ;;
	77) skipped=$((skipped + 1)); echo "== $name: skipped" ;;
	*) failed=$((failed + 1)); failed_names="$failed_names $name"
	   echo "== $name: FAILED (exit $rc)" ;;
	esac
done
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "integration: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

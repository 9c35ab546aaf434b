#!/bin/sh
# Runs every tests/integration/*.sh from the top of the tree.  A script exits
# 0 to pass, 77 to skip (saying why), anything else to fail.  Each runs under
# a time limit so that a hung third-party client cannot hang CI.
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
skipped=0
failed_names=""
# Each script runs in a private network namespace of its own when this
# machine lets us make one (root, or unprivileged user namespaces): only
# its loopback exists there, so nothing can leave the machine (the DHT is
# on) and scripts cannot collide on ports.
NETNS=""
if unshare -n sh -c 'ip link set lo up' 2>/dev/null; then
	NETNS=1
	echo "integration: each script in a private network namespace"
fi
for t in tests/integration/*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	echo "== $name"
	if [ -n "$NETNS" ]; then
		timeout -k 10 "${INTEGRATION_TIMEOUT:-600}" unshare -n \
		    sh -c 'ip link set lo up && exec sh "$1"' sh "$t"
	else
		timeout -k 10 "${INTEGRATION_TIMEOUT:-600}" sh "$t"
	fi
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

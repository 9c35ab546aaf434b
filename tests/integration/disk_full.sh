# Disk full.  A 16 MiB download into an 8 MiB tmpfs: bttui must name the
# file and "No space left on device", and exit 2 (an engine error), without
# a crash or a restart loop.  Then the tmpfs grows to 64 MiB and the same
# command completes with the right files, keeping the pieces verified before
# instead of downloading them again: once from the resume record written at
# the error, once (record deleted) by hashing the data on disk.  Needs root
# for mount; skipped otherwise.
. tests/integration/lib/swarm.sh
need mktorrent
[ "$(id -u)" = 0 ] || skip "mounting a tmpfs needs root"
swarm_init
MNT="$W/small"
mkdir -p "$MNT"
mount -t tmpfs -o size=8m tmpfs "$MNT" 2>/dev/null || skip "cannot mount a tmpfs"

disk_cleanup() {	# processes first (they hold files there), then umount
	keep=${KEEP_WORK:-}
	KEEP_WORK=1
	swarm_cleanup
	umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null
	[ -n "$keep" ] || rm -rf "$W"
}
trap disk_cleanup EXIT

make_payload "$W/seed/payload" 16
mktorrent -a "http://127.0.0.1:1/announce" -l 18 -o "$W/t.torrent" \
    "$W/seed/payload" > /dev/null || fail "mktorrent"
start_bttui_seed "$W/t.torrent" "$W/seed"
total=$(( 16 * 1048576 + 12345 - 777 + 1000 ))

run() {	# run N STATE: a download into the tmpfs; its exit status in RC
	XDG_STATE_HOME="$W/$2" timeout -k 5 20 "$BTTUI" --headless \
	    -p "$(free_port)" -d "$MNT/dl" --peer "127.0.0.1:$BSEED_PORT" \
	    "$W/t.torrent" \
	    > "$W/run$1.out" 2> "$W/run$1.err" &
	pid=$!
	remember $pid
	wait "$pid"; RC=$?
	forget "$pid"
}

fill() {	# fill N STATE: the download stops on a full disk
	run "$1" "$2"
	[ $RC -eq 2 ] || { tail -n 5 "$W/run$1.err"; fail "run $1 exited $RC, want 2"; }
	grep -q "cannot write $MNT/dl/payload/.*: No space left on device" \
	    "$W/run$1.err" || { cat "$W/run$1.err"; fail "run $1: no clear ENOSPC message"; }
	grep -q 'stalled\|crashed\|restarting' "$W/run$1.err" &&
	    fail "run $1: the engine crashed or was restarted"
	say "run $1: $(grep -o 'cannot write.*' "$W/run$1.err" | head -n 1 |
	    sed "s|$W|\$W|")"
}

finish() {	# finish N STATE WHAT: on a bigger disk the download completes
	mount -o remount,size=64m "$MNT" || fail "cannot grow the tmpfs"
	run "$1" "$2"
	[ $RC -eq 0 ] || { tail -n 5 "$W/run$1.err"; fail "run $1 exited $RC"; }
	grep -q '^Download complete$' "$W/run$1.out" || fail "run $1: no 'Download complete'"
	line=$(grep -o "$3: [0-9]* of [0-9]*" "$W/run$1.err" | head -n 1)
	[ -n "$line" ] || { cat "$W/run$1.err"; fail "run $1: no '$3' line"; }
	kept=$(echo "$line" | sed 's/.*: \([0-9]*\) of.*/\1/')
	n=$(echo "$line" | sed 's/.* of \([0-9]*\)$/\1/')
	[ "$kept" -gt 0 ] || fail "run $1 kept no piece of the run before"
	got=$(sed -n 's/^Session: downloaded \([0-9]*\) bytes.*wasted \([0-9]*\).*/\1 \2/p' \
	    "$W/run$1.out")
	useful=$(( ${got% *} - ${got#* } ))
	# The kept pieces are 256 KiB each, unless the short last one is
	# among them: at most this much was missing.
	last=$(( total - (n - 1) * 262144 ))
	need=$(( total - (kept - 1) * 262144 - last ))
	say "run $1: $line pieces; then downloaded $useful bytes (<= $need)"
	[ $useful -le $need ] || fail "run $1 downloaded kept pieces again"
	same_tree "$W/seed" "$MNT/dl" || fail "run $1: files differ"
}

# 1, 2: the resume record written at the error lets the restart go on
fill 1 state-1
finish 2 state-1 "resumed"
# 3, 4: without a record, the restart hashes what is on disk
umount "$MNT" && mount -t tmpfs -o size=8m tmpfs "$MNT" ||
    fail "cannot mount a fresh tmpfs"
fill 3 state-3
rm -rf "$W/state-3"
finish 4 state-3 "checked data on disk"

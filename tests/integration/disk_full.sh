# Disk full.  A 16 MiB download into an 8 MiB tmpfs: bttui must name the
# file and "No space left on device", without a crash or a restart loop,
# and retry after 10 s.  While the disk stays full, SIGINT ends it with
# exit status 2 (an engine error).  Once the tmpfs grows to 64 MiB:
#  * the same run retries by itself and completes, with the one engine it
#    started with and no piece lost to the failed write;
#  * a new run of the same command completes with the right files, keeping
#    the pieces verified before instead of downloading them again: once
#    from the resume record, once (record deleted) by hashing the data on
#    disk.
# The screen (in tmux) names the error and R; q then exits 2.  A second
# screen on the still full disk errs again; the tmpfs grows, R retries and
# the same engine completes the download.
# Needs root for mount; skipped otherwise.
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
	tui_stop
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

start() {	# start N STATE [SECONDS]: a download into the tmpfs, PID in RUN
	XDG_STATE_HOME="$W/$2" timeout -k 5 "${3:-20}" "$BTTUI" --headless \
	    -p "$(free_port)" -d "$MNT/dl" --peer "127.0.0.1:$BSEED_PORT" \
	    "$W/t.torrent" \
	    > "$W/run$1.out" 2> "$W/run$1.err" &
	RUN=$!
	remember $RUN
}

finished() {	# finished: waits for RUN; its exit status in RC
	wait "$RUN"; RC=$?
	forget "$RUN"
}

run() {	# run N STATE: a download into the tmpfs; its exit status in RC
	start "$1" "$2"
	finished
}

full() {	# full N: until run N says the disk is full, and will retry
	i=0
	until grep -q 'bttui: retrying in 10 s' "$W/run$1.err" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 200 ] && { cat "$W/run$1.err"; fail "run $1: no error and retry in 20 s"; }
		sleep 0.1
	done
	grep -q "cannot write $MNT/dl/payload/.*: No space left on device" \
	    "$W/run$1.err" || { cat "$W/run$1.err"; fail "run $1: no clear ENOSPC message"; }
	say "run $1: $(grep -o 'cannot write.*' "$W/run$1.err" | head -n 1 |
	    sed "s|$W|\$W|")"
}

no_restart() {	# no_restart N: one engine, never stalled or restarted
	grep -v 'exited with status 0, not restarting' "$W/run$1.err" |
	    grep -q 'stalled\|crashed\|restarting' &&
	    { cat "$W/run$1.err"; fail "run $1: the engine crashed or was restarted"; }
	[ "$(grep -c '^bttui: engine pid' "$W/run$1.err")" = 1 ] ||
	    { cat "$W/run$1.err"; fail "run $1: more than one engine"; }
}

fill() {	# fill N STATE: the download stops on a full disk; SIGINT ends it
	start "$1" "$2"
	full "$1"
	kill -INT "$RUN"
	finished
	[ $RC -eq 2 ] || { tail -n 5 "$W/run$1.err"; fail "run $1 exited $RC, want 2"; }
	no_restart "$1"
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

# 0: the disk fills, then grows: the retry completes the same run
start 0 state-0 90
full 0
mount -o remount,size=64m "$MNT" || fail "cannot grow the tmpfs"
finished
[ $RC -eq 0 ] || { tail -n 5 "$W/run0.err"; fail "run 0 exited $RC after the disk grew"; }
grep -q '^Download complete$' "$W/run0.out" || fail "run 0: no 'Download complete'"
grep -q '^bttui: retrying after the error$' "$W/run0.err" || fail "run 0 did not retry"
no_restart 0
same_tree "$W/seed" "$MNT/dl" || fail "run 0: files differ"
say "run 0: retried after $(grep -c 'retrying after' "$W/run0.err") error(s), then complete"
# 1, 2: the resume record lets the next run go on
umount "$MNT" && mount -t tmpfs -o size=8m tmpfs "$MNT" ||
    fail "cannot mount a fresh tmpfs"
fill 1 state-1
finish 2 state-1 "resumed"
# 3, 4: without a record, the next run hashes what is on disk
umount "$MNT" && mount -t tmpfs -o size=8m tmpfs "$MNT" ||
    fail "cannot mount a fresh tmpfs"
fill 3 state-3
rm -rf "$W/state-3"
finish 4 state-3 "checked data on disk"

# 5, 6: the screen.  R retries from the error state; q there exits 2.
command -v tmux > /dev/null 2>&1 || { say "no tmux: the screen is not checked"; exit 0; }
umount "$MNT" && mount -t tmpfs -o size=8m tmpfs "$MNT" ||
    fail "cannot mount a fresh tmpfs"
screen() {	# screen N: the TUI downloading into the tmpfs, until ENOSPC
	tui_start 120 36 -d "$MNT/dl" -p "$(free_port)" \
	    --peer "127.0.0.1:$BSEED_PORT" "$W/t.torrent"
	tui_wait 30 '^ error: cannot write .*: No space left on device' \
	    'R Retry' ' error *$' ||
	    { cat "$W/pane"; fail "screen $1: no error and no R on the screen"; }
	say "screen $1: $(grep -o 'error: cannot write.*' "$W/pane" |
	    sed "s|$W|\$W|; s/  *$//")"
}
XDG_STATE_HOME="$W/state-5"
screen 5
tui_keys q
tui_exited 10 || fail "screen 5: q did not quit"
[ "$TUI_STATUS" = 2 ] || fail "screen 5: q in the error state exited $TUI_STATUS, want 2"
forget "$TUI_PID"
tui_stop
say "screen 5: q exits 2"
screen 6
e=$(sed -n 's/.*engine \([0-9][0-9]*\)  up .*/\1/p' "$W/pane" | head -n 1)
mount -o remount,size=64m "$MNT" || fail "cannot grow the tmpfs"
tui_keys R
tui_wait 30 ' seeding *$' '^ .* 100\.0%  ' "^ engine $e  up .*  restarts 0 " ||
    { cat "$W/pane"; fail "screen 6: R did not complete the download"; }
say "screen 6: after R: $(sed -n 2p "$W/pane" | sed 's/^ *[^ ]* *//')"
tui_keys q
tui_exited 10 || fail "screen 6: q did not quit"
[ "$TUI_STATUS" = 0 ] || fail "screen 6: exited $TUI_STATUS"
forget "$TUI_PID"
tui_stop
same_tree "$W/seed" "$MNT/dl" || fail "screen 6: files differ"

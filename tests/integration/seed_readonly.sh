# A complete payload on a read-only bind mount: bttui --headless --seed
# checks it and seeds it to aria2c (storage opens files O_RDONLY until a
# write needs them); aria2c's files must match.  Root only (mount).
. tests/integration/lib/swarm.sh
need opentracker aria2c mktorrent
[ "$(id -u)" = 0 ] || skip "needs root for mount --bind"
swarm_init

RO_MOUNTED=""
ro_cleanup() {	# the seeder holds files open on the mount: it goes first
	[ -n "${BSEED_PID:-}" ] && stop_pid "$BSEED_PID" INT
	[ -n "$RO_MOUNTED" ] && { umount "$W/ro" || umount -l "$W/ro"; }
	swarm_cleanup
}
trap ro_cleanup EXIT

make_payload "$W/data/payload" 16
mkdir -p "$W/ro"
mount --bind "$W/data" "$W/ro" || skip "mount --bind is not allowed here"
RO_MOUNTED=1
mount -o remount,bind,ro "$W/ro" || skip "a read-only remount is refused"
if touch "$W/ro/payload/probe" 2>/dev/null; then
	fail "the bind mount is writable"
fi

TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 16 \
    -o "$W/t.torrent" "$W/data/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
start_bttui_seed "$W/t.torrent" "$W/ro"
wait_seeders "$H" 1 20

ARIA2_PORT=$(free_port)
timeout 120 aria2c --enable-dht=false --enable-dht6=false \
    --bt-enable-lpd=false --enable-peer-exchange=false \
    --interface=127.0.0.1 --listen-port="$ARIA2_PORT" --seed-time=0 \
    --file-allocation=none --dir="$W/dl" --no-conf --quiet=true \
    --summary-interval=0 "$W/t.torrent" > "$W/aria2-dl.log" 2>&1
rc=$?
[ $rc -eq 0 ] || { tail -n 5 "$W/aria2-dl.log"; cat "$W/bseed.err";
    fail "aria2c exited $rc"; }
same_tree "$W/data" "$W/dl" || fail "aria2c's files differ"
grep -q 'checked data on disk: 257 of 257' "$W/bseed.err" ||
    { tail -n 5 "$W/bseed.err"; fail "the seeder did not check its data"; }
if grep -qi 'cannot \(write\|open\|create\)' "$W/bseed.err"; then
	fail "the seeder reported a disk error: $(grep -i cannot "$W/bseed.err")"
fi
kill -0 "$BSEED_PID" 2>/dev/null || fail "the seeder exited"

# A UDP tracker whose host name takes 10 s to resolve must not stall the
# engine: names resolve on a worker thread, so the loop keeps sending its
# heartbeats and the download completes from the next tier (an HTTP
# tracker) with zero engine restarts.  The name server that never answers
# lives in a private mount and network namespace (only lo, on which
# /etc/resolv.conf is bind-mounted to point at it), so nothing leaves the
# machine.  Needs root (unshare); skipped otherwise.
if [ -z "${BTTUI_IN_NS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "   skip: needs root for unshare"; exit 77; }
	command -v unshare > /dev/null && command -v python3 > /dev/null ||
	    { echo "   skip: needs unshare and python3"; exit 77; }
	BTTUI_IN_NS=1 exec unshare -m -n sh "$0" "$@"
fi
. tests/integration/lib/swarm.sh
need opentracker aria2c ip
swarm_init
ip link set lo up || fail "cannot bring up lo in the namespace"

# resolv.conf of this namespace: a silent server, one 10 s try
printf 'nameserver 127.0.0.53\noptions timeout:10 attempts:1\n' \
    > "$W/resolv.conf"
mount --bind "$W/resolv.conf" /etc/resolv.conf || skip "cannot bind-mount"
python3 tests/tools/dns_blackhole.py 127.0.0.53 > "$W/dns.log" 2>&1 &
remember $!
i=0
until grep -q listening "$W/dns.log" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 50 ] && fail "the silent name server did not start"
	sleep 0.1
done

make_payload "$W/seed/payload" 8
TRACKER_PORT=$(free_port)
HTTP="http://127.0.0.1:$TRACKER_PORT/announce"
"$BTTUI" --create "$W/seed/payload" -a "$HTTP" -o "$W/seed.torrent" \
    > /dev/null || fail "bttui --create (seeder)"
"$BTTUI" --create "$W/seed/payload" -a "udp://slow-tracker.example:$TRACKER_PORT/announce" \
    -a "$HTTP" -o "$W/t.torrent" > /dev/null || fail "bttui --create"
H=$(infohash "$W/t.torrent")
[ "$H" = "$(infohash "$W/seed.torrent")" ] || fail "the two torrents differ"
start_tracker "$H"
start_aria2_seed "$W/seed.torrent" "$W/seed"
wait_seeders "$H" 1

T0=$(date +%s)
"$BTTUI" --headless -p "$(free_port)" -d "$W/dl" "$W/t.torrent" \
    > "$W/bttui.out" 2> "$W/bttui.err"
rc=$?
T1=$(date +%s)
[ $rc -eq 0 ] || { cat "$W/bttui.err"; fail "bttui exited $rc"; }
same_tree "$W/seed" "$W/dl" || fail "downloaded files differ"
grep -q -E ', restarting|stalled|stopped responding' "$W/bttui.err" &&
    { cat "$W/bttui.err"; fail "the engine was restarted while a name resolved"; }
[ "$(grep -c 'engine pid' "$W/bttui.err")" -eq 1 ] || fail "more than one engine"
grep -q 'slow-tracker.example' "$W/bttui.err" ||
    say "note: the slow tracker left no line in the log"
say "done in $((T1 - T0)) s with one engine; slow tracker: $(grep -m 1 'slow-tracker' "$W/bttui.err" | cut -c1-100)"
exit 0

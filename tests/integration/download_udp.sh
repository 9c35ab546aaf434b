# The same swarm reached over opentracker's UDP port (BEP 15).  aria2c with
# DHT off does not announce over UDP, so it seeds a torrent announcing over
# HTTP while bttui gets a torrent with the same info dictionary and a udp://
# announce: the announce URL is outside the info-hash, so both are in one
# swarm.
. tests/integration/lib/swarm.sh
need opentracker aria2c mktorrent
swarm_init

make_payload "$W/seed/payload" 16
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 16 \
    -o "$W/http.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
mktorrent -a "udp://127.0.0.1:$TRACKER_PORT/announce" -l 16 \
    -o "$W/udp.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
h=$(infohash "$W/http.torrent")
[ "$h" = "$(infohash "$W/udp.torrent")" ] || fail "info-hashes differ"
start_tracker "$h"
start_aria2_seed "$W/http.torrent" "$W/seed"
wait_seeders "$h" 1

"$BTTUI" --headless -p "$(free_port)" -d "$W/dl" "$W/udp.torrent" \
    > "$W/bttui.out" 2> "$W/bttui.err"
rc=$?
grep 'udp://' "$W/bttui.err" | head -n 3 | sed 's/^/   /'
[ $rc -eq 0 ] || { cat "$W/bttui.err"; fail "bttui exited $rc"; }
grep -q 'udp://.*peers' "$W/bttui.err" || fail "no peers came from the UDP tracker"
same_tree "$W/seed" "$W/dl" || fail "downloaded files differ"

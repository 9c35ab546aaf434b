# Magnet links (BEP 9, BEP 10) against aria2c, both ways.
#  1. bttui --headless gets a magnet link with a tr= for opentracker and an
#     x.pe for an aria2c seeder: it fetches the metadata from aria2c, then
#     downloads; every file must match, and the session keeps the .torrent.
#  2. aria2c gets a magnet link and downloads from a bttui seeder,
#     which serves the metadata (ut_metadata) and the data.
. tests/integration/lib/swarm.sh
need opentracker aria2c mktorrent
swarm_init

make_payload "$W/seed/payload" 24
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 16 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
start_aria2_seed "$W/t.torrent" "$W/seed"
wait_seeders "$H" 1

TR="http%3A%2F%2F127.0.0.1%3A$TRACKER_PORT%2Fannounce"
LINK="magnet:?xt=urn:btih:$H&dn=payload&tr=$TR&x.pe=127.0.0.1:$ARIA2_PORT"

"$BTTUI" --info "$LINK" > "$W/info.out" || fail "--info of the link"
grep -q "^Info hash: $H" "$W/info.out" || fail "--info shows no hash"

say "1. bttui fetches the metadata from aria2c"
timeout 90 "$BTTUI" --headless --session "$W/sess" -p "$(free_port)" -d "$W/dl" \
    "$LINK" > "$W/bttui.out" 2> "$W/bttui.err"
rc=$?
tail -n 2 "$W/bttui.out" | sed 's/^/   /'
[ $rc -eq 0 ] || { tail -n 20 "$W/bttui.err"; fail "bttui exited $rc"; }
grep -q 'metadata received' "$W/bttui.out" "$W/bttui.err" ||
    fail "no 'metadata received'"
grep -q '^Download complete$' "$W/bttui.out" || fail "no 'Download complete'"
same_tree "$W/seed" "$W/dl" || fail "downloaded files differ"
# The stub was replaced by the whole .torrent: same info-hash.
[ "$(infohash "$W/sess/torrents/$H.torrent")" = "$H" ] ||
    fail "the session does not hold the fetched .torrent"
if grep -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$W/bttui.err"; then
	fail "sanitizer report"
fi
stop_pid "$ARIA2_PID"

say "2. aria2c fetches the metadata from a bttui seeder"
start_bttui_seed "$W/t.torrent" "$W/seed"
# aria2c takes its peers from the tracker (it does not read x.pe).
wait_seeders "$H" 1
L2="magnet:?xt=urn:btih:$H&dn=payload&tr=$TR"
timeout 120 aria2c --enable-dht=false --enable-dht6=false \
    --bt-enable-lpd=false --enable-peer-exchange=false \
    --interface=127.0.0.1 --listen-port="$(free_port)" --seed-time=0 \
    --dir="$W/dl2" --no-conf --quiet=true --summary-interval=0 \
    --bt-metadata-only=false --bt-save-metadata=false "$L2" \
    > "$W/aria2-leech.log" 2>&1 || {
	tail -n 20 "$W/aria2-leech.log"; fail "aria2c did not finish"; }
same_tree "$W/seed" "$W/dl2" || fail "aria2c's files differ"
exit 0

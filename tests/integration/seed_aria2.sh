# A bttui seeder (complete data, checked at start) serves aria2c through
# opentracker; aria2c's files must match the original.
. tests/integration/lib/swarm.sh
need opentracker aria2c mktorrent
swarm_init

make_payload "$W/seed/payload" 32
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 17 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
start_bttui_seed "$W/t.torrent" "$W/seed"
wait_seeders "$H" 1

ARIA2_PORT=$(free_port)
timeout 120 aria2c --enable-dht=false --enable-dht6=false \
    --bt-enable-lpd=false --enable-peer-exchange=false \
    --interface=127.0.0.1 --listen-port="$ARIA2_PORT" --seed-time=0 \
    --file-allocation=none --dir="$W/dl" --no-conf --quiet=true \
    --summary-interval=0 "$W/t.torrent" > "$W/aria2-dl.log" 2>&1
rc=$?
[ $rc -eq 0 ] || { tail -n 5 "$W/aria2-dl.log"; fail "aria2c exited $rc"; }
same_tree "$W/seed" "$W/dl" || fail "aria2c's files differ"
grep -q 'checked data on disk: 257 of 257' "$W/bseed.err" ||
    fail "the seeder did not check its data"

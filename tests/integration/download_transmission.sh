# bttui downloads from a transmission-cli seeder.  transmission drops
# loopback peers a tracker hands it but accepts incoming connections, so
# bttui dials it (--peer) as well as announcing to opentracker.  A small
# payload: transmission seeds slowly on loopback.
. tests/integration/lib/swarm.sh
need opentracker transmission-cli mktorrent
swarm_init

make_payload "$W/seed/payload" 4
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 15 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
start_transmission_seed "$W/t.torrent" "$W/seed"

"$BTTUI" --headless -p "$(free_port)" -d "$W/dl" \
    --peer "127.0.0.1:$TR_PORT" "$W/t.torrent" \
    > "$W/bttui.out" 2> "$W/bttui.err"
rc=$?
tail -n 2 "$W/bttui.out" | sed 's/^/   /'
[ $rc -eq 0 ] || { cat "$W/bttui.err"; fail "bttui exited $rc"; }
same_tree "$W/seed" "$W/dl" || fail "downloaded files differ"

# Two seeders at once (aria2c and transmission-cli): bttui takes blocks
# from both and the files match.
. tests/integration/lib/swarm.sh
need opentracker aria2c transmission-cli mktorrent
swarm_init

make_payload "$W/seed/payload" 24
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 16 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
start_aria2_seed "$W/t.torrent" "$W/seed"
start_transmission_seed "$W/t.torrent" "$W/seed"
wait_seeders "$H" 2

"$BTTUI" --headless -p "$(free_port)" -d "$W/dl" \
    --peer "127.0.0.1:$TR_PORT" "$W/t.torrent" \
    > "$W/bttui.out" 2> "$W/bttui.err"
rc=$?
tail -n 2 "$W/bttui.out" | sed 's/^/   /'
[ $rc -eq 0 ] || { cat "$W/bttui.err"; fail "bttui exited $rc"; }
grep -q 'peers 2/' "$W/bttui.out" || say "note: never saw both seeders connected at once"
same_tree "$W/seed" "$W/dl" || fail "downloaded files differ"

# A magnet link against transmission-cli: bttui fetches the metadata
# (BEP 9 over BEP 10) from a transmission seeder it dials through the
# link's x.pe (transmission drops the loopback peers a tracker hands it),
# then downloads; every file must match.
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

TR="http%3A%2F%2F127.0.0.1%3A$TRACKER_PORT%2Fannounce"
LINK="magnet:?xt=urn:btih:$H&tr=$TR&x.pe=127.0.0.1:$TR_PORT"
timeout 120 "$BTTUI" --headless --session "$W/sess" -p "$(free_port)" \
    -d "$W/dl" "$LINK" > "$W/bttui.out" 2> "$W/bttui.err"
rc=$?
tail -n 2 "$W/bttui.out" | sed 's/^/   /'
[ $rc -eq 0 ] || { tail -n 20 "$W/bttui.err"; fail "bttui exited $rc"; }
grep -q 'metadata received' "$W/bttui.err" || fail "no 'metadata received'"
same_tree "$W/seed" "$W/dl" || fail "downloaded files differ"
if grep -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$W/bttui.err"; then
	fail "sanitizer report"
fi
exit 0

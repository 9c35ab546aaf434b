# bttui --headless downloads a ~64 MiB multi-file torrent (nested
# directories, a zero-length file) from an aria2c seeder found through
# opentracker's HTTP announce; every file must match the original.
. tests/integration/lib/swarm.sh
need opentracker aria2c mktorrent
swarm_init

make_payload "$W/seed/payload" 64
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 18 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
start_aria2_seed "$W/t.torrent" "$W/seed"
wait_seeders "$H" 1

"$BTTUI" --headless -p "$(free_port)" -d "$W/dl" "$W/t.torrent" \
    > "$W/bttui.out" 2> "$W/bttui.err"
rc=$?
tail -n 2 "$W/bttui.out" | sed 's/^/   /'
[ $rc -eq 0 ] || { cat "$W/bttui.err"; fail "bttui exited $rc"; }
grep -q '^Download complete$' "$W/bttui.out" || fail "no 'Download complete'"
same_tree "$W/seed" "$W/dl" || fail "downloaded files differ"
# Under `make test-asan` this runs a sanitizer build: a report from either
# process (the watchdog would hide an engine that died of one) fails it.
if grep -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$W/bttui.err"; then
	fail "sanitizer report"
fi
grep -q -E ', restarting|stalled' "$W/bttui.err" && fail "the engine was restarted"
exit 0

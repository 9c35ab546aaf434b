# Two seeders at once (aria2c and transmission-cli): bttui connects to
# both and the files match.  --max-down makes the download last about 6 s:
# unlimited it took 1 s, and transmission (uTP off here) came only after
# the uTP dial's time-out (3 s) and a refused MSE dial.
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

"$BTTUI" --headless -p "$(free_port)" -d "$W/dl" --max-down 4096 \
    --peer "127.0.0.1:$TR_PORT" "$W/t.torrent" \
    > "$W/bttui.out" 2> "$W/bttui.err"
rc=$?
tail -n 2 "$W/bttui.out" | sed 's/^/   /'
[ $rc -eq 0 ] || { cat "$W/bttui.err"; fail "bttui exited $rc"; }
for c in "aria2 " "Transmission "; do
	grep -q "peer 127.0.0.1:[0-9]* ($c.*): connected" "$W/bttui.err" || {
		grep 'peer ' "$W/bttui.err"
		fail "no connection to the ${c% } seeder"
	}
done
same_tree "$W/seed" "$W/dl" || fail "downloaded files differ"

# Three bttui: one seeder (upload limited so that the leechers must also
# trade with each other) and two leechers; both complete, and each leecher
# uploaded something to the other.
. tests/integration/lib/swarm.sh
need opentracker mktorrent
swarm_init

make_payload "$W/seed/payload" 16
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 16 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
start_bttui_seed "$W/t.torrent" "$W/seed" --max-up 4096
wait_seeders "$H" 1

for n in 1 2; do
	"$BTTUI" --headless --session "$W/session$n" -p "$(free_port)" \
	    -d "$W/dl$n" "$W/t.torrent" \
	    > "$W/leech$n.out" 2> "$W/leech$n.err" &
	eval "L$n=\$!"
	remember $!
done
wait "$L1"; rc1=$?
wait "$L2"; rc2=$?
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] || { tail -n 3 "$W"/leech*.err; fail "leechers exited $rc1 and $rc2"; }
same_tree "$W/seed" "$W/dl1" || fail "leecher 1's files differ"
same_tree "$W/seed" "$W/dl2" || fail "leecher 2's files differ"
for n in 1 2; do
	up=$(sed -n 's/^Session: .*uploaded \([0-9]*\) bytes.*/\1/p' "$W/leech$n.out")
	say "leecher $n uploaded ${up:-?} bytes"
	[ "${up:-0}" -gt 0 ] || fail "leecher $n did not trade"
done

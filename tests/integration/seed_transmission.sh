# transmission-cli downloads 64 MiB from a bttui seeder.  It ignores loopback
# peers that the tracker hands it, so the seeder dials it (--peer).
. tests/integration/lib/swarm.sh
need opentracker transmission-cli mktorrent
swarm_init

# 64 MiB: enough requests that a peer ignoring our queue would stall for
# its own 90 s request time-out (issue 17: 115 s, fixed by reqq and by
# never dropping a request silently); now about 20 s.
make_payload "$W/seed/payload" 64
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 16 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
mkdir -p "$W/dl"
start_transmission_seed "$W/t.torrent" "$W/dl" leech
start_bttui_seed "$W/t.torrent" "$W/seed" --peer "127.0.0.1:$TR_PORT"

SKIP_EMPTY=1
i=0
until same_tree "$W/seed" "$W/dl" > /dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 180 ] && { tr '\r' '\n' < "$W/tr-leech.log" | tail -n 3; fail "transmission did not finish in 90 s"; }
	sleep 0.5
done
stop_pid "$TR_PID" INT
same_tree "$W/seed" "$W/dl" || fail "transmission's files differ"

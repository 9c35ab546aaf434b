# --bind: a seeder bound to 127.0.0.4 announces from that address too, so
# the tracker lists it where it listens and a leecher that knows nothing
# but the tracker finds it and downloads.  Both of opentracker's ways:
# HTTP, then UDP (BEP 15).  (Before announces were bound, the tracker saw
# them come from 127.0.0.1 and listed the seeder there, where nothing
# listened: the leecher's dials failed, and only the seeder's own dial,
# after its next announce, joined them.)
. tests/integration/lib/swarm.sh
need opentracker mktorrent
swarm_init

make_payload "$W/seed/payload" 2
TRACKER_PORT=$(free_port)
for proto in http udp; do
	mktorrent -a "$proto://127.0.0.1:$TRACKER_PORT/announce" -l 15 \
	    -o "$W/$proto.torrent" "$W/seed/payload" > /dev/null ||
	    fail "mktorrent"
done
h=$(infohash "$W/http.torrent")
start_tracker "$h"

for proto in http udp; do
	start_bttui_seed "$W/$proto.torrent" "$W/seed" --no-dht \
	    --bind 127.0.0.4
	# its announce reached the tracker: the seeder is listed
	wait_seeders "$h" 1 20
	timeout 60 "$BTTUI" --headless --no-dht --session "$W/l-$proto" \
	    -p "$(free_port)" -d "$W/dl-$proto" "$W/$proto.torrent" \
	    > "$W/l-$proto.out" 2> "$W/l-$proto.err"
	rc=$?
	[ $rc -eq 0 ] || { tail -n 5 "$W/l-$proto.err"; \
	    fail "$proto: the leecher exited $rc"; }
	# listed at 127.0.0.1 (the source of an unbound announce), it is
	# dialled there in vain (it may still dial the leecher itself)
	grep "peer 127.0.0.1:$BSEED_PORT" "$W/l-$proto.err" &&
	    fail "$proto: the tracker listed the seeder at 127.0.0.1"
	grep -q "peer 127.0.0.4:$BSEED_PORT .*connected" "$W/l-$proto.err" ||
	    { tail -n 5 "$W/l-$proto.err"; \
	    fail "$proto: the seeder was not found at 127.0.0.4"; }
	same_tree "$W/seed" "$W/dl-$proto" > /dev/null ||
	    fail "$proto: files differ"
	say "$proto: the tracker listed the --bind 127.0.0.4 seeder there; files match"
	stop_pid "$BSEED_PID" INT
	rm -rf "$W/bseed-session"
done
exit 0

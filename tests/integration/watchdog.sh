# The front is the engine's watchdog.  During one download from a rate-
# limited bttui seeder: SIGSTOP the engine (the front must kill it and start
# a new one), then SIGKILL the engine three times (restarted each time); the
# download completes with the right files.  Then: SIGKILL the front of a
# second download and check that no engine process is left.
. tests/integration/lib/swarm.sh
need opentracker mktorrent
swarm_init

make_payload "$W/seed/payload" 40
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 16 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
start_bttui_seed "$W/t.torrent" "$W/seed" --max-up 3072
wait_seeders "$H" 1

"$BTTUI" --headless -p "$(free_port)" -d "$W/dl" "$W/t.torrent" \
    > "$W/front.out" 2> "$W/front.err" &
FRONT=$!
remember $FRONT
e1=$(wait_new_engine "$W/front.err" "") || fail "no engine started"
sleep 2
stopped_at=$(date +%s.%N)
kill -STOP "$e1"
remember "$e1"
e2=$(wait_new_engine "$W/front.err" "$e1") || fail "the stopped engine was not replaced"
took=$(echo "$(date +%s.%N) - $stopped_at" | awk '{print $1 - $3}')
say "SIGSTOP: engine $e1 replaced by $e2 after ${took}s"
grep -q 'engine stalled (no heartbeat for 3.0 s), restarting' "$W/front.err" ||
    fail "no stall message"
kill -0 "$e1" 2>/dev/null && fail "the stalled engine $e1 is still there"
prev=$e2
for k in 1 2 3; do
	sleep 1.5
	kill -KILL "$prev"
	next=$(wait_new_engine "$W/front.err" "$prev") ||
	    fail "engine not restarted after SIGKILL $k"
	say "SIGKILL $k: engine $prev replaced by $next"
	prev=$next
done
wait "$FRONT"; rc=$?
[ $rc -eq 0 ] || { tail -n 5 "$W/front.err"; fail "the front exited $rc"; }
grep -q '^Download complete$' "$W/front.out" || fail "no 'Download complete'"
same_tree "$W/seed" "$W/dl" || fail "files differ after the restarts"

# Killing the front leaves no engine behind (PR_SET_PDEATHSIG).
"$BTTUI" --headless --session "$W/session2" -p "$(free_port)" \
    -d "$W/dl2" "$W/t.torrent" \
    > "$W/front2.out" 2> "$W/front2.err" &
FRONT2=$!
remember $FRONT2
e=$(wait_new_engine "$W/front2.err" "") || fail "no engine started"
kill -KILL "$FRONT2"
i=0
while kill -0 "$e" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 30 ] && fail "engine $e outlived its front"
	sleep 0.1
done
say "front killed: engine $e gone too"

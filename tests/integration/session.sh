# One engine, many torrents: three torrents at once, from two aria2c
# seeders and a transmission-cli seeder, in one session (one engine
# process); a second bttui on the same session is refused at once, naming
# the running one's pid; the session reopens after kill -9 of everything,
# with every torrent and its state, and without a re-check.
. tests/integration/lib/swarm.sh
need opentracker aria2c transmission-cli mktorrent
swarm_init

TRACKER_PORT=$(free_port)
for n in 1 2 3; do
	make_payload "$W/seed$n/p$n" $((n * 2 + 2))
	mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 15 \
	    -o "$W/t$n.torrent" "$W/seed$n/p$n" > /dev/null || fail "mktorrent"
done
start_tracker "$(infohash "$W/t1.torrent")" "$(infohash "$W/t2.torrent")" \
    "$(infohash "$W/t3.torrent")"
start_aria2_seed "$W/t1.torrent" "$W/seed1" s1
start_transmission_seed "$W/t2.torrent" "$W/seed2" s2
start_aria2_seed "$W/t3.torrent" "$W/seed3" s3
wait_seeders "$(infohash "$W/t1.torrent")" 1
wait_seeders "$(infohash "$W/t3.torrent")" 1

S="$W/session"
"$BTTUI" --headless --session "$S" -p "$(free_port)" -d "$W/dl" \
    --peer "127.0.0.1:$TR_PORT" "$W/t1.torrent" "$W/t2.torrent" \
    "$W/t3.torrent" > "$W/run1.out" 2> "$W/run1.err" &
FRONT=$!
remember $FRONT

# While it runs: one engine process under the front, and a second bttui on
# the session is refused with the first one's pid.
i=0
while [ -z "$(pgrep -P "$FRONT")" ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
sleep 0.5
ps -o pid,ppid,args --ppid "$FRONT" > "$W/children"
[ "$(pgrep -P "$FRONT" | wc -l)" -eq 1 ] || { cat "$W/children" "$W/run1.err"; fail "not exactly one engine"; }
"$BTTUI" --headless --session "$S" > "$W/second.out" 2> "$W/second.err"
rc=$?
[ $rc -eq 1 ] || fail "a second bttui on the session exited $rc, not 1"
grep -q "in use by another bttui (pid $FRONT)" "$W/second.err" ||
    { cat "$W/second.err"; fail "the refusal does not name pid $FRONT"; }
say "a second bttui was refused: $(cat "$W/second.err")"

wait "$FRONT"
rc=$?
forget "$FRONT"
[ $rc -eq 0 ] || { tail -n 20 "$W/run1.err"; fail "bttui exited $rc"; }
[ "$(grep -c '^Download complete: ' "$W/run1.out")" -eq 3 ] ||
    fail "not 3 'Download complete' lines"
[ "$(grep -c 'engine pid' "$W/run1.err")" -eq 1 ] ||
    fail "the engine was restarted"
for n in 1 2 3; do
	SKIP_EMPTY=1 same_tree "$W/seed$n" "$W/dl" || fail "torrent $n differs"
done

# Reopen with no argument, seeding, then kill -9 the front and the engine
# together: the next bttui finds the three torrents, complete, without
# hashing the data again.
: > "$W/run2.out"
"$BTTUI" --headless --seed --session "$S" -p "$(free_port)" \
    > "$W/run2.out" 2> "$W/run2.err" &
FRONT=$!
remember $FRONT
i=0
while [ "$(grep -c '^ *100.0%' "$W/run2.out")" -lt 3 ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
[ $i -lt 100 ] || { cat "$W/run2.out"; fail "the reopened session is not 3 complete torrents"; }
ENGINE=$(pgrep -P "$FRONT")
kill -KILL "$FRONT" $ENGINE
wait "$FRONT" 2>/dev/null
forget "$FRONT"
"$BTTUI" --headless --session "$S" -p "$(free_port)" \
    > "$W/run3.out" 2> "$W/run3.err"
rc=$?
[ $rc -eq 0 ] || { cat "$W/run3.err"; fail "after kill -9 the session exited $rc"; }
grep -q "checked data on disk" "$W/run3.err" && fail "the data was hashed again"
[ "$(grep -c 'resumed: ' "$W/run3.err")" -eq 3 ] ||
    { cat "$W/run3.err"; fail "not every torrent resumed from its record"; }
say "after kill -9: $(grep -c 'resumed: ' "$W/run3.err") torrents resumed"
exit 0

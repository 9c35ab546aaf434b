# Peer exchange (BEP 11) between bttui processes, no tracker at all.
# Seeder B is known only to peer A (A dials it).  A lacks a quarter of the
# data and fetches it from B slowly, so A and B stay connected: BEP 11
# lists connected peers, and two seeds drop each other at once ("both
# seeds, nothing to trade"), which left B out of A's message when A was a
# seed too.  The leecher knows only A; it cannot finish from A alone.
# Once the leecher has heard of B from A's ut_pex message, A goes away:
# the leecher must finish from B, an address it learned only through PEX.
. tests/integration/lib/swarm.sh
need mktorrent
swarm_init

make_payload "$W/seed/payload" 12
mktorrent -l 16 -o "$W/t.torrent" "$W/seed/payload" > /dev/null ||
    fail "mktorrent"
cp -r "$W/seed" "$W/seedB"
cp -r "$W/seed" "$W/A"
rm "$W/A/payload/d/quarter.bin" || fail "rm"

start_bttui_seed "$W/t.torrent" "$W/seedB"
B_PORT=$BSEED_PORT
"$BTTUI" --headless --seed -p "$(free_port)" -d "$W/A" \
    --max-down 16 --session "$W/A-session" --peer "127.0.0.1:$B_PORT" \
    "$W/t.torrent" \
    > "$W/A.out" 2> "$W/A.err" &
A_PID=$!
remember $A_PID
# The leecher starts once A has checked its data: a torrent that is
# checking takes no peers, and a refused dial waits 10 s to try again.
wait_log "$W/A.err" "started from the queue" || fail "peer A did not start"
A_PORT=$(sed -n 's/^bttui: listening on port \([0-9]*\).*/\1/p' "$W/A.err" |
    head -n 1)
[ -n "$A_PORT" ] || fail "peer A did not say its port"

LP=$(free_port)
"$BTTUI" --headless --session "$W/L-session" -p "$LP" -d "$W/dl" \
    --max-down 1024 --peer "127.0.0.1:$A_PORT" "$W/t.torrent" \
    > "$W/L.out" 2> "$W/L.err" &
L_PID=$!
remember $L_PID
# A tells the leecher of B a few seconds after they connect.
sleep 6
stop_pid "$A_PID"
say "peer A stopped"
i=0
while kill -0 "$L_PID" 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.1; i=$((i + 1))
done
kill -0 "$L_PID" 2>/dev/null && { tail -n 5 "$W/L.err"; fail "the leecher did not finish"; }
wait "$L_PID"; rc=$?
forget "$L_PID"
[ $rc -eq 0 ] || { tail -n 5 "$W/L.err"; fail "the leecher exited $rc"; }
same_tree "$W/seed" "$W/dl" || fail "the leecher's files differ"
stop_pid "$BSEED_PID" INT
up=$(sed -n 's/^Session: .*uploaded \([0-9]*\) bytes.*/\1/p' "$W/bseed.out")
say "seeder B (known through PEX only) uploaded ${up:-?} bytes"
[ "${up:-0}" -gt 0 ] || fail "the leecher never got data from seeder B"
exit 0

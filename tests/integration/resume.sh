# Resume without loss.  A leecher downloading from a rate-limited bttui
# seeder is (1) stopped with SIGINT: the restart trusts its resume record
# and hashes nothing; (2) killed with SIGKILL: the restart hashes the data
# on disk and keeps every piece verified before the kill.  Either way it
# completes with the right files and never downloads a kept piece again.
. tests/integration/lib/swarm.sh
need opentracker mktorrent
swarm_init

make_payload "$W/seed/payload" 48
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 16 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
start_bttui_seed "$W/t.torrent" "$W/seed" --max-up 6144
wait_seeders "$H" 1
total=$(( 48 * 1048576 + 12345 - 777 + 1000 ))

leech() {	# leech RUN: start a leecher in the background
	"$BTTUI" --headless -p "$(free_port)" -d "$W/dl" "$W/t.torrent" \
	    > "$W/run$1.out" 2> "$W/run$1.err" &
	LPID=$!
	remember $LPID
}

interrupt_at() {	# interrupt_at PERCENT SIGNAL RUN
	i=0
	while :; do
		p=$(tail -n 1 "$W/run$3.out" 2>/dev/null | awk '{print int($1)}')
		[ "${p:-0}" -ge "$1" ] && break
		i=$((i + 1))
		[ $i -gt 300 ] && fail "run $3 never reached $1%"
		sleep 0.1
	done
	kill "-$2" "$LPID"
	wait "$LPID" 2>/dev/null
	say "run $3: SIG$2 at ${p}%"
	LAST_PCT=$p
}

# 1: clean stop, then resume from the record
leech 1
interrupt_at 25 INT 1
grep -q '^Session:' "$W/run1.out" || fail "run 1 did not stop cleanly"
leech 2
interrupt_at 55 KILL 2
grep -q 'resumed: ' "$W/run2.err" || fail "run 2 did not use the resume record"
grep -q 'checked data on disk' "$W/run2.err" && fail "run 2 hashed despite a good record"
say "run 2: $(grep -o 'resumed: .*' "$W/run2.err")"

# 2: after SIGKILL, trust the record and the journal (no re-hash) and keep
# every piece they name
leech 3
wait "$LPID"; rc=$?
[ $rc -eq 0 ] || { tail -n 3 "$W/run3.err"; fail "run 3 exited $rc"; }
line=$(grep -o 'resumed after a crash: .*' "$W/run3.err")
[ -n "$line" ] || fail "run 3 did not resume from the record and journal"
grep -q 'checked data on disk' "$W/run3.err" && fail "run 3 re-hashed everything"
rec=$(echo "$line" | sed -n 's/.*crash: \([0-9]*\) pieces from the record.*/\1/p')
jnl=$(echo "$line" | sed -n 's/.*record, \([0-9]*\) from the journal.*/\1/p')
kept_bytes=$(echo "$line" | sed -n 's/.*journal (\([0-9]*\) bytes).*/\1/p')
kept=$((rec + jnl))
n=$(( (total + 65535) / 65536 ))
say "run 3: $line (SIGKILL at $LAST_PCT%)"
# The journal is flushed every second: a kill loses at most the pieces of
# the last second, never what run 2 started from.
before=$(sed -n 's/.*resumed: \([0-9]*\) of.*/\1/p' "$W/run2.err")
[ "$kept" -ge "$before" ] || fail "pieces verified before the kill were lost"
[ "$jnl" -gt 0 ] || say "run 3: (run 2 was too short for a journal flush)"
got=$(sed -n 's/^Session: downloaded \([0-9]*\) bytes.*wasted \([0-9]*\).*/\1 \2/p' "$W/run3.out")
useful=$(( ${got% *} - ${got#* } ))
need=$(( total - kept_bytes ))
say "run 3 downloaded $useful useful bytes; $need were missing"
[ $useful -le $need ] || fail "run 3 downloaded kept pieces again"
same_tree "$W/seed" "$W/dl" || fail "files differ after resuming"

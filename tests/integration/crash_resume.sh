# Resume without re-hashing after a crash.  A 256 MiB multi-file download
# from an aria2c seeder, rate-limited so that it can be caught mid-way:
# (1) kill -9 of the engine at about 20% and about 60% (the front starts a
# new one each time): every restart trusts the record and the journal
# ("resumed after a crash"), never hashes the data again ("checked data on
# disk"), hashes only the pieces written after the journal's last flush
# and finds every one of them good, the download completes with the right
# files, and the bytes downloaded in all are the payload plus at most what
# two kills can lose; (2) kill -9 of the front and the engine together
# during a second download, then a new bttui on the same session: the same
# checks, and every piece done at the kill is still had after it.
#
#   CRASH_MIB       payload size (default 256)
#   CRASH_RATE_KIB  bttui's --max-down in KiB/s (default 32768)
. tests/integration/lib/swarm.sh
need opentracker aria2c mktorrent
swarm_init

MIB=${CRASH_MIB:-256}
RATE=${CRASH_RATE_KIB:-32768}
make_payload "$W/seed/payload" "$MIB"
TRACKER_PORT=$(free_port)
# 256 KiB pieces: a kill is caught with many pieces done and many to go
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 18 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
start_aria2_seed "$W/t.torrent" "$W/seed"
wait_seeders "$H" 1
total=$(( MIB * 1048576 + 12345 - 777 + 1000 ))
# What one kill may cost: the pieces in flight and in the disk queue
# (16 MiB), those written since the last written record (100 ms), and the
# new engine's connection: 1 s at the full rate plus 16 MiB, a generous
# bound (before written records a kill lost up to the journal's 1 s
# period on top).
loss=$(( RATE * 1024 + 16 * 1048576 ))

wait_pct() {	# wait_pct FILE PERCENT: until a headless line shows it
	i=0
	while :; do
		PCT=$(grep '^ *[0-9.]*%' "$1" 2>/dev/null | tail -n 1 |
		    awk '{print int($1)}')
		[ "${PCT:-0}" -ge "$2" ] && return 0
		i=$((i + 1))
		[ $i -gt 600 ] && fail "$1 never reached $2%"
		sleep 0.1
	done
}

crash_lines() {	# crash_lines FILE: the restarts' resume lines
	grep -o 'resumed after a crash: .*' "$1"
}

field() {	# field LINE WHICH: record, journal, bytes, rechecked, unflushed
	case $2 in
	record)	echo "$1" | sed -n 's/.*crash: \([0-9]*\) pieces from.*/\1/p' ;;
	journal) echo "$1" | sed -n 's/.*record, \([0-9]*\) from the.*/\1/p' ;;
	bytes)	echo "$1" | sed -n 's/.*journal (\([0-9]*\) bytes).*/\1/p' ;;
	rechecked) echo "$1" | sed -n 's/.*bytes), \([0-9]*\) re-checked.*/\1/p' ;;
	unflushed) echo "$1" | sed -n 's/.*files, \([0-9]*\) written after.*/\1/p' ;;
	esac
}

# check_restarts FILE: every crash line's pieces to check were checked,
# and all of them were good; sets UNFLUSHED (their sum) and GOOD (pieces
# the last restart had from the record, the journal and its check)
check_restarts() {
	UNFLUSHED=0
	GOOD=
	grep -oE 'resumed after a crash: .*|re-checked pieces: [0-9]+ found' \
	    "$1" > "$W/restarts"
	while read -r line; do
		case $line in
		resumed*)
			say "$line"
			[ "$(field "$line" rechecked)" -eq 0 ] ||
			    fail "pieces of full-size files were re-checked"
			[ "$(field "$line" journal)" -gt 0 ] ||
			    fail "nothing came from the journal"
			u=$(field "$line" unflushed)
			UNFLUSHED=$((UNFLUSHED + u))
			GOOD=$(( $(field "$line" record) + \
			    $(field "$line" journal) ))
			[ "$u" -gt 0 ] || continue
			read -r line ||
			    fail "written pieces to check, and no check"
			found=${line% found}
			found=${found##* }
			[ "$found" -eq "$u" ] || fail "the check found \
$found of the $u written pieces good"
			GOOD=$((GOOD + found))
			;;
		*)	fail "a check after no crash line: $line" ;;
		esac
	done < "$W/restarts"
}

session_down() {	# session_down FILE: bytes downloaded in all
	sed -n 's/^Session: downloaded \([0-9]*\) bytes.*/\1/p' "$1"
}

# 1: the engine killed twice during one download
"$BTTUI" --headless --session "$W/s1" -p "$(free_port)" -d "$W/dl" \
    --max-down "$RATE" "$W/t.torrent" > "$W/run1.out" 2> "$W/run1.err" &
FRONT=$!
remember $FRONT
e=$(wait_new_engine "$W/run1.err" "") || fail "no engine started"
for at in 20 60; do
	wait_pct "$W/run1.out" "$at"
	kill -KILL "$e"
	n=$(wait_new_engine "$W/run1.err" "$e") ||
	    fail "the engine was not restarted after the kill at $PCT%"
	say "engine $e killed at $PCT%, engine $n took over"
	e=$n
done
wait "$FRONT"; rc=$?
forget "$FRONT"
[ $rc -eq 0 ] || { tail -n 5 "$W/run1.err"; fail "the front exited $rc"; }
grep -q '^Download complete' "$W/run1.out" || fail "no 'Download complete'"
crash_lines "$W/run1.err" > "$W/crash1"
[ "$(wc -l < "$W/crash1")" -eq 2 ] ||
    { cat "$W/crash1"; fail "not two 'resumed after a crash' lines"; }
grep -q 'checked data on disk' "$W/run1.err" &&
    fail "a restart hashed the data again"
check_restarts "$W/run1.err"
unflushed=$UNFLUSHED
same_tree "$W/seed" "$W/dl" || fail "files differ after the restarts"
down=$(session_down "$W/run1.out")
[ -n "$down" ] || fail "no Session line"
# (bytes that came after an engine's last report are not counted: with
# nothing fetched twice the sum may fall short of the payload)
say "downloaded $down bytes for a $total-byte payload (bound: $((total + 2 * loss)))"
[ "$down" -le $((total + 2 * loss)) ] || fail "the kills cost too much"

# 2: front and engine killed together, a new bttui on the same session
"$BTTUI" --headless --session "$W/s2" -p "$(free_port)" -d "$W/dl2" \
    --max-down "$RATE" "$W/t.torrent" > "$W/run2.out" 2> "$W/run2.err" &
FRONT=$!
remember $FRONT
e=$(wait_new_engine "$W/run2.err" "") || fail "no engine started"
wait_pct "$W/run2.out" 40
kill -KILL "$FRONT" "$e"
wait "$FRONT" 2>/dev/null
forget "$FRONT"
# the bytes verified by the last line before the kill
done_pct=$PCT
i=0
while kill -0 "$e" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 50 ] && fail "the killed engine $e is still there"
	sleep 0.1
done
say "front and engine $e killed at $done_pct%"
"$BTTUI" --headless --session "$W/s2" -p "$(free_port)" --max-down "$RATE" \
    > "$W/run3.out" 2> "$W/run3.err" &
FRONT=$!
remember $FRONT
wait "$FRONT"; rc=$?
forget "$FRONT"
[ $rc -eq 0 ] || { tail -n 5 "$W/run3.err"; fail "the restart exited $rc"; }
grep -q '^Download complete' "$W/run3.out" || fail "no 'Download complete'"
line=$(crash_lines "$W/run3.err")
[ -n "$line" ] || fail "the restart did not resume from the record and journal"
grep -q 'checked data on disk' "$W/run3.err" &&
    fail "the restart hashed the data again"
check_restarts "$W/run3.err"
unflushed=$((unflushed + UNFLUSHED))
# 256 KiB pieces (the last one shorter: at most one piece over)
kept=$((GOOD * 262144))
# every piece the last line before the kill counted (each one was written
# by then), but for those written in the 100 ms before the kill and the
# disk queue: 16 MiB
seen=$(( total / 100 * done_pct ))
[ "$kept" -ge $((seen - 16 * 1048576)) ] ||
    fail "kept $kept bytes, but $seen were done at the kill"
same_tree "$W/seed" "$W/dl2" || fail "files differ after the restart"
down=$(session_down "$W/run3.out")
say "the restart downloaded $down bytes; $((total - kept)) were missing"
[ "$down" -ge $((total - kept - 262144)) ] ||
    fail "downloaded less than was missing"
[ "$down" -le $((total - kept + loss)) ] ||
    fail "the restart downloaded kept pieces again"
# Three kills, each after pieces were written since a flush (a second's
# worth at this rate): none found any is a journal without written records
say "pieces written after the last flush, checked at the restarts: $unflushed"
[ "$unflushed" -gt 0 ] || fail "no restart checked unflushed pieces"

# IPv6 on ::1.  A bttui seeder listens on both families at one port; a
# bttui leecher bound to ::1 (--bind ::1) dials it at [::1]:PORT, leaves
# its IPv4 --peer alone, and downloads: the seeder took an incoming IPv6
# connection.  A seeder with --bind ::1 listens there only.  bttui
# downloads from an aria2c seeder listening on [::1].  Every file is
# verified.  Skipped on a machine without ::1.
. tests/integration/lib/swarm.sh
need mktorrent
grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2> /dev/null ||
    skip "this machine has no ::1"
swarm_init

listening() {	# listening PORT: the local addresses listening on TCP PORT
	ss -Htln "( sport = :$1 )" | awk '{ print $4 }' | LC_ALL=C sort |
	    tr '\n' ' '
}

make_payload "$W/seed/payload" 8
mktorrent -a "http://127.0.0.1:9/announce" -l 16 -o "$W/t.torrent" \
    "$W/seed/payload" > /dev/null || fail "mktorrent"

# 1. the seeder: both families, one port
start_bttui_seed "$W/t.torrent" "$W/seed"
got=$(listening "$BSEED_PORT")
say "seeder listens on: $got"
[ "$got" = "0.0.0.0:$BSEED_PORT [::]:$BSEED_PORT " ] ||
    fail "not one socket per family on port $BSEED_PORT"
grep -q "listening on port $BSEED_PORT (IPv4 and IPv6)" "$W/bseed.err" ||
    fail "no 'listening on port $BSEED_PORT (IPv4 and IPv6)'"

# 2. a leecher on ::1 only
"$BTTUI" --headless --session "$W/l1-session" -p "$(free_port)" \
    -d "$W/dl1" --bind ::1 --peer "127.0.0.1:$BSEED_PORT" \
    --peer "[::1]:$BSEED_PORT" "$W/t.torrent" \
    > "$W/l1.out" 2> "$W/l1.err"
rc=$?
[ $rc -eq 0 ] || { cat "$W/l1.err"; fail "leecher 1 exited $rc"; }
grep -q '^Download complete$' "$W/l1.out" || fail "leecher 1: no 'Download complete'"
same_tree "$W/seed" "$W/dl1" || fail "leecher 1's files differ"
grep -q "listening on port [0-9]* at \[::1\]$" "$W/l1.err" ||
    fail "leecher 1 did not say it listens at [::1]"
grep -q "\-\-peer 127.0.0.1:$BSEED_PORT: no --bind address of its family" \
    "$W/l1.err" || fail "leecher 1 did not leave its IPv4 --peer alone"
wait_log "$W/bseed.err" 'peer \[::1\]:[0-9]+ \(bttui [^)]*\) disconnected' 5 ||
    { cat "$W/bseed.err"; fail "the seeder saw no IPv6 peer"; }
say "seeder: $(grep -oE 'peer \[::1\]:[0-9]+ \(bttui[^)]*\)' "$W/bseed.err" | head -n 1)"
stop_pid "$BSEED_PID"

# 3. --bind ::1: that address only
P=$(free_port)
"$BTTUI" --headless --seed --session "$W/s2-session" -p "$P" -d "$W/seed" \
    --bind ::1 "$W/t.torrent" > "$W/s2.out" 2> "$W/s2.err" &
S2=$!
remember $S2
wait_port "$P" || fail "the --bind ::1 seeder did not start"
got=$(listening "$P")
say "seeder with --bind ::1 listens on: $got"
[ "$got" = "[::1]:$P " ] || fail "--bind ::1 listens on $got"
stop_pid "$S2"

# 4. from aria2c on [::1]
if command -v aria2c > /dev/null 2>&1; then
	ARIA2_PORT=$(free_port)
	aria2c --enable-dht=false --enable-dht6=false --bt-enable-lpd=false \
	    --enable-peer-exchange=false --interface=::1 \
	    --listen-port="$ARIA2_PORT" --seed-ratio=0.0 \
	    --bt-seed-unverified=true --check-integrity=false \
	    --dir="$W/seed" --no-conf --quiet=true --summary-interval=0 \
	    "$W/t.torrent" > "$W/aria2.log" 2>&1 &
	ARIA2_PID=$!
	remember $ARIA2_PID
	wait_port "$ARIA2_PORT" || fail "aria2c did not start"
	say "aria2c listens on: $(listening "$ARIA2_PORT")"
	"$BTTUI" --headless --session "$W/l2-session" -p "$(free_port)" \
	    -d "$W/dl2" --peer "[::1]:$ARIA2_PORT" "$W/t.torrent" \
	    > "$W/l2.out" 2> "$W/l2.err"
	rc=$?
	[ $rc -eq 0 ] || { cat "$W/l2.err"; fail "leecher 2 exited $rc"; }
	same_tree "$W/seed" "$W/dl2" || fail "leecher 2's files differ"
	# its only peer: no tracker answers at 127.0.0.1:9
	grep -E "peer \[::1\]:$ARIA2_PORT " "$W/l2.err" | sed 's/^/   /'
	stop_pid "$ARIA2_PID"
else
	say "aria2c is not installed: no download from aria2c on [::1]"
fi
if grep -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$W"/*.err; then
	fail "sanitizer report"
fi
exit 0

# The test relays themselves (tests/tools/udprelay.c, tcprelay.c, with
# udpecho.c as the two ends of a UDP path), before other tests lean on
# them:
#  1. both refuse addresses outside loopback;
#  2. udprelay: 5 % loss each way returns roughly 90 % of 1000 echoes, the
#     same count twice with one seed; reordering loses nothing and puts
#     some echoes out of order; a 50 ms delay each way makes every round
#     trip at least ~100 ms; it works on [::1] too;
#  3. tcprelay: a bttui leecher downloads from a bttui seeder through it
#     with 50 ms each way (the files are verified, and the relay counted
#     more bytes than the payload), and a rate cap of 2048 KiB/s makes a
#     4 MiB download take at least 1.5 s;
#  4. bottleneck (tests/tools/bottleneck.c): 60 echoes of 1000 bytes sent
#     at once through its queue at 64 KiB/s all come back, the last ones
#     delayed by the queue (at least the link time of what is ahead of
#     them, less the burst); with a 100 ms queue the rest are tail-dropped
#     and counted; and a bttui download through its TCP side at 2048 KiB/s
#     arrives intact and takes at least 1.5 s.
# Timings are printed, never asserted, except the lower bounds the relays
# guarantee (they cannot be broken by a slow machine).
. tests/integration/lib/swarm.sh
need mktorrent
T=${BUILD:-build}/tools
for t in udprelay tcprelay udpecho bottleneck; do
	[ -x "$T/$t" ] || skip "$T/$t is not built (make tools)"
done
swarm_init

# start TOOL NAME ARGS..: runs the tool with stderr in $W/NAME.err until it
# says it listens; sets PID and PORT (the port it bound: they take -l 0).
start() {
	tool=$1 name=$2
	shift 2
	"$T/$tool" "$@" 2> "$W/$name.err" &
	PID=$!
	remember $PID
	wait_log "$W/$name.err" "^$tool: listening on [0-9]+" 5 ||
	    { cat "$W/$name.err"; fail "$name did not start"; }
	PORT=$(sed -n "s/^$tool: listening on \([0-9]*\).*/\1/p" \
	    "$W/$name.err")
}

# stop NAME: SIGTERM to the tool whose pid is $PID; it must exit 0
# (with a sanitizer build, a leak or an error would not)
stop() {
	kill -TERM "$PID"
	i=0
	while kill -0 "$PID" 2> /dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	kill -KILL "$PID" 2> /dev/null
	wait "$PID"
	rc=$?
	forget "$PID"
	[ $rc -eq 0 ] || { cat "$W/$1.err"; fail "$1 exited $rc on SIGTERM"; }
}

field() {	# field FILE WORD: the number after WORD in FILE's last line
	tail -n 1 "$1" | sed -n "s/.* $2 \([0-9]*\).*/\1/p"
}

count() {	# count FILE up|down WORD: one of udprelay's final counters
	tail -n 1 "$1" | tr ';' '\n' | grep " $2 forwarded " |
	    sed -n "s/.* $3 \([0-9]*\).*/\1/p"
}

# ---- 1. loopback only ----
refused() {	# refused TOOL ARGS..: exits 1 with a reason
	"$T/$@" > /dev/null 2> "$W/refused.err"
	rc=$?
	[ $rc -eq 1 ] || fail "$* exited $rc, not 1"
	grep -qE "out of range|not understood" "$W/refused.err" ||
	    fail "$*: no reason given: $(cat "$W/refused.err")"
}
refused udprelay -l 0 -t 192.0.2.1:9
refused udprelay -l 0 -t 9 -b 0.0.0.0
refused tcprelay -l 0 -t "[2001:db8::1]:9"
refused tcprelay -l 0 -t localhost:9
refused tcprelay -l 0 -t 9 -b 10.0.0.1
refused udprelay -l 0 -t 9 -d 600 -r 600
refused bottleneck -r 64 -U 0:192.0.2.1:9
refused bottleneck -r 64 -T 0:localhost:9
refused bottleneck -r 0 -T 0:9
say "non-loopback targets and binds are refused"

# ---- 2. udprelay ----
start udpecho echo -l 0
ECHO=$PORT
ECHO_PID=$PID

# probe NAME RELAY-ARGS..: 1000 echoes (PROBE_N) through a fresh udprelay
# at PROBE_HOST (127.0.0.1); udpecho's line in $W/NAME.out, the relay's
# counters in $W/NAME.err
probe() {
	name=$1
	shift
	start udprelay "$name" -l 0 -t "$ECHO" "$@"
	"$T/udpecho" -c "${PROBE_HOST:-127.0.0.1}:$PORT" -n "${PROBE_N:-1000}" \
	    -w 500 > "$W/$name.out" || fail "udpecho -c exited $?"
	stop "$name"
	grep -q "^udprelay: up forwarded" "$W/$name.err" ||
	    fail "$name: no counters when stopped: $(cat "$W/$name.err")"
	say "$name: $(cat "$W/$name.out")"
	say "$name: $(tail -n 1 "$W/$name.err")"
}

probe loss -d 50 -s 1
got=$(field "$W/loss.out" received)
[ "$got" -ge 850 ] && [ "$got" -le 990 ] ||
    fail "5 % loss each way returned $got of 1000 echoes"
up=$(($(count "$W/loss.err" up forwarded) + $(count "$W/loss.err" up dropped)))
[ "$up" = 1000 ] ||
    fail "the relay accounted for $up of 1000 datagrams going up"
[ "$(count "$W/loss.err" up dropped)" -gt 0 ] &&
    [ "$(count "$W/loss.err" down dropped)" -gt 0 ] ||
    fail "the relay did not drop in both directions"
[ "$(count "$W/loss.err" down forwarded)" = "$got" ] ||
    fail "udpecho received $got, the relay forwarded another number down"
probe loss-again -d 50 -s 1
again=$(field "$W/loss-again.out" received)
[ "$again" = "$got" ] || fail "seed 1 returned $got, then $again"

probe reorder -r 100 -s 2
[ "$(field "$W/reorder.out" received)" = 1000 ] ||
    fail "reordering lost echoes"
[ "$(field "$W/reorder.out" out-of-order)" -gt 0 ] ||
    fail "-r 100 put nothing out of order"
[ "$(field "$W/reorder.out" duplicates)" = 0 ] || fail "duplicates"
[ "$(count "$W/reorder.err" up reordered)" -gt 0 ] &&
    [ "$(count "$W/reorder.err" down reordered)" -gt 0 ] ||
    fail "the relay did not reorder in both directions"

PROBE_N=200 probe delay -D 50 -s 3
[ "$(field "$W/delay.out" received)" = 200 ] || fail "the delay lost echoes"
min=$(sed -n 's/.* rtt-ms min \([0-9]*\).*/\1/p' "$W/delay.out")
[ "$min" -ge 95 ] || fail "50 ms each way, yet a round trip of $min ms"

if grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 \
    2> /dev/null; then
	PROBE_N=100 PROBE_HOST="[::1]" probe v6 -b ::1 -d 0
	[ "$(field "$W/v6.out" received)" = 100 ] || fail "lost echoes on ::1"
else
	say "no ::1 here: the IPv6 case is skipped"
fi
# bneck NAME ARGS..: a bottleneck with stderr in $W/NAME.err until it
# listens; sets PID, BN_TCP and BN_UDP (its first ports of each kind)
bneck() {
	name=$1
	shift
	"$T/bottleneck" "$@" 2> "$W/$name.err" &
	PID=$!
	remember $PID
	wait_log "$W/$name.err" \
	    "^bottleneck: listening on (TCP|UDP) [0-9]+" 5 ||
	    { cat "$W/$name.err"; fail "$name did not start"; }
	BN_TCP=$(sed -n 's/^bottleneck: listening on.* TCP \([0-9]*\).*/\1/p' \
	    "$W/$name.err")
	BN_UDP=$(sed -n 's/^bottleneck: listening on.* UDP \([0-9]*\).*/\1/p' \
	    "$W/$name.err")
}

bcount() {	# bcount FILE tcp|udp WORD: one of bottleneck's counters
	tail -n 1 "$1" | tr ';' '\n' | grep " $2 down " |
	    sed -n "s/.* $3 \([0-9]*\).*/\1/p"
}

# 60 kB at 64 KiB/s: ~900 ms of link time, less its burst of 16 KiB
# (250 ms): sent at once, the last echo waits ~650 ms behind the rest
# (300 ms leaves room for a slow prober)
bneck bn-udp -r 64 -q 1000 -U "0:$ECHO"
"$T/udpecho" -c "127.0.0.1:$BN_UDP" -n 60 -S 1000 -i 0 -w 1000 \
    > "$W/bn-udp.out" || fail "udpecho -c exited $?"
stop bn-udp
say "bottleneck 64 KiB/s: $(cat "$W/bn-udp.out")"
say "bn-udp: $(tail -n 1 "$W/bn-udp.err")"
[ "$(field "$W/bn-udp.out" received)" = 60 ] ||
    fail "a queue of 64 KiB lost some of 60 kB"
max=$(sed -n 's/.* rtt-ms min [0-9]* max \([0-9]*\).*/\1/p' "$W/bn-udp.out")
[ "$max" -ge 300 ] || fail "60 kB through 64 KiB/s, yet no echo waited 300 ms"
[ "$(bcount "$W/bn-udp.err" udp max-delay-ms)" -ge 300 ] ||
    fail "the bottleneck saw no queue delay of 300 ms"
[ "$(bcount "$W/bn-udp.err" udp down)" = 60000 ] ||
    fail "the bottleneck did not count 60000 bytes down"

# 100 ms at 64 KiB/s is 6553 bytes: most of a 40 kB burst is dropped
bneck bn-drop -r 64 -q 100 -U "0:$ECHO"
"$T/udpecho" -c "127.0.0.1:$BN_UDP" -n 40 -S 1000 -i 0 -w 500 \
    > "$W/bn-drop.out" || fail "udpecho -c exited $?"
stop bn-drop
say "bottleneck 100 ms queue: $(cat "$W/bn-drop.out")"
got=$(field "$W/bn-drop.out" received)
dropped=$(bcount "$W/bn-drop.err" udp dropped)
[ "$got" -lt 40 ] && [ "$((got + dropped))" = 40 ] ||
    fail "a 6553-byte queue returned $got of 40 and dropped $dropped"

PID=$ECHO_PID
stop echo
grep -q '^udpecho: echoed [1-9]' "$W/echo.err" ||
    fail "the echo server counted nothing"

# ---- 3. tcprelay in front of a bttui seeder ----
make_payload "$W/seed/payload" 4
size=$(find "$W/seed/payload" -type f -exec cat {} + | wc -c)
# no tracker (port 9 refuses), no DHT: the relay is the only way
mktorrent -a "http://127.0.0.1:9/announce" -l 16 -o "$W/t.torrent" \
    "$W/seed/payload" > /dev/null || fail "mktorrent"
start_bttui_seed "$W/t.torrent" "$W/seed" --no-dht

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# leech NAME RELAY-ARGS..: downloads through a fresh tcprelay; sets MS
leech() {
	name=$1
	shift
	start tcprelay "$name" -l 0 -t "$BSEED_PORT" "$@"
	t0=$(now_ms)
	timeout -k 5 120 "$BTTUI" --headless --no-dht -p "$(free_port)" \
	    --session "$W/session-$name" -d "$W/dl-$name" \
	    --peer "127.0.0.1:$PORT" "$W/t.torrent" \
	    > "$W/leech-$name.out" 2> "$W/leech-$name.err"
	rc=$?
	MS=$(( $(now_ms) - t0 ))
	stop "$name"
	[ $rc -eq 0 ] || { tail -n 5 "$W/leech-$name.err"; \
	    fail "$name: the leecher exited $rc"; }
	same_tree "$W/seed" "$W/dl-$name" || fail "$name: files differ"
	say "$name: $size bytes in $MS ms"
	say "$name: $(tail -n 1 "$W/$name.err")"
	down=$(sed -n 's/.*; down forwarded \([0-9]*\) bytes.*/\1/p' \
	    "$W/$name.err")
	[ "${down:-0}" -gt "$size" ] ||
	    fail "$name: the relay forwarded ${down:-no} bytes down of $size"
}

leech delay -D 50
leech rate -r 2048
[ "$MS" -ge 1500 ] || fail "4 MiB at 2048 KiB/s took only $MS ms"

# ---- 4. bottleneck's TCP side in front of the same seeder ----
bneck bn-tcp -r 2048 -T "0:$BSEED_PORT"
t0=$(now_ms)
timeout -k 5 120 "$BTTUI" --headless --no-dht -p "$(free_port)" \
    --session "$W/session-bn" -d "$W/dl-bn" \
    --peer "127.0.0.1:$BN_TCP" "$W/t.torrent" \
    > "$W/leech-bn.out" 2> "$W/leech-bn.err"
rc=$?
MS=$(( $(now_ms) - t0 ))
stop bn-tcp
[ $rc -eq 0 ] || { tail -n 5 "$W/leech-bn.err"; \
    fail "bottleneck: the leecher exited $rc"; }
same_tree "$W/seed" "$W/dl-bn" || fail "bottleneck: files differ"
say "bottleneck 2048 KiB/s: $size bytes in $MS ms"
say "bn-tcp: $(tail -n 1 "$W/bn-tcp.err")"
[ "$(bcount "$W/bn-tcp.err" tcp down)" -gt "$size" ] ||
    fail "bottleneck: fewer bytes down than the payload"
[ "$MS" -ge 1500 ] || fail "4 MiB at 2048 KiB/s took only $MS ms"

# MSE/PE (issue 14) against the clients that speak it, every file verified:
#  1. bttui (--encryption require) downloads from transmission-cli -er
#     (encryption required);
#  2. bttui (default: prefer) downloads from aria2c --bt-require-crypto;
#  3. aria2c --bt-require-crypto downloads from a bttui seeder with
#     --encryption require (aria2c dials: our responder);
#  4. bttui to bttui both ways with --encryption require (the leecher
#     dials, then the seeder dials);
#  5. a bttui that requires encryption refuses a plaintext bttui, and the
#     plaintext one says why;
#  6. prefer falls back to plaintext with a peer that refuses MSE;
#  7. prefer to prefer: an MSE handshake, and the plaintext payload.
# Each connection's log line says how it travels ("encrypted (RC4)").
. tests/integration/lib/swarm.sh
need opentracker aria2c transmission-cli mktorrent
swarm_init

make_payload "$W/seed/payload" 4
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 15 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"

# leech NAME [bttui options...]: downloads t.torrent into $W/NAME within
# 120 s, files checked; its log is $W/NAME.err
leech() {
	n=$1
	shift
	timeout 120 "$BTTUI" --headless --session "$W/$n-session" \
	    -p "$(free_port)" -d "$W/$n" "$@" "$W/t.torrent" \
	    > "$W/$n.out" 2> "$W/$n.err"
	rc=$?
	[ $rc -eq 0 ] || { tail -n 8 "$W/$n.err"; fail "$n: bttui exited $rc"; }
	same_tree "$W/seed" "$W/$n" > /dev/null || fail "$n: files differ"
}

# says FILE ERE WHAT: the log has a line matching ERE
says() {
	grep -Eq "$2" "$1" || { tail -n 8 "$1"; fail "$3"; }
}

# 1. transmission-cli requiring encryption
TR_PORT=$(free_port)
tr_settings "$W/tr-er"
transmission-cli -D -U -M -er -p "$TR_PORT" -w "$W/seed" -g "$W/tr-er" \
    "$W/t.torrent" > "$W/tr-er.log" 2>&1 &
TR_PID=$!
remember $TR_PID
wait_port "$TR_PORT" || fail "transmission-cli did not start"
leech tr --encryption require --peer "127.0.0.1:$TR_PORT"
says "$W/tr.err" "127.0.0.1:$TR_PORT \(Transmission[^)]*\): connected, TCP, \
encrypted \(RC4\)" "no RC4 connection to transmission -er"
say "from transmission-cli -er: RC4, files match"
stop_pid "$TR_PID"

# 2. aria2c requiring encryption, bttui as it comes (prefer)
ARIA2_OPTS="--bt-require-crypto=true --bt-min-crypto-level=arc4"
start_aria2_seed "$W/t.torrent" "$W/seed" crypto
ARIA2_OPTS=""
leech ar --peer "127.0.0.1:$ARIA2_PORT"
says "$W/ar.err" "127.0.0.1:$ARIA2_PORT \(aria2[^)]*\): connected, TCP, \
encrypted \(RC4\)" "no RC4 connection to aria2c --bt-require-crypto"
say "from aria2c --bt-require-crypto: RC4, files match"
stop_pid "$ARIA2_PID"

# 3. aria2c requiring encryption downloads from bttui requiring it
start_bttui_seed "$W/t.torrent" "$W/seed" --encryption require
wait_seeders "$H" 1
timeout 120 aria2c --enable-dht=false --enable-dht6=false \
    --bt-enable-lpd=false --enable-peer-exchange=false \
    --bt-require-crypto=true --bt-min-crypto-level=arc4 \
    --interface=127.0.0.1 --listen-port="$(free_port)" --seed-time=0 \
    --file-allocation=none --dir="$W/aria2-dl" --no-conf --quiet=true \
    --summary-interval=0 "$W/t.torrent" > "$W/aria2-dl.log" 2>&1 ||
    { tail -n 5 "$W/aria2-dl.log"; tail -n 5 "$W/bseed.err";
      fail "aria2c --bt-require-crypto could not download from bttui"; }
same_tree "$W/seed" "$W/aria2-dl" > /dev/null || fail "aria2c's files differ"
says "$W/bseed.err" "\(aria2[^)]*\): connected, TCP, encrypted \(RC4\)" \
    "the seeder logged no RC4 connection from aria2c"
say "aria2c --bt-require-crypto from bttui --encryption require: files match"

# 4a. bttui to bttui, the leecher dials
leech b1 --encryption require --peer "127.0.0.1:$BSEED_PORT"
says "$W/b1.err" "127.0.0.1:$BSEED_PORT \(bttui[^)]*\): connected, \
(TCP|uTP), encrypted \(RC4\)" "bttui to bttui: no RC4 connection"
# 4b. the seeder dials the leecher (a seeder of its own, told the port)
LP=$(free_port)
stop_pid "$BSEED_PID" INT
"$BTTUI" --headless --session "$W/b2-session" -p "$LP" -d "$W/b2" \
    --encryption require "$W/t.torrent" > "$W/b2.out" 2> "$W/b2.err" &
B2=$!
remember $B2
wait_port "$LP" || fail "the leecher did not start"
start_bttui_seed "$W/t.torrent" "$W/seed" --encryption require \
    --peer "127.0.0.1:$LP"
i=0
while kill -0 "$B2" 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.2; i=$((i + 1))
done
wait "$B2" || { tail -n 8 "$W/b2.err"; fail "b2: the leecher failed"; }
forget "$B2"
same_tree "$W/seed" "$W/b2" > /dev/null || fail "b2: files differ"
says "$W/bseed.err" "127.0.0.1:$LP \(bttui[^)]*\): connected, \
(TCP|uTP), encrypted \(RC4\)" "the seeder's dial was not RC4"
say "bttui to bttui, both ways, --encryption require: RC4, files match"

# 5. plaintext against require: refused, and both sides say so
timeout 15 "$BTTUI" --headless --session "$W/p-session" -p "$(free_port)" \
    -d "$W/p" --encryption off --peer "127.0.0.1:$BSEED_PORT" \
    "$W/t.torrent" > "$W/p.out" 2> "$W/p.err"
says "$W/bseed.err" "plaintext handshake refused \(--encryption require\)" \
    "the seeder did not refuse a plaintext handshake"
says "$W/p.err" "127.0.0.1:$BSEED_PORT: closed the connection right after \
our handshake" "the plaintext leecher did not say it was refused"
[ -e "$W/p/payload/small.txt" ] && cmp -s "$W/p/payload/small.txt" \
    "$W/seed/payload/small.txt" && fail "a plaintext peer got data"
say "a plaintext peer is refused by --encryption require"
stop_pid "$BSEED_PID" INT

# 6. prefer meets a peer that refuses MSE: plaintext at once
start_bttui_seed "$W/t.torrent" "$W/seed" --encryption off
leech f --peer "127.0.0.1:$BSEED_PORT"
says "$W/bseed.err" "encrypted handshake \(MSE\) refused" \
    "the seeder with --encryption off did not refuse MSE"
says "$W/f.err" "127.0.0.1:$BSEED_PORT \(bttui[^)]*\): connected, \
(TCP|uTP), plaintext" "prefer did not fall back to plaintext"
say "prefer falls back to plaintext: files match"
stop_pid "$BSEED_PID" INT

# 7. prefer meets prefer: the handshake is MSE, and the responder takes
# the plaintext payload that the dialler offers too (as libtorrent and
# aria2c do: RC4 costs more CPU than the rest of sending a piece)
start_bttui_seed "$W/t.torrent" "$W/seed"
leech g --peer "127.0.0.1:$BSEED_PORT"
says "$W/g.err" "127.0.0.1:$BSEED_PORT \(bttui[^)]*\): connected, \
(TCP|uTP), MSE handshake, plaintext" "prefer to prefer: not MSE + plaintext"
say "prefer to prefer: MSE handshake, plaintext payload, files match"
exit 0

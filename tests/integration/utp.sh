# uTP (BEP 29, issue 14), every file verified:
#  1. bttui to bttui with TCP switched off on both sides
#     (BTTUI_TEST_NO_TCP: no TCP listening, no TCP dialling);
#  2. bttui downloads from transmission-cli over uTP (its log line says
#     "connected, uTP");
#  3. the same as 1 through udprelay dropping 5 % of the datagrams each
#     way and reordering 2 %: the download completes;
#  4. a peer without uTP (aria2c): the uTP dial finds nobody and bttui
#     goes on over TCP.
. tests/integration/lib/swarm.sh
need opentracker transmission-cli aria2c mktorrent
T=${BUILD:-build}/tools
[ -x "$T/udprelay" ] || skip "$T/udprelay is not built (make tools)"
swarm_init

make_payload "$W/seed/payload" 8
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 16 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
# the same info dictionary without a tracker: the uTP-only and lossy
# downloads must not find the seeder any other way
mktorrent -l 16 -o "$W/t0.torrent" "$W/seed/payload" > /dev/null ||
    fail "mktorrent"
H=$(infohash "$W/t.torrent")
[ "$(infohash "$W/t0.torrent")" = "$H" ] || fail "info-hashes differ"
start_tracker "$H"

says() {	# says FILE ERE WHAT
	grep -Eq "$2" "$1" || { tail -n 8 "$1"; fail "$3"; }
}

# leech NAME SECONDS [bttui options...]: downloads into $W/NAME, checked
# (TORRENT: which .torrent, t.torrent by default)
leech() {
	n=$1 s=$2
	shift 2
	timeout "$s" "$BTTUI" --headless --no-dht --session "$W/$n-session" \
	    -p "$(free_port)" -d "$W/$n" "$@" "$W/${TORRENT:-t.torrent}" \
	    > "$W/$n.out" 2> "$W/$n.err"
	rc=$?
	[ $rc -eq 0 ] || { tail -n 8 "$W/$n.err"; fail "$n: bttui exited $rc"; }
	same_tree "$W/seed" "$W/$n" > /dev/null || fail "$n: files differ"
}

# 1. uTP alone
export BTTUI_TEST_NO_TCP=1
BSEED_PORT=$(free_port)
"$BTTUI" --headless --seed --no-dht -p "$BSEED_PORT" -d "$W/seed" \
    --session "$W/bseed-session" "$W/t0.torrent" > "$W/bseed.out" \
    2> "$W/bseed.err" &
BSEED_PID=$!
remember $BSEED_PID
# (no TCP: wait for its UDP socket instead)
i=0
until ss -Hun "( sport = :$BSEED_PORT )" | grep -q . || [ $i -gt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
TORRENT=t0.torrent
leech u 120 --peer "127.0.0.1:$BSEED_PORT"
says "$W/u.err" "127.0.0.1:$BSEED_PORT \(bttui[^)]*\): connected, uTP" \
    "bttui to bttui: no uTP connection"
[ -z "$(ss -Htln "( sport = :$BSEED_PORT )")" ] ||
    fail "the seeder listens on TCP with BTTUI_TEST_NO_TCP"
say "bttui to bttui over uTP alone: files match"

# 3. through a relay that drops 5 % and reorders 2 %
"$T/udprelay" -l 0 -t "$BSEED_PORT" -d 50 -r 20 -s 7 2> "$W/relay.err" &
RELAY=$!
remember $RELAY
i=0
until grep -q "listening on" "$W/relay.err" || [ $i -gt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
RP=$(sed -n 's/^udprelay: listening on \([0-9]*\).*/\1/p' "$W/relay.err")
[ -n "$RP" ] || fail "udprelay did not start"
leech lossy 240 --peer "127.0.0.1:$RP"
stop_pid "$RELAY" TERM
dropped=$(grep -o 'dropped [0-9]*' "$W/relay.err" |
    awk '{ s += $2 } END { print s + 0 }')
say "uTP through 5 % loss and 2 % reordering: files match ($dropped \
datagrams dropped)"
[ "$dropped" -gt 0 ] || fail "the relay dropped nothing"
stop_pid "$BSEED_PID" INT
unset BTTUI_TEST_NO_TCP TORRENT

# 2. transmission-cli with uTP on (swarm.sh turns it off: not here)
TR_PORT=$(free_port)
mkdir -p "$W/tr"
cat > "$W/tr/settings.json" <<JSON
{ "dht-enabled": false, "lpd-enabled": false, "pex-enabled": false,
  "port-forwarding-enabled": false, "utp-enabled": true,
  "ratio-limit-enabled": false, "bind-address-ipv4": "127.0.0.1",
  "rpc-enabled": false }
JSON
transmission-cli -D -U -M -et -p "$TR_PORT" -w "$W/seed" -g "$W/tr" \
    "$W/t.torrent" > "$W/tr.log" 2>&1 &
TR_PID=$!
remember $TR_PID
wait_port "$TR_PORT" || fail "transmission-cli did not start"
leech tr 120 --peer "127.0.0.1:$TR_PORT"
says "$W/tr.err" "127.0.0.1:$TR_PORT \(Transmission[^)]*\): connected, uTP" \
    "no uTP connection to transmission-cli"
say "from transmission-cli over uTP: files match"
stop_pid "$TR_PID" INT

# 4. aria2c has no uTP: TCP after the uTP dial fails
start_aria2_seed "$W/t.torrent" "$W/seed"
leech ar 120 --peer "127.0.0.1:$ARIA2_PORT"
says "$W/ar.err" "\(aria2[^)]*\): connected, TCP" \
    "no TCP connection to aria2c after the uTP dial"
say "aria2c (no uTP): TCP after the uTP dial, files match"
exit 0

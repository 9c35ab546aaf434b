# The fast extension (BEP 6) and the extension protocol (BEP 10, BEP 9)
# against the real engine, with hostile_peer's two checking modes, each of
# which dials bttui with the fast and extension bits set:
#   fastcheck  a bttui seeder: its extended handshake and HAVE_ALL (not a
#              BITFIELD), then ALLOWED_FAST for the set BEP 6 computes for
#              127.0.0.1; while choked, REJECT_REQUEST for a piece outside
#              the set and the right bytes for one inside it; the metadata
#              through ut_metadata, whose SHA-1 is the info-hash;
#   fastleech  a bttui leecher that is downloading from that seeder but has
#              no piece yet: HAVE_NONE (not an empty BITFIELD), the same
#              allowed fast set, and rejects, the allowed piece included
#              (it lacks it).
# Neither bttui may log a protocol error or drop anyone but our probes, and
# the seeder's engine must still be the one it started with.
. tests/integration/lib/swarm.sh
HP=${BUILD:-build}/tools/hostile_peer
[ -x "$HP" ] || skip "$HP is not built (make tools)"
swarm_init

# 8 MiB in 256 KiB pieces: 33 pieces, so some lie outside the allowed fast
# set of 10, and a leecher at 16 KiB/s needs 16 s for its first piece.
make_payload "$W/seed/payload" 8
"$BTTUI" --create "$W/seed/payload" -a "http://127.0.0.1:1/announce" \
    --piece-size 256K -o "$W/t.torrent" > /dev/null || fail "bttui --create"

probe() {	# probe MODE PORT [options]: runs hostile_peer, shows its lines
	m=$1 p=$2
	shift 2
	"$HP" "$m" "$W/t.torrent" --connect "127.0.0.1:$p" "$@" \
	    > "$W/hp-$m.out" 2>&1
	rc=$?
	sed -n 's/^hostile [a-z]* #1: /   /p' "$W/hp-$m.out"
	[ $rc -eq 0 ] && grep -q 'all checks passed' "$W/hp-$m.out" ||
	    { grep -v '^hostile ' "$W/hp-$m.out"; fail "$m: exit $rc"; }
	# its local port, as bttui names it in the log
	PROBE_PORT=$(sed -n 's/.*connected from 127.0.0.1:\([0-9]*\)$/\1/p' \
	    "$W/hp-$m.out")
}

ALARMING='protocol error|bad extended handshake|bad ut_metadata'
ALARMING="$ALARMING|fast extension message|requested a block|buffer full"
ALARMING="$ALARMING|out of memory|stalled|stopped responding|restarted"
ALARMING="$ALARMING|crash|runtime error|Sanitizer"
quiet() {	# quiet NAME FILE PROBE_PORT: nothing alarming in bttui's log
	if grep -E "$ALARMING" "$2"; then
		fail "$1 logged the lines above"
	fi
	# the probe hung up; nobody else may have been dropped
	if grep 'disconnected: ' "$2" |
	    grep -v "127.0.0.1:$3 (hostile_peer) disconnected: closed by peer"
	then
		fail "$1 dropped a peer (above)"
	fi
}

start_bttui_seed "$W/t.torrent" "$W/seed"
wait_log "$W/bseed.err" 'checked data on disk: ([0-9]*) of \1 pieces good' ||
    { cat "$W/bseed.err"; fail "the seeder did not check its data"; }
SEED_ENGINE=$(engine_pid "$W/bseed.err")
say "fastcheck against the seeder:"
probe fastcheck "$BSEED_PORT" -d "$W/seed"
SEED_PROBE=$PROBE_PORT

# The leecher dials the seeder.  Its limit is low enough that no piece can
# be complete when we probe it, and not lower: the download limit also
# gates reading our REQUEST (at 1 KiB/s the engine reads input once every
# 16 s, past the probe's 10 s wait for an answer).
LP=$(free_port)
"$BTTUI" --headless --session "$W/L-session" -p "$LP" -d "$W/dl" \
    --max-down 16 --peer "127.0.0.1:$BSEED_PORT" "$W/t.torrent" \
    > "$W/L.out" 2> "$W/L.err" &
L_PID=$!
remember $L_PID
wait_port "$LP" || fail "the leecher does not listen"
wait_log "$W/L.err" 'started from the queue' ||
    { cat "$W/L.err"; fail "the leecher did not start its torrent"; }
say "fastleech against the leecher:"
probe fastleech "$LP"
LEECH_PROBE=$PROBE_PORT

# Both bttuis go on: the seeder serves the leecher, with the same engine.
sleep 2
kill -0 "$BSEED_PID" 2>/dev/null || fail "the seeder exited"
kill -0 "$L_PID" 2>/dev/null || fail "the leecher exited"
[ "$(engine_pid "$W/bseed.err")" = "$SEED_ENGINE" ] ||
    fail "the seeder's engine was restarted"
quiet seeder "$W/bseed.err" "$SEED_PROBE"
quiet leecher "$W/L.err" "$LEECH_PROBE"
stop_pid "$L_PID" INT
stop_pid "$BSEED_PID" INT
# more than the one block fastcheck was given: the leecher got data too
up=$(sed -n 's/^Session: .*uploaded \([0-9]*\) bytes.*/\1/p' "$W/bseed.out")
[ "${up:-0}" -gt 16384 ] || fail "the seeder uploaded ${up:-0} bytes"
say "seeder and leecher ran on (the seeder uploaded $up bytes); nothing" \
    "alarming logged"
exit 0

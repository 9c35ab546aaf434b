# Hostile peers (tests/tools/hostile_peer.c) against bttui, three runs at
# once, each with its own rate-limited bttui seeder so that every download
# lasts a while:
#   A  a liar serving corrupt blocks: its pieces fail, bttui bans it after 3
#      and gets them again from the honest seeder;
#   B  one peer per protocol violation (huge length, bad bitfield, HAVE and
#      REQUEST past the end, unasked blocks, another torrent's handshake, a
#      handshake cut short, a request flood while choked): each is dropped or
#      ignored, with a log line where bttui logs one;
#   C  200 connections at once against --max-peers 20: the excess is refused
#      and the engine never stalls.
# Every honest download must complete (exit 0) with the right files.
# BADPIECES_PIECE (default 256K) sets the piece size of run A's torrent: with
# 16 blocks a piece the liar and the honest seeder share pieces, so bttui must
# find the liar by comparing the failed copy with the good one (with 16K, one
# block a piece, every failed piece has a single sender).
# Each leecher gets 50 s at most.
. tests/integration/lib/swarm.sh
need mktorrent
HP=${BUILD:-build}/tools/hostile_peer
[ -x "$HP" ] || skip "$HP is not built (make tools)"
swarm_init

# 16 KiB pieces: one block per piece, so a failed piece has one sender.
make_payload "$W/seed/payload" 12
"$BTTUI" --create "$W/seed/payload" -a "http://127.0.0.1:1/announce" \
    --piece-size "${BADPIECES_PIECE:-256K}" -o "$W/a.torrent" > /dev/null ||
    fail "bttui --create"
mktorrent -a "http://127.0.0.1:1/announce" -l 16 -o "$W/t.torrent" \
    "$W/seed/payload" > /dev/null || fail "mktorrent"

seeder() {	# seeder NAME TORRENT KIB/S: sets SEED_PORT
	SEED_PORT=$(free_port)
	XDG_STATE_HOME="$W/state-$1" "$BTTUI" --headless --seed \
	    -p "$SEED_PORT" -d "$W/seed" --max-up "$3" "$2" \
	    > "$W/$1.out" 2> "$W/$1.err" &
	remember $!
	wait_port "$SEED_PORT" || fail "seeder $1 did not start"
}

hostile() {	# hostile MODE TORRENT NAME [options]: listens; sets HPORT
	m=$1 t=$2 n=$3
	shift 3
	HPORT=$(free_port)
	"$HP" "$m" "$t" --listen "$HPORT" "$@" > "$W/hp-$n.out" 2>&1 &
	remember $!
	wait_port "$HPORT" || fail "hostile peer $n did not start"
}

leecher() {	# leecher NAME TORRENT PORT [options]: sets LPID; 50 s at most
	n=$1 t=$2 p=$3
	shift 3
	XDG_STATE_HOME="$W/state-$n" timeout -k 5 50 "$BTTUI" --headless \
	    -p "$p" -d "$W/dl-$n" "$@" "$t" > "$W/$n.out" 2> "$W/$n.err" &
	LPID=$!
	remember $LPID
}

finish() {	# finish NAME PID: waits, checks exit 0, files, no stall
	wait "$2"; rc=$?
	forget "$2"
	[ $rc -eq 124 ] && fail "run $1 did not complete within 50 s"
	[ $rc -eq 0 ] || { tail -n 5 "$W/$1.err"; fail "run $1 exited $rc"; }
	grep -q 'engine stalled' "$W/$1.err" && fail "run $1: engine stalled"
	same_tree "$W/seed" "$W/dl-$1" || fail "run $1: files differ"
}

logged() {	# logged RUN PATTERN WHAT
	grep -q -- "$2" "$W/$1.err" || { cat "$W/$1.err"; fail "run $1: $3"; }
}

# --- start all three runs ---
seeder sa "$W/a.torrent" 1024
SA=$SEED_PORT
seeder sb "$W/t.torrent" 448		# 12 MiB in ~27 s: past the 20 s
SB=$SEED_PORT				# handshake timeout
seeder sc "$W/t.torrent" 1024
SC=$SEED_PORT

hostile badpieces "$W/a.torrent" liar -d "$W/seed" --hold 50
LIAR=$HPORT
leecher A "$W/a.torrent" "$(free_port)" --peer "127.0.0.1:$SA" \
    --peer "127.0.0.1:$LIAR"
APID=$LPID

peers=""
for m in hugelen badbitfield havepastend requestpastend unaskedpiece \
    wronghash halfhandshake requestflood; do
	hostile "$m" "$W/t.torrent" "$m" --hold 50
	eval "P_$m=$HPORT"
	peers="$peers --peer 127.0.0.1:$HPORT"
done
LB=$(free_port)
leecher B "$W/t.torrent" "$LB" --peer "127.0.0.1:$SB" $peers
BPID=$LPID
LC=$(free_port)
leecher C "$W/t.torrent" "$LC" --max-peers 20 --peer "127.0.0.1:$SC"
CPID=$LPID

# incoming connections too: another torrent's handshake, a cut one
wait_port "$LB" || fail "leecher B does not listen"
for m in wronghash halfhandshake; do
	"$HP" "$m" "$W/t.torrent" --connect "127.0.0.1:$LB" --hold 50 \
	    > "$W/hp-$m-in.out" 2>&1 &
	remember $!
done

# run C: once the download is under way, 200 connections for 8 s
wait_port "$LC" || fail "leecher C does not listen"
sleep 2
"$HP" manyconns "$W/t.torrent" --connect "127.0.0.1:$LC" -n 200 --hold 8 \
    > "$W/hp-many.out" 2>&1 || fail "hostile manyconns failed"

# dropped RUN SEEDER PORT: RUN's log says the honest SEEDER at PORT was
# dropped.  Once RUN has every piece, either side drops the other ("both
# seeds, nothing to trade" in the log of the side that did, "closed by
# peer" in the other's), maybe before RUN logs its completion: that is
# not a drop.
dropped() {
	lines=$(grep "127.0.0.1:$3.* disconnected\|127.0.0.1:$3 sent" \
	    "$W/$1.err" | grep -v "disconnected: both seeds, nothing to trade$") ||
	    return 1
	echo "$lines" | grep -qv "disconnected: closed by peer$" && return 0
	! grep -q "disconnected: both seeds, nothing to trade" "$W/$2.err"
}

# --- A: the liar ---
finish A "$APID"
logged A "peer 127.0.0.1:$LIAR sent 3 bad pieces: banned" "liar not banned"
logged A "127.0.0.1:$LIAR .*disconnected: banned after 3 hash failures" \
    "liar not dropped"
n=$(grep -c 'failed its hash check' "$W/A.err")
[ "$n" -ge 3 ] || fail "run A: $n failed pieces, want >= 3"
dropped A sa "$SA" && fail "run A: the honest seeder was dropped"
# (a first connection may be bttui's MSE handshake, which the liar does
# not speak: bttui then dials it in plaintext, and is served the lies)
awk '/corrupt blocks/ { served = 1; next } served && /connected/ { bad = 1 }
    END { exit !bad }' "$W/hp-liar.out" &&
    fail "run A: bttui dialled the banned liar again"
say "A: $n pieces failed, liar banned, download complete"

# --- C: too many connections ---
finish C "$CPID"
line=$(grep 'after the hold' "$W/hp-many.out") || fail "run C: no report"
open=$(echo "$line" | sed -n 's/.* \([0-9]*\) answered and open.*/\1/p')
refused=$(echo "$line" | sed -n 's/.* \([0-9]*\) closed by bttui.*/\1/p')
say "C: ${line#*: }"
[ "${open:-0}" -ge 1 ] && [ "$open" -le 19 ] ||
    fail "run C: $open hostile connections kept, want 1..19"
[ "$refused" -ge 181 ] || fail "run C: only $refused refused"
dropped C sc "$SC" && fail "run C: the honest seeder was dropped"

# --- B: protocol violations ---
finish B "$BPID"
logged B "127.0.0.1:$P_hugelen .*disconnected: protocol error: size limit" \
    "hugelen not dropped"
logged B "127.0.0.1:$P_badbitfield .*disconnected: protocol error: malformed" \
    "badbitfield not dropped"
logged B "127.0.0.1:$P_havepastend .*disconnected: protocol error: value out of range" \
    "havepastend not dropped"
logged B "127.0.0.1:$P_requestpastend .*disconnected: protocol error: value out of range" \
    "requestpastend not dropped"
logged B "peer 127.0.0.1:$P_wronghash: handshake for another torrent" \
    "wronghash (outgoing) not dropped"
logged B "peer 127.0.0.1:$P_halfhandshake: no handshake within" \
    "halfhandshake (outgoing) not dropped"
for m in wronghash halfhandshake; do
	p=$(sed -n 's/.*connected from 127.0.0.1:\([0-9]*\)$/\1/p' \
	    "$W/hp-$m-in.out" | head -n 1)
	[ -n "$p" ] || fail "$m (incoming) never connected"
	eval "P_${m}_in=$p"
done
logged B "peer 127.0.0.1:$P_wronghash_in: handshake for another torrent" \
    "wronghash (incoming) not dropped"
logged B "peer 127.0.0.1:$P_halfhandshake_in: no handshake within" \
    "halfhandshake (incoming) not dropped"
# Blocks nobody asked for and requests while choked are ignored, with one
# log line per peer (not one per message: a flood must not flood the log):
# the peer stays connected, gets nothing, the bytes count as wasted.
logged B "peer 127.0.0.1:$P_unaskedpiece: a block we did not ask for" \
    "unaskedpiece: no log line"
logged B "peer 127.0.0.1:$P_requestflood: requests while choked: ignored" \
    "requestflood: no log line"
n=$(grep -c "peer 127.0.0.1:$P_requestflood: requests while choked" "$W/B.err")
[ "$n" -eq 1 ] || fail "requestflood: logged $n times, want once"
# Only B's connection counts: peers that learn the address later through
# PEX (BEP 11) connect too.  B's is the first that got that far (#1 may
# be B's MSE handshake, which the tool does not speak).
first=$(sed -n 's/.* #\([0-9]*\): sent an unasked block.*/\1/p' \
    "$W/hp-unaskedpiece.out" | head -n 1)
sent=$(sed -n "s/.* #${first:-1}: sent an unasked block.*: \([0-9]*\) bytes\$/\1/p" \
    "$W/hp-unaskedpiece.out" | awk '{ s += $1 } END { print s + 0 }')
[ "$sent" -ge 1 ] || fail "unaskedpiece: bttui announced no piece to it"
grep -q "127.0.0.1:$P_unaskedpiece .*disconnected" "$W/B.err" &&
    fail "unaskedpiece: dropped, want ignored"
wasted=$(sed -n 's/^Session: .*wasted \([0-9]*\) bytes.*/\1/p' "$W/B.out")
[ "${wasted:-0}" -ge "$sent" ] ||
    fail "unaskedpiece: $sent bytes sent, only ${wasted:-0} bytes wasted"
grep -q "got 0 blocks while choked" "$W/hp-requestflood.out" ||
    fail "requestflood: served while choked"
grep -q "127.0.0.1:$P_requestflood .*disconnected" "$W/B.err" &&
    fail "requestflood: dropped, want ignored"
dropped B sb "$SB" && fail "run B: the honest seeder was dropped"
say "B: 8 kinds of bad input dropped or ignored, download complete"

#!/bin/sh
# screen.sh: `make bench`, case 7 of issue 15: the screen under load.  Two
# figures of bttui's front (the TUI, not --headless), printed and added to
# the table, never asserted; no other client is compared ("-"):
#
#  1. Front CPU with 200 peers in the Peers view (target: under 2 % of a
#     core).  bttui runs in tmux at 120x40 with --max-peers N + 50 (250),
#     downloading a torrent from tests/tools/peerswarm: N TCP connections
#     to bttui's port, each a peer with an id of its own that claims half
#     the pieces, serves a block every 2 s or so (a quarter of them never
#     do), announces a piece now and then and sends keep-alives, so the
#     rates keep moving.  Once the tab says "2 Peers (N)", the CPU of the
#     front (utime + stime; the engine, its child, is counted apart) over
#     SCREEN_S seconds.  At most 32 of peerswarm's connections wait for
#     their handshake at once: bttui keeps at most 64 connections before
#     their handshake (listen.c's INCOMING_MAX) and closes the ones past
#     that (200 connections opened at once leave 128 connected); its
#     default --max-peers, 80, would keep 80.  Peers on one address are
#     fine (bttui keys them by address and port) if their ids differ.
#  2. Keystroke-to-redraw latency while the engine is busiest (target: p99
#     under 50 ms): bttui in a pty driven by tests/bench/keylat.py
#     downloads a KEY_MIB payload as fast as it can from a bttui seeder
#     (--peer, TCP), while keylat presses 1 and 2 (Pieces, Peers) 50-100 ms
#     apart and times each redraw (until the output that redraws the new tab
#     goes quiet for 5 ms).  Keys are counted as "busy" while the engine moves
#     >= 8 MiB/s, "idle" after the download (then bttui only seeds, with
#     no one to seed to): p50 and p99 of both.  The download is checked with
#     cmp.
#
#   SCREEN_PEERS  peers of figure 1 (default 200, at most 450)
#   SCREEN_S      seconds of CPU measured (default 10; BENCH_QUICK: 5)
#   SCREEN_MIB    figure 1's torrent in MiB (default 256; BENCH_QUICK: 64),
#                 more than the peers serve during the run
#   KEY_MIB       figure 2's payload in MiB (default 1024; BENCH_QUICK: 256)
#   KEY_BUSY      keys measured during the download at most (default 200;
#                 BENCH_QUICK: 60): a fast download leaves time for fewer
#   KEY_IDLE      keys measured after it (default 100; BENCH_QUICK: 30)
#
# Exit status: 0 when bttui showed the N peers and figure 2's download
# completed with the right data.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib/swarm.sh
. tests/bench/lib.sh

CASE="7 screen"
if [ -n "${BENCH_QUICK:-}" ]; then
	SECS=${SCREEN_S:-5} MIB=${SCREEN_MIB:-64} KMIB=${KEY_MIB:-256}
	BUSY=${KEY_BUSY:-60} IDLE=${KEY_IDLE:-30}
else
	SECS=${SCREEN_S:-10} MIB=${SCREEN_MIB:-256} KMIB=${KEY_MIB:-1024}
	BUSY=${KEY_BUSY:-200} IDLE=${KEY_IDLE:-100}
fi
N=${SCREEN_PEERS:-200}
T=${BUILD:-build}/tools
# --create wants a tracker: one on a port nothing listens on (the peers
# come from peerswarm and --peer)
NOTRACKER=http://127.0.0.1:9/announce

need tmux python3
[ -x "$T/peerswarm" ] ||
    { echo "screen bench: no $T/peerswarm (make tools)"; exit 1; }
[ "$N" -ge 1 ] && [ "$N" -le 450 ] || fail "SCREEN_PEERS must be 1 to 450"
case $BTTUI in /*) ;; *) BTTUI=$(pwd)/${BTTUI#./} ;; esac
swarm_init
cp "$BTTUI" "$W/bttui" && BTTUI="$W/bttui"
rc=0

# payload NAME MIB: $W/NAME/NAME.bin and $W/NAME.torrent
payload() {
	mkdir -p "$W/$1"
	head -c $(($2 * 1048576)) /dev/urandom > "$W/$1/$1.bin"
	"$BTTUI" --create "$W/$1/$1.bin" -o "$W/$1.torrent" -a "$NOTRACKER" \
	    > /dev/null 2>&1 || fail "bttui --create"
}

pct() {		# pct TICKS SECONDS: % of one core
	awk -v t="$1" -v s="$2" -v hz="$BENCH_TICKS" \
	    'BEGIN { printf "%.2f", (s > 0 ? 100 * t / hz / s : 0) }'
}

figure1() {
	payload peers "$MIB"
	port=$(free_port)
	tui_start 120 40 --no-dht --no-utp -p "$port" --max-peers $((N + 50)) \
	    -d "$W/peers-dl" --session "$W/peers-session" "$W/peers.torrent"
	wait_port "$port" || fail "bttui does not listen on $port"
	tui_wait 20 " 1 Pieces" || fail "bttui's screen did not come up"
	"$T/peerswarm" "$W/peers.torrent" --connect "127.0.0.1:$port" -n "$N" \
	    -d "$W/peers" --hold $((SECS + 120)) > "$W/peerswarm.out" \
	    2> "$W/peerswarm.err" &
	SWPID=$!
	remember $SWPID
	tui_keys 2
	if ! tui_wait 60 "2 Peers \($N\)"; then
		tail -n 1 "$W/peerswarm.out"
		say "bttui's tab: $(grep -o '2 Peers ([0-9]*)' "$W/pane")"
		rc=1
	fi
	sleep 1		# the first frames of a full list
	eng=$(bench_engine_pid "$TUI_PID")
	f0=$(bench_cpu_ticks "$TUI_PID") e0=$(bench_cpu_ticks "$eng")
	t0=$(bench_now)
	sleep "$SECS"
	f1=$(bench_cpu_ticks "$TUI_PID") e1=$(bench_cpu_ticks "$eng")
	t1=$(bench_now)
	tui_pane
	shown=$(sed -n 's/.* 2 Peers (\([0-9]*\)).*/\1/p' "$W/pane")
	[ "$shown" = "$N" ] || rc=1
	s=$(echo "$t1 $t0" | awk '{ print $1 - $2 }')
	fc=$(pct $((f1 - f0)) "$s") ec=$(pct $((e1 - e0)) "$s")
	say "$(tail -n 1 "$W/peerswarm.out")"
	say "over $s s with ${shown:-?} peers shown: front $fc %," \
	    "engine $ec % of a core"
	bench_row "$CASE" "front CPU, ${shown:-?} peers" % "$fc" - - "bttui < 2"
	bench_row "$CASE" "engine CPU, ${shown:-?} peers" % "$ec" - - -
	stop_pid "$SWPID" TERM
	tui_keys q
	tui_exited 10 || say "bttui did not quit in 10 s"
	tui_stop
}

# seed TORRENT DIR: a bttui seeder over TCP; sets SPORT once it checked
# its data
seed() {
	SPORT=$(free_port)
	"$BTTUI" --headless --seed --no-dht --no-utp -p "$SPORT" -d "$2" \
	    --session "$W/seed-session" "$1" > "$W/seed.out" 2> "$W/seed.err" &
	remember $!
	i=0
	until grep -q "checked data on disk" "$W/seed.err" 2> /dev/null; do
		i=$((i + 1))
		[ $i -gt 600 ] && fail "the seeder did not check its data"
		sleep 0.1
	done
}

# field LABEL NAME: one figure of keylat's line for LABEL
field() {
	awk -v l="$1" -v f="$2=" '$1 == "keylat" && $2 == l {
		for (i = 3; i <= NF; i++)
			if (index($i, f) == 1)
				print substr($i, length(f) + 1)
	}' "$W/keylat.out"
}

figure2() {
	payload keys "$KMIB"
	seed "$W/keys.torrent" "$W/keys"
	python3 tests/bench/keylat.py --busy-keys "$BUSY" --idle-keys "$IDLE" \
	    --samples "$W/keylat.tsv" -- "$BTTUI" --no-dht --no-utp --seed \
	    -p "$(free_port)" -d "$W/keys-dl" --session "$W/keys-session" \
	    --peer "127.0.0.1:$SPORT" "$W/keys.torrent" > "$W/keylat.out" \
	    2>&1 || { cat "$W/keylat.out"; fail "keylat.py failed"; }
	cmp -s "$W/keys/keys.bin" "$W/keys-dl/keys.bin" ||
	    fail "the download of figure 2 differs from the payload"
	sed 's/^/   /' "$W/keylat.out"
	for l in busy idle; do
		n=$(field "$l" n)
		[ -n "$n" ] || { say "no key measured with the engine $l"; continue; }
		bench_row "$CASE" "key p99, engine $l" ms "$(field "$l" p99)" \
		    - - "$([ "$l" = busy ] && echo "bttui < 50" || echo -)"
		bench_row "$CASE" "key p50, engine $l" ms "$(field "$l" p50)" \
		    - - -
	done
}

echo "front CPU with $N peers in the Peers view, over $SECS s"
figure1
echo "keystroke to redraw, downloading $KMIB MiB from a bttui seeder," \
    "then idle"
figure2
exit $rc

#!/bin/sh
# utp.sh: `make bench`, uTP (issue 14).  Two figures, bttui against bttui on
# loopback, printed, never asserted:
#
#  1. throughput: one seeder, one leecher, a UTP_MIB payload, over TCP
#     (--no-utp on both) and over uTP alone (BTTUI_TEST_NO_TCP), runs
#     interleaved (TCP, uTP, TCP, ...); medians and uTP's wall-time ratio
#     (issue 14's target: within 2x of TCP);
#  2. LEDBAT yielding: a TCP seeder (--no-utp) and a uTP-only seeder of
#     another torrent behind ONE bottleneck (tests/tools/bottleneck.c): what
#     both send shares one queue drained at UTP_RATE_KIB, holding
#     UTP_QUEUE_MS of bytes, which TCP keeps full.  A TCP download runs
#     alone, a uTP download alone (it can fill the link too), then TCP
#     beside uTP, both started at the same moment.  LEDBAT
#     (100 ms target delay) should leave the TCP flow most of the link: the
#     table gives TCP's rate beside uTP as a share of its rate alone, and
#     the bottleneck's counters (the longest wait each kind saw in the
#     queue, datagrams dropped at its tail).  tc on lo cannot make this
#     queue: TCP Small Queues keep TCP's bytes out of the qdisc.
#
#   UTP_MIB        payload of figure 1 in MiB (default 256; BENCH_QUICK: 64)
#   UTP_RUNS       runs per transport (default 3; BENCH_QUICK: 1)
#   UTP_RATE_KIB   the bottleneck of figure 2 in KiB/s (default 8192)
#   UTP_QUEUE_MS   its queue (default 300)
#   UTP_SHARE_MIB  each payload of figure 2 (default 64; BENCH_QUICK: 24)
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib/swarm.sh
. tests/bench/lib.sh

if [ -n "${BENCH_QUICK:-}" ]; then
	MIB=${UTP_MIB:-64} RUNS=${UTP_RUNS:-1} SHARE=${UTP_SHARE_MIB:-24}
else
	MIB=${UTP_MIB:-256} RUNS=${UTP_RUNS:-3} SHARE=${UTP_SHARE_MIB:-64}
fi
RATE=${UTP_RATE_KIB:-8192}
QMS=${UTP_QUEUE_MS:-300}
T=${BUILD:-build}/tools
case $BTTUI in /*) ;; *) BTTUI=$(pwd)/${BTTUI#./} ;; esac
export BTTUI
export BTTUI_DHT_BOOTSTRAP=""
# --create wants a tracker: one on a port nothing listens on (peers come
# from --peer)
NOTRACKER=http://127.0.0.1:9/announce

now() { date +%s.%N; }

# seed NAME TORRENT DIR [env...]: a bttui seeder on a fresh port; sets
# SPORT and SPID.  TCP seeders are waited for on TCP, uTP ones on UDP.
seed() {
	n=$1 t=$2 d=$3
	SPORT=$(free_port)
	"$BTTUI" --headless --seed --no-dht -p "$SPORT" -d "$d" \
	    --session "$W/$n-seed-session" $OPTS "$t" > "$W/$n-seed.out" \
	    2> "$W/$n-seed.err" &
	SPID=$!
	remember $SPID
	i=0
	until grep -q "checked data on disk" "$W/$n-seed.err" 2> /dev/null ||
	    [ $i -gt 600 ]; do
		sleep 0.1; i=$((i + 1))
	done
}

# leech NAME TORRENT PORT: downloads into $W/NAME-dl, prints the seconds
leech() {
	rm -rf "$W/$1-dl" "$W/$1-session"
	t0=$(now)
	timeout 600 "$BTTUI" --headless --no-dht -p "$(free_port)" \
	    -d "$W/$1-dl" --session "$W/$1-session" $OPTS \
	    --peer "127.0.0.1:$3" "$2" > "$W/$1.out" 2> "$W/$1.err" ||
	    { tail -n 5 "$W/$1.err"; fail "$1: the download failed"; }
	t1=$(now)
	echo "$t1 - $t0" | bc
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

figure1() {
	mkdir -p "$W/f1"
	head -c $((MIB * 1048576)) /dev/urandom > "$W/f1/payload.bin"
	"$BTTUI" --create "$W/f1/payload.bin" -o "$W/f1.torrent" \
	    -a "$NOTRACKER" > /dev/null || fail "--create"
	: > "$W/tcp.times"
	: > "$W/utp.times"
	r=0
	while [ $r -lt "$RUNS" ]; do
		OPTS=--no-utp
		seed tcp "$W/f1.torrent" "$W/f1"
		leech tcp "$W/f1.torrent" "$SPORT" >> "$W/tcp.times"
		stop_pid "$SPID" INT
		OPTS=""
		export BTTUI_TEST_NO_TCP=1
		seed utp "$W/f1.torrent" "$W/f1"
		leech utp "$W/f1.torrent" "$SPORT" >> "$W/utp.times"
		grep -q "connected, uTP" "$W/utp.err" || fail "not over uTP"
		stop_pid "$SPID" INT
		unset BTTUI_TEST_NO_TCP
		r=$((r + 1))
	done
	tcp=$(median < "$W/tcp.times")
	utp=$(median < "$W/utp.times")
	printf '  %-34s %8s s  %8.1f MiB/s\n' "TCP (median of $RUNS)" "$tcp" \
	    "$(echo "$MIB / $tcp" | bc -l)"
	printf '  %-34s %8s s  %8.1f MiB/s\n' "uTP (median of $RUNS)" "$utp" \
	    "$(echo "$MIB / $utp" | bc -l)"
	printf '  %-34s %8.2f   (target <= 2.00)\n' "uTP / TCP wall time" \
	    "$(echo "$utp / $tcp" | bc -l)"
	bench_row "uTP" "wall, $MIB MiB over uTP" s "$utp" "TCP" "$tcp" \
	    "ratio <= 2"
}

# bneck ARGS..: the bottleneck, stderr in $W/bneck.err, until it listens;
# sets BPID, BN_TCP and BN_UDP (the ports it bound)
bneck() {
	"$T/bottleneck" "$@" 2> "$W/bneck.err" &
	BPID=$!
	remember $BPID
	i=0
	until grep -q "^bottleneck: listening" "$W/bneck.err" 2> /dev/null; do
		i=$((i + 1))
		[ $i -gt 50 ] && { cat "$W/bneck.err"; fail "no bottleneck"; }
		sleep 0.1
	done
	BN_TCP=$(sed -n 's/^bottleneck: listening on.* TCP \([0-9]*\).*/\1/p' \
	    "$W/bneck.err")
	BN_UDP=$(sed -n 's/^bottleneck: listening on.* UDP \([0-9]*\).*/\1/p' \
	    "$W/bneck.err")
}

# bcount KIND WORD: one of the stopped bottleneck's counters
bcount() {
	tail -n 1 "$W/bneck.err" | tr ';' '\n' | grep " $1 down " |
	    sed -n "s/.* $2 \([0-9]*\).*/\1/p"
}

figure2() {
	for k in a b; do
		mkdir -p "$W/f2$k"
		head -c $((SHARE * 1048576)) /dev/urandom > "$W/f2$k/p.bin"
		"$BTTUI" --create "$W/f2$k/p.bin" -o "$W/f2$k.torrent" \
		    -a "$NOTRACKER" > /dev/null || fail "--create"
	done
	OPTS=--no-utp
	seed tcpa "$W/f2a.torrent" "$W/f2a"
	TCPA=$SPORT
	export BTTUI_TEST_NO_TCP=1
	OPTS=""
	seed utpb "$W/f2b.torrent" "$W/f2b"
	UTPB=$SPORT
	unset BTTUI_TEST_NO_TCP
	bneck -r "$RATE" -q "$QMS" -T "0:$TCPA" -U "0:$UTPB"
	OPTS=--no-utp
	alone=$(leech alone "$W/f2a.torrent" "$BN_TCP")
	# uTP alone: that it can fill the link through this queue, so that
	# yielding beside TCP is LEDBAT's doing
	export BTTUI_TEST_NO_TCP=1
	OPTS=""
	ualone=$(leech utp-alone "$W/f2b.torrent" "$BN_UDP")
	leech beside "$W/f2b.torrent" "$BN_UDP" > "$W/utp-beside.time" &
	UL=$!
	unset BTTUI_TEST_NO_TCP
	OPTS=--no-utp
	beside=$(leech together "$W/f2a.torrent" "$BN_TCP")
	# the uTP leecher's last progress line (once a second) when TCP ended
	sofar=$(tail -n 1 "$W/beside.out" |
	    sed -n 's|^ *[0-9.]*% *\(.*\) / .*|\1|p')
	wait $UL || fail "the uTP download beside TCP failed"
	grep -q "connected, uTP" "$W/beside.err" || fail "not over uTP"
	stop_pid "$BPID" TERM
	ub=$(cat "$W/utp-beside.time")
	link=$(echo "$RATE / 1024" | bc -l)
	printf '  %-34s %8.1f MiB/s  (link %.1f MiB/s)\n' "TCP alone" \
	    "$(echo "$SHARE / $alone" | bc -l)" "$link"
	printf '  %-34s %8.1f MiB/s\n' "uTP alone" \
	    "$(echo "$SHARE / $ualone" | bc -l)"
	printf '  %-34s %8.1f MiB/s\n' "TCP beside uTP" \
	    "$(echo "$SHARE / $beside" | bc -l)"
	printf '  %-34s %8.1f MiB/s  (over its whole run; %s when TCP ended)\n' \
	    "uTP beside TCP" "$(echo "$SHARE / $ub" | bc -l)" "${sofar:-?}"
	printf '  %-34s %8.2f   (LEDBAT: most of it)\n' \
	    "TCP's share kept beside uTP" "$(echo "$alone / $beside" | bc -l)"
	bench_row "uTP" "TCP rate beside uTP" MiB/s \
	    "$(echo "$SHARE / $beside" | bc -l)" "TCP alone" \
	    "$(echo "$SHARE / $alone" | bc -l)" "ratio >= 0.9"
	printf '  %-34s %8s ms TCP, %s ms uTP; %s datagrams dropped\n' \
	    "longest wait in the queue" "$(bcount tcp max-delay-ms)" \
	    "$(bcount udp max-delay-ms)" "$(bcount udp dropped)"
	# late turns of a busy machine: the link ran below its rate so long
	lost=$(tail -n 1 "$W/bneck.err" |
	    sed -n 's/.* link-lost-ms \([0-9]*\).*/\1/p')
	printf '  %-34s %8s ms\n' "link time lost to a busy machine" "$lost"
}

need bc
[ -x "$BTTUI" ] || { echo "utp bench: no $BTTUI (make bttui)"; exit 1; }
swarm_init
echo "uTP against TCP, bttui to bttui, $MIB MiB, $RUNS run(s) each"
figure1
echo "LEDBAT: a TCP flow beside a uTP flow through one $RATE KiB/s" \
    "bottleneck, $QMS ms queue, $SHARE MiB each"
if [ -x "$T/bottleneck" ]; then
	figure2
else
	echo "  (no $T/bottleneck: make tools; skipped)"
fi
exit 0

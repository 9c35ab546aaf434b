#!/bin/sh
# latency.sh: `make bench`, case 3 of issue 15.  Seeders far away: four
# aria2c seeders, each capped at LATENCY_CAP_KIB KiB/s of upload (aria2c
# --max-upload-limit, default 8192: 32 MiB/s offered in all), each behind a
# relay of its own (tests/tools/tcprelay -D) that delays every byte
# LATENCY_MS each way (default 50: 100 ms more round trip).  The
# downloaders dial the relays, never the seeders: their torrent announces
# to fake_tracker's /peers/R1,R2,.../ list (the relays), which is outside
# the info-hash; the seeders announce to its /empty/ one.  bttui
# downloads, then aria2c.
#
# The figure is each downloader's rate from 10 % to 90 % of the payload,
# from the bytes allocated in its download directory every ~0.2 s (lib.sh's
# bench_sampler_start), as in seeders.sh.  Rows: bttui against the offered
# rate ("bttui >= 0.9 * ref") and against aria2c ("ratio >= 1"); both
# take what the caps give, so the second is a tie within the noise.  And
# the whole download's time against aria2c's (no target): the start.
#
# Before each download the seeders are started afresh and the relays again
# on the same ports (the torrent names them): aria2c's cap compares a speed
# averaged over the last 10 s with the cap, so seeders that idled a few
# seconds let a burst through; fresh ones treat both downloaders alike,
# and each relay's counters (bytes each way, connections) are one run's.
#
#   LATENCY_MIB      payload in MiB (default 256; BENCH_QUICK: 64)
#   LATENCY_MS       delay each way in ms (default 50)
#   LATENCY_CAP_KIB  each seeder's upload cap (default 8192)
#   LATENCY_BTTUI_OPTS  more options for bttui (default none: it dials
#                    uTP first, as users run it; "--no-utp" for TCP only)
#   BENCH_TIMEOUT    seconds before a download is stopped (default 180)
#
# bttui dials uTP first; the relays have no UDP port, and the kernel's
# ICMP port unreachable sends it to TCP at once.  (Until udp_send retried
# a send that a pending ICMP error made fail, half of those SYNs were lost
# and those relays were dialled over TCP 6 s later: this case ran with
# --no-utp then.)
#
# Exit status: 0 when both downloads completed with the right data.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib/swarm.sh
. tests/bench/lib.sh

if [ -n "$BENCH_QUICK" ]; then
	MIB=${LATENCY_MIB:-64}
else
	MIB=${LATENCY_MIB:-256}
fi
DELAY=${LATENCY_MS:-50}
CAP=${LATENCY_CAP_KIB:-8192}
LIMIT=${BENCH_TIMEOUT:-180}
BTTUI_OPTS=${LATENCY_BTTUI_OPTS:-}
N=4
CASE="3 latency"
T=${BUILD:-build}/tools
need aria2c
[ -x "$BTTUI" ] || { echo "latency bench: no $BTTUI (make bttui)"; exit 1; }
for t in tcprelay fake_tracker; do
	[ -x "$T/$t" ] || { echo "latency bench: no $T/$t (make tools)"; exit 1; }
done
swarm_init
cp "$BTTUI" "$W/bttui" && BTTUI="$W/bttui"	# no rebuild midway

# ---- the swarm ----

setup() {
	mkdir -p "$W/payload"
	head -c $((MIB * 1048576)) /dev/urandom > "$W/payload/bench.bin" ||
	    fail "cannot write the payload"
	SIZE=$(stat -c %s "$W/payload/bench.bin")
	FT_PORT=$(free_port)
	F="http://127.0.0.1:$FT_PORT"
	"$T/fake_tracker" --port "$FT_PORT" > "$W/fake.log" 2>&1 &
	remember $!
	wait_port "$FT_PORT" || fail "fake_tracker did not start"
	"$BTTUI" --create "$W/payload/bench.bin" -o "$W/seed.torrent" \
	    -a "$F/empty/announce" > /dev/null 2>&1 || fail "bttui --create"
	H=$(infohash "$W/seed.torrent")
	# one port per relay, kept across restarts (k: swarm.sh uses i)
	peers="" RPORTS=""
	k=1
	while [ $k -le $N ]; do
		mkdir -p "$W/seed$k"
		ln "$W/payload/bench.bin" "$W/seed$k/bench.bin" ||
		    fail "cannot link the payload"
		p=$(free_port)
		RPORTS="$RPORTS $p"
		peers="$peers${peers:+,}127.0.0.1:$p"
		k=$((k + 1))
	done
	TORRENT="$W/bench.torrent"
	"$BTTUI" --create "$W/payload/bench.bin" -o "$TORRENT" \
	    -a "$F/peers/$peers/announce" > /dev/null 2>&1 ||
	    fail "bttui --create"
	[ "$(infohash "$TORRENT")" = "$H" ] || fail "another info-hash"
	OFFERED=$(echo "$N $CAP" | awk '{ printf "%.2f", $1 * $2 / 1024 }')
	say "$N aria2c seeders at $CAP KiB/s each ($OFFERED MiB/s offered)," \
	    "each behind a relay adding $DELAY ms each way; $MIB MiB," \
	    "$("$BTTUI" --info "$TORRENT" | grep '^Piece' | tr '\n' ' ')"
}

# relay PORT TARGET LOG: a delaying relay on 127.0.0.1:PORT; sets RPID
relay() {
	"$T/tcprelay" -l "$1" -t "$2" -D "$DELAY" 2> "$3" &
	RPID=$!
	remember $RPID
	n=0
	until grep -q "^tcprelay: listening" "$3" 2> /dev/null; do
		n=$((n + 1))
		[ $n -gt 50 ] && { cat "$3"; fail "no relay on port $1"; }
		sleep 0.1
	done
}

# up NAME: fresh seeders and relays for the download NAME; sets PAIRS
up() {
	PAIRS="" k=1
	ARIA2_OPTS="--max-upload-limit=${CAP}K"
	for p in $RPORTS; do
		start_aria2_seed "$W/seed.torrent" "$W/seed$k" "$1-seed$k"
		relay "$p" "$ARIA2_PORT" "$W/$1-relay$k.err"
		PAIRS="$PAIRS $ARIA2_PID:$RPID"
		k=$((k + 1))
	done
	ARIA2_OPTS=""
}

# down NAME: stops them (the seeders together: each takes a second);
# prints each relay's counters
down() {
	seeds="" k=1
	for pair in $PAIRS; do
		stop_pid "${pair#*:}" TERM
		say "  relay $k: $(tail -n 1 "$W/$1-relay$k.err" |
		    sed 's/^tcprelay: //')"
		seeds="$seeds ${pair%:*}"
		k=$((k + 1))
	done
	bench_stop_all $seeds
}

# ---- one download ----

# download NAME CMD...: CMD downloads into $W/dl-NAME (made here) while
# the sampler watches it; sets RATE (10-90 %) and OK (1: the right data)
download() {
	name=$1
	shift
	d="$W/dl-$name"
	rm -rf "$d"
	mkdir -p "$d"
	up "$name"
	bench_warm_page_cache "$MIB"
	bench_sampled_download "$name" "$d" "$@"
	say "$(printf '%-6s %6.2f s whole (1 %% after %s s), %s MiB/s from' \
	    "$name" "$(echo "$t0 $t1" | awk '{ print $2 - $1 }')" "$START" \
	    "$RATE") 10 to 90 %"
	down "$name"
}

run_bttui() {
	download bttui "$BTTUI" --headless --no-dht --session \
	    "$W/bttui.session" -d "$W/dl-bttui" -p "$(free_port)" \
	    $BTTUI_OPTS "$TORRENT"
	# how it reached the relays (without --no-utp: uTP first, refused by
	# an ICMP port unreachable, then TCP)
	say "  bttui: $(grep -c 'connected, TCP' "$W/bttui.log") TCP," \
	    "$(grep -c 'connected, uTP' "$W/bttui.log") uTP connections"
}

run_aria2c() {
	download aria2c aria2c --enable-dht=false --enable-dht6=false \
	    --bt-enable-lpd=false --enable-peer-exchange=false \
	    --interface=127.0.0.1 --listen-port="$(free_port)" \
	    --seed-time=0 --file-allocation=none --check-integrity=false \
	    --no-conf --quiet=true --summary-interval=0 \
	    --bt-external-ip=127.0.0.1 --dir="$W/dl-aria2c" "$TORRENT"
}

setup
run_bttui
B_RATE=$RATE B_OK=$OK B_WALL=$WALL
run_aria2c
A_RATE=$RATE A_OK=$OK A_WALL=$WALL
bench_rate_rows "$CASE" offered "$OFFERED"

#!/bin/sh
# many.sh: part of `make bench`.  Ten torrents at once: one aria2c seeds
# ten payloads through opentracker on 127.0.0.1; bttui downloads all ten in
# one session (one engine, --max-active 10), then aria2c does the same as a
# yardstick.  GNU time gives wall seconds, CPU seconds and peak RSS of the
# downloader (bttui: the front; the engine's CPU is its child's, counted by
# time as well).
#
#   BENCH_MANY      torrents (default 10)
#   BENCH_MANY_MIB  MiB each (default 32)
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib/swarm.sh

N=${BENCH_MANY:-10}
MIB=${BENCH_MANY_MIB:-32}
GNU_TIME=/usr/bin/time
need opentracker aria2c
swarm_init
cp "$BTTUI" "$W/bttui" && BTTUI="$W/bttui"

TRACKER_PORT=$(free_port)
hashes="" torrents=""
mkdir -p "$W/seed"
i=1
while [ $i -le "$N" ]; do
	head -c $((MIB * 1048576 + i * 4321)) /dev/urandom > "$W/seed/p$i.bin"
	"$BTTUI" --create "$W/seed/p$i.bin" -o "$W/t$i.torrent" \
	    -a "http://127.0.0.1:$TRACKER_PORT/announce" > /dev/null ||
	    fail "bttui --create"
	hashes="$hashes $(infohash "$W/t$i.torrent")"
	torrents="$torrents $W/t$i.torrent"
	i=$((i + 1))
done
start_tracker $hashes
ARIA2_PORT=$(free_port)
aria2c --enable-dht=false --enable-dht6=false --bt-enable-lpd=false \
    --enable-peer-exchange=false --interface=127.0.0.1 \
    --listen-port="$ARIA2_PORT" --seed-ratio=0.0 --bt-seed-unverified=true \
    --check-integrity=false --max-concurrent-downloads="$N" \
    --dir="$W/seed" --no-conf --quiet=true --summary-interval=0 \
    --bt-external-ip=127.0.0.1 $torrents > "$W/aria2-seed.log" 2>&1 &
remember $!
wait_port "$ARIA2_PORT" || fail "aria2c did not start"
for h in $hashes; do wait_seeders "$h" 1 30; done
say "$N torrents of $MIB MiB seeded by aria2c on port $ARIA2_PORT"

check() {	# check DIR: every payload arrived whole
	i=1
	while [ $i -le "$N" ]; do
		cmp -s "$W/seed/p$i.bin" "$1/p$i.bin" || return 1
		i=$((i + 1))
	done
}

report() {	# report NAME
	set -- "$1" $(cat "$W/time.out")
	printf '%-8s %8.2fs %8.2fs %9.1f MB/s %8.1f MiB\n' "$1" "$2" \
	    "$(echo "$3 $4" | awk '{print $1 + $2}')" \
	    "$(echo "$N $MIB $2" | awk '{print $1 * $2 * 1.048576 / $3}')" \
	    "$(echo "$5" | awk '{print $1 / 1024}')"
	echo "$1 $2 $3 $4 $5" >> "$W/results"
}

: > "$W/results"
printf '%-8s %9s %9s %14s %12s\n' client wall cpu throughput "peak RSS"
"$GNU_TIME" -o "$W/time.out" -f '%e %U %S %M' "$BTTUI" --headless \
    --session "$W/session" --max-active "$N" -d "$W/dl-bttui" \
    -p "$(free_port)" $torrents > "$W/bttui.log" 2>&1 ||
    { tail -n 5 "$W/bttui.log"; fail "bttui failed"; }
check "$W/dl-bttui" || fail "bttui: files differ"
report bttui
"$GNU_TIME" -o "$W/time.out" -f '%e %U %S %M' aria2c --enable-dht=false \
    --enable-dht6=false --bt-enable-lpd=false --enable-peer-exchange=false \
    --interface=127.0.0.1 --listen-port="$(free_port)" --seed-time=0 \
    --max-concurrent-downloads="$N" --dir="$W/dl-aria2c" --no-conf \
    --quiet=true --summary-interval=0 --bt-external-ip=127.0.0.1 \
    $torrents > "$W/aria2c.log" 2>&1 || fail "aria2c failed"
check "$W/dl-aria2c" || fail "aria2c: files differ"
report aria2c
awk 'NR == 1 { bw = $2; bc = $3 + $4 } NR == 2 {
	printf "bttui / aria2c with %s torrents: wall %.2fx  cpu %.2fx\n",
	    "'"$N"'", bw / $2, bc / ($3 + $4 > 0 ? $3 + $4 : 0.01) }' \
    "$W/results"

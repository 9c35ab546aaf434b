#!/bin/sh
# verify.sh: `make bench`, case 4 of issue 15: the hash check.  bttui
# --verify checks a complete payload that sits in the page cache (read once
# with cat first), so that the figure is hashing, not the disk.
#
#   check time  from bttui's start to its "checked data on disk: N of N
#               pieces good" line (stderr, stamped as it comes), minus the
#               same for a one-piece torrent of 16 KiB: bttui's start-up,
#               which is printed apart.  The median of VERIFY_RUNS.
#   MB/s        payload bytes / check time, against `openssl speed -evp
#               sha1 -bytes 16384` on one core (target: bttui >= 0.9 of
#               it) and with -multi NPROC (no target: the engine hashes
#               a torrent's batches on two lanes, one per worker thread,
#               so it can use two cores, not more)
#   aria2c      aria2c -V on the same data: the time between "Dispatching
#               CheckIntegrityCommand" and "Verification finished" in its
#               log (microsecond stamps); target: bttui's check time <=
#               aria2c's
#   restarts    engines the front's watchdog started beyond the first,
#               over every bttui run (the check runs on a worker thread:
#               the heartbeat must stay live); target 0
#
# With 1 MiB pieces, then 256 KiB pieces (the same payload).
#
#   VERIFY_MIB    payload in MiB (default 1024; BENCH_QUICK: 256)
#   VERIFY_RUNS   checks per figure (default 3; BENCH_QUICK: 1)
#   VERIFY_SSL_S  seconds of each openssl speed run (default 3;
#                 BENCH_QUICK: 1)
#
# Exit status: 0 when every check found every piece good.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib/swarm.sh
. tests/bench/lib.sh

if [ -n "$BENCH_QUICK" ]; then
	MIB=${VERIFY_MIB:-256} SSL_S=${VERIFY_SSL_S:-1} RUNS=${VERIFY_RUNS:-1}
else
	MIB=${VERIFY_MIB:-1024} SSL_S=${VERIFY_SSL_S:-3} RUNS=${VERIFY_RUNS:-3}
fi
CASE="4 hash check"
# --create wants a tracker: one on a port nothing listens on
NOTRACKER=http://127.0.0.1:9/announce

need openssl
[ -x "$BTTUI" ] || { echo "verify bench: no $BTTUI (make bttui)"; exit 1; }
swarm_init
cp "$BTTUI" "$W/bttui" && BTTUI="$W/bttui"	# no rebuild midway
HAVE_ARIA2=0
command -v aria2c > /dev/null 2>&1 && HAVE_ARIA2=1

# stamp: each line of stdin with the time it came, "SECONDS LINE"
stamp() {
	while IFS= read -r l; do
		printf '%s %s\n' "$(bench_now)" "$l"
	done
}

# bttui_check TORRENT DIR: one `bttui --verify` until it exits, stderr
# stamped into $W/check.err; prints the seconds from its start to the
# "checked data" line, or "-" when all pieces were not good
bttui_check() {
	rm -rf "$W/session"
	t0=$(bench_now)
	{ "$BTTUI" --headless --verify --no-dht -p "$(free_port)" -d "$2" \
	    --session "$W/session" "$1" 2>&1 > /dev/null; echo "exit $?"; } |
	    stamp > "$W/check.err"
	cat "$W/check.err" >> "$W/bttui-all.err"
	# "SECONDS bttui: checked data on disk: 64 of 64 pieces good (...)"
	awk -v t0="$t0" '/ checked data on disk: / {
		s = $0
		sub(/.* checked data on disk: /, "", s)
		split(s, n, " ")
		if (n[1] == n[3]) { printf "%.6f\n", $1 - t0; found = 1 }
	    }
	    END { if (!found) print "-" }' "$W/check.err"
}

# aria2_check TORRENT DIR: aria2c -V on complete data (it checks, finds
# the download complete and exits, --seed-time=0); prints the seconds of
# its check from its own log, or "-"
aria2_check() {
	rm -f "$W/aria2.log"
	aria2c -V --check-integrity=true --seed-time=0 --enable-dht=false \
	    --enable-dht6=false --bt-enable-lpd=false \
	    --enable-peer-exchange=false --interface=127.0.0.1 \
	    --listen-port="$(free_port)" --no-conf --file-allocation=none \
	    --summary-interval=0 --log="$W/aria2.log" --log-level=info \
	    --dir="$2" "$1" > "$W/aria2.out" 2>&1 ||
	    { echo "-"; return; }
	# "2026-12-03 18:25:12.678752 [INFO] [CheckIntegrityDispatcher..."
	a=$(grep -m 1 'Dispatching CheckIntegrityCommand' "$W/aria2.log" |
	    cut -d ' ' -f 1-2)
	b=$(grep -m 1 'Verification finished successfully' "$W/aria2.log" |
	    cut -d ' ' -f 1-2)
	if [ -z "$a" ] || [ -z "$b" ]; then
		echo "-"
		return
	fi
	echo "$(date -d "$b" +%s.%N) $(date -d "$a" +%s.%N)" |
	    awk '{ printf "%.6f\n", $1 - $2 }'
}

# ssl_mbps [N]: openssl's SHA-1 on 16 KiB blocks, MB/s (N processes)
ssl_mbps() {
	multi=""
	[ -n "${1:-}" ] && multi="-multi $1"
	openssl speed $multi -evp sha1 -bytes 16384 -seconds "$SSL_S" \
	    2> /dev/null | awk '$1 == "sha1" { v = $2 } END {
		sub(/k$/, "", v); printf "%.1f\n", v / 1000 }'
}

med() {	# med FILE: the median of its numbers, or -
	m=$(bench_median $(grep -v '^-' "$1"))
	echo "${m:--}"
}

# one_size LABEL SIZE: RUNS checks of the payload with SIZE pieces (and of
# the tiny torrent, for the start-up), by bttui then aria2c, interleaved
one_size() {
	"$BTTUI" --create "$W/data/payload.bin" -o "$W/big-$1.torrent" \
	    --piece-size "$2" -a "$NOTRACKER" > /dev/null 2>&1 ||
	    fail "bttui --create --piece-size $2"
	: > "$W/big.t"; : > "$W/tiny.t"; : > "$W/aria2.t"
	r=0
	while [ $r -lt "$RUNS" ]; do
		cat "$W/data/payload.bin" > /dev/null
		tiny=$(bttui_check "$W/tiny.torrent" "$W/tiny")
		big=$(bttui_check "$W/big-$1.torrent" "$W/data")
		if [ "$tiny" = - ] || [ "$big" = - ]; then
			BAD=1
			say "bttui: a check did not find every piece good"
			tail -n 5 "$W/check.err"
		fi
		echo "$tiny" >> "$W/tiny.t"
		echo "$big" >> "$W/big.t"
		if [ $HAVE_ARIA2 = 1 ]; then
			cat "$W/data/payload.bin" > /dev/null
			aria2_check "$W/big-$1.torrent" "$W/data" \
			    >> "$W/aria2.t"
		fi
		r=$((r + 1))
	done
	T_BIG=$(med "$W/big.t") T_TINY=$(med "$W/tiny.t")
	T_ARIA2=$(med "$W/aria2.t")
	CHECK=- MBPS=- A_MBPS=-
	if [ "$T_BIG" != - ] && [ "$T_TINY" != - ]; then
		CHECK=$(echo "$T_BIG $T_TINY" |
		    awk '{ printf "%.4f", $1 - $2 }')
		MBPS=$(echo "$BYTES $CHECK" |
		    awk '{ printf "%.1f", ($2 > 0 ? $1 / $2 / 1e6 : 0) }')
	fi
	[ "$T_ARIA2" != - ] && A_MBPS=$(echo "$BYTES $T_ARIA2" |
	    awk '{ printf "%.1f", $1 / $2 / 1e6 }')
	say "$1 pieces: bttui $T_BIG s to the line, start-up $T_TINY s," \
	    "check $CHECK s = $MBPS MB/s; aria2c $T_ARIA2 s = $A_MBPS MB/s"
}

mkdir -p "$W/data" "$W/tiny"
head -c $((MIB * 1048576)) /dev/urandom > "$W/data/payload.bin" ||
    fail "cannot write the payload"
BYTES=$(stat -c %s "$W/data/payload.bin")
head -c 16384 /dev/urandom > "$W/tiny/payload.bin"
"$BTTUI" --create "$W/tiny/payload.bin" -o "$W/tiny.torrent" \
    --piece-size 16K -a "$NOTRACKER" > /dev/null 2>&1 ||
    fail "bttui --create"
NPROC=$(nproc 2> /dev/null || echo 1)
say "$MIB MiB in the page cache, $RUNS run(s) per figure, $NPROC cores"
SSL1=$(ssl_mbps)
SSLN=-
[ "$NPROC" -ge 2 ] && SSLN=$(ssl_mbps "$NPROC")
say "openssl speed sha1, 16 KiB blocks: $SSL1 MB/s on one core," \
    "$SSLN MB/s with -multi $NPROC"

BAD=0
: > "$W/bttui-all.err"
one_size 1M 1M
STARTUP=$T_TINY
bench_row "$CASE" "MB/s, 1 MiB pieces" MB/s "$MBPS" "openssl 1 core" \
    "$SSL1" "bttui >= 0.9 * ref"
[ "$SSLN" != - ] && bench_row "$CASE" "MB/s, 1 MiB pieces" MB/s \
    "$MBPS" "openssl -multi $NPROC" "$SSLN" "-"
[ $HAVE_ARIA2 = 1 ] && bench_row "$CASE" "check s, 1 MiB pieces" s \
    "$CHECK" aria2c "$T_ARIA2" "ratio <= 1"
one_size 256K 256K
bench_row "$CASE" "MB/s, 256 KiB pieces" MB/s "$MBPS" "openssl 1 core" \
    "$SSL1" "bttui >= 0.9 * ref"
[ $HAVE_ARIA2 = 1 ] && bench_row "$CASE" "check s, 256 KiB pieces" s \
    "$CHECK" aria2c "$T_ARIA2" "ratio <= 1"
bench_row "$CASE" "start-up to checked, s" s \
    "$(bench_median "$STARTUP" "$T_TINY")" - - -
# every engine after the first of a run is a restart
RESTARTS=$(awk '$2 == "exit" { runs++ }
    / bttui: watchdog: engine [0-9]* started$/ { engines++ }
    END { print engines - runs }' "$W/bttui-all.err")
grep -E 'restarting|stalled|heartbeat' "$W/bttui-all.err" |
    grep -v 'not restarting$' | sed 's/^/   /'
bench_row "$CASE" "engine restarts in check" n "$RESTARTS" - - "bttui == 0"
say "engine restarts during the checks: $RESTARTS"
exit $BAD

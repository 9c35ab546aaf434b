#!/bin/sh
# bench.sh: `make bench`, case 1 of issue 15: one seeder.  Download speed
# and cost of bttui against aria2c (and transmission-cli, on request) on a
# loopback swarm (127.0.0.1 only; DHT, LSD, UPnP and PEX off everywhere).
#
#   BENCH_MIB      payload size in MiB (default 1024; BENCH_QUICK: 256)
#   BENCH_RUNS     downloads per client (default 3; BENCH_QUICK: 1)
#   BENCH_TIMEOUT  seconds before a download is stopped (default 300)
#   BENCH_WARMUP=0 skip the warm-up download
#   BENCH_CLIENTS  which clients, in which order (default "bttui aria2c";
#                  add transmission: it takes ~50 s a GiB here)
#
# One random single-file payload, made once in a work directory under /tmp
# (removed at the end), is seeded by one aria2c through opentracker.  After
# one warm-up download that is not counted, each client downloads it
# BENCH_RUNS times, interleaved (bttui, aria2c, bttui, ...: ABAB), into a
# fresh directory that is compared with the payload and removed.  Before
# each run, as many MiB as the payload are written to a file and deleted:
# the run then writes into recycled page-cache pages, as every run after
# the first would (fresh guest pages cost this VM seconds of system time,
# which would land on whichever client runs first).
# GNU time measures the downloader: wall seconds, CPU seconds (user + sys),
# peak RSS of its largest process.  bttui's engine (the front's child) is
# also sampled for its own peak RSS (VmHWM).  The table gives medians and
# minimums, then bttui's ratios, and the rows of `make bench`'s table
# (targets: wall <= 0.4x aria2c's, CPU <= 0.6x, engine RSS <= 32 MiB).
#
# transmission-cli ignores the loopback peers a tracker hands it: for its
# runs a second aria2c seeds the same data, re-announcing every second so
# that it dials transmission; it is stopped after each run.
#
# Exit status: 0 when every bttui run completed with the right data.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib/swarm.sh
. tests/bench/lib.sh

if [ -n "$BENCH_QUICK" ]; then
	MIB=${BENCH_MIB:-256} RUNS=${BENCH_RUNS:-1}
else
	MIB=${BENCH_MIB:-1024} RUNS=${BENCH_RUNS:-3}
fi
LIMIT=${BENCH_TIMEOUT:-300}
GNU_TIME=/usr/bin/time
CLIENTS=${BENCH_CLIENTS:-bttui aria2c}

# ---- set-up ----

check_tools() {
	need opentracker aria2c
	[ -x "$BTTUI" ] || { echo "bench: no $BTTUI (make bttui)"; exit 1; }
	if ! "$GNU_TIME" -f %e true > /dev/null 2>&1; then
		echo "bench: $GNU_TIME (GNU time) is not installed:" \
		    "apt-get install time"
		exit 1
	fi
	if ! command -v transmission-cli > /dev/null 2>&1; then
		echo "transmission-cli: skipped (not installed)"
		CLIENTS=$(echo " $CLIENTS " | sed 's/ transmission / /')
	fi
}

setup_swarm() {
	mkdir -p "$W/seed"
	say "payload: $MIB MiB of random bytes in $W"
	head -c $((MIB * 1048576)) /dev/urandom > "$W/seed/bench.bin" ||
	    fail "cannot write the payload"
	SIZE=$(stat -c %s "$W/seed/bench.bin")
	TRACKER_PORT=$(free_port)
	TORRENT="$W/bench.torrent"
	"$BTTUI" --create "$W/seed/bench.bin" -o "$TORRENT" \
	    -a "http://127.0.0.1:$TRACKER_PORT/announce" \
	    > "$W/create.log" 2>&1 ||
	    { cat "$W/create.log"; fail "bttui --create"; }
	H=$(infohash "$TORRENT")
	start_tracker "$H"
	start_aria2_seed "$TORRENT" "$W/seed"
	SEEDER_PID=$ARIA2_PID
	wait_seeders "$H" 1
	say "$("$BTTUI" --info "$TORRENT" | grep '^Piece' | tr '\n' ' ')"
	say "seeder: $(aria2c --version | head -n 1), port $ARIA2_PORT"
}

# ---- one timed download ----

# timed NAME CMD...: runs CMD under GNU time, in the background; sets
# TIME_PID and CHILD (the downloader's own PID, which a timeout signals).
timed() {
	name=$1
	shift
	"$GNU_TIME" -o "$W/time.out" -f '%e %U %S %M' "$@" \
	    > "$W/$name.log" 2>&1 &
	TIME_PID=$!
	remember "$TIME_PID"
	CHILD=""
	i=0
	while [ -z "$CHILD" ] && [ $i -lt 250 ]; do
		CHILD=$(pgrep -P "$TIME_PID" | head -n 1)
		[ -n "$CHILD" ] || sleep 0.02
		i=$((i + 1))
	done
	[ -n "$CHILD" ] && remember "$CHILD"
}

# finish SIGNAL: waits for the download, stopping it with SIGNAL after
# LIMIT seconds; sets RC (the downloader's exit status), TIMED_OUT and
# ENGINE_HWM (KiB: the peak RSS of the downloader's child, bttui's engine,
# as last seen; 0 for the others).
finish() {
	TIMED_OUT=0
	ENGINE_HWM=0
	ticks=0
	engine=""
	while [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; do
		if [ $ticks -ge $((LIMIT * 10)) ]; then
			TIMED_OUT=1
			stop_pid "$CHILD" "$1"
			break
		fi
		[ -n "$engine" ] || engine=$(bench_engine_pid "$CHILD")
		if [ -n "$engine" ]; then
			h=$(bench_hwm_kib "$engine")
			[ "${h:-0}" -gt "$ENGINE_HWM" ] && ENGINE_HWM=$h
		fi
		sleep 0.1
		ticks=$((ticks + 1))
	done
	wait "$TIME_PID"
	RC=$?
	forget "$TIME_PID"
	[ -n "$CHILD" ] && forget "$CHILD"
}

run_bttui() {	# run_bttui DIR
	# a fresh session per run: the same torrent, another directory
	timed bttui "$BTTUI" --headless --session "$1.session" -d "$1" \
	    -p "$(free_port)" "$TORRENT"
	finish TERM
}

run_aria2c() {	# run_aria2c DIR
	timed aria2c aria2c --enable-dht=false --enable-dht6=false \
	    --bt-enable-lpd=false --enable-peer-exchange=false \
	    --interface=127.0.0.1 --listen-port="$(free_port)" \
	    --seed-time=0 --file-allocation=none --check-integrity=false \
	    --no-conf --quiet=true --summary-interval=0 --dir="$1" \
	    "$TORRENT"
	finish TERM
}

# transmission-cli exits once it stops seeding: a ratio limit of 0 stops
# it as soon as the download completes.  SIGINT stops it cleanly.
run_transmission() {	# run_transmission DIR
	cfg="$W/tr-dl"
	rm -rf "$cfg"
	tr_settings "$cfg" 0
	timed transmission transmission-cli -D -U -M -et -p "$(free_port)" \
	    -w "$1" -g "$cfg" "$TORRENT"
	start_aria2_dialer "$TORRENT" "$W/seed"
	finish INT
	stop_pid "$ARIA2_PID"
}

check() {	# check DIR: the downloaded file is the payload
	f="$1/bench.bin"
	[ -f "$f" ] || { echo no-file; return 1; }
	n=$(stat -c %s "$f")
	[ "$n" = "$SIZE" ] || { echo "size-$n"; return 1; }
	cmp -s "$f" "$W/seed/bench.bin" || { echo bytes-differ; return 1; }
	echo ok
}

run_one() {	# run_one CLIENT N: one download, one line in $W/results
	d="$W/dl-$1-$2"
	rm -rf "$d"
	mkdir -p "$d"
	bench_warm_page_cache "$MIB"
	sync
	s0=$(bench_cpu_ticks "$SEEDER_PID") w0=$(bench_now)
	"run_$1" "$d"
	# the seeder's CPU over the run, in % of one core: near 100, it
	# is the bottleneck, not the downloader
	SEEDER_CPU=$(echo "$s0 $(bench_cpu_ticks "$SEEDER_PID") $w0 \
	    $(bench_now) $BENCH_TICKS" | awk '{ w = $4 - $3
	    printf "%.0f", (w > 0 ? ($2 - $1) / $5 / w * 100 : 0) }')
	if [ $TIMED_OUT = 1 ]; then
		status=timeout
	elif [ $RC != 0 ]; then
		status="exit-$RC"
	else
		status=$(check "$d") || status="bad-data($status)"
	fi
	# GNU time puts "Command exited with ..." before the numbers.
	set -- "$1" "$2" $(tail -n 1 "$W/time.out")
	echo "$1 $2 $status $3 $4 $5 $6 $ENGINE_HWM $SEEDER_CPU" >> "$W/results"
	printf '   run %s/%s  %-12s %6.2f s  cpu %5.2f s' "$2" "$RUNS" "$1" \
	    "$3" "$(echo "$4 $5" | awk '{print $1 + $2}')"
	printf ' (user %5.2f, sys %5.2f)  rss %5.1f MiB' "$4" "$5" \
	    "$(echo "$6" | awk '{print $1 / 1024}')"
	[ "$ENGINE_HWM" -gt 0 ] && printf ' (engine %.1f MiB)' \
	    "$(echo "$ENGINE_HWM" | awk '{print $1 / 1024}')"
	printf '  seeder cpu %s%%  %s\n' "$SEEDER_CPU" "$status"
	[ "$status" = ok ] ||
	    tr '\r' '\n' < "$W/$1.log" | tail -n 3 | sed 's/^/      /'
	rm -rf "$d"
}

# The first GiB of page cache written after the payload costs its writer
# 1-2 s more kernel time on this VM (fresh guest memory): an aria2c
# download that is not counted pays it, not bttui's first run.
warm_up() {
	[ "${BENCH_WARMUP:-1}" = 1 ] || return 0
	: > "$W/results"
	run_one aria2c 0 > /dev/null
	set -- $(cat "$W/results")
	say "warm-up (aria2c, not counted): $3, $4 s"
}

# ---- the report ----

# stats CLIENT: "n wall_med wall_min cpu_med cpu_min rss_max engine_max
# seeder_cpu_med" over the client's good runs, or "0" when it has none.
stats() {
	awk -v c="$1" '
	function sort(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
	}
	function med(a, n) {
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	$1 == c && $3 == "ok" {
		n++; w[n] = $4; u[n] = $5 + $6
		if ($7 > rss) rss = $7
		if ($8 > eng) eng = $8
		sc[n] = $9
	}
	END {
		if (n == 0) { print 0; exit }
		sort(w, n); sort(u, n); sort(sc, n)
		print n, med(w, n), w[1], med(u, n), u[1], rss, eng + 0,
		    med(sc, n)
	}' "$W/results"
}

why_none() {	# why_none CLIENT: why a client has no good run
	case " $CLIENTS " in
	*" $1 "*) ;;
	*) echo "skipped"; return ;;
	esac
	awk -v c="$1" '$1 == c { print $3 }' "$W/results" | sort | uniq -c |
	    awk '{ printf "%s%s x%s", s, $2, $1; s = ", " } END { print "" }'
}

table() {
	echo
	echo "bench: $MIB MiB, one file, one aria2c seeder on 127.0.0.1;" \
	    "$RUNS runs per client"
	printf '%-13s %5s %9s %9s %9s %9s %9s %10s\n' client runs \
	    "wall med" "wall min" "MB/s med" "cpu med" "cpu min" "peak RSS"
	case " $CLIENTS " in
	*" transmission "*)
		echo "(transmission downloads from a second aria2c that" \
		    "dials it)" ;;
	esac
	for c in bttui aria2c transmission; do
		set -- $(stats "$c")
		if [ "$1" = 0 ]; then
			printf '%-13s %5s  %s\n' "$c" 0 "$(why_none "$c")"
			continue
		fi
		printf '%-13s %5s %8.2fs %8.2fs %9.1f %8.2fs %8.2fs' "$c" \
		    "$1/$RUNS" "$2" "$3" \
		    "$(echo "$SIZE $2" | awk '{print $1 / $2 / 1e6}')" "$4" "$5"
		printf ' %6.1f MiB\n' "$(echo "$6" | awk '{print $1 / 1024}')"
	done
}

ratios() {
	set -- $(stats bttui)
	[ "$1" = 0 ] && { echo "bttui: no completed run"; return; }
	bw=$2 bc=$4 brss=$6
	echo
	echo "bttui / other, medians (< 1: bttui is faster or cheaper):"
	for c in aria2c transmission; do
		set -- $(stats "$c")
		[ "$1" = 0 ] && continue
		printf '   vs %-13s wall %5.2fx   cpu %5.2fx\n' "$c" \
		    "$(echo "$bw $2" | awk '{print $1 / $2}')" \
		    "$(echo "$bc $4" | awk '{print $1 / ($2 > 0 ? $2 : 0.01)}')"
	done
	printf '   bttui peak RSS: %.1f MiB\n' "$(echo "$brss" |
	    awk '{print $1 / 1024}')"
}

rows() {	# the figures of case 1 for run.sh's table
	set -- $(stats bttui)
	[ "$1" = 0 ] && return
	bw=$2 bc=$4 beng=$(echo "$7" | awk '{printf "%.1f", $1 / 1024}')
	bsc=$8
	set -- $(stats aria2c)
	if [ "$1" = 0 ]; then
		aw=- ac=- asc=-
	else
		aw=$2 ac=$4 asc=$8
	fi
	c="1 one seeder"
	bench_row "$c" "wall ($MIB MiB)" s "$bw" aria2c "$aw" "ratio <= 0.4"
	bench_row "$c" "CPU" s "$bc" aria2c "$ac" "ratio <= 0.6"
	bench_row "$c" "engine peak RSS" MiB "$beng" - - "bttui <= 32"
	# near 100 %: the aria2c seeder, one thread, is what limits the wall
	bench_row "$c" "seeder CPU in the run" % "$bsc" aria2c "$asc" -
}

main() {
	check_tools
	swarm_init
	cp "$BTTUI" "$W/bttui" && BTTUI="$W/bttui"	# no rebuild midway
	setup_swarm
	warm_up
	: > "$W/results"
	n=1
	while [ $n -le "$RUNS" ]; do
		for c in $CLIENTS; do
			run_one "$c" "$n"
		done
		n=$((n + 1))
	done
	table
	ratios
	rows
	! grep -q '^bttui [0-9]* [^o]' "$W/results"
}

main

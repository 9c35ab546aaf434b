# swarm.sh: shared by the integration tests (sourced, POSIX sh).  Starts
# opentracker and third-party clients on 127.0.0.1, remembers every PID it
# started and stops exactly those on exit.  DHT, LSD, UPnP and PEX stay off.
#
#   swarm_init            work dir in $W, cleanup trap
#   free_port             prints a free TCP+UDP port on 127.0.0.1
#   start_tracker HASH..  opentracker with those info-hashes whitelisted;
#                         sets TRACKER_PORT, ANNOUNCE, ANNOUNCE_UDP
#   start_aria2_seed T D  aria2c seeding torrent T from directory D (extra
#                         options in ARIA2_OPTS)
#   start_aria2_dialer T D  the same, re-announcing every second so that it
#                         dials the peers the tracker lists (transmission)
#   start_transmission_seed T D  (sets TR_PORT; TR_UPLIMIT in KB/s)
#   tr_settings DIR [RATIO]  transmission's settings.json in DIR; with RATIO
#                         it stops seeding (and transmission-cli exits) there
#   stop_pid PID [SIG]    stops one process we started, and forgets it
#   wait_log FILE ERE [SECONDS]  until a line of FILE matches (grep -E;
#                         10 s unless SECONDS; status 1 if none did)
#   SWARM_SPAWN=setsid    starts them in sessions of their own (Ctrl-C in
#                         the terminal then reaches the foreground only)
#   infohash T            the info-hash of T (hex) from ./bttui --info
#   same_tree A B         every file under A has an identical twin under B

BTTUI=${BTTUI:-./bttui}
SWARM_PIDS=""
# Nothing here may reach the Internet: the DHT starts from no public
# router (a test that wants a DHT passes --dht-bootstrap with loopback
# nodes).  run-integration.sh also runs each script in a private network
# namespace where it can.
export BTTUI_DHT_BOOTSTRAP=""

say() { printf '   %s\n' "$*"; }
fail() { printf '   FAIL: %s\n' "$*"; exit 1; }
skip() { printf '   skip: %s\n' "$*"; exit 77; }

need() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
	done
}

swarm_cleanup() {
	for p in $SWARM_PIDS; do
		kill -INT "$p" 2>/dev/null
	done
	sleep 0.3
	for p in $SWARM_PIDS; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -n "${KEEP_WORK:-}" ] || rm -rf "$W"
}

swarm_init() {
	W=$(mktemp -d "${TMPDIR:-/tmp}/bttui-test.XXXXXX")
	chmod 755 "$W"
	# resume records of the processes under test stay in the work dir
	export XDG_STATE_HOME="$W/state"
	# and no user's config file (bttui's, aria2c's) changes a test
	export XDG_CONFIG_HOME="$W/config"
	trap swarm_cleanup EXIT
	trap 'exit 1' INT TERM HUP
}

remember() { SWARM_PIDS="$SWARM_PIDS $1"; }

# The engine (the front's child) of a --headless run whose stderr is a file.
engine_pid() {	# the last engine pid the front reported in file $1
	sed -n 's/^bttui: engine pid \([0-9]*\)$/\1/p' "$1" 2>/dev/null | tail -n 1
}

wait_new_engine() {	# wait_new_engine FILE OLDPID: until a new pid shows
	i=0
	while :; do
		p=$(engine_pid "$1")
		[ -n "$p" ] && [ "$p" != "$2" ] && kill -0 "$p" 2>/dev/null &&
		    { echo "$p"; return 0; }
		i=$((i + 1))
		[ $i -gt 150 ] && return 1
		sleep 0.1
	done
}

forget() {	# forget PID: it ended; cleanup must not signal its number
	SWARM_PIDS=$(echo " $SWARM_PIDS " | sed "s/ $1 / /g")
}

stop_pid() {	# stop_pid PID [SIGNAL]: stops one process we started
	kill "-${2:-TERM}" "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	forget "$1"
	return 0
}

free_port() {
	while :; do
		p=$(( ( $(od -An -N2 -tu2 /dev/urandom) % 30000 ) + 20000 ))
		if [ -z "$(ss -Htanu "( sport = :$p )" 2>/dev/null)" ]; then
			echo "$p"
			return
		fi
	done
}

wait_log() {	# wait_log FILE ERE [SECONDS]: see the list above
	i=0
	until grep -qE -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $(( ${3:-10} * 10 )) ] && return 1
		sleep 0.1
	done
}

wait_port() {	# wait_port PORT: until something listens on TCP PORT
	i=0
	while [ -z "$(ss -Htln "( sport = :$1 )" 2>/dev/null)" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done
}

start_tracker() {
	mkdir -p "$W/tracker"
	: > "$W/tracker/whitelist"
	for h in "$@"; do echo "$h" >> "$W/tracker/whitelist"; done
	chmod -R a+rX "$W/tracker"
	TRACKER_PORT=${TRACKER_PORT:-$(free_port)}
	user=""
	[ "$(id -u)" = 0 ] && user="-u nobody"
	# -i first: the Debian build binds the address given before -p/-P.
	# It chroots into -d before it reads -w, so the whitelist path is
	# given as seen from inside the chroot.
	${SWARM_SPAWN:-} opentracker -i 127.0.0.1 \
	    -p "$TRACKER_PORT" -P "$TRACKER_PORT" -d "$W/tracker" $user \
	    -w /whitelist > "$W/tracker/log" 2>&1 &
	TRACKER_PID=$!
	remember $TRACKER_PID
	wait_port "$TRACKER_PORT" || fail "opentracker did not start"
	ANNOUNCE="http://127.0.0.1:$TRACKER_PORT/announce"
	ANNOUNCE_UDP="udp://127.0.0.1:$TRACKER_PORT/announce"
}

start_aria2_seed() {	# start_aria2_seed TORRENT DIR [NAME]
	ARIA2_PORT=$(free_port)
	${SWARM_SPAWN:-} aria2c --enable-dht=false --enable-dht6=false \
	    --bt-enable-lpd=false --enable-peer-exchange=false \
	    --interface=127.0.0.1 --listen-port="$ARIA2_PORT" --seed-ratio=0.0 \
	    --bt-seed-unverified=true --check-integrity=false \
	    --dir="$2" --no-conf --quiet=true --summary-interval=0 \
	    --bt-external-ip=127.0.0.1 ${ARIA2_OPTS:-} "$1" \
	    > "$W/aria2-${3:-seed}.log" 2>&1 &
	ARIA2_PID=$!
	remember $ARIA2_PID
	wait_port "$ARIA2_PORT" || fail "aria2c did not start"
}

# transmission-cli drops the loopback peers a tracker hands it but accepts
# incoming connections.  aria2c dials the peers the tracker lists after each
# announce (its own address included, which it notices); announcing every
# second makes a seeder that connects to a new transmission within ~2 s.
start_aria2_dialer() {	# start_aria2_dialer TORRENT DIR [NAME]
	ARIA2_OPTS="--bt-tracker-interval=1"
	start_aria2_seed "$1" "$2" "${3:-dialer}"
	ARIA2_OPTS=""
}

tr_settings() {	# tr_settings DIR [RATIO]: DHT, LSD, PEX, uTP, UPnP off
	mkdir -p "$1"
	if [ -n "${2:-}" ]; then
		ratio="\"ratio-limit-enabled\": true, \"ratio-limit\": $2"
	else
		ratio="\"ratio-limit-enabled\": false"
	fi
	cat > "$1/settings.json" <<-JSON
	{ "dht-enabled": false, "lpd-enabled": false, "pex-enabled": false,
	  "port-forwarding-enabled": false, "utp-enabled": false,
	  $ratio, "bind-address-ipv4": "127.0.0.1",
	  "rpc-enabled": false }
	JSON
}

start_transmission_seed() {	# start_transmission_seed TORRENT DIR [NAME]
	TR_PORT=$(free_port)
	# DHT, LSD, PEX and port mapping have no command-line switch: off here.
	tr_settings "$W/tr-${3:-seed}"
	# TR_UPLIMIT (KB/s), when set, limits its upload (the demo's pace).
	up="-U"
	[ -n "${TR_UPLIMIT:-}" ] && up="-u $TR_UPLIMIT"
	${SWARM_SPAWN:-} transmission-cli -D $up -M -et -p "$TR_PORT" \
	    -w "$2" -g "$W/tr-${3:-seed}" "$1" > "$W/tr-${3:-seed}.log" 2>&1 &
	TR_PID=$!
	remember $TR_PID
	wait_port "$TR_PORT" || fail "transmission-cli did not start"
}

infohash() {
	"$BTTUI" --info "$1" | sed -n 's/^Info hash: *//p'
}

make_payload() {	# make_payload DIR MiB: nested tree with a 0-byte file
	mkdir -p "$1/a/b/c" "$1/d"
	head -c $(( $2 * 1048576 / 2 + 12345 )) /dev/urandom > "$1/a/b/c/big.bin"
	head -c $(( $2 * 1048576 / 4 - 777 )) /dev/urandom > "$1/a/mid.bin"
	head -c $(( $2 * 1048576 / 4 )) /dev/urandom > "$1/d/quarter.bin"
	head -c 1000 /dev/urandom > "$1/small.txt"
	: > "$1/a/b/empty"
}

same_tree() {	# same_tree A B: B holds every file of A, byte for byte
	# (transmission-cli never creates zero-length files: with
	# SKIP_EMPTY=1 those are not required)
	if [ -n "${SKIP_EMPTY:-}" ]; then
		(cd "$1" && find . -type f -size +0 | sort) > "$W/files.a"
	else
		(cd "$1" && find . -type f | sort) > "$W/files.a"
	fi
	while read -r f; do
		[ -f "$2/$f" ] || { say "missing: $f"; return 1; }
		a=$(sha1sum < "$1/$f") b=$(sha1sum < "$2/$f")
		[ "$a" = "$b" ] || { say "differs: $f"; return 1; }
	done < "$W/files.a"
	say "all $(wc -l < "$W/files.a") files match (SHA-1)"
}

wait_seeders() {	# wait_seeders HASH N [SECONDS]: until the tracker
	q=$(echo "$1" | sed 's/../%&/g')	# counts N seeders (10 s)
	i=0
	while :; do
		n=$(curl -s "http://127.0.0.1:$TRACKER_PORT/scrape?info_hash=$q" |
		    grep -ao '8:completei[0-9]*e' | head -n 1 |
		    sed 's/^8:completei//; s/e$//')
		[ "${n:-0}" -ge "$2" ] && return 0
		i=$((i + 1))
		[ $i -gt $((${3:-10} * 10)) ] &&
		    fail "the tracker never saw $2 seeder(s)"
		sleep 0.1
	done
}

start_bttui_seed() {	# start_bttui_seed TORRENT DIR [bttui options...]
	t=$1 d=$2
	shift 2
	BSEED_PORT=$(free_port)
	# a session of its own: one bttui per session directory
	"$BTTUI" --headless --seed -p "$BSEED_PORT" -d "$d" \
	    --session "$W/bseed-session" "$@" "$t" \
	    > "$W/bseed.out" 2> "$W/bseed.err" &
	BSEED_PID=$!
	remember $BSEED_PID
	wait_port "$BSEED_PORT" || fail "the bttui seeder did not start"
}

# The TUI in tmux (tui.sh, screenshots.sh): a private tmux server named
# bttui-test-PID, no status line, the pane kept after the TUI exits (its
# last screen), TERM=xterm-256color and LANG=C.UTF-8 inside.
#   tui_start COLS ROWS ARGS..  bttui ARGS on a COLS x ROWS screen; sets
#                         TUI_PID (the front); TUI_ENV: more VAR=VALUE
#                         words for its environment
#   tui_keys KEY..        tmux send-keys (Right, Enter, Escape, BTab, F1..)
#   tui_pane [-e]         the screen into $W/pane (-e: with colours)
#   tui_wait SECONDS ERE..  until one capture matches every ERE
#   tui_exited SECONDS    until the TUI exits; sets TUI_STATUS
#   tui_stop              kills the tmux server
TUI_SOCK=bttui-test-$$

tm() { LANG=C.UTF-8 tmux -L "$TUI_SOCK" "$@"; }

tui_start() {	# tui_start COLS ROWS BTTUI-ARGS...
	tui_c=$1 tui_r=$2
	shift 2
	printf '%s\n' 'set -g status off' 'set -g remain-on-exit on' \
	    'set -g default-terminal xterm-256color' > "$W/tmux.conf"
	rm -f "$W/tui.status"
	# A shell records the exit status: tmux may take its time to reap.
	tm -f "$W/tmux.conf" new-session -d -s tui -x "$tui_c" -y "$tui_r" \
	    sh -c '"$@"; echo $? > "$0.tmp" && mv "$0.tmp" "$0"' \
	    "$W/tui.status" env TERM=xterm-256color LANG=C.UTF-8 LC_ALL= \
	    XDG_STATE_HOME="$XDG_STATE_HOME" \
	    XDG_CONFIG_HOME="$XDG_CONFIG_HOME" ${TUI_ENV:-} "$BTTUI" "$@" ||
	    fail "tmux did not start"
	TUI_SERVER=$(tm display-message -p '#{pid}')
	TUI_SOCKET=$(tm display-message -p '#{socket_path}')
	remember "$TUI_SERVER"
	tui_sh=$(tm display-message -p -t tui '#{pane_pid}')
	tui_n=50
	while TUI_PID=$(pgrep -P "$tui_sh" | head -n 1); [ -z "$TUI_PID" ]; do
		tui_n=$((tui_n - 1))
		[ $tui_n -le 0 ] && fail "bttui did not start in tmux"
		sleep 0.1
	done
	remember "$TUI_PID"
}

tui_keys() { tm send-keys -t tui "$@"; }

tui_pane() { tm capture-pane -p -N ${1:-} -t tui > "$W/pane"; }

tui_wait() {	# tui_wait SECONDS ERE...: all of them in one capture
	tui_n=$(( $1 * 5 ))
	shift
	while :; do
		tui_pane
		tui_ok=1
		for tui_e in "$@"; do
			grep -qE -- "$tui_e" "$W/pane" || { tui_ok=0; break; }
		done
		[ $tui_ok = 1 ] && return 0
		tui_n=$((tui_n - 1))
		[ $tui_n -le 0 ] && return 1
		sleep 0.2
	done
}

tui_exited() {	# tui_exited SECONDS: sets TUI_STATUS
	tui_n=$(( $1 * 10 ))
	until [ -s "$W/tui.status" ]; do
		tui_n=$((tui_n - 1))
		[ $tui_n -le 0 ] && return 1
		sleep 0.1
	done
	TUI_STATUS=$(cat "$W/tui.status")
}

tui_stop() {	# (tmux leaves its socket behind)
	tm kill-server 2>/dev/null
	[ -n "${TUI_SERVER:-}" ] && forget "$TUI_SERVER"
	[ -n "${TUI_SOCKET:-}" ] && rm -f "$TUI_SOCKET"
	return 0
}

# three_torrent_swarm: what tui_keys.sh and tui_mouse.sh drive.  Two
# headless bttui seeders (ports SEED1, SEED2) of a 16 MiB tree,
# $W/payload.torrent, slowed to 48 KiB/s so that a TUI still downloads it
# while a test looks; and two complete single files in $W/dl
# (alpha.torrent, beta.torrent) that the TUI seeds from its directory.
three_torrent_swarm() {
	make_payload "$W/seed/payload" 16
	mkdir -p "$W/dl"
	head -c 3000000 /dev/urandom > "$W/dl/alpha.bin"
	head -c 2000000 /dev/urandom > "$W/dl/beta.bin"
	for n in alpha beta; do
		"$BTTUI" --create "$W/dl/$n.bin" -a "http://127.0.0.1:1/announce" \
		    -o "$W/$n.torrent" > /dev/null || fail "bttui --create $n"
	done
	"$BTTUI" --create "$W/seed/payload" -a "http://127.0.0.1:1/announce" \
	    --piece-size 64K -o "$W/payload.torrent" > /dev/null ||
	    fail "bttui --create payload"
	SEED1=$(free_port)
	SEED2=$(free_port)
	while [ "$SEED2" = "$SEED1" ]; do SEED2=$(free_port); done
	for p in $SEED1 $SEED2; do
		"$BTTUI" --headless --seed --no-dht --session "$W/seed-$p" -p "$p" \
		    --max-up 48 -d "$W/seed" "$W/payload.torrent" \
		    > "$W/seed-$p.out" 2> "$W/seed-$p.err" &
		remember $!
		wait_port "$p" || fail "the bttui seeder on $p did not start"
	done
}

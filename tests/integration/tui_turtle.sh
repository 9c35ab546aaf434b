# Turtle mode, --on-complete and --bell, as a person uses them.  The TUI
# in tmux downloads a small file (a name with a space and a quote) from a
# bttui seeder on loopback, with --on-complete writing its environment to
# a file: the file says the torrent's name, absolute path, info-hash and
# size, and the Log view says the command ran and exited 0; --bell rings
# tmux's bell once.  t turns turtle mode on: the header says "turtle" with
# the --alt-max-down/-up limits, the log says it, the session's settings keep
# it; an engine killed by SIGKILL is restarted by the watchdog in turtle
# mode, and so is the session reopened after q; t again turns it off.
# Then --headless --on-complete downloads a second torrent: the command's
# file is there when bttui exits 0, its lines on stderr.
. tests/integration/lib/swarm.sh
need tmux
swarm_init
trap 'tui_stop; swarm_cleanup' EXIT
T0=$(date +%s)

mkdir -p "$W/seed" "$W/dl" "$W/out"
NAME="my file's.bin"
head -c 3000000 /dev/urandom > "$W/seed/$NAME"
head -c 1500000 /dev/urandom > "$W/seed/two.bin"
"$BTTUI" --create "$W/seed/$NAME" -a "http://127.0.0.1:1/announce" \
    -o "$W/one.torrent" > /dev/null || fail "bttui --create one"
"$BTTUI" --create "$W/seed/two.bin" -a "http://127.0.0.1:1/announce" \
    -o "$W/two.torrent" > /dev/null || fail "bttui --create two"
H1=$(infohash "$W/one.torrent")
H2=$(infohash "$W/two.torrent")
start_bttui_seed "$W/one.torrent" "$W/seed" --no-dht "$W/two.torrent"
SEED="127.0.0.1:$BSEED_PORT"

saw() { say "$1: $2"; }
# The command: the torrent's variables, one a line, into out/HASH.env
# (single quotes: the shell of --on-complete expands them, not this one).
ONC='env | grep -E "^BTTUI_(NAME|PATH|INFOHASH|SIZE)=" | sort > "$OUT/$BTTUI_INFOHASH.env"'
check_env() {	# check_env HASH NAME SIZE: out/HASH.env as it should be
	f="$W/out/$1.env"
	[ -s "$f" ] || fail "no $f: --on-complete did not run"
	printf 'BTTUI_INFOHASH=%s\nBTTUI_NAME=%s\nBTTUI_PATH=%s\nBTTUI_SIZE=%s\n' \
	    "$1" "$2" "$W/dl/$2" "$3" > "$W/want.env"
	cmp -s "$f" "$W/want.env" ||
	    { diff "$W/want.env" "$f"; fail "$f is not as it should be"; }
}
settings_turtle() {	# the session's saved turtle flag
	grep -o '6:turtlei[01]e' "$W/session/settings" | grep -o '[01]'
}

# --- the TUI: a download with --on-complete and --bell --------------------
# The bell is flagged by tmux on a window that is not the current one: a
# second window is current while the TUI downloads.
TUI_ENV="OUT=$W/out"
tui_start 120 36 --session "$W/session" -d "$W/dl" -p "$(free_port)" \
    --no-dht --peer "$SEED" --on-complete "$ONC" --bell \
    --alt-max-down 40 --alt-max-up 30 "$W/one.torrent"
tm new-window -d -t tui: 'sleep 600' || fail "tmux: no second window"
tm select-window -t tui:1 || fail "tmux: cannot select window 1"
tm set-option -t tui bell-action any > /dev/null
n=0
until [ -s "$W/out/$H1.env" ]; do
	n=$((n + 1))
	[ $n -gt 300 ] && { tui_pane; cat "$W/pane"; fail "no download"; }
	sleep 0.1
done
check_env "$H1" "$NAME" 3000000
saw "on-complete" "$(tr '\n' ' ' < "$W/out/$H1.env")"
BELL=$(tm display-message -p -t tui:0 '#{window_bell_flag}')
[ "$BELL" = 1 ] || fail "--bell: tmux saw no bell (flag '$BELL')"
saw "--bell" "tmux flagged a bell on the TUI's window"
tm select-window -t tui:0
tui_keys 5
tui_wait 10 "ran on-complete for $NAME \\(pid [0-9]+\\)" \
    "on-complete for $NAME \\(pid [0-9]+\\) exited with status 0" ||
    { cat "$W/pane"; fail "the log does not say on-complete ran"; }
saw "log" "$(grep -oE 'on-complete for .* exited with status 0' "$W/pane")"
tui_wait 5 'complete at [0-9]{2}:[0-9]{2}' ||
    { cat "$W/pane"; fail "no 'complete at' in the header"; }

# --- turtle mode ----------------------------------------------------------
tui_keys Escape
tui_wait 10 '^ Torrents \(1\)' || { cat "$W/pane"; fail "no torrent list"; }
grep -q 'turtle' "$W/pane" && fail "turtle shown before t"
tui_keys t
tui_wait 10 '^ turtle ↓40\.0 KiB/s ↑30\.0 KiB/s  ↓ ' ||
    { cat "$W/pane"; fail "t: the header does not say turtle"; }
saw "t" "$(grep -m 1 -E '^ turtle ' "$W/pane" | sed 's/  */ /g')"
[ "$(settings_turtle)" = 1 ] || fail "the settings do not keep turtle mode"
tui_keys 5
tui_wait 10 'turtle mode on: limits 40\.0 KiB/s down, 30\.0 KiB/s up' ||
    { cat "$W/pane"; fail "the log does not say turtle mode on"; }
tui_keys Escape
# the watchdog's new engine starts in turtle mode
E=$(pgrep -P "$TUI_PID" | head -n 1)
[ -n "$E" ] || fail "no engine under the TUI $TUI_PID"
kill -KILL "$E"
n=0
while E2=$(pgrep -P "$TUI_PID" | head -n 1); [ -z "$E2" ] || [ "$E2" = "$E" ]; do
	n=$((n + 1))
	[ $n -gt 100 ] && fail "the watchdog did not restart the engine"
	sleep 0.1
done
tui_wait 15 "engine $E2 " '^ turtle ↓40\.0 KiB/s ↑30\.0 KiB/s ' ||
    { cat "$W/pane"; fail "the restarted engine $E2 is not in turtle mode"; }
saw "engine restart" "engine $E killed, $E2 in turtle mode"
# quit and reopen the session: still turtle
tui_keys q
tui_exited 15 || fail "q: the TUI did not exit"
tui_stop
tui_start 120 36 --session "$W/session" -p "$(free_port)" --no-dht
tui_wait 15 '^ Torrents \(1\)' '^ turtle ↓40\.0 KiB/s ↑30\.0 KiB/s ' ||
    { cat "$W/pane"; fail "the reopened session is not in turtle mode"; }
saw "reopened" "still turtle"
tui_keys t
tui_wait 10 '^ Torrents \(1\)' || { cat "$W/pane"; fail "no list"; }
n=0
while grep -q '^ turtle ' "$W/pane"; do
	n=$((n + 1))
	[ $n -gt 50 ] && { cat "$W/pane"; fail "t: turtle still shown"; }
	sleep 0.2
	tui_pane
done
[ "$(settings_turtle)" = 0 ] || fail "the settings still say turtle"
saw "t again" "turtle off, in the settings too"
tui_keys q
tui_exited 15 || fail "q: the TUI did not exit"
tui_stop

# --- --headless --on-complete ---------------------------------------------
OUT="$W/out" "$BTTUI" --headless --session "$W/hsession" -d "$W/dl" \
    -p "$(free_port)" --no-dht --peer "$SEED" --on-complete "$ONC" \
    "$W/two.torrent" > "$W/h.out" 2> "$W/h.err" &
HP=$!
remember $HP
n=0
while kill -0 "$HP" 2>/dev/null; do
	n=$((n + 1))
	[ $n -gt 300 ] && { cat "$W/h.err"; fail "--headless did not finish"; }
	sleep 0.1
done
wait "$HP"
RC=$?
forget "$HP"
[ "$RC" = 0 ] || { cat "$W/h.err"; fail "--headless exited $RC"; }
check_env "$H2" two.bin 1500000
grep -qE '^bttui: ran on-complete for two\.bin \(pid [0-9]+\)$' "$W/h.err" &&
    grep -qE '^bttui: on-complete for two\.bin \(pid [0-9]+\) exited with status 0$' \
    "$W/h.err" || { cat "$W/h.err"; fail "--headless: no on-complete lines"; }
grep -q 'Download complete' "$W/h.out" || fail "--headless: no completion"
saw "--headless" "$(grep 'on-complete for' "$W/h.err" | tr '\n' ' ')"
[ -f "$W/hsession/on-complete.log" ] ||
    fail "no on-complete.log in the session"
say "ok ($(( $(date +%s) - T0 )) s)"

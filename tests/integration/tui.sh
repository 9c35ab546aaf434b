# The TUI end to end, in tmux, on a loopback swarm: a bttui seeder limited
# to 2 MiB/s and a slow aria2c seeder.  Keys go in with send-keys, the
# screen comes back with capture-pane, and every check polls the screen
# up to a deadline.  Checked: the header (name, state, percent, engine pid
# and heartbeat); the piece cursor, a piece's detail and Esc; both seeders
# in the Peers view (their source: the tracker; EP for the bttui seeder's
# RC4 over uTP (it requires it), e for aria2c's MSE with a plaintext payload), sorting by a column and
# inverting it, a peer's detail; the help; the Files tree (totals, the directory row, folding, + on a
# directory and its log line); pause (the down rate falls to 0) and resume; a SIGSTOPped
# engine replaced by the watchdog, shown in the header, and the download
# still completing; q exits 0 and leaves no bttui process behind.
. tests/integration/lib/swarm.sh
need opentracker mktorrent aria2c tmux curl
swarm_init
trap 'tui_stop; swarm_cleanup' EXIT
T0=$(date +%s)

make_payload "$W/seed/payload" 64
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 16 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
# --encryption require: it takes only RC4, so the Peers view shows both
# payloads (our prefer would get plaintext from a seeder that takes both)
start_bttui_seed "$W/t.torrent" "$W/seed" --max-up 2048 --encryption require
ARIA2_OPTS="--max-upload-limit=128K"
start_aria2_seed "$W/t.torrent" "$W/seed"
ARIA2_OPTS=""
wait_seeders "$H" 2 30
BSEED="127.0.0.1:$BSEED_PORT"
ASEED="127.0.0.1:$ARIA2_PORT"

row() { sed -n "${1}p" "$W/pane" | sed 's/  */ /g; s/^ //; s/ $//'; }
first() { grep -m 1 -E -- "$1" "$W/pane" | sed 's/  */ /g; s/^ //; s/ $//'; }
saw() { say "$1: $2"; }
engine_of() { sed -n 's/.*engine \([0-9][0-9]*\)  up .*/\1/p' "$W/pane" |
    head -n 1; }
ENGINES=""

tui_start 120 36 -d "$W/dl" -p "$(free_port)" "$W/t.torrent"
say "TUI: front pid $TUI_PID, tmux -L $TUI_SOCK"

# --- the header ------------------------------------------------------------
tui_wait 15 '^ payload .* downloading *$' '^ .* [0-9]+\.[0-9]%  ' \
    '^ engine [0-9]+  up .*  heartbeat [0-9.]+ s ago' ||
    { cat "$W/pane"; fail "no header with name, state, percent and engine"; }
for i in 1 2 3 4; do saw "header $i" "$(row $i)"; done
E1=$(engine_of)
[ "$(ps -o ppid= -p "$E1" | tr -d ' ')" = "$TUI_PID" ] ||
    fail "engine $E1 is not a child of the front $TUI_PID"
ENGINES=$E1

# --- Pieces: cursor, detail, Esc -----------------------------------------
tui_wait 10 'cursor: piece 0 ' || fail "no piece cursor at 0"
saw "pieces" "$(first 'cursor: piece')"
tui_keys Right l l l h
tui_wait 5 'cursor: piece 3 ' || { first 'cursor:'; fail "cursor not at 3"; }
saw "after Right l l l h" "$(first 'cursor: piece')"
tui_keys Enter
tui_wait 10 '^ Piece 3 of [0-9]+ ' '^ bytes 196608-262143 ' ||
    { cat "$W/pane"; fail "no detail of piece 3"; }
saw "Enter" "$(first '^ Piece 3')"
saw "detail" "$(first '^ bytes ')"
tui_keys Escape
tui_wait 5 'cursor: piece 3 ' || fail "Esc did not return to the map"
grep -q '^ Piece 3 of' "$W/pane" && fail "the detail is still shown"
saw "Esc" "$(first 'cursor: piece')"

# --- Peers: both seeders, sorting, detail -------------------------------
tui_keys 2
tui_wait 15 "^ +[0-9]+ $BSEED " "^ +[0-9]+ $ASEED " ||
    { cat "$W/pane"; fail "the Peers view lacks $BSEED or $ASEED"; }
saw "peers" "$(first "^ +[0-9]+ $BSEED ")"
saw "peers" "$(first "^ +[0-9]+ $ASEED ")"
tui_wait 5 "^ +[0-9]+ $BSEED .* tracker *\$" \
    "^ +[0-9]+ $ASEED .* tracker *\$" ||
    { cat "$W/pane"; fail "the Src column does not say tracker"; }
# col_at TITLE: where TITLE starts in the table's title row (the columns
# take the widths their texts need)
col_at() { awk -v t="$1" 'index($0, " Address") { print index($0, t) - 1;
    exit }' "$W/pane"; }
# transport_re ADDR LETTERS: ADDR's row has LETTERS as the last two of its
# seven flags (E/e encryption, P uTP)
transport_re() {
	a=$(col_at Address) f=$(col_at Flags)
	echo "^.{$a}$1.{$((f - a - ${#1}))}.{5}$2 "
}
# the bttui seeder: RC4 (it requires it) over uTP (dialled first); aria2c:
# no uTP, and it takes the plaintext that our MSE offers
tui_wait 10 "$(transport_re "$BSEED" 'EP')" "$(transport_re "$ASEED" 'e ')" ||
    { cat "$W/pane"; fail "Flags: no EP (RC4 over uTP) for the bttui seeder, \
no e (MSE handshake, plaintext) for aria2c"; }
saw "flags" "$(first "^ +[0-9]+ $BSEED ")"
titles() { first '^ +# +Address'; }
first_peer() { sed -n '7p' "$W/pane" | awk '{print $2}'; }
saw "sort" "$(titles)"
tui_keys s
tui_wait 5 ' Up▼ ' || { titles; fail "s did not sort by Up"; }
grep -q 'Down▼' "$W/pane" && fail "two sort markers"
saw "s" "$(titles)"
# the arrow says the order on screen: up ascending, down descending
tui_keys '<' '<' '<' '<' '<'
tui_wait 5 ' Address▲ ' || { titles; fail "< did not reach Address"; }
a1=$(first_peer)
saw "< x5" "$(titles); first row $a1"
tui_keys '>'
tui_wait 5 ' Client▲ ' || { titles; fail "> did not sort by Client"; }
saw ">" "$(titles)"
tui_keys '<' I
tui_wait 5 ' Address▼ ' || { titles; fail "I did not invert"; }
a2=$(first_peer)
saw "< I" "$(titles); first row $a2"
# one host: by port, as a number
lo=$(printf '%s\n%s\n' "$BSEED" "$ASEED" | sort -t: -k2n | head -n 1)
hi=$(printf '%s\n%s\n' "$BSEED" "$ASEED" | sort -t: -k2n | tail -n 1)
[ "$a1" = "$lo" ] && [ "$a2" = "$hi" ] ||
    fail "sorted by address: first $a1 then $a2, expected $lo then $hi"
# the selection follows a peer through sorting: g selects the first row
tui_keys g Enter
tui_wait 10 "^ Peer #[0-9]+  $hi " '^ Its pieces: ' ||
    { cat "$W/pane"; fail "no detail of peer $hi"; }
saw "Enter" "$(first '^ Peer #')"
saw "detail" "$(first '^ flags ')"
grep -qE '^ flags \[.{7}\] +source: tracker ' "$W/pane" ||
    { first '^ flags '; fail "the peer detail does not name its source"; }
# how it travels: the bttui seeder requires RC4, aria2c picks the
# plaintext payload (both offered by our default --encryption prefer)
if [ "$hi" = "$BSEED" ]; then conn='uTP, encrypted \(RC4\)'; e=EP
else conn='TCP, MSE handshake, plaintext'; e='e '; fi
grep -qE "^ flags \[.{5}$e\] " "$W/pane" && grep -qE \
    "^ connection: $conn *\$" "$W/pane" ||
    { first '^ flags '; first '^ connection'; fail "the peer detail of $hi \
does not say '$conn' and flags '$e'"; }
saw "detail" "$(first '^ connection: ')"
tui_keys Escape
tui_wait 5 ' Address▼ ' || fail "Esc did not return to the peers"

# --- help ------------------------------------------------------------------
tui_keys '?'
tui_wait 5 'bttui keys' || fail "? did not open the help"
help_has() {	# help_has KEY...: each listed with what it does
	# (waited for: a capture can fall between two parts of one redraw)
	for k in "$@"; do
		tui_wait 3 "^   $k +[a-z0-9]" || { cat "$W/pane"
		    fail "the help lacks key $k"; }
	done
}
help_has Tab Shift-Tab '1 2 3 4 5' 'Up k' PgUp Enter Esc p P a 'x Del'
saw "help" "$(first '^   x Del')"
# q F10 ends the Torrents keys: on the first screen or the next (long
# lines wrap, so where it falls depends on the width)
grep -qE "^   q F10 +[a-z]" "$W/pane" && q_seen=1 || q_seen=0
tui_keys -N 14 Down
# (a few more at widths where long lines wrap)
tui_wait 2 '^   Ctrl-L +redraw' || tui_keys -N 4 Down
tui_wait 5 '^   Ctrl-L +redraw' || fail "the help does not scroll"
help_has s '>' I '\? F1' Ctrl-L
[ $q_seen = 1 ] || help_has 'q F10'
saw "help, scrolled" "$(first '^   I  ')"
tui_keys Escape
tui_wait 5 ' Address▼ ' || fail "Esc did not close the help"
grep -q 'bttui keys' "$W/pane" && fail "the help is still shown"

# --- the other views: Tab, Shift-Tab, 4, 5 --------------------------------
# Files: the tree under its totals, folding, a directory's priority
tui_keys Tab
tui_wait 5 '^ +# +Size +Wanted +Done +Progress +Prio +Path' \
    '^ 5 files, 64\.0 MiB wanted of 64\.0 MiB, [0-9.]+ [KMG]?i?B done' \
    ' normal +▾ payload/ *$' '^ +[0-9]+ .* normal +big\.bin *$' ||
    { cat "$W/pane"; fail "Tab: no Files tree with its totals"; }
saw "Tab" "$(first ' files, ')"
saw "Tab" "$(first 'payload/')"
saw "Tab" "$(first 'big\.bin')"
tui_keys g Enter
tui_wait 5 '▸ payload/ *$' || { cat "$W/pane"; fail "Enter: not folded"; }
grep -q 'big\.bin' "$W/pane" && fail "payload/ folded, big.bin still shown"
saw "g Enter" "$(first 'payload/')"
tui_keys Right
tui_wait 5 '▾ payload/ *$' ' big\.bin *$' || fail "Right: not unfolded"
tui_keys +
tui_wait 5 'payload/: 5 files to high' ||
    { cat "$W/pane"; fail "+ on payload/: no word in the bottom bar"; }
tui_wait 5 ' high +▾ payload/ *$' ' high +▾ a/ *$' ' high +big\.bin *$' ||
    { cat "$W/pane"; fail "+ on payload/: its rows are not high"; }
saw "+" "$(first 'payload/')"
tui_keys BTab
tui_wait 5 ' Address▼ ' || fail "Shift-Tab: not back to the Peers"
tui_keys 4
tui_wait 5 "^ +0 ok .* http://127\.0\.0\.1:$TRACKER_PORT/announce" ||
    { cat "$W/pane"; fail "4: no tracker"; }
saw "4" "$(first "127\.0\.0\.1:$TRACKER_PORT")"
# the torrent's magnet link above the table, from the first column
LINK_RE="^magnet:\\?xt=urn:btih:$H&dn=payload&tr=http%3A%2F%2F"
LINK_RE="${LINK_RE}127\\.0\\.0\\.1%3A$TRACKER_PORT%2Fannounce *\$"
tui_wait 5 '^ Magnet link: *$' "$LINK_RE" ||
    { cat "$W/pane"; fail "4: no magnet link"; }
saw "4" "$(first '^magnet:')"
tui_keys 5
tui_wait 5 "watchdog +info +engine $E1 started" \
    'engine +info +payload/: high \(5 files\)' ||
    { cat "$W/pane"; fail "5: no log"; }
saw "5" "$(first 'watchdog +info')"
tui_keys 2

# --- pause and resume ------------------------------------------------------
tui_keys p
tui_wait 5 '^ payload .* paused *$' || { row 1; fail "p: no 'paused'"; }
saw "p" "$(row 1)"
tui_wait 8 '^ ↓ 0 B/s ' 'p Resume' ||
    { row 3; fail "paused, but the down rate stays above 0"; }
saw "paused" "$(row 3)"
tui_keys p
tui_wait 5 '^ payload .* downloading *$' || { row 1; fail "p: no resume"; }
tui_wait 10 '^ ↓ [0-9.]+ [KM]iB/s ' ||
    { row 3; fail "resumed, but nothing comes down"; }
saw "p again" "$(row 3)"

# --- the watchdog: SIGSTOP the engine -------------------------------------
tui_pane
E=$(engine_of)
pct=$(row 2 | grep -oE '[0-9.]+%' | head -n 1)
[ "$pct" = "100.0%" ] && fail "complete before the SIGSTOP: too fast"
kill -STOP "$E"
remember "$E"
tui_wait 10 'restarted \(1/5\)' 'restarts 1 ' ||
    { row 4; fail "no restart shown after SIGSTOP of engine $E at $pct"; }
E2=$(engine_of)
saw "SIGSTOP $E at $pct" "$(row 4)"
[ -n "$E2" ] && [ "$E2" != "$E" ] || fail "the engine pid did not change"
kill -0 "$E" 2>/dev/null && fail "the stopped engine $E is still there"
forget "$E"
ENGINES="$ENGINES $E2"

# the screen seeds on after the download until the user quits
tui_wait 60 '^ .* 100\.0%  .*  pieces ([0-9]+)/\1( |$)' \
    ' seeding *$' ||
    { cat "$W/pane"; fail "the download did not complete"; }
saw "complete" "$(row 1)"
saw "complete" "$(row 2)"
saw "complete" "$(row 4)"
E3=$(engine_of)
[ -n "$E3" ] && ENGINES="$ENGINES $E3"

# --- quit --------------------------------------------------------------
tui_keys q
tui_exited 10 || fail "q: the TUI is still running"
[ "$TUI_STATUS" = 0 ] || fail "the TUI exited with status $TUI_STATUS"
kill -0 "$TUI_PID" 2>/dev/null && fail "front $TUI_PID still there"
forget "$TUI_PID"
for e in $ENGINES; do
	kill -0 "$e" 2>/dev/null && fail "engine $e still there"
done
# (tmux's and the status shell's command lines name the directory too)
left=$(pgrep -f -- "-d $W/dl " | while read -r p; do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = bttui ] && echo "$p"; done)
[ -z "$left" ] || fail "bttui processes left: $left"
saw "q" "exit status 0; front $TUI_PID and engines$(echo " $ENGINES" |
    tr -s ' ') gone"
tui_stop
same_tree "$W/seed" "$W/dl" || fail "files differ"
say "took $(( $(date +%s) - T0 )) s"

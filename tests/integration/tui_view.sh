# What the screen shows (issue 16), as a person sees it in tmux: first at
# 80x24, then 120x40 and 20x5, on a loopback swarm of a bttui seeder (on a
# 4-digit port, limited to 512 KiB/s) and an aria2c seeder (5-digit port).
# Checked: the header's peers ("N connected (N seeds), N known", the same
# number as the Peers tab), the key bar never cutting a label, the Peers
# table keeping Reqs at 80 columns with whole client names, the sort arrow
# on Flags, addresses sorted by port as numbers, a peer's detail and the
# same detail once the peer is gone ("disconnected Ns ago", no live
# numbers), a file name with a combining accent, log lines cut with an
# ellipsis, rates at 0 at once on pause, "complete at HH:MM", no ETA and
# no download rate once seeding, every column and key at 120x40, the
# too-small message whole at 20x5.
. tests/integration/lib/swarm.sh
need opentracker mktorrent aria2c tmux curl
swarm_init
trap 'tui_stop; swarm_cleanup' EXIT
T0=$(date +%s)

# a port of 4 digits: as text it would sort after aria2c's 5 digits
low_port() {
	while :; do
		p=$(( ( $(od -An -N2 -tu2 /dev/urandom) % 2000 ) + 7000 ))
		[ -z "$(ss -Htanu "( sport = :$p )" 2>/dev/null)" ] &&
		    { echo "$p"; return; }
	done
}

ACUTE=$(printf '\314\201')		# U+0301, combining acute accent
make_payload "$W/seed/payload" 24
printf 'x' > "$W/seed/payload/combining-e$ACUTE.txt"
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 16 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
BSEED_PORT=$(low_port)
"$BTTUI" --headless --seed -p "$BSEED_PORT" -d "$W/seed" --max-up 512 \
    --session "$W/bseed-session" "$W/t.torrent" > "$W/bseed.out" \
    2> "$W/bseed.err" &
BSEED_PID=$!
remember $BSEED_PID
wait_port "$BSEED_PORT" || fail "the bttui seeder did not start"
ARIA2_OPTS="--max-upload-limit=64K"
start_aria2_seed "$W/t.torrent" "$W/seed"
ARIA2_OPTS=""
wait_seeders "$H" 2 30
BSEED="127.0.0.1:$BSEED_PORT"
ASEED="127.0.0.1:$ARIA2_PORT"
[ "$ARIA2_PORT" -gt 9999 ] || fail "aria2c's port $ARIA2_PORT has 4 digits"

row() { sed -n "${1}p" "$W/pane"; }
first() { grep -m 1 -E -- "$1" "$W/pane" | sed 's/  */ /g; s/^ //; s/ $//'; }
saw() { say "$1: $2"; }
# the key bar is whole: a known label ends it, "q Quit" is in it
keys_whole() {
	bar=$(tail -n 1 "$W/pane" | sed 's/ *$//')
	echo "$bar" | grep -qE '(Quit|Help|View|Inspect|Sort|Pause|Resume|'\
'Announce|Limits|Close|Retry|Fold|Skip|Open|Add|Remove|All)$' &&
	    echo "$bar" | grep -q 'q Quit' ||
	    { echo "$bar"; fail "$1: the key bar cuts a label or lacks q Quit"; }
}

tui_start 80 24 -d "$W/dl" -p "$(free_port)" "$W/t.torrent"
say "TUI: front pid $TUI_PID, tmux -L $TUI_SOCK, 80x24"

# --- the header: the peers said in words, as the tab counts them ---------
PEERS_RE='peers ([0-9]+)( connected)? \(([0-9]+ seeds?)(, [0-9]+ incoming)?\), [0-9]+ known'
tui_wait 20 "$PEERS_RE" ' 2 Peers \(2\) ' ||
    { cat "$W/pane"; fail "no 'peers N connected (N seeds), N known'"; }
saw "header" "$(row 3 | sed 's/ *$//')"
grep -q '(1 seeds)' "$W/pane" && fail "'1 seeds'"
# the tab and the header count the same list, in every capture
for i in 1 2 3 4 5 6 7 8 9 10; do
	tui_pane
	tab=$(sed -n 's/.* 2 Peers (\([0-9]*\)) .*/\1/p' "$W/pane")
	head=$(row 3 | sed -n 's/.*peers \([0-9]*\).*/\1/p')
	[ "$tab" = "$head" ] ||
	    { row 3; row 5; fail "the tab says $tab peers, the header $head"; }
	sleep 0.3
done
saw "tab and header" "$tab and $head peers in 10 captures"
keys_whole "Pieces"
saw "keys" "$(tail -n 1 "$W/pane" | sed 's/ *$//')"

# --- Peers at 80 columns: Reqs kept, whole client names, arrows ----------
tui_keys 2
tui_wait 10 '^ +# Address +Client +Flags +Done +Down▼ +Up +Reqs *$' \
    "^ +[0-9]+ $BSEED " "^ +[0-9]+ $ASEED +aria2 [0-9.]+ +D" ||
    { cat "$W/pane"; fail "80x24: no Reqs, or a client name cut"; }
saw "titles" "$(first '# Address')"
saw "aria2c" "$(first "$ASEED")"
grep -q 'Src' "$W/pane" && fail "80x24: Src shown, Reqs should go last"
keys_whole "Peers"
saw "keys" "$(tail -n 1 "$W/pane" | sed 's/ *$//')"
# Flags shows its arrow (sorted biggest first); Address ascending
tui_keys '<' '<'
tui_wait 5 ' Flags▼ ' || { first '# Address'; fail "Flags: no arrow"; }
saw "< <" "$(first '# Address')"
tui_keys '<' '<'
tui_wait 5 ' Address▲ ' || { first '# Address'; fail "no Address▲"; }
r7=$(row 7 | awk '{print $2}') r8=$(row 8 | awk '{print $2}')
[ "$r7" = "$BSEED" ] && [ "$r8" = "$ASEED" ] ||
    fail "by address: $r7 then $r8 (want port $BSEED_PORT before $ARIA2_PORT)"
saw "< < (by address)" "$r7 before $r8"
tui_keys I
tui_wait 5 ' Address▼ ' || fail "I: no Address▼"
r7=$(row 7 | awk '{print $2}')
[ "$r7" = "$ASEED" ] || fail "inverted: $r7 first"
saw "I" "$(first '# Address'); first $r7"

# --- a peer's detail, then the same peer gone -----------------------------
tui_keys g Enter
tui_wait 10 "^ Peer #[0-9]+  $ASEED " \
    '^ Our requests to it( \([0-9]+( of [0-9]+)?\):|: none)' \
    '^ down [0-9.]+ [KM]?i?B/s ' ||
    { cat "$W/pane"; fail "no detail of aria2c's peer"; }
saw "detail" "$(first '^ Our requests')" 
grep -qE 'Our requests to it \(([0-9]+) of ' "$W/pane" &&
    ! grep -qE 'Our requests to it \(32 of ' "$W/pane" &&
    fail "a list of fewer than 32 is not the whole"
stop_pid "$ARIA2_PID" INT
tui_wait 10 '^ disconnected [0-9]+s ago' '^ down -   up -' \
    '^ Our requests to it: none \(disconnected\)' '^ was connected ' ||
    { cat "$W/pane"; fail "aria2c left: its detail still looks live"; }
saw "gone" "$(first '^ disconnected')"
saw "gone" "$(first '^ down -')"
tui_keys Escape

# --- Files: a combining accent on its letter ------------------------------
tui_keys 3
tui_wait 10 "combining-e$ACUTE\\.txt" ||
    { grep combining "$W/pane"; fail "the accent of combining-e$ACUTE.txt is lost"; }
saw "files" "$(first combining)"
keys_whole "Files"

# --- Log: cut lines end in an ellipsis ------------------------------------
tui_keys 5
tui_wait 10 '…$' || { cat "$W/pane"; fail "no log line cut with …"; }
saw "log" "$(grep -m 1 '…$' "$W/pane" | sed 's/  */ /g')"

# --- pause: the rates fall to 0 at once -----------------------------------
tui_keys 1
tui_wait 5 '^ ↓ [0-9.]+ [KM]iB/s ' || { row 3; fail "nothing comes down"; }
tui_keys p
tui_wait 2 '^ payload .* paused *$' '^ ↓ 0 B/s  ↑ 0 B/s  ratio ' ||
    { row 1; row 3; fail "p: the rates are not 0 at once"; }
grep -q 'ETA' "$W/pane" && fail "paused: an ETA"
saw "p" "$(row 3 | sed 's/ *$//')"
tui_keys p

# --- complete: when, no ETA, the ratio -----------------------------------
tui_wait 90 ' seeding *$' \
    '^ .* 100\.0%  .*  complete at [0-9]{2}:[0-9]{2} *$' \
    '^ ↓ 0 B/s  ↑ .*  ratio [0-9]+\.[0-9]{3}  peers ' ||
    { cat "$W/pane"; fail "no 'complete at HH:MM' once seeding"; }
grep -q 'ETA' "$W/pane" && { row 3; fail "seeding: an ETA"; }
saw "complete" "$(row 2 | sed 's/^ *[^ ]* *//')"
saw "complete" "$(row 3 | sed 's/ *$//')"

# --- 120x40: every column, every key --------------------------------------
tm resize-window -t tui -x 120 -y 40
tui_keys 2
tui_wait 5 '^ +# Address(▲|▼)? +Client +Flags +Done +Down +Up +Reqs +Src *$' ||
    { cat "$W/pane"; fail "120x40: not every column"; }
saw "120x40" "$(first '# Address')"
tui_wait 5 'r Announce +d/u Limits +q Quit *$' 'peers [0-9]+ connected' ||
    { tail -n 1 "$W/pane"; fail "120x40: keys missing"; }
saw "120x40 keys" "$(tail -n 1 "$W/pane" | sed 's/ *$//')"

# --- 20x5: the message fits; back to 80x24 --------------------------------
tm resize-window -t tui -x 20 -y 5
tui_wait 5 '^ *too small: 60x15 *$' ||
    { cat "$W/pane"; fail "20x5: the message is cut"; }
saw "20x5" "$(first 'too small')"
tm resize-window -t tui -x 80 -y 24
tui_wait 5 '^ payload .* seeding *$' || fail "80x24 again: no screen"
keys_whole "back at 80x24"

tui_keys q
tui_exited 10 || fail "q: the TUI is still running"
[ "$TUI_STATUS" = 0 ] || fail "the TUI exited with status $TUI_STATUS"
forget "$TUI_PID"
tui_stop
say "took $(( $(date +%s) - T0 )) s"

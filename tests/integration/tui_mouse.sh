# The mouse, in tmux, as a person clicks: the third row of the torrent
# list takes the cursor (Enter opens that torrent), a second click on the
# selected row opens it, a column title sorts by it (its arrow shows) and
# again the other way, a tab opens its view, the wheel scrolls the help
# and moves the Peers cursor, a label of the key bar is its key (q Quit).
# With --no-mouse the same clicks do nothing.
#
# How the clicks get in: bttui runs under TERM=xterm-256color, whose
# terminfo entry has kmous=\E[< (ncurses 6.4 here), so ncurses asks the
# terminal for SGR mouse reports (mode 1006) and decodes them.  tmux
# send-keys -l puts the report's bytes in as a terminal would send them:
# ESC [ < 0 ; X ; Y M, then ESC [ < 0 ; X ; Y m for the release, X and Y
# from 1; the wheel is button 64 (up) or 65 (down).  Under TERM=tmux-256color
# (kmous=\E[M) ncurses would want the older X10 reports instead.
#
# The swarm: two headless bttui seeders of a 16 MiB tree (slowed, so the
# TUI still downloads while the Peers view is clicked) and a TUI holding
# three torrents (two complete ones seed from its own directory).
. tests/integration/lib/swarm.sh
need tmux
swarm_init
trap 'tui_stop; swarm_cleanup' EXIT
T0=$(date +%s)

three_torrent_swarm

row() { grep -m 1 -E -- "$1" "$W/pane" | sed 's/  */ /g; s/^ //; s/ $//'; }
saw() { say "$1: $2"; }

# at TEXT: X and Y (from 0) of the first cell of TEXT on screen
at() {
	tui_pane
	Y=$(grep -n -m 1 -F -- "$1" "$W/pane" | cut -d: -f1)
	[ -n "$Y" ] || { cat "$W/pane"; fail "no '$1' on screen"; }
	pre=$(sed -n "${Y}p" "$W/pane")
	pre=${pre%%"$1"*}
	X=$(printf '%s' "$pre" | LC_ALL=C.UTF-8 wc -m)	# cells, not bytes
	Y=$((Y - 1))
}
# sgr BUTTON X Y M|m: one SGR report for the cell X, Y (from 0)
sgr() {
	tm send-keys -t tui -l "$(printf '\033[<%d;%d;%d%s' "$1" \
	    $(($2 + 1)) $(($3 + 1)) "$4")"
}
click() {	# click TEXT [DX]: press and release on TEXT (DX cells in)
	at "$1"
	sgr 0 $((X + ${2:-0})) "$Y" M
	sgr 0 $((X + ${2:-0})) "$Y" m
}
wheel() {	# wheel up|down TEXT: one notch over TEXT
	at "$2"
	[ "$1" = up ] && b=64 || b=65
	sgr "$b" "$X" "$Y" M
}
opened() {	# opened NAME: the detail of NAME shows; Esc back to the list
	tui_wait 5 "^ $1 .* (seeding|downloading) *\$" ' 1 Pieces ' ||
	    { cat "$W/pane"; fail "$2: $1 is not open"; }
	tui_keys Escape
	tui_wait 5 '^ Torrents \(3\)' || { cat "$W/pane"; fail "Esc: no list"; }
}

tui_start 120 36 --session "$W/session" -d "$W/dl" -p "$(free_port)" \
    --no-dht --peer "127.0.0.1:$SEED1" --peer "127.0.0.1:$SEED2" \
    "$W/alpha.torrent" "$W/beta.torrent" "$W/payload.torrent"
tui_wait 20 '^ Torrents \(3\)' '^ alpha\.bin.* seeding ' \
    '^ beta\.bin.* seeding ' '^ payload.* downloading ' ||
    { cat "$W/pane"; fail "no list of three torrents"; }
saw "list" "$(row '^ Torrents')"

# --- rows: the third takes the cursor; the selected one opens -------------
click payload 10
tui_keys Enter
opened payload "a click on the 3rd row, then Enter"
saw "3rd row" "the cursor went to payload: Enter opened it"
click beta.bin
tui_pane
grep -qE '^ beta\.bin.* seeding ' "$W/pane" ||
    { cat "$W/pane"; fail "one click on a row opened it"; }
click beta.bin
opened 'beta\.bin' "a second click on the selected row"
saw "beta.bin twice" "opened as Enter does"

# --- titles: sort by the column, again the other way ----------------------
click Size
tui_wait 5 ' Size[▲▼] ' || { row 'Name'; fail "Size: no arrow"; }
a1=$(sed -n 's/.* Size\([▲▼]\) .*/\1/p' "$W/pane")
saw "Size" "$(row 'Name')"
[ "$a1" = ▲ ] && a2=▼ || a2=▲
click Size
tui_wait 5 " Size$a2 " ||
    { row 'Name'; fail "Size again: the arrow did not flip from $a1"; }
saw "Size again" "$(row 'Name')"
# by size, biggest first (or last): payload at one end, beta.bin and
# alpha.bin in size order
first=$(grep -m 1 -oE '^ (alpha|beta|payload)' "$W/pane" | tr -d ' ')
[ "$first" = payload ] || [ "$first" = beta ] ||
    { cat "$W/pane"; fail "sorted by size, $first comes first"; }

# --- tabs: open payload, then its Peers ----------------------------------
click payload 10
click payload 10
tui_wait 5 '^ payload .* downloading *$' ' 2 Peers ' ||
    { cat "$W/pane"; fail "payload did not open"; }
click ' 2 Peers' 1
tui_wait 10 '^ +# Address +Client' "127\\.0\\.0\\.1:$SEED1 " \
    "127\\.0\\.0\\.1:$SEED2 " ||
    { cat "$W/pane"; fail "a click on the Peers tab: no Peers view"; }
saw "Peers tab" "$(row '# Address')"
click Client
tui_wait 5 ' Client▲ ' || { row '# Address'; fail "Client: no ▲"; }
click Client
tui_wait 5 ' Client▼ ' || { row '# Address'; fail "Client again: no ▼"; }
saw "Client twice" "$(row '# Address')"
# by address: the lower port first; the wheel takes the cursor down to the
# other one, and Enter shows its detail
click Address
tui_wait 5 ' Address▲ ' || { row '# Address'; fail "Address: no ▲"; }
lo=$SEED1 hi=$SEED2
[ "$lo" -lt "$hi" ] || { lo=$SEED2 hi=$SEED1; }
wheel down "127.0.0.1:$lo"
tui_keys Enter
tui_wait 10 "^ Peer #[0-9]+  127\\.0\\.0\\.1:$hi " ||
    { cat "$W/pane"; fail "wheel down, Enter: not the peer on $hi"; }
saw "wheel down, Enter" "$(row '^ Peer #')"
wheel up "Peer #"
tui_wait 10 "^ Peer #[0-9]+  127\\.0\\.0\\.1:$lo " ||
    { cat "$W/pane"; fail "wheel up in the detail: not the peer on $lo"; }
tui_keys Escape
# the key bar changes with the detail closed: click on the new one
tui_wait 5 '^ +# Address' '^F1 Help ' ||
    { cat "$W/pane"; fail "Esc: the detail stays"; }

# --- the wheel scrolls the help; the key bar's labels are keys ------------
click 'F1 Help'
tui_wait 5 '^ bttui keys' '^ +Tab +next view' ||
    { cat "$W/pane"; fail "F1 Help clicked: no help"; }
wheel down 'next view'
# the first help line leaves the screen (the line under it was on it
# already: wait for the change, not for a line)
i=0
while tui_pane && grep -q '^ bttui keys' "$W/pane" && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
grep -q '^ bttui keys' "$W/pane" && fail "wheel: the help did not scroll"
grep -qE '^ +1 2 3 4 5 ' "$W/pane" ||
    { head -n 8 "$W/pane"; fail "wheel: scrolled more than 3 lines"; }
saw "help, wheel down" "$(sed -n 6p "$W/pane" | sed 's/  */ /g')"
wheel up 'next view'
tui_wait 5 '^ bttui keys' || { head -n 8 "$W/pane"; fail "wheel up"; }
n=0
until grep -q 'Shift+drag selects text' "$W/pane"; do
	n=$((n + 1))
	[ $n -le 12 ] ||
	    { cat "$W/pane"; fail "the help says nothing of Shift+drag"; }
	wheel down 'F1 Help'	# at the bottom, not in the help
	sleep 0.2
	tui_pane
done
saw "help" "$(row 'Shift\+drag')"
click ' ? help' 2
tui_wait 5 '^ +# Address' || { cat "$W/pane"; fail "the help tab did not close it"; }
click 'q Quit'
tui_exited 10 || fail "q Quit clicked: the TUI is still running"
[ "$TUI_STATUS" = 0 ] || fail "the TUI exited with status $TUI_STATUS"
forget "$TUI_PID"
tui_stop
saw "q Quit" "clicked: exit 0"

# --- --no-mouse: the same clicks do nothing -------------------------------
tui_start 120 36 --session "$W/session" -d "$W/dl" -p "$(free_port)" \
    --no-dht --no-mouse
tui_wait 20 '^ Torrents \(3\)' '^ payload.* downloading ' ||
    { cat "$W/pane"; fail "--no-mouse: no list of three torrents"; }
click payload 10
click payload 10
click ' ? help' 2
click 'q Quit'
sleep 1
tui_pane
grep -qE '^ Torrents \(3\)' "$W/pane" ||
    { cat "$W/pane"; fail "--no-mouse: a click did something"; }
grep -q 'bttui keys' "$W/pane" && fail "--no-mouse: the help opened"
tui_keys Enter
tui_wait 5 '^ alpha\.bin .* seeding *$' ||
    { cat "$W/pane"; fail "--no-mouse: the cursor moved off the first row"; }
saw "--no-mouse" "clicks on a row, the help tab, q Quit: nothing"
tui_keys q
tui_exited 10 || fail "q: the TUI is still running"
forget "$TUI_PID"
tui_stop
say "took $(( $(date +%s) - T0 )) s"

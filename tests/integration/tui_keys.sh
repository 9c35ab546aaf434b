# The keyboard, in tmux with TERM=xterm-256color, as a person types: Home
# and End as tmux sends them (ESC[1~ ESC[4~, which xterm-256color's entry
# does not list) move to the first and last piece or row and switch no
# view; other sequences (rxvt's, Ctrl-Home, unknown ones) are taken
# whole; a lone Esc still closes.  The limit prompt takes units and
# refuses what is not a rate, keeping the text.  r says what the announce
# does.  / searches and \ filters the torrent list, Files, Peers and Log;
# n and N step through the matches.
#
# The swarm: two headless bttui seeders of a 16 MiB tree (slowed, so the
# TUI still downloads while the Peers view is tested) and a TUI holding
# three torrents (two complete ones seed from its own directory).
. tests/integration/lib/swarm.sh
need tmux
swarm_init
trap 'tui_stop; swarm_cleanup' EXIT
T0=$(date +%s)

three_torrent_swarm

row() { grep -m 1 -E -- "$1" "$W/pane" | sed 's/  */ /g; s/^ //; s/ $//'; }
last() { tail -n 1 "$W/pane" | sed 's/  */ /g; s/^ //; s/ $//'; }
saw() { say "$1: $2"; }

tui_start 120 36 --session "$W/session" -d "$W/dl" -p "$(free_port)" \
    --no-dht --peer "127.0.0.1:$SEED1" --peer "127.0.0.1:$SEED2" \
    "$W/alpha.torrent" "$W/beta.torrent" "$W/payload.torrent"
tui_wait 20 '^ Torrents \(3\)' '^ alpha\.bin.* seeding ' \
    '^ beta\.bin.* seeding ' '^ payload.* downloading ' ||
    { cat "$W/pane"; fail "no list of three torrents"; }
saw "list" "$(row '^ Torrents')"

# --- Home and End ---------------------------------------------------------
# The selection is the row Enter opens: its name is in the header.
opened() {	# opened NAME: Enter opens NAME's detail; Esc goes back
	tui_keys Enter
	tui_wait 5 "^ $1 .* (seeding|downloading) *\$" ' 1 Pieces ' ||
	    { cat "$W/pane"; fail "Enter did not open $1"; }
	tui_keys Escape
	tui_wait 5 '^ Torrents \(3\)' || { cat "$W/pane"; fail "Esc: no list"; }
}
tui_keys End
opened 'payload'
saw "End, Enter" "payload opened (the last row, sorted by name)"
tui_keys Home
opened 'alpha\.bin'
saw "Home, Enter" "alpha.bin opened (the first row)"
# rxvt's Home and End, xterm's, Ctrl-End: raw bytes through tmux
tui_keys -l "$(printf '\033[8~')"
opened 'payload'
tui_keys -l "$(printf '\033[7~')"
opened 'alpha\.bin'
tui_keys -l "$(printf '\033[1;5F')"
opened 'payload'
tui_keys -l "$(printf '\033OH')"
opened 'alpha\.bin'
saw "rxvt, xterm, Ctrl-End" "ESC[8~ ESC[7~ ESC[1;5F ESC OH each moved"
# unknown sequences are swallowed whole: loose, their '2' and '5' would
# open the selected torrent's Peers or Log, '?' the help
tui_keys -l "$(printf '\033[2;5z')"
tui_keys -l "$(printf '\033O5')"
tui_keys -l "$(printf '\033[?1;2c')"
sleep 0.5
tui_wait 5 '^ Torrents \(3\)' || { cat "$W/pane"; fail "an unknown sequence acted"; }
grep -q 'bttui keys' "$W/pane" && fail "an unknown sequence opened the help"
opened 'alpha\.bin'
saw "unknown sequences" "ESC[2;5z ESC O5 ESC[?1;2c swallowed, still on the list"

# In a torrent: the piece map's cursor; the view stays Pieces.
tui_keys End Enter
tui_wait 5 '^ payload ' 'cursor: piece 0 ' ||
    { cat "$W/pane"; fail "payload: no piece cursor"; }
NP=$(grep -oE '^ [0-9]+ pieces of ' "$W/pane" | grep -oE '[0-9]+')
tui_keys Right Right End
tui_wait 5 "cursor: piece $((NP - 1)) " ' 1 Pieces ' ||
    { cat "$W/pane"; fail "End: the cursor is not on the last of $NP pieces"; }
saw "End in Pieces" "$(row 'cursor: piece')"
tui_keys Home
tui_wait 5 'cursor: piece 0 ' ' 1 Pieces ' ||
    { cat "$W/pane"; fail "Home: not piece 0"; }
saw "Home in Pieces" "$(row 'cursor: piece')"
# a lone Esc still closes: back to the list
tui_keys Escape
tui_wait 5 '^ Torrents \(3\)' ||
    { cat "$W/pane"; fail "a lone Esc did not close"; }
saw "Esc" "back to the list"
# End in the help scrolls it to its end and leaves it open
tui_keys '?'
tui_wait 5 'bttui keys' || { cat "$W/pane"; fail "?: no help"; }
tui_keys End
tui_wait 5 'Engine health' || { cat "$W/pane"; fail "End closed the help"; }
grep -q 'bttui keys' "$W/pane" && fail "End did not scroll the help"
tui_keys Home
tui_wait 5 'bttui keys' || { cat "$W/pane"; fail "Home: not the help's top"; }
tui_keys Escape
tui_wait 5 '^ Torrents \(3\)' || { cat "$W/pane"; fail "Esc: the help stays"; }
saw "help" "End scrolled it to 'Engine health', Home back, Esc closed it"

# --- the limit prompt -----------------------------------------------------
prompt_is() {	# prompt_is ERE: the bottom line
	tui_wait 5 "$1" || { tail -n 2 "$W/pane"; fail "bottom line: not /$1/"; }
}
session_line() { sed -n 3p "$W/pane" | sed 's/  */ /g; s/^ //; s/ $//'; }
tui_keys u
prompt_is '^Upload limit, e\.g\. 500K, 2M, 1\.5M \(0: none; Enter: set, Esc: cancel\): _'
tui_keys -- -5 Enter
prompt_is '^Upload limit: -5_   not a rate: -5 \(try 500K, 2M or 0 for none\)'
saw "u -5 Enter" "$(last)"
tui_keys BSpace BSpace 1.5M Enter
tui_wait 5 '^ ↓ .*↑ [0-9.]+ [KMG]?i?B/s \[max 1\.5 MiB/s\] ' ||
    { cat "$W/pane"; fail "1.5M: no upload limit of 1.5 MiB/s"; }
saw "u 1.5M" "$(session_line)"
tui_keys u 1e3 Enter
prompt_is '^Upload limit: 1e3_   not a rate: 1e3 \(try 500K, 2M or 0 for none\)'
saw "u 1e3 Enter" "$(last)"
tui_keys Escape
tui_wait 5 '^F1 Help ' || { tail -n 1 "$W/pane"; fail "Esc: the prompt stays"; }
tui_keys u abc Enter
prompt_is '^Upload limit: abc_   not a rate: abc '
tui_keys Escape u 5T Enter
tui_wait 5 '\[max 1\.0 TiB/s\]' ||
    { cat "$W/pane"; fail "5T: not capped at 1 TiB/s"; }
grep -q 'upload limit: 1\.0 TiB/s, the most there is (5T was over it)' \
    "$W/pane" || { tail -n 1 "$W/pane"; fail "5T: the cap is not said"; }
saw "u 5T" "$(last)"
tui_keys d 500k Enter
tui_wait 5 '^ ↓ .* \[max 500 KiB/s\] .*↑ .* \[max 1\.0 TiB/s\]' ||
    { cat "$W/pane"; fail "d 500k: no download limit"; }
saw "d 500k" "$(session_line)"
tui_keys u 0 Enter d 0 Enter
tui_wait 5 'upload limit: none|download limit: none' ||
    { tail -n 1 "$W/pane"; fail "0: no word"; }
tui_wait 5 '^ ↓ [0-9.]+ [KMG]?i?B/s  ↑ [0-9.]+ [KMG]?i?B/s  torrents ' ||
    { cat "$W/pane"; fail "0: the limits stay"; }
saw "u 0, d 0" "$(session_line)"

# --- r: what the announce does --------------------------------------------
tui_keys g Enter 4
tui_wait 5 '^ alpha\.bin ' ' 4 Trackers ' '127\.0\.0\.1:1/announce' ||
    { cat "$W/pane"; fail "alpha: no Trackers view"; }
tui_keys r
prompt_is '^announcing to 1 tracker \(answers in the Trackers view, 4\)\.\.\.'
saw "r" "$(last)"
tui_keys p
tui_wait 5 '^ alpha\.bin.* paused *$' || { cat "$W/pane"; fail "p: not paused"; }
tui_keys r
prompt_is '^paused: no announce \(p resumes it; it announces then\)'
saw "r, paused" "$(last)"
tui_keys p
tui_wait 5 '^ alpha\.bin.* seeding *$' || { cat "$W/pane"; fail "p: not resumed"; }
tui_keys Escape
tui_wait 5 '^ Torrents \(3\)' || { cat "$W/pane"; fail "Esc: no list"; }

# --- / search and \ filter --------------------------------------------------
# the torrent list: / moves the cursor as the text is typed
tui_keys / pay
prompt_is '^Search: pay_   \(1 match; Enter: done, Esc: back\)'
saw "/pay" "$(last)"
tui_keys Enter
prompt_is '^pay: match 1 of 1'
opened 'payload'
tui_keys / bet Escape
tui_keys Enter
tui_wait 5 '^ payload.* downloading *$' ||
    { cat "$W/pane"; fail "Esc did not put the cursor back on payload"; }
tui_keys Escape
tui_wait 5 '^ Torrents \(3\)' || fail "Esc: no list"
# n and N, round the end ("a" is in all three names)
tui_keys g / a Enter
prompt_is '^a: match 1 of 3 '
tui_keys n n
prompt_is '^a: match 3 of 3 '
opened 'payload'
tui_keys n
prompt_is '^a: match 1 of 3, from the other end'
opened 'alpha\.bin'
tui_keys N
prompt_is '^a: match 3 of 3, from the other end'
saw "n n n N" "$(last)"
# \ shows only the rows holding the text, live
tui_keys '\' p h
prompt_is '^Filter: ph_   \(1 of 3 shown; Enter: done, Esc: clear\)'
grep -q '^ alpha\.bin ' "$W/pane" || fail "filter ph: alpha.bin is not shown"
grep -qE '^ (beta\.bin|payload) ' "$W/pane" &&
    { cat "$W/pane"; fail "filter ph: beta.bin or payload still shown"; }
tui_keys Enter
prompt_is '^filter "ph": 1 of 3 shown'
saw "\\ph" "$(last)"
tui_keys End
opened 'alpha\.bin'
tui_keys '\' Escape
prompt_is '^filter cleared: every row shown'
tui_wait 5 '^ alpha\.bin ' '^ beta\.bin ' '^ payload ' ||
    { cat "$W/pane"; fail "Esc: the filter stays"; }
saw "\\ Esc" "three rows again"

# Peers: the address and client
tui_keys / pay Enter Enter 2
tui_wait 10 "^ [0-9]+ 127\\.0\\.0\\.1:$SEED1 " "^ [0-9]+ 127\\.0\\.0\\.1:$SEED2 " ||
    { cat "$W/pane"; fail "payload's Peers: not both seeders"; }
tui_keys '\' ":$SEED2"
prompt_is "^Filter: :${SEED2}_   \\(1 of 2 shown; "
tui_wait 5 "^ [0-9]+ 127\\.0\\.0\\.1:$SEED2 " ||
    { cat "$W/pane"; fail "filter :$SEED2: its peer is not shown"; }
grep -qE "^ [0-9]+ 127\\.0\\.0\\.1:$SEED1 " "$W/pane" &&
    { cat "$W/pane"; fail "filter :$SEED2: the other seeder is shown"; }
tui_keys Enter Enter
tui_wait 5 "^ Peer #[0-9]+  127\\.0\\.0\\.1:$SEED2 " ||
    { cat "$W/pane"; fail "Enter: not the detail of the peer on $SEED2"; }
saw "Peers \\:$SEED2 Enter" "$(row '^ Peer #')"
tui_keys Escape '\' Escape / ":$SEED1" Enter Enter
tui_wait 5 "^ Peer #[0-9]+  127\\.0\\.0\\.1:$SEED1 " ||
    { cat "$W/pane"; fail "/:$SEED1 Enter: not the detail of that peer"; }
saw "Peers /:$SEED1 Enter" "$(row '^ Peer #')"
tui_keys Escape

# Files: the search looks at the rows' names, the filter at the paths
tui_keys 3
tui_wait 5 ' big\.bin *$' ' mid\.bin *$' ' quarter\.bin *$' ||
    { cat "$W/pane"; fail "3: no Files tree"; }
MID=$(grep -E ' mid\.bin *$' "$W/pane" | awk '{print $1}')
tui_keys / MID Enter Space
prompt_is "^file $MID: skip \\(not downloaded\\)"
saw "Files /MID Space" "$(last)"
tui_keys Space
prompt_is "^file $MID: normal"
tui_keys '\' D/Q
prompt_is '^Filter: D/Q_   \(1 of 5 shown; Enter: done, Esc: clear\)'
tui_wait 5 ' payload/ *$' ' d/ *$' ' quarter\.bin *$' ||
    { cat "$W/pane"; fail "Files filter d/q: not its rows"; }
grep -qE ' (big|mid)\.bin *$| small\.txt *$' "$W/pane" &&
    { cat "$W/pane"; fail "Files filter d/q: other files shown"; }
saw "Files \\D/Q" "$(last)"
tui_keys Escape
tui_wait 5 ' big\.bin *$' ' small\.txt *$' ||
    { cat "$W/pane"; fail "Files: Esc did not clear the filter"; }

# Log, at 80x24 where it is longer than the view: the line found is the
# bottom one shown
tm resize-window -t tui -x 80 -y 24
tui_keys 5
tui_wait 5 'lines from the engine and the watchdog' || fail "5: no Log"
tui_keys / 'file 3: skip'
prompt_is '^Search: file 3: skip_   \(1 match; Enter: done, Esc: back\)'
tui_keys Enter
prompt_is '^file 3: skip: match 1 of 1 '
tui_wait 5 'scrolled back' || { cat "$W/pane"; fail "/: the Log did not scroll"; }
tail -n 2 "$W/pane" | head -n 1 | grep -qE ' engine +info +payload: file 3: skip' ||
    tail -n 2 "$W/pane" | head -n 1 | grep -qE ' engine +info +file 3: skip' ||
    { cat "$W/pane"; fail "/: the match is not the bottom line"; }
saw "Log /file 3: skip" "$(tail -n 2 "$W/pane" | head -n 1 | sed 's/  */ /g')"
# Enter shows the line found whole, Esc goes back to the log
tui_keys Enter
tui_wait 5 'Log line   \(Esc: back to the log\)' 'file 3: skip' ||
    { cat "$W/pane"; fail "Enter: no whole log line"; }
tui_keys Escape
tui_wait 5 'scrolled back' || { cat "$W/pane"; fail "Esc: not back in the Log"; }
tui_keys n
prompt_is '^file 3: skip: match 1 of 1, from the other end'
tui_keys End
tui_wait 5 'following new lines' || { cat "$W/pane"; fail "End: still back"; }
# \ keeps the matching lines only
tui_keys '\' 'file 3: skip' Enter
tui_wait 5 '^ 1 lines from the engine' || { cat "$W/pane"; fail "\\: the Log is not filtered"; }
tui_keys Escape
tui_wait 5 'lines from the engine' || fail "Esc: no Log"
# where there is no list
tui_keys 1 /
prompt_is '^/ \(search\) works in the torrent list, Peers \(2\), Files \(3\) and Log \(5\)'
saw "Pieces /" "$(last)"
say "took $(( $(date +%s) - T0 )) s"

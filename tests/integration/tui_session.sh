# The session on the screen, in tmux, as a user drives it: a torrent given
# on the command line opens in its detail; Esc shows the torrent list; a
# adds a second torrent (Tab completes its path); a download limit (d) and
# a paused torrent (p) survive a kill -9 of the engine and show again in the
# header and the list; x then d removes a torrent and deletes its data;
# after kill -9 of the front and the engine, bttui with no argument
# reopens the session as it was; q exits 0.
. tests/integration/lib/swarm.sh
need tmux
swarm_init
trap 'tui_stop; swarm_cleanup' EXIT

mkdir -p "$W/seed"
head -c 6000000 /dev/urandom > "$W/seed/alpha.bin"
head -c 3000000 /dev/urandom > "$W/seed/beta.bin"
for n in alpha beta; do
	"$BTTUI" --create "$W/seed/$n.bin" -a "http://127.0.0.1:1/announce" \
	    -o "$W/$n.torrent" > /dev/null || fail "bttui --create $n"
done
SEED_PORT=$(free_port)
"$BTTUI" --headless --seed --session "$W/seed-session" -p "$SEED_PORT" \
    -d "$W/seed" "$W/alpha.torrent" "$W/beta.torrent" \
    > "$W/seed.out" 2> "$W/seed.err" &
remember $!
wait_port "$SEED_PORT" || fail "the bttui seeder did not start"

row() { grep -m 1 -E -- "$1" "$W/pane" | sed 's/  */ /g; s/^ //; s/ $//'; }
engine_of() { pgrep -P "$TUI_PID" | head -n 1; }

# A torrent on the command line: its detail at once.
tui_start 120 30 --session "$W/session" -d "$W/dl" -p "$(free_port)" \
    --peer "127.0.0.1:$SEED_PORT" "$W/alpha.torrent"
tui_wait 20 '^ alpha\.bin.* seeding *$' ' 1 Pieces ' ||
    { cat "$W/pane"; fail "alpha did not open in its detail and complete"; }
say "detail: $(row '^ alpha\.bin')"

# Esc: the torrent list.  a, a path completed with Tab, Enter: a second one.
tui_keys Escape
tui_wait 5 '^ Torrents \(1\)' '^ Name' || { cat "$W/pane"; fail "no torrent list"; }
tui_keys a
tui_keys "$W/bet" Tab
tui_wait 5 "Add a .torrent .*: $W/beta\.torrent_" ||
    { tail -n 1 "$W/pane"; fail "Tab did not complete the path"; }
tui_keys Enter
tui_wait 20 '^ Torrents \(2\)' '^ beta\.bin.* seeding .*100\.0%' ||
    { cat "$W/pane"; fail "beta was not added and downloaded"; }
say "list: $(row '^ alpha\.bin')"
say "list: $(row '^ beta\.bin')"

# A limit and a pause, then kill -9 of the engine: both are still there.
tui_keys d 700 Enter
tui_wait 5 '\[max 700 KiB/s\]' || { cat "$W/pane"; fail "no download limit"; }
tui_keys g p
tui_wait 5 '^ alpha\.bin.* paused ' || { cat "$W/pane"; fail "p did not pause alpha"; }
E1=$(engine_of)
kill -KILL "$E1"
tui_wait 15 'killed by signal 9' '^ Torrents \(2\)' \
    '\[max 700 KiB/s\]' '^ alpha\.bin.* paused ' '^ beta\.bin.* seeding ' ||
    { cat "$W/pane"; fail "the limit or the pause was lost with the engine"; }
[ "$(engine_of)" != "$E1" ] || fail "the engine was not replaced"
say "after kill -9: $(row 'killed by signal')"

# x on beta, d: removed, its data deleted; alpha's data stays.
tui_keys G x
tui_wait 5 'Remove beta\.bin\? ' || { tail -n 1 "$W/pane"; fail "no remove prompt"; }
tui_keys d
tui_wait 10 '^ Torrents \(1\)' || { cat "$W/pane"; fail "beta was not removed"; }
i=0
while [ -e "$W/dl/beta.bin" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$W/dl/beta.bin" ] && fail "beta's data was not deleted"
[ -e "$W/dl/alpha.bin" ] || fail "alpha's data went too"
say "x d: beta removed with its data"

# kill -9 of everything, then bttui alone: the session as it was.
E2=$(engine_of)
kill -KILL "$TUI_PID" "$E2"
tui_stop
tui_start 120 30 --session "$W/session" -p "$(free_port)"
tui_wait 15 '^ Torrents \(1\)' '^ alpha\.bin.* paused ' '\[max 700 KiB/s\]' ||
    { cat "$W/pane"; fail "the session did not reopen as it was"; }
say "reopened: $(row '^ alpha\.bin')"
tui_keys q
tui_exited 10 || fail "q did not quit"
[ "$TUI_STATUS" = 0 ] || fail "the TUI exited $TUI_STATUS"
exit 0

# Every tracker failing, as a person sees it in tmux (issue 16, defect 10):
# a torrent whose trackers are a closed loopback TCP port, a closed UDP
# port and a host that does not resolve, with the DHT off and no peer.
# The header's stats line must say why there are no peers ("no peers: 3
# trackers failed, last: ...") instead of a grey "peers 0", and keep the
# rates; with a peer connected (a bttui seeder given by --peer) it must
# not.
. tests/integration/lib/swarm.sh
need mktorrent tmux
swarm_init
trap 'tui_stop; swarm_cleanup' EXIT

make_payload "$W/seed/payload" 1
DEAD_TCP=$(free_port)
DEAD_UDP=$(free_port)
mktorrent -a "http://127.0.0.1:$DEAD_TCP/announce" \
    -a "udp://127.0.0.1:$DEAD_UDP/announce" \
    -a "http://tracker.invalid/announce" -l 16 -o "$W/t.torrent" \
    "$W/seed/payload" > /dev/null || fail "mktorrent"

export XDG_STATE_HOME="$W/state"
tui_start 120 40 --no-dht -p "$(free_port)" -d "$W/dl" "$W/t.torrent"
tui_wait 60 'no peers: 3 trackers failed, last: ' ||
    { cat "$W/pane"; fail "no reason for the missing peers in 60 s"; }
line=$(grep -m 1 'no peers:' "$W/pane")
say "header: $(echo "$line" | sed 's/^ *//')"
echo "$line" | grep -qE '(D:|↓) 0 B/s' ||
    fail "the rates went with the reason: $line"
[ "$(grep -n 'no peers:' "$W/pane" | head -n 1 | cut -d: -f1)" = 3 ] ||
    { cat "$W/pane"; fail "the reason is not on the header's third line"; }
grep -q 'peers 0' "$W/pane" && fail "still \"peers 0\" beside the reason"
tui_keys q
tui_exited 10 || fail "bttui did not quit"
tui_stop

# A peer connected: nothing to explain.
start_bttui_seed "$W/t.torrent" "$W/seed" --max-up 64
tui_start 120 40 --no-dht -p "$(free_port)" -d "$W/dl2" \
    --peer "127.0.0.1:$BSEED_PORT" "$W/t.torrent"
tui_wait 30 'peers 1 connected' ||
    { cat "$W/pane"; fail "the seeder did not connect"; }
sleep 3
tui_pane
grep -q 'no peers:' "$W/pane" &&
    { cat "$W/pane"; fail "\"no peers\" with a peer connected"; }
say "with a peer: no reason shown"
exit 0

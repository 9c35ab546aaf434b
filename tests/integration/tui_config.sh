# The config file (issue 16), as a person uses it: $XDG_CONFIG_HOME/bttui/
# config sets a download and an upload limit, the light theme with a
# magenta title, and the Peers columns in an order of its own; one line
# is a typo of a key, one a port out of range.  In tmux at 120x40 on a
# loopback swarm (a bttui seeder), with --max-up on the command line.
# Checked: the TUI starts; the header shows the file's download limit and
# the command line's upload limit (not the file's); the title is magenta
# and the labels blue (the light theme's, cyan by default); the Peers
# table has the file's columns in its order and no others; the Log names
# both bad lines with their numbers, and so does stderr (seen after q);
# --no-config shows the default columns and no limit; --config FILE that
# does not exist is a usage error (exit 1) with a message.
. tests/integration/lib/swarm.sh
need opentracker mktorrent tmux curl
swarm_init
trap 'tui_stop; swarm_cleanup' EXIT
T0=$(date +%s)

make_payload "$W/seed/payload" 16
TRACKER_PORT=$(free_port)
mktorrent -a "http://127.0.0.1:$TRACKER_PORT/announce" -l 16 \
    -o "$W/t.torrent" "$W/seed/payload" > /dev/null || fail "mktorrent"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
# slow, so that the peer is still there when the Peers view is looked at
start_bttui_seed "$W/t.torrent" "$W/seed" --no-config --max-up 256
wait_seeders "$H" 1 30
BSEED="127.0.0.1:$BSEED_PORT"

CONF="$XDG_CONFIG_HOME/bttui/config"
mkdir -p "$XDG_CONFIG_HOME/bttui"
cat > "$CONF" <<'EOF'
# bttui settings (tests/integration/tui_config.sh)
max-down = 300
max-up = 100

theme = light
color.title = magenta
peers.columns = client, address, down, flags
max-peer = 5
port = 70000
EOF

ESC=$(printf '\033')
row() { sed -n "${1}p" "$W/pane"; }
saw() { say "$1: $2"; }

tui_start 120 40 -d "$W/dl" -p "$(free_port)" --max-up 200 "$W/t.torrent"
say "TUI: front pid $TUI_PID, tmux -L $TUI_SOCK, 120x40"

# --- limits: the file's download limit, the command line's upload one -----
tui_wait 15 'max 300(\.0)? KiB/s' 'max 200(\.0)? KiB/s' ||
    { cat "$W/pane"; fail "no [max 300 KiB/s] and [max 200 KiB/s]"; }
grep -qE 'max 100(\.0)? KiB/s' "$W/pane" &&
    fail "the file's max-up = 100 beat --max-up 200"
saw "limits" "$(row 3 | sed 's/ *$//')"

# --- the theme: the title magenta, the labels blue ---------------------------
tui_pane -e
row 1 | grep -q "${ESC}\[1m${ESC}\[35mpayload" ||
    { row 1 | od -c | head; fail "the title is not bold magenta"; }
grep "engine [0-9]" "$W/pane" | grep -q "${ESC}\[34mengine" ||
    { grep "engine [0-9]" "$W/pane" | od -c | head
      fail "the engine line is not blue (the light theme's labels)"; }
saw "colours" "title ESC[35m (magenta), labels ESC[34m (blue)"

# --- the Peers columns: the file's, in its order -----------------------------
tui_keys 2
tui_wait 20 "^ *Client +Address +Down[^ ]* +Flags *\$" \
    "^ *bttui [0-9.]+ +$BSEED +[0-9.]+ [KMG]?i?B/s " ||
    { cat "$W/pane"; fail "no Peers table with Client, Address, Down, Flags"; }
hdr=$(grep -m 1 -E '^ *Client +Address' "$W/pane" | sed 's/  */ /g; s/ *$//')
case "$hdr" in
*'#'*|*Done*|*Reqs*|*Src*|*' Up'*) fail "columns left out are shown: $hdr" ;;
esac
saw "peers header" "$hdr"
saw "peers row" "$(grep -m 1 -E "$BSEED" "$W/pane" | sed 's/  */ /g')"

# --- the bad lines, in the Log ------------------------------------------------
tui_keys 5
tui_wait 10 "bttui/config:8: unknown key 'max-peer'" \
    "bttui/config:9: --port: 70000 is not a port \(1-65535\)" ||
    { cat "$W/pane"; fail "the Log does not name the bad lines"; }
saw "log" "$(grep -m 1 -o "config:8: unknown key 'max-peer'" "$W/pane")"
saw "log" "$(grep -m 1 -o "config:9: --port: 70000 [^(]*" "$W/pane")"

# --- q: exit 0; stderr said the same before the screen took over -----------
tui_keys q
tui_exited 15 || fail "the TUI did not exit on q"
[ "$TUI_STATUS" = 0 ] || fail "exit status $TUI_STATUS"
tui_pane "-J -S -"	# long lines joined, and the history
grep -q "bttui: $CONF:8: unknown key 'max-peer'" "$W/pane" &&
    grep -q "bttui: $CONF:9: --port: 70000 is not a port" "$W/pane" ||
    { cat "$W/pane"; fail "stderr does not name the bad lines"; }
saw "stderr" "$(grep -m 1 'max-peer' "$W/pane" | cut -c1-100)"
tui_stop

# --- --no-config: the default columns, no limits -----------------------------
tui_start 120 40 --no-config --session "$W/s2" -d "$W/dl2" \
    -p "$(free_port)" "$W/t.torrent"
tui_wait 15 '^ payload ' || { cat "$W/pane"; fail "no screen with --no-config"; }
tui_keys 2
tui_wait 20 "^ *# +Address +Client +Flags +Done +Down[^ ]* +Up +Reqs" ||
    { cat "$W/pane"; fail "--no-config: not the default Peers columns"; }
grep -q 'max 300' "$W/pane" && fail "--no-config: the file's limit shows"
saw "--no-config" "$(grep -m 1 -E '^ *# +Address' "$W/pane" |
    sed 's/  */ /g; s/ *$//')"
tui_keys q
tui_exited 15 || fail "the TUI did not exit on q"
tui_stop

# --- --config FILE that does not exist ------------------------------------------
"$BTTUI" --config "$W/nope" --headless "$W/t.torrent" > /dev/null \
    2> "$W/nope.err"
rc=$?
[ $rc = 1 ] || fail "--config missing: exit $rc, want 1"
grep -q "cannot read the config file $W/nope: No such file" "$W/nope.err" ||
    { cat "$W/nope.err"; fail "--config missing: no message"; }
saw "--config missing" "$(head -n 1 "$W/nope.err")"
say "tui_config: ok in $(( $(date +%s) - T0 ))s"

# --watch DIR: a .torrent dropped into DIR joins the running session (an
# empty one at start), is downloaded, and is renamed to .torrent.added so
# that it is not added again; a second file with the same torrent is not a
# second torrent.
. tests/integration/lib/swarm.sh
swarm_init

mkdir -p "$W/seed" "$W/watch"
head -c 3000000 /dev/urandom > "$W/seed/w.bin"
"$BTTUI" --create "$W/seed/w.bin" -a "http://127.0.0.1:1/announce" \
    -o "$W/w.torrent" > /dev/null || fail "bttui --create"
start_bttui_seed "$W/w.torrent" "$W/seed"

"$BTTUI" --headless --seed --session "$W/session" --watch "$W/watch" \
    -d "$W/dl" -p "$(free_port)" --peer "127.0.0.1:$BSEED_PORT" \
    > "$W/run.out" 2> "$W/run.err" &
RUN=$!
remember $RUN
sleep 1
kill -0 "$RUN" 2>/dev/null || { cat "$W/run.err"; fail "bttui --watch quit on an empty session"; }
# written elsewhere, then moved in whole, as a careful user would
cp "$W/w.torrent" "$W/w.tmp" && mv "$W/w.tmp" "$W/watch/w.torrent"
i=0
until grep -q '^Download complete' "$W/run.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 300 ] && { cat "$W/run.err"; fail "the watched torrent was not downloaded"; }
	sleep 0.1
done
cmp -s "$W/seed/w.bin" "$W/dl/w.bin" || fail "the downloaded file differs"
[ -e "$W/watch/w.torrent.added" ] && [ ! -e "$W/watch/w.torrent" ] ||
    { ls -la "$W/watch"; fail "the watched file was not renamed to .added"; }
say "added from the watch directory: $(grep -m 1 'added ' "$W/run.err")"
cp "$W/w.torrent" "$W/watch/again.torrent"
touch -d '2 seconds ago' "$W/watch/again.torrent"
i=0
until [ -e "$W/watch/again.torrent.added" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "the second file was not taken"
	sleep 0.1
done
grep -q 'already in the session' "$W/run.err" ||
    fail "the same torrent twice was not noticed"
stop_pid "$RUN" INT
exit 0

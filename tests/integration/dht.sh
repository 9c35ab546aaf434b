# DHT (BEP 5) on loopback, no tracker anywhere.  Node B is a bttui seeding
# an unrelated torrent: the rendezvous everyone bootstraps from.  Seeders
# S and S2 announce the payload to the DHT; leecher L has only a
# trackerless magnet link, finds them through B, fetches the metadata and
# downloads.  Then aria2c, bootstrapping from B, downloads the same
# torrent, which only bttui announced.  Last, B stops and L starts again
# with its data gone and no bootstrap at all: the node table it saved
# (dht.dat) must reach the swarm.  Then all of it over IPv6 alone (BEP 32).
# The DHT runs on the listen ports (UDP).
. tests/integration/lib/swarm.sh
need mktorrent
swarm_init

make_payload "$W/seed/payload" 8
mktorrent -l 16 -o "$W/t.torrent" "$W/seed/payload" > /dev/null ||
    fail "mktorrent"
H=$(infohash "$W/t.torrent")
mkdir -p "$W/other"
head -c 100000 /dev/urandom > "$W/other/other.bin"
mktorrent -l 15 -o "$W/o.torrent" "$W/other/other.bin" > /dev/null ||
    fail "mktorrent"

start_node() {	# start_node NAME TORRENT DIR [options]: sets NODE_PORT
	n=$1 t=$2 d=$3
	shift 3
	NODE_PORT=$(free_port)
	"$BTTUI" --headless --seed -p "$NODE_PORT" -d "$d" \
	    --session "$W/$n-session" "$@" "$t" > "$W/$n.out" 2> "$W/$n.err" &
	eval "${n}_PID=\$!"
	remember $!
	wait_port "$NODE_PORT" || fail "$n did not start"
}

start_node B "$W/o.torrent" "$W/other"
B_PORT=$NODE_PORT
start_node S "$W/t.torrent" "$W/seed" --dht-bootstrap "127.0.0.1:$B_PORT"
cp -r "$W/seed" "$W/seed2"
start_node S2 "$W/t.torrent" "$W/seed2" --dht-bootstrap "127.0.0.1:$B_PORT"

say "leecher: a trackerless magnet link"
timeout 120 "$BTTUI" --headless --session "$W/L-session" -p "$(free_port)" \
    -d "$W/dl" --dht-bootstrap "127.0.0.1:$B_PORT" \
    "magnet:?xt=urn:btih:$H" > "$W/L.out" 2> "$W/L.err"
rc=$?
tail -n 2 "$W/L.out" | sed 's/^/   /'
[ $rc -eq 0 ] || { tail -n 15 "$W/L.err"; fail "the leecher exited $rc"; }
grep -q 'metadata received' "$W/L.err" || fail "no 'metadata received'"
same_tree "$W/seed" "$W/dl" || fail "the leecher's files differ"
[ -s "$W/L-session/dht.dat" ] || fail "the leecher kept no DHT nodes"

if command -v aria2c > /dev/null; then
	say "aria2c resolves the torrent bttui announced"
	timeout 120 aria2c --enable-dht=true --enable-dht6=false \
	    --dht-listen-port="$(free_port)" \
	    --dht-entry-point="127.0.0.1:$B_PORT" \
	    --dht-file-path="$W/aria2-dht.dat" \
	    --bt-enable-lpd=false --enable-peer-exchange=false \
	    --listen-port="$(free_port)" --seed-time=0 \
	    --dir="$W/dl2" --no-conf --quiet=true --summary-interval=0 \
	    "magnet:?xt=urn:btih:$H" > "$W/aria2-leech.log" 2>&1 || {
		tail -n 20 "$W/aria2-leech.log"
		fail "aria2c did not finish"; }
	same_tree "$W/seed" "$W/dl2" || fail "aria2c's files differ"
fi
say "restart without the bootstrap node, from the saved table"
stop_pid "$B_PID"
rm -rf "$W/dl" "$W/L-session/resume"
timeout 120 "$BTTUI" --headless --session "$W/L-session" -p "$(free_port)" \
    -d "$W/dl" > "$W/L2.out" 2> "$W/L2.err"
rc=$?
tail -n 1 "$W/L2.out" | sed 's/^/   /'
[ $rc -eq 0 ] || { tail -n 15 "$W/L2.err"; fail "the restart exited $rc"; }
grep -q 'DHT: [1-9][0-9]* nodes from the last run' "$W/L2.err" ||
    fail "the restart did not load its node table"
same_tree "$W/seed" "$W/dl" || fail "the restart's files differ"
# BEP 32: the same over IPv6 alone (every node --bind ::1), when the
# machine has ::1.
if ip -6 addr show dev lo 2> /dev/null | grep -q '::1'; then
	say "over IPv6 only: a node, a seeder and a leecher on [::1]"
	start_node B6 "$W/o.torrent" "$W/other" --bind ::1
	B6_PORT=$NODE_PORT
	start_node S6 "$W/t.torrent" "$W/seed" --bind ::1 \
	    --dht-bootstrap "[::1]:$B6_PORT"
	timeout 120 "$BTTUI" --headless --session "$W/L6-session" --bind ::1 \
	    -p "$(free_port)" -d "$W/dl6" --dht-bootstrap "[::1]:$B6_PORT" \
	    "magnet:?xt=urn:btih:$H" > "$W/L6.out" 2> "$W/L6.err" || {
		tail -n 15 "$W/L6.err"; fail "the IPv6 leecher failed"; }
	same_tree "$W/seed" "$W/dl6" || fail "the IPv6 leecher's files differ"
fi
for e in "$W/B.err" "$W/S.err" "$W/S2.err" "$W/L.err" "$W/L2.err"; do
	if grep -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$e"; then
		fail "sanitizer report in $e"
	fi
done
exit 0

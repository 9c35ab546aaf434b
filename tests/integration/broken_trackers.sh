# Broken trackers (tests/tools/fake_tracker.c): garbage instead of bencode,
# a "failure reason", a redirect loop, an empty peer list, and a reply that
# never comes.  The same torrent under several announce lists; one leecher
# per case, all at once.  Each logs what went wrong, then either moves on to
# the next tier (a real opentracker, which knows a bttui seeder) or backs
# off and gets its peer from --peer; each completes with the right files.
# Two more leechers with no peer at all check that a failing or empty
# tracker is not hammered.  One more gets the seeder only from
# fake_tracker's /peers/127.0.0.1:PORT/ list (the benchmarks' way to send
# downloaders to relays).  The timeout case takes bttui's 30 s HTTP limit.
. tests/integration/lib/swarm.sh
need opentracker mktorrent
FT=${BUILD:-build}/tools/fake_tracker
[ -x "$FT" ] || skip "$FT is not built (make tools)"
swarm_init

make_payload "$W/seed/payload" 4
TRACKER_PORT=$(free_port)
FT_PORT=$(free_port)
OT="http://127.0.0.1:$TRACKER_PORT/announce"
F="http://127.0.0.1:$FT_PORT"
torrent() {	# torrent NAME ANNOUNCE...: one tier per URL, same info-hash
	n=$1
	shift
	a=""
	for u in "$@"; do a="$a -a $u"; done
	mktorrent $a -l 16 -o "$W/$n.torrent" "$W/seed/payload" > /dev/null ||
	    fail "mktorrent $n"
}
torrent seed "$OT"
H=$(infohash "$W/seed.torrent")
for c in garbage redirect timeout; do
	torrent "$c" "$F/$c/announce" "$OT"
done
torrent failure "$F/failure/announce"
torrent empty "$F/empty/announce"
torrent starve-failure "$F/failure/starve/announce"
torrent starve-empty "$F/empty/starve/announce"
for n in garbage redirect timeout failure empty starve-failure starve-empty; do
	[ "$(infohash "$W/$n.torrent")" = "$H" ] || fail "$n: another info-hash"
done

start_tracker "$H"
"$FT" --port "$FT_PORT" > "$W/fake.log" 2>&1 &
remember $!
wait_port "$FT_PORT" || fail "fake_tracker did not start"
start_bttui_seed "$W/seed.torrent" "$W/seed"
wait_seeders "$H" 1
torrent peers "$F/peers/127.0.0.1:$BSEED_PORT/announce"
[ "$(infohash "$W/peers.torrent")" = "$H" ] || fail "peers: another info-hash"

leecher() {	# leecher NAME [options]
	n=$1
	shift
	XDG_STATE_HOME="$W/state-$n" timeout -k 5 55 "$BTTUI" --headless \
	    -p "$(free_port)" -d "$W/dl-$n" "$@" "$W/$n.torrent" \
	    > "$W/$n.out" 2> "$W/$n.err" &
	eval "PID_$(echo "$n" | tr - _)=$!"
	remember $!
}
for c in garbage redirect timeout; do
	leecher "$c"
done
for c in failure empty; do
	leecher "$c" --peer "127.0.0.1:$BSEED_PORT"
done
leecher peers
leecher starve-failure
leecher starve-empty
START=$(date +%s)

finish() {	# finish NAME: exit 0 with the right files
	eval "pid=\$PID_$(echo "$1" | tr - _)"
	wait "$pid"; rc=$?
	forget "$pid"
	[ $rc -eq 124 ] && fail "$1: did not complete within 55 s"
	[ $rc -eq 0 ] || { tail -n 5 "$W/$1.err"; fail "$1: exited $rc"; }
	same_tree "$W/seed" "$W/dl-$1" > /dev/null || fail "$1: files differ"
}

logged() {	# logged NAME PATTERN WHAT
	grep -q -- "$2" "$W/$1.err" || { cat "$W/$1.err"; fail "$1: $3"; }
}

requests() {	# requests PATH: how many requests the fake tracker got
	grep -c "GET $1\(?\|$\)" "$W/fake.log"
}

finish garbage
logged garbage "tracker $F/garbage/announce: .*, trying $OT" \
    "no failure logged, or not tried the next tier"
say "garbage: $(grep -o "garbage/announce: .*, trying" "$W/garbage.err" |
    head -n 1)"
finish redirect
logged redirect "tracker $F/redirect/announce: .*[Rr]edirect.*, trying $OT" \
    "redirect loop not logged"
# 1 + 5 redirects per announce, no more
n=$(requests /redirect/announce)
r=$(grep -c 'redirects followed' "$W/redirect.err")
[ "$n" -le $(( (r + 1) * 6 )) ] || fail "redirect: $n requests in $r announces"
say "redirect: $n requests for $r announces (1 + 5 redirects each), then the next tier"
finish failure
logged failure "tracker $F/failure/announce: failure: fake_tracker refuses this torrent; no tracker left, next try in 15 s" \
    "failure reason not logged with its back-off"
say "failure: logged, backed off, got its peer from --peer"
finish empty
logged empty "tracker $F/empty/announce: 0 peers, interval 1800 s" \
    "empty peer list not logged"
say "empty: logged, got its peer from --peer"
finish peers
logged peers "tracker $F/peers/127.0.0.1:$BSEED_PORT/announce: 1 peers*, interval 1800 s" \
    "the /peers/ list not logged"
say "peers: the one peer of fake_tracker's /peers/ list, and nothing else"
finish timeout
logged timeout "tracker $F/timeout/announce: timed out, trying $OT" \
    "timeout not logged, or not tried the next tier"
say "timeout: timed out after $(( $(date +%s) - START )) s, then the next tier"

# The starving leechers ran as long as the timeout case (30 s and more):
# the failing tracker is retried after 15 s, then 30 s more; the empty one
# not before the 30 s minimum interval.
n=$(requests /failure/starve/announce)
[ "$n" -ge 2 ] && [ "$n" -le 3 ] ||
    fail "starving on a failing tracker: $n announces, want 2 or 3"
logged starve-failure "next try in 30 s" "no longer back-off after the 2nd failure"
m=$(requests /empty/starve/announce)
[ "$m" -ge 1 ] && [ "$m" -le 2 ] ||
    fail "starving on an empty tracker: $m announces, want 1 or 2"
say "starving: $n announces to the failing tracker, $m to the empty one"
for n in starve-failure starve-empty; do
	eval "pid=\$PID_$(echo "$n" | tr - _)"
	kill -INT "$pid"
	wait "$pid"; rc=$?
	forget "$pid"
	[ $rc -eq 130 ] || fail "$n: exited $rc on SIGINT, want 130"
done

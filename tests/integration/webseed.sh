# BEP 19 web seeds: a multi-file torrent with a url-list and no tracker nor
# peer is downloaded completely by bttui from python's http.server (which
# ignores Range and answers 200 with whole files: bttui skips to its
# bytes).  A second run against a server whose copy of one file is
# corrupted must log the hash failure and blame the web seed (it is the
# only source, so the download cannot complete).  A third run, against a
# server that honours Range (206) and a url-list URL without its trailing
# slash, checks the path real web seeds take.  With --bind, the requests
# leave from the bound address.
. tests/integration/lib/swarm.sh
need python3 curl
swarm_init

make_payload "$W/www/payload" 2
mkdir -p "$W/bad"
cp -r "$W/www/payload" "$W/bad/payload"
# one byte wrong in the middle of the big file: one piece is bad (its
# complement: a fixed byte was the same as the random one, 1 time in 256)
b=$(od -An -tu1 -j300000 -N1 "$W/bad/payload/a/b/c/big.bin" | tr -d ' ')
printf "\\$(printf %03o $((255 - b)))" | dd of="$W/bad/payload/a/b/c/big.bin" \
    bs=1 seek=300000 conv=notrunc 2>/dev/null
cmp -s "$W/www/payload/a/b/c/big.bin" "$W/bad/payload/a/b/c/big.bin" &&
    fail "corrupting the copy did not change it"

start_http() {	# start_http DIR: python's http.server on a free port
	HTTP_PORT=$(free_port)
	python3 -m http.server --bind 127.0.0.1 --directory "$1" \
	    "$HTTP_PORT" > "$W/http.$HTTP_PORT.log" 2>&1 &
	HTTP_PID=$!
	remember $HTTP_PID
	wait_port "$HTTP_PORT" || fail "http.server did not start"
}

# bttui --create needs a tracker: make it, then trade announce for url-list
"$BTTUI" --create "$W/www/payload" -a http://127.0.0.1:1/announce \
    --piece-size 32K -o "$W/made.torrent" > /dev/null || fail "--create"
webseed_torrent() {	# webseed_torrent URL OUT
	python3 - "$W/made.torrent" "$1" "$2" <<'PY' || fail "url-list edit"
import sys
src, url, out = sys.argv[1:4]
def dec(b, i):
    c = b[i:i + 1]
    if c == b"i":
        j = b.index(b"e", i)
        return int(b[i + 1:j]), j + 1
    if c in (b"l", b"d"):
        i, v = i + 1, []
        while b[i:i + 1] != b"e":
            x, i = dec(b, i)
            v.append(x)
        if c == b"l":
            return v, i + 1
        return dict(zip(v[::2], v[1::2])), i + 1
    j = b.index(b":", i)
    n = int(b[i:j])
    return b[j + 1:j + 1 + n], j + 1 + n
def enc(v):
    if isinstance(v, int): return b"i%de" % v
    if isinstance(v, bytes): return b"%d:%s" % (len(v), v)
    if isinstance(v, list): return b"l" + b"".join(map(enc, v)) + b"e"
    return b"d" + b"".join(enc(k) + enc(v[k]) for k in sorted(v)) + b"e"
t, _ = dec(open(src, "rb").read(), 0)
del t[b"announce"]
t.pop(b"announce-list", None)
# an ftp:// entry is dropped by the parser; the http one is used
t[b"url-list"] = [b"ftp://127.0.0.1/x", url.encode()]
open(out, "wb").write(enc(t))
PY
}

start_http "$W/www"
webseed_torrent "http://127.0.0.1:$HTTP_PORT/" "$W/t.torrent"
"$BTTUI" --info "$W/t.torrent" > "$W/info.txt" 2>&1 || fail "--info"
grep -A1 '^Web seeds:' "$W/info.txt" |
    grep -q "^  http://127.0.0.1:$HTTP_PORT/\$" ||
    { cat "$W/info.txt"; fail "--info does not list the web seed"; }
grep -q ftp "$W/info.txt" && fail "--info lists the ftp:// web seed"

timeout 120 "$BTTUI" --headless -p "$(free_port)" -d "$W/dl" \
    --session "$W/s1" "$W/t.torrent" > "$W/bttui.out" 2> "$W/bttui.err"
rc=$?
tail -n 2 "$W/bttui.out" | sed 's/^/   /'
[ $rc -eq 0 ] || { tail "$W/bttui.out" "$W/bttui.err"; fail "bttui exited $rc"; }
grep -q '^Download complete$' "$W/bttui.out" || fail "no 'Download complete'"
same_tree "$W/www" "$W/dl" || fail "downloaded files differ"
grep -q 'failed its hash check' "$W/bttui.err" &&
    fail "a piece from the good web seed failed its hash"

# --bind: the web seed is fetched from the bound address (http.server logs
# each request's client address first)
timeout 120 "$BTTUI" --headless -p "$(free_port)" -d "$W/dl-bind" \
    --bind 127.0.0.5 --session "$W/s-bind" "$W/t.torrent" \
    > "$W/bind.out" 2> "$W/bind.err" ||
    { tail "$W/bind.err"; fail "bttui --bind 127.0.0.5 failed"; }
same_tree "$W/www" "$W/dl-bind" > /dev/null || fail "--bind: files differ"
grep -q '^127\.0\.0\.5 - ' "$W/http.$HTTP_PORT.log" ||
    { tail -n 3 "$W/http.$HTTP_PORT.log"; \
    fail "--bind 127.0.0.5: the web seed was not fetched from it"; }
say "--bind 127.0.0.5: web seed requests came from it; files match"

# a server that honours Range (206), as real web seeds do
cat > "$W/range.py" <<'PY'
import http.server, os, re, sys
root = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = os.path.join(root, self.path.lstrip("/").replace("%20", " "))
        try:
            data = open(path, "rb").read()
        except OSError:
            self.send_error(404)
            return
        m = re.match(r"bytes=(\d+)-(\d+)$", self.headers.get("Range", ""))
        if not m:
            self.send_error(400, "want a range")
            return
        a, z = int(m.group(1)), int(m.group(2))
        self.send_response(206)
        self.send_header("Content-Range", "bytes %d-%d/%d" % (a, z, len(data)))
        self.send_header("Content-Length", str(z - a + 1))
        self.end_headers()
        self.wfile.write(data[a:z + 1])
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
stop_pid $HTTP_PID
HTTP_PORT=$(free_port)
python3 "$W/range.py" "$HTTP_PORT" "$W/www" > "$W/range.log" 2>&1 &
HTTP_PID=$!
remember $HTTP_PID
wait_port "$HTTP_PORT" || fail "the Range server did not start"
webseed_torrent "http://127.0.0.1:$HTTP_PORT" "$W/r.torrent"
timeout 120 "$BTTUI" --headless -p "$(free_port)" -d "$W/dlr" \
    --session "$W/sr" "$W/r.torrent" > "$W/r.out" 2> "$W/r.err" ||
    { tail "$W/r.err" "$W/range.log"; fail "bttui exited (Range server)"; }
same_tree "$W/www" "$W/dlr" || fail "files from the Range server differ"

# the bad copy: the piece fails, the web seed is blamed and backs off
stop_pid $HTTP_PID
start_http "$W/bad"
webseed_torrent "http://127.0.0.1:$HTTP_PORT/" "$W/bad.torrent"
"$BTTUI" --headless -p "$(free_port)" -d "$W/dl2" --session "$W/s2" \
    "$W/bad.torrent" > "$W/bad.out" 2> "$W/bad.err" &
BAD_PID=$!
remember $BAD_PID
i=0
until grep -qs 'web seed .*failed the hash check' "$W/bad.err"; do
	i=$((i + 1))
	[ $i -gt 600 ] && { tail "$W/bad.err"; fail "the bad web seed was never blamed"; }
	sleep 0.1
done
grep -q 'piece [0-9]* failed its hash check' "$W/bad.err" ||
    fail "no hash failure logged"
grep -q '^Download complete$' "$W/bad.out" &&
    fail "completed from a corrupted web seed"
say "$(grep -m1 'web seed .*failed the hash check' "$W/bad.err")"
stop_pid $BAD_PID INT
grep -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$W/bttui.err" \
    "$W/r.err" "$W/bad.err" && fail "sanitizer report"
exit 0

# --select-file: a four-file torrent seeded by aria2c, of which bttui
# --headless --select-file 2 fetches only the pieces file 2 touches:
# file 2 is identical, file 4 (no wanted piece touches it) is never
# created, files 1 and 3 (which share a piece with file 2) hold no byte
# outside those pieces, and the bytes downloaded are about 3 pieces, not
# the whole torrent.  bttui exits 0 with the selection complete, and a
# second run on the same session keeps the selection.
. tests/integration/lib/swarm.sh
need opentracker aria2c python3 cmp
swarm_init

TRACKER_PORT=$(free_port)
mkdir -p "$W/seed/sel"
# 32 KiB pieces: b.bin (file 2, bytes 100000..169999) spans pieces 3-5,
# piece 3 shared with a.bin and piece 5 with c.bin; d.bin is in piece 11
# with c.bin only.
python3 - "$W/seed/sel" "$W/t.torrent" \
    "http://127.0.0.1:$TRACKER_PORT/announce" <<'PY' || fail "torrent"
import hashlib, os, sys
top, out, announce = sys.argv[1:4]
PL = 32768
def benc(v):
    if isinstance(v, int): return b"i%de" % v
    if isinstance(v, str): v = v.encode()
    if isinstance(v, bytes): return b"%d:%s" % (len(v), v)
    if isinstance(v, list): return b"l" + b"".join(map(benc, v)) + b"e"
    return b"d" + b"".join(benc(k) + benc(v[k]) for k in sorted(v)) + b"e"
layout = [("a.bin", 100000), ("b.bin", 70000), ("c.bin", 200000),
          ("d/d.bin", 5000)]
files, data = [], b""
for name, size in layout:
    body = os.urandom(size)
    os.makedirs(os.path.dirname(os.path.join(top, name)), exist_ok=True)
    open(os.path.join(top, name), "wb").write(body)
    files.append({"length": size, "path": name.split("/")})
    data += body
pieces = b"".join(hashlib.sha1(data[i:i + PL]).digest()
                  for i in range(0, len(data), PL))
t = {"announce": announce, "info": {"name": "sel", "piece length": PL,
     "pieces": pieces, "files": files}}
open(out, "wb").write(benc(t))
PY
H=$(infohash "$W/t.torrent")
start_tracker "$H"
start_aria2_seed "$W/t.torrent" "$W/seed"
wait_seeders "$H" 1

"$BTTUI" --headless -p "$(free_port)" -d "$W/dl" --select-file 2 \
    "$W/t.torrent" > "$W/bttui.out" 2> "$W/bttui.err"
rc=$?
tail -n 2 "$W/bttui.out" | sed 's/^/   /'
[ $rc -eq 0 ] || { cat "$W/bttui.err"; fail "bttui exited $rc"; }
cmp "$W/seed/sel/b.bin" "$W/dl/sel/b.bin" || fail "file 2 differs"
[ -e "$W/dl/sel/d" ] && fail "file 4 (all its pieces skipped) was created"
# Outside pieces 3-5 (bytes 98304..196607) files 1 and 3 hold no data.
python3 - "$W/dl/sel" <<'PY' || fail "skipped files hold data"
import os, sys
top = sys.argv[1]
def zeros(path, start, end):
    if not os.path.exists(path):
        return True
    with open(path, "rb") as f:
        f.seek(start)
        b = f.read(end - start)
    return b.count(0) == len(b)
ok = zeros(os.path.join(top, "a.bin"), 0, 98304) and \
     zeros(os.path.join(top, "c.bin"), 196608 - 170000, 200000)
sys.exit(0 if ok else 1)
PY
got=$(sed -n 's/.*downloaded \([0-9]*\) bytes.*/\1/p' "$W/bttui.out" |
    tail -n 1)
say "downloaded ${got:-?} bytes of 375000 (3 pieces: 98304)"
[ -n "$got" ] && [ "$got" -le $((98304 + 32768)) ] ||
    fail "downloaded more than file 2's pieces (${got:-none})"
# The selection lives in the session: a second run, which reopens it,
# fetches nothing more.
"$BTTUI" --headless -p "$(free_port)" > "$W/bttui2.out" 2> "$W/bttui2.err"
rc=$?
tail -n 1 "$W/bttui2.out" | sed 's/^/   /'
[ $rc -eq 0 ] || { cat "$W/bttui2.err"; fail "second run exited $rc"; }
grep -q 'downloaded 0 bytes' "$W/bttui2.out" ||
    fail "the second run downloaded more"
[ -e "$W/dl/sel/d" ] && fail "file 4 was created by the second run"
cat "$W/bttui2.err" >> "$W/bttui.err"
grep -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$W/bttui.err" &&
    fail "sanitizer report"
exit 0

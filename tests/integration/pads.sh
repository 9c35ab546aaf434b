# BEP 47 pad files: a multi-file torrent with pad files between its files
# (two of the same size share their path, as libtorrent and qBittorrent
# make them) is seeded by aria2c, which does not know pads and so holds
# them as zero-filled files, and downloaded by bttui: the real files are
# identical, and no pad file nor .pad directory reaches bttui's disk.
# A bttui whose --info does not report pad files exits 77.
. tests/integration/lib/swarm.sh
need opentracker aria2c python3
swarm_init

TRACKER_PORT=$(free_port)
mkdir -p "$W/seed/padded/.pad"
# a.bin and b.bin end off a piece boundary: each is padded to one
python3 - "$W/seed/padded" "$W/t.torrent" \
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
layout = [("a.bin", 100000), ("b.bin", 100000), ("c/d.bin", 5000)]
files, data = [], b""
for i, (name, size) in enumerate(layout):
    body = os.urandom(size)
    os.makedirs(os.path.dirname(os.path.join(top, name)), exist_ok=True)
    open(os.path.join(top, name), "wb").write(body)
    files.append({"length": size, "path": name.split("/")})
    data += body
    if i + 1 < len(layout) and len(data) % PL:
        pad = PL - len(data) % PL
        open(os.path.join(top, ".pad", str(pad)), "wb").write(bytes(pad))
        files.append({"length": pad, "path": [".pad", str(pad)],
                      "attr": "p"})
        data += bytes(pad)
pieces = b"".join(hashlib.sha1(data[i:i + PL]).digest()
                  for i in range(0, len(data), PL))
t = {"announce": announce, "info": {"name": "padded", "piece length": PL,
     "pieces": pieces, "files": files}}
open(out, "wb").write(benc(t))
PY
"$BTTUI" --info "$W/t.torrent" > "$W/info.txt" 2>&1 ||
    skip "bttui --info refuses the torrent (no pad parser yet?)"
grep -Eq '^Pad files: [0-9]+' "$W/info.txt" ||
    skip "bttui --info does not report pad files (no pad parser yet)"
H=$(infohash "$W/t.torrent")
start_tracker "$H"
start_aria2_seed "$W/t.torrent" "$W/seed"
wait_seeders "$H" 1

"$BTTUI" --headless -p "$(free_port)" -d "$W/dl" "$W/t.torrent" \
    > "$W/bttui.out" 2> "$W/bttui.err"
rc=$?
tail -n 2 "$W/bttui.out" | sed 's/^/   /'
[ $rc -eq 0 ] || { cat "$W/bttui.err"; fail "bttui exited $rc"; }
grep -q '^Download complete$' "$W/bttui.out" || fail "no 'Download complete'"
# 267144 bytes with the pads; the two 16 KiB blocks wholly inside pads are
# never requested (a block that straddles a pad and data is)
got=$(sed -n 's/.*downloaded \([0-9]*\) bytes.*wasted \([0-9]*\) bytes.*/\1 \2/p' \
    "$W/bttui.out" | tail -n 1)
set -- $got
[ -n "${1:-}" ] && [ $(( $1 - $2 )) -le 234376 ] ||
    fail "pad bytes were downloaded (downloaded, wasted: ${got:-none})"
rm -r "$W/seed/padded/.pad"
same_tree "$W/seed" "$W/dl" || fail "downloaded files differ"
[ -e "$W/dl/padded/.pad" ] && fail "a .pad directory is on disk"
find "$W/dl" -name '.pad*' | grep -q . && fail "a pad file is on disk"
grep -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$W/bttui.err" &&
    fail "sanitizer report"
exit 0

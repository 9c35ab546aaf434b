# --select-file: a four-file torrent seeded by aria2c, of which bttui
# --headless --select-file 2 fetches only the pieces file 2 touches:
# file 2 is identical, and no other file is ever created: the bytes that
# the pieces shared with file 2 have in files 1 and 3 wait in the part file
# (.bttui-HASH.parts in the download directory).  The bytes downloaded are
# about 3 pieces, not the whole torrent.  bttui exits 0 with the selection
# complete; a second run on the same session keeps the selection, and so
# does a third whose resume record is gone: its check reads those bytes
# from the part file.  Then --select-file 1,2 makes file 1 whole (its bytes
# of the shared piece out of the part file) and --select-file 1-4 the rest,
# after which the part file is gone.
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
PARTS="$W/dl/.bttui-$(echo "$H" | tr 'A-F' 'a-f').parts"
no_skipped() {	# no_skipped WHEN: files 1, 3 and 4 are not on disk
	for f in a.bin c.bin d; do
		[ -e "$W/dl/sel/$f" ] && fail "$1: skipped $f was created"
	done
	[ -f "$PARTS" ] || fail "$1: no part file holds the shared pieces"
}
no_skipped "first run"
say "no skipped file on disk; $(basename "$PARTS") holds $(wc -c < "$PARTS") bytes"
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
grep -q 'resumed: 3 of 12 pieces verified earlier' "$W/bttui2.err" ||
    { cat "$W/bttui2.err"; fail "the second run did not trust its record"; }
no_skipped "second run"
cat "$W/bttui2.err" >> "$W/bttui.err"

# No resume record: the check hashes what is there, pieces 3 and 5 with
# the bytes of files 1 and 3 read from the part file, and nothing is
# fetched again.
rm -f "$XDG_STATE_HOME"/bttui/resume/*
"$BTTUI" --headless -p "$(free_port)" > "$W/bttui3.out" 2> "$W/bttui3.err"
rc=$?
tail -n 1 "$W/bttui3.out" | sed 's/^/   /'
[ $rc -eq 0 ] || { cat "$W/bttui3.err"; fail "third run exited $rc"; }
grep -q 'checked data on disk: 3 of 12 pieces good' "$W/bttui3.err" ||
    { cat "$W/bttui3.err"; fail "the check did not find the 3 pieces"; }
grep -q 'downloaded 0 bytes' "$W/bttui3.out" ||
    fail "the third run downloaded the shared pieces again"
no_skipped "third run"
cat "$W/bttui3.err" >> "$W/bttui.err"

# File 1 wanted too: its bytes of piece 3 come out of the part file, the
# rest from the seeder; the part file stays for file 3's bytes of piece 5.
"$BTTUI" --headless -p "$(free_port)" -d "$W/dl" --select-file 1,2 \
    "$W/t.torrent" > "$W/bttui4.out" 2> "$W/bttui4.err"
rc=$?
[ $rc -eq 0 ] || { cat "$W/bttui4.err"; fail "fourth run exited $rc"; }
cmp "$W/seed/sel/a.bin" "$W/dl/sel/a.bin" || fail "file 1 differs"
# Useful bytes: a duplicate block (a rare race of two connections to the
# seeder, counted as wasted) is not piece 3 fetched again.
got=$(sed -n 's/.*downloaded \([0-9]*\) bytes.*wasted \([0-9]*\) bytes.*/\1 \2/p' \
    "$W/bttui4.out" | tail -n 1 | awk '{ print $1 - $2 }')
say "file 1 wanted: downloaded ${got:-?} useful bytes (pieces 0-2: 98304)"
[ "$got" = 98304 ] || { tail -n 1 "$W/bttui4.out"; grep -v '%' "$W/bttui4.err" | tail -n 8
	fail "piece 3 was fetched again (${got:-none})"; }
[ -e "$W/dl/sel/c.bin" ] && fail "fourth run: skipped c.bin was created"
[ -f "$PARTS" ] || fail "fourth run: the part file went with file 3 skipped"
cat "$W/bttui4.err" >> "$W/bttui.err"

# Everything wanted: the tree is the seeder's and the part file is gone.
"$BTTUI" --headless -p "$(free_port)" -d "$W/dl" --select-file 1-4 \
    "$W/t.torrent" > "$W/bttui5.out" 2> "$W/bttui5.err"
rc=$?
[ $rc -eq 0 ] || { cat "$W/bttui5.err"; fail "fifth run exited $rc"; }
same_tree "$W/seed/sel" "$W/dl/sel" || fail "the files differ"
[ -e "$PARTS" ] && fail "the part file outlived the selection"
say "all wanted: part file gone"
cat "$W/bttui5.err" >> "$W/bttui.err"
grep -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$W/bttui.err" &&
    fail "sanitizer report"
exit 0

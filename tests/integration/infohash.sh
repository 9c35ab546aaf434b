#!/bin/sh
# Info-hash agreement with third-party tools, and torrents bttui must refuse.
#
#  1. Torrents made by mktorrent and transmission-create: `bttui --info`
#     prints the info-hash transmission-show prints.
#  2. Torrents made by `bttui --create`: transmission-show and
#     `aria2c --show-files` accept them and print the same info-hash; with
#     the piece size mktorrent used, the info-hash is mktorrent's own.
#  3. Broken torrents: `bttui --info` exits 1 with one line on stderr.
#
# Run from the top of the tree after `make bttui`.  Exit 0: pass, 77: a
# tool is missing (skip), anything else: failure.
set -u

BTTUI=./bttui
TRACKER=http://127.0.0.1:6969/announce

if [ ! -x "$BTTUI" ]; then
	echo "infohash: $BTTUI not found: run 'make bttui' first"
	exit 1
fi
for tool in transmission-show transmission-create mktorrent aria2c; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "infohash: skipped: $tool is not installed (make deps)"
		exit 77
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/bttui-infohash.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 2' HUP INT TERM

failures=0
checks=0

ok() {
	checks=$((checks + 1))
	echo "ok    $*"
}

bad() {
	checks=$((checks + 1))
	failures=$((failures + 1))
	echo "FAIL  $*"
}

lower() {
	tr 'ABCDEF' 'abcdef'
}

# The info-hash as each tool prints it (empty when the tool refuses).
hash_tshow() {
	transmission-show "$1" 2>/dev/null | sed -n 's/^ *Hash: *//p' | lower
}

hash_bttui() {
	"$BTTUI" --info "$1" 2>/dev/null | sed -n 's/^Info hash: //p' | lower
}

hash_aria() {
	aria2c --show-files "$1" 2>/dev/null | sed -n 's/^Info Hash: //p' |
	    lower
}

# same LABEL A B: A and B are equal and not empty.
same() {
	if [ -n "$2" ] && [ "$2" = "$3" ]; then
		ok "$1: $2"
	else
		bad "$1: '${2:-(none)}' != '${3:-(none)}'"
	fi
}

# --- fixtures: sizes that are not multiples of any piece length --------
in="$work/in"
t="$work/torrents"
mkdir -p "$in/tree/a/b/c" "$in/tree/z dir" "$t" || exit 1
head -c 3000017 /dev/urandom >"$in/single.bin"
head -c 1000 /dev/urandom >"$in/tree/readme.txt"
head -c 100003 /dev/urandom >"$in/tree/a/b/c/deep.bin"
: >"$in/tree/a/empty.dat"
head -c 65536 /dev/urandom >"$in/tree/a/mid.bin"
head -c 50001 /dev/urandom >"$in/tree/z dir/with space.bin"
head -c 777 /dev/urandom >"$in/tree/$(printf 'caf\303\251.bin')"
echo "fixtures: single.bin (3000017 bytes), tree/ (6 files in nested" \
    "directories, one empty)"

# --- 1. third-party torrents, read by bttui --info ----------------------
mktorrent -l 16 -a "$TRACKER" -o "$t/mk-single.torrent" "$in/single.bin" \
    >/dev/null 2>&1 || bad "mktorrent single.bin failed"
mktorrent -l 15 -a "$TRACKER" -o "$t/mk-tree.torrent" "$in/tree" \
    >/dev/null 2>&1 || bad "mktorrent tree failed"
transmission-create -s 128 -t "$TRACKER" -o "$t/tc-single.torrent" \
    "$in/single.bin" >/dev/null 2>&1 || bad "transmission-create single failed"
transmission-create -s 64 -t "$TRACKER" -o "$t/tc-tree.torrent" \
    "$in/tree" >/dev/null 2>&1 || bad "transmission-create tree failed"

for name in mk-single mk-tree tc-single tc-tree; do
	same "$name.torrent: bttui --info vs transmission-show" \
	    "$(hash_bttui "$t/$name.torrent")" \
	    "$(hash_tshow "$t/$name.torrent")"
done

# The file list bttui prints for the tree holds every file, spaces and
# UTF-8 included.
files=$("$BTTUI" --info "$t/mk-tree.torrent" 2>/dev/null |
    sed -n 's/^Files: //p')
same "mk-tree.torrent: bttui --info file count vs files made" "$files" 6
if "$BTTUI" --info "$t/mk-tree.torrent" 2>/dev/null |
    grep -q '^  tree/z dir/with space.bin (48.8 KiB, 50001 bytes)$'; then
	ok "mk-tree.torrent: bttui --info lists 'tree/z dir/with space.bin'"
else
	bad "mk-tree.torrent: bttui --info lacks 'tree/z dir/with space.bin'"
fi

# Bytes after the top-level dictionary (a CRLF, NUL padding) are ignored
# as transmission-show ignores them: same info-hash, and a note.
{ cat "$t/mk-single.torrent"; printf '\r\n\0\0'; } >"$t/trailing.torrent"
same "trailing.torrent: bttui --info vs transmission-show" \
    "$(hash_bttui "$t/trailing.torrent")" \
    "$(hash_tshow "$t/mk-single.torrent")"
if "$BTTUI" --info "$t/trailing.torrent" 2>/dev/null |
    grep -q '^Note: 4 trailing bytes after the torrent ignored$'; then
	ok "trailing.torrent: bttui --info notes 4 trailing bytes"
else
	bad "trailing.torrent: bttui --info lacks the trailing bytes note"
fi

# Control characters in names, C1 (U+009B is CSI to some terminals) as
# well as C0, are printed escaped.
printf 'd4:infod6:lengthi1e4:name8:e\302\233[2J\033x%s' \
    '12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaaee' \
    >"$t/c1.torrent"
if "$BTTUI" --info "$t/c1.torrent" 2>/dev/null |
    grep -q '^Name: e\\xc2\\x9b\[2J\\x1bx$'; then
	ok "c1.torrent: bttui --info escapes C1 and C0 in the name"
else
	bad "c1.torrent: bttui --info name: $("$BTTUI" --info \
	    "$t/c1.torrent" 2>&1 | sed -n 's/^Name: //p' | od -c | head -2)"
fi

# --- 2. bttui --create, read by transmission-show and aria2c -----------
create() {	# create OUT INPUT [OPTIONS...]: prints the hash bttui reports
	out=$1
	src=$2
	shift 2
	"$BTTUI" --create "$src" -a "$TRACKER" -o "$out" "$@" 2>"$work/err" |
	    sed -n 's/^created .*: info hash //p' | lower
}

for name in single.bin tree; do
	tor="$t/bt-$name.torrent"
	h=$(create "$tor" "$in/$name")
	if [ -z "$h" ] || [ ! -s "$tor" ]; then
		bad "bttui --create $name: $(cat "$work/err")"
		continue
	fi
	same "bt-$name.torrent: bttui --create vs bttui --info" "$h" \
	    "$(hash_bttui "$tor")"
	same "bt-$name.torrent: bttui --create vs transmission-show" "$h" \
	    "$(hash_tshow "$tor")"
	if aria2c --show-files "$tor" >/dev/null 2>&1; then
		ok "bt-$name.torrent: aria2c --show-files accepts it"
	else
		bad "bt-$name.torrent: aria2c --show-files exit status $?"
	fi
	same "bt-$name.torrent: bttui --create vs aria2c --show-files" "$h" \
	    "$(hash_aria "$tor")"
done

# Same files, same piece size, same order: the info dictionary is
# mktorrent's byte for byte, so the info-hash is too.
same "single.bin at 64K: bttui --create vs mktorrent -l 16" \
    "$(create "$t/bt-single-64k.torrent" "$in/single.bin" \
    --piece-size 64K)" "$(hash_tshow "$t/mk-single.torrent")"
same "tree at 32K: bttui --create vs mktorrent -l 15" \
    "$(create "$t/bt-tree-32k.torrent" "$in/tree" --piece-size 32K)" \
    "$(hash_tshow "$t/mk-tree.torrent")"
# transmission-create always writes info.private; with -p it is 1.
transmission-create -p -s 128 -t "$TRACKER" -o "$t/tc-private.torrent" \
    "$in/single.bin" >/dev/null 2>&1
same "single.bin private at 128K: bttui --create vs transmission-create -p" \
    "$(create "$t/bt-private.torrent" "$in/single.bin" --private \
    --piece-size 128K)" "$(hash_tshow "$t/tc-private.torrent")"

# An existing output is never replaced; a missing input makes no file.
before=$(cksum <"$t/bt-tree.torrent")
if "$BTTUI" --create "$in/tree" -a "$TRACKER" -o "$t/bt-tree.torrent" \
    >/dev/null 2>&1; then
	bad "bttui --create over an existing file succeeded"
elif [ "$(cksum <"$t/bt-tree.torrent")" != "$before" ]; then
	bad "bttui --create changed an existing file"
else
	ok "bttui --create refuses to overwrite bt-tree.torrent (exit 1)"
fi
if "$BTTUI" --create "$in/nothing" -a "$TRACKER" -o "$t/none.torrent" \
    >/dev/null 2>&1 || [ -e "$t/none.torrent" ]; then
	bad "bttui --create of a missing input: success or a file"
else
	ok "bttui --create of a missing input fails and writes nothing"
fi
leftovers=$(find "$t" -name '*.torrent.*' | wc -l)
same "temporary files left in the output directory" "$leftovers" 0

# --- 3. broken torrents -------------------------------------------------
good="$t/mk-single.torrent"
size=$(wc -c <"$good")
head -c $((size / 2)) "$good" >"$t/truncated.torrent"
printf 'this is not bencode\n' >"$t/garbage.torrent"
printf 'd8:announce%d:%se' ${#TRACKER} "$TRACKER" >"$t/noinfo.torrent"
printf '%s%s%s' 'd4:infod5:filesld6:lengthi1e4:pathl2:..4:evileee' \
    '4:name4:test12:piece lengthi16384e6:pieces20:' \
    'aaaaaaaaaaaaaaaaaaaaee' >"$t/dotdot.torrent"
: >"$t/empty.torrent"
printf '%s%s' 'd4:infod9:file treed1:ad0:d6:lengthi1eeee' \
    '12:meta versioni2e4:name1:a12:piece lengthi16384eee' >"$t/v2only.torrent"

# refuse NAME PATTERN: exit 1, nothing on stdout, one line on stderr that
# matches PATTERN.
refuse() {
	"$BTTUI" --info "$t/$1" >"$work/out" 2>"$work/err"
	rc=$?
	lines=$(wc -l <"$work/err")
	msg=$(head -n 1 "$work/err")
	if [ "$rc" -ne 1 ]; then
		bad "$1: exit status $rc, want 1 ($msg)"
	elif [ -s "$work/out" ]; then
		bad "$1: printed on stdout"
	elif [ "$lines" -ne 1 ]; then
		bad "$1: $lines lines on stderr, want 1"
	elif ! grep -q -e "$2" "$work/err"; then
		bad "$1: message lacks '$2': $msg"
	else
		ok "$1: exit 1: $msg"
	fi
}

refuse truncated.torrent 'not a valid torrent'
refuse garbage.torrent 'not a valid torrent'
refuse noinfo.torrent 'info'
refuse dotdot.torrent '"\.\."'
refuse empty.torrent 'not a valid torrent'
refuse v2only.torrent 'v2-only torrent (BEP 52); bttui reads v1 and hybrid'
refuse missing.torrent 'No such file'

echo "infohash: $checks checks, $failures failed"
[ "$failures" -eq 0 ]

#!/usr/bin/env python3
"""Records one MSE/PE handshake with a real client on 127.0.0.1, for the
replay tests in tests/test_mse.c.

An MSE implementation of its own (Python integers for the DH, hashlib, a
few lines of RC4), written from the spec, not from src/engine/mse.c.  Its
private key comes from a splitmix64 seed exactly as mse.h documents for
mse_new_*(..., &seed): replayed into bttui's machine with the same seed,
the peer's recorded bytes must decrypt the same way.

  mse_record.py initiator PORT INFOHASH SEED
      dials a client seeding with encryption required (transmission-cli -er,
      aria2c --bt-require-crypto=true), offers RC4 only, sends a BitTorrent
      handshake as IA, and reads the peer's answer up to the end of the
      peer's own (encrypted) BitTorrent handshake.
  mse_record.py responder PORT INFOHASH SEED ANNOUNCE_URL
      listens on PORT, announces itself to the tracker as a leecher, and
      answers the first client that dials (aria2c with
      --bt-require-crypto=true), reading up to the end of its IA, or of
      the BitTorrent handshake that follows when its IA is empty.

Prints the exchange as C string literals of hex on stdout; exits 1 when the
handshake does not complete or the peer's BitTorrent handshake is wrong.
"""
import hashlib
import os
import socket
import sys
import time
import urllib.parse
import urllib.request

P = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563", 16)
M64 = (1 << 64) - 1
VC = bytes(8)
PEER_ID = b"-BT0001-mserecorder!"
BT_PREFIX = b"\x13BitTorrent protocol"


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def private_key(seed):
    raw = b""
    for _ in range(3):
        seed, v = splitmix64(seed)
        raw += v.to_bytes(8, "big")
    return int.from_bytes(raw[:20], "big")


class RC4:
    def __init__(self, key):
        s = list(range(256))
        j = 0
        for i in range(256):
            j = (j + s[i] + key[i % len(key)]) & 0xFF
            s[i], s[j] = s[j], s[i]
        self.s, self.i, self.j = s, 0, 0
        self.crypt(bytes(1024))

    def crypt(self, data):
        s, i, j = self.s, self.i, self.j
        out = bytearray(len(data))
        for k, b in enumerate(data):
            i = (i + 1) & 0xFF
            j = (j + s[i]) & 0xFF
            s[i], s[j] = s[j], s[i]
            out[k] = b ^ s[(s[i] + s[j]) & 0xFF]
        self.i, self.j = i, j
        return bytes(out)


def sha1(*parts):
    return hashlib.sha1(b"".join(parts)).digest()


def handshake(info_hash):
    reserved = bytes([0, 0, 0, 0, 0, 0x10, 0, 0x04])   # BEP 10, BEP 6
    return BT_PREFIX + reserved + info_hash + PEER_ID


class Conn:
    """A socket that remembers every byte it sent and received."""

    def __init__(self, sock):
        self.sock, self.sent, self.got = sock, b"", b""
        self.sock.settimeout(20)

    def send(self, data):
        self.sock.sendall(data)
        self.sent += data

    def need(self, n):
        while len(self.got) < n:
            chunk = self.sock.recv(4096)
            if not chunk:
                sys.exit("peer closed after %d bytes" % len(self.got))
            self.got += chunk


def find_marker(c, start, marker):
    """Offset of marker in c.got at or after start, within 512 pad bytes."""
    while True:
        at = c.got.find(marker, start)
        if 0 <= at <= start + 512:
            return at
        if len(c.got) > start + 512 + len(marker):
            sys.exit("no sync marker within 512 bytes")
        c.need(len(c.got) + 1)


def run_initiator(port, info_hash, x):
    c = Conn(socket.create_connection(("127.0.0.1", port)))
    ya = pow(2, x, P).to_bytes(96, "big")
    c.send(ya + os.urandom(37))                                  # PadA
    c.need(96)
    s = pow(int.from_bytes(c.got[:96], "big"), x, P).to_bytes(96, "big")
    enc = RC4(sha1(b"keyA", s, info_hash))
    dec = RC4(sha1(b"keyB", s, info_hash))
    ia = handshake(info_hash)
    req2 = bytes(a ^ b for a, b in zip(sha1(b"req2", info_hash),
                                       sha1(b"req3", s)))
    c.send(sha1(b"req1", s) + req2 + enc.crypt(
        VC + (2).to_bytes(4, "big") + (0).to_bytes(2, "big") +
        len(ia).to_bytes(2, "big") + ia))
    marker = RC4(sha1(b"keyB", s, info_hash)).crypt(VC)
    at = find_marker(c, 96, marker)
    dec.crypt(VC)
    c.need(at + 8 + 6)
    head = dec.crypt(c.got[at + 8:at + 14])
    select = int.from_bytes(head[:4], "big")
    pad_d = int.from_bytes(head[4:], "big")
    if select != 2 or pad_d > 512:
        sys.exit("select %d, len(PadD) %d" % (select, pad_d))
    end = at + 14 + pad_d
    c.need(end + 68)
    dec.crypt(c.got[at + 14:end])
    theirs = dec.crypt(c.got[end:end + 68])
    if theirs[:20] != BT_PREFIX or theirs[28:48] != info_hash:
        sys.exit("bad BitTorrent handshake from the peer: %s" % theirs.hex())
    c.got = c.got[:end + 68]
    c.sock.close()
    return c, {"select": select, "pad_b": at - 96, "pad_d": pad_d,
               "peer_handshake": theirs.hex()}


def announce(url, info_hash, port):
    q = urllib.parse.urlencode({
        "peer_id": PEER_ID, "port": port, "uploaded": 0, "downloaded": 0,
        "left": 1000, "compact": 1, "event": "started", "numwant": 0,
        "ip": "127.0.0.1"})
    q += "&info_hash=" + urllib.parse.quote(info_hash)
    urllib.request.urlopen(url + "?" + q, timeout=5).read()


def run_responder(port, info_hash, x, url):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(4)
    ls.settimeout(1)
    deadline = time.time() + 30
    while True:
        announce(url, info_hash, port)
        try:
            sock, _ = ls.accept()
            break
        except socket.timeout:
            if time.time() > deadline:
                sys.exit("nobody dialled in 30 s")
    ls.close()
    c = Conn(sock)
    c.need(96)
    if c.got.startswith(BT_PREFIX):
        sys.exit("the client sent a plaintext handshake")
    s = pow(int.from_bytes(c.got[:96], "big"), x, P).to_bytes(96, "big")
    c.send(pow(2, x, P).to_bytes(96, "big") + os.urandom(53))    # PadB
    at = find_marker(c, 96, sha1(b"req1", s))
    c.need(at + 40 + 14)
    want = bytes(a ^ b for a, b in zip(sha1(b"req2", info_hash),
                                       sha1(b"req3", s)))
    if c.got[at + 20:at + 40] != want:
        sys.exit("req2 does not name our torrent")
    dec = RC4(sha1(b"keyA", s, info_hash))
    enc = RC4(sha1(b"keyB", s, info_hash))
    head = dec.crypt(c.got[at + 40:at + 54])
    provide = int.from_bytes(head[8:12], "big")
    pad_c = int.from_bytes(head[12:14], "big")
    if head[:8] != VC or not provide & 2 or pad_c > 512:
        sys.exit("VC %s provide %d len(PadC) %d" % (head[:8].hex(),
                                                   provide, pad_c))
    c.need(at + 54 + pad_c + 2)
    dec.crypt(c.got[at + 54:at + 54 + pad_c])
    ia_at = at + 54 + pad_c + 2
    ia_len = int.from_bytes(dec.crypt(c.got[ia_at - 2:ia_at]), "big")
    c.need(ia_at + ia_len)
    ia = dec.crypt(c.got[ia_at:ia_at + ia_len])
    c.send(enc.crypt(VC + (2).to_bytes(4, "big") + bytes(2) +
                     handshake(info_hash)))
    # An empty IA (aria2c) means its BitTorrent handshake comes after our
    # crypto_select, in the RC4 stream that goes on.
    end = ia_at + ia_len
    theirs = ia
    if ia_len == 0:
        c.need(end + 68)
        theirs = dec.crypt(c.got[end:end + 68])
        end += 68
    if theirs[:20] != BT_PREFIX or theirs[28:48] != info_hash:
        sys.exit("bad BitTorrent handshake: %s" % theirs.hex())
    c.got = c.got[:end]
    time.sleep(0.5)
    c.sock.close()
    return c, {"provide": provide, "pad_a": at - 96, "pad_c": pad_c,
               "ia_len": ia_len, "peer_handshake": theirs.hex()}


def c_hex(name, data):
    print("static const char %s[] =" % name)
    h = data.hex()
    for k in range(0, len(h), 64):
        print('\t"%s"%s' % (h[k:k + 64], ";" if k + 64 >= len(h) else ""))


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    role, port = sys.argv[1], int(sys.argv[2])
    info_hash = bytes.fromhex(sys.argv[3])
    seed = int(sys.argv[4], 0)
    x = private_key(seed)
    if role == "initiator":
        c, notes = run_initiator(port, info_hash, x)
    else:
        c, notes = run_responder(port, info_hash, x, sys.argv[5])
    print("/* %s, seed %#x, info-hash %s: %s */" % (
        role, seed, info_hash.hex(),
        ", ".join("%s %s" % kv for kv in notes.items())))
    c_hex("sent", c.sent)
    c_hex("got", c.got)


if __name__ == "__main__":
    main()

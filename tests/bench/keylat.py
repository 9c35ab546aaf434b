#!/usr/bin/env python3
"""keylat.py: keystroke-to-redraw latency of bttui's screen (issue 15, case 7).

Spawns bttui in a pseudo-terminal (pty.fork, TERM=xterm-256color, COLS x ROWS
set with TIOCSWINSZ before bttui starts), waits until its screen is up, then
presses keys that change the screen, alternately "2" and "1" (the Peers and
the Pieces views), one at a time, 50 to 100 ms after the previous answer.
For each key it measures, from the write of the key:

  first  the first byte of screen output that follows it;
  done   the end of the burst of output that redraws the view asked for:
         output that contains the new active tab's label (" 1 Pieces",
         " 2 Peers": their colours change, so curses writes them again),
         then QUIET_MS without a byte.

A key with no such redraw within TIMEOUT_MS counts as lost (and as
TIMEOUT_MS in the percentiles).  The pty is read all the time, between keys
too, so bttui never blocks on a full terminal.

Each key is labelled by what bttui's engine (the front's child) was doing
in the half second before it, from /proc/ENGINE/io: "busy" when it moved at
least BUSY_MIB MiB/s through read/write calls (a download at full speed:
sockets in, files out), "idle" under IDLE_KIB KiB/s, and neither in between
(not counted).  Keys go on until BUSY_KEYS busy keys were measured (then
it waits for the engine to go idle) or the engine went idle after being
busy (a download that ended), and IDLE_KEYS idle ones; or until MAX_S
seconds passed.  Then it presses q and waits for bttui to exit (SIGTERM,
then SIGKILL, to that one PID if it does not).

Output, one line per label with keys, for the benchmark script to read:

  keylat LABEL n=N lost=L p50=MS p90=MS p99=MS max=MS first_p50=MS
         first_p99=MS engine_cpu=PCT front_cpu=PCT front_wait=MS

(done and first in ms; over the half seconds before those keys, means of:
engine_cpu and front_cpu, % of one core; front_wait, ms per second the
front spent ready to run but waiting for a CPU, from /proc/FRONT/schedstat).
--samples FILE writes every key as a TSV row, with the same figures and
the time from bttui's latest output to the key (since_output_ms: a frame
drawn just before makes the next one wait).  Exit status 0 when bttui drew
its screen and some key was measured, 1 otherwise.

usage: keylat.py [options] -- BTTUI [ARGS...]
Python 3 standard library only.
"""
import argparse
import errno
import fcntl
import math
import os
import pty
import random
import select
import signal
import struct
import sys
import termios
import time

# bttui opens a torrent in the Pieces view: "2" first
KEYS = ((b"2", b" 2 Peers"), (b"1", b" 1 Pieces"))
READY = b" 2 Peers"
CLK_TCK = os.sysconf("SC_CLK_TCK")
WINDOW_S = 0.5          # the engine's activity before a key
PROBE_S = 0.05          # how often /proc is read


def parse_args():
    ap = argparse.ArgumentParser(
        description="keystroke-to-redraw latency of bttui in a pty")
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--busy-keys", type=int, default=200)
    ap.add_argument("--idle-keys", type=int, default=100)
    ap.add_argument("--gap-ms", default="50,100",
                    help="MIN,MAX ms from an answer to the next key")
    ap.add_argument("--quiet-ms", type=float, default=5.0)
    ap.add_argument("--timeout-ms", type=float, default=2000.0)
    ap.add_argument("--busy-mib", type=float, default=8.0)
    ap.add_argument("--idle-kib", type=float, default=256.0)
    ap.add_argument("--ready-s", type=float, default=30.0,
                    help="the longest wait for bttui's screen")
    ap.add_argument("--settle-s", type=float, default=0.5)
    ap.add_argument("--max-s", type=float, default=120.0)
    ap.add_argument("--samples", help="write every key here (TSV)")
    ap.add_argument("--screen", help="write all of bttui's output here")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if a.cmd and a.cmd[0] == "--":
        a.cmd = a.cmd[1:]
    if not a.cmd:
        ap.error("no command to run (keylat.py [options] -- BTTUI ARGS)")
    lo, _, hi = a.gap_ms.partition(",")
    a.gap = (float(lo) / 1000, float(hi or lo) / 1000)
    return a


def spawn(cmd, cols, rows):
    """bttui on a new pty whose size is set before it runs."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ,
                        struct.pack("HHHH", rows, cols, 0, 0))
            env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8")
            env.pop("LC_ALL", None)
            os.execvpe(cmd[0], cmd, env)
        finally:
            os._exit(127)
    fl = fcntl.fcntl(fd, fcntl.F_GETFL)
    fcntl.fcntl(fd, fcntl.F_SETFL, fl | os.O_NONBLOCK)
    return pid, fd


def ticks(pid):
    """utime + stime of pid in clock ticks (fields 14 and 15 of stat)."""
    with open("/proc/%d/stat" % pid) as f:
        st = f.read()
    fields = st[st.rfind(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def runq_wait_ns(pid):
    """Time pid spent ready to run but waiting for a CPU (schedstat)."""
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


class Procs:
    """bttui's two processes sampled from /proc: the engine's (the front's
    child) I/O bytes and CPU ticks, the front's CPU ticks and its time
    waiting for a CPU."""

    def __init__(self, front):
        self.front = front
        self.pid = None         # the engine
        self.hist = []          # (t, engine io bytes, engine ticks,
        self.next_probe = 0.0   #  front ticks, front run-queue ns)

    def find(self):
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    st = f.read()
            except OSError:
                continue
            fields = st[st.rfind(")") + 2:].split()
            if int(fields[1]) == self.front:
                return int(d)
        return None

    def read(self):
        try:
            with open("/proc/%d/io" % self.pid) as f:
                io = dict(l.split(": ") for l in f.read().splitlines())
            return (int(io["rchar"]) + int(io["wchar"]), ticks(self.pid),
                    ticks(self.front), runq_wait_ns(self.front))
        except (OSError, KeyError, ValueError):
            return None

    def probe(self, now):
        if now < self.next_probe:
            return
        self.next_probe = now + PROBE_S
        if self.pid is None:
            self.pid = self.find()
            if self.pid is None:
                return
        v = self.read()
        if v is None:           # it died: a new one may come
            self.pid = None
            self.hist = []
            return
        self.hist.append((now,) + v)
        while len(self.hist) > 2 and self.hist[1][0] < now - 2 * WINDOW_S:
            self.hist.pop(0)

    def activity(self, now):
        """Over the last WINDOW_S: the engine's I/O bytes/s and CPU %, the
        front's CPU % and ms per s waiting for a CPU; or None."""
        if len(self.hist) < 2:
            return None
        old = None
        for h in self.hist:
            if h[0] <= now - WINDOW_S:
                old = h
        new = self.hist[-1]
        if old is None or new[0] - old[0] < WINDOW_S / 2:
            return None
        dt = new[0] - old[0]
        return ((new[1] - old[1]) / dt,
                100.0 * (new[2] - old[2]) / CLK_TCK / dt,
                100.0 * (new[3] - old[3]) / CLK_TCK / dt,
                (new[4] - old[4]) / 1e6 / dt)


class Keylat:
    def __init__(self, a):
        self.a = a
        self.pid, self.fd = spawn(a.cmd, a.cols, a.rows)
        self.procs = Procs(self.pid)
        self.screen = open(a.screen, "wb") if a.screen else None
        self.exited = False
        self.last_out = None    # when the latest output arrived
        self.samples = []
        self.rng = random.Random(a.seed)

    def pump(self, timeout):
        """Reads what bttui wrote within timeout s; returns the bytes (b""
        when nothing came) with the time the first of them arrived."""
        if self.exited:
            time.sleep(max(timeout, 0))
            return b"", None
        try:
            r, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        except InterruptedError:
            r = []
        if not r:
            return b"", None
        t = time.monotonic()
        out = []
        while True:
            try:
                b = os.read(self.fd, 65536)
            except OSError as e:
                if e.errno == errno.EAGAIN:
                    break
                self.exited = True      # EIO: the pty's other side closed
                break
            if not b:
                self.exited = True
                break
            out.append(b)
        data = b"".join(out)
        if data:
            self.last_out = time.monotonic()
        if self.screen and data:
            self.screen.write(data)
        return data, t

    def wait(self, seconds):
        """Drains the pty for that long."""
        end = time.monotonic() + seconds
        while True:
            now = time.monotonic()
            self.procs.probe(now)
            if now >= end:
                return
            self.pump(min(end - now, PROBE_S))

    def ready(self):
        seen = b""
        end = time.monotonic() + self.a.ready_s
        while time.monotonic() < end and not self.exited:
            data, _ = self.pump(PROBE_S)
            self.procs.probe(time.monotonic())
            seen = (seen + data)[-4096:]
            if READY in seen and self.procs.pid is not None:
                return True
        return False

    def label(self, act):
        if act is None:
            return "unknown"
        bps = act[0]
        if bps >= self.a.busy_mib * 1048576:
            return "busy"
        if bps <= self.a.idle_kib * 1024:
            return "idle"
        return "between"

    def press(self, key, marker):
        """One key; the sample as a dict."""
        now = time.monotonic()
        self.procs.probe(now)
        act = self.procs.activity(now)
        t0 = time.monotonic()
        prev = self.last_out
        os.write(self.fd, key)
        first = marked = last = None
        tail = b""
        deadline = t0 + self.a.timeout_ms / 1000
        quiet = self.a.quiet_ms / 1000
        while True:
            now = time.monotonic()
            if marked is not None and now - last >= quiet:
                break
            if now >= deadline or self.exited:
                break
            wait = deadline - now
            if marked is not None:
                wait = min(wait, last + quiet - now)
            data, t = self.pump(min(wait, PROBE_S))
            if not data:
                self.procs.probe(time.monotonic())
                continue
            if first is None:
                first = t
            last = time.monotonic()
            tail = tail[-len(marker):] + data
            if marked is None and marker in tail:
                marked = t
        s = {"t": t0, "key": key.decode(), "label": self.label(act),
             "bps": act[0] if act else -1, "cpu": act[1] if act else -1,
             "fcpu": act[2] if act else -1, "fwait": act[3] if act else -1,
             "prev": (t0 - prev) * 1000 if prev else -1,
             "first": (first - t0) * 1000 if first else None,
             "done": (last - t0) * 1000 if marked else None}
        self.samples.append(s)
        return s

    def count(self, label):
        return sum(1 for s in self.samples if s["label"] == label)

    def run(self):
        if not self.ready():
            return False
        self.wait(self.a.settle_s)
        start = time.monotonic()
        seen_idle_after_busy = False
        i = 0
        while time.monotonic() - start < self.a.max_s and not self.exited:
            nb, ni = self.count("busy"), self.count("idle")
            busy_over = nb >= self.a.busy_keys or seen_idle_after_busy or \
                (nb == 0 and ni > 0)
            if busy_over and ni >= self.a.idle_keys:
                break
            if nb >= self.a.busy_keys and self.label(self.procs.activity(
                    time.monotonic())) != "idle":
                self.wait(PROBE_S)      # enough of those: wait for idle
                continue
            key, marker = KEYS[i % 2]
            i += 1
            s = self.press(key, marker)
            if s["label"] == "idle" and nb > 0:
                seen_idle_after_busy = True
            self.wait(self.rng.uniform(*self.a.gap))
        return True

    def stop(self):
        if not self.exited:
            try:
                os.write(self.fd, b"q")
            except OSError:
                pass
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            if sig is not None:
                try:
                    os.kill(self.pid, sig)
                except ProcessLookupError:
                    pass
            end = time.monotonic() + 10
            while time.monotonic() < end:
                self.pump(0.05)
                p, _ = os.waitpid(self.pid, os.WNOHANG)
                if p == self.pid:
                    os.close(self.fd)
                    return
        os.close(self.fd)


def pct(v, p):
    """The p-th percentile (nearest rank) of sorted v."""
    return v[max(0, math.ceil(p / 100.0 * len(v)) - 1)]


def report(samples, label, timeout_ms):
    ss = [s for s in samples if s["label"] == label]
    if not ss:
        return
    # a lost key counts as the time-out: it was at least that slow
    done = sorted(s["done"] if s["done"] is not None else timeout_ms
                  for s in ss)
    first = sorted(s["first"] for s in ss if s["first"] is not None)
    lost = sum(1 for s in ss if s["done"] is None)
    mean = lambda k: sum(s[k] for s in ss) / len(ss)
    f = lambda v, p: "%.1f" % pct(v, p) if v else "-"
    print("keylat %s n=%d lost=%d p50=%s p90=%s p99=%s max=%s "
          "first_p50=%s first_p99=%s engine_cpu=%.0f front_cpu=%.1f "
          "front_wait=%.1f" %
          (label, len(ss), lost, f(done, 50), f(done, 90), f(done, 99),
           f(done, 100), f(first, 50), f(first, 99), mean("cpu"),
           mean("fcpu"), mean("fwait")))


def main():
    a = parse_args()
    k = Keylat(a)
    try:
        ok = k.run()
    finally:
        k.stop()
    if a.samples:
        with open(a.samples, "w") as f:
            f.write("t\tkey\tlabel\tengine_bps\tengine_cpu\tfront_cpu\t"
                    "front_wait\tsince_output_ms\tfirst_ms\tdone_ms\n")
            t0 = k.samples[0]["t"] if k.samples else 0
            for s in k.samples:
                f.write("%.3f\t%s\t%s\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t"
                        "%s\n" % (
                    s["t"] - t0, s["key"], s["label"], s["bps"], s["cpu"],
                    s["fcpu"], s["fwait"], s["prev"],
                    "%.2f" % s["first"] if s["first"] is not None else "-",
                    "%.2f" % s["done"] if s["done"] is not None else "-"))
    if not ok:
        print("keylat: bttui's screen did not come up", file=sys.stderr)
        return 1
    for label in ("busy", "idle", "between", "unknown"):
        report(k.samples, label, a.timeout_ms)
    return 0 if k.samples else 1


if __name__ == "__main__":
    sys.exit(main())

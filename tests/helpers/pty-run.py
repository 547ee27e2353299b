#!/usr/bin/env python3
"""pty-run.py — run one command on a fresh pty and drive it from a script.

    pty-run.py [--rows R] [--cols C] [--timeout SECS] [--log FILE] -- CMD [ARG...] <SCRIPT

The command gets a new session whose controlling terminal is the slave side
of a new pty of the given size (default 24x80); the harness holds the master
and reads everything the command writes into one buffer.  SCRIPT (stdin, one
command per line, shell-style quoting, '#' comments) drives it:

    expect REGEX [SECS]    wait until REGEX (Python re, on the output after
                           the previous match) matches; default 10 s
    send TEXT              type TEXT, the rest of the line (one pair of
                           surrounding quotes removed); Python escapes:
                           \\r \\n \\x03 \\x10...
    sendline TEXT          type TEXT then \\r (what Enter sends)
    resize ROWS COLS       TIOCSWINSZ on the pty, then SIGWINCH to the command
    kill SIG               send SIG (name or number) to the command
    sleep SECS             pause, at most 5 s, still reading output
    quiet SECS             pass when no output arrives for SECS (<= 5 s)
    alive                  fail if the command has exited
    raw                    fail unless the terminal has ICANON and ECHO off
    restored               fail unless the terminal's modes equal the initial ones
    wait [SECS]            wait for the command to exit (default 10 s) and
                           print "exit N" or "signal N" on stdout
    print TEXT             print TEXT on stdout (a marker)

On a failed step it prints "pty-run: line N: ..." and the tail of the output
on stderr, kills the command (SIGKILL, that PID only) and exits 1.  If the
script ends before `wait`, the command is killed.  --timeout (default 60 s)
bounds the whole run.  Exit 0 when every step passed.
"""
import argparse
import codecs
import errno
import fcntl
import os
import re
import select
import shlex
import signal
import struct
import sys
import termios
import time


class Fail(Exception):
    pass


class PtyRun:
    def __init__(self, argv, rows=24, cols=80, log=None, deadline=60.0):
        self.buf = b""
        self.pos = 0
        self.status = None
        self.log = open(log, "ab") if log else None
        self.deadline = time.monotonic() + deadline
        self.master, self.slave = os.openpty()
        self._setsize(rows, cols)
        self.initial = termios.tcgetattr(self.slave)
        # stdio for the harness itself stays out of the child's way
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.close(self.master)
                os.setsid()
                fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(self.slave, fd)
                if self.slave > 2:
                    os.close(self.slave)
                for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE):
                    signal.signal(s, signal.SIG_DFL)
                os.execvp(argv[0], argv)
            except OSError as e:
                os.write(2, ("pty-run: exec %s: %s\n" % (argv[0], e)).encode())
            os._exit(127)
        # the slave stays open here too: its modes can be read after the
        # command exits, and the master never sees a spurious EIO
        os.set_blocking(self.master, False)

    # -- plumbing
    def _setsize(self, rows, cols):
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def _left(self, secs):
        return max(0.0, min(time.monotonic() + secs, self.deadline) - time.monotonic())

    def _pump(self, timeout):
        """Read what is there (waiting up to timeout for the first byte)."""
        try:
            r, _, _ = select.select([self.master], [], [], timeout)
        except InterruptedError:
            return False
        if not r:
            return False
        got = False
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except BlockingIOError:
                break
            except OSError as e:
                if e.errno == errno.EIO:
                    break
                raise
            if not chunk:
                break
            got = True
            self.buf += chunk
            if self.log:
                self.log.write(chunk)
                self.log.flush()
        return got

    def _reap(self, block=False):
        if self.status is None:
            pid, st = os.waitpid(self.pid, 0 if block else os.WNOHANG)
            if pid:
                self.status = st
        return self.status is not None

    def tail(self, n=600):
        return self.buf[-n:].decode("utf-8", "replace")

    # -- steps
    def expect(self, pattern, secs=10.0):
        rx = re.compile(pattern.encode(), re.S)
        end = time.monotonic() + self._left(secs)
        while True:
            m = rx.search(self.buf, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = end - time.monotonic()
            if left <= 0:
                raise Fail("timeout waiting for /%s/" % pattern)
            if not self._pump(min(left, 0.2)) and self._reap():
                self._pump(0.05)
                if not rx.search(self.buf, self.pos):
                    raise Fail("command exited (%s) before /%s/" % (self.describe(), pattern))

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        off = 0
        end = time.monotonic() + self._left(10)
        while off < len(data):
            try:
                off += os.write(self.master, data[off:])
            except BlockingIOError:
                if time.monotonic() > end:
                    raise Fail("pty input blocked")
                self._pump(0.05)

    def resize(self, rows, cols):
        self._setsize(rows, cols)
        if not self._reap():
            os.kill(self.pid, signal.SIGWINCH)

    def kill(self, sig):
        if not self._reap():
            os.kill(self.pid, sig)

    def sleep(self, secs):
        end = time.monotonic() + self._left(min(secs, 5))
        while time.monotonic() < end:
            self._pump(min(0.1, max(0, end - time.monotonic())))

    def quiet(self, secs):
        secs = min(secs, 5)
        end = time.monotonic() + self._left(10)
        while time.monotonic() < end:
            if not self._pump(secs):
                return
        raise Fail("output did not stop")

    def alive(self):
        self._pump(0)
        if self._reap():
            raise Fail("command exited (%s)" % self.describe())

    def modes(self):
        return termios.tcgetattr(self.slave)

    def raw(self):
        lflag = self.modes()[3]
        if lflag & (termios.ICANON | termios.ECHO):
            raise Fail("terminal not raw (lflag=%#o)" % lflag)

    def restored(self):
        now = self.modes()
        # compare iflag, oflag, cflag, lflag and the control characters
        if now[:4] != self.initial[:4] or now[6] != self.initial[6]:
            raise Fail("terminal modes not restored: initial %r, now %r" % (self.initial[:4], now[:4]))

    def wait(self, secs=10.0):
        end = time.monotonic() + self._left(secs)
        while not self._reap():
            left = end - time.monotonic()
            if left <= 0:
                raise Fail("command still running after %g s" % secs)
            self._pump(min(left, 0.1))
        while self._pump(0.05):  # drain what it wrote last
            pass
        return self.describe()

    def describe(self):
        st = self.status
        if st is None:
            return "running"
        if os.WIFSIGNALED(st):
            return "signal %d" % os.WTERMSIG(st)
        return "exit %d" % os.WEXITSTATUS(st)

    def close(self):
        if not self._reap():
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap(block=True)
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.log:
            self.log.close()


def parse_signal(s):
    if s.isdigit():
        return int(s)
    s = s.upper()
    return getattr(signal, s if s.startswith("SIG") else "SIG" + s)


def unescape(s):
    return codecs.decode(s.encode("latin-1", "backslashreplace"), "unicode_escape").encode("latin-1")


def run_script(p, lines):
    for n, line in enumerate(lines, 1):
        words = shlex.split(line, comments=True)
        if not words:
            continue
        op, args = words[0], words[1:]
        if op in ("send", "sendline"):
            # the rest of the line, raw (shlex would eat the backslashes);
            # one pair of surrounding quotes is removed
            rest = line.strip().split(None, 1)[1] if len(line.split()) > 1 else ""
            if len(rest) >= 2 and rest[0] == rest[-1] and rest[0] in "'\"":
                rest = rest[1:-1]
            args = [rest]
        try:
            if op == "expect":
                p.expect(args[0], float(args[1]) if len(args) > 1 else 10.0)
            elif op == "send":
                p.send(unescape(" ".join(args)))
            elif op == "sendline":
                p.send(unescape(" ".join(args)) + b"\r")
            elif op == "resize":
                p.resize(int(args[0]), int(args[1]))
            elif op == "kill":
                p.kill(parse_signal(args[0]))
            elif op == "sleep":
                p.sleep(float(args[0]))
            elif op == "quiet":
                p.quiet(float(args[0]))
            elif op == "alive":
                p.alive()
            elif op == "raw":
                p.raw()
            elif op == "restored":
                p.restored()
            elif op == "wait":
                print(p.wait(float(args[0]) if args else 10.0), flush=True)
            elif op == "print":
                print(" ".join(args), flush=True)
            else:
                raise Fail("unknown step %r" % op)
        except Fail as e:
            sys.stderr.write("pty-run: line %d (%s): %s\n" % (n, line.strip(), e))
            sys.stderr.write("pty-run: output tail: %r\n" % p.tail())
            return False
        except (IndexError, ValueError, AttributeError) as e:
            sys.stderr.write("pty-run: line %d: bad step %r: %s\n" % (n, line.strip(), e))
            return False
    return True


def main():
    ap = argparse.ArgumentParser(description="run a command on a pty, driven by a script on stdin")
    ap.add_argument("--rows", type=int, default=24)
    ap.add_argument("--cols", type=int, default=80)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--log", help="append the command's output to FILE")
    ap.add_argument("argv", nargs="+")
    a = ap.parse_args()
    lines = sys.stdin.read().splitlines()
    p = PtyRun(a.argv, a.rows, a.cols, a.log, a.timeout)
    try:
        ok = run_script(p, lines)
    finally:
        p.close()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

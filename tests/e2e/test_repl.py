"""Issue 9: godbg at a terminal, driven through a pseudo-terminal as a person would use it.

Tab completion (commands, `break runtime.sched<TAB>`, `info <TAB>`, goroutine ids after
`goroutine `, variables after `print `), history kept in
~/.godbg_history across two runs, an empty line repeating stepi/next/continue, Ctrl-C at the
prompt (a fresh prompt, godbg lives on, Ctrl-C still stops a running program afterwards),
Ctrl-D ending godbg, `help break`, the banner and -q, colours on a terminal only (never with
NO_COLOR, never through a pipe). Ctrl-C while running alone is tested in test_attach.py.
"""
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import tempfile
import termios
import time

from godbg_e2e import GODBG, Checks, builds, records

c = Checks()
HOME = tempfile.mkdtemp(prefix="godbg-repl-")
PROMPT = "(godbg) "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x07|\r")


def plain(text):
    return ANSI.sub("", text)


class Tty:
    """godbg on the slave side of a pseudo-terminal; we type on the master side."""

    def __init__(self, args, env_extra=None, drop=("NO_COLOR",)):
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update(HOME=HOME, TERM="xterm")
        env.update(env_extra or {})
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execve(GODBG, [GODBG, *args], env)
            finally:
                os._exit(127)
        # Wide enough that libedit never wraps what we type.
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 250, 0, 0))
        self.raw = b""
        self.seen = 0  # how much of raw the last expect consumed
        self.status = None

    @property
    def text(self):
        return self.raw.decode(errors="replace")

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return True
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:  # EIO: the slave side is closed, godbg ended
            return False
        if not chunk:
            return False
        self.raw += chunk
        return True

    def expect(self, pred, timeout=30, what=""):
        """Reads until pred(new text, ANSI removed) is true; returns that text, or None."""
        deadline = time.time() + timeout
        while True:
            new = plain(self.raw[self.seen:].decode(errors="replace"))
            if pred(new):
                self.seen = len(self.raw)
                return new
            left = deadline - time.time()
            if left <= 0 or not self._read(min(left, 0.2)):
                if left > 0 and pred(plain(self.raw[self.seen:].decode(errors="replace"))):
                    continue
                print(f"  (waited for {what or pred}; got {new[-400:]!r})", flush=True)
                self.seen = len(self.raw)
                return None

    def prompt(self, timeout=30):
        return self.expect(lambda t: t.endswith(PROMPT), timeout, "the prompt")

    def type(self, keys):
        os.write(self.fd, keys.encode() if isinstance(keys, str) else keys)

    def command(self, line, timeout=30):
        """Types a line and returns what came before the next prompt (ANSI removed)."""
        self.type(line + "\r")
        out = self.prompt(timeout)
        return out[:-len(PROMPT)] if out is not None else None

    def settle(self, seconds=0.5):
        end = time.time() + seconds
        while time.time() < end and self._read(0.05):
            pass
        new = plain(self.raw[self.seen:].decode(errors="replace"))
        self.seen = len(self.raw)
        return new

    def wait(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            self._read(0.1)
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = st
                return st
        return None

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def pcs(text):
    return [int(m, 16) for m in re.findall(r"\(pc (0x[0-9a-f]+)", text)]


def stops(text):
    return [r for r in records(text) if r.get("event") == "stop"]


newest = next(builds("hello", ("normal",)))[0]
hello = next(b for b in builds("hello", ("normal",)) if b[0] == newest)[2]
counter = next(b for b in builds("counter", ("normal",)) if b[0] == newest)[2]

# --- completion, on every build of hello (stripped ones complete from .gopclntab) -------------
for go, variant, path in builds("hello"):
    what = f"{go} {variant}"
    t = Tty(["run", "-q", path])
    try:
        c.check(t.prompt() is not None, f"{what}: a prompt")
        t.type("break runtime.sched\t\t")
        listed = t.expect(lambda s: "runtime.schedinit" in s, 20, "runtime.schedinit listed")
        c.check(listed is not None, f"{what}: break runtime.sched<TAB><TAB> lists runtime.schedinit")
        t.type("\x15")  # Ctrl-U: drop the line
        t.settle(0.3)
        t.type("break runtime.schedin\t")
        done = t.expect(lambda s: "runtime.schedinit " in s, 20, "the completed name")
        c.check(done is not None, f"{what}: runtime.schedin<TAB> completes to runtime.schedinit")
        out = t.command("")
        c.check(out is not None and "Breakpoint 1 at" in out and "runtime.schedinit" in out,
                f"{what}: the completed line sets the breakpoint: {out!r}")
    finally:
        t.close()

t = Tty(["run", "-q", hello])
try:
    t.prompt()
    t.type("tbr\t")
    c.check(t.expect(lambda s: s.endswith("tbreak "), 10, "tbreak completed") is not None,
            "command name: tbr<TAB> -> tbreak")
    t.type("\x15")
    t.settle(0.3)
    t.type("brea\t\t")  # break and breakpoints
    c.check(t.expect(lambda s: "breakpoints" in s and "break " in s, 10, "both") is not None,
            "command names: brea<TAB><TAB> lists break and breakpoints")
    t.type("\x15")
    t.settle(0.3)
    t.type("info \t\t")
    listed = t.expect(lambda s: "breakpoints" in s and "registers" in s, 10, "info words")
    c.check(listed is not None, "info <TAB><TAB> lists breakpoints and registers")
    t.type("\x15")
    t.settle(0.3)
    t.type("help con\t\t")
    c.check(t.expect(lambda s: "continue" in s and "condition" in s, 10, "con...") is not None,
            "help con<TAB><TAB> lists continue and condition")
    t.type("\x15")
    t.settle(0.3)
    t.type("list main.g\t")  # FILE: completes without a blank after the colon
    c.check(t.expect(lambda s: s.endswith("main.go:"), 10, "main.go:") is not None,
            "list main.g<TAB> -> main.go:")
    t.type("\x15")
    t.settle(0.3)
    t.command("break main.main")
    t.type("delete \t")
    c.check(t.expect(lambda s: s.endswith("delete 1 "), 10, "delete 1") is not None,
            "delete <TAB> -> the only breakpoint id")
    t.type("\x15")
    t.settle(0.3)

    # help break: usage and an example.
    out = t.command("help break") or ""
    c.check("Usage: break LOC" in out, f"help break shows the usage: {out!r}")
    c.check(re.search(r"Examples?:\s*\n\s*\(godbg\) break ", out) is not None,
            f"help break shows an example: {out!r}")
    out = t.command("help") or ""
    c.check("break LOC" in out and "goroutines" in out and "help CMD" in out,
            "help lists the commands")
    out = t.command("help nosuch") or ""
    c.check("no command" in out, f"help nosuch says so: {out!r}")

    # Ctrl-C at the prompt: the line is dropped, a fresh prompt, godbg lives on.
    t.type("abc")
    t.settle(0.3)
    t.type("\x03")
    out = t.prompt(10)
    c.check(out is not None and "^C" in out, f"Ctrl-C at the prompt gives a fresh prompt: {out!r}")
    t.type("\x03")
    c.check(t.prompt(10) is not None, "a second Ctrl-C: another fresh prompt")
    out = t.command("breakpoints") or ""
    c.check("main.main" in out and "unknown command" not in out,
            f"after Ctrl-C the dropped text is gone and commands work: {out!r}")

    # Ctrl-D on an empty line ends godbg, status 0. (Typed once libedit reads keys: before that
    # the terminal is still in cooked mode, where ^D is the line discipline's, not godbg's.)
    t.settle(0.5)
    t.type("\x04")
    st = t.wait(20)
    c.check(st is not None and os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0,
            f"Ctrl-D ends godbg with status 0: {st}")
finally:
    t.close()

# --- goroutine ids and variable names, at a stop in waiters' main.checkpoint(n, p) ------------
for go, variant, path in builds("waiters", ("normal", "pie")):
    what = f"waiters {go} {variant}"
    t = Tty(["run", "-q", path])
    try:
        t.prompt()
        t.type("goroutine \t")  # at the first instruction there are no goroutines yet
        c.check(t.expect(lambda s: s.endswith("goroutine "), 10, "nothing") is not None,
                f"{what}: goroutine <TAB> before the runtime runs completes nothing")
        t.type("\x15")
        t.settle(0.3)
        t.command("break main.checkpoint")
        out = t.command("continue") or ""
        c.check("Breakpoint 1 hit" in out, f"{what}: stopped in main.checkpoint: {out[-200:]!r}")
        ids = re.findall(r"Goroutine (\d+)", t.command("goroutines") or "")
        c.check(len(ids) >= 5, f"{what}: goroutines lists the workers: {ids}")
        t.type("goroutine \t\t")
        listed = t.expect(lambda s: all(re.search(rf"\b{i}\b", s) for i in ids), 20, "every id")
        c.check(listed is not None, f"{what}: goroutine <TAB><TAB> lists every goroutine id {ids}")
        t.type("\x15")
        t.settle(0.3)
        # goroutine D<TAB><TAB>: exactly the ids that start with D, for a digit D two ids or more
        # start with (ids vary from run to run: 1..9, or 1..4 and 17..21).
        digits = sorted({i[0] for i in ids if sum(j.startswith(i[0]) for j in ids) > 1})
        if digits:
            d = digits[0]
            t.type(f"goroutine {d}\t\t")
            shown = t.expect(lambda s: s.count("\n") >= 2 and s.endswith(f"{PROMPT}goroutine {d}"),
                             20, f"the ids starting with {d}")
            words = set(" ".join((shown or "").split("\n")[1:-1]).split())
            c.equal(words, {i for i in ids if i.startswith(d)},
                    f"{what}: goroutine {d}<TAB><TAB> lists the ids starting with {d}")
            t.type("\x15")
            t.settle(0.3)
        t.type("print \t\t")
        want = {"n", "p", "Counter", "Greeting", "Origin", "Primes", "Ages"}
        listed = t.expect(lambda s: want <= set(s.split()), 20, "arguments and globals")
        c.check(listed is not None,
                f"{what}: print <TAB><TAB> lists the arguments n, p and main's globals")
        t.type("\x15")
        t.settle(0.3)
        t.type("print Cou\t")
        done = t.expect(lambda s: s.endswith("print Counter "), 10, "print Counter")
        c.check(done is not None, f"{what}: print Cou<TAB> -> print Counter")
        out = t.command("") or ""
        c.check("41" in out, f"{what}: the completed print runs: {out!r}")
        for typed, full in (("print main.Gre", "print main.Greeting "), ("p &Ori", "p &Origin ")):
            t.type(typed + "\t")
            done = t.expect(lambda s: s.endswith(full), 10, full)
            c.check(done is not None, f"{what}: {typed}<TAB> -> {full!r}")
            t.type("\x15")
            t.settle(0.3)
    finally:
        t.close()

# --- history across two runs ------------------------------------------------------------------
hist = os.path.join(HOME, ".godbg_history")
if os.path.exists(hist):
    os.unlink(hist)
t = Tty(["run", "-q", hello])
try:
    t.prompt()
    t.command("break main.main")
    t.command("breakpoints")
    t.type("quit\r")
    t.wait(20)
finally:
    t.close()
c.check(os.path.exists(hist), "~/.godbg_history is written")
saved = open(hist, errors="replace").read() if os.path.exists(hist) else ""
c.check("main.main" in saved, f"the history file holds the commands: {saved!r}")
t = Tty(["run", "-q", hello])
try:
    t.prompt()
    t.type("\x10\x10\x10")  # Ctrl-P three times: quit, breakpoints, break main.main
    t.settle(0.5)
    out = t.command("")
    c.check(out is not None and "Breakpoint 1 at" in out, f"the recalled line runs: {out!r}")
    t.type("quit\r")
    t.wait(20)
finally:
    t.close()

# --- an empty line repeats stepi, next, continue ---------------------------------------------
t = Tty(["run", "-q", counter])
try:
    t.prompt()
    a = pcs(t.command("stepi") or "")
    b = pcs(t.command("") or "")
    d = pcs(t.command("") or "")
    c.check(len(a) == 1 and len(b) == 1 and len(d) == 1 and len({a[0], b[0], d[0]}) == 3,
            f"an empty line repeats stepi: {a} {b} {d}")
    t.command("break main.main")
    t.command("continue")
    first = t.command("next") or ""
    again = t.command("") or ""
    l1 = re.findall(r"main\.go:(\d+)", first)
    l2 = re.findall(r"main\.go:(\d+)", again)
    c.check(l1 and l2 and l1[0] != l2[0], f"an empty line repeats next: {l1} then {l2}")
    t.command("break main.tick")
    one = t.command("continue") or ""
    two = t.command("") or ""
    c.check("hit 1" in one and "hit 2" in two, f"an empty line repeats continue: {two!r}")
    out = t.command("breakpoints") or ""
    after = t.command("") or ""
    c.check(after.strip() == "", f"an empty line after breakpoints does nothing: {after!r}")

    # Ctrl-C at the prompt leaves the SIGINT handler in force: Ctrl-C still stops the program.
    t.type("\x03")
    t.prompt(10)
    t.command("delete")
    t.type("continue\r")
    time.sleep(1.5)
    t.type("\x03")
    out = t.prompt(20) or ""
    c.check("Interrupted" in out, f"Ctrl-C while running stops the program: {out[-300:]!r}")
    out = t.command("threads") or ""
    c.check("Thread" in out, "godbg goes on after the interrupt")
    t.type("quit\r")
    st = t.wait(20)
    c.check(st is not None and os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0, f"quit: {st}")
finally:
    t.close()

# --- banner, -q, colours ----------------------------------------------------------------------
t = Tty(["run", hello])
try:
    first = t.prompt()
    raw = t.text
    c.check(first is not None and first.lstrip().startswith("godbg ") and "help" in first.split("\n")[0],
            f"a banner on a terminal: {first!r}")
    c.check("\x1b[" in raw.split(PROMPT)[0], "colours on a terminal")
finally:
    t.close()
t = Tty(["run", "-q", hello])
try:
    first = t.prompt() or ""
    c.check(not first.lstrip().startswith("godbg "), f"-q: no banner: {first!r}")
finally:
    t.close()
t = Tty(["run", "-q", hello], env_extra={"NO_COLOR": "1"})
try:
    t.prompt()
    t.command("list main.main")
    c.check("\x1b[1" not in t.text and "\x1b[0m" not in t.text, "NO_COLOR=1: no colours")
finally:
    t.close()
p = subprocess.run([GODBG, "run", hello], input="break main.main\ncontinue\nlist\nhelp\nquit\n",
                   capture_output=True, text=True, timeout=60,
                   env={k: v for k, v in os.environ.items() if k != "NO_COLOR"})
c.check("Breakpoint 1 hit" in p.stdout, f"piped: the session ran: {p.stdout[-300:]!r}")
c.check("\x1b[" not in p.stdout and "\x1b[" not in p.stderr, "piped: no colours")
c.check(not p.stdout.startswith("godbg "), "piped: no banner")

# --- SIGTERM at the prompt: godbg ends cleanly and the launched program with it ---------------
t = Tty(["run", "-q", counter])
try:
    first = t.prompt() or ""
    m = re.search(r"Process (\d+) started", first)
    target = int(m.group(1)) if m else None
    os.kill(t.pid, signal.SIGTERM)
    st = t.wait(20)
    c.check(st is not None and os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0,
            f"SIGTERM at the prompt: godbg exits 0: {st}")
    c.check("^C" not in plain(t.text), "SIGTERM is not shown as a Ctrl-C")
    time.sleep(0.2)
    gone = target is not None and (not os.path.exists(f"/proc/{target}/stat") or
                                   open(f"/proc/{target}/stat").read().rsplit(")", 1)[1].split()[0] in "ZX")
    c.check(gone, "SIGTERM at the prompt: the launched program is killed")
finally:
    t.close()

shutil.rmtree(HOME, ignore_errors=True)
c.done()

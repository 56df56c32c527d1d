"""The reliability suite's tools (issue 22): a Go HTTP server under a load of our own, godbg (or
Delve, for comparison) attached to it and ended in every way, and the checks made after each
trial: the server alive, untraced, its code as in the file, godbg's messages clean, no hang.

Everything runs on loopback. Environment (set by ctest): GODBG, GODBG_DEMO_DIR, GODBG_SOURCE_DIR,
GODBG_RELIABILITY_DIR (where the load generator is built), GODBG_RELIABILITY_GO (the toolchain
whose demos to use; the newest by default), GODBG_TRIALS (a number of trials, or a
factor such as "x0.3" applied to each experiment's default) and GODBG_TIME_LIMIT (seconds an
experiment may take; the remaining trials are skipped, and said so, past it).
"""
import json
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from godbg_e2e import DEMO_DIR, GODBG, SOURCE_DIR, go_versions, records  # noqa: E402

# Absolute: `go build -o` runs in the load generator's source folder, where a relative path
# would leave the binary inside the source tree.
WORK = os.path.abspath(os.environ.get("GODBG_RELIABILITY_DIR",
                                      os.path.join(DEMO_DIR or "/tmp", "..", "reliability")))
GO = os.environ.get("GO", "go")
DLV = os.environ.get("DLV", os.path.expanduser("~/go/bin/dlv"))


def trials(default):
    """How many trials: GODBG_TRIALS as a number, or as xF, a factor of the default."""
    v = os.environ.get("GODBG_TRIALS", "")
    if v.startswith("x"):
        return max(1, int(round(default * float(v[1:]))))
    return int(v) if v else default


class Budget:
    """The experiment's time bound: trials go on while it lasts."""

    def __init__(self, default_seconds):
        self.limit = float(os.environ.get("GODBG_TIME_LIMIT", default_seconds))
        self.start = time.time()

    def left(self):
        return self.limit - (time.time() - self.start)

    def over(self):
        return self.left() <= 0


def newest_demo(name, variant="normal"):
    """The demo built by the newest toolchain, or by GODBG_RELIABILITY_GO (e.g. go1.19.8)."""
    go = os.environ.get("GODBG_RELIABILITY_GO") or go_versions()[-1]
    return os.path.join(DEMO_DIR, go, variant, name), go


def build_loadgen():
    """tests/reliability/loadgen built once into WORK (go's own cache makes a rebuild cheap)."""
    src = os.path.join(SOURCE_DIR, "tests", "reliability", "loadgen")
    out = os.path.join(WORK, "loadgen")
    os.makedirs(WORK, exist_ok=True)
    newest_src = max(os.path.getmtime(os.path.join(src, f)) for f in os.listdir(src))
    if not os.path.exists(out) or os.path.getmtime(out) < newest_src:
        env = dict(os.environ, GOTOOLCHAIN="local", CGO_ENABLED="0", GOFLAGS="-mod=mod")
        subprocess.run([GO, "build", "-o", out, "."], cwd=src, env=env, check=True)
    return out


# ---- /proc ---------------------------------------------------------------------------------

def state(pid):
    """The process's state letter, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def alive(pid):
    return state(pid) not in (None, "Z", "X")


def tracers(pid):
    """{tid: TracerPid} for every thread of pid."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("TracerPid:"):
                        out[int(tid)] = int(line.split()[1])
        except OSError:
            pass
    return out


def untraced(pid):
    """True when no thread of pid is traced (waits a little: a detach is not instant)."""
    deadline = time.time() + 2
    while True:
        traced = {t: p for t, p in tracers(pid).items() if p}
        if not traced or time.time() > deadline:
            return not traced, traced
        time.sleep(0.02)


def text_section(path):
    """(address, bytes) of the ELF file's .text."""
    with open(path, "rb") as f:
        data = f.read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def sh(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    strtab = sh(shstrndx)
    for i in range(shnum):
        name, _, _, addr, off, size, *_ = sh(i)
        n = data[strtab[4] + name:data.index(b"\0", strtab[4] + name)]
        if n == b".text":
            return addr, data[off:off + size]
    raise ValueError(f"{path}: no .text")


def load_bias(pid, path):
    """The run-time slide of a PIE program: AT_ENTRY minus the file's entry."""
    with open(path, "rb") as f:
        head = f.read(64)
    entry, = struct.unpack_from("<Q", head, 0x18)
    with open(f"/proc/{pid}/auxv", "rb") as f:
        aux = f.read()
    for i in range(0, len(aux), 16):
        k, v = struct.unpack_from("<QQ", aux, i)
        if k == 9:
            return v - entry
    return 0


def text_intact(pid, path):
    """True when the running program's .text equals the file's (no int3 left behind); else the
    addresses that differ."""
    addr, want = text_section(path)
    addr += load_bias(pid, path)
    with open(f"/proc/{pid}/mem", "rb") as f:
        f.seek(addr)
        got = f.read(len(want))
    if len(got) != len(want):
        return False, [f"read {len(got)} of {len(want)} bytes"]
    if got == want:
        return True, []
    return False, [hex(addr + i) for i in range(len(want)) if got[i] != want[i]][:8]


# ---- messages ------------------------------------------------------------------------------

# Text that must never reach a user: C++ library exceptions, raw strerror from a syscall on a
# dead process, sanitizer and crash reports, Go's own death by a stray trap.
INTERNAL = re.compile(
    r"map::at|vector::|basic_string|std::|bad_alloc|bad_variant|bad_optional|internal error|"
    r"No such process|Inappropriate ioctl|Input/output error|Bad address|Success$|"
    r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|"
    r"Segmentation fault|terminate called|Aborted|core dumped|SIGTRAP: trace trap", re.M)


def internal_text(text):
    """The lines of text that show an internal message."""
    return [l for l in text.splitlines() if INTERNAL.search(l)]


# ---- the server and its load ----------------------------------------------------------------

class Server:
    def __init__(self, path, port=0):
        self.path = path
        self.p = subprocess.Popen([path, str(port)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        line = self.p.stdout.readline().decode()
        if not line.startswith("listening"):
            raise RuntimeError(f"httpserver did not start: {line!r} {self.p.stderr.read()!r}")
        self.port = int(line.split()[1])
        self.pid = self.p.pid
        self.addr = f"127.0.0.1:{self.port}"

    def alive(self):
        return self.p.poll() is None and alive(self.pid)

    def died_of(self):
        """How the server ended (None while it runs), with what it printed last."""
        if self.p.poll() is None:
            return None
        err = self.p.stderr.read().decode(errors="replace").strip().splitlines()
        return f"status {self.p.returncode}: {' | '.join(err[:3])}"

    def check_after(self, c, what):
        """The checks made after every session: alive, untraced, code intact."""
        # A stray trap or signal kills the program a moment after the session: let it come.
        time.sleep(0.2)
        ok = self.alive()
        c.check(ok, f"{what}: the server is alive ({self.died_of()})")
        if not ok:
            return False
        free, traced = untraced(self.pid)
        c.check(free, f"{what}: threads left traced: {traced}")
        try:
            same, where = text_intact(self.pid, self.path)
        except OSError as e:  # it died meanwhile
            same, where = False, str(e)
        c.check(same, f"{what}: .text differs from the file at {where}")
        return free and same

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()
        self.p.stdout.close()
        self.p.stderr.close()


class Load:
    """The load generator running against addr; report() says what happened since last time."""

    def __init__(self, addr, connections=8, timeout="10s"):
        self.p = subprocess.Popen([build_loadgen(), "-addr", addr, "-c", str(connections),
                                   "-timeout", timeout], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, bufsize=1)

    def report(self):
        self.p.stdin.write("report\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def quit(self):
        self.p.stdin.write("quit\n")
        self.p.stdin.flush()
        r = json.loads(self.p.stdout.readline())
        self.p.wait(timeout=30)
        return r


def add_load(total, r):
    for k in ("ok", "failed", "timeouts", "status", "seconds"):
        total[k] = total.get(k, 0) + r[k]
    total["max_ms"] = max(total.get("max_ms", 0), r["max_ms"])
    if r["first_error"] and not total.get("first_error"):
        total["first_error"] = r["first_error"]
    return total


# ---- godbg -----------------------------------------------------------------------------------

class Godbg:
    """godbg attach --json PID, driven through pipes, or through a pseudo-terminal (tty=True) so
    Ctrl-C is typed as a person types it."""

    def __init__(self, pid, tty=False, extra=()):
        self.tty = tty
        self.text = ""
        self._partial = b""
        self.buffer = []
        self.status = None
        self.hung = False
        args = [GODBG, "attach", "--json", "-q", *extra, str(pid)]
        if tty:
            self.pid, self.fd = pty.fork()
            if self.pid == 0:
                try:
                    os.execve(GODBG, args, dict(os.environ, TERM="dumb", HOME=WORK))
                finally:
                    os._exit(127)
            self.rfd = self.fd
            self.errfd = None
        else:
            self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE)
            self.pid = self.p.pid
            self.rfd = self.p.stdout.fileno()
            self.errfd = self.p.stderr.fileno()
            os.set_blocking(self.errfd, False)

    def _pump(self, timeout):
        fds = [self.rfd] + ([self.errfd] if self.errfd is not None else [])
        r, _, _ = select.select(fds, [], [], max(timeout, 0))
        got = False
        for fd in r:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                continue
            got = True
            if fd == self.errfd:
                self.text += chunk.decode(errors="replace")
                continue
            data = self._partial + chunk
            lines = data.split(b"\n")
            self._partial = lines.pop()
            for line in lines:
                t = line.decode(errors="replace").replace("\r", "")
                self.text += t + "\n"
                self.buffer.extend(records(t))
        return got

    def read_until(self, pred, timeout=20):
        """Records up to the first that pred accepts; None on timeout or if godbg ended."""
        got = []
        deadline = time.time() + timeout
        while True:
            while self.buffer:
                r = self.buffer.pop(0)
                got.append(r)
                if pred(r):
                    return got
            left = deadline - time.time()
            if left <= 0:
                return None
            if not self._pump(min(left, 0.2)) and self.ended():
                self._pump(0)
                if not self.buffer:
                    return None

    def send(self, line):
        data = (line + ("\r" if self.tty else "\n")).encode()
        try:
            if self.tty:
                os.write(self.fd, data)
            else:
                self.p.stdin.write(data)
                self.p.stdin.flush()
        except OSError:
            pass

    def command(self, line, until, timeout=20):
        self.send(line)
        return self.read_until(until, timeout)

    def ctrl_c(self):
        os.write(self.fd, b"\x03")

    def signal(self, sig):
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def close_stdin(self):
        if not self.tty:
            try:
                self.p.stdin.close()
            except OSError:
                pass

    def ended(self):
        if self.status is not None:
            return True
        pid, st = os.waitpid(self.pid, os.WNOHANG)
        if pid:
            self.status = os.waitstatus_to_exitcode(st)
            return True
        return False

    def wait(self, timeout):
        """True when godbg ended within timeout (what it printed meanwhile is kept)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.ended():
                while self._pump(0.05):
                    pass
                return True
            self._pump(0.05)
        return False

    def kill(self):
        """The last resort after a hang: SIGKILL (the trial has already failed), after printing
        where godbg was stuck when gdb is there to tell."""
        if not self.ended() and shutil.which("gdb"):
            try:
                out = subprocess.run(["gdb", "-p", str(self.pid), "-batch", "-ex", "bt"],
                                     capture_output=True, text=True, timeout=60).stdout
                print("  godbg was stuck in:\n" + "\n".join(
                    "    " + l for l in out.splitlines() if l.startswith("#")), flush=True)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.hung = True
        self.signal(signal.SIGKILL)
        self.wait(5)

    def close(self):
        if not self.ended():
            self.kill()
        if self.tty:
            os.close(self.fd)
        else:
            for f in (self.p.stdin, self.p.stdout, self.p.stderr):
                try:
                    f.close()
                except OSError:
                    pass

    def errors(self):
        return [r["error"] for r in records(self.text) if "error" in r]


def is_stop(r):
    return r.get("event") in ("stop", "exit")


def is_prompt_answer(r):
    return True


def summary(name, debugger, figures):
    """One line the bench script collects: SUMMARY {...}."""
    print("SUMMARY " + json.dumps({"experiment": name, "debugger": debugger, **figures}), flush=True)


if __name__ == "__main__":
    # `reliability.py --build-loadgen`: the ctest fixture that builds the load generator once.
    if sys.argv[1:] == ["--build-loadgen"]:
        print(build_loadgen())

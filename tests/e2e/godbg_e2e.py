"""Helpers for end-to-end tests: run godbg on the demos, read its JSON Lines records.

Environment (set by ctest): GODBG (the binary), GODBG_DEMO_DIR (demos built by every Go
toolchain: DIR/<go version>/<normal|pie|stripped>/<demo>), GODBG_SOURCE_DIR.
"""
import json
import os
import select
import subprocess
import sys
import tempfile
import time

GODBG = os.environ.get("GODBG", "godbg")
DEMO_DIR = os.environ.get("GODBG_DEMO_DIR", "")
SOURCE_DIR = os.environ.get("GODBG_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
VARIANTS = ("normal", "pie", "stripped")


def go_versions():
    with open(os.path.join(DEMO_DIR, "toolchains.txt")) as f:
        versions = [l.strip() for l in f if l.strip()]
    if not versions:
        raise SystemExit("no Go toolchain built the demos")
    return versions


def demo(go, variant, name):
    return os.path.join(DEMO_DIR, go, variant, name)


def builds(name, variants=VARIANTS):
    """Every (go version, variant, path) of one demo."""
    for go in go_versions():
        for v in variants:
            yield go, v, demo(go, v, name)


def records(text):
    """The lines of text that parse as JSON objects."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("^C"):  # a terminal's echo of Ctrl-C, before godbg's own line
            line = line[2:]
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            out.append(obj)
    return out


class Result:
    def __init__(self, proc, stdout, stderr):
        self.status = proc.returncode
        self.stdout = stdout
        self.stderr = stderr
        self.records = records(stdout)

    def events(self, kind=None):
        return [r for r in self.records if "event" in r and (kind is None or r["event"] == kind)]

    def stops(self):
        return self.events("stop")

    def first(self, key):
        for r in self.records:
            if key in r:
                return r[key]
        return None

    def all(self, key):
        return [r[key] for r in self.records if key in r]


def run(args, commands=None, timeout=60, env=None, mode="run", extra=()):
    """godbg MODE --json --batch [-x commands] ARGS; returns a Result."""
    cmd = [GODBG, mode, "--json", "--batch", *extra]
    tmp = None
    if commands is not None:
        tmp = tempfile.NamedTemporaryFile("w", suffix=".gdb", delete=False)
        tmp.write("\n".join(commands) + "\n")
        tmp.close()
        cmd += ["-x", tmp.name]
    cmd += list(args)
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                           stdin=subprocess.DEVNULL)
    finally:
        if tmp:
            os.unlink(tmp.name)
    return Result(p, p.stdout, p.stderr)


class Session:
    """An interactive godbg: send a command, read the records it prints."""

    def __init__(self, args, mode="run", env=None):
        self.p = subprocess.Popen([GODBG, mode, "--json", *args], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  bufsize=1, env=env)
        self.buffer = []
        self.partial = b""
        self.output = ""  # everything godbg and the program printed

    def read_until(self, pred, timeout=30):
        """Records up to and including the first for which pred(record) is true."""
        got = []
        deadline = time.time() + timeout
        fd = self.p.stdout.fileno()
        while True:
            while self.buffer:
                r = self.buffer.pop(0)
                got.append(r)
                if pred(r):
                    return got
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError(f"timed out waiting; got {got}")
            # Raw reads: select() knows nothing of a Python-side buffer.
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise AssertionError(f"godbg ended; got {got}; stderr: {self.p.stderr.read()}")
            data = self.partial + chunk
            lines = data.split(b"\n")
            self.partial = lines.pop()
            for line in lines:
                text = line.decode(errors="replace")
                self.output += text + "\n"
                self.buffer.extend(records(text))

    def command(self, line, until, timeout=30):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.read_until(until, timeout)

    def close(self, timeout=30):
        try:
            if self.p.poll() is None:
                self.p.stdin.write("quit\n")
                self.p.stdin.flush()
                self.p.stdin.close()
            self.p.wait(timeout=timeout)
        except Exception:
            self.p.kill()
            self.p.wait()
        return self.p.returncode


def is_stop(r):
    return r.get("event") in ("stop", "exit")


def has(key):
    return lambda r: key in r


class Checks:
    """Collects failures so one run reports all of them, and exits non-zero if any."""

    def __init__(self):
        self.failed = 0
        self.passed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}", flush=True)

    def equal(self, got, want, what):
        self.check(got == want, f"{what}: got {got!r}, want {want!r}")

    def done(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)

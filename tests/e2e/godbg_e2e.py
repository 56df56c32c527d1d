"""Helpers for end-to-end tests: run godbg on the demos, read its JSON Lines records.

Environment (set by ctest): GODBG (the binary), GODBG_DEMO_DIR (demos built by every Go
toolchain: DIR/<go version>/<normal|pie|stripped>/<demo>), GODBG_SOURCE_DIR.
"""
import json
import os
import re
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


def goroot(go):
    """The GOROOT of the toolchain that reported version `go` (build_demos.sh's goroots.txt)."""
    with open(os.path.join(DEMO_DIR, "goroots.txt")) as f:
        for line in f:
            parts = line.split(None, 1)
            if len(parts) == 2 and parts[0] == go:
                return parts[1].strip()
    raise SystemExit(f"no GOROOT recorded for {go}")


def go_command(go):
    """The go binary of that toolchain; run it with GOTOOLCHAIN=local."""
    return os.path.join(goroot(go), "bin", "go")


def version_key(go):
    """go1.26.8 -> (1, 26, 8): to compare versions."""
    return tuple(int(x) for x in re.findall(r"\d+", go)[:3])


def demo(go, variant, name):
    return os.path.join(DEMO_DIR, go, variant, name)


def builds(name, variants=VARIANTS):
    """Every (go version, variant, path) of one demo."""
    for go in go_versions():
        for v in variants:
            yield go, v, demo(go, v, name)


# Every record any test reads is held to CONTRACT.md's "unknown values are null": a name, file
# or line that says "?" (or line 0) is a violation, reported by Checks.done() of any test.
UNKNOWN_KEYS = ("function", "file", "start_function", "created_by")
contract_violations = []


def check_contract(obj, where=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in UNKNOWN_KEYS and v in ("?", "", "??"):
                contract_violations.append(f"{where}{k}={v!r} in {str(obj)[:200]}")
            elif k == "line" and v == 0:
                contract_violations.append(f"{where}line=0 in {str(obj)[:200]}")
            else:
                check_contract(v, where)
    elif isinstance(obj, list):
        for v in obj:
            check_contract(v, where)


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
            check_contract(obj)
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


def exit_status(prog, timeout=120):
    """The program's exit status once it ends, or None (and it is killed) after timeout s."""
    try:
        return prog.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        prog.kill()
        prog.wait()
        return None


def is_stop(r):
    return r.get("event") in ("stop", "exit")


def has(key):
    return lambda r: key in r


# Build kinds a check can be about: the demos' variants and the other kinds build_demos.sh makes
# (OUT/<go>/<kind>/), plus "newer-*" (a build whose version strings say go1.99) and "cgo*".
KINDS = ("normal", "pie", "stripped", "nobuildinfo", "nobuildinfo-stripped", "newer-normal",
         "newer-pie", "newer-stripped", "goexperiment", "goexperiment-stripped", "race",
         "external", "test", "test-stripped", "cgo", "cgo-pie", "cgo-stripped")
RESULTS_DIR = os.environ.get("GODBG_RESULTS_DIR", "")


class Checks:
    """Collects failures so one run reports all of them, and exits non-zero if any.

    With a `feature`, every check whose message starts "<go version> <kind>" also counts for the
    compatibility table (scripts/compat_table.py): done() writes, under $GODBG_RESULTS_DIR, one
    line per (go, kind, feature) saying whether all its checks passed. Tests set `feature` again
    for each part they test."""

    def __init__(self, feature=None):
        self.failed = 0
        self.passed = 0
        self.feature = feature
        self.results = {}

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}", flush=True)
        self._record(bool(cond), what)

    def _record(self, ok, what):
        words = str(what).split(":")[0].split()
        if not self.feature or len(words) < 2 or not re.match(r"go1\.\d+", words[0]):
            return
        if words[1] not in KINDS:
            return
        key = (words[0], words[1], self.feature)
        self.results[key] = self.results.get(key, True) and ok

    def equal(self, got, want, what):
        self.check(got == want, f"{what}: got {got!r}, want {want!r}")

    def done(self):
        for v in sorted(set(contract_violations))[:20]:
            self.check(False, f"unknown shown as a value (CONTRACT.md wants null): {v}")
        if RESULTS_DIR and self.results:
            os.makedirs(RESULTS_DIR, exist_ok=True)
            name = os.path.splitext(os.path.basename(sys.argv[0]))[0]
            with open(os.path.join(RESULTS_DIR, name + ".jsonl"), "w") as f:
                for (go, kind, feature), ok in sorted(self.results.items()):
                    f.write(json.dumps({"test": name, "go": go, "kind": kind, "feature": feature,
                                        "ok": ok}) + "\n")
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


def text_equals_file(pid, exe_path):
    """True when every executable mapping of exe_path in the live process holds the file's
    bytes (no int3 or jump of ours left behind)."""
    with open(exe_path, "rb") as f:
        image = f.read()
    same, checked = True, 0
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb") as mem:
        for line in maps:
            parts = line.split()
            if "x" not in parts[1] or len(parts) < 6 or not parts[5].startswith("/") or \
                    not os.path.samefile(parts[5], exe_path):
                continue
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            off = int(parts[2], 16)
            mem.seek(lo)
            live = mem.read(hi - lo)
            n = min(len(live), len(image) - off)
            same = same and live[:n] == image[off:off + n]
            checked += n
    return same and checked > 0

"""Stepping walks run under godbg and under Delve on the same binary (issue 14).

A walk is a list of commands; `@marker` in a command is replaced by main.go:LINE where LINE holds
the comment `// marker` in the fixture's source. Each running command (continue, next, step,
stepout, ...) gives one outcome: ("stop", file base name, line, function), ("exit", status) or
("error",). The fixtures are built by scripts/build_step_fixtures.sh into STEP_DIR.
"""
import os
import re
import shutil
import subprocess
import tempfile

from godbg_e2e import DEMO_DIR, GODBG, SOURCE_DIR, records

FIXTURES = os.path.join(SOURCE_DIR, "tests", "fixtures", "stepping")
STEP_DIR = os.path.join(os.path.dirname(DEMO_DIR.rstrip("/")) if DEMO_DIR else "/tmp", "step_fixtures")
DLV = os.environ.get("DLV") or shutil.which("dlv") or os.path.expanduser("~/go/bin/dlv")
RUNNING = ("continue", "c", "next", "n", "step", "s", "stepout", "so", "finish", "restart", "r",
           "until", "advance", "run")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def build_fixtures():
    """The Go versions the fixtures are built with. Under ctest the build_step_fixtures fixture
    built them; a test run by hand builds them (or brings them up to date) itself."""
    listed = os.path.join(STEP_DIR, "toolchains.txt")
    if os.environ.get("GODBG_UNDER_CTEST") and os.path.exists(listed):
        with open(listed) as f:
            return [l.strip() for l in f if l.strip()]
    p = subprocess.run(["bash", os.path.join(SOURCE_DIR, "scripts", "build_step_fixtures.sh"), STEP_DIR],
                       capture_output=True, text=True, timeout=1800)
    if p.returncode != 0:
        raise SystemExit(f"build_step_fixtures failed: {p.stderr}")
    with open(os.path.join(STEP_DIR, "toolchains.txt")) as f:
        return [l.strip() for l in f if l.strip()]


def fixture(go, variant, name):
    return os.path.join(STEP_DIR, go, variant, name)


_markers = {}


def markers(name):
    if name not in _markers:
        out = {}
        with open(os.path.join(FIXTURES, name, "main.go")) as f:
            for i, line in enumerate(f, 1):
                m = re.search(r"// (\w+:\w+)\s*$", line)
                if m:
                    out[m.group(1)] = i
        _markers[name] = out
    return _markers[name]


def line_of(name, marker):
    return markers(name)[marker]


def expand(name, cmd):
    return re.sub(r"@(\w+:\w+)", lambda m: f"main.go:{line_of(name, m.group(1))}", cmd)


def is_running(cmd):
    return cmd.split()[0] in RUNNING


def delve_walk(path, name, commands, args=(), timeout=300):
    """The outcome of each running command under Delve."""
    script = "\n".join(expand(name, c) for c in commands) + "\nexit\n"
    argv = [DLV, "exec", path, "--allow-non-terminal-interactive"]
    if args:
        argv += ["--", *args]
    # Delve says "Process N has exited" on stderr: one pipe for both keeps the order.
    p = subprocess.run(argv, input=script, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=timeout, cwd=os.path.dirname(path))
    chunks = ANSI.sub("", p.stdout).split("(dlv) ")[1:]
    out = []
    for cmd, chunk in zip(commands, chunks):
        if not is_running(cmd):
            continue
        out.append(delve_outcome(chunk))
    return out, p.stdout


def delve_outcome(chunk):
    for line in chunk.splitlines():
        m = re.match(r"^> (?:\[[^\]]*\] )?(.+?)\(\) (\S+):(\d+) ", line + " ")
        if m:
            return ("stop", os.path.basename(m.group(2)), int(m.group(3)), m.group(1))
        m = re.search(r"Process \d+ has exited with status (-?\d+)", line)
        if m:
            return ("exit", int(m.group(1)))
    return ("error",)


def godbg_walk(path, name, commands, args=(), timeout=300, extra=()):
    """The outcome of each running command under godbg (JSON records), and the records."""
    tmp = tempfile.NamedTemporaryFile("w", suffix=".gdb", delete=False)
    tmp.write("\n".join(expand(name, c) for c in commands) + "\n")
    tmp.close()
    try:
        p = subprocess.run([GODBG, "run", "--json", "--batch", *extra, "-x", tmp.name, path, *args],
                           capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    finally:
        os.unlink(tmp.name)
    recs = records(p.stdout)
    # Skip the launch's own start and entry stop.
    i = 0
    while i < len(recs) and not (recs[i].get("event") == "stop" and recs[i].get("reason") == "entry"):
        i += 1
    i += 1
    out = []
    for cmd in commands:
        if not is_running(cmd):
            # Its records (breakpoint sites, messages, an error) up to the next command's.
            while i < len(recs) and "event" not in recs[i] and "error" not in recs[i]:
                i += 1
            if i < len(recs) and "error" in recs[i]:
                i += 1
            continue
        got = ("error",)
        while i < len(recs):
            r = recs[i]
            i += 1
            if r.get("event") == "stop":
                got = ("stop", os.path.basename(r.get("file") or "?"), r.get("line"), r.get("function"))
                if r.get("reason") in ("panic", "fatal"):
                    got = got + (r.get("reason"),)
                break
            if r.get("event") == "exit":
                got = ("exit", r.get("status"))
                break
            if "error" in r:
                break
        out.append(got)
    return out, p


def key(o):
    """What must agree: the kind, and for a stop the file and line."""
    return o[:3]


def comparable(outcomes):
    """The keys of a walk up to its program's end (what comes after is the debuggers' own
    wording of "not running")."""
    out = []
    for o in outcomes:
        out.append(key(o))
        if o[0] == "exit":
            break
    return out


def reads_inline_trees(go):
    """Whether godbg sees main.add inlined into main.twice in the default build (bt): false on a
    toolchain whose inline trees godbg cannot read yet (Go 1.27 until the go127 branch lands)."""
    path = fixture(go, "opt", "walks")
    _, p = godbg_walk(path, "walks", ["break @add:body", "continue", "bt 3"])
    frames = next((r["frames"] for r in records(p.stdout) if "frames" in r), [])
    return bool(frames and frames[0].get("inlined") and frames[0].get("function") == "main.add")

"""Helpers for the core-file tests (test_core_*.py): the postmortem demo of every toolchain
(Go 1.27.3 built here when build_demos.sh did not), kernel cores, Go's own traceback and Delve's
`dlv core`, read into plain data to compare with godbg's records.
"""
import atexit
import os
import re
import resource
import shutil
import subprocess
import tempfile

from godbg_e2e import DEMO_DIR, SOURCE_DIR, VARIANTS, demo, go_versions

DLV = os.environ.get("DLV") or shutil.which("dlv") or os.path.expanduser("~/go/bin/dlv")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
SCRATCH = tempfile.mkdtemp(prefix="godbg-core-")
atexit.register(shutil.rmtree, SCRATCH, True)  # cores are tens of MB (sparse) each


def version_key(v):
    return tuple(int(x) for x in re.findall(r"\d+", v)[:3])


def have_delve():
    return os.access(DLV, os.X_OK)


def delve_supports(go, variant):
    """Delve 1.27 reads Go 1.25 and later, and needs DWARF (no stripped builds)."""
    return have_delve() and version_key(go) >= (1, 25) and variant != "stripped"


def _build_127():
    """demos/postmortem built by Go 1.27.3 (GOTOOLCHAIN=go1.27.3), when build_demos.sh has no
    row for it: {variant: path}, or {} when that toolchain cannot be had."""
    out = {}
    env = dict(os.environ, GOTOOLCHAIN="go1.27.3", GOFLAGS="-mod=mod", CGO_ENABLED="0")
    go = shutil.which("go") or "/usr/local/go/bin/go"
    src = os.path.join(SOURCE_DIR, "demos", "postmortem")
    for variant in VARIANTS:
        flags = {"pie": ["-buildmode=pie"], "stripped": ["-ldflags=-s -w"]}.get(variant, [])
        dest = os.path.join(SCRATCH, "go1.27.3", variant, "postmortem")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        p = subprocess.run([go, "build", "-trimpath=false", *flags, "-o", dest, "."], cwd=src,
                           env=env, capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            print(f"NOTE: Go 1.27.3 unavailable ({p.stderr.strip()[:200]}); its builds skipped")
            return {}
        out[variant] = dest
    return out


def builds():
    """Every (go version, variant, path) of demos/postmortem, Go 1.27.3 included."""
    versions = go_versions()
    out = [(go, v, demo(go, v, "postmortem")) for go in versions for v in VARIANTS]
    if not any(go.startswith("go1.27") for go in versions):
        out += [("go1.27.3", v, p) for v, p in _build_127().items()]
    return out


def kernel_core(prog, mode, name):
    """Runs `prog mode` with GOTRACEBACK=crash and no core size limit in a directory of its
    own; returns (core path, the program's stderr) or (None, why there is no core)."""
    pattern = open("/proc/sys/kernel/core_pattern").read().strip()
    if pattern.startswith("|"):
        return None, f"the kernel pipes cores to {pattern.split()[0][1:]} (core_pattern)"
    work = os.path.join(SCRATCH, name)
    os.makedirs(work, exist_ok=True)
    for f in os.listdir(work):
        os.unlink(os.path.join(work, f))

    def unlimited():
        soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))

    env = dict(os.environ, GOTRACEBACK="crash")
    p = subprocess.run([prog, mode], cwd=work, env=env, preexec_fn=unlimited,
                       capture_output=True, text=True, timeout=60)
    cores = [f for f in os.listdir(work) if f == "core" or f.startswith("core.")]
    if not cores:
        limit = resource.getrlimit(resource.RLIMIT_CORE)[1]
        return None, (f"no core file written (status {p.returncode}, core_pattern {pattern!r}, "
                      f"hard RLIMIT_CORE {limit})")
    return os.path.join(work, cores[0]), p.stderr


HEADER = re.compile(r"^goroutine (\d+)(?: gp=\S+)?(?: m=\S+)?(?: mp=\S+)? \[([^\]]*)\]:$")


def go_traceback(stderr):
    """{goid: (what the brackets say, [(function, "file:line")...])} from the goroutine dump
    the runtime prints before it dies; goroutine 0 (an M's own stack) left out."""
    out = {}
    lines = stderr.splitlines()
    i = 0
    while i < len(lines):
        m = HEADER.match(lines[i])
        i += 1
        if not m:
            continue
        gid = int(m.group(1))
        state = re.sub(r", (\d+ minutes?|locked to thread)", "", m.group(2))
        frames = []
        while i < len(lines) and lines[i].strip():
            line = lines[i]
            i += 1
            if line.startswith("created by") or line.startswith("\t") or "..." == line.strip():
                continue
            if "(" not in line:
                continue
            fn = line[:line.rfind("(")]
            where = lines[i].strip().split(" ")[0] if i < len(lines) else ""
            frames.append(("runtime.gopanic" if fn == "panic" else fn, base_line(where)))
        if gid != 0 and gid not in out:
            out[gid] = (state, frames)
    return out


def base_line(path_line):
    """"/a/b/main.go:80" -> "main.go:80"."""
    return os.path.basename(path_line)


def delve(prog, core, commands, timeout=180):
    p = subprocess.run([DLV, "core", prog, core, "--allow-non-terminal-interactive"],
                       input="\n".join(commands + ["exit"]) + "\n", capture_output=True,
                       text=True, timeout=timeout)
    return ANSI.sub("", p.stdout + p.stderr)


def delve_goroutines(text):
    """{id: wait reason or None} from Delve's `goroutines`."""
    out = {}
    for line in text.splitlines():
        m = re.search(r"Goroutine (\d+) - ", line)
        if not m:
            continue
        line = line.rstrip()
        out[int(m.group(1))] = line[line.rindex("[") + 1:-1] if line.endswith("]") else None
    return out


FRAME = re.compile(r"^(?:\(dlv\) )?\s*(\d+)\s+0x[0-9a-f]+ in (\S+)\s*\n\s+at (\S+):(\d+)", re.M)


def delve_frames(text):
    """[(function, "file:line")] of the first stack Delve printed."""
    out = []
    for m in FRAME.finditer(text):
        if out and int(m.group(1)) == 0:
            break
        out.append((m.group(2), f"{os.path.basename(m.group(3))}:{m.group(4)}"))
    return out


def godbg_frames(frames):
    return [(f.get("function"), f"{os.path.basename(f.get('file') or '?')}:{f.get('line')}")
            for f in frames]


def from_function(frames, name):
    """The frames from the first named `name` on (everything when none is)."""
    for i, f in enumerate(frames):
        if f[0] == name:
            return frames[i:]
    return frames


def state_of(g):
    """What Go's traceback brackets would say of a godbg goroutine record."""
    return g["wait_reason"] if g["status"] == "waiting" and g["wait_reason"] else g["status"]


def frames_equal(c, got, want, what, go):
    c.equal(got, want, what)

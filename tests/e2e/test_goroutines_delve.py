"""Issue 4: godbg's goroutine ids and wait reasons are Delve's, on the same process and stop.

demos/manyg started with "8 hold" parks eight workers (chan receive, select, sleep, mutex; two
each) and then sleeps in main forever. godbg attaches, lists goroutines and detaches; Delve then
attaches to the same process and lists them. Nothing in the program runs in between but the
sleeping main goroutine, so both must see the same goroutines with the same wait reasons.
Newest Go toolchain only (Delve supports only recent ones), normal and PIE builds.
Skipped, with a message, when Delve is not installed (~/go/bin/dlv or dlv on PATH).
"""
import os
import re
import shutil
import subprocess
import sys
import time

from godbg_e2e import Checks, demo, go_versions, run, version_key

dlv = os.environ.get("DLV") or shutil.which("dlv") or os.path.expanduser("~/go/bin/dlv")
if not os.access(dlv, os.X_OK):
    print("SKIP: Delve not found (set DLV, or go install github.com/go-delve/delve/cmd/dlv@latest)")
    sys.exit(0)


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def delve_goroutines(pid):
    """{id: wait reason or None} from Delve's `goroutines`, attached to pid."""
    p = subprocess.run([dlv, "attach", str(pid), "--allow-non-terminal-interactive"],
                       input="goroutines\nexit\nn\n", capture_output=True, text=True, timeout=180)
    out = {}
    for line in ANSI.sub("", p.stdout).splitlines():
        m = re.search(r"Goroutine (\d+) - ", line)  # the first line follows the "(dlv) " prompt
        if not m:
            continue
        line = line.rstrip()
        reason = line[line.rindex("[") + 1:-1] if line.endswith("]") else None
        out[int(m.group(1))] = reason
    return out, p


c = Checks()
go = max(go_versions(), key=version_key)
for variant in ("normal", "pie"):
    what = f"{go} {variant}"
    path = demo(go, variant, "manyg")
    prog = subprocess.Popen([path, "8", "hold"], stdout=subprocess.PIPE, text=True)
    try:
        line = prog.stdout.readline()
        c.equal(line.strip(), "parked 8", f"{what}: the program parked its workers")
        r = run([str(prog.pid)], ["goroutines", "detach"], mode="attach", timeout=120)
        c.equal(r.status, 0, f"{what}: godbg attach exit status; stderr: {r.stderr}")
        gs = r.first("goroutines") or []
        ours = {g["id"]: g["wait_reason"] for g in gs}
        time.sleep(0.2)
        c.check(prog.poll() is None, f"{what}: the program still runs after godbg detached")
        theirs, p = delve_goroutines(prog.pid)
        if not theirs:
            print(f"Delve printed no goroutines; stdout: {p.stdout[-2000:]} stderr: {p.stderr[-2000:]}")
        c.check(len(ours) >= 8 + 1, f"{what}: godbg lists main and the 8 workers: {ours}")
        c.equal(sorted(ours), sorted(theirs), f"{what}: goroutine ids, godbg vs Delve")
        for gid in sorted(set(ours) & set(theirs)):
            c.equal(ours[gid], theirs[gid], f"{what}: goroutine {gid} wait reason, godbg vs Delve")
        reasons = sorted(v for v in ours.values() if v)
        for want in ("chan receive", "select", "sleep", "sync.Mutex.Lock"):
            c.check(want in reasons, f"{what}: some goroutine waits with {want!r}")
    finally:
        prog.kill()
        prog.wait()
c.done()

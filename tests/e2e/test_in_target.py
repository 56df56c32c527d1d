"""Issue 20: conditions evaluated inside the target, on demos/intarget (8 goroutines locked to 8
threads call main.hit(id, m) with m = i % 1000 while a goroutine forces a GC every 5 ms).
`break main.hit if m == 0` runs in the target: exact evaluation and hit counts; the same hits with
GODBG_IN_TARGET=0 and with `set in-target off`; a condition outside the subset says why; a PIE;
a raw fork(2) child runs the original code (demos/intarget N fork). Then
the stress run, attached: exact counts, `detach`, and the program's .text in /proc/PID/mem equals
the file, no anonymous executable mapping is left, its output is that of a run without godbg,
exit 0. Every toolchain. GODBG_STRESS_N sets the calls per goroutine of the stress run (the
issue's 10-second run is GODBG_STRESS_N=3000000). The test turns the path on and off itself: a
GODBG_IN_TARGET of the caller's (the suite run with the path off) is ignored here."""
import os
import re
import subprocess
import tempfile
import time

from godbg_e2e import (SOURCE_DIR, Checks, Session, demo, exit_status, go_versions, has, is_stop,
                       run, text_equals_file)

c = Checks(feature="in_target")
N = 2000  # per goroutine, launched runs: 16 true conditions
STRESS_N = int(os.environ.get("GODBG_STRESS_N", "400000"))
with open(os.path.join(SOURCE_DIR, "demos", "intarget", "main.go")) as f:
    END_LINE = next(i for i, l in enumerate(f, 1) if 'fmt.Println("calls"' in l)
END = f"main.go:{END_LINE}"  # every worker done: counts are final there
ON = {k: v for k, v in os.environ.items() if k != "GODBG_IN_TARGET"}


def anonymous_exec(pid):
    with open(f"/proc/{pid}/maps") as maps:
        return [l.strip() for l in maps
                if "x" in l.split()[1] and (len(l.split()) < 6 or not l.split()[5].startswith(("/", "[v")))]


def hit_bp(r):
    lists = [b for b in r.all("breakpoints") if isinstance(b, list)]
    return next((b for b in lists[-1] if b["id"] == 1), None) if lists else None


def launched(path, cond, extra=(), env=None):
    stops = 8 * N // 1000
    cmds = [f"break main.hit if {cond}", f"break {END}", *extra] + ["continue"] * (stops + 1) + \
        ["breakpoints", "continue"]
    return run([path, str(N)], cmds, timeout=120, env=env or ON)


def stop_count(r):
    return len([s for s in r.stops() if s.get("reason") == "breakpoint" and s.get("breakpoint") == 1])


for go in go_versions():
    path = demo(go, "normal", "intarget")
    what = f"{go} normal"
    plain = subprocess.run([path, str(N)], capture_output=True, text=True, timeout=60).stdout

    r = launched(path, "m == 0")
    bp = hit_bp(r)
    c.check(bp is not None, f"{what}: breakpoints lists breakpoint 1")
    bp = bp or {}
    c.equal(bp.get("in_target"), True, f"{what}: m == 0 runs in the target ({bp.get('ptrace_reason')})")
    c.equal(bp.get("evaluations"), 8 * N, f"{what}: exact evaluations")
    c.equal(bp.get("hits"), 8 * N // 1000, f"{what}: exact hits")
    c.equal(stop_count(r), 8 * N // 1000, f"{what}: one stop per true condition")
    c.equal(r.status, 0, f"{what}: exit status")
    c.check(plain.strip() in r.stdout, f"{what}: the program's output")

    # A PIE: the page within ±2 GB of code loaded at 0x555555554000, globals relocated.
    # main.Counted changes under the condition (other threads add to it): it is read once, in a
    # test that always holds, so the condition is true exactly at m == 0.
    r = launched(demo(go, "pie", "intarget"), "m == 0 && main.Counted > -1 || m < 0")
    bp = hit_bp(r) or {}
    c.equal((bp.get("in_target"), bp.get("evaluations"), bp.get("hits"), r.status),
            (True, 8 * N, 8 * N // 1000, 0), f"{go} pie: in the target, exact counts")

    off_env = dict(ON, GODBG_IN_TARGET="0")
    for how, extra, env, says in (("GODBG_IN_TARGET=0", (), off_env, "GODBG_IN_TARGET"),
                                  ("set in-target off", ("set in-target off",), None,
                                   "set in-target off")):
        r = launched(path, "m == 0", extra, env)
        bp = hit_bp(r) or {}
        c.equal(bp.get("in_target"), False, f"{what}: {how}: on the ptrace path")
        c.check(says in (bp.get("ptrace_reason") or ""), f"{what}: {how}: says why: {bp.get('ptrace_reason')}")
        c.equal(bp.get("hits"), 8 * N // 1000, f"{what}: {how}: the same hits")
        c.equal(stop_count(r), 8 * N // 1000, f"{what}: {how}: the same stops")
        c.equal(r.status, 0, f"{what}: {how}: exit status")

    # Outside the subset: an arithmetic operator. The ptrace path, saying why, same hits.
    r = launched(path, "m % 1000 == 0")
    bp = hit_bp(r) or {}
    c.equal(bp.get("in_target"), False, f"{what}: m % 1000 == 0 stays on the ptrace path")
    c.check("outside" in (bp.get("ptrace_reason") or ""), f"{what}: and says why: {bp.get('ptrace_reason')}")
    c.equal(bp.get("hits"), 8 * N // 1000, f"{what}: outside the subset: the same hits")

    # A global and && / ||: main.Counted counts the calls, read once (two reads of a global that
    # other threads change would race, in the target as on the ptrace path).
    r = launched(path, "(m == 0 && main.Counted > -1) || m == 1000")
    bp = hit_bp(r) or {}
    c.equal((bp.get("in_target"), bp.get("evaluations"), bp.get("hits")), (True, 8 * N, 8 * N // 1000),
            f"{what}: a global, && and ||")

    # A raw fork(2) child calls main.hit(0, 0): it must run the original code, not the jump.
    r = run([path, "100", "fork"], ["break main.hit if m == 0", "ignore 1 1000000", "continue"],
            env=ON)
    c.check("child exit 7" in r.stdout and r.status == 0,
            f"{what}: a forked child gets the original bytes: {r.stdout[-200:]!r}")

    # The stress run, attached: 8 threads, GC, preemption; never stops (ignore), so the program
    # runs at full speed and every true condition is counted by the ptrace re-check.
    go_file = tempfile.mktemp(prefix="it_go_")
    out = tempfile.TemporaryFile("w+")
    env = dict(os.environ, INTARGET_GO=go_file)
    prog = subprocess.Popen([path, str(STRESS_N)], stdout=out, stderr=subprocess.STDOUT, env=env)
    s = None
    try:
        for _ in range(500):
            out.seek(0)
            if out.read().startswith("pid"):
                break
            time.sleep(0.01)
        s = Session([str(prog.pid)], mode="attach", env=ON)
        s.read_until(is_stop)
        s.command("break main.hit if m == 0", has("breakpoint"))
        s.command("ignore 1 1000000000", lambda x: True)
        s.command(f"break {END}", has("breakpoint"))
        open(go_file, "w").close()
        t0 = time.time()
        stop = s.command("continue", is_stop, timeout=300)[-1]
        took = time.time() - t0
        c.equal((stop.get("reason"), stop.get("breakpoint")), ("breakpoint", 2), f"{what}: stress: the end stop")
        got = s.command("breakpoints", has("breakpoints"))[-1]["breakpoints"]
        bp = next((b for b in got if b["id"] == 1), {})
        c.equal((bp.get("in_target"), bp.get("evaluations"), bp.get("hits")),
                (True, 8 * STRESS_N, 8 * STRESS_N // 1000),
                f"{what}: stress attached: in the target, exact evaluations and hits ({took:.1f} s)")
        s.command("detach", has("message"))
        c.check(text_equals_file(prog.pid, path), f"{what}: stress: .text equals the file after detach")
        c.equal(anonymous_exec(prog.pid), [], f"{what}: stress: no executable page left")
    finally:
        if s:
            s.close()
        if os.path.exists(go_file):
            os.unlink(go_file)  # the program exits once it is gone
    status = exit_status(prog)
    c.equal(status, 0, f"{what}: stress: exit status after detach")
    out.seek(0)
    lines = out.read().splitlines()
    want = subprocess.run([path, str(STRESS_N)], capture_output=True, text=True, timeout=120).stdout
    c.equal(lines[-1:], want.splitlines()[-1:], f"{what}: stress: the output of a run without godbg")

c.done()

"""Issue 18: cores the kernel writes when a Go program dies (GOTRACEBACK=crash, no core limit).

demos/postmortem parks five workers (chan receive, select, sleep, sync.Mutex.Lock,
sync.Cond.Wait) and then a goroutine of its own panics in main.settle (modes: a string, an
error, a nil dereference) or the runtime dies of a deadlock. For each toolchain (Go 1.27.3
included) and each build (normal, PIE, stripped) `godbg core PROG CORE` must say why it died
(SIGABRT; the panic value or the fatal error's text; the goroutine that panicked, selected),
and agree with the runtime's own goroutine dump printed just before it died: the panicking
goroutine's frames (functions and lines), every goroutine's id and wait reason. Where Delve
reads the build (Go >= 1.25, not stripped), `dlv core` on the same core must agree too: the
goroutine listing, the wait reasons, the crashing goroutine's frames from main.settle down,
the threads. Values are printed (locals of the panicking frame, globals) and memory examined.
Skipped, saying why, when the kernel writes no core here (a piped core_pattern, a hard limit).
"""
import os
import re
import sys

from core_helpers import (builds, delve, delve_frames, delve_goroutines, delve_supports,
                          frames_equal, from_function, go_traceback, godbg_frames, kernel_core,
                          state_of, version_key)
from godbg_e2e import Checks, run



def parked_reasons(go):
    """The workers' wait reasons: Go 1.19 says semacquire for the mutex and the cond."""
    if version_key(go) < (1, 20):
        return ("chan receive", "select", "sleep", "semacquire", "sync.Cond.Wait")
    return ("chan receive", "select", "sleep", "sync.Mutex.Lock", "sync.Cond.Wait")


c = Checks()
VALUES = ["print amount", "print limit", "print main.Generation", "print main.Accounts",
          "x main.Generation 8", "regs", "threads", "goroutines", "bt", "continue"]
skipped = None
for go, variant, prog in builds():
    for mode in ("panic", "error", "nil", "deadlock"):
        if mode != "panic" and variant != "normal":
            continue  # the other modes once per toolchain
        what = f"{go} {variant} {mode}"
        core, stderr = kernel_core(prog, mode, f"{go}-{variant}-{mode}")
        if core is None:
            skipped = stderr
            break
        r = run([prog, core], VALUES, mode="core", timeout=120)
        # `continue` fails, so a batch run ends with 1; everything else ran.
        c.equal(r.status, 1, f"{what}: exit status (continue refused); stderr {r.stderr[-500:]}")
        last = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
        c.check(":10: a core file cannot run: " in last and "died in" in last,
                f"{what}: continue refused in one line: {last!r}")
        start = (r.events("start") or [{}])[0]
        stop = (r.stops() or [{}])[0]
        c.equal(start.get("core"), os.path.abspath(core), f"{what}: start record names the core")
        c.equal(start.get("signal"), "SIGABRT", f"{what}: start record says why it died")
        c.equal(stop.get("signal"), "SIGABRT", f"{what}: first stop's signal")
        dump = go_traceback(stderr)
        if mode == "deadlock":
            c.equal(stop.get("reason"), "fatal", f"{what}: a fatal error")
            c.equal(stop.get("message"), "all goroutines are asleep - deadlock!",
                    f"{what}: the fatal error's text")
            continue
        c.equal(stop.get("reason"), "panic", f"{what}: stop reason")
        want = {"panic": "overdraft on bob: 500 > 135", "error": "overdraft on bob: 500 > 135",
                "nil": "runtime error: invalid memory address or nil pointer dereference"}[mode]
        c.equal(stop.get("panic"), want, f"{what}: the panic value")
        c.check(f"panic: {want}" in stderr, f"{what}: Go printed that value too")
        running = [g for g, (st, _) in dump.items() if st == "running"
                   and any(f[0] == "main.settle" for f in dump[g][1])]
        c.equal([stop.get("goid")], running, f"{what}: the goroutine that panicked is selected")
        c.equal(stop.get("function"), "main.settle", f"{what}: the panicking frame is shown")

        frames = godbg_frames(r.first("frames") or [])
        gid = stop.get("goid")
        if gid in dump:
            theirs = dump[gid][1]
            frames_equal(c, from_function(frames, "runtime.gopanic"), theirs,
                         f"{what}: frames of goroutine {gid} from gopanic down, godbg vs the runtime",
                         go)
        gs = r.first("goroutines") or []
        ours = {g["id"]: state_of(g) for g in gs}
        c.equal(ours, {g: st for g, (st, _) in dump.items()},
                f"{what}: goroutines and wait reasons, godbg vs the runtime's dump")
        for reason in parked_reasons(go):
            c.check(reason in ours.values(), f"{what}: a goroutine waits with {reason!r}")
        threads = r.first("threads") or []
        c.check(any(t["tid"] == stop.get("tid") and t["current"] for t in threads),
                f"{what}: the panicking goroutine's thread is current: {threads}")
        regs = r.first("registers") or {}
        c.check(regs.get("rip") in [t["pc"] for t in threads], f"{what}: regs of a thread")
        mem = r.first("memory") or {}
        values = [v for v in r.records if "value" in v]
        if variant != "stripped":
            c.equal(mem.get("bytes"), "0700000000000000", f"{what}: x main.Generation")
            texts = [v.get("text") for v in values]
            if mode != "nil":
                c.equal(texts[:3], ["500", "135", "7"], f"{what}: amount, limit, Generation")
            # print's multi-line Delve layout: one field a line.
            c.check(any(re.search(r'Name: "alice",\s*Balance: 100', t or "") for t in texts),
                    f"{what}: main.Accounts after alice settled: {texts}")
        else:
            c.equal(values, [], f"{what}: no values without DWARF")

        if not delve_supports(go, variant):
            continue
        text = delve(prog, core, ["goroutines", "threads"])
        theirs = delve_goroutines(text)
        c.equal(sorted(ours), sorted(theirs), f"{what}: goroutine ids, godbg vs Delve")
        for g in sorted(set(ours) & set(theirs)):
            mine = next(x for x in gs if x["id"] == g)
            c.equal(mine["wait_reason"], theirs[g], f"{what}: goroutine {g} wait reason vs Delve")
        dlv_threads = sorted(int(t) for t in re.findall(r"Thread (\d+) at", text))
        c.equal(sorted(t["tid"] for t in threads), dlv_threads, f"{what}: threads vs Delve")
        dbt = delve_frames(delve(prog, core, [f"goroutine {gid} bt"]))
        frames_equal(c, from_function(frames, "main.settle"), from_function(dbt, "main.settle"),
                     f"{what}: goroutine {gid} frames from main.settle down, godbg vs Delve", go)
    if skipped:
        break
if skipped:
    print(f"SKIP: {skipped}")
    sys.exit(0)
c.done()

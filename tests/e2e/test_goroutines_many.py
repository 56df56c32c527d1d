"""Issue 4: goroutines at scale. demos/manyg parks 100,000 goroutines (a quarter each on a
channel receive, a select, a sleep and a mutex) and stops in main.checkpoint; `goroutines`
lists every one with its start function and wait reason, on the oldest and the newest Go
toolchain, normal and stripped builds. The time of the command is printed (on an idle machine
it is well under a second; the bound checked here is loose, for loaded CI machines), and
`goroutines -n 10` on the same stop must be much cheaper than listing them all, since only the
listed goroutines are unwound.
"""
import collections
import re
import time

from godbg_e2e import Checks, Session, demo, go_versions, has, is_stop, version_key

N = 100000


def minor(go):
    return version_key(go)[1]


c = Checks()
versions = sorted(go_versions(), key=version_key)
for go in sorted({versions[0], versions[-1]}, key=version_key):
    for variant in ("normal", "stripped"):
        what = f"{go} {variant}"
        s = Session([demo(go, variant, "manyg"), str(N)])
        try:
            s.read_until(is_stop, timeout=60)
            s.command("break main.checkpoint", has("breakpoint"))
            stop = s.command("continue", is_stop, timeout=300)[-1]
            c.equal(stop.get("function"), "main.checkpoint", f"{what}: stopped in main.checkpoint")
            t = time.time()
            out = s.command("goroutines", has("goroutines"), timeout=300)[-1]
            dt = time.time() - t
            print(f"{what}: goroutines listed {out['total']} in {dt:.2f} s (as the test sees it: godbg, the pipe and Python's JSON parsing, under this machine's load)")
            gs = out["goroutines"]
            c.check(out["total"] >= N + 1, f"{what}: at least {N + 1} goroutines: {out['total']}")
            c.equal(len(gs), out["total"], f"{what}: all listed")
            c.check(dt < 30, f"{what}: listing took {dt:.1f} s")
            starts = collections.Counter(g["start_function"] for g in gs)
            for f in ("main.receiver", "main.selector", "main.sleeper", "main.locker"):
                c.equal(starts[f], N // 4, f"{what}: goroutines started in {f}")
            mutex = "sync.Mutex.Lock" if minor(go) >= 20 else "semacquire"
            reasons = collections.Counter(g["wait_reason"] for g in gs if g["start_function"].startswith("main."))
            for r in ("chan receive", "select", "sleep", mutex):
                c.equal(reasons[r], N // 4, f"{what}: goroutines waiting with {r!r}")
            recv = [g for g in gs if g["start_function"] == "main.receiver"]
            c.check(all(g["function"] == "main.receiver" for g in recv),
                    f"{what}: every receiver's user frame is main.receiver")
            t = time.time()
            few = s.command("goroutines -n 10", has("goroutines"), timeout=300)[-1]
            dt10 = time.time() - t
            print(f"{what}: goroutines -n 10 took {dt10:.2f} s")
            c.equal(len(few["goroutines"]), 10, f"{what}: -n 10 lists 10")
            c.equal(few["total"], out["total"], f"{what}: -n 10 counts them all")
            s.command("kill", lambda r: r.get("event") == "exit" or "message" in r or "error" in r)
        finally:
            s.close()
c.done()

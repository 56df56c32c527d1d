"""Issue 4: threads, and which goroutine each runs. Every Go toolchain; normal, PIE, stripped.

- waiters stopped in main.checkpoint: `threads` lists exactly the tasks of /proc/PID/task, one
  of them main (tid == pid), one current (the stopped one); every thread has an M (from g.m of
  its TLS g, or m.procid), M ids are distinct, the thread running goroutine 1 holds a P;
  `thread TID` switches: regs and bt are then that thread's.
- offmain stopped in main.offMain: goroutine 1 runs on a thread that is not the main thread,
  and `goroutines` and `threads` agree on which.

A thread reports the goroutine it works for as Delve does: the g in its TLS slot (fs_base-8),
or, when that is its M's g0/gsignal (goid 0: runtime code on the system stack), the M's curg;
none when the M is idle.
"""
import os

from godbg_e2e import Checks, Session, builds, has, is_stop

c = Checks(feature="threads")


def start(path, bp):
    s = Session([path])
    recs = s.read_until(is_stop)
    pid = next(r["pid"] for r in recs if r.get("event") == "start")
    s.command(f"break {bp}", has("breakpoint"))
    stop = s.command("continue", is_stop)[-1]
    return s, pid, stop


for go, variant, path in builds("waiters"):
    what = f"{go} {variant} waiters"
    s, pid, stop = start(path, "main.checkpoint")
    try:
        th = s.command("threads", has("threads"))[-1]["threads"]
        tids = [t["tid"] for t in th]
        tasks = sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
        c.equal(sorted(tids), tasks, f"{what}: threads are /proc/PID/task")
        c.equal([t["tid"] for t in th if t["main"]], [pid], f"{what}: the main thread is the pid")
        c.equal([t["tid"] for t in th if t["current"]], [stop["tid"]], f"{what}: current is the stopped thread")
        c.check(all(t["m"] is not None for t in th), f"{what}: every thread has an M: {th}")
        ms = [t["m"] for t in th if t["m"] is not None]
        c.equal(len(ms), len(set(ms)), f"{what}: M ids are distinct")
        g1 = [t for t in th if t["goid"] == 1]
        c.equal(len(g1), 1, f"{what}: one thread runs goroutine 1")
        if g1:
            c.equal(g1[0]["tid"], stop["tid"], f"{what}: goroutine 1's thread is the stopped one")
            c.check(g1[0]["p"] is not None, f"{what}: goroutine 1's thread holds a P")
            c.equal(g1[0]["function"], "main.checkpoint", f"{what}: its function")
        gs = s.command("goroutines", has("goroutines"))[-1]["goroutines"]
        for t in th:
            if t["goid"] is not None:
                on = [g for g in gs if g["id"] == t["goid"]]
                c.check(on and on[0]["tid"] == t["tid"], f"{what}: goroutine {t['goid']} is on thread {t['tid']}")
        # Switch to another thread: regs and bt follow it.
        other = [t for t in th if not t["current"]]
        if other:
            o = other[0]
            sel = s.command(f"thread {o['tid']}", has("threads"))[-1]["threads"]
            c.equal([t["tid"] for t in sel], [o["tid"]], f"{what}: thread {o['tid']} shows it")
            c.check(sel and sel[0]["current"], f"{what}: thread {o['tid']} is now current")
            regs = s.command("regs", has("registers"))[-1]["registers"]
            c.equal(regs.get("rip"), o["pc"], f"{what}: regs of thread {o['tid']}")
            fr = [r for r in s.command("bt", has("frames")) if "frames" in r][-1]["frames"]
            c.equal(fr[0]["pc"] if fr else None, o["pc"], f"{what}: bt of thread {o['tid']}")
            s.command(f"thread {stop['tid']}", has("threads"))
        err = s.command("thread 1", has("error"))[-1]
        c.check("1" in err["error"], f"{what}: thread 1 does not exist: {err}")
    finally:
        s.close()

for go, variant, path in builds("offmain"):
    what = f"{go} {variant} offmain"
    s, pid, stop = start(path, "main.offMain")
    try:
        c.equal(stop.get("function"), "main.offMain", f"{what}: stopped in main.offMain")
        c.check(stop["tid"] != pid, f"{what}: off the main thread ({stop['tid']} vs pid {pid})")
        c.equal(stop.get("goid"), 1, f"{what}: on goroutine 1")
        gs = s.command("goroutines -s running", has("goroutines"))[-1]["goroutines"]
        g1 = [g for g in gs if g["id"] == 1]
        c.check(g1 and g1[0]["tid"] == stop["tid"], f"{what}: goroutine 1 on thread {stop['tid']}: {g1}")
        th = s.command("threads", has("threads"))[-1]["threads"]
        main = [t for t in th if t["main"]]
        c.check(main and main[0]["goid"] != 1, f"{what}: the main thread does not run goroutine 1: {main}")
        c.equal([t["tid"] for t in th if t["goid"] == 1], [stop["tid"]], f"{what}: threads agree")
    finally:
        s.close()
c.done()

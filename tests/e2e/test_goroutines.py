"""Issue 4: goroutines at a stop. The waiters demo, stopped in main.checkpoint while its four
workers are parked, on every Go toolchain, normal, PIE and stripped (-s -w) builds:

- `goroutines` lists each worker with its start function (main.receiver, main.selector,
  main.sleeper, main.locker: `go f(x)` gives f, through the compiler's wrapper) and the runtime's
  own wait reason: "chan receive", "select", "sleep", and for the mutex "sync.Mutex.Lock" from
  go1.20 on; go1.19's runtime has no such reason and parks a sync.Mutex waiter with
  "semacquire" (its waitReasonStrings has no "sync.Mutex.Lock" at all).
- goroutine 1 is running in main.checkpoint on a thread that `threads` lists, and the stop
  record names goroutine 1 (stripped builds too: the layout table gives g.goid).
- `goroutine N bt` on each parked worker reaches its start function; it leaves the selection
  as it was. `goroutine N` selects: bt and frame then use that goroutine's stack.
- Filters: -s, -f, -n (the total still counts every match).
"""
import os

from godbg_e2e import Checks, Session, builds, has, is_stop

WORKERS = {
    "main.receiver": "chan receive",
    "main.selector": "select",
    "main.sleeper": "sleep",
    "main.locker": "sync.Mutex.Lock",
}


def minor(go):
    """go1.26.8 -> 26, go1.21rc2 -> 21."""
    part = go.split(".")[1]
    return int(part[:len(part) - len(part.lstrip("0123456789"))])


def expected_reason(go, start):
    if start == "main.locker" and minor(go) < 20:
        return "semacquire"
    return WORKERS[start]


def frames_of(recs):
    return [r["frames"] for r in recs if "frames" in r][-1]


c = Checks(feature="goroutines")
for go, variant, path in builds("waiters"):
    what = f"{go} {variant}"
    s = Session([path])
    try:
        recs = s.read_until(is_stop)
        pid = next(r["pid"] for r in recs if r.get("event") == "start")
        s.command("break main.checkpoint", has("breakpoint"))
        stop = s.command("continue", is_stop)[-1]
        c.equal(stop.get("function"), "main.checkpoint", f"{what}: stopped in main.checkpoint")
        c.equal(stop.get("goid"), 1, f"{what}: the stop names goroutine 1")

        out = s.command("goroutines", has("goroutines"))[-1]
        gs = out["goroutines"]
        c.equal(out["total"], len(gs), f"{what}: total is the number listed")
        ids = [g["id"] for g in gs]
        c.equal(ids, sorted(ids), f"{what}: goroutines in id order")
        by_start = {}
        for g in gs:
            by_start.setdefault(g["start_function"], []).append(g)
        g1 = [g for g in gs if g["id"] == 1]
        c.check(len(g1) == 1, f"{what}: goroutine 1 is listed")
        if g1:
            g1 = g1[0]
            c.equal(g1["status"], "running", f"{what}: goroutine 1 status")
            c.equal(g1["function"], "main.checkpoint", f"{what}: goroutine 1 runs main.checkpoint")
            c.equal(g1["start_function"], "runtime.main", f"{what}: goroutine 1 started in runtime.main")
            c.equal(g1["created_by"], "runtime.rt0_go", f"{what}: goroutine 1 made by rt0_go")
            c.check(g1["tid"] is not None, f"{what}: goroutine 1 has a thread")
            c.equal(g1["wait_reason"], None, f"{what}: a running goroutine has no wait reason")
        for start in WORKERS:
            ws = by_start.get(start, [])
            c.check(len(ws) == 1, f"{what}: one goroutine started in {start}: {[g['start_function'] for g in gs]}")
            if not ws:
                continue
            w = ws[0]
            c.equal(w["status"], "waiting", f"{what}: {start} status")
            c.equal(w["wait_reason"], expected_reason(go, start), f"{what}: {start} wait reason")
            c.equal(w["tid"], None, f"{what}: {start} runs on no thread")
            c.equal(w["created_by"], "main.main", f"{what}: {start} created by main.main")
            c.check(w["raw_pc"] != w["pc"] or w["function"] == start,
                    f"{what}: {start} user frame is not its raw pc")
            c.check(not w["function"].startswith("runtime."), f"{what}: {start} user frame {w['function']} is not the runtime")
        for start in ("main.receiver", "main.selector"):
            if by_start.get(start):
                c.equal(by_start[start][0]["function"], start, f"{what}: {start} user frame")
                c.equal(by_start[start][0]["file"].endswith("demos/waiters/main.go"), True, f"{what}: {start} file")

        # Threads: goroutine 1's thread is one of them; every tid is a task of the process.
        th = s.command("threads", has("threads"))[-1]["threads"]
        tids = [t["tid"] for t in th]
        tasks = sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
        c.equal(sorted(tids), tasks, f"{what}: threads are /proc/PID/task")
        if isinstance(g1, dict):
            c.check(g1["tid"] in tids, f"{what}: goroutine 1's thread {g1['tid']} is listed")
            on = [t for t in th if t["tid"] == g1["tid"]]
            if on:
                c.equal(on[0]["goid"], 1, f"{what}: that thread runs goroutine 1")
                c.equal(on[0]["function"], "main.checkpoint", f"{what}: that thread is in main.checkpoint")

        # bt on each parked worker reaches its start function.
        for start in WORKERS:
            if not by_start.get(start):
                continue
            gid = by_start[start][0]["id"]
            fr = frames_of(s.command(f"goroutine {gid} bt", has("frames")))
            names = [f["function"] for f in fr]
            c.check(start in names, f"{what}: goroutine {gid} bt reaches {start}: {names}")
            c.check(names and names[0].startswith("runtime."), f"{what}: goroutine {gid} bt starts in the runtime (its g.sched): {names[:1]}")
        # ... and the selection is back on goroutine 1's thread.
        fr = frames_of(s.command("bt", has("frames")))
        c.equal(fr[0]["function"] if fr else None, "main.checkpoint", f"{what}: bt after goroutine N bt")

        # goroutine N selects; frame then looks at that goroutine's stack.
        if by_start.get("main.receiver"):
            gid = by_start["main.receiver"][0]["id"]
            sel = s.command(f"goroutine {gid}", has("goroutines"))[-1]["goroutines"]
            c.equal([g["id"] for g in sel], [gid], f"{what}: goroutine {gid} shows it")
            fr = frames_of(s.command("bt", has("frames")))
            names = [f["function"] for f in fr]
            c.check("main.receiver" in names, f"{what}: bt after goroutine {gid}: {names}")
            if "main.receiver" in names:
                n = names.index("main.receiver")
                f = frames_of(s.command(f"frame {n}", has("frames")))
                c.equal(f[0]["function"], "main.receiver", f"{what}: frame {n} of goroutine {gid}")
                c.equal(f[0]["line"], 29, f"{what}: main.receiver waits at line 29")
            cur = s.command("goroutine", has("goroutines"))[-1]["goroutines"]
            c.equal([g["id"] for g in cur], [gid], f"{what}: goroutine shows the selected one")
            s.command(f"goroutine 1", has("goroutines"))
            cur = s.command("goroutine", has("goroutines"))[-1]["goroutines"]
            c.equal([g["id"] for g in cur], [1], f"{what}: back on goroutine 1")

        # Filters.
        run = s.command("goroutines -s running", has("goroutines"))[-1]
        c.equal([g["id"] for g in run["goroutines"]], [1], f"{what}: -s running")
        mine = s.command("goroutines -f main.", has("goroutines"))[-1]
        c.equal(sorted(g["start_function"] for g in mine["goroutines"]), sorted(WORKERS),
                f"{what}: -f main.")
        lim = s.command("goroutines -n 2", has("goroutines"))[-1]
        c.equal(len(lim["goroutines"]), 2, f"{what}: -n 2 shows 2")
        c.equal(lim["total"], len(gs), f"{what}: -n 2 still counts all")
        stacks = s.command("goroutines -t -f main.receiver", has("goroutines"))[-1]["goroutines"]
        c.check(stacks and "main.receiver" in [f["function"] for f in stacks[0].get("stack", [])],
                f"{what}: -t gives a stack reaching main.receiver")
        err = s.command("goroutines -s sleepy", has("error"))[-1]
        c.check("sleepy" in err["error"], f"{what}: an unknown status is an error")
        s.command("kill", lambda r: r.get("event") == "exit" or "message" in r or "error" in r)
    finally:
        s.close()
c.done()

"""Issue 22, the end race: an HTTP server under load, a debugger attached with a breakpoint on
the request path whose condition never holds (every request hits its int3), sometimes one that
holds first (a stop, then deleted), and the session ended in each way in turn (WAYS): the
server must live on, untraced, its .text as in the file, every request answered (none failed:
a stop only delays them), the debugger's messages clean and the debugger ended within 10 s.

Usage: test_end_under_load.py [--debugger godbg|dlv] [--trials N] [--ways detach,quit,...]
(defaults: godbg, GODBG_TRIALS or 100, every way)."""
import argparse
import random
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from reliability import Budget, Load, Server, add_load, newest_demo, summary, trials  # noqa: E402
from sessions import WAYS, session_class  # noqa: E402
from godbg_e2e import Checks  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--debugger", default="godbg")
ap.add_argument("--trials", type=int, default=trials(100))
ap.add_argument("--ways", default=",".join(WAYS))
ap.add_argument("--seed", type=int, default=22)
args = ap.parse_args()
ways = args.ways.split(",")
rng = random.Random(args.seed)
c = Checks()
budget = Budget(300)
path, go = newest_demo("httpserver")
Session = session_class(args.debugger)

server = Server(path)
load = Load(server.addr)
time.sleep(0.5)
baseline = load.report()
print(f"{go} httpserver, no debugger: {baseline['rps']:.0f} requests/s, {baseline['failed']} failed")
total, deaths, hangs, internal, done = {}, 0, 0, 0, 0
per_way = {w: [0, 0] for w in ways}  # trials, deaths
try:
    for i in range(args.trials):
        if budget.over():
            print(f"time bound reached after {done} trials")
            break
        way = ways[i % len(ways)]
        what = f"trial {i} ({args.debugger}, {way})"
        s = Session(server.pid, way)
        try:
            ok = s.attach() and s.add_false() is not None
            if ok and i % 2 == 1:
                ok = s.hit_true()
            if ok:
                s.run()
                time.sleep(rng.uniform(0.05, 0.4))
            ended = s.end()
        finally:
            s.close()
        done += 1
        per_way[way][0] += 1
        hangs += not ended
        for p in s.problems:
            c.check(False, f"{what}: {p}")
        bad = s.internal()
        internal += len(bad)
        c.check(not bad, f"{what}: internal messages: {bad}")
        if not server.check_after(c, what):
            deaths += not server.alive()
            per_way[way][1] += not server.alive()
            print(f"  {what}: {s.messages()[-600:]!r}")
            server.stop()
            r = load.quit()
            add_load(total, r)
            server = Server(path)
            load = Load(server.addr)
            continue
        r = load.report()
        add_load(total, r)
        c.check(r["failed"] == 0, f"{what}: {r['failed']} requests failed ({r['first_error']})")
    add_load(total, load.quit())
finally:
    server.stop()
rps = total["ok"] / total["seconds"] if total.get("seconds") else 0
print(f"{done} sessions ended under load: {deaths} server deaths, {hangs} hangs, {internal} "
      f"internal messages; {rps:.0f} requests/s during them (without a debugger "
      f"{baseline['rps']:.0f}), {total.get('failed', 0)} failed, longest {total.get('max_ms', 0):.0f} ms")
for w, (n, d) in per_way.items():
    print(f"  {w}: {n} trials, {d} deaths")
summary("end_under_load", args.debugger, {
    "trials": done, "deaths": deaths, "hangs": hangs, "internal": internal,
    "rps": round(rps), "baseline_rps": round(baseline["rps"]), "failed": total.get("failed", 0),
    "max_ms": round(total.get("max_ms", 0)), "per_way": per_way})
c.check(done >= min(args.trials, 20), f"only {done} trials ran")
c.done()

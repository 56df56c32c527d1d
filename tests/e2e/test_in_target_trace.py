"""Issue 20: tracepoints in the target, on demos/tracehot (W goroutines locked to W threads call
main.hot(id, i) for i = 0..N-1, every call's arguments distinct, while a goroutine forces a GC
every 2 ms; a pace argument keeps the rate under what godbg drains).

`trace -c main.hot` (calls only: no return line to catch) runs in the target: every call gives
exactly one line, as a multiset the same lines as the ptrace path's (GODBG_IN_TARGET=0), each
goroutine on one thread that belongs to the program, nothing after the exit, no drop. Stops of
the whole program while threads are inside the trampoline (a breakpoint on runtime.GC hit
again and again) lose and double nothing. A tiny ring (GODBG_TRACE_RING=8) run flat out: lines
and drops add up to the calls, no line twice, and `breakpoints` and the stop's warning say what
was dropped. `trace main.hot` (with its return line) and a `trace -c` with a condition outside
the subset stay on the ptrace path, saying why; a condition in the subset runs in the target.
Every toolchain, normal and PIE. The test sets GODBG_IN_TARGET itself."""
import os
import re
import subprocess
import tempfile
import time

from godbg_e2e import (SOURCE_DIR, Checks, Session, demo, exit_status, go_versions, has, is_stop,
                       run, text_equals_file)

c = Checks(feature="in_target_trace")
ON = {k: v for k, v in os.environ.items() if k not in ("GODBG_IN_TARGET", "GODBG_TRACE_RING")}
OFF = dict(ON, GODBG_IN_TARGET="0")
N, W, PACE = 1500, 4, 10  # 6,000 calls, at most 4 x 10 a ms: well under what godbg drains, ASan too
with open(os.path.join(SOURCE_DIR, "demos", "tracehot", "main.go")) as f:
    lines = f.read().splitlines()
PAUSE = "main.go:%d" % next(i for i, l in enumerate(lines, 1) if "time.Sleep(time.Millisecond)" in l)
END = "main.go:%d" % next(i for i, l in enumerate(lines, 1) if "close(stop)" in l)


def traces(r):
    return [e for e in r.events("trace") if not e.get("is_return") and e.get("kind") != "return"]


def calls_of(r):
    """(id, i) of each call line, and the lines' goroutine and thread per id."""
    out, places = [], {}
    for e in traces(r):
        args = {a["name"]: a.get("value") for a in e.get("args", [])}
        out.append((args.get("id"), args.get("i")))
        places.setdefault(args.get("id"), set()).add((e.get("goid"), e.get("tid")))
    return out, places


def tracepoint(r, which=-1):
    lists = [b for b in r.all("breakpoints") if isinstance(b, list)]
    return next((b for b in lists[which] if b["id"] == 1), {}) if lists else {}


def same_calls(got, want, what):
    """Multisets compared, the failure said in counts (the lists are thousands long)."""
    from collections import Counter
    g, w = Counter(got), Counter(want)
    c.check(g == w, f"{what}: {len(got)} lines for {len(want)}; missing {len(w - g)}, extra or "
            f"twice {len(g - w)} (e.g. {sorted(w - g)[:3]} / {sorted(g - w)[:3]})")


every_call = sorted((i, k) for i in range(W) for k in range(N))

for go in go_versions():
    for variant in ("normal", "pie"):
        what = f"{go} {variant}"
        path = demo(go, variant, "tracehot")
        args = [path, str(N), str(W), str(PACE)]
        plain = subprocess.run(args, capture_output=True, text=True, timeout=60).stdout.strip()
        cmds = ["trace -c main.hot", f"break {END}", "continue", "breakpoints",
                "continue", "breakpoints"]

        r = run(args, cmds, timeout=120, env=ON)
        bp = tracepoint(r, 0)
        c.equal(bp.get("in_target"), True, f"{what}: trace -c runs in the target "
                f"({bp.get('ptrace_reason')})")
        calls, places = calls_of(r)
        same_calls(calls, every_call, f"{what}: one line per call, none lost or doubled")
        c.equal(tracepoint(r).get("dropped"), 0, f"{what}: nothing dropped")
        c.equal(tracepoint(r).get("hits"), W * N, f"{what}: hits counted")
        c.check(all(len(p) == 1 for p in places.values()) and len(places) == W,
                f"{what}: each worker's lines on one goroutine and thread: {str(places)[:300]}")
        pid = (r.events("start") or [{}])[0].get("pid", 0)
        tids = [t for p in places.values() for g, t in p]
        c.check(len(set(tids)) == W and all(t >= pid for t in tids) and
                all(g and g > 1 for p in places.values() for g, t in p),
                f"{what}: the workers' own threads (pid {pid}: {tids}) and goroutines")
        c.equal(r.status, 0, f"{what}: godbg's exit status")
        c.check(plain in r.stdout, f"{what}: the program's output ({plain!r})")
        kinds = [x.get("event") for x in r.records if x.get("event") in ("trace", "exit")]
        c.check(kinds and kinds[-1] == "exit", f"{what}: no trace line after the exit")

        # The same lines on the ptrace path.
        r0 = run(args, cmds, timeout=300, env=OFF)
        bp0 = tracepoint(r0, 0)
        c.equal(bp0.get("in_target"), False, f"{what}: GODBG_IN_TARGET=0: on the ptrace path")
        calls0, _ = calls_of(r0)
        same_calls(calls0, calls, f"{what}: the ptrace path's lines are the same")

        # Stops of every thread while the other workers run through the trampoline (worker 0
        # stops before each of its pauses): a thread found inside is put back (not yet counted)
        # or run forward (it may hold a slot); no record is lost or written twice.
        stops = 20
        r = run(args, ["trace -c main.hot", f"break {PAUSE} if id == 0"] + ["continue"] * stops +
                ["delete 2", "continue", "breakpoints"], timeout=180, env=ON)
        n_stops = len([s for s in r.stops() if s.get("breakpoint") == 2])
        calls, _ = calls_of(r)
        c.equal((n_stops, r.status), (stops, 0), f"{what}: stops of worker 0 while tracing")
        same_calls(calls, every_call, f"{what}: with {n_stops} stops, every call once")
        c.equal(tracepoint(r).get("dropped"), 0, f"{what}: with {n_stops} stops, no drop")

        # A tiny ring, flat out: drops, counted and said.
        tiny = dict(ON, GODBG_TRACE_RING="8")
        r = run([path, str(N), str(W), "0"], ["trace -c main.hot", f"break {END}", "continue",
                                              "breakpoints", "continue"], timeout=120, env=tiny)
        calls, _ = calls_of(r)
        bp = tracepoint(r)
        dropped = bp.get("dropped") or 0
        c.equal(len(calls) + dropped, W * N, f"{what}: ring of 8: lines {len(calls)} + dropped "
                f"{dropped} = calls")
        c.check(dropped > 0 and len(set(calls)) == len(calls) and set(calls) <= set(every_call),
                f"{what}: ring of 8: some dropped, no line twice")
        warned = [w for w in r.all("warning") if isinstance(w, str)]
        c.check(any(re.search(r"tracepoint 1: \d+ hits not recorded", w) for w in warned),
                f"{what}: the stop warns of the drops ({warned[:2]})")

    # What stays on the ptrace path, and why; a condition in the subset runs in the target.
    path = demo(go, "normal", "tracehot")
    for spec, want, why in (("main.hot", False, "return line"),
                            ("-c main.hot if i % 2 == 0", False, "outside what runs"),
                            ("-c main.hot if i < 10", True, None)):
        r = run([path, "200", "2", "0"], [f"trace {spec}", f"break {END}", "continue",
                                          "breakpoints", "continue"], timeout=120, env=ON)
        bp = tracepoint(r)
        c.equal(bp.get("in_target"), want, f"{go} normal: trace {spec}: in the target")
        if why:
            c.check(why in (bp.get("ptrace_reason") or ""), f"{go} normal: trace {spec}: says "
                    f"why ({bp.get('ptrace_reason')})")
        n_calls = len(traces(r))
        c.equal(n_calls, 20 if "i < 10" in spec else (200 if "% 2" in spec else 400),
                f"{go} normal: trace {spec}: call lines")
        if spec == "main.hot":
            returns = [e for e in r.events("trace") if e.get("kind") == "return"]
            c.equal(len(returns), 400, f"{go} normal: trace main.hot: its return lines")

    # Attached to a running program: from the attach on, every call of each worker once (a run
    # of consecutive i up to the end), then detach: .text as in the file, no executable page
    # left, the program ends as it would have.
    what = f"{go} normal: attached"
    big = 60000
    path = demo(go, "normal", "tracehot")
    out = tempfile.TemporaryFile("w+")
    hold = tempfile.mktemp(prefix="tracehot_hold_")
    open(hold, "w").close()
    prog = subprocess.Popen([path, str(big), str(W), str(PACE)], stdout=out, stderr=subprocess.STDOUT,
                            env=dict(os.environ, TRACEHOT_HOLD=hold))
    s = None
    try:
        time.sleep(0.3)
        s = Session([str(prog.pid)], mode="attach", env=ON)
        s.read_until(is_stop)
        # The last 200 calls of each worker only (a condition in the subset, in the target too):
        # all of them come after the attach, and the reader here stays light.
        s.command(f"trace -c main.hot if i >= {big - 200}", has("breakpoint"))
        s.command(f"break {END}", has("breakpoint"))
        got = s.command("continue", is_stop, timeout=120)
        c.equal(got[-1].get("breakpoint"), 2, f"{what}: the stop after the workers")
        calls = [(a.get("id"), a.get("i")) for e in got if e.get("event") == "trace"
                 for a in [{x["name"]: x.get("value") for x in e.get("args", [])}]]
        same_calls(calls, [(k, i) for k in range(W) for i in range(big - 200, big)],
                   f"{what}: the last 200 calls of each worker")
        bps = s.command("breakpoints", has("breakpoints"))[-1]["breakpoints"]
        bp = next((b for b in bps if b["id"] == 1), {})
        c.equal((bp.get("in_target"), bp.get("dropped")), (True, 0), f"{what}: in the target, no drop")
        s.command("detach", has("message"))
        c.check(text_equals_file(prog.pid, path), f"{what}: .text equals the file after detach")
        with open(f"/proc/{prog.pid}/maps") as maps:
            anon_x = [l for l in maps if "x" in l.split()[1] and len(l.split()) < 6]
        c.equal(anon_x, [], f"{what}: no executable page left")
    finally:
        if s:
            s.close()
        os.unlink(hold)  # the program ends once it is gone
    status = exit_status(prog)
    out.seek(0)
    want = subprocess.run([path, str(big), str(W), "0"], capture_output=True, text=True,
                          timeout=120).stdout.strip()
    c.check(status == 0 and want in out.read(), f"{what}: exit 0 and the output of a run alone")

c.done()

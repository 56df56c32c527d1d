"""Issue 19: the startup report's per-package init, with true times. On demos/inits (sleepy
sleeps 20 ms in its init, alloc makes 1,000 objects, e0..e9 next to nothing, none has no init
task at all), with every Go toolchain (Go 1.27.3 built here when the demos lack it), normal,
PIE and stripped builds:

- the report's packages, in order, are exactly what GODEBUG=inittrace=1 prints for the same
  binary (run here);
- with DWARF (the runtime's own accounting): sleepy's init takes what the program itself
  measured of it (its sleep, 20 ms on a machine that wakes it on time) and alloc's counts its
  1,000 objects; without (stops at each init): the same list, bytes and allocs null;
- the inits follow one another without overlapping, between runtime.main and main.main, and
  nest in their phase's slice in the --trace timeline;
- `startup until main.done` samples goroutine 1 from main.main on: main.spin's and main.nap's
  time shows in the profile, and the trace has the samples.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile

from godbg_e2e import GODBG, Checks, builds, demo, go_versions, run, SOURCE_DIR, VARIANTS

GO = shutil.which("go") or "/usr/local/go/bin/go"
SLEEP_US = 20000


def extra_go127(tmp):
    """Go 1.27.3 builds of the demo when the demos were built without that toolchain."""
    if "go1.27.3" in go_versions():
        return []
    out = []
    env = dict(os.environ, GOTOOLCHAIN="go1.27.3", GOFLAGS="-mod=mod", CGO_ENABLED="0")
    env["PATH"] = os.path.dirname(GO) + ":" + env.get("PATH", "")
    for variant, flags in (("normal", []), ("pie", ["-buildmode=pie"]), ("stripped", ["-ldflags=-s -w"])):
        dest = os.path.join(tmp, "go1.27.3", variant, "inits")
        p = subprocess.run([GO, "build", *flags, "-o", dest, "."], cwd=os.path.join(SOURCE_DIR, "demos", "inits"),
                           env=env, capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            raise SystemExit(f"go1.27.3 build of demos/inits failed: {p.stderr}")
        out.append(("go1.27.3", variant, dest))
    return out


def inittrace(path):
    """What the runtime itself prints for the binary: [(package, ms clock, bytes, allocs)], and
    when the last init ended, in µs after runtime.main began (the program's own, no godbg)."""
    env = dict(os.environ, GODEBUG="inittrace=1")
    p = subprocess.run([path], capture_output=True, text=True, timeout=60, env=env)
    out = []
    end_us = 0
    for line in p.stderr.splitlines():
        m = re.match(r"init (\S+) @(\S+) ms, (\S+) ms clock, (\d+) bytes, (\d+) allocs$", line)
        if m:
            out.append((m[1], float(m[3]), int(m[4]), int(m[5])))
            end_us = max(end_us, int((float(m[2]) + float(m[3])) * 1000))
    return out, end_us


def stages_of(r):
    for rec in r.records:
        if "startup" in rec:
            return rec
    return None


c = Checks()
with tempfile.TemporaryDirectory() as tmp:
    all_builds = list(builds("inits")) + extra_go127(tmp)
    seen_go = sorted({go for go, _, _ in all_builds})
    c.check("go1.19.8" in seen_go and "go1.27.3" in seen_go and len(seen_go) >= 3,
            f"the demo is built by Go 1.19, the newest Go and Go 1.27.3: {seen_go}")
    for go, variant, path in all_builds:
        what = f"{go} {variant}"
        want, own_us = inittrace(path)
        # The machine is shared: the program's own time varies from run to run; the slowest of
        # three plain runs bounds what the report may say.
        own_us = max([own_us] + [inittrace(path)[1] for _ in range(2)])
        c.check(len(want) > 12, f"{what}: inittrace lists the packages: {want}")
        trace = os.path.join(tmp, f"trace-{go}-{variant}.json")
        # `godbg startup` with a command file: the report to main.main (and its trace), then the
        # session goes on to the program's own end (it prints how long its sleep in init took
        # by its own clock).
        r = run([path], ["continue"], timeout=120, mode="startup", extra=("--trace", trace))
        c.equal(r.status, 0, f"{what}: godbg exit status (stderr: {r.stderr.strip()[:300]})")
        rec = stages_of(r)
        c.check(rec is not None, f"{what}: a startup record")
        if not rec:
            continue
        stages = rec["startup"]
        inits = [s for s in stages if s["stage"] == "init"]
        names = [s.get("package") for s in inits]
        c.equal(names, [w[0] for w in want], f"{what}: the packages, in the runtime's order, as inittrace")
        c.check("godbg.demo/inits/none" not in names, f"{what}: a package without an init task is not listed")
        for i in range(10):
            c.check(f"godbg.demo/inits/e{i}" in names, f"{what}: e{i} listed")
        for s in inits:
            c.check(all(k in s for k in ("package", "t_us", "dur_us", "bytes", "allocs", "tid", "goid")),
                    f"{what}: init record fields: {s}")
        by = {s["package"]: s for s in inits}
        m = re.search(r"slept (\d+)us", r.stdout)
        slept = int(m[1]) if m else None
        c.check(slept is not None, f"{what}: the program ran to its end and said how long it slept")
        sleepy = by.get("godbg.demo/inits/sleepy")
        alloc = by.get("godbg.demo/inits/alloc")
        accounted = variant != "stripped"
        if sleepy and slept:
            d = sleepy["dur_us"]
            c.check(isinstance(d, int) and d >= SLEEP_US * 9 // 10,
                    f"{what}: sleepy's init at least 18 ms: {d}")
            if accounted:
                # The runtime prints whole ms from 10 ms on: within 10% of 20 ms of what the
                # program measured, and 20 ms +- 10% when the machine woke it on time.
                c.check(isinstance(d, int) and abs(d - slept) <= SLEEP_US // 10,
                        f"{what}: sleepy's init {d}us, the program measured {slept}us")
                if slept <= SLEEP_US * 11 // 10:
                    c.check(SLEEP_US * 9 // 10 <= d <= SLEEP_US * 11 // 10,
                            f"{what}: sleepy's init 20 ms +- 10%: {d}us")
        if alloc:
            if accounted:
                c.check(isinstance(alloc["allocs"], int) and 1000 <= alloc["allocs"] <= 1010,
                        f"{what}: alloc's init made its 1,000 objects: {alloc['allocs']}")
                c.check(isinstance(alloc["bytes"], int) and alloc["bytes"] >= 64000,
                        f"{what}: ... of 64 bytes each: {alloc['bytes']}")
                tw = {w[0]: w for w in want}
                c.equal(alloc["allocs"], tw["godbg.demo/inits/alloc"][3], f"{what}: alloc's allocs as inittrace")
            else:
                c.equal((alloc["bytes"], alloc["allocs"]), (None, None),
                        f"{what}: without the runtime's accounting bytes and allocs are unknown")
        # One after another, none overlapping, between runtime.main and main.main.
        ok = all(a["t_us"] + (a["dur_us"] or 0) <= b["t_us"] for a, b in zip(inits, inits[1:]))
        c.check(ok, f"{what}: the inits follow one another: {[(s['t_us'], s['dur_us']) for s in inits][:8]}")
        rmain = next((s for s in stages if s["stage"] == "runtime.main"), None)
        mmain = next((s for s in stages if s["stage"] == "main.main"), None)
        if rmain and mmain and inits:
            c.check(rmain["t_us"] <= inits[0]["t_us"] and
                    inits[-1]["t_us"] + (inits[-1]["dur_us"] or 0) <= mmain["t_us"],
                    f"{what}: the inits between runtime.main and main.main")
            # runtime.main to main.main as the program itself takes it without godbg (the
            # slowest of three plain runs): not inflated by the debugger. On a shared machine
            # one run's time varies by more than the 20% (bench/startup_bench.py
            # measures that over repetitions): +50% and 5 ms here catches what the issue was
            # about (the report said 4x the program's own), not the machine's noise.
            span = mmain["t_us"] - rmain["t_us"]
            # A machine loaded past twice its CPUs delays godbg's own handling of each event
            # (the note of issue 19 says where that time goes): then the bound is not asserted.
            busy = os.getloadavg()[0] > 2 * (os.cpu_count() or 1)
            if busy:
                print(f"note: {what}: load {os.getloadavg()[0]:.1f}, runtime.main to main.main "
                      f"{span}us against the program's own {own_us}us not checked")
            c.check(not accounted or busy or span <= own_us * 3 // 2 + 5000,
                    f"{what}: runtime.main to main.main {span}us, the program's own {own_us}us")
        c.check(isinstance(rec.get("clock"), str) and "program's own" in rec["clock"],
                f"{what}: the report says how times were measured")
        c.check(str(rec.get("init_summary", "")).startswith(f"init: {len(names)} packages"),
                f"{what}: the init summary: {rec.get('init_summary')}")
        if accounted and slept and slept < 3 * SLEEP_US:
            c.check("; godbg.demo/inits/sleepy" in rec.get("init_summary", ""),
                    f"{what}: the heaviest first: {rec.get('init_summary')}")
        # Threads: every M named.
        for s in stages:
            if s["stage"] == "clone":
                c.check(isinstance(s["values"].get("m"), int), f"{what}: the M of thread {s['tid']}: {s['values']}")
        for s in stages:
            if s["stage"] == "runtime.newproc":
                c.check(isinstance(s["values"].get("new_goid"), int), f"{what}: newproc's goroutine: {s['values']}")
        # The timeline: each package a slice inside its phase's.
        try:
            with open(trace) as f:
                events = json.load(f)["traceEvents"]
        except (OSError, ValueError, KeyError) as e:
            c.check(False, f"{what}: the trace file: {e}")
            continue
        slices = [e for e in events if e.get("ph") == "X"]
        phases = [e for e in slices if e["name"] in ("runtime.doInit", "runtime.doInit1")]
        pkgs = [e for e in slices if e.get("cat") == "init"]
        c.equal(len(pkgs), len(names), f"{what}: one slice per package in the trace")
        c.equal(len(phases), 2, f"{what}: the runtime's and main's init phases in the trace")
        inside = all(any(p["tid"] == e["tid"] and p["ts"] <= e["ts"] and
                         e["ts"] + e["dur"] <= p["ts"] + p["dur"] + 1 for p in phases) for e in pkgs)
        c.check(inside, f"{what}: every package's slice nests in a phase's")

# Text: the heaviest first in a summary line; the per-package lines stay out of the table.
go = go_versions()[-1]
path = demo(go, "normal", "inits")
p = subprocess.run([GODBG, "startup", "-q", path], capture_output=True, text=True, timeout=60,
                   stdin=subprocess.DEVNULL)
c.equal(p.returncode, 0, "text: exit status")
c.check(re.search(r"^init: \d+ packages, \d", p.stdout, re.M) is not None, f"text: the init line: {p.stdout[-600:]}")
c.check("package init of main and its imports" in p.stdout, "text: main's init phase")
c.check("M?" not in p.stdout and "not known" not in p.stdout, "text: every thread's M named")
c.check("times are the program's own" in p.stdout, "text: how times were measured")

# startup until main.done: where main.main's first ~50 ms went.
for variant in ("normal", "stripped"):
    path = demo(go, variant, "inits")
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "until.json")
        # On to the program's end after the report: it prints how long its nap took by its own
        # (wall) clock, which godbg's pauses only lengthen.
        r = run([path], ["continue"], mode="startup", extra=("--until", "main.done", "--trace", trace),
                timeout=120)
        m = re.search(r"napped (\d+)us", r.stdout)
        napped = int(m[1]) if m else None
        c.check(napped is not None, f"until {go} {variant}: the program ran to its end: {r.stdout[-300:]}")
        what = f"until {go} {variant}"
        c.equal(r.status, 0, f"{what}: exit status (stderr: {r.stderr.strip()[:300]})")
        rec = stages_of(r)
        stages = rec["startup"] if rec else []
        last = stages[-1] if stages else {}
        c.equal(last.get("stage"), "main.done", f"{what}: ends at main.done")
        prof = last.get("values", {}).get("profile") or {}
        top = {e["function"]: e for e in prof.get("top", [])}
        c.check(prof.get("samples", 0) >= 10, f"{what}: goroutine 1 sampled: {prof.get('samples')}")
        spin = top.get("main.spin", {}).get("total_us", 0)
        nap = top.get("main.nap", {}).get("total_us", 0)
        c.check(spin >= 10000, f"{what}: main.spin's ~30 ms in the profile: {spin}")
        # Right to within one sample: the longest one the profile took (a busy machine
        # stretches the 1 ms interval), and a millisecond for the clocks' edges.
        longest = prof.get("longest_sample_us") or 0
        c.check(14000 <= nap <= (napped or 40000) + max(longest, 1000) + 1000,
                f"{what}: main.nap's 20 ms in the profile: {nap}, by the program's clock {napped}, "
                f"longest sample {longest}")
        c.check(0 < longest <= 50000, f"{what}: the profile's longest sample: {longest}")
        c.check(top.get("main.main", {}).get("total_us", 0) >= spin + nap - 2000,
                f"{what}: main.main holds them: {top.get('main.main')}")
        c.check("main.spin" in str(rec.get("profile_summary") if rec else ""),
                f"{what}: the profile's summary: {rec.get('profile_summary') if rec else None}")
        try:
            with open(trace) as f:
                events = json.load(f)["traceEvents"]
            samples = [e for e in events if e.get("cat") == "sample"]
            c.check(any(e["name"] == "main.spin" for e in samples) and
                    any(e["name"] == "main.nap" for e in samples),
                    f"{what}: the samples as slices in the trace")
        except (OSError, ValueError, KeyError) as e:
            c.check(False, f"{what}: the trace file: {e}")
c.done()

"""Issue 6: the startup report. `godbg startup` with GOMAXPROCS=3 and two program arguments, on
every Go toolchain, normal, PIE and stripped builds: the stages in bootstrap order, argc/argv,
ncpu (the CPUs this process may run on: Go counts the affinity mask), gomaxprocs 3, goroutine 1
made by the first newproc and running main.main, thread births, and a --trace file that parses
as Trace Event Format. Also the `startup` command inside a session, and the offmain demo run
to main.offMain, where goroutine 1 is provably on another thread than the main one."""
import json
import os
import subprocess
import tempfile

from godbg_e2e import GODBG, Checks, builds, demo, go_versions, run

ARGS = ["alpha", "beta"]
CHAIN = ["_rt0_amd64_linux", "_rt0_amd64", "runtime.rt0_go", "runtime.check", "runtime.args",
         "runtime.osinit", "runtime.schedinit", "runtime.newproc", "runtime.mstart",
         "runtime.main", "init:runtime", "runtime.gcenable", "init:main", "main.main"]
NCPU = len(os.sched_getaffinity(0))


def env3():
    e = dict(os.environ)
    e["GOMAXPROCS"] = "3"
    return e


def norm(stage):
    """doInit / doInit1 stages are named after the package whose init they run."""
    if stage["stage"] in ("runtime.doInit", "runtime.doInit1"):
        return "init:" + str(stage["values"].get("package"))
    return stage["stage"]


def first_of(stages, name):
    for s in stages:
        if norm(s) == name:
            return s
    return None


def check_trace(c, what, path, pid):
    try:
        with open(path) as f:
            trace = json.load(f)
    except (OSError, ValueError) as e:
        c.check(False, f"{what}: trace file parses as JSON: {e}")
        return
    events = trace.get("traceEvents") if isinstance(trace, dict) else None
    c.check(isinstance(events, list) and len(events) > 0, f"{what}: trace has traceEvents")
    if not events:
        return
    bad = [e for e in events if not all(k in e for k in ("ph", "ts", "pid", "tid"))]
    c.check(not bad, f"{what}: every trace event has ph, ts, pid, tid: {bad[:2]}")
    c.check(all(isinstance(e["ts"], (int, float)) for e in events), f"{what}: ts are numbers")
    c.check(all(e["ph"] in ("X", "i", "I", "B", "E", "M") for e in events), f"{what}: known phases")
    c.check(all(e.get("dur", 0) >= 0 for e in events if e["ph"] == "X"), f"{what}: X events have dur")
    names = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    c.check(pid in names, f"{what}: the main thread has a named track: {names}")
    c.check(len(names) >= 2, f"{what}: one track per thread (sysmon's too): {names}")
    c.check(any(e.get("name") == "main.main" for e in events), f"{what}: main.main in the trace")
    c.check(any(e.get("name") == "runtime.schedinit" and e["ph"] == "X" for e in events),
            f"{what}: schedinit is a complete event")


c = Checks(feature="startup report")
for go, variant, path in builds("hello"):
    what = f"{go} {variant}"
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "startup.json")
        r = run([path, *ARGS], mode="startup", env=env3(), extra=("--trace", trace))
        c.equal(r.status, 0, f"{what}: godbg exit status (stderr: {r.stderr.strip()})")
        start = r.events("start")
        pid = start[0]["pid"] if start else None
        stages = r.first("startup")
        c.check(isinstance(stages, list) and stages, f"{what}: a startup record")
        if not stages:
            continue
        for s in stages:
            c.check(all(k in s for k in ("stage", "t_us", "tid", "goid", "values")),
                    f"{what}: stage fields: {s}")
        # Order: each chain stage, first time it is reached, in bootstrap order.
        names = [norm(s) for s in stages]
        seen = [n for i, n in enumerate(names) if n in CHAIN and n not in names[:i]]
        c.equal(seen, CHAIN, f"{what}: stage order")
        ts = [s["t_us"] for s in stages]
        c.check(ts == sorted(ts), f"{what}: times never go back: {ts}")

        entry = first_of(stages, "_rt0_amd64_linux")
        if entry:
            c.equal(entry["values"].get("argc"), 3, f"{what}: argc on the entry stack")
            c.equal(entry["values"].get("argv"), [path, *ARGS], f"{what}: argv on the entry stack")
            c.equal(entry["tid"], pid, f"{what}: entry on the main thread")
            c.equal(entry["goid"], None, f"{what}: no goroutine before TLS is set")
        args = first_of(stages, "runtime.args")
        if args:
            c.equal(args["values"].get("argc"), 3, f"{what}: argc at runtime.args")
            c.equal(args["values"].get("argv"), [path, *ARGS], f"{what}: argv at runtime.args")
            c.equal(args["goid"], 0, f"{what}: runtime.args runs on g0")
        osinit = first_of(stages, "runtime.osinit")
        if osinit:
            c.equal(osinit["values"].get("ncpu"), NCPU, f"{what}: ncpu after osinit")
            if variant != "stripped":
                c.equal(osinit["values"].get("physPageSize"), os.sysconf("SC_PAGE_SIZE"),
                        f"{what}: physPageSize")
        sched = first_of(stages, "runtime.schedinit")
        if sched:
            c.equal(sched["values"].get("gomaxprocs"), 3, f"{what}: gomaxprocs after schedinit")
            c.equal(sched["values"].get("GOMAXPROCS_env"), "3", f"{what}: GOMAXPROCS seen")
            c.equal(sched["values"].get("Ps"), 3, f"{what}: Ps after schedinit")
        newproc = first_of(stages, "runtime.newproc")
        if newproc:
            c.equal(newproc["values"].get("new_goid"), 1, f"{what}: newproc creates goroutine 1")
            c.equal(newproc["values"].get("start_function"), "runtime.main",
                    f"{what}: goroutine 1 runs runtime.main")
            c.equal(newproc["goid"], 0, f"{what}: the first newproc runs on g0")
        later = [s for s in stages if s["stage"] == "runtime.newproc"][1:]
        c.check(all(isinstance(s["values"].get("new_goid"), int) and s["values"]["new_goid"] > 1
                    for s in later), f"{what}: every later newproc has a goroutine id > 1: {later}")
        rmain = first_of(stages, "runtime.main")
        if rmain:
            c.equal(rmain["goid"], 1, f"{what}: runtime.main on goroutine 1")
            c.equal(rmain["tid"], pid, f"{what}: runtime.main on the main thread (m0)")
        clones = [s for s in stages if s["stage"] == "clone"]
        c.check(len(clones) >= 1, f"{what}: thread births seen")
        if clones:
            c.equal(clones[0]["values"].get("parent"), pid, f"{what}: first thread cloned by the main thread")
            c.equal(clones[0]["values"].get("m"), 1, f"{what}: first new thread is M1")
            # From m.mstartfn (DWARF), or from the thread's own stack at main.main (stripped).
            c.equal(clones[0]["values"].get("mstartfn"), "runtime.sysmon", f"{what}: M1 runs sysmon")
            c.check(names.index("clone") > names.index("runtime.main"),
                    f"{what}: no thread before runtime.main")
        mm = first_of(stages, "main.main")
        if mm:
            v = mm["values"]
            c.equal(mm["goid"], 1, f"{what}: main.main on goroutine 1")
            c.equal(v.get("goid"), 1, f"{what}: main.main values.goid")
            # runtime.main holds goroutine 1 on m0 through init and calls main.main right after
            # unlocking it: main.main starts on the main thread.
            c.equal(v.get("main_thread"), mm["tid"] == pid, f"{what}: main_thread tells the truth")
            c.equal(mm["tid"], pid, f"{what}: main.main starts on the main thread")
            c.equal(v.get("threads"), 1 + len(clones), f"{what}: threads at main.main = 1 + births")
            # Every M has its thread here (no cgo, no thread exits): Ms = threads.
            c.equal(v.get("Ms"), v.get("threads"), f"{what}: Ms at main.main")
            births = [s for s in stages if s["stage"] == "runtime.newproc"]
            c.equal(v.get("goroutines"), len(births), f"{what}: goroutines at main.main = newprocs seen")
        c.equal(r.events("exit"), [{"event": "exit", "signal": "SIGKILL"}],
                f"{what}: the program is killed after the report")
        c.check("vim-go" not in r.stdout, f"{what}: main.main's body did not run")
        check_trace(c, what, trace, pid)

# Text: the table, for people.
go = go_versions()[0]
p = subprocess.run([GODBG, "startup", "-q", demo(go, "normal", "hello"), *ARGS], capture_output=True,
                   text=True, timeout=60, env=env3(), stdin=subprocess.DEVNULL)
c.equal(p.returncode, 0, "text: exit status")
c.check("what it established" in p.stdout, f"text: table header: {p.stdout[:300]}")
c.check("gomaxprocs=3" in p.stdout, "text: gomaxprocs=3 shown")
c.check("goroutine 1 created to run runtime.main" in p.stdout, "text: goroutine 1's birth")
c.check("(the main thread)" in p.stdout, "text: main.main's thread")

# The command inside a session, and the offmain demo to main.offMain.
for go, variant, path in builds("offmain", ("normal", "stripped")):
    what = f"offmain {go} {variant}"
    r = run([path], ["startup until main.offMain", "continue"], env=env3())
    c.equal(r.status, 0, f"{what}: exit status (stderr: {r.stderr.strip()})")
    stages = r.first("startup") or []
    names = [norm(s) for s in stages]
    c.check("main.main" in names and names[-1:] == ["main.offMain"], f"{what}: ends at main.offMain: {names}")
    mm = first_of(stages, "main.main")
    off = first_of(stages, "main.offMain")
    if mm:
        c.equal(mm["values"].get("main_thread"), True, f"{what}: main.main starts on the main thread")
    if off:
        c.equal(off["goid"], 1, f"{what}: main.offMain runs on goroutine 1")
        c.equal(off["values"].get("main_thread"), False, f"{what}: ... not on the main thread")
        c.equal(off["values"].get("goroutine1_thread"), off["tid"], f"{what}: goroutine 1's thread")
    stops = r.stops()
    c.check(any(s.get("function") == "main.offMain" for s in stops), f"{what}: stopped at main.offMain")
    c.check("moved off the main thread" in r.stdout, f"{what}: the program went on to its end")
    exits = r.events("exit")
    c.check(exits and exits[-1].get("status") == 0, f"{what}: exit 0: {exits}")
c.done()

"""The Go programs users ship, beyond normal/PIE/-s -w, on every toolchain:

- .go.buildinfo removed by objcopy (normal and stripped): the version comes from
  runtime.buildVersion, goroutines are listed as from the original;
- a Go newer than godbg's layout table (the version strings of a build rewritten to go1.99.x):
  DWARF where the binary has it, else offsets read off the runtime's code; the start record says
  which ("layout": "dwarf" / "inferred"), and goroutines still come out right;
- GOEXPERIMENT=staticlockranking (runtime structs differ from the release's row), stripped too;
- -race (dynamically linked, the race runtime in C);
- -linkmode=external (linked by the system linker, dynamically);
- `go test -c`: break in a test function, -test.run picks the tests.
"""
import os
import shutil
import tempfile

from godbg_e2e import Checks, demo, go_versions, run, version_key

c = Checks(feature="goroutines")
tmp = tempfile.mkdtemp()

WORKERS = {"main.receiver": "chan receive", "main.selector": "select", "main.sleeper": "sleep",
           "main.locker": "sync.Mutex.Lock"}


PKG = "godbg.demo/gotest"


def workers(r):
    """{start function: (status, wait reason)} of main's goroutines in the listing."""
    gs = r.first("goroutines") or []
    return {g["start_function"]: (g["status"], g["wait_reason"]) for g in gs
            if (g.get("start_function") or "").startswith("main.")}


def expected_workers(go):
    want = {k: ("waiting", v) for k, v in WORKERS.items()}
    if version_key(go)[1] < 20:  # go1.19 parks a sync.Mutex waiter as "semacquire"
        want["main.locker"] = ("waiting", "semacquire")
    return want


def check_waiters(what, path, go, layout=None, version=None, dwarf=True):
    """waiters stopped in main.checkpoint: bt, goroutines, threads, print, finish."""
    saved = c.feature
    r = run([path], ["break main.checkpoint", "continue", "bt", "goroutines", "threads",
                     "print Counter", "finish", "kill"], timeout=120)
    c.feature = "break & bt"
    start = (r.events("start") or [{}])[0]
    c.equal(start.get("go_version"), version or go, f"{what}: go_version")
    if layout:
        c.equal(start.get("layout"), layout, f"{what}: layout source in the start record")
    stops = r.stops()
    hit = [s for s in stops if s.get("reason") == "breakpoint"]
    c.check(hit and hit[0].get("function") == "main.checkpoint" and hit[0].get("goid") == 1,
            f"{what}: stop in main.checkpoint on goroutine 1: {hit} {r.stderr[-300:]}")
    names = [f.get("function") for f in r.first("frames") or []]
    c.equal(names[:4], ["main.checkpoint", "main.main", "runtime.main", "runtime.goexit"],
            f"{what}: bt")
    c.feature = "goroutines"
    c.equal(workers(r), expected_workers(go), f"{what}: main's goroutines, statuses, wait reasons")
    c.feature = "threads"
    threads = r.first("threads") or []
    tid = hit[0].get("tid") if hit else None
    c.check(any(t.get("tid") == tid and t.get("goid") == 1 for t in threads),
            f"{what}: the stopped thread runs goroutine 1: {threads}")
    if dwarf:
        c.feature = "print"
        values = [v for v in r.all("value")]
        c.check(r.first("value") == 41, f"{what}: print Counter: {values} {r.all('error')}")
    c.feature = "step & finish"
    after = [s for s in stops if s.get("reason") == "step"]
    c.check(after and after[-1].get("function") == "main.main",
            f"{what}: finish back in main.main: {after}")
    if dwarf:
        returned = r.first("returned") or []
        c.check(returned and returned[0].get("value") == 44, f"{what}: finish returns 44: {returned}")
    c.feature = saved
    return r


def renamed(path, go, new):
    """A copy of path with every `go` version string replaced by `new` (same length)."""
    assert len(new) == len(go)
    data = open(path, "rb").read()
    out = os.path.join(tmp, f"{os.path.basename(os.path.dirname(path))}-{new}-{os.path.basename(path)}")
    with open(out, "wb") as f:
        f.write(data.replace(go.encode(), new.encode()))
    os.chmod(out, 0o755)
    return out


for go in go_versions():
    c.feature = "goroutines"
    # .go.buildinfo removed: the version from runtime.buildVersion, goroutines as usual.
    for kind in ("nobuildinfo", "nobuildinfo-stripped"):
        r = check_waiters(f"{go} {kind}", demo(go, kind, "waiters"), go, layout="table",
                          dwarf=not kind.endswith("stripped"))
        r = run([demo(go, kind, "hello")], ["continue"])
        c.check("vim-go" in r.stdout and r.events("exit"), f"{go} {kind}: hello runs to its end")

    # Newer than the table: go1.99.P (the patch kept, so strings keep their length).
    newer = "go1.99" + go[len("go1.NN"):] if len(go) >= len("go1.NN") else None
    for variant, layout in (("stripped", "inferred"), ("normal", "dwarf"), ("pie", "dwarf")):
        path = renamed(demo(go, variant, "waiters"), go, newer)
        check_waiters(f"{go} newer-{variant} (as {newer})", path, go, layout=layout, version=newer,
                      dwarf=variant != "stripped")

    # GOEXPERIMENT: DWARF, or the code when stripped (the release's row would be wrong).
    for kind, layout in (("goexperiment", "dwarf"), ("goexperiment-stripped", "inferred")):
        path = demo(go, kind, "waiters")
        r = run([path], ["kill"])
        v = (r.events("start") or [{}])[0].get("go_version") or ""
        c.check("staticlockranking" in v, f"{go} {kind}: the version names the experiment: {v}")
        check_waiters(f"{go} {kind}", path, go, layout=layout, version=v,
                      dwarf=not kind.endswith("stripped"))

    # -race and -linkmode=external: dynamically linked Go programs.
    if os.path.exists(demo(go, "race", "waiters")):
        check_waiters(f"{go} race", demo(go, "race", "waiters"), go)
    if os.path.exists(demo(go, "external", "hello")):
        r = run([demo(go, "external", "hello")], ["break main.main", "continue", "bt", "goroutines",
                                                  "continue"])
        stops = [s for s in r.stops() if s.get("reason") == "breakpoint"]
        c.check(stops and stops[0].get("function") == "main.main", f"{go} external: break main.main")
        names = [f.get("function") for f in r.first("frames") or []]
        c.equal(names[:3], ["main.main", "runtime.main", "runtime.goexit"], f"{go} external: bt")
        c.check(any(g.get("id") == 1 for g in r.first("goroutines") or []),
                f"{go} external: goroutine 1 listed")
        c.check("vim-go" in r.stdout, f"{go} external: runs to its end")

    c.feature = "go test -c"
    # go test -c: a test function is a breakpoint like any other; -test.run chooses. The
    # package under test is named by its import path (the test binary's main is testing's).
    for kind in ("test", "test-stripped"):
        path = demo(go, kind, "gotest.test")
        what = f"{go} {kind}"
        r = run([path, "-test.run", "TestSum", "-test.v"],
                [f"break {PKG}.TestSum", f"break {PKG}.sum", "continue", "bt", "continue", "bt",
                 "continue"])
        stops = [s.get("function") for s in r.stops() if s.get("reason") == "breakpoint"]
        c.equal(stops, [f"{PKG}.TestSum", f"{PKG}.sum"], f"{what}: stops in the test, then in sum")
        bts = [[f.get("function") for f in fs] for fs in r.all("frames")]
        c.check(len(bts) == 2 and bts[0][:2] == [f"{PKG}.TestSum", "testing.tRunner"],
                f"{what}: the test runs under testing.tRunner: {bts[:1]}")
        c.check(len(bts) == 2 and bts[1][:3] == [f"{PKG}.sum", f"{PKG}.TestSum", "testing.tRunner"],
                f"{what}: sum called by the test: {bts[1:]}")
        c.check("--- PASS: TestSum" in r.stdout and "TestScale" not in r.stdout,
                f"{what}: only TestSum ran, and passed: {r.stdout[-300:]}")
        c.equal([e.get("status") for e in r.events("exit")], [0], f"{what}: exit status 0")
        # A test -test.run leaves out: its breakpoint is never hit.
        r = run([path, "-test.run", "TestScale"], [f"break {PKG}.TestSum", "continue"])
        c.equal([s for s in r.stops() if s.get("reason") == "breakpoint"], [],
                f"{what}: TestSum not run under -test.run TestScale")

shutil.rmtree(tmp, ignore_errors=True)
c.done()

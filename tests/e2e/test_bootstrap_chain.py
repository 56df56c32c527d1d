"""Issue 2: tbreak on each function of the Go bootstrap chain, then continue: one stop in each,
in order, at the function itself; then vim-go and exit 0. The first, _rt0_amd64_linux, is where
the program stands at launch: a continue from there runs its first instruction instead of
reporting the breakpoint on it (issue 14, as gdb and Delve do), so the entry stop is that stop.
Every Go toolchain, normal, PIE and stripped builds."""
from godbg_e2e import Checks, builds, run

CHAIN = ["_rt0_amd64_linux", "_rt0_amd64", "runtime.rt0_go", "runtime.args", "runtime.osinit",
         "runtime.schedinit", "runtime.newproc", "runtime.mstart", "runtime.main", "main.main"]

c = Checks(feature="break & bt")
for go, variant, path in builds("hello"):
    what = f"{go} {variant}"
    r = run([path], [f"tbreak {f}" for f in CHAIN] + ["continue"] * len(CHAIN))
    c.equal(r.status, 0, f"{what}: godbg exit status")
    start = r.events("start")
    c.check(len(start) == 1, f"{what}: one start record")
    if start:
        c.equal(start[0]["go_version"], go, f"{what}: go_version")
        c.equal(start[0]["symbols"], "pclntab" if variant == "stripped" else "dwarf", f"{what}: symbols")
    stops = r.stops()
    c.check(stops and stops[0]["reason"] == "entry", f"{what}: first stop is the entry")
    c.check(stops and stops[0]["function"] == "_rt0_amd64_linux", f"{what}: entry is _rt0_amd64_linux")
    hits = [s for s in stops if s["reason"] == "breakpoint"]
    c.equal([s["function"] for s in hits], CHAIN[1:], f"{what}: stop order")
    first_site = next((b["breakpoint"]["sites"][0]["pc"] for b in r.records
                       if isinstance(b.get("breakpoint"), dict) and b["breakpoint"].get("id") == 1), None)
    c.check(stops and first_site == stops[0]["pc"], f"{what}: tbreak _rt0_amd64_linux is at the entry stop")
    # Each stop is inside the function itself (its entry, or past its prologue), never its caller.
    set_at = {b["breakpoint"]["id"]: b["breakpoint"]["sites"][0]["pc"] for b in r.records if "breakpoint" in b and isinstance(b["breakpoint"], dict)}
    for s in hits:
        c.equal(s["pc"], set_at.get(s["breakpoint"]), f"{what}: {s['function']} stops at its breakpoint")
    c.check("vim-go" in r.stdout, f"{what}: the program printed vim-go")
    exits = r.events("exit")
    c.check(exits and exits[-1].get("status") == 0, f"{what}: the program exited 0: {exits}")
    # After runtime.main, the stop is on goroutine 1 (known through DWARF or the layout table).
    for s in hits:
        if s["function"] in ("runtime.main", "main.main") and s.get("goid") is not None:
            c.equal(s["goid"], 1, f"{what}: {s['function']} runs on goroutine 1")
c.done()

"""Issue 2: registers, disassembly, memory, frame-pointer and pclntab backtraces, stepping by
instruction, breakpoint bookkeeping — on every toolchain, normal, PIE and stripped."""
from godbg_e2e import Checks, builds, run

c = Checks(feature="break & bt")
for go, variant, path in builds("waiters"):
    what = f"{go} {variant}"
    r = run([path], ["break main.checkpoint", "continue", "bt", "regs", "disassemble",
                     "x main.checkpoint 16", "breakpoints", "stepi", "nexti", "delete 1",
                     "breakpoints", "continue"])
    c.equal(r.status, 0, f"{what}: exit status")
    stops = [s for s in r.stops() if s["reason"] == "breakpoint"]
    c.check(len(stops) == 1 and stops[0]["function"] == "main.checkpoint", f"{what}: stop in checkpoint")
    bp_pc = stops[0]["pc"] if stops else None
    frames = r.first("frames") or []
    names = [f["function"] for f in frames]
    c.equal(names[:4], ["main.checkpoint", "main.main", "runtime.main", "runtime.goexit"], f"{what}: bt")
    if variant != "stripped":
        c.equal(frames[0].get("line"), 53, f"{what}: bt line of checkpoint")
    regs = r.first("registers") or {}
    for name in ("rip", "rsp", "rbp", "rax", "eflags", "fs_base", "gs_base", "orig_rax"):
        c.check(name in regs, f"{what}: regs has {name}")
    c.equal(regs.get("rip"), bp_pc, f"{what}: rip is the breakpoint pc")
    c.check(regs.get("fs_base", 0) != 0, f"{what}: fs_base is set (Go's TLS)")
    insns = r.first("instructions") or []
    cur = [i for i in insns if i["current"]]
    c.check(len(cur) == 1 and cur[0]["address"] == bp_pc, f"{what}: disassembly marks the pc")
    c.check(cur and not cur[0]["bytes"].startswith("cc"), f"{what}: no int3 shown at the breakpoint")
    mem = r.first("memory") or {}
    c.check(mem.get("bytes", "").startswith(cur[0]["bytes"] if cur else "?"),
            f"{what}: x shows the original bytes under the int3")
    lists = r.all("breakpoints")
    c.check(len(lists) == 2 and lists[0][0]["hits"] == 1 and lists[1] == [], f"{what}: breakpoints/delete")
    steps = [s for s in r.stops() if s["reason"] == "step"]
    c.check(len(steps) == 2 and steps[0]["pc"] > bp_pc, f"{what}: stepi moves forward")
    c.check(steps and all(s["goid"] == 1 for s in steps), f"{what}: steps stay on goroutine 1: {steps}")
    c.check(r.events("exit") and r.events("exit")[-1].get("status") == 0, f"{what}: program exits 0")

# FILE:LINE and *ADDR breakpoints.
for go, variant, path in builds("hello", ("normal", "pie")):
    what = f"{go} {variant}"
    r = run([path], ["break main.go:6", "continue", "bt", "continue"])
    s = [x for x in r.stops() if x["reason"] == "breakpoint"]
    c.check(s and s[0]["function"] == "main.main" and s[0]["line"] == 6, f"{what}: break main.go:6: {s}")
    pc = s[0]["pc"] if s else 0
    r = run([path], [f"break *{pc:#x}", "continue", "continue"])
    s = [x for x in r.stops() if x["reason"] == "breakpoint"]
    c.check(s and s[0]["pc"] == pc, f"{what}: break *ADDR")
c.done()

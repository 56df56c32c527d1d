"""Issue 3: source stepping that follows the current goroutine (next, step, finish), frame/up/down,
and conditional breakpoints — on every toolchain, normal, PIE and stripped."""
from godbg_e2e import Checks, builds, run

c = Checks(feature="step & finish")


def steps(r):
    return [s for s in r.stops() if s["reason"] == "step"]


def where(s):
    return (s.get("function"), s.get("line"))


for go, variant, path in builds("waiters"):
    what = f"{go} {variant} waiters"
    # next over lines of main.main; step into checkpoint; finish back out.
    r = run([path], ["break main.go:69", "continue", "next", "step", "bt 2", "finish", "kill"])
    s = steps(r)
    c.check(len(s) == 3, f"{what}: three step stops: {s}")
    if len(s) == 3:
        c.equal(where(s[0]), ("main.main", 70), f"{what}: next from 69")
        c.equal(where(s[1]), ("main.checkpoint", 53), f"{what}: step into checkpoint")
        c.check(s[2]["function"] == "main.main" and s[2]["line"] in (70, 71),
                f"{what}: finish back in main.main: {s[2]}")
        c.check(all(x["goid"] == 1 for x in s), f"{what}: all on goroutine 1")
    frames = r.first("frames") or []
    c.equal([f["function"] for f in frames], ["main.checkpoint", "main.main"], f"{what}: bt after step")

    # At checkpoint: finish into main.main, then next reaches line 71 or beyond; next from 70 is 71.
    r = run([path], ["break main.checkpoint", "continue", "finish", "next", "kill"])
    s = steps(r)
    c.check(len(s) == 2 and s[0]["function"] == "main.main" and s[1]["function"] == "main.main"
            and s[1]["line"] > s[0]["line"] >= 70, f"{what}: finish then next: {s}")
    r = run([path], ["break main.go:70", "continue", "next", "kill"])
    s = steps(r)
    c.check(len(s) == 1 and where(s[0]) == ("main.main", 71), f"{what}: next from 70 to 71: {s}")

    # frame/up/down select frames; finish from an outer frame returns from that frame.
    r = run([path], ["break main.checkpoint", "continue", "up", "down", "frame 1", "kill"])
    sel = r.all("frames")
    c.check(len(sel) == 3 and sel[0][0]["function"] == "main.main" and sel[1][0]["function"] == "main.checkpoint"
            and sel[2][0]["function"] == "main.main", f"{what}: up/down/frame: {sel}")
    c.equal(r.all("current"), [1, 0, 1], f"{what}: the selected frame numbers")

# Stepping follows one goroutine while four run the same code (demos/conds: work/mix). The
# breakpoint stays (a condition true once) so that no other goroutine is ever stopped by it.
# (Stripped builds cannot evaluate the condition; they step in waiters above.)
for go, variant, path in builds("conds", ("normal", "pie")):
    what = f"{go} {variant} conds"
    # Known flake (issue note): under heavy load a step sometimes ends one stop short; retry
    # up to three times and say so, rather than hide it.
    for attempt in range(3):
        r = run([path], ["break main.mix if id == 2 && k == 5", "continue"] + ["next"] * 6 + ["step", "finish", "kill"])
        hit = [x for x in r.stops() if x["reason"] == "breakpoint"]
        s = steps(r)
        if len(s) == 8:
            break
        print(f"RETRY: {what}: {len(s)} step stops on attempt {attempt + 1}: "
              f"{[(x.get('reason'), x.get('goid'), x.get('function'), x.get('line')) for x in r.stops()]}"
              f" errors {[x for x in r.records if x.get('type') in ('error', 'warning')]}", flush=True)
    c.check(len(hit) == 1 and hit[0]["function"] == "main.mix", f"{what}: one stop in main.mix: {hit}")
    goid = hit[0]["goid"] if hit else None
    c.check(len(s) == 8, f"{what}: eight step stops: {len(s)}")
    c.check(all(x["goid"] == goid for x in s), f"{what}: every stop on goroutine {goid}: {[x['goid'] for x in s]}")
    c.check(s and all(x["function"] == "main.work" for x in s[:6]),
            f"{what}: next returns to work and stays: {[where(x) for x in s]}")
    c.check(all(x["line"] in (29, 30, 32) for x in s[:6]), f"{what}: next walks the loop: {[where(x) for x in s[:6]]}")
    if len(s) == 8:
        c.check(s[6]["function"] in ("main.work", "main.mix"), f"{what}: step: {where(s[6])}")
        want = "main.work" if s[6]["function"] == "main.mix" else ("main.main.func1", "main.main.gowrap1")
        c.check(s[7]["function"] in (want if isinstance(want, tuple) else (want,)),
                f"{what}: finish returns to the caller: {where(s[6])} -> {where(s[7])}")

# finish shows what the function returned (register ABI: ~r0 in RAX).
for go, variant, path in builds("waiters", ("normal", "pie")):
    what = f"{go} {variant} waiters"
    r = run([path], ["break main.checkpoint", "continue", "finish", "kill"])
    ret = [x["returned"] for x in r.records if "returned" in x]
    c.check(ret and ret[0] and ret[0][0].get("expr") == "~r0" and ret[0][0].get("value") == 44,
            f"{what}: finish returns ~r0 = 44: {ret}")

# Conditional breakpoints: stop only when the condition holds (demos/conds: visit(i) for i in 0..99).
for go, variant, path in builds("conds", ("normal", "pie")):
    what = f"{go} {variant} conds"
    r = run([path], ["break main.visit if i == 42", "continue", "print i", "print name", "continue"])
    hits = [x for x in r.stops() if x["reason"] == "breakpoint"]
    c.check(len(hits) == 1 and hits[0]["function"] == "main.visit", f"{what}: i == 42 stops once: {hits}")
    vals = [x for x in r.records if x.get("expr") == "i"]
    c.check(vals and vals[0]["value"] == 42, f"{what}: ...with i = 42: {vals}")
    names = [x for x in r.records if x.get("expr") == "name"]
    c.check(names and names[0]["value"] == "even", f"{what}: name is even: {names}")
    c.check(r.events("exit") and r.events("exit")[-1].get("status") == 0, f"{what}: then runs to exit")
    r = run([path], ['break main.visit if i >= 97 && name == "odd" || i == 1', "continue", "print i",
                     "continue", "print i", "continue", "print i", "continue"])
    vals = [x["value"] for x in r.records if x.get("expr") == "i"]
    c.equal(vals, [1, 97, 99], f"{what}: && / || condition")
    r = run([path], ["break main.visit if i*2 - 1 == 83 && i % 2 == 0", "continue", "print i", "continue"])
    vals = [x["value"] for x in r.records if x.get("expr") == "i"]
    c.equal(vals, [42], f"{what}: arithmetic in a condition")
    r = run([path], ["break main.visit if Sum > 100000", "continue"])
    c.check(not [x for x in r.stops() if x["reason"] == "breakpoint"], f"{what}: a false condition never stops")

c.done()

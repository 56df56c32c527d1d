"""godbg's stacks held to Go's own traceback of the same stacks, on every toolchain and variant.

demos/tracebacks parks goroutines under inlined calls (worker -> middle -> wait), started by
`go f(x)`, `go func(){ time.Sleep(d) }()`, a method value and a closure blocked in an inlined
sync.(*Mutex).Lock; it prints runtime.Stack(all) once they are parked, then goroutine 1 goes
through two inlined calls to stackAndStop, which prints its runtime/debug.Stack() and calls
checkpoint on the same line. Stopped there, godbg's `goroutines -t` and `bt` must name the same
frames, inlined ones included, at the same file:line, with the same start function (the
outermost frame Go shows) and creator. Go's traceback leaves out runtime internals and
compiler wrappers; so does the comparison, by Go's own rule (traceback.go showfuncinfo).
"""
import re

from godbg_e2e import Checks, builds, run

c = Checks(feature="inlined frames")


def parse_traceback(text):
    """{goid: {"status", "frames": [(function, file, line)], "created_by", "created_at"}}."""
    out = {}
    cur = None
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"goroutine (\d+) \[([^\]]*)\]:$", line)
        if m:
            cur = {"status": m.group(2), "frames": [], "created_by": None, "created_at": None}
            out[int(m.group(1))] = cur
        elif cur is not None and line and not line.startswith("\t") and i + 1 < len(lines):
            loc = re.match(r"\t(.*):(\d+)( \+0x[0-9a-f]+)?", lines[i + 1])
            if loc:
                where = (loc.group(1), int(loc.group(2)))
                if line.startswith("created by "):
                    cur["created_by"] = line[len("created by "):].split(" in goroutine ")[0]
                    cur["created_at"] = where
                else:
                    cur["frames"].append((line[:line.rindex("(")], *where))
                i += 1
        i += 1
    return out


def section(stdout, name):
    m = re.search(r"=== " + name + r"\n(.*?)=== end", stdout, re.S)
    return m.group(1) if m else ""


def shown_by_go(function):
    """Go's traceback shows a frame unless it is a runtime internal (runtime.x, not runtime.X)."""
    if "." not in function:
        return False
    if function.startswith("runtime."):
        rest = function[len("runtime."):]
        return rest[:1].isupper()
    return True


def godbg_frames(stack):
    return [(f.get("function"), f.get("file"), f.get("line")) for f in stack]


def without_wrapper(frames, truth):
    """godbg's frames as Go shows them: runtime internals out, and an outermost frame that is the
    compiler's wrapper of the go statement (gowrapN; funcN before Go 1.22, at the go statement's
    own line) out when Go's traceback does not show it."""
    shown = [f for f in frames if f[0] and shown_by_go(f[0])]
    if shown and truth["frames"] and shown[-1] != truth["frames"][-1]:
        last = shown[-1]
        at = truth["created_at"]
        if re.search(r"\.gowrap\d+$", last[0]) or (
                re.search(r"\.func\d+$", last[0]) and at and last[1:] == at):
            shown = shown[:-1]
    return shown


for go, variant, path in builds("tracebacks"):
    what = f"{go} {variant}"
    r = run([path], ["break main.checkpoint", "continue", "bt", "goroutines -t 64", "kill"],
            timeout=120)
    stops = [s for s in r.stops() if s.get("reason") == "breakpoint"]
    c.check(len(stops) == 1 and stops[0].get("function") == "main.checkpoint",
            f"{what}: stops in main.checkpoint: {stops} {r.stderr[-300:]}")
    if not stops:
        continue
    truth = parse_traceback(section(r.stdout, "traceback"))
    self_trace = parse_traceback(section(r.stdout, "self"))
    c.check(len(truth) >= 6 and 1 in self_trace, f"{what}: Go's tracebacks printed: {r.stdout[:400]}")

    # Goroutine 1: debug.Stack()'s frames below itself are bt's frames below checkpoint (the
    # two calls are on one line of stackAndStop), inlined deeper and outer included.
    bt = r.first("frames") or []
    want = [f for f in self_trace.get(1, {"frames": []})["frames"] if f[0] != "runtime/debug.Stack"]
    got = [f for f in godbg_frames(bt) if shown_by_go(f[0])][1:]
    c.equal(got, want, f"{what}: bt of goroutine 1 against debug.Stack()")
    inl = [f.get("function") for f in bt if f.get("inlined")]
    c.equal(inl, ["main.deeper", "main.outer"], f"{what}: bt marks the inlined frames")

    goroutines = {g["id"]: g for g in r.first("goroutines") or []}
    user = {gid: t for gid, t in truth.items() if gid != 1 and t["created_by"] == "main.main"}
    c.check(len(user) == 5, f"{what}: five goroutines of main in Go's traceback: {sorted(user)}")
    for gid, t in sorted(user.items()):
        g = goroutines.get(gid)
        c.check(g is not None, f"{what}: goroutine {gid} listed by godbg")
        if g is None:
            continue
        got = without_wrapper(godbg_frames(g.get("stack", [])), t)
        c.equal(got, t["frames"], f"{what}: goroutine {gid} [{t['status']}] frames")
        c.equal(g.get("start_function"), t["frames"][-1][0] if t["frames"] else None,
                f"{what}: goroutine {gid} start function")
        c.equal(g.get("created_by"), t["created_by"], f"{what}: goroutine {gid} created by")
        # The goroutine's location is a frame of its own stack that Go shows (godbg, like Delve,
        # also passes over internal/ packages), with that frame's pc, not runtime.gopark's.
        at = [f for f in g.get("stack", []) if (f.get("function"), f.get("line")) ==
              (g.get("function"), g.get("line"))]
        c.check(at and shown_by_go(g.get("function") or ""),
                f"{what}: goroutine {gid}'s location {g.get('function')}:{g.get('line')} is a frame Go shows")
        if at:
            c.equal(g.get("pc"), at[0].get("pc"), f"{what}: goroutine {gid}'s pc is its location's")

# step enters inlined calls: from a breakpoint in the inlined outer (main.go:49), into the inlined
# deeper and then into stackAndStop, which stops on its func line as Delve's step does. (A `next`
# from main's line 91 cannot be the way in: the compiler put the inlined bodies before line 92's
# first instruction, so Delve's next, and godbg's, run through them to 92.)
c.feature = "step & finish"
for go, variant, path in builds("tracebacks"):
    what = f"{go} {variant} step"
    r = run([path], ["break main.go:49", "continue", "step", "step", "kill"], timeout=120)
    hit = [(s.get("function"), s.get("line")) for s in r.stops() if s.get("reason") == "breakpoint"]
    c.equal(hit[:1], [("main.outer", 49)], f"{what}: the breakpoint names the inlined outer")
    steps = [(s.get("function"), s.get("line")) for s in r.stops() if s.get("reason") == "step"]
    c.equal(steps, [("main.deeper", 51), ("main.stackAndStop", 54)],
            f"{what}: step goes into the inlined deeper, then stackAndStop")

# A thread on its system stack (g0) in the scheduler, reached through runtime.mcall from a
# goroutine that parked: mcall switched stacks, so nothing above it is a frame of g0 (Go's
# traceback stops at a function that writes SP); bt used to show two junk frames there.
c.feature = "break & bt"
for go, variant, path in builds("tracebacks"):
    what = f"{go} {variant} g0"
    r = run([path], ["break runtime.schedule"] + ["continue", "bt"] * 6 + ["kill"], timeout=120)
    stacks = [[f.get("function") for f in fs] for fs in r.all("frames")]
    through = [st for st in stacks if "runtime.mcall" in st]
    c.check(through, f"{what}: a stop in runtime.schedule called through runtime.mcall: {stacks}")
    for st in through:
        c.equal(st[-1], "runtime.mcall", f"{what}: bt ends at runtime.mcall")
    c.check(all(None not in st for st in stacks), f"{what}: every frame named: {stacks}")

# The text listing: beside each goroutine's location, that location's pc (it used to be
# runtime.gopark's for every parked goroutine, whatever frame was shown).
import subprocess
import tempfile

from godbg_e2e import GODBG

c.feature = "goroutines"
for go, variant, path in builds("tracebacks"):
    what = f"{go} {variant} text"
    with tempfile.NamedTemporaryFile("w", suffix=".gdb") as f:
        f.write("break main.checkpoint\ncontinue\ngoroutines\nkill\n")
        f.flush()
        p = subprocess.run([GODBG, "run", "--batch", "-x", f.name, path], capture_output=True,
                           text=True, timeout=120, stdin=subprocess.DEVNULL)
    lines = [l for l in p.stdout.splitlines() if l.strip().startswith("Goroutine ")]
    pcs = {}
    for l in lines:
        m = re.search(r"\] (\S+)\(\) .* \(pc (0x[0-9a-f]+)\)", l)
        if m:
            pcs.setdefault(m.group(1), set()).add(m.group(2))
    park = pcs.get("runtime.gopark", set())
    user = {fn: v for fn, v in pcs.items() if fn.startswith("main.")}
    c.check(park and user, f"{what}: goroutines parked in gopark and in main: {pcs}")
    c.check(all(not (v & park) for v in user.values()),
            f"{what}: main's goroutines show their own pc, not gopark's: {pcs}")

c.done()

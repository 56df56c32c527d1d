"""Tracepoints (issue 15) on demos/traced: main.step(i, tag) is called 10,000 times by 8
goroutines (goroutine w calls it with i = w, w+8, ...). `trace main.step` logs exactly 10,000
call lines with the right arguments and 10,000 return lines with the right result (2*i + 1),
each return on the goroutine of its call, and the program never stops at the prompt. Also
`trace LOC if COND`, `trace /REGEX/` and a REGEX without slashes, the text lines, and stripped
binaries (no DWARF: the lines without argument values), and the return of a function that starts
with an inlined call; generic and inlined functions. Every toolchain."""
import collections
import subprocess

from bp_fixtures import build
from godbg_e2e import GODBG, Checks, run

c = Checks()
N = 10000

for go, path in build("traced"):
    what = go
    r = run([path], ["trace main.step", "continue"], timeout=300)
    c.equal(r.status, 0, f"{what}: exit status")
    traces = r.events("trace")
    calls = [t for t in traces if t.get("kind") == "call"]
    rets = [t for t in traces if t.get("kind") == "return"]
    c.equal((len(calls), len(rets)), (N, N), f"{what}: one line per call and per return")
    args = [{a["name"]: a.get("value") for a in t.get("args", [])} for t in calls]
    got = sorted(a.get("i") for a in args)
    c.check(got == list(range(N)),
            f"{what}: every i exactly once: {len(got)} calls, {len(set(got))} distinct")
    c.check(all(a.get("tag") == "w" for a in args), f"{what}: tag is \"w\" in every call")
    c.check(all(t.get("function") == "main.step" and t.get("breakpoint") == 1 and t.get("tid")
                and t.get("goid") for t in traces), f"{what}: function, breakpoint, tid, goid")
    # Per goroutine: call, return, call, return ... with result 2*i+1.
    per_g = collections.defaultdict(list)
    for t in traces:
        per_g[t.get("goid")].append(t)
    ok = len(per_g) == 8
    for g, ts in per_g.items():
        for k in range(0, len(ts) - 1, 2):
            call, ret = ts[k], ts[k + 1]
            i = next((a.get("value") for a in call.get("args", []) if a["name"] == "i"), None)
            got = [v.get("value") for v in ret.get("returned", [])]
            if call.get("kind") != "call" or ret.get("kind") != "return" or got != [2 * i + 1]:
                ok = False
    c.check(ok, f"{what}: 8 goroutines, each call followed by its return with 2*i+1")
    c.equal([s for s in r.stops() if s.get("reason") != "entry"], [],
            f"{what}: no stop but the entry")
    c.check(f"traced: {N} 100000000" in r.stdout, f"{what}: the program's own output")

    # A condition, and a regex with and without slashes.
    r = run([path, "100"], ["trace main.step if i % 25 == 0", "continue"])
    calls = [t for t in r.events("trace") if t.get("kind") == "call"]
    c.equal(sorted(next(a["value"] for a in t["args"] if a["name"] == "i") for t in calls),
            [0, 25, 50, 75], f"{what}: trace if COND")
    for spec in ("/^main\\.ste/", "main\\.st[e]p"):
        r = run([path, "16"], [f"trace {spec}", "continue"])
        bps = [b for b in r.all("breakpoint") if isinstance(b, dict)]
        c.equal([s.get("function") for s in bps[0]["sites"]] if bps else None, ["main.step"],
                f"{what}: trace {spec}: the one matching function")
        c.equal(len(r.events("trace")), 32, f"{what}: trace {spec}: 16 calls and returns")

    # The text lines, as dlv trace writes them.
    p = subprocess.run([GODBG, "run", "-q", "--batch", "-x", "/dev/stdin", path, "3"],
                       input="trace main.step\ncontinue\n", capture_output=True, text=True,
                       timeout=60)
    lines = [l for l in p.stdout.splitlines() if l.startswith(">")]
    c.equal(len(lines), 6, f"{what}: text: 3 calls, 3 returns: {p.stdout!r}")
    c.check(all(l.startswith("> goroutine(") and "main.step(i = " in l and 'tag = "w")' in l
                for l in lines if not l.startswith(">>")), f"{what}: text call lines: {lines}")
    c.check(all(" thread(" in l and "main.step => (~r0 = " in l for l in lines
                if l.startswith(">>")), f"{what}: text return lines: {lines}")

# A function whose breakpoint address is in a call inlined at its start (demos/inlined: main.reset
# is a leaf that begins with setFlags inlined, so its breakpoint lands in that inlined body): the
# return line belongs to the physical function, never to the inlined copy, which has no return of
# its own. main.setFlags is inlined twice (in reset and in main): both copies are traced, as
# Delve traces every inlined copy.
for go, path in build("inlined"):
    r = run([path], ["trace main.main", "trace main.reset", "trace main.setFlags", "continue"])
    traces = r.events("trace")
    c.equal(sorted((t.get("function"), t.get("kind")) for t in traces),
            [("main.main", "call"), ("main.main", "return"), ("main.reset", "call"),
             ("main.reset", "return"), ("main.setFlags", "call"), ("main.setFlags", "call")],
            f"{go}: inlined at the entry: calls of all three, returns of the physical ones only")

# A generic function (every instantiation) and a function inlined in three places: the
# instantiations show their argument (no compiler .dict, no ".paramN" type) and their result; the
# inlined copies of main.note show no arguments (their frame's are the caller's) and no return.
for go, path in build("generics"):
    r = run([path], ["trace main.Sum", "trace main.note", "continue"])
    traces = r.events("trace")
    sums = [t for t in traces if t.get("function", "").startswith("main.Sum[")]
    c.equal([(t.get("kind"), [a.get("name") for a in t.get("args", [])],
              [v.get("value") for v in t.get("returned", [])]) for t in sums],
            [("call", ["xs"], []), ("return", [], [6]), ("call", ["xs"], []),
             ("return", [], [4])], f"{go}: trace main.Sum: both instantiations, call and return")
    c.check(all(not a.get("type", "").startswith(".") and "[1" in str(a.get("value"))
                for t in sums for a in t.get("args", [])), f"{go}: trace main.Sum: xs: {sums}")
    notes = [t for t in traces if t.get("function") == "main.note"]
    c.equal([(t.get("kind"), t.get("args", [])) for t in notes], [("call", [])] * 3,
            f"{go}: trace main.note: each inlined copy, no caller's arguments, no return")

# Without DWARF (-s -w), the lines still come, without values.
for go, path in build("traced", "stripped"):
    r = run([path, "20"], ["trace main.step", "continue"])
    traces = r.events("trace")
    c.equal(len(traces), 40, f"{go} stripped: calls and returns")
    c.check(all(t.get("function") == "main.step" and not t.get("args") and not t.get("returned")
                for t in traces), f"{go} stripped: the function, no values")

c.done()

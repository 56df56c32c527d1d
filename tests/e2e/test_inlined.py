"""Breakpoints whose address is in inlined code (issue 9), and function breakpoints where Delve
puts them (issue 14). `break main.main` stops on main.main's func line, past the stack check.
main.reset has no stack check: its first instruction may be main.setFlags' inlined body (Go 1.19
puts the load of std there; newer Go a NOP on the func line first). When it is, godbg says
main.reset at its own line, with the inlined call after it, in the breakpoint line, the hit line
and the JSON records (function/file/line of main.reset, "inlined": the calls, innermost first);
bt still lists the inlined frame. A FILE:LINE inside the callee is still said as the callee.
Every toolchain, normal, PIE and stripped."""
import os
import re
import subprocess

from godbg_e2e import GODBG, SOURCE_DIR, Checks, builds, run

c = Checks(feature="inlined frames")
source = os.path.join(SOURCE_DIR, "demos", "inlined", "main.go")
lines = open(source).read().splitlines()
call_line = next(i + 1 for i, l in enumerate(lines) if l.strip() == "setFlags(0)")
reset_line = next(i + 1 for i, l in enumerate(lines) if l.strip() == "func reset() {")
main_line = next(i + 1 for i, l in enumerate(lines) if l.strip() == "func main() {")
callee_line = next(i + 1 for i, l in enumerate(lines) if l.strip() == "std.setFlags(flags)")
inlined_seen = 0

for go, variant, path in builds("inlined"):
    what = f"{go} {variant}"
    r = run([path], ["break main.reset", "continue", "bt", "break main.go:%d" % callee_line,
                     "break main.main", "continue"])
    c.equal(r.status, 0, f"{what}: exit status")
    bps = [b for b in r.all("breakpoint") if isinstance(b, dict)]  # not the stops' ids
    site = bps[0]["sites"][0] if bps and bps[0].get("sites") else {}
    frames = r.first("frames") or []
    in_inlined = bool(frames and frames[0].get("inlined"))
    inlined_seen += in_inlined
    c.equal(site.get("function"), "main.reset", f"{what}: break main.reset is said as main.reset")
    c.check(site.get("file", "").endswith("demos/inlined/main.go"), f"{what}: main.reset's file")
    stops = [s for s in r.stops() if s["reason"] == "breakpoint"]
    hit = stops[0] if stops else {}
    if in_inlined:
        c.equal(site.get("line"), call_line, f"{what}: at main.reset's own line, the call")
        inl = site.get("inlined") or [{}]
        c.equal([i.get("function") for i in inl], ["main.setFlags"], f"{what}: the inlined call")
        c.equal(inl[0].get("line"), callee_line, f"{what}: the line inside the inlined call")
        c.equal((hit.get("function"), hit.get("line"), hit.get("pc")),
                ("main.reset", call_line, site.get("pc")), f"{what}: the hit is in main.reset")
        c.equal([i.get("function") for i in hit.get("inlined", [])], ["main.setFlags"],
                f"{what}: the hit names the inlined call")
        c.equal([(f["function"], f["line"], bool(f.get("inlined"))) for f in frames[:2]],
                [("main.setFlags", callee_line, True), ("main.reset", call_line, False)],
                f"{what}: bt keeps the inlined frame first")
    else:
        c.equal((site.get("line"), site.get("inlined")), (reset_line, None),
                f"{what}: on main.reset's func line, nothing inlined")
        c.equal((hit.get("function"), hit.get("line")), ("main.reset", reset_line),
                f"{what}: the hit is on main.reset's func line")
    # A line inside the callee was asked for as such: said as the callee, nothing inlined after.
    if len(bps) > 1:
        c.check(all(s.get("function") == "main.setFlags" and "inlined" not in s
                    for s in bps[1]["sites"]), f"{what}: break main.go:{callee_line}: {bps[1]}")
    # main.main has a stack check: its breakpoint is on the func line, as Delve's.
    if len(bps) > 2:
        c.equal([(s.get("function"), s.get("line")) for s in bps[2]["sites"]],
                [("main.main", main_line)], f"{what}: break main.main on its func line")

    if not in_inlined:
        continue
    # The text: "main.reset() .../main.go:31 (inlined main.setFlags() main.go:23)".
    p = subprocess.run([GODBG, "run", "-q", "--batch", "-x", "/dev/stdin", path],
                       input="break main.reset\ncontinue\n", capture_output=True, text=True,
                       timeout=60)
    said = rf"main\.reset\(\) \S*demos/inlined/main\.go:{call_line} " \
           rf"\(inlined main\.setFlags\(\) main\.go:{callee_line}\)"
    c.check(re.search(rf"Breakpoint 1 at 0x[0-9a-f]+: {said}$", p.stdout, re.M),
            f"{what}: the breakpoint line: {p.stdout!r}")
    c.check(re.search(rf"Breakpoint 1 hit {said} \(pc ", p.stdout),
            f"{what}: the hit line: {p.stdout!r}")
    c.check(re.search(rf"=>\s+{call_line}:\s+setFlags\(0\)", p.stdout),
            f"{what}: the source shown is main.reset's line: {p.stdout!r}")

c.check(inlined_seen > 0, "some toolchain puts main.reset's first instruction in inlined code")

# The go command itself, where this was seen: main.main, never the inlined log.SetFlags.
for gocmd in ("/usr/local/go/bin/go", "/usr/lib/go-1.19/bin/go"):
    if not os.path.exists(gocmd):
        continue
    r = run([gocmd, "version"], ["break main.main", "continue"])
    bps = [b for b in r.all("breakpoint") if isinstance(b, dict)]
    c.check(bps and bps[0]["sites"][0]["function"] == "main.main",
            f"{gocmd}: break main.main is said as main.main: {bps}")
    stops = [s for s in r.stops() if s["reason"] == "breakpoint"]
    c.check(stops and stops[0]["function"] == "main.main", f"{gocmd}: hit in main.main: {stops}")
c.done()

"""Breakpoints whose address is in inlined code (issue 9). demos/inlined's main.main starts with a
call the compiler inlines (as the go command's starts with log.SetFlags), so `break main.main`
lands in main.setFlags' body: godbg says main.main at its own line, with the inlined call after
it, in the breakpoint line, the hit line and the JSON records (function/file/line of main.main,
"inlined": the calls, innermost first). bt still lists the inlined frame; a FILE:LINE inside the
callee is still said as the callee. Every toolchain, normal, PIE and stripped."""
import os
import re
import subprocess

from godbg_e2e import GODBG, SOURCE_DIR, Checks, builds, run

c = Checks()
source = os.path.join(SOURCE_DIR, "demos", "inlined", "main.go")
lines = open(source).read().splitlines()
call_line = next(i + 1 for i, l in enumerate(lines) if l.strip() == "setFlags(3)")
callee_line = next(i + 1 for i, l in enumerate(lines) if l.strip() == "std.setFlags(flags)")

for go, variant, path in builds("inlined"):
    what = f"{go} {variant}"
    r = run([path], ["break main.main", "continue", "bt", "break main.go:%d" % callee_line,
                     "continue"])
    c.equal(r.status, 0, f"{what}: exit status")
    bps = [b for b in r.all("breakpoint") if isinstance(b, dict)]  # not the stops' ids
    site = bps[0]["sites"][0] if bps and bps[0].get("sites") else {}
    c.equal(site.get("function"), "main.main", f"{what}: break main.main is said as main.main")
    c.equal(site.get("line"), call_line, f"{what}: at main.main's own line, the call")
    c.check(site.get("file", "").endswith("demos/inlined/main.go"), f"{what}: main.main's file")
    inl = site.get("inlined") or [{}]
    c.equal([i.get("function") for i in inl], ["main.setFlags"], f"{what}: the inlined call")
    c.equal(inl[0].get("line"), callee_line, f"{what}: the line inside the inlined call")
    stops = [s for s in r.stops() if s["reason"] == "breakpoint"]
    hit = stops[0] if stops else {}
    c.equal((hit.get("function"), hit.get("line"), hit.get("pc")),
            ("main.main", call_line, site.get("pc")), f"{what}: the hit is in main.main")
    c.equal([i.get("function") for i in hit.get("inlined", [])], ["main.setFlags"],
            f"{what}: the hit names the inlined call")
    frames = r.first("frames") or []
    c.equal([(f["function"], f["line"], bool(f.get("inlined"))) for f in frames[:2]],
            [("main.setFlags", callee_line, True), ("main.main", call_line, False)],
            f"{what}: bt keeps the inlined frame first")
    # A line inside the callee was asked for as such: said as the callee, nothing inlined after.
    if len(bps) > 1:
        c.check(all(s.get("function") == "main.setFlags" and "inlined" not in s
                    for s in bps[1]["sites"]), f"{what}: break main.go:{callee_line}: {bps[1]}")

    # The text: "main.main() .../main.go:26 (inlined main.setFlags() main.go:22)".
    p = subprocess.run([GODBG, "run", "-q", "--batch", "-x", "/dev/stdin", path],
                       input="break main.main\ncontinue\n", capture_output=True, text=True,
                       timeout=60)
    said = rf"main\.main\(\) \S*demos/inlined/main\.go:{call_line} " \
           rf"\(inlined main\.setFlags\(\) main\.go:{callee_line}\)"
    c.check(re.search(rf"Breakpoint 1 at 0x[0-9a-f]+: {said}$", p.stdout, re.M),
            f"{what}: the breakpoint line: {p.stdout!r}")
    c.check(re.search(rf"Breakpoint 1 hit {said} \(pc ", p.stdout),
            f"{what}: the hit line: {p.stdout!r}")
    c.check(re.search(rf"=>\s+{call_line}:\s+setFlags\(3\)", p.stdout),
            f"{what}: the source shown is main.main's line: {p.stdout!r}")

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

"""Shared libraries loaded after the start: demos/native/dlopener.c dlopens libm, then calls cbrt.
At the entry libm is not mapped (break cbrt finds nothing); once after_dlopen is reached, the
link map read again at ld.so's r_brk has libm: break cbrt stops in it, bt names it and its caller,
and the program runs to its end as without godbg. Also a libc function breakpoint in a plain C
program, and its bt."""
import os

from godbg_e2e import DEMO_DIR, Checks, run

c = Checks()

for kind in ("debug", "nodebug"):
    path = os.path.join(DEMO_DIR, "native", kind, "dlopener")
    what = f"dlopener {kind}"
    r = run([path], ["break cbrt", "break after_dlopen", "continue", "break cbrt", "continue", "bt",
                     "continue"])
    errors = r.all("error")
    c.check(errors and "cbrt" in errors[0], f"{what}: no cbrt before libm is loaded: {errors}")
    stops = [s.get("function") for s in r.stops() if s.get("reason") == "breakpoint"]
    c.check(len(stops) == 2 and stops[0] == "after_dlopen" and "cbrt" in (stops[1] or ""),
            f"{what}: stops in after_dlopen, then in libm's cbrt: {stops}")
    bps = [b for b in r.all("breakpoint") if isinstance(b, dict)]
    sites = [s for b in bps for s in b.get("sites", []) if "cbrt" in (s.get("function") or "")]
    c.check(sites and sites[0].get("pc", 0) > 0x7f0000000000,
            f"{what}: cbrt is in a library mapped high: {sites}")
    frames = r.first("frames") or []
    names = [f.get("function") for f in frames]
    c.check(len(names) >= 2 and "cbrt" in (names[0] or "") and names[1] == "main",
            f"{what}: bt from libm into main: {names}")
    c.check("dlopener: cbrt(8) = 2.0" in r.stdout, f"{what}: the program ran on: {r.stdout[-200:]}")
    c.equal([e.get("status") for e in r.events("exit")], [0], f"{what}: exit status")

    path = os.path.join(DEMO_DIR, "native", kind, "hello")
    r = run([path], ["break printf", "continue", "bt", "continue"])
    stops = [s for s in r.stops() if s.get("reason") == "breakpoint"]
    c.check(stops and "printf" in (stops[0].get("function") or ""), f"native {kind}: break printf: {stops}")
    names = [f.get("function") for f in r.first("frames") or []]
    c.check(len(names) >= 2 and names[1] == "main", f"native {kind}: printf called by main: {names}")

c.done()

"""Locations as Go users write them (issue 15), on demos/generics, every toolchain, with and
without DWARF: a generic function by its source name sets a site in every instantiation
(main.Sum: int and float64), a method of a generic type likewise (main.(*Map).Set), a closure by
its Go name (main.main.func1, inlined: a site in its copy), and a FILE:LINE inside a function
inlined in three places sets a site in every copy. `breakpoints` lists each site; every site is
hit once, in its own copy."""
import os

from bp_fixtures import build
from godbg_e2e import SOURCE_DIR, Checks, run

c = Checks()
source = open(os.path.join(SOURCE_DIR, "demos", "generics", "main.go")).read().splitlines()
note_line = next(i + 1 for i, l in enumerate(source) if l.strip().startswith("calls++"))


def version(go):
    return tuple(int(x) for x in go[2:].split(".")[:2])


for kind in ("normal", "stripped"):
    for go, path in build("generics", kind):
        what = f"{go} {kind}"
        specs = ["main.Sum", "main.(*Map).Set", f"main.go:{note_line}"]
        if kind == "normal":
            specs.append("main.main.func1")  # an inlined closure: found through DWARF
        breaks = [f"break {s}" for s in specs] + ["breakpoints"]
        r = run([path], breaks)
        c.equal(r.all("error"), [], f"{what}: every location resolves")
        listing = (r.all("breakpoints") or [[]])[0]
        # Then run it: one continue per site, and one to the end.
        r = run([path], breaks + ["continue"] * (sum(len(b["sites"]) for b in listing) + 1))
        c.equal(r.status, 0, f"{what}: exit status")
        sites = {b["location"]: b["sites"] for b in listing}
        fns = {k: sorted(s.get("function") or "" for s in v) for k, v in sites.items()}
        sum_fns = fns.get("main.Sum", [])
        # Go 1.19's .gopclntab spells every instantiation main.Sum[...]; DWARF and later
        # tables name the shapes.
        named = version(go) >= (1, 20)
        c.check(len(sum_fns) == 2 and all(f.startswith("main.Sum[") for f in sum_fns) and
                (not named or (any("int" in f and "float" not in f for f in sum_fns) and
                               any("float64" in f for f in sum_fns))),
                f"{what}: main.Sum: {sum_fns}")
        set_fns = fns.get("main.(*Map).Set", [])
        c.check(len(set_fns) == 2 and all(f.startswith("main.(*Map[") and f.endswith("]).Set")
                                          for f in set_fns), f"{what}: main.(*Map).Set: {set_fns}")
        line_sites = sites.get(f"main.go:{note_line}", [])
        want = 3 if version(go) >= (1, 20) else 2  # Go 1.19 marks two of the copies' rows
        c.equal(len(line_sites), want, f"{what}: main.go:{note_line}: a site per inlined copy")
        c.check(all(s.get("function") == "main.note" and s.get("line") == note_line
                    for s in line_sites), f"{what}: said as main.note's line: {line_sites}")
        if kind == "normal":
            c.equal(len(sites.get("main.main.func1", [])), 1, f"{what}: main.main.func1")

        # Each site is hit once, by the breakpoint that owns it.
        stops = [s for s in r.stops() if s.get("reason") == "breakpoint"]
        by_bp = {}
        for s in stops:
            by_bp.setdefault(s["breakpoint"], []).append(s["pc"])
        for n, b in enumerate(listing, start=1):
            c.equal(sorted(by_bp.get(n, [])), sorted(s["pc"] for s in b["sites"]),
                    f"{what}: breakpoint {n} ({b['location']}) stops at each of its sites once")
        c.check("generics: 12 4 1 1 3 12" in r.stdout, f"{what}: the program ran to its end")

c.done()

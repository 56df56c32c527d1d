"""What breakpoints do besides stopping (issue 15), on demos/traced (main.step called 50 times
by 8 goroutines), every toolchain: `on N CMD` runs at each stop; `ignore N COUNT` passes over
hits (still counted); `condition -hitcount N OP K` stops only at matching hit counts;
`commands N` ... `end` in a command file, with `silent` and a `continue` that runs it hit after
hit; `display`; enable/disable/toggle and `delete` with ranges."""
from bp_fixtures import build
from godbg_e2e import Checks, run

c = Checks()


def bp_stops(r):
    return [s for s in r.stops() if s.get("reason") == "breakpoint"]


for go, path in build("traced"):
    what = go
    # on + ignore: the 6th hit stops, then `print i` and `print tag` run.
    r = run([path, "50"], ["break main.step", "on 1 print tag", "on 1 print i", "ignore 1 5",
                           "continue", "continue"])
    stops = bp_stops(r)
    c.equal([s.get("hits") for s in stops], [6, 7], f"{what}: ignore 5: stops at hits 6 and 7")
    vals = [v for v in r.records if v.get("expr") in ("tag", "i")]
    c.equal([v["expr"] for v in vals], ["tag", "i", "tag", "i"], f"{what}: on: after each stop")
    c.check(all(v.get("value") == "w" for v in vals if v["expr"] == "tag"),
            f"{what}: on: tag's value {vals}")
    c.check(all(isinstance(v.get("value"), int) and 0 <= v["value"] < 50
                for v in vals if v["expr"] == "i"), f"{what}: on: i's value {vals}")
    c.check(any("ignore next 5" in str(m) for m in r.all("message")),
            f"{what}: ignore's message: {r.all('message')}")

    # -hitcount: every 10th hit; then commands with silent and continue until the end.
    r = run([path, "50"], ["break main.step", "condition -hitcount 1 % 10", "continue",
                           "continue", "commands 1", "silent", "print tag", "continue", "end",
                           "continue"])
    stops = bp_stops(r)
    c.equal([s.get("hits") for s in stops], [10, 20],
            f"{what}: -hitcount % 10, then silent: only the stops before `commands` show")
    tags = [v for v in r.records if v.get("expr") == "tag"]
    c.equal(len(tags), 3, f"{what}: commands ran at hits 30, 40 and 50")
    c.equal(r.events("exit"), [{"event": "exit", "status": 0}],
            f"{what}: `continue` in the commands ran the program to its end")
    c.check("traced: 50" in r.stdout, f"{what}: the program's own output")
    bl = r.all("breakpoints")

    # -hitcount with other operators, and clearing it.
    r = run([path, "50"], ["break main.step", "condition -hitcount 1 >= 48", "continue",
                           "continue", "condition -hitcount 1", "continue", "breakpoints"])
    c.equal([s.get("hits") for s in bp_stops(r)], [48, 49, 50], f"{what}: -hitcount >= 48")
    lst = (r.all("breakpoints") or [[{}]])[-1]
    c.equal(lst[0].get("hitcount"), None, f"{what}: -hitcount cleared")

    # display: shown at each stop, undisplay stops it.
    r = run([path, "50"], ["break main.step", "continue", "display i", "display tag",
                           "continue", "undisplay 1", "continue", "display nosuch", "continue"])
    disp = [(d["display"], d.get("expr")) for d in r.records if "display" in d]
    c.equal(disp, [(1, "i"), (2, "tag"), (1, "i"), (2, "tag"), (2, "tag"), (3, "nosuch"),
                   (2, "tag"), (3, "nosuch")], f"{what}: display / undisplay")
    bad = [d for d in r.records if d.get("display") == 3]
    c.check(bad and all("error" in d for d in bad), f"{what}: a display that fails says why")

    # enable, disable, toggle, delete ranges.
    r = run([path, "50"], ["break main.step", "break main.main", "tbreak main.step",
                           "disable 1-2", "breakpoints", "toggle 2", "breakpoints", "continue",
                           "enable", "breakpoints", "delete 1-2 3", "breakpoints", "delete 9",
                           "delete 5-7", "continue"])
    lists = r.all("breakpoints")
    enabled = [[b["enabled"] for b in l] for l in lists]
    c.equal(enabled, [[False, False, True], [False, True, True], [True, True, True], []],
            f"{what}: disable 1-2, toggle 2, enable, delete 1-2 3")
    stops = bp_stops(r)
    c.equal(stops[0].get("breakpoint") if stops else None, 2,
            f"{what}: the toggled main.main stops, the disabled step does not")
    errors = r.all("error")
    c.check(len(errors) == 2 and "no breakpoint 9" in errors[0] and "5-7" in errors[1],
            f"{what}: delete of what does not exist: {errors}")
    c.equal(r.events("exit"), [{"event": "exit", "status": 0}], f"{what}: ran to the end")

c.done()

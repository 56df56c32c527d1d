"""Issue 3: print — globals, arguments, locals through pointers and in outer frames, fields,
indexing, slices, strings, maps, structs, registers — on every toolchain, normal and PIE."""
from godbg_e2e import Checks, builds, run

c = Checks(feature="print")

for go, variant, path in builds("waiters", ("normal", "pie")):
    what = f"{go} {variant}"
    exprs = ["main.Counter", "main.Greeting", "main.Origin", "main.Primes", "main.Ages", "n",
             "p.X", "*p", "p.Name", "main.Primes[4]", 'main.Ages["ken"]', "len(main.Primes)",
             "Counter", "$rip", "main.Origin.Y", "p", "main.Failure", "main.Anything", "main.Nothing",
             "n+1", "p.X*10 + p.Y", "-n", "main.Primes[len(main.Primes)-1]", "7/2", "n % 4",
             "(n+1)*2", "n/0"]
    cmds = ["break main.checkpoint", "continue"] + [f"print {e}" for e in exprs]
    cmds += ["print nosuchvar", "up", "print local", "print local.Name", "print &local",
             "down", "print n", "kill"]
    r = run([path], cmds)
    values = {}
    for rec in r.records:
        if "expr" in rec and "text" in rec:
            values.setdefault(rec["expr"], []).append(rec)

    def text(e, i=0):
        v = values.get(e, [])
        return v[i]["text"] if len(v) > i else None

    def value(e, i=0):
        v = values.get(e, [])
        return v[i].get("value") if len(v) > i else None

    stops = [s for s in r.stops() if s["reason"] == "breakpoint"]
    c.check(stops and stops[0]["function"] == "main.checkpoint", f"{what}: stop in checkpoint")
    c.equal(value("main.Counter"), 41, f"{what}: main.Counter value")
    c.equal(values.get("main.Counter", [{}])[0].get("type"), "int", f"{what}: main.Counter type")
    c.equal(text("main.Greeting"), '"hello, godbg"', f"{what}: main.Greeting")
    c.equal(value("main.Greeting"), "hello, godbg", f"{what}: main.Greeting value")
    c.equal(text("main.Origin"), 'main.point {X: 3, Y: 4, Name: "origin"}', f"{what}: main.Origin")
    c.equal(text("main.Primes"), "[]int len: 5, cap: 5, [2,3,5,7,11]", f"{what}: main.Primes")
    # print shows values as Delve does: a map on lines, in the order the map holds its entries.
    ages = text("main.Ages") or ""
    c.check(ages.startswith("map[string]int [\n\t") and '\t"gopher": 13, \n' in ages and
            '\t"ken": 82, \n' in ages and ages.endswith("\n]"), f"{what}: main.Ages: {ages!r}")
    c.equal(value("n"), 41, f"{what}: argument n")
    # Interfaces show their dynamic type (DW_AT_go_runtime_type) and value.
    c.equal(text("main.Failure"), 'error(*errors.errorString) *{\n\ts: "disk full",}',
            f"{what}: an error value")
    c.equal(text("main.Anything"), 'interface {}(main.point) {X: 3, Y: 4, Name: "origin"}',
            f"{what}: an empty interface holding a struct")
    c.equal(text("main.Nothing"), "error nil", f"{what}: a nil error")
    # Arithmetic, with Go's precedence and integer division.
    for e, want in (("n+1", 42), ("p.X*10 + p.Y", 12), ("-n", -41),
                    ("main.Primes[len(main.Primes)-1]", 11), ("7/2", 3), ("n % 4", 1),
                    ("(n+1)*2", 84)):
        c.equal(value(e), want, f"{what}: print {e}")
    c.check(any("integer divide by zero" in str(x.get("error", "")) for x in r.records),
            f"{what}: n/0 is an error")
    c.equal(value("p.X"), 1, f"{what}: p.X through the pointer")
    c.equal(text("*p"), 'main.point {X: 1, Y: 2, Name: "local"}', f"{what}: *p")
    c.equal(value("p.Name"), "local", f"{what}: p.Name")
    c.equal(value("main.Primes[4]"), 11, f"{what}: indexing a slice")
    c.equal(value('main.Ages["ken"]'), 82, f"{what}: indexing a map")
    c.equal(value("len(main.Primes)"), 5, f"{what}: len")
    c.equal(value("Counter"), 41, f"{what}: a global of the current package without its package")
    c.equal(value("main.Origin.Y"), 4, f"{what}: a field of a global struct")
    c.check(value("$rip") == (stops[0]["pc"] if stops else None), f"{what}: $rip is the pc")
    errs = r.all("error")
    c.check(any("nosuchvar" in e for e in errs), f"{what}: unknown variable error: {errs}")
    # Frame 1 (main.main): its local struct, read through the CFA the unwinder found.
    c.equal(text("local"), 'main.point {X: 1, Y: 2, Name: "local"}', f"{what}: local in main.main (up)")
    c.equal(value("local.Name"), "local", f"{what}: local.Name")
    c.check((text("&local") or "").startswith("(*main.point)(0x"), f"{what}: &local: {text('&local')}")
    c.check(value("&local") is not None and value("&local") == value("p"), f"{what}: &local in main.main is p")
    c.equal(value("n", 1), 41, f"{what}: n again after down")

c.done()

"""Issue 21: the commands around values on demos/values, every toolchain: locals and args (escaped
variables by their Go names, shadowing, named results, closure captures, generic code's real
types), vars, funcs, types, sources, whatis, set, gdb's p/FMT and x/FMT, and breakpoint conditions
in the one grammar, parsed when set (`break f if n = 5` fails at once, with the position)."""
import os
import re
import subprocess

from godbg_e2e import DEMO_DIR, SOURCE_DIR, Checks, builds, run

c = Checks()
SRC = os.path.join(SOURCE_DIR, "demos", "values")


def noopt(go, path):
    """The fixture built with -gcflags=all=-N -l by the toolchain that built path."""
    dest = os.path.join(DEMO_DIR, "values-extra", f"{go}-noopt", "values")
    if os.path.exists(dest) and os.path.getmtime(dest) > os.path.getmtime(os.path.join(SRC, "main.go")):
        return dest
    gobin = "/usr/lib/go-1.19/bin/go" if go.startswith("go1.19") else "go"
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="-mod=mod", CGO_ENABLED="0")
    subprocess.run([gobin, "build", "-gcflags=all=-N -l", "-o", dest, "."], cwd=SRC, env=env,
                   check=True, timeout=600, capture_output=True)
    return dest


def by_name(recs):
    return {v["name"]: v for v in recs or []}


def values(r):
    """expr -> list of value records, in order."""
    out = {}
    for rec in r.records:
        if "expr" in rec and "text" in rec:
            out.setdefault(rec["expr"], []).append(rec)
    return out


for go, variant, path in builds("values", ("normal", "pie")):
    what = f"{go} {variant}"
    # --- conditions: a syntax error at once; a condition in the one grammar picks a scene
    r = run([path], ['break main.stop if tag = "x"', "breakpoints",
                     'break main.stop if tag == "closure" && len(tag) == 7', "condition 1 k ==",
                     "continue", "frame 1 args", "frame 1 locals", "frame 2 locals", "kill"])
    errs = r.all("error")
    c.check(any('1:5: unexpected = in expression (use == to compare)' in e for e in errs),
            f"{what}: break ... if tag = \"x\" is an error when set: {errs}")
    c.check(any("1:5: expected operand, found end of expression" in e for e in errs),
            f"{what}: condition 1 k == is an error when set: {errs}")
    bps = r.first("breakpoints")
    c.equal(bps, [], f"{what}: the bad condition made no breakpoint")
    stops = [s for s in r.stops() if s.get("reason") == "breakpoint"]
    c.check(stops and stops[0].get("breakpoint") == 1 and len(stops) == 1,
            f"{what}: stopped once, by breakpoint 1, its condition unchanged: {stops}")
    args = by_name(r.first("args"))
    c.check("k" in args, f"{what}: the closure's argument k: {args}")
    locs = by_name(r.all("locals")[0] if r.all("locals") else [])
    c.equal(locs.get("total", {}).get("value"), 106, f"{what}: total, captured by reference (&total)")
    c.equal(locs.get("step", {}).get("value"), 3, f"{what}: step, captured by value")
    outer = by_name(r.all("locals")[1] if len(r.all("locals")) > 1 else [])
    c.equal(outer.get("total", {}).get("value"), 106, f"{what}: total in closures() (escaped: &total)")

    # --- scene 1 (kinds) on the -N -l build: every local readable
    p = noopt(go, path)
    cmds = ["break main.stop", "continue", "frame 1 args", "frame 1 locals", "frame 1 locals ^[ae]",
            "frame 1 whatis p", "frame 1 whatis p.X + 1", "whatis main.Point", "whatis 1 << 2",
            "frame 1 print esc", "frame 1 print *addr == esc",
            "set main.I = 7", "print main.I", "p/x main.I", "p/x main.I8", "p/t 5", "p/o 8",
            "p/c 65", "set var main.F64 = 2.5", "print main.F64", "set main.PtPtr.X = 99",
            "print main.PtPtr.X", "set main.Sl[0] = -1", "print main.Sl[0]", "set main.S = main.SUni",
            "print main.S", 'set main.S = "new"', "set main.B = 1", "set $rax = 5", "print $rax",
            "x/4xb &main.I", "x/2dg &main.Arr", "x/s main.Lbl", "funcs ^main\\.Sum", "types ^main\\.Point$",
            "sources values/main.go$", "vars ^main\\.Ch$", "vars ^main\\.Nope", "kill"]
    r = run([p], cmds)
    args = by_name(r.first("args"))
    c.equal(list(args), ["n", "name", "p", "xs", "count"], f"{what}: args of kinds, in order")
    c.equal(args.get("n", {}).get("value"), 4, f"{what}: args n")
    c.equal(args.get("count", {}).get("value"), 9, f"{what}: the named result count")
    c.equal(args.get("p", {}).get("type"), "*main.Point", f"{what}: the type of p")
    locs = r.all("locals")
    l0 = by_name(locs[0] if locs else [])
    c.equal(l0.get("esc", {}).get("value"), 28, f"{what}: esc, escaped to the heap (&esc)")
    c.equal(l0.get("esc", {}).get("type"), "int", f"{what}: esc's type is int, not *int")
    c.equal(l0.get("pt", {}).get("text"), "main.Point {X: 4, Y: -4}", f"{what}: pt")
    c.equal(l0.get("ch", {}).get("text"), "chan int 1/4", f"{what}: ch")
    c.equal(l0.get("e", {}).get("text"), 'error(*main.MyErr) *{Code: 4, Msg: "gopher"}', f"{what}: e")
    c.equal(list(l0)[:3], ["b", "i8", "u16"], f"{what}: locals by declaration line")
    c.equal(sorted(by_name(locs[1] if len(locs) > 1 else [])), ["a", "addr", "arr", "e", "esc"],
            f"{what}: locals ^[ae]")
    types = [rec for rec in r.records if set(rec) == {"expr", "type"}]
    c.equal([t["type"] for t in types], ["*main.Point", "int", "main.Point", "int"], f"{what}: whatis")
    v = values(r)
    c.equal(v.get("esc", [{}])[0].get("value"), 28, f"{what}: print esc")
    c.equal(v.get("*addr == esc", [{}])[0].get("value"), True, f"{what}: *addr == esc")
    c.equal([x.get("value") for x in v.get("main.I", [])], [7, 7, 7], f"{what}: set main.I = 7")
    c.equal(v.get("main.I", [{}, {}, {}])[2].get("text"), "0x7", f"{what}: p/x main.I")
    c.equal(v.get("main.I8", [{}])[0].get("text"), "0x80", f"{what}: p/x main.I8 (-128)")
    c.equal(v.get("5", [{}])[0].get("text"), "101", f"{what}: p/t 5")
    c.equal(v.get("8", [{}])[0].get("text"), "010", f"{what}: p/o 8")
    c.equal(v.get("65", [{}])[0].get("text"), "65 'A'", f"{what}: p/c 65")
    c.equal(v.get("main.F64", [{}, {}])[1].get("value"), 2.5, f"{what}: set var main.F64 = 2.5")
    c.equal(v.get("main.PtPtr.X", [{}, {}])[1].get("value"), 99, f"{what}: set a field through a pointer")
    c.equal(v.get("main.Sl[0]", [{}, {}])[1].get("value"), -1, f"{what}: set an element")
    c.equal(v.get("main.S", [{}, {}])[1].get("value"), "héllo, 世界", f"{what}: set a string to one the program holds")
    errs = r.all("error")
    c.check(any("not in the program's memory" in e for e in errs), f"{what}: set S to a new string: {errs}")
    c.check(any("cannot use 1 (untyped int constant) as bool value" in e for e in errs),
            f"{what}: set B = 1: {errs}")
    c.equal(v.get("$rax", [{}, {}])[1].get("value"), 5, f"{what}: set $rax = 5")
    mems = r.all("memory")
    c.equal(mems[0].get("units") if mems else None, ["0x07", "0x00", "0x00", "0x00"], f"{what}: x/4xb &main.I")
    c.equal(mems[1].get("units") if len(mems) > 1 else None, ["1", "2"], f"{what}: x/2dg &main.Arr")
    c.equal(mems[2].get("units") if len(mems) > 2 else None, ['"gopher"'], f"{what}: x/s main.Lbl")
    funcs = r.first("funcs") or []
    c.check(any(f.startswith("main.Sum[") for f in funcs) and
            all(f.startswith("main.Sum") for f in funcs), f"{what}: funcs ^main\\.Sum: {funcs}")
    c.equal(r.first("types"), ["main.Point"], f"{what}: types ^main\\.Point$")
    c.check(any(s.endswith("values/main.go") for s in r.first("sources") or []), f"{what}: sources")
    gvars = r.all("vars")
    c.equal([(x["name"], x["text"]) for x in gvars[0]] if gvars else None,
            [("main.Ch", "chan int 4/11")], f"{what}: vars ^main\\.Ch$")
    c.equal(gvars[1] if len(gvars) > 1 else None, [], f"{what}: vars that match nothing")

    # --- shadowing, named results, generics (-N -l)
    r = run([p], ["break main.stop", "continue", "continue", "frame 1 locals", "frame 1 print x",
                  "continue", "frame 1 args", "continue", "continue", "frame 1 args",
                  "frame 1 locals", "continue", "continue", "frame 1 args",
                  "continue", "continue", "frame 1 args", "frame 1 print m[k]",
                  "frame 1 print k.X + len(m)", "kill"])
    locs = r.all("locals")
    names = [x["name"] for x in locs[0]] if locs else []
    c.check("(x)" in names and "x" in names and "y" in names, f"{what}: shadowed (x) and x: {names}")
    c.equal(values(r).get("x", [{}])[0].get("value"), "inner", f"{what}: print x is the inner x")
    args = r.all("args")
    named = by_name(args[0] if args else [])
    c.equal([named.get(n, {}).get("value") for n in ("a", "b", "sum")], [5, 6, 11],
            f"{what}: named results sum")
    c.equal(named.get("err", {}).get("text"), "error nil", f"{what}: named result err")
    sums = by_name(args[1] if len(args) > 1 else [])
    c.equal(sums.get("xs", {}).get("text"), "[]int len: 3, cap: 3, [1,2,3]",
            f"{what}: Sum[int]'s xs")
    c.equal(sums.get("xs", {}).get("type"), "[]int", f"{what}: xs's type from the dictionary")
    celsius = by_name(args[2] if len(args) > 2 else [])
    c.equal(celsius.get("xs", {}).get("type"), "[]main.Celsius", f"{what}: Sum[Celsius]'s xs type")
    lk = by_name(args[3] if len(args) > 3 else [])
    c.equal(lk.get("k", {}).get("text"), "main.Point {X: 1, Y: 2}", f"{what}: Lookup's k")
    c.equal(lk.get("m", {}).get("type"), "map[main.Point][]string", f"{what}: Lookup's map type")
    c.equal(values(r).get("m[k]", [{}])[0].get("text"), '[]string len: 2, cap: 2, ["a","b"]',
            f"{what}: a generic map read by key")
    c.equal(values(r).get("k.X + len(m)", [{}])[0].get("value"), 2, f"{what}: arithmetic in generic code")

    # --- text mode: locals as name = value
    p2 = subprocess.run([os.environ.get("GODBG", "godbg"), "run", "--batch", "-q", "-x", "/dev/stdin", p],
                        input="break main.stop\ncontinue\nframe 1 locals ^esc$\nframe 1 print main.Pt\nkill\n",
                        capture_output=True, text=True, timeout=120)
    c.check("esc = 28" in p2.stdout, f"{what}: text locals: {p2.stdout[-300:]}")
    c.check("main.Point {X: 3, Y: -4}" in p2.stdout, f"{what}: text print")

# --- an inlined call's frame has its own variables (demos/inlined: setFlags' body, line 23, is
# inlined into main.reset and into main.main; `break main.go:23` sets both copies, as Delve
# does, and the second hit is main's): frame 0 is setFlags with its argument flags
# (named through the DWARF abstract origin), frame 1 is main.main, which has none; the
# caller's locals are the ones declared before the call's line, as Delve shows them.
for go, variant, path in builds("inlined", ("normal", "pie")):
    what = f"{go} {variant} inlined"
    r = run([path], ["break main.go:23", "continue", "continue", "args", "frame 1 args", "frame 0 print flags",
                     "frame 0 print std.prefix", "kill"])
    args = r.all("args")
    c.equal([x["name"] for x in args[0]] if args else None, ["flags"],
            f"{what}: frame 0 (setFlags, inlined) has its argument")
    c.equal(args[1] if len(args) > 1 else None, [], f"{what}: frame 1 (main.main) has none")
    errs = r.all("error")
    vals = values(r)
    c.check("flags" in vals or any("flags is optimized out" in e for e in errs),
            f"{what}: print flags in the inlined frame reads it or says it is optimized out: "
            f"{errs} {vals.get('flags')}")
    c.equal(vals.get("std.prefix", [{}])[0].get("value"), "inlined: ",
            f"{what}: a package variable from the inlined frame")
c.done()

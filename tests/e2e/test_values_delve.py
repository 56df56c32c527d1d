"""Issue 21: Go values as Delve shows them. demos/values holds variables of every Go kind; at
each scene (a call of main.stop) godbg and Delve print the same table of expressions on the same
binary, in the same frame, and the answers must agree after whitespace (and heap addresses,
which Go 1.26 randomizes per run) are normalized. Where godbg answers differently on purpose, the
table says what godbg shows and why (DIFF); where both fail, godbg's reason is checked (ERR).

Toolchains: the newest Go (from the demos) and Go 1.27.3 (built here with GOTOOLCHAIN=go1.27.3
when that toolchain is available), each as built (optimized) and with -gcflags=all=-N -l.
Go 1.19 cannot run under current Delve: its answers are checked against values written here.
Skipped, with a message, when Delve is not installed.
"""
import os
import re
import shutil
import subprocess
import sys

from godbg_e2e import DEMO_DIR, SOURCE_DIR, Checks, demo, go_versions, run

dlv = os.environ.get("DLV") or shutil.which("dlv") or os.path.expanduser("~/go/bin/dlv")
GO = shutil.which("go") or "/usr/local/go/bin/go"

# --- the table ------------------------------------------------------------------------------
# Each row: (scene, frame, expr, expect). scene: which hit of main.stop (1 = kinds, 2 = shadow,
# 3 = named, 4 = the closure, 5-7 = Sum[int], Sum[float64], Sum[Celsius], 8-9 = Lookup[string,
# int], Lookup[Point, []string]); frame: 1 is the scene's function, 2 its caller.
# expect: SAME (Delve's text), ("DIFF", godbg's text or "re:REGEX", why), ("ERR", part of
# godbg's error, why Delve's answer is not the point).
SAME = "same"


def DIFF(text, why):
    return ("DIFF", text, why)


def ERR(part, why=""):
    return ("ERR", part, why)


CHAN_WHY = ("Delve's print dumps the runtime's hchan struct (its fields differ between Go "
            "releases); godbg shows len/cap, as Delve itself does on one line")

GLOBALS = [
    # scalars of every basic and named type
    "B", "BFalse", "I", "main.I", "I8", "I16", "I32", "I64", "U", "U8", "U16", "U32", "U64", "UP",
    "F32", "F64", "FNeg", "FBig", "FTiny", "FWhole", "FNaN", "FInf", "FNInf", "FNegZero", "C64",
    "C128", "By", "R", "Temp", "Ident", "Lbl", "Fl", "Day", "Dur", "DurNeg",
    # strings
    "S", "SEmpty", "SUni", "SEsc", "SBad", "SLong", "SMulti", "len(SLong)", "SLong[990:]",
    # pointers and structs
    "Pt", "PtPtr", "PtNil", "IntPtr", "IntPP", "*IntPP", "**IntPP", "UPtr", "Rec", "RecPtr",
    "Anon", "Empty", "List", "List.Next", "List.Next.Next", "*List.Next.Next", "Deep", "DeepPtr",
    "Deep.Next", "Deep.Next.Next", "Deep.Next.Next.Next",
    # arrays and slices
    "Arr", "Arr0", "ArrS", "Mat", "ArrBig", "ArrPts", "ArrPtr", "Sl", "SlNil", "SlEmpty", "SlStr",
    "SlSl", "SlPtrs", "SlBytes", "SlRunes", "SlF", "SlCap", "SlLong", "SlPtr", "Huge", "Nested",
    "SlAny", "SlErr", "Funcs", "Ifaces",
    # maps of every shape
    "M", "MNil", "MEmpty", "MInt", "MPt", "MSl", "MPtr", "MBig", "MHuge", "MLarge", "MIface",
    "MNested", "MF", "MBool", "MAny",
    # funcs
    "Fn", "FnNil", "FnClos", "FnMeth", "FnH", "FnExpr", "FnGen",
    # interfaces holding each kind
    "Any", "AnyNil", "AnyInt", "AnyStr", "AnyF", "AnyB", "AnyPt", "AnyPtr", "AnySl", "AnyMap",
    "AnyFn", "AnyNamed", "AnyNilP", "AnyArr", "AnyCplx", "AnyAny", "Err", "ErrNil", "ErrMy",
    "ErrWrap", "Shp", "ShpPtr", "ShpNil", "Str",
    # time values, generics
    "When", "WhenZero", "PairSI", "PairPt", "StackI", "StackS", "StackI.items",
    # selectors: fields, promoted fields through an embedded struct and an embedded pointer
    "Pt.X", "PtPtr.Y", "(*PtPtr).X", "Rec.ID", "Rec.Tags", "Rec.Base", "Rec.Owner", "Rec.Meta",
    "Rec.Meta.Version", "RecPtr.Version", "RecPtr.Base.Tags[1]", "Rec.Name", "Anon.B",
    "PairSI.Key", "PairPt.Val", "MLarge", "ErrMy.(*main.MyErr).Code",
    # indexing, slicing
    "Arr[0]", "Arr[4]", "ArrS[1]", "Mat[1][0]", "ArrPts[1].Y", "ArrPtr[2]", "Sl[0]", "Sl[len(Sl)-1]",
    "Sl[1:3]", "Sl[:2]", "Sl[3:]", "Arr[1:4]", "ArrPtr[:2]", "SlStr[2]", "SlSl[1]", "SlSl[1][1]",
    "SlPtrs[0]", "SlPtrs[0].X", "SlBytes[0]", "S[0]", "S[7:]", "S[:5]", "SUni[1:3]", "Huge[999999]",
    "Huge[500000:500004]", "SlLong[199]", "M[\"two\"]", "MInt[3]", "MPt[main.Point{1, 2}]",
    "MSl[\"odds\"]", "MSl[\"odds\"][1]", "MPtr[1]", "MPtr[1].Y", "MBig[150]", "MHuge[99999]",
    "MNested[\"a\"][\"x\"]", "MF[1.5]", "MBool[true]", "MIface[\"k\"]", "MAny[\"pt\"]", "SlAny[3]",
    "SlAny[4]", "Funcs[0]",
    # arithmetic with Go's typing
    "I + 1", "I * 2 - 3", "I / 5", "I % 5", "-I", "U8 * U8", "U8 + 100", "I8 - 1", "I8 * 2",
    "I16 + 1", "U16 + 1", "U32 * 2", "U64 + U64", "F64 * 2", "F64 / 2", "F32 * 3", "FBig / 10",
    "Temp + 1", "C128 * 2", "C64 + C64", "1 + 2", "7 / 2", "7.0 / 2", "1 << 10", "-7 % 3", "0x10",
    "0o17", "0b101", "1_000_000", "1e3", "0x1p4", "'a'", "'\\n'", "'世'", "\"\\u4e16\"",
    "`raw\\n`", "\"a\" + \"b\"", "S + \"!\"", "len(S)", "len(SUni)", "cap(Sl[1:3])", "len(M)",
    "len(MHuge)", "len(ArrPtr)", "len(Ch)", "cap(Ch)", "len(ChPt)", "cap(ChClosed)", "real(C128)",
    "imag(C64)", "complex(1, 2)", "I & 0xff", "I | 1", "I ^ 7", "I &^ 2", "I << 2", "I >> 1",
    "U8 >> 3",
    # comparisons and logic
    "I == -42", "I != 3 && B", "!B", "3 > 2", "S == \"hello, world\"", "S < \"z\"", "PtNil == nil",
    "PtPtr != nil", "Err == nil", "ErrNil == nil", "SlNil == nil", "MNil == nil", "Pt == Pt",
    "B || BFalse", "I > 0 || B", "F64 > 3.14", "U64 > 1", "true", "false", "nil",
    # conversions
    "float32(I)", "int8(I16)", "uint8(I)", "uint16(I32)", "int(F64)", "string(SlBytes)",
    "[]byte(S)", "[]rune(SUni)", "string(R)", "main.Celsius(5)", "float64(Temp)",
    "(*main.Point)(PtPtr)", "uintptr(unsafe.Pointer(PtPtr))", "*PtPtr", "main.Weekday(1)",
    # type assertions
    "Any.(main.Point)", "Any.(main.Point).X", "AnyInt.(int)", "AnyPtr.(*main.Point)",
    "Err.(*errors.errorString)", "Shp.(main.Rect).W", "AnyNamed.(main.Celsius)",
    # builtins
    "min(1, 2, 3)", "max(F64, 2)", "min(I, -100)", "max(S, \"zz\")",
    # package constants (DW_TAG_constant: Go writes the integer ones)
    "math.MaxInt64", "time.Second", "time.July", "strconv.IntSize", "\"unicode/utf8\".RuneError",
    "I + strconv.IntSize", "time.Second * 2",
    # values of named types described by their constants (Day, Fl above), constants themselves
    "main.Tuesday", "Fl | main.FlagMid", "Day + 1", "Fl & main.FlagLow",
    "U64 > math.MaxInt64", "F64 < math.MaxInt64", "U8 + strconv.IntSize",
]

GLOBAL_EXPECT = {
    # Channels: see CHAN_WHY.
    **{e: DIFF(t, CHAN_WHY) for e, t in (
        ("Ch", "chan int 4/11"), ("ChNil", "chan int nil"), ("ChUnbuf", "chan string 0/0"),
        ("ChStruct", "chan struct {} 1/1"), ("ChRecv", "<-chan int 4/11"),
        ("ChSend", "chan<- int 4/11"), ("ChClosed", "chan int 1/2"),
        ("ChPt", "chan main.Point 1/3"), ("AnyCh", "interface {}(chan int) chan int 4/11"))},
    # Where a map's entries sit depends on the hash seed of the process, and godbg and Delve
    # each run the program once: the 64 entries shown differ. Each must be k: -k, and 136 more.
    "MBig": DIFF("re:map\\[int\\]int \\[ (-?\\d+: -?\\d+, ){64}\\.\\.\\.\\+136 more \\]",
                 "entry order: the hash seed of each run"),
    "MHuge": DIFF("re:map\\[int\\]int \\[ (\\d+: \\d+, ){64}\\.\\.\\.\\+99936 more \\]",
                  "entry order: the hash seed of each run"),
    "WhenLocal": DIFF("re:time.Time\\(2023-07-01T00:00:00\\+02:00\\)",
                      "Delve looks the zone up by name in the host's tz database and shows UTC "
                      "when it is not there (a fixed zone like CEST never is); godbg reads the "
                      "offset from the time's own Location"),
    "^U8": DIFF("55", "Go's ^ on a uint8 flips its 8 bits; Delve computes it as a signed number "
                      "(-201)"),
    "unsafe.Pointer(PtPtr)": DIFF("re:unsafe.Pointer\\(0x[0-9a-f]+\\)",
                                  "Delve follows the unsafe.Pointer and reports its target "
                                  "unreadable"),
    "AnyArr": DIFF("interface {}([2]bool) [true,false]",
                   "Delve cannot resolve an array held in an interface"),
    "ShpPtr": DIFF("main.Shape(*main.Circle) *{R: 1}",
                   "Delve cannot resolve this interface's dynamic type"),
    "Pt.Norm1": DIFF("main.Point.Norm1", "a method value: Delve tries to call it"),
    "PtPtr.Scale": DIFF("main.(*Point).Scale", "a method value through a pointer; Delve has "
                                               "no member Scale"),
    "Rec.Describe": DIFF("main.(*Base).Describe", "a promoted method value; Delve has no member "
                                                  "Describe"),
    "main.Point.Norm1": DIFF("main.Point.Norm1", "a method expression"),
    "main.double": SAME,
    "double": SAME,
    "^I": SAME,
    "main.Sum[int]": DIFF("main.Sum[int]", "a generic function instantiated by name"),
    "ArrPtr[:2]": DIFF("[]int len: 2, cap: 5, [1,2]", "Delve cannot slice a pointer to an array"),
    "Sl[1:3:4]": DIFF("[]int len: 2, cap: 3, [20,30]", "Delve has no 3-index slices"),
    "\"strings\".ToUpper": SAME,
    # Go writes an untyped constant with its default type (int); godbg keeps it untyped, as Go.
    **{e: DIFF(t, "an untyped constant: Delve gives it its DWARF type (int) and finds the types "
                  "mismatched; Go, and godbg, convert it") for e, t in (
        ("U64 > math.MaxInt64", "true"), ("F64 < math.MaxInt64", "true"),
        ("U8 + strconv.IntSize", "8"))},
    "Sl[10]": ERR("runtime error: index out of range [10] with length 5"),
    "Sl[-1]": ERR("invalid argument: index -1 (untyped int constant) must not be negative"),
    "Arr[7]": ERR("invalid argument: index 7 out of bounds [0:5]"),
    "M[\"nope\"]": ERR("key \"nope\" not in map"),
    "I + F64": ERR("invalid operation: I + F64 (mismatched types int and float64)"),
    "I + 0.5": ERR("0.5 (untyped float constant) truncated to int"),
    "I8 + 300": ERR("300 (untyped int constant) overflows int8"),
    "S + 1": ERR("mismatched types string and untyped int"),
    "AnyInt.(string)": ERR("interface conversion: interface {} is int, not string"),
    "I / 0": ERR("runtime error: integer divide by zero"),
    "1 / 0": ERR("invalid operation: division by zero"),
    "nosuch": ERR("undefined: nosuch"),
    "main.nosuch": ERR("undefined: main.nosuch"),
    "Pt.Z": ERR("Pt.Z undefined (type main.Point has no field or method Z)"),
    "I +": ERR("1:4: expected operand, found end of expression"),
    "(1": ERR("1:3: expected ')', found end of expression"),
    "Sl[3:2]": ERR("runtime error: slice bounds out of range [3:2]"),
    "S[1:2:3]": ERR("invalid operation: 3-index slice of string"),
    "int8(300)": ERR("constant 300 overflows int8"),
    "len(I)": ERR("invalid argument: I (variable of type int) for built-in len"),
}
EXTRA_GLOBALS = [e for e in GLOBAL_EXPECT if e not in GLOBALS]

# Scenes with locals: escaped variables, shadowing, named results, closures, generics.
LOCALS = [
    (1, 1, "n"), (1, 1, "name"), (1, 1, "p"), (1, 1, "p.X"), (1, 1, "xs"), (1, 1, "xs[2]"),
    (1, 1, "b"), (1, 1, "i8"), (1, 1, "u16"), (1, 1, "f"), (1, 1, "c"), (1, 1, "s"), (1, 1, "pt"),
    (1, 1, "arr"), (1, 1, "sl"), (1, 1, "m"), (1, 1, "e"), (1, 1, "a"), (1, 1, "fn"),
    (1, 1, "esc"), (1, 1, "addr"), (1, 1, "*addr"), (1, 1, "count"), (1, 1, "esc + n"),
    (1, 1, "len(sl) + len(xs)"), (1, 1, "pt.X * 2"),
    (2, 1, "v"), (2, 1, "x"), (2, 1, "y"), (2, 1, "x + y"),
    (3, 1, "a"), (3, 1, "b"), (3, 1, "sum"), (3, 1, "err"), (3, 1, "sum == a + b"),
    (4, 1, "k"), (4, 1, "total"), (4, 1, "step"), (4, 1, "total * step"),
    (4, 2, "start"), (4, 2, "total"), (4, 2, "step"), (4, 2, "add"),
    (5, 1, "xs"), (5, 1, "total"), (5, 1, "xs[0] + total"), (5, 1, "len(xs)"),
    (6, 1, "xs"), (6, 1, "total"), (6, 1, "xs[1]"),
    (7, 1, "xs"), (7, 1, "total"), (7, 1, "total + 1"),
    (8, 1, "m"), (8, 1, "k"), (8, 1, "v"), (8, 1, "ok"), (8, 1, "m[k]"),
    (9, 1, "m"), (9, 1, "k"), (9, 1, "v"), (9, 1, "ok"), (9, 1, "m[k]"), (9, 1, "len(m)"),
    (9, 1, "k.X + k.Y"),
]
LOCAL_EXPECT = {}

TABLE = [(1, 1, e, GLOBAL_EXPECT.get(e, SAME)) for e in GLOBALS + EXTRA_GLOBALS]
TABLE += [(s, f, e, LOCAL_EXPECT.get((s, f, e), SAME)) for s, f, e in LOCALS]

# Go 1.19 (no Delve): what godbg must print there.
GO119 = {
    "I": "-42", "I8": "-128", "U": "18446744073709551615", "U8": "200", "UP": "3735928559",
    "F32": "0.1", "F64": "3.141592653589793", "FBig": "1000000000000000000000", "FTiny": "0.0000001",
    "FNaN": "NaN", "FInf": "+Inf", "FNInf": "-Inf", "FNegZero": "0", "C64": "(1.5 + -2i)",
    "C128": "(0 + 1i)", "By": "65", "R": "19990", "Temp": "36.6", "Lbl": "\"gopher\"", "Day": "Tuesday (2)",
    "S": "\"hello, world\"", "SUni": "\"héllo, 世界\"", "SBad": "\"bad \\xff\\xfe utf8\"",
    "SLong": "\"abcdefghij" * 1 + "abcdefghij" * 5 + "abcd...+936 more\"",
    "Pt": "main.Point {X: 3, Y: -4}", "PtPtr.Y": "20", "PtNil": "*main.Point nil",
    "**IntPP": "-42", "Rec.Owner": "\"ops\"", "Rec.ID": "11", "RecPtr.Version": "2",
    "Anon": "struct { A int; B int } {A: 1, B: 2}", "Arr": "[5]int [1,2,3,4,5]",
    "Sl": "[]int len: 5, cap: 5, [10,20,30,40,50]", "SlNil": "[]int len: 0, cap: 0, nil",
    "Sl[1:3]": "[]int len: 2, cap: 4, [20,30]", "Sl[1:3:4]": "[]int len: 2, cap: 3, [20,30]",
    "SlF": "[]float64 len: 3, cap: 3, [0.5,NaN,-Inf]", "Huge[999999]": "2999997",
    "len(MHuge)": "100000", "MHuge[99999]": "99999", "MBig[150]": "-150", "M[\"two\"]": "2",
    "MPt[main.Point{1, 2}]": "true", "MNil": "map[string]int nil", "MEmpty": "map[string]int []",
    "Ch": "chan int 4/11", "ChNil": "chan int nil", "len(Ch)": "4", "cap(Ch)": "11",
    "Fn": "strings.ToUpper", "FnNil": "nil", "FnH": "main.double", "FnExpr": "main.Point.Norm1",
    "Any": "interface {}(main.Point) {X: 3, Y: -4}", "AnyInt": "interface {}(int) 42",
    "AnyNil": "interface {} nil", "AnyPtr": "interface {}(*main.Point) *{X: 9, Y: 10}",
    "Err": "error(*errors.errorString) *{s: \"boom\"}", "ErrNil": "error nil",
    "Shp": "main.Shape(main.Rect) {W: 2, H: 3}", "Any.(main.Point).X": "3",
    "WhenZero": "re:time.Time\\(0001-01-01T00:00:00Z\\)", "PairSI": "main.Pair[string,int] {Key: \"age\", Val: 30}",
    "U8 * U8": "64", "I8 * 2": "0", "^U8": "55", "7.0 / 2": "3.5", "1 << 10": "1024",
    "I + F64": "ERR:mismatched types int and float64", "I8 + 300": "ERR:overflows int8",
    "uint8(I)": "214", "string(R)": "\"世\"", "[]byte(S)[:3]": "[]uint8 len: 3, cap: 12, [104,101,108]",
    "min(1, 2, 3)": "1", "max(F64, 2)": "3.141592653589793", "real(C128)": "0", "imag(C64)": "-2",
    "S == \"hello, world\"": "true", "PtNil == nil": "true", "len(SLong)": "1000",
    "math.MaxInt64": "9223372036854775807", "time.Second": "1000000000", "time.July": "7",
    "I + strconv.IntSize": "22", "Fl": "FlagLow|FlagHigh (129)", "main.Tuesday": "2",
    "Fl | main.FlagMid": "FlagLow|FlagMid|FlagHigh (137)", "U64 > math.MaxInt64": "true",
    "U8 + strconv.IntSize": "8",
}
GO119_LOCALS = [(1, 1, "esc", "28"), (2, 1, "x", "\"inner\""), (2, 1, "y", "\"inner!\""),
                (3, 1, "sum", "11"), (5, 1, "total", "6"), (6, 1, "total", "0.75"),
                (7, 1, "total", "3.5"), (8, 1, "v", "9"), (9, 1, "k", "main.Point {X: 1, Y: 2}"),
                (4, 2, "total", "106")]


# --- running the debuggers -------------------------------------------------------------------
MARK = "@@{}@@"
HEX = re.compile(r"0x[0-9a-f]+")


def norm(text):
    return HEX.sub("0x?", re.sub(r"\s+", "", text or ""))


def commands(rows):
    """The command lines for both debuggers, scene by scene, with a marker before each row."""
    by_scene = {}
    for i, (scene, frame, expr, _) in enumerate(rows):
        by_scene.setdefault(scene, []).append((i, frame, expr))
    lines = ["break main.stop"]
    for scene in range(1, max(by_scene) + 1):
        lines.append("continue")
        for i, frame, expr in by_scene.get(scene, []):
            lines.append(f'print "{MARK.format(i)}"')
            lines.append(f"frame {frame} print {expr}")
    return lines


def godbg_answers(path, rows):
    r = run([path], commands(rows) + ["kill"], timeout=300)
    out, cur = {}, None
    for rec in r.records:
        text = rec.get("text")
        if isinstance(text, str) and re.fullmatch(r'"@@\d+@@"', text):
            cur = int(text[3:-3])
            continue
        if cur is None:
            continue
        if "error" in rec:
            out[cur] = ("error", re.sub(r"^.*?:\d+: ", "", rec["error"], count=1))
        elif "text" in rec and cur not in out:
            out[cur] = ("value", rec["text"])
    return out, r


def delve_answers(path, rows):
    init = os.path.join(os.path.dirname(path), os.path.basename(path) + ".dlv-init")
    with open(init, "w") as f:
        f.write("\n".join(commands(rows) + ["exit"]) + "\n")
    p = subprocess.run([dlv, "exec", path, "--init", init, "--allow-non-terminal-interactive=true"],
                       capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    out = {}
    parts = re.split(r'"@@(\d+)@@"\n', p.stdout)
    for j in range(1, len(parts) - 1, 2):
        i = int(parts[j])
        chunk = parts[j + 1]
        if i + 1 < len(rows) or j + 2 < len(parts):
            pass
        # The last answer of a scene runs into the next stop's banner and source lines.
        chunk = re.split(r"\n> (?:\[Breakpoint|main\.|Process)", chunk)[0]
        chunk = re.sub(r"\n\s*Goroutines waiting on this channel:\s*$", "", chunk.rstrip("\n"))
        m = re.match(r"^\S*\.dlv-init:\d+: (.*)$", chunk, re.S)
        out[i] = ("error", m.group(1)) if m else ("value", chunk)
    return out, p


def toolchain_binaries():
    """(label, path) of the fixture for each toolchain Delve can run, optimized and -N -l."""
    versions = sorted(go_versions(), key=lambda v: tuple(int(x) for x in re.findall(r"\d+", v)[:3]))
    out = []
    newest = versions[-1]
    out.append((f"{newest}", demo(newest, "normal", "values")))
    src = os.path.join(SOURCE_DIR, "demos", "values")
    cache = os.path.join(DEMO_DIR, "values-extra")
    os.makedirs(cache, exist_ok=True)

    def build(label, env_extra, flags):
        dest = os.path.join(cache, label, "values")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        fresh = os.path.exists(dest) and os.path.getmtime(dest) > os.path.getmtime(
            os.path.join(src, "main.go"))
        if not fresh:
            env = dict(os.environ, GOFLAGS="-mod=mod", CGO_ENABLED="0", **env_extra)
            p = subprocess.run([GO, "build", "-trimpath=false", *flags, "-o", dest, "."], cwd=src,
                               env=env, capture_output=True, text=True, timeout=600)
            if p.returncode != 0:
                print(f"note: cannot build {label}: {p.stderr.strip()[-300:]}")
                return None
        return dest

    b = build(f"{newest}-noopt", {"GOTOOLCHAIN": "local"}, ["-gcflags=all=-N -l"])
    if b:
        out.append((f"{newest} -N -l", b))
    probe = subprocess.run([GO, "version"], env=dict(os.environ, GOTOOLCHAIN="go1.27.3"),
                           capture_output=True, text=True, timeout=300)
    if probe.returncode == 0 and "go1.27.3" in probe.stdout:
        for label, flags in (("go1.27.3", []), ("go1.27.3-noopt", ["-gcflags=all=-N -l"])):
            b = build(label, {"GOTOOLCHAIN": "go1.27.3"}, flags)
            if b:
                out.append((label.replace("-noopt", " -N -l"), b))
    else:
        print("note: Go 1.27.3 is not available (GOTOOLCHAIN=go1.27.3 go version failed)")
    return out


def matches(expect_text, got):
    if expect_text.startswith("re:"):
        return re.match(expect_text[3:], re.sub(r"\s+", " ", got or "").strip(), re.S) is not None
    return norm(expect_text) == norm(got)


c = Checks()
if not os.access(dlv, os.X_OK):
    print("SKIP: Delve not found (set DLV, or go install github.com/go-delve/delve/cmd/dlv@latest)")
    sys.exit(0)

print(f"{len(TABLE)} expressions in the table")
c.check(len(TABLE) >= 250, f"the table has at least 250 expressions ({len(TABLE)})")
report = []
for label, path in toolchain_binaries():
    ours, r = godbg_answers(path, TABLE)
    theirs, p = delve_answers(path, TABLE)
    c.check(len(theirs) >= len(TABLE) * 0.9,
            f"{label}: Delve answered {len(theirs)} of {len(TABLE)}; stderr: {p.stderr[-500:]}")
    same = both_fail = differ = 0
    optimized = " -N -l" not in label
    for i, (scene, frame, expr, expect) in enumerate(TABLE):
        what = f"{label}: scene {scene} frame {frame}: print {expr}"
        got = ours.get(i)
        dl = theirs.get(i)
        if got is None:
            c.check(False, f"{what}: godbg printed nothing; stderr: {r.stderr[-300:]}")
            continue
        ours_failed = (got[0] == "error" or got[1].startswith("(unreadable") or
                       "partly optimized out" in got[1])
        theirs_failed = dl is None or dl[0] == "error" or "(unreadable" in dl[1]
        if isinstance(expect, tuple) and expect[0] == "ERR":
            c.check(got[0] == "error" and expect[1] in got[1], f"{what}: godbg's error: {got}")
            continue
        if isinstance(expect, tuple) and expect[0] == "DIFF":
            ok = got[0] == "value" and matches(expect[1], got[1])
            c.check(ok, f"{what}: godbg shows {got!r}, the table says {expect[1]!r}")
            differ += 1
            if dl and norm(dl[1]) == norm(got[1]):
                report.append(f"{what}: listed as a difference but Delve agrees now")
            continue
        if ours_failed and theirs_failed:
            # Optimized code: a variable neither can read (both must fail, with reasons).
            both_fail += 1
            c.check(optimized, f"{what}: both fail in an unoptimized build: {got} / {dl}")
            continue
        if theirs_failed and not ours_failed:
            # Delve cannot read what godbg reads: listed in the notes, with both answers.
            differ += 1
            report.append(f"{what}: godbg reads {got[1]!r} where Delve fails ({dl})")
            continue
        ok = got[0] == "value" and dl[0] == "value" and norm(got[1]) == norm(dl[1])
        c.check(ok, f"{what}: godbg {got!r} vs Delve {dl!r}")
        same += ok
    print(f"{label}: {same} the same as Delve, {differ} different on purpose, {both_fail} "
          f"unreadable to both (optimized code)")

# Go 1.19: values written here.
old = [v for v in go_versions() if v.startswith("go1.19")]
go119 = "/usr/lib/go-1.19/bin/go"
for go in old:
    # The globals on the demo as built; the locals with -N -l, where Go 1.19 keeps them all.
    rows = [(1, 1, e, v) for e, v in GO119.items()]
    ours, r = godbg_answers(demo(go, "normal", "values"), rows)
    noopt = os.path.join(DEMO_DIR, "values-extra", f"{go}-noopt", "values")
    os.makedirs(os.path.dirname(noopt), exist_ok=True)
    if os.path.exists(go119) and not (os.path.exists(noopt) and os.path.getmtime(noopt) >
                                      os.path.getmtime(os.path.join(SOURCE_DIR, "demos", "values",
                                                                    "main.go"))):
        subprocess.run([go119, "build", "-gcflags=all=-N -l", "-o", noopt, "."],
                       cwd=os.path.join(SOURCE_DIR, "demos", "values"),
                       env=dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="-mod=mod",
                                CGO_ENABLED="0"), check=True, timeout=600)
    lrows = [(s, f, e, v) for s, f, e, v in GO119_LOCALS]
    lours, _ = godbg_answers(noopt, lrows)
    for i, row in enumerate(lrows):
        ours[len(rows) + i] = lours.get(i)
    rows += lrows
    for i, (scene, frame, expr, want) in enumerate(rows):
        got = ours.get(i)
        what = f"{go}: scene {scene}: print {expr}"
        if want.startswith("ERR:"):
            c.check(got and got[0] == "error" and want[4:] in got[1], f"{what}: {got}")
        else:
            c.check(got and got[0] == "value" and matches(want, got[1]),
                    f"{what}: got {got!r}, want {want!r}")

for line in report:
    print("note:", line)
c.done()

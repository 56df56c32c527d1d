"""Issue 3: symbols from DWARF and .gopclntab — FILE:LINE breakpoints, bt, list, the start
record's Go version and symbol source — on every toolchain, normal, PIE and stripped."""
import os

from godbg_e2e import Checks, builds, go_command, run

c = Checks(feature="break & bt")


def names(frames):
    return [f.get("function") for f in frames or []]


def source_lines(rec):
    return {l["line"]: l for l in (rec or {}).get("lines", [])}


# break main.go:6 in hello stops at line 6 of main.main; bt; list around it.
for go, variant, path in builds("hello"):
    what = f"{go} {variant} hello"
    r = run([path], ["break main.go:6", "continue", "bt", "list", "list main.main", "continue"])
    c.equal(r.status, 0, f"{what}: exit status")
    start = r.events("start")
    c.check(start and start[0].get("go_version") == go, f"{what}: start names {go}: {start}")
    want_symbols = "pclntab" if variant == "stripped" else "dwarf"
    c.check(start and start[0].get("symbols") == want_symbols, f"{what}: symbols {want_symbols}: {start}")
    stops = [s for s in r.stops() if s["reason"] == "breakpoint"]
    c.check(len(stops) == 1 and stops[0].get("function") == "main.main" and stops[0].get("line") == 6
            and stops[0].get("file", "").endswith("hello/main.go"), f"{what}: stops at main.go:6: {stops}")
    c.equal(names(r.first("frames"))[:3], ["main.main", "runtime.main", "runtime.goexit"], f"{what}: bt")
    sources = r.all("source")
    c.check(len(sources) == 2, f"{what}: two listings: {sources}")
    if sources:
        lines = source_lines(sources[0])
        c.check(6 in lines and lines[6]["current"] and "fmt.Println" in lines[6]["text"],
                f"{what}: list marks line 6: {sources[0]}")
        c.check(sources[0]["file"].endswith("hello/main.go"), f"{what}: list names main.go")
    if len(sources) > 1:
        c.check("func main() {" in [l["text"] for l in sources[1]["lines"]], f"{what}: list main.main")
    c.check(r.events("exit") and r.events("exit")[-1].get("status") == 0, f"{what}: exits 0")

# Stripped builds: break main.main, bt and list work from the pclntab; the Go version is known;
# print says plainly why it cannot work.
for go, variant, path in builds("waiters", ("stripped",)):
    what = f"{go} {variant} waiters"
    r = run([path], ["break main.main", "break main.checkpoint", "continue", "bt", "list",
                     "continue", "bt", "list main.go:53", "print main.Counter", "kill"])
    start = r.events("start")
    c.check(start and start[0].get("go_version") == go and start[0].get("symbols") == "pclntab",
            f"{what}: start record: {start}")
    stops = [s for s in r.stops() if s["reason"] == "breakpoint"]
    c.check(len(stops) == 2 and stops[0]["function"] == "main.main" and stops[1]["function"] == "main.checkpoint",
            f"{what}: stops in main.main then main.checkpoint: {stops}")
    frames = r.all("frames")
    c.check(len(frames) == 2 and names(frames[0])[:3] == ["main.main", "runtime.main", "runtime.goexit"],
            f"{what}: bt in main.main: {[names(f) for f in frames]}")
    c.check(len(frames) == 2 and names(frames[1])[:4] == ["main.checkpoint", "main.main", "runtime.main", "runtime.goexit"],
            f"{what}: bt in main.checkpoint")
    c.check(len(frames) == 2 and frames[1][0].get("line") == 53, f"{what}: checkpoint at line 53")
    sources = r.all("source")
    c.check(len(sources) == 2, f"{what}: list works without DWARF: {sources}")
    if len(sources) == 2:
        c.check(any(l["current"] for l in sources[0]["lines"]), f"{what}: list marks the current line")
        c.check("total := n + p.X + p.Y" in source_lines(sources[1]).get(53, {}).get("text", ""),
                f"{what}: list main.go:53")
    errors = [e for e in r.all("error") if "DWARF" in e]
    c.check(errors, f"{what}: print explains that the binary has no DWARF: {r.all('error')}")

# A stripped Go program godbg's authors did not write: the go toolchain's own `gofmt`, stripped
# here. break main.main, bt and list (the source ships with the toolchain) work.
import shutil
import subprocess
import tempfile

for go in sorted({g for g, _, _ in builds("hello", ("normal",))}):
    gobin = go_command(go)
    if not os.path.exists(gobin):
        continue
    tmp = tempfile.mkdtemp()
    exe = os.path.join(tmp, "gofmt")
    env = dict(os.environ, GOTOOLCHAIN="local", CGO_ENABLED="0", GOFLAGS="")
    p = subprocess.run([gobin, "build", "-ldflags=-s -w", "-o", exe, "cmd/gofmt"], env=env,
                       capture_output=True, text=True, cwd=tmp)
    if p.returncode != 0:
        print(f"skip gofmt {go}: {p.stderr.strip()[:200]}")
        shutil.rmtree(tmp, ignore_errors=True)
        continue
    what = f"{go} stripped gofmt"
    r = run([exe, "-l", os.path.join(os.environ.get("GODBG_SOURCE_DIR", "."), "demos", "hello")],
            ["break main.main", "continue", "bt", "list", "kill"])
    start = r.events("start")
    c.check(start and start[0].get("go_version") == go and start[0].get("symbols") == "pclntab",
            f"{what}: start record: {start}")
    stops = [s for s in r.stops() if s["reason"] == "breakpoint"]
    c.check(stops and stops[0]["function"] == "main.main", f"{what}: break main.main: {stops}")
    c.equal(names(r.first("frames"))[:3], ["main.main", "runtime.main", "runtime.goexit"], f"{what}: bt")
    src = r.first("source")
    c.check(src and src["file"].endswith("gofmt/gofmt.go") and any(l["current"] for l in src["lines"]),
            f"{what}: list shows gofmt.go: {src}")
    shutil.rmtree(tmp, ignore_errors=True)

c.done()

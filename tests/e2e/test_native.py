"""Issue 8: non-Go programs. A C program, with and without debug info (demos/native/hello.c,
built by scripts/build_demos.sh into DEMO_DIR/native/{debug,nodebug}/hello), works as with a
plain native debugger: break main, continue, bt, regs, disassemble; Go-only commands say it is
not a Go program. bt unwinds C code through .eh_frame (there with or without -g), so the caller
is right at a function's entry and in its prologue too."""
import os

from godbg_e2e import DEMO_DIR, Checks, run

c = Checks()


for kind in ("debug", "nodebug"):
    path = os.path.join(DEMO_DIR, "native", kind, "hello")
    what = f"native {kind}"
    if not os.path.exists(path):
        c.check(False, f"{what}: {path} not built (scripts/build_demos.sh needs gcc)")
        continue
    r = run([path], ["break main", "continue", "bt", "regs", "disassemble", "goroutines",
                     "startup", "break square", "continue", "bt", "continue", "continue", "continue"])
    start = r.events("start")
    c.check(start and start[0].get("go_version") is None, f"{what}: no Go version: {start}")
    c.equal(start[0].get("symbols") if start else None, "dwarf" if kind == "debug" else "symtab",
            f"{what}: symbol source")
    stops = [s for s in r.stops() if s["reason"] == "breakpoint"]
    c.equal([s.get("function") for s in stops], ["main", "square", "square", "square"],
            f"{what}: breakpoint stops")
    if kind == "debug":
        c.check(stops and stops[0].get("file", "").endswith("hello.c") and stops[0].get("line"),
                f"{what}: main has a file and line: {stops[:1]}")
    frames = r.all("frames")
    c.check(frames and frames[0] and frames[0][0].get("function") == "main", f"{what}: bt in main: {frames[:1]}")
    regs = r.first("registers")
    c.check(regs and stops and regs.get("rip") == stops[0]["pc"], f"{what}: regs rip is the stop pc")
    c.check(regs and "fs_base" in regs and "rsp" in regs, f"{what}: regs has rsp and fs_base")
    ins = r.first("instructions")
    c.check(ins and any(i.get("current") for i in ins), f"{what}: disassemble marks the current instruction")
    c.check(ins and stops and ins[0]["address"] <= stops[0]["pc"], f"{what}: disassemble around the pc")
    c.check(ins and all(i.get("bytes", "")[:2] != "cc" or i["address"] != stops[0]["pc"] for i in ins),
            f"{what}: disassemble shows original bytes, not int3")
    errors = [e["error"] for e in r.records if "error" in e]
    for cmd in ("goroutines", "startup"):
        c.check(any(cmd in e and "not a Go program" in e for e in errors),
                f"{what}: {cmd} says it is not a Go program: {errors}")
    c.check("native hello 14" in r.stdout, f"{what}: the program ran to its end")
    exits = r.events("exit")
    c.check(exits and exits[-1].get("status") == 0, f"{what}: exit status 0: {exits}")
    c.check(all(f.get("function") != "_fini" for fr in frames for f in fr),
            f"{what}: no frame named from a sizeless symbol far away (_fini): {frames}")
    # At square's entry (before `push rbp`) the caller is found from the return address at rsp.
    sq = [fr for fr in frames if fr and fr[0].get("function") == "square"]
    c.check(sq and len(sq[0]) > 1 and sq[0][1].get("function") == "main",
            f"{what}: bt at square's entry shows main as the caller: {sq[:1]}")

    # One and two instructions in (`push rbp` done, `mov rbp, rsp` not yet): rbp is still the
    # caller's, so only the call frame information finds main.
    r = run([path], ["break square", "continue", "stepi", "bt", "stepi", "bt", "kill"])
    frames = r.all("frames")
    c.equal([[f.get("function") for f in fr[:2]] for fr in frames], [["square", "main"]] * 2,
            f"{what}: bt in square's prologue")

    # Past the prologue (a line breakpoint) the frame-pointer chain gives the caller.
    if kind == "debug":
        r = run([path, "x"], ["break hello.c:8", "continue", "bt", "continue", "continue",
                              "continue", "continue"])
        frames = r.all("frames")
        c.check(frames and [f.get("function") for f in frames[0][:2]] == ["square", "main"],
                f"{what}: bt in square past its prologue: {frames[:1]}")
        exits = r.events("exit")
        c.check(exits and exits[-1].get("status") == 4, f"{what}: exit status 4 with an argument: {exits}")

c.done()

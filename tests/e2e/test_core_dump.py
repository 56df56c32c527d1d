"""Issue 18: cores of a live program, written by gdb's gcore and by godbg's own dump.

demos/postmortem started with "hold" parks five workers and sleeps. On every toolchain and
build: godbg attaches, lists the goroutines and dumps a core (dump FILE), detaches; gdb's gcore
then writes a second core of the same process, still in the same state, and where Delve reads
the build, Delve's `dump` a third. `godbg core` on each
must list the same goroutines (ids, statuses, wait reasons, user locations) as the live
listing, and each worker's stack as live; `dlv core` (where Delve reads the build) must open
godbg's dump with the same goroutines and wait reasons, and agree with godbg on gdb's core;
gdb must open godbg's dump with every thread. A dump taken at a breakpoint keeps the values
of the stopped frame.
Also: a core given with the wrong program, a truncated core, a non-core ELF, an empty file and
cores with corrupted notes fail in one line (status 1), never a crash.
"""
import os
import re
import shutil
import struct
import subprocess
import time

from core_helpers import (DLV, SCRATCH, builds, delve, delve_frames, delve_goroutines,
                          delve_supports, frames_equal, godbg_frames)
from godbg_e2e import Checks, run

c = Checks()
GDB = shutil.which("gdb")


def listing(records):
    gs = records.first("goroutines") or []
    return {g["id"]: (g["status"], g["wait_reason"], g["function"], g["line"], g["start_function"])
            for g in gs}


def workers(gs):
    """The five parked workers: every goroutine but main's whose user frame is not the runtime."""
    return [gid for gid, g in gs.items() if gid != 1 and g[2] and not g[2].startswith("runtime.")]


def bts(path_args, ids, mode, extra=()):
    """{goroutine id: frames} of `goroutine N bt` for each id."""
    r = run(path_args, [f"goroutine {g} bt" for g in ids] + (["detach"] if mode == "attach" else []),
            mode=mode, timeout=120)
    return dict(zip(ids, [godbg_frames(f) for f in r.all("frames")])), r


good_core = None
for go, variant, prog in builds():
    what = f"{go} {variant}"
    mine = os.path.join(SCRATCH, f"dump-{go}-{variant}.core")
    theirs = os.path.join(SCRATCH, f"gcore-{go}-{variant}.core")
    delves = os.path.join(SCRATCH, f"dlvdump-{go}-{variant}.core")
    p = subprocess.Popen([prog, "hold"], stdout=subprocess.PIPE, text=True)
    try:
        c.equal(p.stdout.readline().strip(), "parked 5", f"{what}: the workers parked")
        live = run([str(p.pid)], ["goroutines", f"dump {mine}", "detach"], mode="attach",
                   timeout=120)
        c.equal(live.status, 0, f"{what}: attach, goroutines, dump, detach; {live.stderr[-300:]}")
        saved = [m for m in live.all("message") if m.startswith("Saved core file")]
        c.check(len(saved) == 1 and os.path.exists(mine), f"{what}: dump says it saved: {saved}")
        before = listing(live)
        ids = workers(before)
        c.equal(len(ids), 5, f"{what}: five workers in the live listing: {before}")
        live_bts, _ = bts([str(p.pid)], ids, "attach")
        if GDB:
            g = subprocess.run([GDB, "-batch", "-p", str(p.pid), "-ex", f"gcore {theirs}"],
                               capture_output=True, text=True, timeout=180)
            c.check(os.path.exists(theirs), f"{what}: gdb's gcore wrote a core: {g.stderr[-300:]}")
        if delve_supports(go, variant):
            # Delve's own dump (notes without names, FP registers in NT_X86_XSTATE, no NT_FILE).
            d = subprocess.run([DLV, "attach", str(p.pid), "--allow-non-terminal-interactive"],
                               input=f"dump {delves}\nexit -d\n", capture_output=True, text=True,
                               timeout=180)
            c.check(os.path.exists(delves), f"{what}: dlv dump wrote a core: {d.stdout[-300:]}")
        time.sleep(0.1)
        c.check(p.poll() is None, f"{what}: the program still runs after the cores")
    finally:
        p.kill()
        p.wait()

    for kind, core in (("godbg dump", mine), ("gdb gcore", theirs), ("dlv dump", delves)):
        if not os.path.exists(core):
            continue
        w = f"{what} {kind}"
        r = run([prog, core], ["goroutines", "threads"], mode="core", timeout=120)
        c.equal(r.status, 0, f"{w}: godbg core status; {r.stderr[-300:]}")
        stop = (r.stops() or [{}])[0]
        c.equal(stop.get("reason"), "interrupt", f"{w}: a snapshot, not a death")
        c.equal(listing(r), before, f"{w}: goroutines as the live listing")
        core_bts, _ = bts([prog, core], ids, "core")
        c.equal(core_bts, live_bts, f"{w}: each worker's stack as live")
        threads = r.first("threads") or []
        c.check(len(threads) >= 1, f"{w}: threads listed")
        if delve_supports(go, variant):
            text = delve(prog, core, ["goroutines", "threads"])
            dlv = delve_goroutines(text)
            c.equal(sorted(dlv), sorted(before), f"{w}: dlv core opens it, same goroutine ids")
            for gid in sorted(set(dlv) & set(before)):
                c.equal(before[gid][1], dlv[gid], f"{w}: goroutine {gid} wait reason vs Delve")
            gid = ids[0]
            frames_equal(c, [f[0] for f in core_bts[gid]],
                         [f[0] for f in delve_frames(delve(prog, core, [f"goroutine {gid} bt"]))],
                         f"{w}: goroutine {gid} frames vs Delve", go)
        if kind == "godbg dump" and GDB:
            g = subprocess.run([GDB, "-batch", "-ex", "info threads", prog, core],
                               capture_output=True, text=True, timeout=120)
            seen = re.findall(r"^\*?\s+\d+\s+(?:Thread 0x[0-9a-f]+ \()?LWP (\d+)", g.stdout, re.M)
            c.equal(sorted(int(t) for t in seen), sorted(t["tid"] for t in threads),
                    f"{w}: gdb sees every thread")
            good_core = good_core or (prog, core, go, variant)

    # A dump at a breakpoint: the stopped frame's values are in it.
    at_bp = os.path.join(SCRATCH, f"bp-{go}-{variant}.core")
    r = run([prog, "panic"], ["break main.settle", "continue", "continue", f"dump {at_bp}", "kill"],
            timeout=120)
    c.equal(r.status, 0, f"{what}: dump at a breakpoint; {r.stderr[-300:]}")
    cmds = ["bt 1"] + (["print amount", "print a.Name"] if variant != "stripped" else [])
    r = run([prog, at_bp], cmds, mode="core", timeout=120)
    c.equal((r.stops() or [{}])[0].get("function"), "main.settle", f"{what}: stopped in settle")
    c.equal([f["function"] for f in r.first("frames") or []], ["main.settle"], f"{what}: bt 1")
    if variant != "stripped":
        c.equal([v.get("text") for v in r.records if "value" in v], ["500", '"bob"'],
                f"{what}: amount and a.Name at the breakpoint, from the core")
    for f in (at_bp,):
        os.unlink(f)

# Bad input: one line on stderr, status 1, no crash.
if good_core:
    prog, core, go, variant = good_core
    data = open(core, "rb").read()
    other = next(p for g, v, p in builds() if p != prog and v == variant and g != go)

    def bad(name, content=None, program=prog, want="", path=None):
        path = path or os.path.join(SCRATCH, name)
        if content is not None:
            with open(path, "wb") as f:
                f.write(content)
        r = run([program, path], ["goroutines"], mode="core", timeout=60)
        lines = r.stderr.strip().splitlines()
        c.equal(r.status, 1, f"{name}: status 1; stderr {r.stderr[-300:]}")
        c.check(len(lines) == 1 and want in lines[0], f"{name}: one line saying {want!r}: {lines}")

    ehdr = struct.unpack_from("<16sHHIQQQIHHHHHH", data, 0)
    phoff, phnum = ehdr[5], ehdr[10]
    phdrs = [struct.unpack_from("<IIQQQQQQ", data, phoff + i * 56) for i in range(phnum)]
    note = next(ph for ph in phdrs if ph[0] == 4)
    notes_at = note[2]
    bad("truncated.core", data[:notes_at + 40], want="truncated core file")
    bad("truncated-memory.core", data[:len(data) // 2], want="truncated core file")
    bad("empty.core", b"", want="empty file")
    bad("not-a-core", open(prog, "rb").read(), want="not a core file (an executable)")
    bad("other-program", program=other, path=core, want="a core of another program")
    corrupt = bytearray(data)
    struct.pack_into("<I", corrupt, notes_at + 4, 0x7FFFFFF0)  # first note's descsz
    bad("corrupt-notes.core", bytes(corrupt), want="corrupted notes")
    corrupt = bytearray(data)
    off = notes_at
    while off < notes_at + note[5]:
        namesz, descsz, typ = struct.unpack_from("<III", corrupt, off)
        desc = off + 12 + ((namesz + 3) & ~3)
        if typ == 0x46494C45:  # NT_FILE: a count far beyond its bytes
            struct.pack_into("<Q", corrupt, desc, 1 << 40)
        off = desc + ((descsz + 3) & ~3)
    bad("corrupt-file-note.core", bytes(corrupt), want="corrupted notes (NT_FILE")
    for name in os.listdir(SCRATCH):
        if name.endswith(".core") or name == "not-a-core":
            os.unlink(os.path.join(SCRATCH, name))
c.done()

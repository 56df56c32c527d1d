"""A cgo program stopped in C, on every toolchain, normal, PIE and -s -w builds.

demos/cgo: main.main -> main.callC -> C.c_outer -> c_inner -> nanosleep (libc), while a thread
that C started loops in c_outer too. With `break nanosleep` (a libc function: the library comes
from the dynamic linker's link map), bt on the main thread names the libc frame and the C
frames, and goes on through runtime.asmcgocall/cgocall into the Go frames down to main.main;
every thread is named where it is (C threads too); goroutine 1 is in a syscall (the cgo call).
A -s -w build has no names for its own C functions (they are null, never made up), but libc and
the Go frames are still there.
"""
import os
import shutil
import tempfile

from godbg_e2e import Checks, Session, builds, has, is_stop

c = Checks(feature="C frames (cgo)")

for go, variant, path in builds("cgo"):
    c.feature = "C frames (cgo)"
    what = f"{go} cgo" + ("" if variant == "normal" else f"-{variant}")
    s = Session([path])
    try:
        recs = s.read_until(is_stop)
        pid = next(r["pid"] for r in recs if r.get("event") == "start")
        bp = s.command("break nanosleep", lambda r: "breakpoint" in r or "error" in r)[-1]
        c.check("breakpoint" in bp, f"{what}: break on libc's nanosleep: {bp}")
        site = (bp.get("breakpoint") or {}).get("sites", [{}])[0]
        c.check("nanosleep" in (site.get("function") or ""), f"{what}: the site is nanosleep: {site}")
        # The C thread sleeps 50 ms at a time, the main goroutine once for an hour: go on until
        # the thread that runs goroutine 1 is the one stopped there. That is often the process's
        # first thread but need not be: main.main runs on the main goroutine, which the
        # scheduler may have moved to another M before it calls into C.
        stop = {}
        for _ in range(40):
            stop = s.command("continue", is_stop)[-1]
            if stop.get("event") != "stop" or stop.get("goid") == 1:
                break
        c.check(stop.get("event") == "stop" and stop.get("goid") == 1,
                f"{what}: the main goroutine's thread stops in nanosleep: {stop}")
        if stop.get("goid") != 1:
            continue
        go_tid = stop.get("tid")
        c.check("nanosleep" in (stop.get("function") or ""), f"{what}: the stop names libc: {stop}")
        frames = s.command("bt", has("frames"))[-1]["frames"]
        names = [f.get("function") for f in frames]
        c.check(names and "nanosleep" in (names[0] or ""), f"{what}: frame 0 in libc: {names}")
        if variant != "stripped":
            c.equal(names[1:3], ["c_inner", "c_outer"], f"{what}: the C frames")
        go_part = [n for n in names if n and (n.startswith("main.") or n.startswith("runtime."))]
        c.check("runtime.cgocall" in go_part and "runtime.asmcgocall" in go_part,
                f"{what}: through runtime.asmcgocall and cgocall: {names}")
        tail = [n for n in go_part if n.startswith("main.") or n in ("runtime.main", "runtime.goexit")]
        c.equal(tail, ["main._Cfunc_c_outer", "main.callC", "main.main", "runtime.main",
                       "runtime.goexit"], f"{what}: the Go frames down to main.main")
        c.check(names.index("runtime.cgocall") > names.index("runtime.asmcgocall"),
                f"{what}: cgocall called asmcgocall: {names}")

        # The same stop as a core: the link map is read from the core's memory (DT_DEBUG sits
        # in a RELRO page, read-only by now but written by ld.so, which the dump must keep).
        c.feature = "core files"
        core = os.path.join(tempfile.mkdtemp(prefix="godbg-cgo-"), "core")
        d = s.command(f"dump {core}", lambda r: "message" in r or "error" in r)[-1]
        c.check("error" not in d and os.path.exists(core), f"{what}: dump of the cgo stop: {d}")
        if os.path.exists(core):
            cs = Session([path, core], mode="core")
            try:
                cs.read_until(is_stop)
                cframes = cs.command("bt", has("frames"))[-1]["frames"]
                cnames = [f.get("function") for f in cframes]
                c.equal(cnames, names, f"{what}: bt in the core is the live one")
            finally:
                cs.close()
                shutil.rmtree(os.path.dirname(core), ignore_errors=True)

        c.feature = "threads"
        threads = s.command("threads", has("threads"))[-1]["threads"]
        main = [t for t in threads if t.get("tid") == go_tid]
        c.check(main and "nanosleep" in (main[0].get("function") or ""),
                f"{what}: the main goroutine's thread is named in libc: {main}")
        c.check(main and main[0].get("goid") == 1, f"{what}: that thread runs goroutine 1")
        c.check(any(t.get("tid") == pid for t in threads), f"{what}: the first thread listed")
        unnamed = [t for t in threads if not t.get("function")]
        c.check(not unnamed, f"{what}: every thread named where it is: {unnamed}")

        c.feature = "goroutines"
        gs = s.command("goroutines", has("goroutines"))[-1]["goroutines"]
        g1 = [g for g in gs if g.get("id") == 1]
        c.check(g1 and g1[0].get("status") == "syscall", f"{what}: goroutine 1 in the cgo call: {g1}")
        c.check(g1 and g1[0].get("function") in ("main.callC", "main._Cfunc_c_outer"),
                f"{what}: goroutine 1's location is main's call: {g1}")

        c.feature = "break & bt"
        if variant != "stripped":
            # A C function of the program itself, hit by the thread C started.
            bp = s.command("break c_inner", lambda r: "breakpoint" in r or "error" in r)[-1]
            c.check("breakpoint" in bp, f"{what}: break c_inner: {bp}")
            stop = {}
            for _ in range(10):
                stop = s.command("continue", is_stop)[-1]
                if stop.get("event") != "stop" or stop.get("function") == "c_inner":
                    break
            c.equal(stop.get("function"), "c_inner", f"{what}: continue stops in c_inner")
            frames = s.command("bt", has("frames"))[-1]["frames"]
            names = [f.get("function") for f in frames]
            c.equal(names[:3], ["c_inner", "c_outer", "c_thread_main"],
                    f"{what}: the C thread's own frames")
    finally:
        s.close()

c.done()

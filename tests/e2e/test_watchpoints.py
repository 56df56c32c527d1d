"""Hardware watchpoints (issue 15) on demos/watch, with every toolchain (Go 1.19, the newest,
1.27.3), optimized and -N -l builds: a package variable written from main and from goroutines
on threads the runtime starts after the watchpoint was set; a field reached through a pointer;
a local whose goroutine's stack moves (runtime.copystack) between two writes and whose frame
then returns; 1-, 2- and 4-byte fields in one word. Each stop is at the write (in main.bump /
main.move, just past the store) with the old and the new value; rwatch and awatch. Then the
one-line errors: an object too large, a fifth watchpoint, a value not in memory, a register, a
misaligned address, an unknown option; and watchpoints listed, disabled and deleted."""
import os
import subprocess
import time

from bp_fixtures import build
from godbg_e2e import SOURCE_DIR, Checks, run

c = Checks()
source = open(os.path.join(SOURCE_DIR, "demos", "watch", "main.go")).read().splitlines()
write_line = {fn: next(i + 1 for i, l in enumerate(source) if l.startswith(f"func {fn}("))
              for fn in ("bump", "move")}


def version(go):
    return tuple(int(x) for x in go[2:].split(".")[:2])


def watch_stops(r):
    return [s for s in r.stops() if s.get("reason") == "watchpoint"]


def at_write(s, fn):
    # A watchpoint traps after the store: still in the writing function, on its line or the
    # closing brace after it.
    return s.get("function") == f"main.{fn}" and write_line[fn] < s.get("line", 0) <= write_line[fn] + 2


for kind in ("normal", "noopt"):
    for go, path in build("watch", kind):
        what = f"{go} {kind}"

        # A package variable: main writes it, then six goroutines, each locked to a thread.
        r = run([path], ["break main.checkpoint if stage == 1", "continue", "watch main.Counter",
                         "threads"] + ["continue"] * 8)
        c.equal(r.status, 0, f"{what}: global: exit status")
        ws = watch_stops(r)
        c.equal([(s.get("old"), s.get("new")) for s in ws],
                [("5", "6")] + [(str(6 + 10 * k), str(16 + 10 * k)) for k in range(6)],
                f"{what}: global: old and new values at each write")
        c.check(all(at_write(s, "bump") and s.get("watchpoint") == 2 for s in ws),
                f"{what}: global: every stop is at the write in main.bump: {ws}")
        threads = r.first("threads") or []
        before = {t["tid"] for t in threads}
        if len(before) < 7:  # six parked threads and main's: some must be new
            c.check({s["tid"] for s in ws} - before,
                    f"{what}: global: a write from a thread started after the watchpoint "
                    f"({sorted(before)} then {[s['tid'] for s in ws]})")
        c.check("watch: 66 10 43" in r.stdout, f"{what}: global: the program ran to its end")

        # gdb's rwatch (a read: the value unchanged) and awatch (any access: bump's
        # read-modify-write counts as one, with its old and new values).
        if kind == "normal":
            r = run([path], ["break main.checkpoint if stage == 2", "continue",
                             "rwatch main.Counter", "continue", "continue"])
            ws = watch_stops(r)
            c.check(len(ws) == 1 and (ws[0].get("old"), ws[0].get("new")) == ("66", "66") and
                    ws[0].get("function") == "main.main", f"{what}: rwatch: main's read: {ws}")
            c.check("watch: 66 10 43" in r.stdout, f"{what}: rwatch: the program ran to its end")
            r = run([path], ["break main.checkpoint if stage == 1", "continue",
                             "awatch main.Counter", "continue", "continue"])
            ws = watch_stops(r)
            c.check([(s.get("old"), s.get("new")) for s in ws] == [("5", "6"), ("6", "16")] and
                    all(at_write(s, "bump") for s in ws), f"{what}: awatch: {ws}")

        # An int3 on the writing instruction itself (main.bump is one `add [rax], rbx`), its
        # condition false: the write must not slip past the debug registers while the
        # instruction under the int3 is emulated or stepped over.
        r = run([path], ["break main.checkpoint if stage == 1", "continue",
                         "break main.bump if by == -1", "watch main.Counter"] + ["continue"] * 8)
        c.equal([(s.get("old"), s.get("new")) for s in watch_stops(r)],
                [("5", "6")] + [(str(6 + 10 * k), str(16 + 10 * k)) for k in range(6)],
                f"{what}: global under an int3: every write")
        # stepi over the write: the step says it is the watchpoint.
        r = run([path], ["break main.bump", "continue", "watch main.Counter", "stepi 10"])
        ws = watch_stops(r)
        c.check(len(ws) == 1 and (ws[0].get("old"), ws[0].get("new")) == ("5", "6") and
                ws[0].get("function") == "main.bump",
                f"{what}: stepi onto the write: {ws}")

        # A field through a pointer (a heap object).
        r = run([path], ["break main.checkpoint if stage == 2", "continue", "up", "watch p.X",
                         "continue", "continue"])
        ws = watch_stops(r)
        c.equal([(s.get("old"), s.get("new")) for s in ws], [("1", "10")],
                f"{what}: field: old and new")
        c.check(ws and at_write(ws[0], "move"), f"{what}: field: stopped at the write: {ws}")
        bps = [b for b in r.all("breakpoint") if isinstance(b, dict)]
        w = bps[-1].get("watch", {}) if bps else {}
        c.equal((w.get("expr"), w.get("size"), w.get("goid")), ("p.X", 8, None),
                f"{what}: field: the watchpoint record")
        c.check("watch: 66 10 43" in r.stdout, f"{what}: field: the program ran to its end")

        # A 16-byte struct: two debug registers.
        r = run([path], ["break main.checkpoint if stage == 2", "continue", "up", "watch *p",
                         "continue"])
        ws = watch_stops(r)
        c.equal([(s.get("old"), s.get("new")) for s in ws],
                [("main.point {X: 1, Y: 2}", "main.point {X: 10, Y: 2}")],
                f"{what}: *p, 16 bytes: old and new")

        # 1, 2 and 4 bytes side by side in one word: each stop is its own field's write only.
        r = run([path], ["break main.checkpoint if stage == 4", "continue", "watch main.Flags.B",
                         "watch main.Flags.H", "watch main.Flags.W", "continue", "continue",
                         "continue", "continue"])
        ws = watch_stops(r)
        c.equal([(s.get("watchpoint"), s.get("function"), s.get("old"), s.get("new"))
                 for s in ws], [(4, "main.setW", "0", "70000"), (3, "main.setH", "0", "300"),
                                (2, "main.setB", "0", "7")], f"{what}: 1, 2, 4 bytes: each write")
        sizes = [b.get("watch", {}).get("size") for b in r.all("breakpoint")
                 if isinstance(b, dict) and b.get("watch")]
        c.equal(sizes, [1, 2, 4], f"{what}: 1, 2, 4 bytes: the sizes watched")
        c.check("watch: 66 10 43" in r.stdout, f"{what}: 1, 2, 4 bytes: the program ran to its end")

        # A local: its stack moves between the two writes, then its frame returns. Optimized
        # builds of Go >= 1.2x give it no location at all (Delve cannot print it either).
        if kind == "normal" and version(go) >= (1, 20):
            continue
        r = run([path], ["break main.checkpoint if stage == 3", "continue", "up", "watch total",
                         "print &total", "continue", "continue", "breakpoints", "up",
                         "print &total", "continue", "breakpoints", "continue"])
        c.equal(r.status, 0, f"{what}: local: exit status")
        ws = watch_stops(r)
        c.equal([(s.get("old"), s.get("new"), bool(s.get("out_of_scope"))) for s in ws],
                [("2", "3", False), ("3", "43", False), ("2", None, True)][:2] +
                [(ws[2].get("old") if len(ws) > 2 else None, None, True)],
                f"{what}: local: two writes, then out of scope")
        c.check(len(ws) == 3 and at_write(ws[0], "bump") and at_write(ws[1], "bump"),
                f"{what}: local: stops at the writes: {ws}")
        if len(ws) == 3:
            c.equal(ws[2].get("old"), "43", f"{what}: local: its last value when it went away")
            c.equal(ws[2].get("function"), "main.main", f"{what}: local: back in the caller")
        addrs = [v.get("value") for v in r.records if v.get("expr") == "&total"]
        lists = [b for b in r.all("breakpoints")]
        moved = [b.get("watch", {}).get("address") for b in (lists[0] if lists else [])
                 if b.get("kind") == "watchpoint"]
        c.check(len(addrs) == 2 and addrs[0] != addrs[1],
                f"{what}: local: the stack moved between the writes: &total {addrs}")
        c.equal(moved[:1], addrs[1:2], f"{what}: local: the watchpoint followed it")
        c.check(len(lists) == 2 and not [b for b in lists[1] if b.get("kind") == "watchpoint"],
                f"{what}: local: deleted once out of scope: {lists[1:]}")
        c.check("watch: 66 10 43" in r.stdout, f"{what}: local: the program ran to its end")

# Errors, one line each, and the session goes on.
go, path = list(build("watch", "noopt"))[-1]
r = run([path], ["break main.checkpoint if stage == 2", "continue", "up", "watch runtime.sched"] +
        ["watch main.Counter"] * 4 +
        ["watch main.Counter", "watch p.X + 1", "watch $rax", "watch -x main.Counter",
         "disable 3", "watch p.X",
         "print &main.Counter"])
errors = r.all("error")
c.check(any("no free debug register" in e and "2, 3, 4, 5" in e for e in errors),
        f"{go}: a fifth watchpoint: {errors}")
c.check(any("not in memory" in e for e in errors), f"{go}: p.X + 1: {errors}")
c.check(any("register" in e and "$rax" in e for e in errors), f"{go}: $rax: {errors}")
c.check(any("runtime.sched is" in e and "32 bytes at most" in e for e in errors),
        f"{go}: too large: {errors}")
c.check(any("unknown option -x" in e for e in errors), f"{go}: watch -x: {errors}")
c.equal(len(errors), 5, f"{go}: one error each, and watch p.X after disable 3 works")
addr = next((v.get("value") for v in r.records if v.get("expr") == "&main.Counter"), None)
if addr:
    r = run([path], ["break main.checkpoint", "continue", f"watch *{addr + 1:#x}",
                     f"watch *{addr:#x}", "continue"])
    errors = r.all("error")
    c.check(len(errors) == 1 and "misaligned" in errors[0], f"{go}: misaligned: {errors}")
    ws = watch_stops(r)
    c.check(ws and (ws[0].get("old"), ws[0].get("new")) == ("5", "6"),
            f"{go}: *ADDR watches 8 raw bytes: {ws}")

# Attached: a watchpoint stops the running program at the next write; after detach it runs on
# (a debug register left armed would kill it with SIGTRAP at its next write, a millisecond on).
for go, path in build("counter"):
    p = subprocess.Popen([path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        p.stdout.readline()  # "counter started PID": the runtime is up
        r = run([str(p.pid)], ["watch main.Count", "continue", "detach"], mode="attach")
        ws = watch_stops(r)
        c.check(len(ws) == 1 and ws[0].get("function") == "main.tick" and
                int(ws[0]["new"]) == int(ws[0]["old"]) + 1, f"{go}: attached: {ws}")
        time.sleep(0.5)
        c.check(p.poll() is None, f"{go}: still running after detach (status {p.poll()})")
    finally:
        p.kill()
        p.wait()

c.done()

"""Issue 8: faults in the target. A program that forks (the child must not inherit int3 bytes)
or vforks (the child shares the int3s' memory until it execs: they are lifted meanwhile), one that
execs (reported as an exec stop in the new program; breakpoints are set again by location, as gdb
does), a thread
storm of 1,000 short-lived threads while a breakpoint keeps hitting (every hit reported, no hang,
no zombie), and SIGABRT raised by the program or sent from outside. The nil dereference, exit 2,
os.Exit(3) from a goroutine and SIGKILL from outside are in test_signals.py."""
import os
import signal
import time

from godbg_e2e import DEMO_DIR, Checks, Session, builds, has, is_stop, run

c = Checks()


def zombies_of(pid):
    """Children of process pid that are zombies (exited, never reaped)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z" and int(fields[1]) == pid:
            out.append(int(entry))
    return out


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# --- fork: os/exec (clone with CLONE_VFORK, then exec) and a raw fork(2) whose child runs
# main.work in its copy of the parent's memory.
for go, variant, path in builds("forker", ("normal", "pie")):
    for mode, child_line in (("", "child exit 0"), ("rawfork", "child exit 7")):
        what = f"{go} {variant} forker {mode or 'os/exec'}"
        r = run([path] + ([mode] if mode else []), ["break main.work", "continue", "bt", "continue"])
        stops = [s for s in r.stops() if s["reason"] != "entry"]
        c.check(len(stops) == 1 and stops[0].get("function") == "main.work",
                f"{what}: one stop, in main.work: {stops}")
        c.check(child_line in r.stdout, f"{what}: the child ran to its end ({child_line!r}): {r.stdout[-300:]}")
        c.check("parent work 190" in r.stdout, f"{what}: the parent went on")
        exits = r.events("exit")
        c.check(exits and exits[-1].get("status") == 0, f"{what}: exit status 0: {exits}")

# A breakpoint in code only the vfork child runs (between clone and exec, in memory it shares
# with the parent) must not kill the child with SIGTRAP; the parent's breakpoint is still hit
# after the child has gone.
for go, variant, path in builds("forker"):
    what = f"{go} {variant} forker: breakpoint in the vfork child's path"
    r = run([path], ["break syscall.runtime_AfterForkInChild", "break main.work", "continue",
                     "bt", "continue", "continue"])
    stops = [s for s in r.stops() if s["reason"] != "entry"]
    c.equal([s.get("function") for s in stops], ["main.work"], f"{what}: stops")
    c.check("child work 45" in r.stdout and "child exit 0" in r.stdout,
            f"{what}: the child ran to its end: {r.stdout[-300:]}")
    c.check("parent work 190" in r.stdout, f"{what}: the parent went on")
    exits = r.events("exit")
    c.check(exits and exits[-1].get("status") == 0, f"{what}: exit status 0: {exits}")

# Children spawned one after another by a goroutine while the main goroutine keeps hitting a
# breakpoint: every hit reported, every child runs.
for go, variant, path in builds("forker", ("normal", "pie", "stripped")):
    what = f"{go} {variant} forker loop"
    cmds = ["break main.work"]
    if variant != "stripped":
        cmds.append("break syscall.runtime_AfterForkInChild")
    r = run([path, "loop"], cmds + ["continue"] * 12, timeout=120)
    stops = [s for s in r.stops() if s["reason"] != "entry"]
    c.equal([s.get("function") for s in stops], ["main.work"] * 10, f"{what}: stops")
    c.equal(r.stdout.count("child work 45"), 10, f"{what}: children that ran")
    c.check("loop done 10 120" in r.stdout, f"{what}: the program finished: {r.stdout[-300:]}")
    exits = r.events("exit")
    c.check(exits and exits[-1].get("status") == 0, f"{what}: exit status 0: {exits}")

# The same in C (glibc's vfork): the child calls tick(), where the parent has a breakpoint.
for kind in ("debug", "nodebug"):
    path = os.path.join(DEMO_DIR, "native", kind, "vforker")
    what = f"native {kind} vforker"
    r = run([path], ["break tick"] + ["continue"] * 7)
    stops = [s for s in r.stops() if s["reason"] != "entry"]
    c.equal([s.get("function") for s in stops], ["tick"] * 6, f"{what}: stops (the parent's only)")
    c.check("vfork child" in r.stdout and "vforker done 0 12" in r.stdout,
            f"{what}: the child ran tick and exec'd: {r.stdout[-300:]}")
    exits = r.events("exit")
    c.check(exits and exits[-1].get("status") == 0, f"{what}: exit status 0: {exits}")

# --- exec: the program replaces itself with itself (main.before runs again in the new image,
# where `break main.before` is set again) or with /bin/true (where it names nothing: pending).
for go, variant, path in builds("execer"):
    what = f"{go} {variant} execer"
    r = run([path], ["break main.before", "continue", "continue", "bt", "breakpoints", "continue",
                     "bt", "continue"])
    stops = [s for s in r.stops() if s["reason"] != "entry"]
    c.equal([s["reason"] for s in stops], ["breakpoint", "exec", "breakpoint"], f"{what}: stops")
    c.check(stops and stops[0].get("function") == "main.before", f"{what}: breakpoint in main.before")
    msgs = [m for m in r.all("message") if "executing new program" in m]
    c.check(msgs and msgs[0].endswith(path), f"{what}: the new program is named: {msgs}")
    frames = r.all("frames")
    # A static program stops at its own first instruction; a PIE one in the dynamic loader.
    entry = None if variant == "pie" else "_rt0_amd64_linux"
    c.check(len(stops) > 1 and stops[1].get("function") == entry,
            f"{what}: exec stop at the new program's entry: {stops[1:2]}")
    c.check(frames and len(frames[0]) == 1 and frames[0][0].get("function") == entry,
            f"{what}: bt at the exec stop is the entry alone: {frames[:1]}")
    bps = r.all("breakpoints")
    sites = bps[0][0]["sites"] if bps and bps[0] else []
    c.check(len(sites) == 1 and sites[0].get("function") == "main.before",
            f"{what}: main.before set again in the new image: {bps}")
    c.check(len(stops) > 2 and stops[2].get("function") == "main.before" and stops[2].get("hits") == 2,
            f"{what}: hit again in the new image: {stops[2:]}")
    c.check(len(frames) > 1 and [f.get("function") for f in frames[1][:2]] == ["main.before", "main.main"],
            f"{what}: bt in the new image: {frames[1:]}")
    c.check("before exec 2" in r.stdout and "after exec 6 5" in r.stdout,
            f"{what}: the new image ran to its end: {r.stdout[-300:]}")
    exits = r.events("exit")
    c.check(exits and exits[-1].get("status") == 0, f"{what}: exit status 0: {exits}")

    r = run([path, "true"], ["break main.before", "continue", "continue", "bt", "breakpoints",
                             "continue", "continue"])
    stops = [s for s in r.stops() if s["reason"] != "entry"]
    c.equal([s["reason"] for s in stops], ["breakpoint", "exec"], f"{what} /bin/true: stops")
    ex = [s for s in stops if s["reason"] == "exec"]
    # The new program is not the one godbg loaded: its pc must not be named from the old symbols.
    c.check(ex and ex[0].get("function") in (None, "_start", "_dl_start"),
            f"{what} /bin/true: exec stop not described with the old program's names: {ex}")
    frames = r.all("frames")
    c.check(frames and len(frames[0]) == 1 and frames[0][0].get("pc") == (ex[0]["pc"] if ex else None),
            f"{what} /bin/true: bt at the exec stop is the loader's entry alone: {frames[:1]}")
    bps = r.all("breakpoints")
    c.check(bps and len(bps[0]) == 1 and bps[0][0]["sites"] == [],
            f"{what} /bin/true: main.before is pending in /bin/true: {bps}")
    exits = r.events("exit")
    c.check(exits and exits[-1].get("status") == 0, f"{what} /bin/true: exit status 0: {exits}")

# --- thread storm: 1,000 threads come and go while main.tick is hit 200 times.
TICKS = 200
for go, variant, path in builds("threadstorm", ("normal",)):
    what = f"{go} {variant} threadstorm"
    s = Session([path, "1000", str(TICKS)])
    try:
        s.read_until(lambda r: r.get("event") == "stop")  # entry
        s.command("break main.tick", has("breakpoint"))
        hits, ends, deadline = [], [], time.time() + 240
        while time.time() < deadline:
            got = s.command("continue", is_stop, timeout=60)
            last = got[-1]
            if last.get("event") == "exit":
                ends.append(last)
                break
            hits.append(last)
        c.equal(len(hits), TICKS, f"{what}: breakpoint stops")
        c.check(all(h.get("function") == "main.tick" and h.get("reason") == "breakpoint" for h in hits),
                f"{what}: every stop is the breakpoint in main.tick: "
                f"{[h for h in hits if h.get('function') != 'main.tick'][:3]}")
        c.equal([h.get("hits") for h in hits], list(range(1, TICKS + 1)), f"{what}: hit counts")
        c.check(ends and ends[0].get("status") == 0, f"{what}: exit status 0: {ends}")
        c.check(f"storm done 1000 {TICKS} true" in s.output, f"{what}: the program finished")
        c.equal(zombies_of(s.p.pid), [], f"{what}: zombies left under godbg")
    except AssertionError as e:
        c.check(False, f"{what}: {e}"[:500])
    finally:
        c.equal(s.close(), 0, f"{what}: godbg exit status")

# --- SIGABRT from the program itself: the runtime's handler prints its dump and exits 2; with
# GOTRACEBACK=crash semantics ("raise") the process ends killed by SIGABRT.
for go, variant, path in builds("abort", ("normal",)):
    what = f"{go} {variant} abort"
    r = run([path], ["continue", "continue", "continue"])
    sig = [s for s in r.stops() if s["reason"] == "signal"]
    c.check(sig and sig[0].get("signal") == "SIGABRT", f"{what}: stop on SIGABRT: {sig}")
    c.check("SIGABRT: abort" in r.stdout + r.stderr, f"{what}: the runtime's report reaches the user")
    exits = r.events("exit")
    c.check(exits and exits[-1].get("status") == 2, f"{what}: exit status 2: {exits}")

    r = run([path, "raise"], ["continue"] * 6)
    sig = [s for s in r.stops() if s["reason"] == "signal"]
    c.check(sig and all(s.get("signal") == "SIGABRT" for s in sig), f"{what} raise: SIGABRT stops: {sig}")
    exits = r.events("exit")
    c.check(exits and exits[-1].get("signal") == "SIGABRT", f"{what} raise: killed by SIGABRT: {exits}")
    c.check("still alive" not in r.stdout, f"{what} raise: the program did not go on")

# --- SIGABRT sent from outside while the program runs.
for go, variant, path in builds("abort", ("normal",)):
    what = f"{go} {variant} abort from outside"
    s = Session([path, "wait"])
    try:
        start = s.read_until(lambda r: r.get("event") == "start")[-1]
        s.read_until(lambda r: r.get("event") == "stop")
        s.p.stdin.write("continue\n")
        s.p.stdin.flush()
        deadline = time.time() + 20
        while "pid " not in s.output and time.time() < deadline:
            try:
                s.read_until(lambda r: False, timeout=0.5)
            except AssertionError:
                pass
        os.kill(start["pid"], signal.SIGABRT)
        stop = s.read_until(is_stop, timeout=30)[-1]
        c.check(stop.get("reason") == "signal" and stop.get("signal") == "SIGABRT",
                f"{what}: stop on SIGABRT: {stop}")
        end = s.command("continue", is_stop, timeout=30)[-1]
        c.check(end.get("event") == "exit" and end.get("status") == 2, f"{what}: exit status 2: {end}")
        c.check(not alive(start["pid"]), f"{what}: the program is gone")
    except AssertionError as e:
        c.check(False, f"{what}: {e}"[:500])
    finally:
        c.equal(s.close(), 0, f"{what}: godbg exit status")

c.done()

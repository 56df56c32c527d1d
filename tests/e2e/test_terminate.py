"""Issue 8: SIGTERM to godbg while it waits on the program ends it promptly and cleanly: a launched
program is killed, an attached one let go untraced and unharmed.

The waits that could not be cut short before: a vfork child that takes its time before it execs
(demos/native/vforker.c N: the child sleeps N seconds) keeps its parent thread in a kernel wait
that PTRACE_INTERRUPT does not end, so stopping every thread (attach, continue's all-stop) waited
for the child; and a command file went on with its next `continue` after the interrupt."""
import os
import signal
import subprocess
import time

from godbg_e2e import DEMO_DIR, GODBG, Checks, Session, builds

c = Checks()
VFORKER = os.path.join(DEMO_DIR, "native", "debug", "vforker")


def state(pid):
    """The process's state letter, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def tracer(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("TracerPid:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def gone(pid, within=5.0):
    deadline = time.time() + within
    while time.time() < deadline:
        if state(pid) in (None, "Z", "X"):
            return True
        time.sleep(0.05)
    return False


def wait_for(pred, within=20.0):
    deadline = time.time() + within
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def ends_within(p, seconds):
    try:
        p.wait(timeout=seconds)
        return True
    except subprocess.TimeoutExpired:
        return False


def kill_quietly(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except (OSError, TypeError):
        pass


def read_output(s, pred, timeout=20):
    """Reads what godbg and the program print until pred() holds (program lines are no records)."""
    deadline = time.time() + timeout
    while not pred() and time.time() < deadline:
        try:
            s.read_until(lambda r: False, timeout=0.2)
        except AssertionError:
            pass
    return pred()


if not os.path.exists(VFORKER):
    c.check(False, f"{VFORKER} not built (scripts/build_demos.sh needs gcc)")
    c.done()

# --- launched, `continue`, the vfork child sleeping: godbg is waiting for the parent thread.
s = Session([VFORKER, "30"])
child = None
try:
    start = s.read_until(lambda r: r.get("event") == "start")[-1]
    s.read_until(lambda r: r.get("event") == "stop")
    s.p.stdin.write("continue\n")
    s.p.stdin.flush()
    c.check(read_output(s, lambda: "vfork child" in s.output), "launched: the vfork child started")
    line = [l for l in s.output.splitlines() if l.startswith("vfork child")]
    child = int(line[0].split()[2]) if line else None
    time.sleep(0.3)
    t0 = time.time()
    s.p.send_signal(signal.SIGTERM)
    c.check(ends_within(s.p, 5), "launched: godbg ends within 5 s of SIGTERM in a vfork wait")
    c.check(gone(start["pid"]), f"launched: the program is killed ({state(start['pid'])})")
    print(f"launched: godbg ended {time.time() - t0:.2f}s after SIGTERM, status {s.p.returncode}")
finally:
    if s.p.poll() is None:
        s.p.kill()
    s.p.wait()
    kill_quietly(child)

# --- attach while the program's only thread is in its vfork wait: stopping it cannot succeed.
prog = subprocess.Popen([VFORKER, "30"], stdout=subprocess.PIPE, text=True)
child = None
try:
    first = prog.stdout.readline()  # "vforker PID"
    line = prog.stdout.readline()   # "vfork child PID 100"
    child = int(line.split()[2]) if line.startswith("vfork child") else None
    c.check(child is not None, f"attach: the vfork child started: {first!r} {line!r}")
    g = subprocess.Popen([GODBG, "attach", "--json", str(prog.pid)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    c.check(wait_for(lambda: tracer(prog.pid) == g.pid, 10), "attach: godbg seized the program")
    time.sleep(0.5)
    g.send_signal(signal.SIGTERM)
    c.check(ends_within(g, 5), "attach: godbg ends within 5 s of SIGTERM while stopping threads")
    if g.poll() is None:
        g.kill()
    out, err = g.communicate()
    c.check(g.returncode in (0, 1), f"attach: godbg exit status {g.returncode}: {err.strip()[:300]}")
    c.equal(tracer(prog.pid), 0, "attach: the program is no longer traced")
    c.check(state(prog.pid) not in (None, "Z", "X", "t"), f"attach: the program lives on ({state(prog.pid)})")
    # Let the vfork end: the program must go on to its normal end, untouched by godbg.
    kill_quietly(child)
    rest = prog.stdout.read()
    prog.wait(timeout=10)
    c.check("vforker done" in rest, f"attach: the program went on: {rest!r}")
    c.equal(prog.returncode, 0, "attach: the program's exit status")
finally:
    if prog.poll() is None:
        prog.kill()
    prog.wait()
    kill_quietly(child)

# --- attached before the vfork, with a breakpoint hit three times, then SIGTERM in the vfork
# window: the program must go on without our int3s (three more calls of tick) and end normally.
prog = subprocess.Popen([VFORKER, "30", "3"], stdout=subprocess.PIPE, text=True)
child = None
try:
    prog.stdout.readline()  # "vforker PID", then it sleeps 3 s
    s = Session([str(prog.pid)], mode="attach")
    try:
        s.read_until(lambda r: r.get("event") == "stop")
        s.command("break tick", lambda r: "breakpoint" in r)
        hits = [s.command("continue", lambda r: r.get("event") == "stop", timeout=20)[-1]
                for _ in range(3)]
        c.equal([h.get("function") for h in hits], ["tick"] * 3, "attach, break tick: hits")
        s.p.stdin.write("continue\n")
        s.p.stdin.flush()
        line = prog.stdout.readline()
        child = int(line.split()[2]) if line.startswith("vfork child") else None
        c.check(child is not None, f"attach, break tick: the vfork child started: {line!r}")
        time.sleep(0.3)
        s.p.send_signal(signal.SIGTERM)
        c.check(ends_within(s.p, 5), "attach, break tick: godbg ends within 5 s of SIGTERM")
    finally:
        if s.p.poll() is None:
            s.p.kill()
        s.p.wait()
    c.equal(tracer(prog.pid), 0, "attach, break tick: the program is no longer traced")
    kill_quietly(child)
    rest = prog.stdout.read()
    prog.wait(timeout=10)
    c.check("vforker done" in rest, f"attach, break tick: the program went on: {rest!r}")
    c.equal(prog.returncode, 0, "attach, break tick: exit status (no int3 left behind)")
finally:
    if prog.poll() is None:
        prog.kill()
    prog.wait()
    kill_quietly(child)

# --- many threads, `continue`, SIGTERM: the all-stop over every thread, then the kill.
for go, variant, path in builds("bench_threads", ("normal",)):
    what = f"{go} {variant} bench_threads"
    s = Session([path, "200"])
    try:
        start = s.read_until(lambda r: r.get("event") == "start")[-1]
        s.read_until(lambda r: r.get("event") == "stop")
        s.p.stdin.write("continue\n")
        s.p.stdin.flush()
        c.check(read_output(s, lambda: "ready" in s.output), f"{what}: the program is ready")
        s.p.send_signal(signal.SIGTERM)
        c.check(ends_within(s.p, 5), f"{what}: godbg ends within 5 s of SIGTERM")
        c.check(gone(start["pid"]), f"{what}: the program is killed")
    finally:
        if s.p.poll() is None:
            s.p.kill()
        s.p.wait()

# --- a command file: SIGTERM ends the file, not just the `continue` that was running.
for go, variant, path in builds("bench_threads", ("normal",)):
    what = f"{go} {variant} bench_threads --batch"
    cmds = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"godbg-term-{os.getpid()}.gdb")
    with open(cmds, "w") as f:
        f.write("continue\n" * 5)
    g = subprocess.Popen([GODBG, "run", "--json", "--batch", "-x", cmds, path, "50"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    try:
        pid = None
        for line in g.stdout:
            if '"event":"start"' in line:
                pid = int(line.split('"pid":')[1].split(",")[0].rstrip("}"))
            if line.startswith("ready"):
                break
        g.send_signal(signal.SIGTERM)
        c.check(ends_within(g, 5), f"{what}: godbg ends within 5 s of SIGTERM")
        c.check(pid and gone(pid), f"{what}: the program is killed")
    finally:
        if g.poll() is None:
            g.kill()
        g.wait()
        os.unlink(cmds)

c.done()

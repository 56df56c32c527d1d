"""Issue 5: attach to a live multithreaded Go program, stop every thread, break in its loop,
detach, and leave it as it was: still counting, its code byte-for-byte the file's, and exiting
later with its own status. Also: Ctrl-C from a terminal interrupts a running program."""
import os
import pty
import select
import signal
import subprocess
import time

from godbg_e2e import GODBG, Checks, Session, builds, exit_status, has, is_stop, records, text_equals_file

c = Checks(feature="attach")


def counts(pid_out_path):
    with open(pid_out_path) as f:
        return [int(l.split()[1]) for l in f if l.startswith("count ")]


for go, variant, path in builds("counter"):
    what = f"{go} {variant}"
    out_path = f"/tmp/godbg-attach-{os.getpid()}.out"
    with open(out_path, "w") as out:
        prog = subprocess.Popen([path, "6000"], stdout=out, stderr=subprocess.STDOUT)
    time.sleep(0.5)
    s = Session([str(prog.pid)], mode="attach")
    try:
        got = s.read_until(is_stop)
        start = [r for r in got if r.get("event") == "start"]
        c.check(start and start[0]["attached"] and start[0]["pid"] == prog.pid, f"{what}: start record")
        tasks = sorted(int(t) for t in os.listdir(f"/proc/{prog.pid}/task"))
        c.equal(start[0].get("threads") if start else None, len(tasks), f"{what}: every thread stopped")
        states = []
        for t in tasks:
            with open(f"/proc/{prog.pid}/task/{t}/stat") as f:
                states.append(f.read().rsplit(")", 1)[1].split()[0])
        c.check(all(st == "t" for st in states), f"{what}: all threads in tracing stop: {states}")
        before = counts(out_path)
        time.sleep(0.3)
        c.equal(counts(out_path), before, f"{what}: the program does not run while stopped")
        threads = s.command("threads", lambda r: "threads" in r or "error" in r)[-1].get("threads")
        c.check(threads is not None, f"{what}: threads lists the threads")
        if threads is not None:
            c.equal(sorted(t["tid"] for t in threads), tasks, f"{what}: threads are /proc/PID/task")
        s.command("break main.tick", has("breakpoint"))
        stop = s.command("continue", is_stop)[-1]
        c.check(stop.get("reason") == "breakpoint" and stop.get("function") == "main.tick",
                f"{what}: stop in the loop: {stop}")
        s.command("detach", has("message"))
        c.check(text_equals_file(prog.pid, path), f"{what}: .text equals the file after detach")
        n0 = len(counts(out_path))
        time.sleep(0.5)
        c.check(len(counts(out_path)) > n0, f"{what}: still counting after detach")
        with open(f"/proc/{prog.pid}/status") as f:
            tracer = [l for l in f if l.startswith("TracerPid:")][0].split()[1]
        c.equal(tracer, "0", f"{what}: no tracer left")
    finally:
        s.close()
    status = exit_status(prog, 60)
    c.equal(status, 7, f"{what}: the program exits later with its own status")
    os.unlink(out_path)

# Ctrl-C at a terminal while a launched program runs: every thread stops, godbg and the program
# live on.
go, variant, path = next(builds("counter", ("normal",)))
pid, fd = pty.fork()
if pid == 0:
    os.execv(GODBG, [GODBG, "run", "--json", path])
buf = b""


def read_for(seconds):
    global buf
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                buf += os.read(fd, 65536)
            except OSError:
                break


def recs():
    return records(buf.decode(errors="replace").replace("\r", ""))


read_for(2)
os.write(fd, b"continue\n")
read_for(1.5)
os.write(fd, b"\x03")
read_for(2)
stops = [r for r in recs() if r.get("event") == "stop"]
c.check(any(s["reason"] == "interrupt" for s in stops), f"Ctrl-C: interrupt stop: {stops}")
starts = [r for r in recs() if r.get("event") == "start"]
target = starts[0]["pid"] if starts else None
alive = target is not None and os.path.exists(f"/proc/{target}")
c.check(alive, "Ctrl-C: the program is still alive")
os.write(fd, b"continue\n")
read_for(1)
os.write(fd, b"\x03")
read_for(2)
stops = [r for r in recs() if r.get("event") == "stop"]
c.check(sum(s["reason"] == "interrupt" for s in stops) == 2, "Ctrl-C twice: two interrupts")
os.write(fd, b"quit\n")
read_for(2)
_, status = os.waitpid(pid, 0)
c.check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"godbg exits 0 after quit: {status}")
time.sleep(0.2)
c.check(target is not None and not os.path.exists(f"/proc/{target}/exe") or
        open(f"/proc/{target}/stat").read().rsplit(")", 1)[1].split()[0] in ("Z", "X"),
        "quit kills the launched program")
c.done()

"""Issue 22, attaching under thread churn: demos/threadstorm creates and ends thousands of threads
a second (each goroutine locks itself to a thread and exits locked), and the debugger attaches,
looks, and detaches, again and again; every third time it also stops at a breakpoint (main.tick)
first. Every attach must succeed (a thread that exits while being seized is no error), report the
threads it stopped, and leave the program running, untraced, its .text as in the file.

Usage: test_attach_churn.py [--debugger godbg|dlv] [--trials N]."""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from reliability import DLV, Budget, Godbg, alive, internal_text, is_stop, newest_demo  # noqa: E402
from reliability import summary, text_intact, trials, untraced  # noqa: E402
from godbg_e2e import Checks  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--debugger", default="godbg")
ap.add_argument("--trials", type=int, default=trials(100))
args = ap.parse_args()
c = Checks()
budget = Budget(240)
path, go = newest_demo("threadstorm")
N = 100_000_000  # never ends by itself within the experiment
prog = subprocess.Popen([path, str(N), str(N // 100)], stdout=subprocess.DEVNULL)
time.sleep(0.3)


def newest_tid():
    """The id the kernel handed out last (to any process: the storm makes nearly all of them)."""
    try:
        with open("/proc/loadavg") as f:
            return int(f.read().split()[-1])
    except (OSError, ValueError):
        return 0


def pid_max():
    try:
        with open("/proc/sys/kernel/pid_max") as f:
            return int(f.read())
    except (OSError, ValueError):
        return 1 << 22


def threads_now():
    try:
        with open(f"/proc/{prog.pid}/status") as f:
            return int(re.search(r"Threads:\s+(\d+)", f.read()).group(1))
    except (OSError, AttributeError):
        return 0


def godbg_trial(i):
    """One attach/look/detach; returns (attached, problems)."""
    problems = []
    g = Godbg(prog.pid)
    attached = False
    try:
        got = g.read_until(lambda r: is_stop(r) or "error" in r, 30)
        if not got or got[-1].get("event") != "stop":
            problems.append(f"attach failed: {got and got[-1]}")
        else:
            attached = True
            start = [r for r in got if r.get("event") == "start"]
            if not start or not start[0].get("threads"):
                problems.append(f"no thread count on the start record: {start}")
            if i % 3 == 2:
                g.command("break main.tick", lambda r: "breakpoint" in r or "error" in r)
                got = g.command("continue", is_stop, 30)
                if not got or got[-1].get("reason") != "breakpoint":
                    problems.append(f"no stop at main.tick: {got and got[-1]}")
            got = g.command("threads", lambda r: "threads" in r or "error" in r, 30)
            if not got or "threads" not in got[-1]:
                problems.append(f"threads: {got and got[-1]}")
            g.command("detach", lambda r: "message" in r or "error" in r, 30)
        g.send("quit")
        g.close_stdin()
        if not g.wait(15):
            problems.append("godbg did not end within 15 s")
            g.kill()
    finally:
        g.close()
    bad = internal_text(g.text)
    if bad:
        problems.append(f"internal messages: {bad}")
    return attached, problems


class Rpc:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.f = self.s.makefile("rb")
        self.n = 0

    def call(self, method, params):
        """The answer, or None when Delve closed the connection (it ended, or crashed)."""
        self.n += 1
        try:
            self.s.sendall((json.dumps({"method": "RPCServer." + method, "params": [params],
                                        "id": self.n}) + "\n").encode())
            while True:
                line = self.f.readline()
                if not line:
                    return None
                a = json.loads(line)
                if a.get("id") == self.n:
                    return a
        except OSError:
            return None


def dlv_trial(i):
    problems = []
    p = subprocess.Popen([DLV, "attach", str(prog.pid), "--headless", "--api-version=2",
                          "--listen=127.0.0.1:0"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    attached = False
    try:
        line = p.stdout.readline()
        m = re.search(r"listening at: [\d.]+:(\d+)", line)
        if not m:
            problems.append(f"attach failed: {(line + p.stdout.read())[-300:]!r}")
        else:
            attached = True
            rpc = Rpc(int(m.group(1)))
            if i % 3 == 2:
                if not rpc.call("CreateBreakpoint", {"Breakpoint": {"FunctionName": "main.tick"}}):
                    problems.append("CreateBreakpoint: no answer (Delve ended)")
                a = rpc.call("Command", {"name": "continue"})
                if not a or a.get("error"):
                    problems.append(f"continue: {a}")
            a = rpc.call("ListThreads", {})
            if not a or a.get("error"):
                problems.append(f"threads: {a and a.get('error')}")
            rpc.call("Detach", {"Kill": False})
        p.wait(timeout=15)
    except subprocess.TimeoutExpired:
        problems.append("dlv did not end within 15 s")
        p.kill()
        p.wait()
    finally:
        if problems and attached and p.poll() is not None:
            said = p.stdout.read()
            problems.append(f"dlv said: {said[-300:]!r} (status {p.returncode})")
            # Headless Delve listens first and attaches after: its attach failed there.
            if "could not attach" in said:
                attached = False
        p.stdout.close()
    return attached, problems


trial = godbg_trial if args.debugger == "godbg" else dlv_trial
done = failed = 0
lost = 0
t0, last_tid, made = time.time(), newest_tid(), 0
rates = []
try:
    for i in range(args.trials):
        if budget.over():
            print(f"time bound reached after {done} trials")
            break
        before = threads_now()
        attached, problems = trial(i)
        done += 1
        failed += not attached
        what = f"trial {i} ({args.debugger})"
        for p in problems:
            c.check(False, f"{what}: {p}")
        if not alive(prog.pid):
            lost += 1
            c.check(False, f"{what}: threadstorm died (status {prog.poll()})")
            break
        free, traced = untraced(prog.pid)
        c.check(free, f"{what}: threads left traced: {traced}")
        same, where = text_intact(prog.pid, path)
        c.check(same, f"{what}: .text differs from the file at {where}")
        rates.append(before)
        # Thread ids are handed out in turn, wrapping at pid_max (32768 here: a few seconds of
        # churn), so their advance is summed per trial, each far shorter than a wrap.
        tid = newest_tid()
        made += (tid - last_tid) % pid_max()
        last_tid = tid
finally:
    churn = made / (time.time() - t0)
    prog.kill()
    prog.wait()
print(f"{done} attaches under thread churn ({args.debugger}): {failed} failed, "
      f"{lost} program deaths; about {churn:.0f} threads made a second, "
      f"{sum(rates) / max(len(rates), 1):.0f} alive at each attach")
summary("attach_churn", args.debugger, {"trials": done, "failed_attaches": failed, "deaths": lost,
                                        "threads_per_s": round(churn)})
c.check(done >= min(args.trials, 20), f"only {done} trials ran")
c.done()

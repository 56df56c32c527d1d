"""Issue 22, the target's death: the HTTP server under load, godbg attached, and the server
killed (SIGKILL) at a random moment of one of these states, in turn:

  running    continuing under a never-true conditional breakpoint that every request hits
             (threads in the middle of emulated or single-stepped passes over the int3)
  stopped    stopped at a breakpoint whose condition holds; then a command (bt, print, ...)
  stepping   during a `next`, `stepi` or `finish` from that stop
  attaching  while `godbg attach` seizes the threads

Each trial checks: godbg reports the death once, as {"event":"exit","signal":"SIGKILL"} (or, while
attaching, one line that says the process ended); every later command says the program is not
running; no internal text ever (map::at, strerror of a dead process, sanitizer reports); no stop
that did not happen (a false "Breakpoint 1 hit"); godbg ends on `quit` within 10 s and is not
killed by a signal itself (a crash).

Usage: test_kill_target.py [--trials N] [--states running,stopped,...] [--seed S]."""
import argparse
import os
import random
import re
import signal
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from reliability import Budget, Godbg, Load, Server, newest_demo, summary, trials  # noqa: E402
from reliability import internal_text, is_stop, records  # noqa: E402
from godbg_e2e import Checks  # noqa: E402

STATES = ("running", "stopped", "stepping", "attaching")
ap = argparse.ArgumentParser()
ap.add_argument("--trials", type=int, default=trials(100))
ap.add_argument("--states", default=",".join(STATES))
ap.add_argument("--seed", type=int, default=22)
ap.add_argument("--debugger", default="godbg", help="godbg, or dlv (states running and stopped)")
args = ap.parse_args()
states = args.states.split(",")
rng = random.Random(args.seed)
c = Checks()
budget = Budget(300)
path, go = newest_demo("httpserver")

first = Server(path)
port = first.port
load = Load(first.addr)
server = first
figures = {"trials": 0, "clean": 0, "internal": 0, "crashes": 0, "hangs": 0, "false_stops": 0,
           "unreported": 0, "per_state": {s: 0 for s in states}}


def kill_server():
    try:
        server.p.send_signal(signal.SIGKILL)
    except ProcessLookupError:
        pass


def dlv_trial(st):
    """The same kill under Delve (headless, JSON-RPC): what its answers say afterwards."""
    from sessions import DelveSession
    s = DelveSession(server.pid, "detach")
    problems, answers = [], []
    try:
        if not s.attach():
            return s.problems, answers, False
        s.add_false()
        if st == "running":
            s.run()
            time.sleep(rng.uniform(0.02, 0.4))
            kill_server()
            answers.append(s._answer(s.cont, 10))
        else:
            s.hit_true()
            kill_server()
            time.sleep(rng.uniform(0, 0.05))
            answers.append(s._call("Stacktrace", {"Id": -1, "Depth": 5}, 10))
        answers.append(s._call("State", {}, 10))
        answers.append(s._call("Detach", {"Kill": False}, 10))
        hung = any(a is None for a in answers)
        try:
            s.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            hung = True
            s.p.kill()
            s.p.wait()
        crashed = s.p.returncode is not None and s.p.returncode < 0 and not hung
        return problems, answers, hung or crashed
    finally:
        s.close()


if args.debugger == "dlv":
    import subprocess
    states = [x for x in states if x in ("running", "stopped")]
    figures = {"trials": 0, "reported_exit": 0, "internal": 0, "hangs_or_crashes": 0}
    try:
        for i in range(args.trials):
            if budget.over():
                break
            st = states[i % len(states)]
            if i > 0:
                server = Server(path, port)
            problems, answers, bad = dlv_trial(st)
            figures["trials"] += 1
            figures["hangs_or_crashes"] += bad
            texts = [str((a or {}).get("error") or "") for a in answers]
            state = (answers[1] or {}).get("result") or {} if len(answers) > 1 else {}
            exited = state.get("State", {}).get("exited") or any("exited" in t for t in texts)
            figures["reported_exit"] += bool(exited)
            figures["internal"] += any("no such process" in t or "could not" in t for t in texts)
            if i < 4 or bad:
                print(f"  trial {i} ({st}): {texts}")
            server.stop()
    finally:
        server.stop()
        load.quit()
    print(f"Delve, {figures['trials']} kills: the exit reported {figures['reported_exit']} times, "
          f"internal errors (no such process, could not ...) in {figures['internal']}, "
          f"{figures['hangs_or_crashes']} hangs or crashes")
    summary("kill_target", "dlv", figures)
    sys.exit(0)

try:
    for i in range(args.trials):
        if budget.over():
            print(f"time bound reached after {figures['trials']} trials")
            break
        st = states[i % len(states)]
        what = f"trial {i} ({st})"
        if i > 0:
            server = Server(path, port)
        problems = []
        g = Godbg(server.pid)
        try:
            exits_wanted = 1
            if st == "attaching":
                time.sleep(rng.uniform(0, 0.03))
                kill_server()
                got = g.read_until(lambda r: is_stop(r) or "error" in r, 20)
                if got and "error" in got[-1]:
                    exits_wanted = 0  # the attach failed, saying the process ended
                elif not got:
                    problems.append("attach: no answer")
                g.send("bt")
            else:
                if not g.read_until(is_stop, 20):
                    problems.append("no attach stop")
                g.command("break main.serve if n < 0", lambda r: "breakpoint" in r or "error" in r)
                if st == "running":
                    g.send("continue")
                    time.sleep(rng.uniform(0.02, 0.4))
                    kill_server()
                    got = g.read_until(is_stop, 10)
                    if not got or got[-1].get("event") != "exit":
                        problems.append(f"no exit report within 10 s: {got}")
                        if os.environ.get("GODBG_DEBUG_HANG"):
                            os.system(f"ls /proc/{server.pid}/task; cat /proc/{server.pid}/task/*/stat | cut -d' ' -f1-3; grep -h 'State\|TracerPid\|SigPnd\|ShdPnd' /proc/{server.pid}/status; grep -i 'sig\|shd' /proc/{g.pid}/status; gdb -p {g.pid} -batch -ex 'p (int)waitpid(-1, 0, 0x40000001)' -ex 'p (int)waitpid(-1, 0, 0x40000001)' 2>&1 | grep '^\$'")
                    g.send("bt")
                else:
                    g.command("break main.serve if n > 0", lambda r: "breakpoint" in r or "error" in r)
                    got = g.command("continue", is_stop, 20)
                    if not got or got[-1].get("reason") != "breakpoint":
                        problems.append(f"no stop at the true breakpoint: {got}")
                    if st == "stopped":
                        kill_server()
                        time.sleep(rng.uniform(0, 0.05))
                        g.send(rng.choice(["bt", "print n", "goroutines", "continue", "regs",
                                           "frame 1", "next", "detach", "threads", "stepi"]))
                    else:
                        g.send(rng.choice(["next", "stepi", "finish", "step"]))
                        time.sleep(rng.uniform(0, 0.01))
                        kill_server()
                    g.send("bt")
            g.send("quit")
            g.close_stdin()
            if not g.wait(10):
                figures["hangs"] += 1
                problems.append("godbg did not end within 10 s of quit")
                g.kill()
        finally:
            g.close()
        recs = records(g.text)
        errors = [r["error"] for r in recs if "error" in r]
        if st == "attaching" and exits_wanted == 0:
            if not errors or not re.search(r"ended|killed|exited|zombie|no such process", errors[0]):
                problems.append(f"attach failed without saying the process ended: {errors}")
            errors = errors[1:]
        elif not errors or "not running" not in errors[-1]:
            problems.append(f"the last bt did not say the program is not running: {errors}")
        odd = [e for e in errors if "not running" not in e]
        if odd:
            problems.append(f"errors besides 'not running': {odd}")
        exits = [r for r in recs if r.get("event") == "exit"]
        if len(exits) != exits_wanted:
            figures["unreported"] += 1
            problems.append(f"{len(exits)} exit reports, want {exits_wanted}")
        for e in exits:
            if e.get("signal") != "SIGKILL":
                problems.append(f"exit report without SIGKILL: {e}; the server: {server.died_of()}")
        # A breakpoint whose condition never holds must never be reported; the true one stops
        # before the kill (and again in `next` when another goroutine hits it first).
        bp_stops = [r for r in recs if r.get("event") == "stop" and r.get("reason") == "breakpoint"]
        false_stops = [r for r in bp_stops if r.get("breakpoint") == 1]
        if false_stops or (st != "stepping" and len(bp_stops) > 1):
            figures["false_stops"] += 1
            problems.append(f"stops that did not happen: {bp_stops}")
        bad = internal_text(g.text)
        if bad:
            figures["internal"] += 1
            problems.append(f"internal messages: {bad}")
        if g.status is not None and g.status < 0 and not g.hung:
            figures["crashes"] += 1
            problems.append(f"godbg killed by signal {-g.status}")
        elif g.status not in (0, 1, None):
            problems.append(f"godbg exit status {g.status}")
        figures["trials"] += 1
        figures["per_state"][st] += 1
        figures["clean"] += not problems
        for p in problems:
            c.check(False, f"{what}: {p}")
        if problems:
            print(f"  {what}: {g.text[-800:]!r}")
        c.check(not problems, f"{what}: clean")
        server.stop()
finally:
    server.stop()
    load.quit()
print(f"{figures['trials']} kills of the target: {figures['clean']} clean, {figures['internal']} "
      f"with internal messages, {figures['crashes']} godbg crashes, {figures['hangs']} hangs, "
      f"{figures['false_stops']} false stops, {figures['unreported']} deaths not reported once; "
      f"per state {figures['per_state']}")
summary("kill_target", "godbg", figures)
c.check(figures["trials"] >= min(args.trials, 20), f"only {figures['trials']} trials ran")
c.done()

"""Issue 22, signals while breakpoints are hit: demos/sigcount counts the SIGUSR1 and SIGUSR2 sent
to it while a hot loop calls main.work. godbg attaches with a breakpoint there whose condition
never holds (hit all the time, passed over without a stop), and signals are sent one at a time,
each answered by the program before the next: while it runs, while godbg stops it (Ctrl-C, then
a breakpoint that holds), and right before the session ends (detach, quit, SIGTERM in turn). Not
one may be lost; the program must live on untraced, its .text as in the file. At the end its own
count (printed on SIGTERM) must equal the number sent.

Under Delve (--debugger dlv, headless JSON-RPC) the same steps: halt for Ctrl-C, the false
breakpoint's condition made true for the stop, Detach{Kill: false} for detach and quit.

Usage: test_signals.py [--debugger godbg|dlv] [--trials N] (each trial sends about 30 signals)."""
import argparse
import os
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from reliability import Budget, Godbg, alive, internal_text, is_stop, newest_demo  # noqa: E402
from reliability import summary, text_intact, trials, untraced  # noqa: E402
from godbg_e2e import Checks  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--trials", type=int, default=trials(12))
ap.add_argument("--per-trial", type=int, default=24)
ap.add_argument("--debugger", default="godbg")
args = ap.parse_args()
c = Checks()
budget = Budget(180)
path, go = newest_demo("sigcount")
lost = 0
deaths = 0
earlier = 0  # signals answered by programs that died (under Delve, which one may kill)


def start():
    """sigcount started afresh: the counts are its own from here."""
    global prog, pending, seen, acked, sent
    prog = subprocess.Popen([path], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    os.set_blocking(prog.stdout.fileno(), False)
    pending = b""
    seen = []  # every line the program printed
    acked = 0
    sent = 0
    read_acks(2)  # "sigcount PID"


def died_of():
    """The status and the first lines sigcount wrote as it died."""
    prog.wait()
    err = prog.stderr.read().decode(errors="replace").strip().splitlines()
    return f"status {prog.returncode}: {' | '.join(err[:2])}"


def read_acks(timeout):
    """Reads the program's lines for up to timeout; returns the last total it printed."""
    global pending, acked
    deadline = time.time() + timeout
    while True:
        left = deadline - time.time()
        r, _, _ = select.select([prog.stdout], [], [], max(left, 0))
        if r:
            chunk = prog.stdout.read()
            if chunk:
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    seen.append(line)
                    w = line.decode().split()
                    if len(w) == 3 and w[0] == "got":
                        acked = int(w[2])
                return True
        if left <= 0:
            return False


def send(kind, wait=True, timeout=None):
    """Sends one signal; with wait, until the program says it got it."""
    global sent, lost
    sent += 1
    prog.send_signal(kind)
    if not wait:
        return True
    deadline = time.time() + (timeout or answer_within)
    while acked < sent and time.time() < deadline:
        read_acks(deadline - time.time())
    if acked < sent:
        lost += sent - acked
        sent = acked  # go on counting from what the program has
        return False
    return True


def settle(timeout=None):
    """Waits until every signal sent has been answered."""
    global sent, lost
    deadline = time.time() + (timeout or answer_within)
    while acked < sent and time.time() < deadline:
        read_acks(deadline - time.time())
    if acked < sent:
        lost += sent - acked
        sent = acked
        return False
    return True


# How long a signal may take to be answered: the program answers at once when it runs; under
# Delve, a signal it drops would cost the full wait each time.
answer_within = 10 if args.debugger == "godbg" else 3


start()
kinds = (signal.SIGUSR1, signal.SIGUSR2)
ends = ("detach", "quit", "sigterm")


def godbg_trial(i):
    """One session under godbg; returns (problems, godbg's text)."""
    problems = []
    g = Godbg(prog.pid)
    try:
        if not g.read_until(is_stop, 20):
            problems.append("no attach stop")
        g.command("break main.work if i < 0", lambda r: "breakpoint" in r or "error" in r)
        g.send("continue")
        time.sleep(0.05)
        for k in range(args.per_trial):
            if not send(kinds[k % 2]):
                problems.append(f"signal {sent + 1} not answered while running")
        # Stopped by Ctrl-C, one signal; stopped at a breakpoint, one of the other kind (two
        # of one kind sent before the first is answered would merge, debugger or not). Both
        # are answered only once the program goes on.
        g.signal(signal.SIGINT)
        if not g.read_until(lambda r: r.get("reason") == "interrupt", 10):
            problems.append("no interrupt stop")
        send(signal.SIGUSR1, wait=False)
        time.sleep(0.05)
        # At a breakpoint that holds (hit at once: main.work is hot), one more; then delete it
        # and go on: all three must be answered.
        g.command("break main.work if i > 0", lambda r: "breakpoint" in r or "error" in r)
        g.send("continue")
        got = g.read_until(lambda r: r.get("reason") == "breakpoint", 10)
        if not got:
            problems.append("no stop at the true breakpoint")
        send(signal.SIGUSR2, wait=False)
        g.command("delete 2", lambda r: True, 5)
        g.send("continue")
        if not settle():
            problems.append("signals sent while stopped were not answered after continue")
        # Right before the end of the session, one more, in flight.
        end = ends[i % len(ends)]
        send(kinds[i % 2], wait=False)
        if end == "sigterm":
            g.signal(signal.SIGTERM)
        else:
            g.signal(signal.SIGINT)
            g.read_until(lambda r: r.get("reason") == "interrupt", 10)
            g.send(end)
            g.send("quit")
            g.close_stdin()
        if not g.wait(10):
            problems.append(f"godbg did not end within 10 s ({end})")
            g.kill()
        if not settle():
            problems.append(f"the signal sent as the session ended ({end}) was lost")
    finally:
        g.close()
    return problems, g.text


def dlv_trial(i):
    """The same session under Delve; returns (problems, its text)."""
    from sessions import DelveSession
    end = ends[i % len(ends)]
    s = DelveSession(prog.pid, "sigterm" if end == "sigterm" else "detach", "main.work", "i")
    problems = s.problems
    try:
        if not s.attach() or s.add_false() is None:
            return problems, s.text
        s.run()
        time.sleep(0.05)
        for k in range(args.per_trial):
            if not send(kinds[k % 2]):
                problems.append(f"signal {sent + 1} not answered while running")
        s._send("Command", {"name": "halt"})
        s._answer(s.cont, 10)
        s.cont = None
        send(signal.SIGUSR1, wait=False)
        time.sleep(0.05)
        s.hit_true()  # a stop there, the condition false again
        send(signal.SIGUSR2, wait=False)
        s.run()
        if not settle():
            problems.append("signals sent while stopped were not answered after continue")
        send(kinds[i % 2], wait=False)
        s.end()
        if not settle():
            problems.append(f"the signal sent as the session ended ({end}) was lost")
    finally:
        s.close()
    return problems, s.text


trial = godbg_trial if args.debugger == "godbg" else dlv_trial

done = 0
try:
    for i in range(args.trials):
        if budget.over():
            print(f"time bound reached after {done} trials")
            break
        what = f"trial {i}"
        problems, text = trial(i)
        done += 1
        bad = internal_text(text)
        if bad:
            problems.append(f"internal messages: {bad}")
        if not alive(prog.pid):
            problems.append(f"sigcount died ({died_of()})")
            deaths += 1
        else:
            free, traced = untraced(prog.pid)
            if not free:
                problems.append(f"threads left traced: {traced}")
            same, where = text_intact(prog.pid, path)
            if not same:
                problems.append(f".text differs from the file at {where}")
        for p in problems:
            c.check(False, f"{what}: {p}")
        if not alive(prog.pid):
            if args.debugger == "godbg":
                break
            earlier += sent
            start()  # Delve's figures: go on with a fresh program
    final = None
    if alive(prog.pid):
        prog.send_signal(signal.SIGTERM)
        deadline = time.time() + 10
        while time.time() < deadline and not any(l.startswith(b"sigcount done") for l in seen):
            read_acks(0.5)
        for line in seen:
            if line.startswith(b"sigcount done"):
                final = int(line.split()[2])
        c.equal(final, sent, "the program's own count at the end")
finally:
    if prog.poll() is None:
        prog.kill()
    prog.wait()
    prog.stderr.close()
total = earlier + sent + lost
print(f"{done} sessions on sigcount ({args.debugger}): {total} signals sent, {lost} lost, "
      f"{deaths} program deaths; the last program counted {final}")
summary("signals", args.debugger, {"trials": done, "sent": total, "lost": lost, "deaths": deaths,
                                   "counted": final})
c.check(lost == 0, f"{lost} signals lost")
c.check(done >= min(args.trials, 5), f"only {done} trials ran")
c.done()

"""Issue 2: signals the program should see reach it. A nil dereference stops with the signal,
then the program's own handler turns it into a panic, stopped at before the program dies
(issue 14), and exit status 2. os.Exit(3) from another goroutine is reported. A program killed
by a signal is reported as such."""
import os
import signal
import subprocess
import time

from godbg_e2e import GODBG, Checks, builds, records, run

c = Checks(feature="signals & panics")
for go, variant, path in builds("crash"):
    what = f"{go} {variant}"
    # The SIGSEGV, then the unrecovered panic it becomes (issue 14), then the program's end.
    r = run([path], ["continue", "bt", "continue", "continue"])
    stops = r.stops()
    sig = [s for s in stops if s["reason"] == "signal"]
    c.check(sig and sig[0]["signal"] == "SIGSEGV", f"{what}: stop on SIGSEGV: {stops}")
    c.check(sig and sig[0]["function"] == "main.walk", f"{what}: in main.walk")
    c.check("nil pointer dereference" in r.stdout + r.stderr, f"{what}: the panic text reaches the user")
    panics = [s for s in stops if s["reason"] == "panic"]
    c.check(panics and "nil pointer dereference" in panics[0].get("panic", ""),
            f"{what}: stop at the unrecovered panic, with its value: {stops}")
    exits = r.events("exit")
    c.check(exits and exits[-1].get("status") == 2, f"{what}: exit status 2: {exits}")

    r = run([path, "exit3"], ["continue"])
    exits = r.events("exit")
    c.check(exits and exits[-1].get("status") == 3, f"{what}: os.Exit(3) from a goroutine: {exits}")

# Killed from outside while running.
go, variant, path = next(builds("counter", ("normal",)))
p = subprocess.Popen([GODBG, "run", "--json", path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, text=True)
p.stdin.write("continue\n")
p.stdin.flush()
pid = None
deadline = time.time() + 20
while pid is None and time.time() < deadline:
    line = p.stdout.readline()
    for rec in records(line):
        if rec.get("event") == "start":
            pid = rec["pid"]
time.sleep(0.5)
os.kill(pid, signal.SIGKILL)
out, err = p.communicate("quit\n", timeout=30)
exits = [r for r in records(out) if r.get("event") == "exit"]
c.check(exits and exits[0].get("signal") == "SIGKILL", f"killed by SIGKILL is reported: {exits}")
c.equal(p.returncode, 0, "godbg exit status")
c.done()

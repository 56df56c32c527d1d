#!/usr/bin/env python3
"""godbg vs Delve vs gdb, side by side in one run. Started by bench/run.sh, which builds the
workloads first; see bench/README.md for what each row measures and how to read the table.

Every tool runs the same scripted session on the same binary; repetitions are interleaved
(rep 1 of every tool, then rep 2, ...) so that load on the shared machine spreads over all of
them. Only medians and ratios from one run are meaningful, never absolute times.
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

import bench_values
import bench_issue15  # rows T and W (tracepoints, watchpoints)
import bench_issue20  # row I (conditions evaluated in the target)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "out")

# Marker commands: printing a constant, a cheap command whose output is one recognisable line
# (godbg and Delve print "987654321987", gdb "$N = 987654321987"). The harness timestamps the
# arrival of each marker line on the tool's stdout (a pipe; every tool flushes after each
# command), so "time between two markers" is the time of the commands between them.
MARK_VALUE = b"987654321987"
MARK_CMD = "print " + MARK_VALUE.decode()
MARK = {t: (MARK_CMD, MARK_VALUE) for t in ("godbg", "dlv", "gdb")}


def is_marker(line):
    line = line.rstrip()
    return line.endswith(MARK_VALUE) and b"0x" not in line and (
        line == MARK_VALUE or line.endswith(b"= " + MARK_VALUE))


KEEP_ALL = 32 << 20  # keep the whole output below this size (E2 checks every line), else head + tail


class Result:
    def __init__(self):
        self.wall = None  # seconds, launch of the tool to its exit
        self.rss_kb = None  # peak RSS of the tool process itself (VmHWM, polled)
        self.rss_tree_kb = None  # getrusage of the tool and the children it reaped
        self.cpu = None  # user + system seconds of the tool and the children it reaped
        self.rc = None
        self.timed_out = False
        self.marks = []  # arrival times (relative to launch) of marker lines
        self.out = b""
        self.err = b""
        self.out_bytes = 0


class Stream(threading.Thread):
    def __init__(self, fd, t0, marker):
        super().__init__(daemon=True)
        self.fd, self.t0, self.marker = fd, t0, marker
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
        self.marks = []
        self.partial = b""

    def run(self):
        while True:
            try:
                b = os.read(self.fd, 1 << 20)
            except OSError:
                break
            if not b:
                break
            now = time.monotonic()
            self.total += len(b)
            data = self.partial + b
            if self.marker and self.marker in data:
                lines = data.split(b"\n")
                for ln in lines[:-1]:
                    if is_marker(ln):
                        self.marks.append(now - self.t0)
                data = lines[-1]
            else:
                data = data[data.rfind(b"\n") + 1:]
            self.partial = data[-4096:]
            if len(self.head) < KEEP_ALL:
                take = KEEP_ALL - len(self.head)
                self.head += b[:take]
                b = b[take:]
            if b:
                self.tail += b
                if len(self.tail) > 2 * (256 << 10):
                    del self.tail[: len(self.tail) - (256 << 10)]

    def text(self):
        if self.total <= len(self.head):
            return bytes(self.head)
        return bytes(self.head[:64 << 10]) + b"\n[...]\n" + bytes(self.tail[-(256 << 10):])


def descendants(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
            ppid = int(s[s.rfind(")") + 2:].split()[1])
            kids.setdefault(ppid, []).append(int(d))
        except (OSError, ValueError, IndexError):
            pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for k in kids.get(p, []):
            out.append(k)
            todo.append(k)
    return out


def vmhwm(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for ln in f:
                if ln.startswith("VmHWM:"):
                    return int(ln.split()[1])
    except OSError:
        pass
    return None


def run_session(argv, timeout, tool=None, stdin_data=None, env=None):
    """Runs argv, returns a Result. Kills the tool and what it started on timeout."""
    r = Result()
    marker = MARK[tool][1] if tool in MARK else None
    t0 = time.monotonic()
    stdin = subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL
    p = subprocess.Popen(argv, stdin=stdin,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                         start_new_session=True)
    so = Stream(p.stdout.fileno(), t0, marker)
    se = Stream(p.stderr.fileno(), t0, None)
    so.start()
    se.start()
    if stdin_data is not None:
        try:
            p.stdin.write(stdin_data)
            p.stdin.close()
        except OSError:
            pass
    hwm = 0
    status = ru = None
    deadline = t0 + timeout
    while True:
        pid, st, usage = os.wait4(p.pid, os.WNOHANG)
        if pid == p.pid:
            status, ru = st, usage
            break
        h = vmhwm(p.pid)
        if h:
            hwm = max(hwm, h)
        if time.monotonic() > deadline:
            r.timed_out = True
            victims = descendants(p.pid)
            for v in [p.pid] + victims:
                try:
                    os.kill(v, signal.SIGKILL)
                except OSError:
                    pass
            _, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.01)
    r.wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    r.rc = p.returncode
    so.join(5)
    se.join(5)
    p.stdout.close()
    p.stderr.close()
    r.rss_kb = hwm or None
    r.rss_tree_kb = ru.ru_maxrss if ru else None
    r.cpu = ru.ru_utime + ru.ru_stime if ru else None
    r.marks = so.marks
    r.out = so.text()
    r.err = se.text()
    r.out_bytes = so.total
    return r


def cmdfile(name, lines):
    path = os.path.join(OUT, "cmds", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


class Bench:
    def __init__(self, a):
        self.a = a
        self.godbg = a.godbg
        self.dlv = a.dlv
        self.gdb = a.gdb
        self.bin = lambda n: os.path.join(a.bin_dir or OUT, n)
        self.rows = []  # dicts: id, label, unit, values{tool: median}, samples, notes
        self.skip = {}  # (row, tool) -> reason

    # ---- tool invocations -------------------------------------------------------------
    def launch(self, tool, prog, args, cmds, name):
        """argv and stdin for launching prog under tool, running cmds (a list, tool syntax)."""
        if tool == "godbg":
            f = cmdfile(f"{name}.godbg", cmds)
            return [self.godbg, "run", "--batch", "-q", "-x", f, prog] + args, None
        if tool == "dlv":
            f = cmdfile(f"{name}.dlv", cmds + ["exit"])
            argv = [self.dlv, "exec", prog, "--init", f, "--allow-non-terminal-interactive=true"]
            if args:
                argv += ["--"] + args
            return argv, None
        if tool == "gdb":
            argv = [self.gdb, "-batch", "-nx"]
            for c in cmds:
                argv += ["-ex", c]
            return argv + ["--args", prog] + args, None
        raise ValueError(tool)

    def attach(self, tool, pid, cmds, name):
        if tool == "godbg":
            f = cmdfile(f"{name}.godbg", cmds + ["detach"])
            return [self.godbg, "attach", "--batch", "-q", "-x", f, str(pid)], None
        if tool == "dlv":
            f = cmdfile(f"{name}.dlv", cmds + ["exit -d"])
            return [self.dlv, "attach", str(pid), "--init", f,
                    "--allow-non-terminal-interactive=true"], b"n\n"
        if tool == "gdb":
            argv = [self.gdb, "-batch", "-nx", "-p", str(pid)]
            for c in cmds + ["detach"]:
                argv += ["-ex", c]
            return argv, None
        raise ValueError(tool)

    # ---- measuring --------------------------------------------------------------------
    def measure(self, row, tools, make, check, timeout, reps=None, phase=None, label=None):
        """Runs make(tool) -> (argv, stdin) reps times for each tool, interleaved.
        check(tool, Result) -> None if the output shows the work was done, else a reason.
        phase: None (wall time) or (i, j): time between marker i and marker j.
        Returns {tool: [Result...]} of the good runs."""
        reps = reps or self.a.reps
        good = {t: [] for t in tools}
        for rep in range(reps):
            for t in tools:
                if (row, t) in self.skip:
                    continue
                argv, stdin = make(t)
                r = run_session(argv, timeout, tool=t, stdin_data=stdin)
                why = None
                if r.timed_out:
                    why = f"timed out after {timeout} s"
                else:
                    why = check(t, r)
                if why is None and phase is not None:
                    i, j = phase
                    if len(r.marks) <= max(i, j):
                        why = f"expected {max(i, j) + 1} marker lines, saw {len(r.marks)}"
                    else:
                        r.phase = r.marks[j] - r.marks[i]
                self.log(row, t, rep, r, why, label)
                if why:
                    self.skip[(row, t)] = why
                    continue
                good[t].append(r)
        return good

    def log(self, row, tool, rep, r, why, label=None):
        extra = f" phase {r.phase:.4f}s" if getattr(r, "phase", None) is not None else ""
        rss = f" rss {r.rss_kb / 1024:.1f}MB" if r.rss_kb else ""
        rss += f" cpu {r.cpu:.3f}s" if r.cpu is not None else ""
        status = "ok" if not why else f"FAILED: {why}"
        what = f"rep {rep + 1}" + (f" {label}" if label else "")
        print(f"  [{row}] {tool:6s} {what}: {r.wall:8.3f}s{extra}{rss} {status}",
              flush=True)
        if why:
            tail = lambda b: b.decode("utf-8", "replace").strip().splitlines()[-6:]
            for ln in tail(r.out):
                print(f"      out| {ln[:200]}")
            for ln in tail(r.err):
                print(f"      err| {ln[:200]}")
        self.raw.append({"row": row, "tool": tool, "rep": rep + 1, "label": label,
                         "wall_s": r.wall,
                         "phase_s": getattr(r, "phase", None), "rss_kb": r.rss_kb,
                         "rss_tree_kb": r.rss_tree_kb, "cpu_s": r.cpu, "rc": r.rc, "timed_out": r.timed_out,
                         "stdout_bytes": r.out_bytes, "failed": why})

    def add_row(self, rid, label, unit, values, samples=None, note=""):
        for t in ("godbg", "dlv", "gdb", "naive"):
            if (rid, t) in self.skip and t not in values:
                note = (note + "; " if note else "") + f"{t}: {self.skip[(rid, t)]}"
        self.rows.append({"id": rid, "label": label, "unit": unit, "values": values,
                          "samples": samples or {}, "note": note})

    # ---- rows -------------------------------------------------------------------------
    def row_a(self):
        gocmd = self.bin("gocmd")
        cmds = {
            "godbg": ["break main.main", "continue", "goroutines", "kill"],
            "dlv": ["break main.main", "continue", "goroutines"],
            "gdb": ["break main.main", "run", "info threads", "kill"],
        }
        # godbg is checked by the stop's pc (it may name the stop by an inlined callee).
        stop = {"godbg": rb"Breakpoint 1 hit .*\(pc (0x[0-9a-f]+)", "dlv": rb"main\.main\(\)",
                "gdb": rb"main\.main \(\)"}
        lo, size = nm_symbol(gocmd, "main.main")
        listing = {"godbg": rb"goroutines?\]|Goroutine 1\b", "dlv": rb"\[\d+ goroutines\]",
                   "gdb": rb"\* 1 +(Thread|LWP)"}

        def check(t, r):
            o = r.out + r.err
            m = re.search(stop[t], o)
            if not m:
                return "did not stop at main.main"
            if t == "godbg" and not lo <= int(m.group(1), 16) < lo + size:
                return f"stopped at {m.group(1).decode()}, outside main.main"
            if not re.search(listing[t], o):
                return "no goroutine/thread listing in the output"
            return None

        good = self.measure("A", ["godbg", "dlv", "gdb"],
                            lambda t: self.launch(t, gocmd, [], cmds[t], "A"), check,
                            self.a.timeout)
        self.add_row("A", "launch `go`, break main.main, continue, goroutines, kill", "s",
                     {t: med([r.wall for r in v]) for t, v in good.items() if v},
                     {t: [r.wall for r in v] for t, v in good.items()},
                     "gdb lists threads (`info threads`) instead of goroutines")
        self.add_row("A-cpu", "CPU time of row A (debugger + program, user + system)", "s",
                     {t: med([r.cpu for r in v]) for t, v in good.items() if v},
                     {t: [r.cpu for r in v] for t, v in good.items()})
        self.add_row("A-rss", "peak RSS of the debugger in row A", "MB",
                     {t: med([r.rss_kb / 1024 for r in v if r.rss_kb]) for t, v in good.items()
                      if v and any(r.rss_kb for r in v)},
                     {t: [r.rss_kb for r in v] for t, v in good.items()},
                     "VmHWM of the debugger process alone, polled every 10 ms")

    def row_b(self):
        prog = self.bin("bench_hot")
        n1, n2 = self.a.hits
        addr = self.a.hot_addr
        cmds = {
            "godbg": ["break main.hot if i == -1", "continue", "breakpoints"],
            "dlv": ["break main.hot", "condition 1 i == -1", "continue"],
            "gdb": ["break main.hot if i == -1", "run", "info breakpoints"],
        }

        def make(t, n):
            if t == "naive":
                return [self.bin("naive_tracer"), addr, prog, str(n)], None
            return self.launch(t, prog, [str(n)], cmds[t], f"B{n}")

        tools = ["godbg", "dlv", "gdb", "naive"]
        res = {}
        for n in (n1, n2):
            def check(t, r, n=n):
                if f"hot calls: {n} ".encode() not in r.out:
                    return "the program did not run to its end (stopped at a hit, or the " \
                           "condition failed)"
                return None
            res[n] = self.measure("B", tools, lambda t, n=n: make(t, n), check,
                                  self.a.timeout_hits, label=f"N={n}")
        per_hit = {}
        samples = {}
        for t in tools:
            a, b = res[n1].get(t), res[n2].get(t)
            if a and b:
                per_hit[t] = (med([r.wall for r in b]) - med([r.wall for r in a])) / (n2 - n1) * 1e6
                samples[t] = {str(n1): [r.wall for r in a], str(n2): [r.wall for r in b]}
        self.add_row("B", f"breakpoint with a false condition, per hit (from N={n1} and {n2})",
                     "us", per_hit, samples, "naive = bench/naive_tracer.c, no condition")
        # The same from CPU time (the tool's and the program's, user + system): what a hit
        # costs when the machine is not shared; far less noisy than wall time under load.
        per_hit_cpu = {}
        for t in tools:
            a, b = res[n1].get(t), res[n2].get(t)
            if a and b:
                per_hit_cpu[t] = (med([r.cpu for r in b]) - med([r.cpu for r in a])) / \
                    (n2 - n1) * 1e6
        self.add_row("B-cpu", "the same, CPU time (debugger + program) per hit", "us",
                     per_hit_cpu, {t: {str(n1): [r.cpu for r in res[n1].get(t, [])],
                                       str(n2): [r.cpu for r in res[n2].get(t, [])]}
                                   for t in tools})

    def row_c(self):
        prog = self.bin("bench_manyg")
        n = self.a.goroutines
        cmds = lambda t: ["break main.checkpoint", "continue" if t != "gdb" else "run",
                          MARK[t][0], "goroutines", MARK[t][0], "kill" if t == "godbg" else None]

        def check(t, r, k=n):
            if b"goroutines parked" in r.out:
                return "the program ran to its end (no stop at main.checkpoint)"
            pat = {"godbg": rb"\b(\d+) goroutines", "dlv": rb"\[(\d+) goroutines\]"}[t]
            m = re.findall(pat, r.out)
            if not m or int(m[-1]) < k:
                return f"the listing does not show {k}+ goroutines (saw {m[-1:] or 'none'})"
            return None

        make = lambda t: self.launch(t, prog, [str(n)], [c for c in cmds(t) if c], f"C{n}")
        good = self.measure("C", ["godbg", "dlv"], make, check, self.a.timeout_goroutines,
                            phase=(0, 1))
        self.add_row("C", f"`goroutines` with {n:,} parked goroutines", "s",
                     {t: med([r.phase for r in v]) for t, v in good.items() if v},
                     {t: [r.phase for r in v] for t, v in good.items()},
                     "full listing written to a pipe the harness drains")
        self.add_row("C-rss", f"peak RSS of the debugger in row C", "MB",
                     {t: med([r.rss_kb / 1024 for r in v if r.rss_kb]) for t, v in good.items()
                      if v and any(r.rss_kb for r in v)},
                     {t: [r.rss_kb for r in v] for t, v in good.items()})
        if self.a.big_goroutines:
            big = self.a.big_goroutines
            make = lambda t: self.launch(t, prog, [str(big)], [c for c in cmds(t) if c],
                                         f"C{big}")
            good = self.measure("C1M", ["godbg"], make,
                                lambda t, r: check(t, r, big), self.a.timeout_goroutines,
                                reps=1, phase=(0, 1))
            self.add_row("C1M", f"`goroutines` with {big:,} parked goroutines (godbg alone)",
                         "s", {t: med([r.phase for r in v]) for t, v in good.items() if v},
                         {t: [r.phase for r in v] for t, v in good.items()})

    def row_f(self):
        """Post-mortem: open a core of bench_manyg holding N parked goroutines and list them."""
        prog = self.bin("bench_manyg")
        n = self.a.goroutines
        core = os.path.join(OUT, f"manyg-{n}.core")
        target = subprocess.Popen([prog, str(n), "wait"], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        try:
            line = target.stdout.readline().decode()
            if "goroutines parked" not in line:
                self.add_row("F", "core: open + goroutines", "s", {}, note="bench_manyg did not park")
                return
            if os.path.exists(core):
                os.unlink(core)
            # The core is godbg's own dump (gdb's gcore of the same process gives the same
            # listing; godbg writes it in a fraction of the time).
            d = run_session([self.godbg, "attach", "--batch", "-q", "-x",
                             cmdfile("F-dump.godbg", [f"dump {core}", "detach"]),
                             str(target.pid)], self.a.timeout)
            if not os.path.exists(core):
                self.add_row("F", "core: open + goroutines", "s", {},
                             note=f"dump failed: {d.err.decode(errors='replace')[-200:]}")
                return
            print(f"  [F] dump of {n:,} goroutines: {d.wall:.3f}s, "
                  f"{os.path.getsize(core) / 1e6:.0f} MB (sparse: "
                  f"{os.stat(core).st_blocks * 512 / 1e6:.0f} MB on disk)", flush=True)
        finally:
            target.kill()
            target.wait()

        def make(t):
            if t == "godbg":
                return [self.godbg, "core", "--batch", "-q", "-x",
                        cmdfile("F.godbg", ["goroutines"]), prog, core], None
            return [self.dlv, "core", prog, core, "--init", cmdfile("F.dlv", ["goroutines", "exit"]),
                    "--allow-non-terminal-interactive=true"], None

        def check(t, r):
            pat = {"godbg": rb"\b(\d+) goroutines", "dlv": rb"\[(\d+) goroutines\]"}[t]
            m = re.findall(pat, r.out)
            if not m or int(m[-1]) < n:
                return f"the listing does not show {n}+ goroutines (saw {m[-1:] or 'none'})"
            return None

        good = self.measure("F", ["godbg", "dlv"], make, check, self.a.timeout_goroutines)
        self.add_row("F", f"core of {n:,} parked goroutines: open it, `goroutines`, end", "s",
                     {t: med([r.wall for r in v]) for t, v in good.items() if v},
                     {t: [r.wall for r in v] for t, v in good.items()},
                     "whole session: start, read the core, list, exit")
        self.add_row("F-rss", "peak RSS of the debugger in row F", "MB",
                     {t: med([r.rss_kb / 1024 for r in v if r.rss_kb]) for t, v in good.items()
                      if v and any(r.rss_kb for r in v)},
                     {t: [r.rss_kb for r in v] for t, v in good.items()})
        os.unlink(core)

    def row_d(self):
        prog = self.bin("bench_threads")
        n = self.a.threads
        target = subprocess.Popen([prog, str(n)], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        try:
            line = target.stdout.readline().decode()
            if not line.startswith("ready"):
                self.add_row("D", "attach", "s", {}, note="bench_threads did not start")
                return
            pid = target.pid
            nthreads = len(os.listdir(f"/proc/{pid}/task"))
            cmds = {"godbg": ["goroutines"], "dlv": ["goroutines"], "gdb": ["info threads"]}
            listing = {"godbg": rb"\d+ goroutines", "dlv": rb"\[\d+ goroutines\]",
                       "gdb": rb"\n\s*%d\s+(Thread|LWP)" % (nthreads)}

            def check(t, r):
                if target.poll() is not None:
                    return "the target died (the debugger did not detach cleanly)"
                try:
                    with open(f"/proc/{pid}/status") as f:
                        st = f.read()
                    if re.search(r"TracerPid:\s+[1-9]", st):
                        time.sleep(0.2)
                        with open(f"/proc/{pid}/status") as f:
                            st = f.read()
                        if re.search(r"TracerPid:\s+[1-9]", st):
                            return "the target is still traced after the debugger ended"
                except OSError:
                    return "the target is gone"
                if not re.search(listing[t], r.out):
                    return "no goroutine/thread listing in the output"
                return None

            good = self.measure("D", ["godbg", "dlv", "gdb"],
                                lambda t: self.attach(t, pid, cmds[t], "D"), check,
                                self.a.timeout)
            self.add_row("D", f"attach + goroutines + detach, {nthreads} threads", "s",
                         {t: med([r.wall for r in v]) for t, v in good.items() if v},
                         {t: [r.wall for r in v] for t, v in good.items()},
                         "gdb: `info threads` instead of goroutines")
        finally:
            target.kill()
            target.wait()

    def row_e(self):
        gocmd = self.bin("gocmd")
        # E1: symbol load alone.
        def make_load(t):
            if t == "godbg":
                return [self.godbg, "run", "--batch", "-q", "-x", cmdfile("E1.godbg", ["kill"]),
                        gocmd], None
            if t == "dlv":
                return [self.dlv, "exec", gocmd, "--init", cmdfile("E1.dlv", ["exit"]),
                        "--allow-non-terminal-interactive=true"], None
            return [self.gdb, "-batch", "-nx", gocmd], None

        ok_load = {"godbg": rb"_rt0_amd64_linux|first instruction", "dlv": rb"",
                   "gdb": rb""}
        good = self.measure("E1", ["godbg", "dlv", "gdb"], make_load,
                            lambda t, r: None if r.rc == 0 or t != "godbg" else f"exit {r.rc}",
                            self.a.timeout)
        self.add_row("E1", "symbol load of `go` (godbg: to the entry stop; dlv exec: to the "
                     "first prompt; gdb -batch: file load)", "s",
                     {t: med([r.wall for r in v]) for t, v in good.items() if v},
                     {t: [r.wall for r in v] for t, v in good.items()})
        good = self.measure("E1b", ["gdb"],
                            lambda t: ([self.gdb, "-batch", "-nx", "-ex", "starti", "-ex", "kill",
                                        gocmd], None),
                            lambda t, r: None if b"_rt0_amd64" in r.out + r.err else
                            "did not stop at the first instruction", self.a.timeout)
        self.add_row("E1b", "gdb load + `starti` (the same work as godbg in E1)", "s",
                     {"godbg": self.rows[-1]["values"].get("godbg"),
                      **{t: med([r.wall for r in v]) for t, v in good.items() if v}})

        # E2/E3: bt and print latency at a stop: K repetitions between two markers. K is
        # calibrated per tool (from --k up to 100x) so that the timed phase lasts about half a
        # second, well above the harness's resolution on a loaded machine.
        prog = self.bin("bench_hot")
        k0, depth = self.a.k, 20
        for rid, what, cmd, pat, per in (
                ("E2", f"`bt` at a stop {depth + 4} frames deep, per command", "bt",
                 rb"main\.deep", depth),
                ("E3", "`print i` at a stop, per command", "print i", rb"(?m)(^|= ?)0\s*$", 1)):
            def make(t, k, cmd=cmd, rid=rid):
                run = "run" if t == "gdb" else "continue"
                # One warm-up command first (lazy symbol loading is paid there, not in K).
                cmds = ["break main.hot", run, cmd, MARK[t][0]] + [cmd] * k + [MARK[t][0]]
                if t == "godbg":
                    cmds.append("kill")
                return self.launch(t, prog, ["10", str(depth)], cmds, f"{rid}.k{k}")

            def check(t, r, k, pat=pat, per=per):
                n = len(re.findall(pat, r.out))
                if n < per * k:
                    err = r.err.decode("utf-8", "replace").strip().splitlines()
                    return f"expected {per * k}+ matching output lines, saw {n}" + \
                        (f" ({err[-1][:120]})" if err else "")
                return None

            values, samples, ks = {}, {}, {}
            for t in ("godbg", "dlv", "gdb"):
                k = k0
                for _ in range(4):  # calibration
                    good = self.measure(rid, [t], lambda t, k=k: make(t, k),
                                        lambda t, r, k=k: check(t, r, k), self.a.timeout,
                                        reps=1, phase=(0, 1), label="calibrate")
                    if not good[t]:
                        break
                    ph = good[t][0].phase
                    if ph >= 0.25 or k >= 100 * k0:
                        break
                    k = min(100 * k0, int(k * (0.5 / ph if ph > 0.005 else 100)))
                if (rid, t) in self.skip:
                    continue
                good = self.measure(rid, [t], lambda t, k=k: make(t, k),
                                    lambda t, r, k=k: check(t, r, k), self.a.timeout,
                                    phase=(0, 1))
                if good[t]:
                    values[t] = med([r.phase for r in good[t]]) / k * 1e3
                    samples[t] = {"k": k, "phase_s": [r.phase for r in good[t]]}
                    ks[t] = k
            self.add_row(rid, what, "ms", values, samples,
                         "K commands between two markers, divided; K = " +
                         ", ".join(f"{t} {k}" for t, k in ks.items()))

    def row_n(self):
        # F: `next` over one line whose call loops N times, against a continue over the same
        # work (a breakpoint on the next line). Time between two markers around the command.
        prog = self.bin("bench_next")
        src = os.path.join(os.path.dirname(HERE), "demos", "bench_next", "main.go")
        with open(src) as f:
            lines = f.read().splitlines()
        at = next(i + 1 for i, ln in enumerate(lines) if ln.endswith("// bench:next"))
        after = next(i + 1 for i, ln in enumerate(lines) if ln.endswith("// bench:after"))
        n = self.a.next_iterations

        def cmds(t, how):
            run = "run" if t == "gdb" else "continue"
            head = [f"break main.go:{at}", run]
            if how == "continue":
                head.append(f"break main.go:{after}")
            body = [MARK[t][0], "next" if how == "next" else "continue", MARK[t][0]]
            return head + body + ["kill" if t == "godbg" else None]

        def check(t, r):
            # Between the two markers: the stop on the line after (godbg and Delve say
            # main.go:N, gdb prints the line as "N<tab>source"), the program not at its end.
            parts = r.out.split(MARK_VALUE)
            if len(parts) < 3:
                return "the markers are missing"
            timed = parts[1]
            if b"spun " in timed:
                return "the program ran to its end (the step lost its goroutine)"
            if f"main.go:{after}".encode() not in timed and f"\n{after}\t".encode() not in timed:
                return f"did not stop at line {after}"
            return None

        values, samples, cpu = {}, {}, {}
        for how in ("next", "continue"):
            good = self.measure(f"N-{how}", ["godbg", "dlv", "gdb"],
                                lambda t, how=how: self.launch(
                                    t, prog, [str(n)], [c for c in cmds(t, how) if c],
                                    f"N.{how}"),
                                check, self.a.timeout, phase=(0, 1), label=how)
            values[how] = {t: med([r.phase for r in v]) * 1e3 for t, v in good.items() if v}
            samples[how] = {t: [r.phase for r in v] for t, v in good.items()}
            # CPU time of the whole session (debugger + program): steadier than the timed
            # phase on a shared machine; single-stepping the loop would show here as seconds.
            cpu[how] = {t: med([r.cpu for r in v]) for t, v in good.items()
                        if v and all(r.cpu is not None for r in v)}
            for t in ("godbg", "dlv", "gdb"):  # a failed tool's reason goes under its rows
                if (f"N-{how}", t) in self.skip:
                    for rid in ("N", "N-cpu") if how == "next" else ("N-cont", "N-cont-cpu"):
                        self.skip[(rid, t)] = self.skip[(f"N-{how}", t)]
        self.add_row("N", f"`next` over a line whose call loops {n:,} times", "ms",
                     values["next"], samples["next"])
        self.add_row("N-cont", "`continue` over the same work (breakpoint on the next line)", "ms",
                     values["continue"], samples["continue"])
        self.add_row("N-ratio", "`next` / `continue` (1 = no single-stepping through the call)",
                     "x", {t: values["next"][t] / values["continue"][t]
                           for t in values["next"] if values["continue"].get(t)})
        self.add_row("N-cpu", "CPU time of the whole `next` session (launch, break, next, kill)",
                     "s", cpu["next"])
        self.add_row("N-cont-cpu", "CPU time of the whole `continue` session", "s",
                     cpu["continue"])

    # ---- report -----------------------------------------------------------------------
    def report(self, env):
        fmtv = lambda v, u: "—" if v is None else (f"{v:.3f}" if u == "s" else
                                                  f"{v:.1f}" if u in ("MB", "us", "ns") else
                                                  f"{v:,.0f}" if u == "/s" else
                                                  f"{v:.2f}")
        ratio = lambda a, b: "—" if a is None or not b else f"{a / b:.3f}"
        lines = ["| row | what | unit | godbg | Delve | gdb | naive | godbg/Delve | godbg/gdb "
                 "| godbg/naive |", "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        notes = []
        for r in self.rows:
            v, u = r["values"], r["unit"]
            g = v.get("godbg")
            lines.append(f"| {r['id']} | {r['label']} | {u} | {fmtv(g, u)} | "
                         f"{fmtv(v.get('dlv'), u)} | {fmtv(v.get('gdb'), u)} | "
                         f"{fmtv(v.get('naive'), u)} | {ratio(g, v.get('dlv'))} | "
                         f"{ratio(g, v.get('gdb'))} | {ratio(g, v.get('naive'))} |")
            if r["note"]:
                notes.append(f"- {r['id']}: {r['note']}")
        targets = self.targets()
        md = ["# godbg vs Delve vs gdb", "",
              f"Run {env['date']} on {env['host']} ({env['nproc']} CPUs, load average "
              f"{env['load_start']} at start, {env['load_end']} at end); medians of "
              f"{self.a.reps} runs each.", "",
              f"godbg {env['godbg']} · Delve {env['dlv']} · gdb {env['gdb']} · "
              f"{env['go']} · workloads built by {env['go']}", ""] + lines + [""]
        if notes:
            md += ["Notes:", ""] + notes + [""]
        md += ["Targets (issues 7 and 18):", ""] + [f"- {t}" for t in targets] + [""]
        return "\n".join(md)

    def targets(self):
        v = {r["id"]: r["values"] for r in self.rows}
        out = []

        def check(label, g, bound, how):
            if g is None or bound is None:
                out.append(f"{label}: NOT MEASURED ({how})")
            else:
                ok = g <= bound
                out.append(f"{label}: {'MET' if ok else 'NOT MET'} — godbg {g:.4g} vs bound "
                           f"{bound:.4g} ({how})")

        a = v.get("A", {})
        peers = [x for x in (a.get("dlv"), a.get("gdb")) if x]
        check("A time ≤ 1/10 of the faster peer", a.get("godbg"),
              min(peers) / 10 if peers else None, "faster of Delve and gdb / 10")
        ar = v.get("A-rss", {})
        check("A peak RSS ≤ 1/4 of Delve's", ar.get("godbg"),
              ar["dlv"] / 4 if ar.get("dlv") else None, "Delve / 4")
        b = v.get("B", {})
        check("B per hit ≤ 1/20 of Delve's", b.get("godbg"),
              b["dlv"] / 20 if b.get("dlv") else None, "Delve / 20")
        check("B per hit ≤ 1/4 of gdb's", b.get("godbg"),
              b["gdb"] / 4 if b.get("gdb") else None, "gdb / 4")
        check("B per hit below the naive tracer", b.get("godbg"), b.get("naive"), "naive")
        bc = v.get("B-cpu", {})
        check("B per hit, CPU time, ≤ 1/20 of Delve's", bc.get("godbg"),
              bc["dlv"] / 20 if bc.get("dlv") else None, "Delve / 20")
        check("B per hit, CPU time, ≤ 1/4 of gdb's", bc.get("godbg"),
              bc["gdb"] / 4 if bc.get("gdb") else None, "gdb / 4")
        check("B per hit, CPU time, below the naive tracer", bc.get("godbg"), bc.get("naive"),
              "naive")
        c = v.get("C", {})
        check("C ≤ 1/10 of Delve's", c.get("godbg"),
              c["dlv"] / 10 if c.get("dlv") else None, "Delve / 10")
        bench_values.targets(v, check)
        c1 = v.get("C1M", {})
        check("C 1,000,000 goroutines listed in seconds", c1.get("godbg"), 10.0,
              "≤ 10 s taken as 'seconds'")
        i = v.get("I", {})
        check("I (issue 20) false condition in the target ≤ 1/10 of a bare ptrace stop",
              i.get("godbg"), i["naive"] / 10 if i.get("naive") else None, "naive / 10, ns")
        check("I (issue 20) false condition in the target under 100 ns", i.get("godbg"), 100,
              "100 ns")
        f = v.get("F", {})
        check("F (issue 18) core of 100,000 goroutines ≤ 1/10 of Delve's", f.get("godbg"),
              f["dlv"] / 10 if f.get("dlv") else None, "Delve / 10")
        return out


def nm_symbol(path, name):
    """(address, size) of a symbol, from nm -S."""
    o = subprocess.run(["nm", "-S", path], capture_output=True, text=True, check=True).stdout
    for ln in o.splitlines():
        f = ln.split()
        if len(f) == 4 and f[3] == name:
            return int(f[0], 16), int(f[1], 16)
    raise RuntimeError(f"{name} not found in {path}")


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def version(argv):
    try:
        o = subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout
        return o.strip().splitlines()
    except Exception as e:  # noqa: BLE001
        return [f"? ({e})"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--godbg", required=True)
    ap.add_argument("--dlv", required=True)
    ap.add_argument("--gdb", default="/usr/bin/gdb")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--rows", default="A,B,C,D,E,F")
    ap.add_argument("--next-iterations", type=int, default=1000000)
    ap.add_argument("--hits", default="2000,10000")
    ap.add_argument("--hot-addr", required=True)
    ap.add_argument("--goroutines", type=int, default=100000)
    ap.add_argument("--big-goroutines", type=int, default=1000000)
    ap.add_argument("--threads", type=int, default=500)
    ap.add_argument("--k", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--timeout-hits", type=float, default=240)
    ap.add_argument("--timeout-goroutines", type=float, default=300)
    # Where the workloads are and where the results go (run.sh: one pair per Go toolchain and
    # build variant), and what to call that build in the table.
    ap.add_argument("--bin-dir", default="")
    ap.add_argument("--out-dir", default="")
    ap.add_argument("--build", default="")
    a = ap.parse_args()
    global OUT
    if a.out_dir:
        OUT = a.out_dir
        os.makedirs(os.path.join(OUT, "cmds"), exist_ok=True)
    a.hits = tuple(int(x) for x in a.hits.split(","))
    b = Bench(a)
    b.raw = []
    env = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "host": os.uname().nodename,
        "nproc": os.cpu_count(),
        "load_start": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "godbg": version([a.godbg, "--version"])[0] + ", built " + time.strftime(
            "%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(a.godbg))) + " from " +
        (version(["git", "-C", os.path.dirname(HERE), "log", "-1", "--format=%h"]) or ["?"])[0] +
        " + working tree",
        "dlv": next((ln.split()[-1] for ln in version([a.dlv, "version"]) if "Version" in ln), "?"),
        "gdb": version([a.gdb, "--version"])[0].split()[-1],
        "go": a.build or version(["go", "version"])[0].split()[2],
    }
    rows = a.rows.split(",")
    t0 = time.monotonic()
    for rid, fn in (("A", b.row_a), ("B", b.row_b), ("C", b.row_c), ("D", b.row_d),
                    ("E", b.row_e), ("F", b.row_f),
                    ("G", lambda: bench_values.row_g(b, b.bin("values"), med)),
                    ("N", b.row_n), ("T", lambda: bench_issue15.row_t(b)),
                    ("W", lambda: bench_issue15.row_w(b)),
                    ("I", lambda: bench_issue20.row_i(b, med)),
                    ("TP", lambda: bench_issue20.row_tp(b, med))):
        if rid in rows:
            print(f"== row {rid}", flush=True)
            try:
                fn()
            except Exception as e:  # noqa: BLE001  a broken row must not lose the others
                print(f"  row {rid} broke: {e!r}", flush=True)
                b.add_row(rid, "(broken)", "s", {}, note=f"harness error: {e!r}")
    env["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    env["elapsed_s"] = time.monotonic() - t0
    md = b.report(env)
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(md + "\n")
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump({"env": env, "args": {k: v for k, v in vars(a).items()}, "rows": b.rows,
                   "runs": b.raw, "targets": b.targets()}, f, indent=1)
    print()
    print(md)


if __name__ == "__main__":
    main()

"""Rows T and W of bench/bench.py (issue 15): tracepoints and watchpoints, godbg beside Delve and
gdb on demos/bench_hot N (main.hot(i) called N times, each call writing the global main.sink).

- T: a tracepoint on main.hot, per hit, from two runs (N1 and N2 calls): godbg `trace main.hot`
  (a line per call and per return), `dlv trace --exec` (the same two lines), gdb `dprintf` (a
  line per call; gdb has no return line).
- W: a watchpoint on main.sink whose condition is never true, per write: godbg and gdb (Delve's
  `condition` refuses a watchpoint: it is named by its expression, and the name has a dot).
- W-stop: a watchpoint that stops at every write, then `continue`, per write: all three.
- W1M: godbg alone, 1,000,000 writes under the conditional watchpoint: the whole run, and the
  program alone for comparison.
"""
import re
import time
import subprocess

MILLION = 1_000_000


def per_hit(res, tools, n1, n2, key):
    out, samples = {}, {}
    for t in tools:
        a, b = res[n1].get(t), res[n2].get(t)
        if a and b:
            out[t] = (med([key(r) for r in b]) - med([key(r) for r in a])) / (n2 - n1) * 1e6
            samples[t] = {str(n1): [key(r) for r in a], str(n2): [key(r) for r in b]}
    return out, samples


def med(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2


def ran_to_end(n):
    def check(t, r):
        if f"hot calls: {n} ".encode() not in r.out + r.err:
            return "the program did not run to its end"
        return None
    return check


def row_t(b):
    prog = b.bin("bench_hot")
    n1, n2 = b.a.hits

    def make(t, n):
        if t == "godbg":
            return b.launch(t, prog, [str(n)], ["trace main.hot", "continue"], f"T{n}")
        if t == "dlv":
            return [b.dlv, "trace", "--exec", prog, "main.hot", "--", str(n)], None
        return b.launch(t, prog, [str(n)], ['dprintf main.hot,"hot %d\\n",i', "run"], f"T{n}")

    lines = {"godbg": rb"^> goroutine\(\d+\) thread\(\d+\): main\.hot\(i = \d+\)$",
             "dlv": rb"^> goroutine\(\d+\): main\.hot\(\d+\)$", "gdb": rb"^hot \d+$"}
    tools = ["godbg", "dlv", "gdb"]
    res = {}
    for n in (n1, n2):
        def check(t, r, n=n):
            why = ran_to_end(n)(t, r)
            if why:
                return why
            found = re.findall(lines[t], r.out + r.err, re.M)
            # gdb prints a dprintf again when a signal (Go's preemption, SIGURG) arrives at
            # the breakpoint: every call must be there, some more than once.
            ok = len(set(found)) == n if t == "gdb" else len(found) == n
            return None if ok else f"{len(found)} trace lines for {n} calls"
        res[n] = b.measure("T", tools, lambda t, n=n: make(t, n), check, b.a.timeout_hits,
                           label=f"N={n}")
    values, samples = per_hit(res, tools, n1, n2, lambda r: r.wall)
    b.add_row("T", f"tracepoint on main.hot, per hit (from N={n1} and {n2})", "us", values,
              samples, "godbg and dlv trace log the call and its return (two int3 hits), gdb's "
              "dprintf the call alone (some twice: it repeats a dprintf when a signal arrives "
              "at the breakpoint)")
    cpu, cpu_samples = per_hit(res, tools, n1, n2, lambda r: r.cpu)
    b.add_row("T-cpu", "the same, CPU time (debugger + program) per hit", "us", cpu, cpu_samples)
    b.add_row("T-rate", "tracepoint hits per second (1e6 / row T)", "/s",
              {t: 1e6 / v for t, v in values.items() if v and v > 0})


def row_w(b):
    prog = b.bin("bench_hot")
    n1, n2 = b.a.hits
    cond = {
        "godbg": ["break main.main", "continue", "watch main.sink",
                  "condition 2 main.sink == -1", "continue"],
        "gdb": ["break main.main", "run", "watch 'main.sink' if 'main.sink' == -1", "continue"],
    }
    tools = ["godbg", "gdb"]
    res = {}
    for n in (n1, n2):
        res[n] = b.measure("W", tools,
                           lambda t, n=n: b.launch(t, prog, [str(n)], cond[t], f"W{n}"),
                           ran_to_end(n), b.a.timeout_hits, label=f"N={n}")
    values, samples = per_hit(res, tools, n1, n2, lambda r: r.wall)
    b.add_row("W", f"watchpoint on main.sink, condition never true, per write (N={n1}, {n2})",
              "us", values, samples,
              "Delve: `condition` refuses a watchpoint (named by its expression, with a dot)")
    cpu, cpu_samples = per_hit(res, tools, n1, n2, lambda r: r.cpu)
    b.add_row("W-cpu", "the same, CPU time (debugger + program) per write", "us", cpu,
              cpu_samples)

    # Stopping at every write: `continue` N times.
    s1, s2 = max(n1 // 5, 50), max(n2 // 5, 200)
    stop = {
        "godbg": lambda n: ["break main.main", "continue", "watch main.sink"] +
        ["continue"] * (n + 1),
        "dlv": lambda n: ["break main.main", "continue", "watch -w main.sink"] +
        ["continue"] * (n + 1),
        "gdb": lambda n: ["break main.main", "run", "watch 'main.sink'"] + ["continue"] * (n + 1),
    }
    tools = ["godbg", "dlv", "gdb"]
    res = {}
    for n in (s1, s2):
        res[n] = b.measure("W-stop", tools,
                           lambda t, n=n: b.launch(t, prog, [str(n)], stop[t](n), f"Ws{n}"),
                           ran_to_end(n), b.a.timeout_hits, label=f"N={n}")
    values, samples = per_hit(res, tools, s1, s2, lambda r: r.wall)
    b.add_row("W-stop", f"watchpoint stopping at every write, then continue, per write "
              f"(N={s1}, {s2})", "us", values, samples)

    # A million writes, godbg alone, against the program alone.
    good = b.measure("W1M", ["godbg"],
                     lambda t: b.launch(t, prog, [str(MILLION)], cond["godbg"], "W1M"),
                     ran_to_end(MILLION), max(b.a.timeout_hits, 600), reps=1)
    alone = []
    for _ in range(3):
        t0 = time.monotonic()
        subprocess.run([prog, str(MILLION)], capture_output=True, check=True)
        alone.append(time.monotonic() - t0)
    runs = good.get("godbg") or []
    b.add_row("W1M", "1,000,000 writes under a conditional watchpoint: whole run (godbg) / "
              "the program alone (naive column)", "s",
              {"godbg": med([r.wall for r in runs]), "naive": med(alone)} if runs else {},
              note="naive column here = the program without a debugger")

"""Row I of bench/bench.py (issue 20): a breakpoint whose condition is never true, on
demos/bench_hot (main.hot(i) called N times): godbg with the condition evaluated in the target,
godbg's ptrace path (`set in-target off`), Delve, gdb, and the naive C tracer (one bare ptrace
stop and step per call, no condition: the floor of any ptrace design).

- I: per call. godbg in the target from N = 300,000 and 3,300,000 calls, less the program's own
  cost per call (the same N without a debugger); the ptrace tools per hit from the two --hits
  runs, as row B.
- I-ptrace: godbg's ptrace path, per hit, the same way.
- I-300k: the whole godbg run over 300,000 calls in the target, and the program alone.
The targets check prints whether in-target / naive is at most 0.1 and under 100 ns.
"""

import re

N_SMALL, N_BIG = 300_000, 3_300_000


def row_i(b, med):
    prog = b.bin("bench_hot")
    n1, n2 = b.a.hits
    addr = b.a.hot_addr
    cond = "i == -1"
    cmds = {
        "godbg": [f"break main.hot if {cond}", "continue", "breakpoints"],
        "dlv": ["break main.hot", f"condition 1 {cond}", "continue"],
        "gdb": [f"break main.hot if {cond}", "run", "info breakpoints"],
    }

    def ran(n):
        def check(t, r):
            if f"hot calls: {n} ".encode() not in r.out:
                return "the program did not run to its end"
            return None
        return check

    # In the target, and the program alone, over many calls (3.3 M calls on the ptrace path would
    # take minutes: a run that ends within the timeout ran in the target).
    alone = {}
    inside = {}
    for n in (N_SMALL, N_BIG):
        inside[n] = b.measure("I", ["godbg"],
                              lambda t, n=n: b.launch(t, prog, [str(n)], cmds["godbg"], f"I{n}"),
                              ran(n), b.a.timeout_hits, label=f"in target N={n}").get("godbg", [])
        alone[n] = b.measure("I", ["naive"], lambda t, n=n: ([prog, str(n)], None),
                             lambda t, r: None, b.a.timeout_hits,
                             label=f"program alone N={n}").get("naive", [])
    per_call = None
    if inside[N_SMALL] and inside[N_BIG] and alone[N_SMALL] and alone[N_BIG]:
        total = (med([r.wall for r in inside[N_BIG]]) - med([r.wall for r in inside[N_SMALL]]))
        own = (med([r.wall for r in alone[N_BIG]]) - med([r.wall for r in alone[N_SMALL]]))
        per_call = (total - own) / (N_BIG - N_SMALL) * 1e6

    # The ptrace tools, per hit from the two smaller runs.
    def make(t, n, off=False):
        if t == "naive":
            return [b.bin("naive_tracer"), addr, prog, str(n)], None
        c = (["set in-target off"] if off else []) + cmds[t]
        return b.launch(t, prog, [str(n)], c, f"I{n}{'off' if off else ''}")

    res, off = {}, {}
    for n in (n1, n2):
        res[n] = b.measure("I", ["dlv", "gdb", "naive"], lambda t, n=n: make(t, n), ran(n),
                           b.a.timeout_hits, label=f"N={n}")
        off[n] = b.measure("I", ["godbg"], lambda t, n=n: make(t, n, True), ran(n),
                           b.a.timeout_hits, label=f"ptrace path N={n}")
    values = {}
    for t in ("dlv", "gdb", "naive"):
        a, c = res[n1].get(t), res[n2].get(t)
        if a and c:
            values[t] = (med([r.wall for r in c]) - med([r.wall for r in a])) / (n2 - n1) * 1e6
    ptrace = None
    if off[n1].get("godbg") and off[n2].get("godbg"):
        ptrace = (med([r.wall for r in off[n2]["godbg"]]) -
                  med([r.wall for r in off[n1]["godbg"]])) / (n2 - n1) * 1e6
    ns = {t: v * 1000 for t, v in values.items()}
    if per_call is not None:
        ns["godbg"] = per_call * 1000
    # In ns: the in-target figure is a few ns, which the table's us format would show as 0.0.
    b.add_row("I", f"false condition, per call: godbg in the target (N={N_SMALL:,} and "
              f"{N_BIG:,}, less the program's own cost); others per hit (N={n1} and {n2})",
              "ns", ns, {}, "naive = bench/naive_tracer.c: one bare ptrace stop per call")
    b.add_row("I-ptrace", "the same on godbg's ptrace path (set in-target off), per hit", "us",
              {"godbg": ptrace, **{t: v for t, v in values.items() if t != "godbg"}})
    if inside[N_SMALL] and alone[N_SMALL]:
        b.add_row("I-300k", f"godbg's whole run over {N_SMALL:,} calls in the target (naive "
                  "column: the program alone)", "s",
                  {"godbg": med([r.wall for r in inside[N_SMALL]]),
                   "naive": med([r.wall for r in alone[N_SMALL]])})
    b.issue20 = {"in_target_us": per_call, "ptrace_us": ptrace, "naive_us": values.get("naive"),
                 "dlv_us": values.get("dlv"), "gdb_us": values.get("gdb")}
    r = b.issue20
    for k in ("ptrace_us", "dlv_us", "gdb_us", "naive_us"):
        if per_call and r.get(k):
            print(f"  in-target / {k[:-3]}: {per_call / r[k]:.5f}", flush=True)


def row_tp(b, med):
    """Row TP (issue 20, tracepoints): hits per second of a tracepoint on main.hot(i) of
    demos/bench_hot. The ptrace tools from the difference of the two --hits runs (so start-up
    cancels): godbg's `trace main.hot` on the ptrace path (`set in-target off`; a call line and
    a return line, two stops a call), `dlv trace`, gdb `dprintf`, and one try of `dlv trace
    --ebpf` (its failure, if any, is printed and noted).

    TP-target: godbg's `trace -c main.hot` in the target, per call from N = 300,000 and
    3,300,000 less the program's own cost (as row I), as calls per second: each call is
    recorded into the ring or counted as dropped when godbg's reader falls behind (the program
    calls main.hot every few ns; the drops are printed).
    TP-lines: the lines godbg writes per second when the program stays under what it drains:
    demos/tracehot, 1 worker, 1,500 calls between 1 ms pauses, 1,000,000 calls."""
    prog = b.bin("bench_hot")
    n1, n2 = b.a.hits

    def make(t, n):
        if t == "godbg":
            return b.launch(t, prog, [str(n)], ["set in-target off", "trace main.hot", "continue"],
                            f"TP{n}")
        if t == "dlv":
            return [b.dlv, "trace", "--exec", prog, "main.hot$", "--", str(n)], None
        return b.launch(t, prog, [str(n)], ['dprintf main.hot,"hot %d\\n",i', "run"], f"TP{n}")

    def ran(n):
        def check(t, r):
            if f"hot calls: {n} ".encode() not in r.out + r.err:
                return "the program did not run to its end"
            return None
        return check

    res = {n: b.measure("TP", ["godbg", "dlv", "gdb"], lambda t, n=n: make(t, n), ran(n),
                        b.a.timeout_hits, label=f"N={n}") for n in (n1, n2)}
    rate = {}
    for t in ("godbg", "dlv", "gdb"):
        a, c = res[n1].get(t), res[n2].get(t)
        if a and c:
            d = med([r.wall for r in c]) - med([r.wall for r in a])
            rate[t] = (n2 - n1) / d if d > 0 else None
    ebpf = run_ebpf(b, prog, n1)
    b.add_row("TP", f"tracepoint hits per second on main.hot (N={n1} and {n2}): godbg ptrace "
              "path, dlv trace, gdb dprintf", "hits/s", rate, {},
              f"dlv trace --ebpf: {ebpf}")

    # In the target.
    inside, alone, drops = {}, {}, {}
    cmds = ["trace -c main.hot", "continue", "breakpoints"]
    for n in (N_SMALL, N_BIG):
        inside[n] = b.measure("TP", ["godbg"],
                              lambda t, n=n: b.launch(t, prog, [str(n)], cmds, f"TPt{n}"),
                              ran(n), b.a.timeout_hits, label=f"in target N={n}").get("godbg", [])
        alone[n] = b.measure("TP", ["naive"], lambda t, n=n: ([prog, str(n)], None),
                             lambda t, r: None, b.a.timeout_hits,
                             label=f"program alone N={n}").get("naive", [])
        for r in inside[n]:
            if (hd := hits_dropped(r)):
                drops.setdefault(n, []).append(hd)
    calls_s = None
    if inside[N_SMALL] and inside[N_BIG] and alone[N_SMALL] and alone[N_BIG]:
        total = med([r.wall for r in inside[N_BIG]]) - med([r.wall for r in inside[N_SMALL]])
        own = med([r.wall for r in alone[N_BIG]]) - med([r.wall for r in alone[N_SMALL]])
        if total - own > 0:
            calls_s = (N_BIG - N_SMALL) / (total - own)
    dropped = "; ".join(f"N={n}: hits/dropped {v}" for n, v in drops.items())
    b.add_row("TP-target", f"godbg trace -c main.hot in the target: calls per second recorded "
              f"or counted dropped (N={N_SMALL:,} and {N_BIG:,}, less the program's own cost)",
              "hits/s", {"godbg": calls_s}, {}, dropped)

    hot = b.bin("tracehot")
    lines_s, note = None, ""
    got = b.measure("TP", ["godbg"],
                    lambda t: b.launch(t, hot, ["1000000", "1", "1500"], cmds, "TPl"),
                    # By the tracepoint's count: the program's last line may sit before the
                    # last drain's lines, beyond the tail the bench keeps of the output.
                    lambda t, r: None if (hits_dropped(r) or (0,))[0] == 1000000 else "no end",
                    b.a.timeout_hits, label="tracehot lines").get("godbg", [])
    if got:
        counts = []
        for r in got:
            if (hd := hits_dropped(r)):
                counts.append((hd[0] - hd[1], hd[1], r.wall))
        if counts:
            lines_s = med([c[0] / c[2] for c in counts])
            note = "lines, dropped, wall s: " + "; ".join(f"{a}, {d}, {w:.2f}" for a, d, w in counts)
    b.add_row("TP-lines", "godbg in the target: trace lines written per second (demos/tracehot, "
              "1 worker, 1,000,000 calls, 1 ms pauses every 1,500)", "lines/s", {"godbg": lines_s}, {}, note)


def hits_dropped(r):
    """The tracepoint's hits and drops from the `breakpoints` listing after the run."""
    out = r.out + r.err
    h = re.search(rb"main\.hot hits (\d+)", out)
    d = re.search(rb"main\.hot hits \d+ .*?(\d+) dropped", out)
    return (int(h.group(1)), int(d.group(1)) if d else 0) if h else None


def run_ebpf(b, prog, n):
    import subprocess
    import time
    t0 = time.monotonic()
    try:
        p = subprocess.run([b.dlv, "trace", "--ebpf", "--exec", prog, "main.hot$", "--", str(n)],
                           capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return "timed out after 120 s"
    wall = time.monotonic() - t0
    tail = (p.stdout + p.stderr).decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    print(f"  [TP] dlv trace --ebpf N={n}: rc {p.returncode}, {wall:.2f} s, {tail[0][:200]}",
          flush=True)
    if p.returncode != 0 or f"hot calls: {n} ".encode() not in p.stdout + p.stderr:
        return f"did not run (rc {p.returncode}: {tail[0][:120]})"
    return f"{n / wall:.0f} hits/s over the whole run of {n} calls"

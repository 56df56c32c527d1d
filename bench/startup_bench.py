#!/usr/bin/env python3
"""bench/startup_bench.py: what a full startup report costs against a plain run of the same
binary, and how close its times are to the program's own.

    python3 bench/startup_bench.py [--reps 5] [--godbg build/godbg] PROG [ARGS...]

Each repetition runs, one after another (so that the machine's load spreads over all alike):
  plain       PROG ARGS
  inittrace   GODEBUG=inittrace=1 PROG ARGS: the program's own figures (each package's init, and
              when the last one ended after runtime.main began), no debugger
  startup     godbg startup --json --batch -x FILE PROG ARGS: the full report (launch to
              main.main, every package's init), then `continue` to the program's end
  godbg-main  godbg run --batch: break main.main, continue, continue
  dlv-main    dlv exec --init: break main.main, continue, continue, exit
  gdb-main    gdb -batch: break main.main, run, continue
Every session runs the program to its end, as the plain run does. The last three are no startup
report: what a stop at main.main costs in each debugger, for scale. The table gives medians of wall and CPU time (tool and program, user + system) and
their ratio to the plain run; then the report's times against inittrace's of the same repetition:
runtime.main to main.main, the package list, the heaviest packages. Raw numbers go to
bench/out/startup-NAME.json, the tables to bench/out/startup-NAME.md.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "out")
INIT_LINE = re.compile(r"init (\S+) @(\S+) ms, (\S+) ms clock, (\d+) bytes, (\d+) allocs$")


def timed(argv, env=None, timeout=300):
    """(wall s, cpu s of the process tree, exit code, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        deadline = t0 + timeout
        while True:
            pid, st, ru = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                _, st, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.002)
        wall = time.monotonic() - t0
        # The tree's CPU: the waited-for child and everything it waited for.
        cpu = ru.ru_utime + ru.ru_stime
        out.seek(0)
        err.seek(0)
        return wall, cpu, os.waitstatus_to_exitcode(st), out.read().decode(errors="replace"), \
            err.read().decode(errors="replace")


def parse_inittrace(text):
    inits, end_ms = [], 0.0
    for line in text.splitlines():
        m = INIT_LINE.match(line)
        if m:
            inits.append({"package": m[1], "at_ms": float(m[2]), "clock_ms": float(m[3]),
                          "bytes": int(m[4]), "allocs": int(m[5])})
            end_ms = max(end_ms, float(m[2]) + float(m[3]))
    return inits, end_ms


def parse_report(text):
    for line in text.splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if isinstance(r, dict) and "startup" in r:
            return r
    return None


def top(pairs, n):
    return [p for p, _ in sorted(pairs, key=lambda x: -x[1])[:n]]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--godbg", default=os.path.join(HERE, "..", "build", "godbg"))
    ap.add_argument("--dlv", default=os.path.expanduser("~/go/bin/dlv"))
    ap.add_argument("--gdb", default=shutil.which("gdb") or "/usr/bin/gdb")
    ap.add_argument("--name", help="the workload's name in bench/out (PROG's base name)")
    ap.add_argument("prog")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    prog = os.path.abspath(a.prog)
    name = a.name or os.path.basename(prog)
    os.makedirs(OUT, exist_ok=True)
    cmds = tempfile.mkdtemp(prefix="startup-bench-")
    gfile = os.path.join(cmds, "main.godbg")
    dfile = os.path.join(cmds, "main.dlv")
    sfile = os.path.join(cmds, "startup.godbg")
    with open(gfile, "w") as f:
        f.write("break main.main\ncontinue\ncontinue\n")
    with open(dfile, "w") as f:
        f.write("break main.main\ncontinue\ncontinue\nexit\n")
    with open(sfile, "w") as f:
        f.write("continue\n")
    env_it = dict(os.environ, GODEBUG="inittrace=1")
    sessions = {
        "plain": ([prog, *a.args], None),
        "inittrace": ([prog, *a.args], env_it),
        "startup": ([a.godbg, "startup", "--json", "--batch", "-x", sfile, prog, *a.args], None),
        "godbg-main": ([a.godbg, "run", "--batch", "-q", "-x", gfile, prog, *a.args], None),
        "dlv-main": ([a.dlv, "exec", prog, "--init", dfile, "--allow-non-terminal-interactive=true",
                      *(["--", *a.args] if a.args else [])], None),
        "gdb-main": ([a.gdb, "-batch", "-nx", "-ex", "break main.main", "-ex", "run", "-ex", "continue",
                      "--args", prog, *a.args], None),
    }
    if not os.access(a.dlv, os.X_OK):
        del sessions["dlv-main"]
    if not os.access(a.gdb, os.X_OK):
        del sessions["gdb-main"]
    load0 = os.getloadavg()
    runs = {k: [] for k in sessions}
    accuracy = []
    for rep in range(a.reps):
        it = None
        for k, (argv, env) in sessions.items():
            wall, cpu, rc, out, err = timed(argv, env)
            # Stopped at main.main (the debuggers), then ran to the end.
            ok = {"plain": rc == 0, "inittrace": rc == 0,
                  "startup": rc == 0 and '"status":0' in out.replace(" ", ""),
                  "godbg-main": "Breakpoint 1 hit" in out and "Process exited with status 0" in out,
                  "dlv-main": "main.main()" in out and "has exited with status 0" in out,
                  "gdb-main": "main.main ()" in out and "exited normally" in out}[k]
            runs[k].append({"wall": wall, "cpu": cpu, "rc": rc, "ok": ok})
            if k == "inittrace":
                it = parse_inittrace(err)
            if k == "startup" and it:
                rec = parse_report(out)
                if not rec:
                    runs[k][-1]["ok"] = False
                    continue
                st = rec["startup"]
                t = {s["stage"]: s["t_us"] for s in reversed(st)}
                inits = [s for s in st if s["stage"] == "init"]
                own_inits, own_end_ms = it
                want = [i["package"] for i in own_inits]
                got = [s["package"] for s in inits]
                own_top = top([(i["package"], i["clock_ms"]) for i in own_inits], 5)
                rep_top = top([(s["package"], s["dur_us"] or 0) for s in inits], 5)
                span = t["main.main"] - t["runtime.main"] if "main.main" in t else None
                accuracy.append({
                    "rep": rep, "own_us": int(own_end_ms * 1000), "report_us": span,
                    "main_main_us": t.get("main.main"), "runtime_main_us": t.get("runtime.main"),
                    "packages": len(got), "list_equal": got == want,
                    "own_init_ms": sum(i["clock_ms"] for i in own_inits),
                    "report_init_ms": sum((s["dur_us"] or 0) for s in inits) / 1000,
                    "own_top": own_top, "report_top": rep_top,
                    "top1_equal": own_top[:1] == rep_top[:1],
                    "top2_equal": set(own_top[:2]) == set(rep_top[:2]),
                    "top3_in_top5": len(set(own_top[:3]) & set(rep_top)),
                })
            print(f"[{name}] {k} rep {rep + 1}: {wall:.3f}s cpu {cpu:.3f}s "
                  f"{'ok' if runs[k][-1]['ok'] else 'FAILED rc=%d' % rc}", flush=True)
    load1 = os.getloadavg()
    shutil.rmtree(cmds, ignore_errors=True)

    lines = [f"# startup report cost: {name} ({' '.join([os.path.basename(prog), *a.args])})", "",
             f"{a.reps} repetitions, interleaved; load average {load0[0]:.1f} at the start, "
             f"{load1[0]:.1f} at the end (2 cores, shared).", "",
             "| session | wall (median) | CPU (median) | wall / plain | ok |", "|---|---|---|---|---|"]
    pw = med([r["wall"] for r in runs["plain"] if r["ok"]])
    for k, rs in runs.items():
        good = [r for r in rs if r["ok"]]
        w, c = med([r["wall"] for r in good]), med([r["cpu"] for r in good])
        ratio = f"{w / pw:.1f}x" if w and pw else "-"
        lines.append(f"| {k} | {w * 1000:.0f} ms | {c * 1000:.0f} ms | {ratio} | "
                     f"{len(good)}/{len(rs)} |" if w else f"| {k} | - | - | - | 0/{len(rs)} |")
    if accuracy:
        own = med([x["own_us"] for x in accuracy])
        rep = med([x["report_us"] for x in accuracy])
        ratios = [x["report_us"] / x["own_us"] for x in accuracy if x["report_us"] and x["own_us"]]
        lines += ["", "| the report against inittrace (same repetition) | median | per repetition |",
                  "|---|---|---|",
                  f"| runtime.main to main.main: report | {rep / 1000:.1f} ms | "
                  f"{', '.join(str(round(x['report_us'] / 1000, 1)) for x in accuracy)} |",
                  f"| ... the program's own (inittrace: last init's @ + clock) | {own / 1000:.1f} ms | "
                  f"{', '.join(str(round(x['own_us'] / 1000, 1)) for x in accuracy)} |",
                  f"| report / own | {med(ratios):.2f} | {', '.join(f'{r:.2f}' for r in ratios)} |",
                  f"| main.main in the report (from the first instruction) | "
                  f"{med([x['main_main_us'] for x in accuracy]) / 1000:.1f} ms | |",
                  f"| sum of inits: report / inittrace | "
                  f"{med([x['report_init_ms'] for x in accuracy]):.1f} / "
                  f"{med([x['own_init_ms'] for x in accuracy]):.1f} ms | |",
                  f"| package list equals inittrace's | "
                  f"{sum(x['list_equal'] for x in accuracy)}/{len(accuracy)} "
                  f"({accuracy[0]['packages']} packages) | |",
                  f"| heaviest package the same | {sum(x['top1_equal'] for x in accuracy)}/"
                  f"{len(accuracy)} | {accuracy[-1]['own_top'][0]} |",
                  f"| the two heaviest the same (either order) | "
                  f"{sum(x['top2_equal'] for x in accuracy)}/{len(accuracy)} | "
                  f"{', '.join(accuracy[-1]['own_top'][:2])} |",
                  f"| inittrace's 3 heaviest in the report's 5 | "
                  f"{med([x['top3_in_top5'] for x in accuracy])}/3 | "
                  f"{', '.join(str(x['top3_in_top5']) for x in accuracy)} |"]
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(OUT, f"startup-{name}.md"), "w") as f:
        f.write(text)
    with open(os.path.join(OUT, f"startup-{name}.json"), "w") as f:
        json.dump({"prog": prog, "args": a.args, "reps": a.reps, "load": [load0, load1],
                   "runs": runs, "accuracy": accuracy}, f, indent=1)


if __name__ == "__main__":
    main()

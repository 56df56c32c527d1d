#!/usr/bin/env bash
# bench/load_symbols.sh — how long godbg and Delve take to load the `go` command binary
# (about 20 MB, DWARF included), side by side, repeated, medians and ratios.
#
#   bash bench/load_symbols.sh                  # 5 repetitions of each scenario
#   REPS=9 GODBG=build-src/godbg bash bench/load_symbols.sh
#
# Scenarios (each tool launches the program and ends it; runs are interleaved so that load on
# a shared machine spreads over both tools):
#   load   launch and stop: godbg to its entry stop; Delve `dlv exec` to its first prompt
#   break  + `break main.main`, `continue`, `bt`: the time to answer a first breakpoint
#   print  + `print runtime.ncpu` there: a first use of DWARF variables and types
# Environment: GODBG (default build-src/godbg, else build/godbg), DLV (~/go/bin/dlv), GO (go
# on PATH), REPS (5), OUT (bench/out-symbols).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
OUT=${OUT:-$here/out-symbols}
REPS=${REPS:-5}
GO=${GO:-$(command -v go)}
DLV=${DLV:-$HOME/go/bin/dlv}
if [ -z "${GODBG:-}" ]; then
  for g in "$root/build-src/godbg" "$root/build/godbg"; do
    [ -x "$g" ] && GODBG=$g && break
  done
fi
[ -x "${GODBG:-}" ] || { echo "load_symbols: no godbg binary; set GODBG" >&2; exit 1; }
[ -x "$DLV" ] || { echo "load_symbols: no Delve at $DLV; set DLV" >&2; exit 1; }
mkdir -p "$OUT"
gocmd=$OUT/gocmd
if [ ! -x "$gocmd" ]; then
  echo "== building the go command with $("$GO" version | awk '{print $3}') into $gocmd" >&2
  GOTOOLCHAIN=local CGO_ENABLED=0 "$GO" build -o "$gocmd" cmd/go
fi

exec python3 - "$GODBG" "$DLV" "$gocmd" "$REPS" "$OUT" <<'PY'
import os, resource, statistics, subprocess, sys, time

godbg, dlv, gocmd, reps, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]

def cmdfile(name, lines):
    path = os.path.join(out, name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path

scenarios = {
    "load": ([], "symbol load: launch, stop, end"),
    "break": (["break main.main", "continue", "bt"], "first breakpoint: break main.main, continue, bt"),
    "print": (["break main.main", "continue", "bt", "print runtime.ncpu"],
              "first print: ... and print runtime.ncpu"),
}

def argv(tool, name, cmds):
    if tool == "godbg":
        f = cmdfile(f"{name}.godbg", cmds + ["kill"])
        return [godbg, "run", "--batch", "-q", "-x", f, gocmd, "version"]
    f = cmdfile(f"{name}.dlv", cmds + ["exit"])
    return [dlv, "exec", gocmd, "--init", f, "--allow-non-terminal-interactive=true", "--", "version"]

def check(tool, name, text):
    if name == "load":
        return True
    if "main.main" not in text:
        return False
    if name == "print":
        # runtime.ncpu is the number of CPUs: a small positive integer in either tool's output.
        return any(w.isdigit() and 0 < int(w) < 4096 for w in text.replace(",", " ").split())
    return True

def run_once(tool, name, cmds):
    a = argv(tool, name, cmds)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(a, stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    dt = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    text = (p.stdout + p.stderr).decode(errors="replace")
    if not check(tool, name, text):
        print(f"  {tool} {name}: output does not show the work done:\n{text[-600:]}", file=sys.stderr)
        return None
    return dt, cpu

results = {}
cpu_results = {}
for name, (cmds, _) in scenarios.items():
    for tool in ("godbg", "dlv"):
        run_once(tool, name, cmds)  # warm the page cache once, untimed
    for i in range(reps):
        for tool in ("godbg", "dlv"):
            got = run_once(tool, name, cmds)
            if got is not None:
                results.setdefault((name, tool), []).append(got[0])
                cpu_results.setdefault((name, tool), []).append(got[1])

size = os.path.getsize(gocmd) / 1e6
gover = subprocess.run([gocmd, "version"], capture_output=True, text=True).stdout.strip()
print(f"# godbg vs Delve: loading the go command ({size:.1f} MB, {gover})")
print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
      f"median of {reps} runs each (all runs in seconds).\n")
print("Wall time (what a user waits for):\n")
print("| scenario | godbg s | Delve s | godbg/Delve | godbg runs | Delve runs |")
print("|---|---:|---:|---:|---|---|")
worst = 0.0
def row(table, name, what):
    g = table.get((name, "godbg"), [])
    d = table.get((name, "dlv"), [])
    mg = statistics.median(g) if g else float("nan")
    md = statistics.median(d) if d else float("nan")
    ratio = mg / md if g and d else float("nan")
    runs = lambda v: " ".join(f"{x:.3f}" for x in v)
    print(f"| {what} | {mg:.3f} | {md:.3f} | {ratio:.3f} | {runs(g)} | {runs(d)} |")
    return ratio
for name, (_, what) in scenarios.items():
    ratio = row(results, name, what)
    worst = max(worst, ratio) if ratio == ratio else worst
print("\nCPU time (user + system, debugger and program; steadier than wall time on a loaded "
      "machine):\n")
print("| scenario | godbg s | Delve s | godbg/Delve | godbg runs | Delve runs |")
print("|---|---:|---:|---:|---|---|")
worst_cpu = 0.0
for name, (_, what) in scenarios.items():
    ratio = row(cpu_results, name, what)
    worst_cpu = max(worst_cpu, ratio) if ratio == ratio else worst_cpu
print(f"\nTarget (issue 3): godbg under a tenth of Delve's time: wall "
      f"{'MET' if worst and worst < 0.1 else 'NOT MET'} (worst ratio {worst:.3f}), CPU "
      f"{'MET' if worst_cpu and worst_cpu < 0.1 else 'NOT MET'} (worst ratio {worst_cpu:.3f})")
PY

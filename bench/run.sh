#!/usr/bin/env bash
# bench/run.sh — godbg vs Delve vs gdb, side by side, in one run.
#
#   bash bench/run.sh                 # everything: rows A-E, 3 repetitions (about 10-20 min)
#   REPS=5 ROWS=B,C bash bench/run.sh # some rows, more repetitions
#
# Builds godbg (build-bench/, RelWithDebInfo) unless GODBG names a binary, installs Delve with
# `go install github.com/go-delve/delve/cmd/dlv@latest` if ~/go/bin/dlv is missing, builds the
# workloads with the newest Go into bench/out/ (the `go` command itself, demos/bench_hot,
# demos/bench_manyg, demos/bench_threads, and bench/naive_tracer.c with gcc), then runs every
# tool on the same binaries and prints a table of medians and ratios godbg/peer. Raw numbers go
# to bench/out/results.json, the table to bench/out/results.md. See bench/README.md.
#
# Environment: GODBG, DLV, GDB (tool paths), GO (toolchain for the workloads), REPS (3),
# ROWS (A,B,C,D,E), HITS (2000,10000), GOROUTINES (100000), BIG_GOROUTINES (1000000; 0 skips),
# THREADS (500), K (200: bt/print repetitions), TIMEOUT (120 s per session).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=$here/out
mkdir -p "$out"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
GO=${GO:-$(command -v go)}

step() { printf '== %s\n' "$*" >&2; }

# godbg
if [ -z "${GODBG:-}" ]; then
  step "building godbg in build-bench/"
  GODBG=$root/build-bench/godbg
  # Others edit the tree while this runs: a failing rebuild falls back on the last binary.
  if ! { [ -f "$root/build-bench/build.ninja" ] ||
           cmake -S "$root" -B "$root/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
             >/dev/null; } ||
     ! ninja -j"${JOBS:-2}" -C "$root/build-bench" godbg >"$out/build.log" 2>&1; then
    [ -x "$GODBG" ] || { cat "$out/build.log" >&2; echo "bench: cannot build godbg" >&2; exit 1; }
    echo "bench: warning: rebuilding godbg failed (see bench/out/build.log); using the last" \
      "binary, $(date -r "$GODBG" '+%F %T')" >&2
  fi
fi

# Delve
DLV=${DLV:-$HOME/go/bin/dlv}
if [ ! -x "$DLV" ]; then
  step "installing Delve (go install github.com/go-delve/delve/cmd/dlv@latest)"
  GOFLAGS= GOTOOLCHAIN=auto "$GO" install github.com/go-delve/delve/cmd/dlv@latest
  DLV=$("$GO" env GOPATH)/bin/dlv
fi
GDB=${GDB:-/usr/bin/gdb}

# Workloads (rebuilt only when a source is newer than the binary).
newer() { [ ! -x "$1" ] || [ -n "$(find "${@:2}" -newer "$1" -type f 2>/dev/null | head -1)" ]; }
if newer "$out/gocmd" "$(dirname "$GO")"; then
  step "building the go command (go build -o bench/out/gocmd cmd/go)"
  (cd "$root" && "$GO" build -o "$out/gocmd" cmd/go)
fi
for d in bench_hot bench_manyg bench_threads; do
  if newer "$out/$d" "$root/demos/$d"; then
    step "building demos/$d"
    (cd "$root/demos/$d" && "$GO" build -o "$out/$d" .)
  fi
done
if newer "$out/naive_tracer" "$here/naive_tracer.c"; then
  step "building bench/naive_tracer.c"
  gcc -O2 -Wall -o "$out/naive_tracer" "$here/naive_tracer.c"
fi
hot_addr=$(nm "$out/bench_hot" | awk '$3 == "main.hot" {print $1}')
[ -n "$hot_addr" ] || { echo "bench: main.hot not found in bench_hot" >&2; exit 1; }

step "running (godbg: $GODBG, Delve: $DLV, gdb: $GDB)"
exec python3 "$here/bench.py" --godbg "$GODBG" --dlv "$DLV" --gdb "$GDB" \
  --reps "${REPS:-3}" --rows "${ROWS:-A,B,C,D,E}" --hits "${HITS:-2000,10000}" \
  --hot-addr "$hot_addr" --goroutines "${GOROUTINES:-100000}" \
  --big-goroutines "${BIG_GOROUTINES:-1000000}" --threads "${THREADS:-500}" --k "${K:-200}" \
  --timeout "${TIMEOUT:-120}"

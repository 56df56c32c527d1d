#!/usr/bin/env bash
# bench/run.sh — godbg vs Delve vs gdb, side by side, in one run.
#
#   bash bench/run.sh                 # everything: rows A-G, N, T, W, 3 repetitions, every toolchain (an hour or more)
#   REPS=5 ROWS=B,C bash bench/run.sh # some rows, more repetitions
#
# Builds godbg (build-bench/, RelWithDebInfo) unless GODBG names a binary, installs Delve with
# `go install github.com/go-delve/delve/cmd/dlv@latest` if ~/go/bin/dlv is missing, builds the
# workloads (the `go` command itself, demos/bench_hot, demos/bench_manyg, demos/bench_threads,
# and bench/naive_tracer.c with gcc) with every Go toolchain as normal, PIE and -s -w binaries
# into bench/out/<go version>/<variant>/, then for each runs every tool on the same binaries and
# writes a table of medians and ratios godbg/peer there (results.md, raw numbers in
# results.json); bench/out/results.md gathers them. See bench/README.md.
#
# Environment: GODBG, DLV, GDB (tool paths), GO (one toolchain only), TOOLCHAINS (go versions,
# comma-separated), VARIANTS (normal,pie,stripped), REPS (3),
# ROWS (A,B,C,D,E,F,G,N,T,W,I), HITS (2000,10000), GOROUTINES (100000), BIG_GOROUTINES (1000000; 0 skips),
# THREADS (500), K (200: bt/print repetitions), NEXT_ITERATIONS (1000000: row N's loop),
# TIMEOUT (120 s per session).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=$here/out
mkdir -p "$out"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
GO=${GO:-}

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
  GOFLAGS= GOTOOLCHAIN=auto go install github.com/go-delve/delve/cmd/dlv@latest
  DLV=$(go env GOPATH)/bin/dlv
fi
GDB=${GDB:-/usr/bin/gdb}

# The builds to measure: every toolchain of scripts/go_toolchains.sh (Debian's 1.19, the newest
# on PATH, the GOTOOLCHAIN-fetched ones) x normal, PIE and -s -w, each into
# bench/out/<go version>/<variant>/ with its own results.md; bench/out/results.md puts them
# together. TOOLCHAINS (go versions, comma-separated) and VARIANTS narrow it down; GO=path runs
# that one toolchain alone.
source "$root/scripts/go_toolchains.sh"
if [ -n "${GO:-}" ]; then gos=$GO; else gos=$(go_toolchain_binaries); fi
variants=${VARIANTS:-normal,pie,stripped}
newer() { [ ! -x "$1" ] || [ -n "$(find "${@:2}" -newer "$1" -type f 2>/dev/null | head -1)" ]; }
if newer "$out/naive_tracer" "$here/naive_tracer.c"; then
  step "building bench/naive_tracer.c"
  gcc -O2 -Wall -o "$out/naive_tracer" "$here/naive_tracer.c"
fi
summary=$out/results.md
{ echo "# godbg vs Delve vs gdb, every toolchain and build variant"; echo; } >"$summary.new"
status=0
for g in $gos; do
  ver=$("$g" env GOVERSION)
  case ",${TOOLCHAINS:-$ver}," in *",$ver,"*) ;; *) continue ;; esac
  for variant in ${variants//,/ }; do
    dir=$out/$ver/$variant
    mkdir -p "$dir"
    flags=()
    case $variant in
      pie) flags=(-buildmode=pie) ;;
      stripped) flags=("-ldflags=-s -w") ;;
    esac
    # Workloads (rebuilt only when a source is newer than the binary).
    # (the go command only for the rows that run it)
    if [[ ${ROWS:-A,B,C,D,E,F,G,N,T,W,I} =~ [AE] ]] && newer "$dir/gocmd" "$(dirname "$g")"; then
      step "building the go command with $ver ($variant)"
      (cd "$root" && "$g" build "${flags[@]}" -o "$dir/gocmd" cmd/go)
    fi
    for d in bench_hot bench_manyg bench_threads values bench_next tracehot; do
      if newer "$dir/$d" "$root/demos/$d"; then
        step "building demos/$d with $ver ($variant)"
        (cd "$root/demos/$d" && "$g" build "${flags[@]}" -o "$dir/$d" .)
      fi
    done
    cp "$out/naive_tracer" "$dir/naive_tracer"
    # main.hot for the naive tracer: -s -w leaves the code where it was, so the symbol of the
    # unstripped build says; with ASLR off, as the tracer runs it, a PIE's first segment is
    # loaded at 0x555555554000.
    sym=$dir/bench_hot
    if [ "$variant" = stripped ]; then
      sym=$dir/bench_hot.syms
      newer "$sym" "$root/demos/bench_hot" && (cd "$root/demos/bench_hot" && "$g" build -o "$sym" .)
    fi
    hot_addr=$(nm "$sym" | awk '$3 == "main.hot" {print $1}')
    [ -n "$hot_addr" ] || { echo "bench: main.hot not found in $sym" >&2; exit 1; }
    if [ "$variant" = pie ]; then
      first=$(readelf -lW "$sym" | awk '$1 == "LOAD" {print $3; exit}')
      hot_addr=$(printf '%x' $((0x555555554000 - first + 0x$hot_addr)))
    fi
    # B's condition reads a variable and C's and E2/E3's marker is a print: both need DWARF
    # (in godbg and Delve alike), which -s -w removes, so stripped builds run A, D and E.
    rows=${ROWS:-A,B,C,D,E,F,G,N,T,W,I}
    if [ "$variant" = stripped ]; then
      rows=$(echo "$rows" | tr ',' '\n' | { grep -E '^[ADE]$' || true; } | paste -sd, -)
      [ -n "$rows" ] || continue
    fi
    step "running $ver $variant, rows $rows (godbg: $GODBG, Delve: $DLV, gdb: $GDB)"
    python3 "$here/bench.py" --godbg "$GODBG" --dlv "$DLV" --gdb "$GDB" \
      --bin-dir "$dir" --out-dir "$dir" --build "$ver $variant" \
      --reps "${REPS:-3}" --rows "$rows" --hits "${HITS:-2000,10000}" \
      --hot-addr "$hot_addr" --goroutines "${GOROUTINES:-100000}" \
      --big-goroutines "${BIG_GOROUTINES:-1000000}" --threads "${THREADS:-500}" --k "${K:-200}" \
      --next-iterations "${NEXT_ITERATIONS:-1000000}" --timeout "${TIMEOUT:-120}" || status=1
    { echo "## $ver, $variant"; echo; sed '1,2d' "$dir/results.md"; echo; } >>"$summary.new"
  done
done
mv "$summary.new" "$summary"
echo "== all builds: $summary" >&2
exit $status

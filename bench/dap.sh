#!/usr/bin/env bash
# bench/dap.sh — godbg dap vs dlv dap on the same binaries (see bench/README.md, "DAP").
#   bash bench/dap.sh            # REPS=5 sessions per tool and workload, ROUNDS=20 round trips
# Environment: GODBG (default build/godbg), DLV (~/go/bin/dlv), GO, REPS, ROUNDS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=$here/out
mkdir -p "$out"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
GODBG=${GODBG:-$root/build/godbg}
DLV=${DLV:-$(command -v dlv || echo "$HOME/go/bin/dlv")}
[ -x "$GODBG" ] || { echo "dap.sh: no godbg at $GODBG (build it, or set GODBG)" >&2; exit 1; }
[ -x "$DLV" ] || { echo "dap.sh: no Delve at $DLV (set DLV)" >&2; exit 1; }
# As editors build for debugging: no optimizations, no inlining.
(cd "$root/demos/dapdemo" && "$GO" build -gcflags='all=-N -l' -o "$out/dapdemo" .)
[ -x "$out/gocmd" ] || "$GO" build -o "$out/gocmd" cmd/go
line=$(grep -n 'total := loop(5)' "$root/demos/dapdemo/main.go" | cut -d: -f1)
node "$here/dap_bench.js" "$GODBG" "$DLV" "$out/dap_results.json" \
  "dapdemo:$out/dapdemo:file=$root/demos/dapdemo/main.go:$line" \
  "gocmd:$out/gocmd:func=main.main" | tee "$out/dap_results.md"

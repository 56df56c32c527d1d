#!/usr/bin/env bash
# One bounded libFuzzer run, as a ctest test: run_target.sh FUZZER WORKDIR TARGET SECONDS
# Fuzzes a scratch copy of WORKDIR/seeds/TARGET for SECONDS; a crash, leak, timeout or OOM
# fails the test and leaves the input in WORKDIR/artifacts/TARGET/ (reproduce: FUZZER FILE).
set -euo pipefail
fuzzer=$1 work=$2 target=$3 seconds=$4
[ -x "$fuzzer" ] || { echo "run_target: $fuzzer not built" >&2; exit 1; }
corpus=$work/corpus/$target artifacts=$work/artifacts/$target
rm -rf "$corpus" && mkdir -p "$corpus" "$artifacts"
cp -r "$work/seeds/$target/." "$corpus/"
if [ "$target" = commands ] && [ -z "${GODBG_FUZZ_PROG:-}" ] && [ -n "${GODBG_DEMO_DIR:-}" ]; then
  ver=$(head -n1 "$GODBG_DEMO_DIR/toolchains.txt")
  export GODBG_FUZZ_PROG=$GODBG_DEMO_DIR/$ver/normal/waiters
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:abort_on_error=0
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
log=$work/$target.log
status=0
"$fuzzer" "$corpus" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 \
  -max_len=4194304 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
grep -v '^#[0-9]' "$log" | tail -n 60
[ "$status" = 0 ] && echo "fuzz $target: 1 passed, 0 failed" || echo "fuzz $target: 0 passed, 1 failed"
exit "$status"

#!/usr/bin/env bash
# Longer fuzzing runs than CI's: builds the libFuzzer targets with clang (build-fuzz/), makes
# seed corpora from the demo binaries of every Go toolchain, and fuzzes each target in turn.
# The corpus grows in fuzz-corpus/<target>/ between runs; crashes land in fuzz-artifacts/<target>/.
#
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET=600] [TARGET ...]
#   targets: elf gopclntab buildinfo dwarf commands (default: all)
#   env: JOBS (parallel fuzzing processes per target, default 1), DEMO_DIR (default build/demos)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-600}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(elf gopclntab buildinfo dwarf commands)
demo_dir=${DEMO_DIR:-$root/build/demos}
command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ not found (apt-get install clang)" >&2; exit 1; }

CXX=clang++ cmake -S fuzz -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build-fuzz >/dev/null
bash scripts/build_demos.sh "$demo_dir" >/dev/null
python3 fuzz/make_seeds.py "$demo_dir" build-fuzz/seeds

ver=$(head -n1 "$demo_dir/toolchains.txt")
export GODBG_FUZZ_PROG=${GODBG_FUZZ_PROG:-$demo_dir/$ver/normal/waiters}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for t in "${targets[@]}"; do
  corpus=fuzz-corpus/$t artifacts=fuzz-artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  echo "== fuzz_$t for ${seconds}s (corpus $corpus)"
  if ! build-fuzz/fuzz_"$t" "$corpus" build-fuzz/seeds/"$t" -max_total_time="$seconds" \
      -timeout=20 -rss_limit_mb=3072 -max_len=4194304 -jobs="${JOBS:-1}" -workers="${JOBS:-1}" \
      -print_final_stats=1 -artifact_prefix="$artifacts/" 2>&1 | grep -E '^(stat::|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Done)'; then
    :
  fi
  if ls "$artifacts"/* >/dev/null 2>&1; then
    echo "fuzz_$t: failing inputs in $artifacts (reproduce: build-fuzz/fuzz_$t FILE)"
    failed=1
  fi
done
exit $failed

#!/usr/bin/env bash
# Runs every test: sets up what is missing, builds godbg twice (AddressSanitizer + UBSan, then
# the normal build), and runs the ctest suite (unit and end-to-end) on each.
set -euo pipefail
cd "$(dirname "$0")"
export PATH=$PATH:/usr/local/go/bin
bash setup.sh --quiet

echo "== AddressSanitizer + UBSan build"
# With clang present (setup.sh installs it), also libFuzzer targets with a bounded run each.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGODBG_SANITIZE=ON \
  -DGODBG_FUZZ=ON -DGODBG_FUZZ_SECONDS=20 >/dev/null
ninja -C build-asan >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j2 --timeout 900)

echo "== normal build"
ninja -C build >/dev/null
(cd build && ctest --output-on-failure -j2 --timeout 900)

#!/usr/bin/env bash
# Runs every test: sets up what is missing, builds godbg twice (AddressSanitizer + UBSan, then
# the normal build), and runs the ctest suite (unit and end-to-end) on each. Ends with a summary
# of what ran: which Go toolchains the demos were built with and how each suite went.
set -euo pipefail
cd "$(dirname "$0")"
export PATH=$PATH:/usr/local/go/bin
bash setup.sh --quiet

summary=()
suite() {  # suite NAME BUILD_DIR [CTEST ARGS]: ctest in BUILD_DIR, its result added to the summary
  local rc=0 name=$1 dir=$2
  shift 2
  (cd "$dir" && ctest --output-on-failure -j2 --timeout 900 "$@") || rc=$?
  local gos="(no demos built)"
  [ -f "$dir/demos/toolchains.txt" ] && gos=$(paste -sd' ' "$dir/demos/toolchains.txt")
  summary+=("$name: $([ $rc = 0 ] && echo passed || echo FAILED) on $gos (normal, PIE, -s -w)")
  return $rc
}

echo "== AddressSanitizer + UBSan build ($(date -u +%T))"
# With clang present (setup.sh installs it), also libFuzzer targets with a bounded run each.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGODBG_SANITIZE=ON \
  -DGODBG_FUZZ=ON -DGODBG_FUZZ_SECONDS=12 >/dev/null
ninja -C build-asan >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
# Under the sanitizers: every unit, fuzz and layer test, and the end-to-end tests that drive the
# most code per second (values, stepping, breakpoints, faults, malformed input, DAP). Left to
# the normal build: the long experiments (attach churn, the 100k-goroutine listing, session ends
# under load, signal storms, core dumps of big programs, the REPL's pty), which spend their time
# waiting on the target and would keep CI over its half hour for little extra reach.
asan_tests='^(unit|fuzz|layers)\.|^e2e\.(bad_input|faults|faults_exec|print|values_commands|'
asan_tests+='values_delve|inspect|goroutines|stepping|tracebacks|breakpoint_hooks|tracepoints|'
asan_tests+='watchpoints|mutate|startup|core_kernel|inlined|symbols|in_target_trace)$|'
asan_tests+='^dap\.(malformed|launch)$|'
asan_tests+='^reliability\.kill_target$'
suite "ASan+UBSan suite (units, fuzz and the fast end-to-end tests)" build-asan -R "$asan_tests" ||
  status=1

echo "== normal build ($(date -u +%T))"
ninja -C build >/dev/null
suite "normal suite" build || status=1

echo "== summary ($(date -u +%T))"
printf '%s\n' "${summary[@]}"
exit $status

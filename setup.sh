#!/usr/bin/env bash
# Sets up everything godbg needs on a Debian machine, builds it, and builds the demos.
# Idempotent and quiet: installs only what is missing. Usage: bash setup.sh [--quiet]
set -euo pipefail
cd "$(dirname "$0")"
quiet=${1:-}
say() { [ "$quiet" = --quiet ] || echo "setup: $*"; }

packages=(build-essential cmake ninja-build pkg-config python3 golang-1.19-go
          libelf-dev libdwarf-dev libcapstone-dev doctest-dev libcli11-dev nlohmann-json3-dev
          libfmt-dev libedit-dev zlib1g-dev clang-format gdb clang libclang-rt-14-dev
          libc6-dbg)  # libc6-dbg: the full symbol table of libc, for C frames in bt
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Node.js and npm run the DAP tests (tests/dap); the machine's own Node is used when there is one.
if ! command -v npm >/dev/null; then
  say "installing nodejs npm"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
command -v go >/dev/null || [ -x /usr/local/go/bin/go ] || { echo "setup: no Go toolchain found" >&2; exit 1; }
export PATH=$PATH:/usr/local/go/bin

# Go releases newer than the machine's, fetched once by the go command itself into the module
# cache (GOTOOLCHAIN=go1.27.3: about 76 MB each); the demos and tests are built with them too.
source scripts/go_toolchains.sh
fetch_go_toolchains say

# Delve, the peer e2e.goroutines_delve and bench/ compare with (the test skips without it).
dlv=$(go env GOPATH 2>/dev/null)/bin/dlv
if ! command -v dlv >/dev/null && [ ! -x "$dlv" ]; then
  say "installing Delve (go install github.com/go-delve/delve/cmd/dlv@latest)"
  GOFLAGS= GOTOOLCHAIN=local go install github.com/go-delve/delve/cmd/dlv@latest >/dev/null 2>&1 ||
    echo "setup: could not install Delve; e2e.goroutines_delve will skip" >&2
fi

say "installing the DAP tests' npm packages"
bash tests/dap/setup.sh
say "building godbg in build/"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build godbg >/dev/null
say "building the demos"
bash scripts/build_demos.sh build/demos >/dev/null
# The README's demo: the seed articles' hello, built in place by the newest Go.
(cd demos/hello && GOTOOLCHAIN=local go build -o hello .)
say "done: build/godbg"

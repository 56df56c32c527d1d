#!/usr/bin/env bash
# Builds every demo in demos/ with every Go toolchain on the machine, as normal, PIE and
# stripped binaries: OUT/<go version>/<variant>/<demo>. OUT/toolchains.txt lists the versions,
# oldest first; OUT/goroots.txt says "VERSION GOROOT" for each (tests look up sources there).
# The toolchains are those of scripts/go_toolchains.sh (Debian's 1.19, the newest on PATH, and
# the ones fetched through GOTOOLCHAIN).
set -euo pipefail
out=${1:?usage: build_demos.sh OUTDIR}
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)  # absolute: each build runs inside its demo directory
export PATH=$PATH:/usr/local/go/bin
source "$src/scripts/go_toolchains.sh"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

: >"$out/toolchains.txt.new"
: >"$out/goroots.txt.new"

# stale DEST DIR: whether DEST must be (re)built, i.e. is missing or older than a file of DIR.
stale() { [ ! -x "$1" ] || [ -n "$(find "$2" -newer "$1" -type f | head -1)" ]; }
# build GO DIR DEST [ENV=VALUE...] -- ARGS...: `go build ARGS -o DEST .` (or `go test -c` when
# ARGS start with "test") in DIR, with the environment given, when DEST is stale.
build() {
  local go=$1 dir=$2 dest=$3 env=()
  shift 3
  while [ "$1" != -- ]; do env+=("$1"); shift; done
  shift
  stale "$dest" "$dir" || return 0
  mkdir -p "$(dirname "$dest")"
  local cmd=(build)
  [ "${1:-}" = test ] && { cmd=(test -c); shift; }
  # A successful build's messages are linker notes (an external link of a program without cgo
  # says "loadinternal: cannot find runtime/cgo"); they are shown only when the build fails.
  local log
  log=$(cd "$dir" && env "${env[@]}" "$go" "${cmd[@]}" -trimpath=false "$@" -o "$dest" . 2>&1) ||
    { echo "$log" >&2; echo "build_demos: $go failed on $(basename "$dir") -> $dest" >&2; exit 1; }
}
# Whether the demo in DIR uses cgo (then it needs gcc and CGO_ENABLED=1).
uses_cgo() { grep -qs '^import "C"' "$1"/*.go; }

for go in $(go_toolchain_binaries); do
  ver=$("$go" env GOVERSION 2>/dev/null || "$go" version | awk '{print $3}')
  echo "$ver" >>"$out/toolchains.txt.new"
  echo "$ver $("$go" env GOROOT)" >>"$out/goroots.txt.new"
  for d in "$src"/demos/*/; do
    name=$(basename "$d")
    [ -f "$d/go.mod" ] || continue  # demos/native: C programs, built below
    cgo=CGO_ENABLED=0
    if uses_cgo "$d"; then
      command -v gcc >/dev/null || continue
      cgo=CGO_ENABLED=1
    fi
    build "$go" "$d" "$out/$ver/normal/$name" "$cgo" --
    build "$go" "$d" "$out/$ver/pie/$name" "$cgo" -- -buildmode=pie
    build "$go" "$d" "$out/$ver/stripped/$name" "$cgo" -- "-ldflags=-s -w"
  done

  # Other kinds of build, each OUT/<go version>/<kind>/<demo>, for the programs users ship:
  #   test, test-stripped: `go test -c` of demos/gotest (gotest.test)
  #   race: waiters built with -race (cgo: the race runtime is C)
  #   goexperiment, goexperiment-stripped: waiters with GOEXPERIMENT=staticlockranking, which
  #     changes the runtime's own structures (every mutex grows a lock rank)
  #   external: hello linked by the system linker (-linkmode=external), so dynamically linked
  #   nobuildinfo, nobuildinfo-stripped: hello and waiters with .go.buildinfo removed by objcopy
  d=$src/demos
  build "$go" "$d/gotest" "$out/$ver/test/gotest.test" CGO_ENABLED=0 -- test
  build "$go" "$d/gotest" "$out/$ver/test-stripped/gotest.test" CGO_ENABLED=0 -- test \
    "-ldflags=-s -w"
  build "$go" "$d/waiters" "$out/$ver/goexperiment/waiters" CGO_ENABLED=0 \
    GOEXPERIMENT=staticlockranking --
  build "$go" "$d/waiters" "$out/$ver/goexperiment-stripped/waiters" CGO_ENABLED=0 \
    GOEXPERIMENT=staticlockranking -- "-ldflags=-s -w"
  if command -v gcc >/dev/null; then
    build "$go" "$d/waiters" "$out/$ver/race/waiters" CGO_ENABLED=1 -- -race
    build "$go" "$d/hello" "$out/$ver/external/hello" CGO_ENABLED=1 -- -ldflags=-linkmode=external
  fi
  if command -v objcopy >/dev/null; then
    for name in hello waiters; do
      for from in normal stripped; do
        kind=nobuildinfo$([ $from = stripped ] && echo -stripped || true)
        dest=$out/$ver/$kind/$name
        [ -x "$dest" ] && [ "$dest" -nt "$out/$ver/$from/$name" ] && continue
        mkdir -p "$(dirname "$dest")"
        objcopy --remove-section .go.buildinfo "$out/$ver/$from/$name" "$dest"
      done
    done
  fi
done
mv "$out/toolchains.txt.new" "$out/toolchains.txt"
mv "$out/goroots.txt.new" "$out/goroots.txt"

# Non-Go programs: each demos/native/*.c with and without debug info, OUT/native/{debug,nodebug}/NAME.
if command -v gcc >/dev/null; then
  for c in "$src"/demos/native/*.c; do
    [ -f "$c" ] || continue
    name=$(basename "$c" .c)
    for kind in debug nodebug; do
      dest="$out/native/$kind/$name"
      mkdir -p "$(dirname "$dest")"
      [ -x "$dest" ] && [ "$dest" -nt "$c" ] && continue
      flags=(-O0 -fno-omit-frame-pointer)
      [ "$kind" = debug ] && flags+=(-g)
      gcc "${flags[@]}" -o "$dest" "$c" || { echo "build_demos: gcc failed on $name ($kind)" >&2; exit 1; }
    done
  done
fi
echo "built demos for: $(tr '\n' ' ' <"$out/toolchains.txt")"

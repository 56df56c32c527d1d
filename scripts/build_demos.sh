#!/usr/bin/env bash
# Builds every demo in demos/ with every Go toolchain on the machine, as normal, PIE and
# stripped binaries: OUT/<go version>/<variant>/<demo>. OUT/toolchains.txt lists the versions.
set -euo pipefail
out=${1:?usage: build_demos.sh OUTDIR}
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)  # absolute: each build runs inside its demo directory
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

toolchains() {
  { command -v go || true; ls /usr/lib/go-*/bin/go /usr/local/go/bin/go 2>/dev/null || true; } |
    while read -r g; do [ -x "$g" ] && echo "$(readlink -f "$g")"; done | sort -u
}

declare -A seen=()
: >"$out/toolchains.txt.new"
for go in $(toolchains); do
  ver=$("$go" env GOVERSION 2>/dev/null || "$go" version | awk '{print $3}')
  [ -n "${seen[$ver]:-}" ] && continue
  seen[$ver]=1
  echo "$ver" >>"$out/toolchains.txt.new"
  for d in "$src"/demos/*/; do
    name=$(basename "$d")
    [ -f "$d/go.mod" ] || continue  # demos/native: C programs, built below
    for variant in normal pie stripped; do
      dest="$out/$ver/$variant/$name"
      mkdir -p "$(dirname "$dest")"
      flags=()
      case $variant in
        pie) flags=(-buildmode=pie) ;;
        stripped) flags=("-ldflags=-s -w") ;;
      esac
      # Rebuild only when a source is newer than the binary.
      if [ -x "$dest" ] && [ -z "$(find "$d" -newer "$dest" -type f)" ]; then continue; fi
      (cd "$d" && "$go" build -trimpath=false "${flags[@]}" -o "$dest" .) ||
        { echo "build_demos: $go failed on $name ($variant)" >&2; exit 1; }
    done
  done
done
mv "$out/toolchains.txt.new" "$out/toolchains.txt"

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

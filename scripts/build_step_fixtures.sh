#!/usr/bin/env bash
# Builds the stepping fixtures (tests/fixtures/stepping/*) with the newest Go, Go 1.27.3 (when
# its toolchain is fetched) and Go 1.19, each as the default build ("opt") and without
# optimizations or inlining ("noopt", -gcflags=all=-N -l): OUT/<go version>/<variant>/<name>; a
# fixture whose directory has a file `variants` is built as those ("pie", "stripped" too).
# A fixture whose go.mod asks for a newer Go than a toolchain is left out for that toolchain.
# OUT/toolchains.txt lists the versions built.
set -euo pipefail
out=${1:?usage: build_step_fixtures.sh OUTDIR}
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
export GOFLAGS=-mod=mod CGO_ENABLED=0
newest=$(command -v go || echo /usr/local/go/bin/go)

# "GOTOOLCHAIN value|go binary" per toolchain.
toolchains=("local|$newest")
if GOTOOLCHAIN=go1.27.3 "$newest" version >/dev/null 2>&1; then toolchains+=("go1.27.3|$newest"); fi
[ -x /usr/lib/go-1.19/bin/go ] && toolchains+=("local|/usr/lib/go-1.19/bin/go")

minor() { sed -E 's/^go1\.([0-9]+).*/\1/' <<<"$1"; }

: >"$out/toolchains.txt.new"
for tc in "${toolchains[@]}"; do
  gotc=${tc%%|*}
  go=${tc#*|}
  ver=$(GOTOOLCHAIN=$gotc "$go" env GOVERSION)
  echo "$ver" >>"$out/toolchains.txt.new"
  for d in "$src"/tests/fixtures/stepping/*/; do
    name=$(basename "$d")
    want=$(awk '$1 == "go" {print $2; exit}' "$d/go.mod")
    [ "$(minor "go$want")" -le "$(minor "$ver")" ] || continue
    variants="opt noopt"
    [ -f "$d/variants" ] && variants=$(cat "$d/variants")
    for variant in $variants; do
      dest="$out/$ver/$variant/$name"
      mkdir -p "$(dirname "$dest")"
      flags=()
      case $variant in
        noopt) flags=("-gcflags=all=-N -l") ;;
        pie) flags=(-buildmode=pie) ;;
        stripped) flags=("-ldflags=-s -w") ;;
      esac
      if [ -x "$dest" ] && [ -z "$(find "$d" -newer "$dest" -type f)" ]; then continue; fi
      (cd "$d" && GOTOOLCHAIN=$gotc "$go" build -trimpath=false "${flags[@]}" -o "$dest" .) ||
        { echo "build_step_fixtures: $ver failed on $name ($variant)" >&2; exit 1; }
    done
  done
done
mv "$out/toolchains.txt.new" "$out/toolchains.txt"
echo "built stepping fixtures for: $(tr '\n' ' ' <"$out/toolchains.txt")"

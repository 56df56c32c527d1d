# Sourced by setup.sh, scripts/build_demos.sh and bench/run.sh: the Go toolchains godbg is
# tested with. Three kinds: the newest `go` on PATH (or /usr/local/go), Debian's golang-1.19-go,
# and releases newer than both that the go command fetches itself (GOTOOLCHAIN=goX.Y.Z, once,
# into the module cache) — listed here, so that a fresh machine tests the same set.
GODBG_FETCHED_TOOLCHAINS=(go1.27.3)

# Fetches the listed toolchains that are missing (setup.sh), telling it through the command
# named by $1 (setup.sh's `say`). Quiet otherwise; a failure is one line on stderr.
fetch_go_toolchains() {
  local v say=${1:-true}
  for v in "${GODBG_FETCHED_TOOLCHAINS[@]}"; do
    GOTOOLCHAIN=$v GOPROXY=off GOFLAGS= go env GOROOT >/dev/null 2>&1 && continue
    "$say" "fetching Go $v (GOTOOLCHAIN=$v go version)"
    GOTOOLCHAIN=$v GOFLAGS= go version >/dev/null 2>&1 ||
      echo "setup: could not fetch Go $v through GOTOOLCHAIN; its tests will not run" >&2
  done
}

# Prints the path of every Go binary, one a line, sorted by Go version, each once. Fetched
# toolchains that are not in the module cache are left out (never downloaded here).
go_toolchain_binaries() {
  local g v root
  {
    command -v go || true
    ls /usr/lib/go-*/bin/go /usr/local/go/bin/go 2>/dev/null || true
    for v in "${GODBG_FETCHED_TOOLCHAINS[@]}"; do
      root=$(GOTOOLCHAIN=$v GOPROXY=off GOFLAGS= go env GOROOT 2>/dev/null) &&
        echo "$root/bin/go"
    done
  } | while read -r g; do
    [ -x "$g" ] || continue
    g=$(readlink -f "$g")
    echo "$(GOTOOLCHAIN=local "$g" env GOVERSION 2>/dev/null) $g"
  done | sort -u -V -k1,1 | awk '{print $2}'
}

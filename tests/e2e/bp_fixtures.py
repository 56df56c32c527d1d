"""Fixtures of the breakpoint tests (issue 15), built here rather than by build_demos.sh: every Go
toolchain of the machine, Go 1.27.3 (GOTOOLCHAIN=go1.27.3) included, optimized and with
-gcflags=all=-N -l (what `dlv debug` builds: since Go 1.2x an optimized build gives an
address-taken local no DWARF location, so only such a build can watch one).
Built into GODBG_DEMO_DIR/issue15/<go version>/<normal|noopt>/<demo>, again only when a source
is newer than the binary."""
import os
import subprocess
import tempfile

from godbg_e2e import DEMO_DIR, SOURCE_DIR

KINDS = {"normal": [], "noopt": ["-gcflags=all=-N -l"], "stripped": ["-ldflags=-s -w"]}


def toolchains():
    """(go version, environment) of every toolchain: Debian's 1.19, the newest, and 1.27.3."""
    seen, out = set(), []
    candidates = [("/usr/lib/go-1.19/bin/go", {}), ("/usr/local/go/bin/go", {}),
                  ("/usr/local/go/bin/go", {"GOTOOLCHAIN": "go1.27.3"})]
    for go, extra in candidates:
        if not os.path.exists(go):
            continue
        env = dict(os.environ, GOFLAGS="-mod=mod", CGO_ENABLED="0", **extra)
        env.setdefault("GOTOOLCHAIN", "local")
        try:
            ver = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True,
                                 env=env, timeout=120).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            continue
        if not ver or ver in seen:
            continue
        seen.add(ver)
        out.append((ver, go, env))
    return out


def build(demo, kind="normal"):
    """Every (go version, path) of one demo of one kind, built when needed."""
    src = os.path.join(SOURCE_DIR, "demos", demo)
    # Absolute, and out of the source tree when run by hand without GODBG_DEMO_DIR (go build
    # runs in the demo's folder: a relative path would land there).
    base = os.path.abspath(DEMO_DIR or os.path.join(tempfile.gettempdir(), "godbg-demos"))
    newest = max(os.path.getmtime(os.path.join(src, f)) for f in os.listdir(src))
    for ver, go, env in toolchains():
        dest = os.path.join(base, "issue15", ver, kind, demo)
        if not (os.path.exists(dest) and os.path.getmtime(dest) >= newest):
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            subprocess.run([go, "build", *KINDS[kind], "-o", dest, "."], cwd=src, env=env,
                           check=True, timeout=600)
        yield ver, dest

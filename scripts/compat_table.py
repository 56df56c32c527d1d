#!/usr/bin/env python3
"""The compatibility table (Go versions x build kinds x features) from the e2e tests' results.

    python3 scripts/compat_table.py build/test-results            # print the markdown table
    python3 scripts/compat_table.py build/test-results --update README.md

Each e2e test with a feature (tests/e2e/godbg_e2e.py Checks) writes RESULTS/<test>.jsonl, one
line per (go version, build kind, feature): whether every check of it passed. A cell says, for
each Go version in order, ✓ (all passed), ✗ (some failed) or · (not tested). --update replaces
the text between <!-- compat-table --> and <!-- /compat-table --> in the file.
"""
import json
import os
import re
import sys

FEATURES = ["break & bt", "inlined frames", "goroutines", "threads", "step & finish", "print",
            "startup report", "signals & panics", "attach", "C frames (cgo)", "go test -c"]
KINDS = [
    ("normal", "normal"), ("pie", "PIE"), ("stripped", "`-s -w`"),
    ("nobuildinfo", "`.go.buildinfo` removed"),
    ("nobuildinfo-stripped", "`.go.buildinfo` removed, `-s -w`"),
    ("newer-normal", "newer Go than the tables¹"), ("newer-pie", "newer Go¹, PIE"),
    ("newer-stripped", "newer Go¹, `-s -w`"),
    ("goexperiment", "`GOEXPERIMENT=staticlockranking`"),
    ("goexperiment-stripped", "`GOEXPERIMENT`, `-s -w`"),
    ("race", "`-race`"), ("external", "`-linkmode=external`"),
    ("test", "`go test -c`"), ("test-stripped", "`go test -c`, `-s -w`"),
    ("cgo", "cgo"), ("cgo-pie", "cgo, PIE"), ("cgo-stripped", "cgo, `-s -w`"),
]


def version_key(v):
    return tuple(int(x) for x in re.findall(r"\d+", v)[:3])


def load(results_dir):
    cells = {}  # (kind, feature) -> {go: ok}
    for name in sorted(os.listdir(results_dir)):
        if not name.endswith(".jsonl"):
            continue
        with open(os.path.join(results_dir, name)) as f:
            for line in f:
                r = json.loads(line)
                cell = cells.setdefault((r["kind"], r["feature"]), {})
                cell[r["go"]] = cell.get(r["go"], True) and r["ok"]
    return cells


def table(cells):
    gos = sorted({g for cell in cells.values() for g in cell}, key=version_key)
    features = [f for f in FEATURES if any(k[1] == f for k in cells)]
    out = [f"Each cell: {', '.join(gos)}, in that order — ✓ every check passed, ✗ some failed, "
           "· not tested. Produced by `scripts/compat_table.py` from the e2e tests' results.", ""]
    out.append("| build | " + " | ".join(features) + " |")
    out.append("|---|" + "---|" * len(features))
    for kind, label in KINDS:
        row = []
        for feat in features:
            cell = cells.get((kind, feat), {})
            row.append("".join("·" if g not in cell else "✓" if cell[g] else "✗" for g in gos))
        if any(c.strip("·") for c in row):
            out.append(f"| {label} | " + " | ".join(row) + " |")
    out.append("")
    out.append("¹ The same builds with every version string rewritten to go1.99.x, so that no "
               "layout table row matches: DWARF where the binary has it, else offsets read off "
               "the runtime's machine code.")
    return "\n".join(out)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    text = table(load(sys.argv[1]))
    if len(sys.argv) == 4 and sys.argv[2] == "--update":
        path = sys.argv[3]
        doc = open(path).read()
        begin, end = "<!-- compat-table -->", "<!-- /compat-table -->"
        if begin not in doc or end not in doc:
            sys.exit(f"{path}: no {begin} ... {end} markers")
        head, rest = doc.split(begin, 1)
        _, tail = rest.split(end, 1)
        with open(path, "w") as f:
            f.write(head + begin + "\n" + text + "\n" + end + tail)
    else:
        print(text)


main()

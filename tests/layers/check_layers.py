#!/usr/bin/env python3
"""The layering rules of DESIGN.md, checked by reading the sources.

Each folder of src/ is a layer with a rank. A file may include its own folder and folders of a
lower rank; never a folder above it, never a sibling of the same rank. Besides: ptrace, waitpid
and process_vm_readv are called only in src/process; only the front ends (cli, dap) write to
stdout or stderr; nlohmann-json is a front-end library.

  check_layers.py SRC_DIR      check a tree (exit 1 and one line per breach)
  check_layers.py --self-test  make trees with deliberate breaches and check each is caught
"""
import os
import re
import sys
import tempfile

RANKS = {
    "common": 0,
    "arch_amd64": 1,
    "dwarf": 1,
    "process": 2,
    "goruntime": 3,
    "debugger": 4,
    "commands": 5,
    "cli": 6,
    "dap": 6,
}
FRONT_ENDS = {"cli", "dap"}
# The program's entry: the one file that joins the front ends (godbg dap starts the DAP server).
ENTRY = os.path.join("cli", "main.cpp")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)/[^"]+"', re.M)
SYSTEM_INCLUDE = re.compile(r'^\s*#\s*include\s+<([^>]+)>', re.M)
TRACE_CALL = re.compile(r'(?<![\w.>])(ptrace|waitpid|waitid|wait4|process_vm_readv|process_vm_writev)\s*\(')
OUTPUT = re.compile(
    r'(?<![\w.>])(printf|fprintf|vfprintf|puts|fputs|putchar|perror|fmt::print)\s*\(|std::(cout|cerr|clog)\b|\bstd(out|err)\b')


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)


def check(src):
    problems = []
    for layer in sorted(os.listdir(src)):
        top = os.path.join(src, layer)
        if not os.path.isdir(top):
            continue
        if layer not in RANKS:
            problems.append(f"{layer}/: a folder with no rank in the layer table")
            continue
        for root, _, files in os.walk(top):
            for name in sorted(files):
                if not name.endswith((".cpp", ".hpp", ".h", ".cc")):
                    continue
                path = os.path.join(root, name)
                rel = os.path.relpath(path, src)
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                for m in INCLUDE.finditer(text):
                    to = m.group(1)
                    line = text.count("\n", 0, m.start()) + 1
                    if to == layer:
                        continue
                    if to not in RANKS:
                        problems.append(f"{rel}:{line}: includes {to}/, which is not a layer")
                    elif RANKS[to] > RANKS[layer]:
                        problems.append(f"{rel}:{line}: {layer} includes {to}/, a layer above it")
                    elif RANKS[to] == RANKS[layer] and not (rel == ENTRY and to in FRONT_ENDS):
                        problems.append(f"{rel}:{line}: {layer} includes {to}/, a layer beside it")
                for m in SYSTEM_INCLUDE.finditer(text):
                    if m.group(1).startswith("nlohmann/") and layer not in FRONT_ENDS:
                        line = text.count("\n", 0, m.start()) + 1
                        problems.append(f"{rel}:{line}: nlohmann-json outside the front ends")
                code = strip_comments(text)
                for m in TRACE_CALL.finditer(code):
                    if layer != "process":
                        line = code.count("\n", 0, m.start()) + 1
                        problems.append(f"{rel}:{line}: calls {m.group(1)} outside src/process")
                for m in OUTPUT.finditer(code):
                    if layer not in FRONT_ENDS:
                        line = code.count("\n", 0, m.start()) + 1
                        problems.append(f"{rel}:{line}: writes to stdout/stderr ({m.group(0).strip()}) outside the front ends")
    return problems


def self_test():
    cases = {
        "upward include": ("dwarf/a.cpp", '#include "debugger/session.hpp"\n', "a layer above it"),
        "sideways include": ("dwarf/b.cpp", '#include "arch_amd64/registers.hpp"\n', "a layer beside it"),
        "ptrace outside process": ("debugger/c.cpp", "void f() { ptrace(0, 0, 0, 0); }\n", "outside src/process"),
        "printing core": ("goruntime/d.cpp", 'void f() { std::printf("x"); }\n', "outside the front ends"),
        "json in the core": ("commands/e.cpp", "#include <nlohmann/json.hpp>\n", "nlohmann-json"),
    }
    failed = 0
    for what, (rel, body, expect) in cases.items():
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, os.path.dirname(rel)))
            os.makedirs(os.path.join(d, "common"), exist_ok=True)
            with open(os.path.join(d, "common", "ok.hpp"), "w") as f:
                f.write("// a comment that says ptrace( and printf( is fine\n")
            with open(os.path.join(d, rel), "w") as f:
                f.write('#include "common/ok.hpp"\n' + body)
            found = check(d)
            if len(found) != 1 or expect not in found[0]:
                print(f"self-test: {what}: expected one breach naming '{expect}', got {found}")
                failed += 1
    # A clean tree passes.
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "debugger"))
        with open(os.path.join(d, "debugger", "ok.cpp"), "w") as f:
            f.write('#include "process/inferior.hpp"\n#include "debugger/x.hpp"\n// printf(\n')
        if check(d):
            print(f"self-test: a clean tree was flagged: {check(d)}")
            failed += 1
    print(f"self-test: {len(cases) + 1 - failed} of {len(cases) + 1} cases right")
    return 1 if failed else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    problems = check(sys.argv[1])
    for p in problems:
        print(p)
    print(f"{len(problems)} breach(es) of the layer rules")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Byte-flipping robustness test: godbg must neither crash nor hang on a damaged Go binary.

Each mutant is a copy of a real Go binary with a few random bytes changed in one region: the ELF
header, the program headers, the section headers, .symtab/.strtab, .gopclntab, .go.buildinfo,
.go.module or a .debug_* section. godbg (best an ASan+UBSan build) runs it with a small command
file (break main.main, continue, bt, kill) under a timeout. A mutant fails when godbg

  * dies by a signal, or prints a sanitizer report (AddressSanitizer, LeakSanitizer, UBSan's
    "runtime error:"), or exits with a status other than 0, 1 or 2   -> crash
  * is still running at the timeout and does not end on SIGTERM       -> hang
  * leaves the program it started alive after it exits                -> leftover

A mutant that itself runs forever (a damaged runtime table can make it loop) keeps `continue`
from returning: at the timeout godbg gets a SIGTERM, as a user would send, and one that then
ends and takes the program with it counts as "slow", not as a failure.

Failing mutants are kept in --keep DIR with godbg's stderr beside them, to reproduce with
`godbg run --batch -x DIR/commands.gdb DIR/mutant-N`.

usage: mutate.py [--godbg PATH] [--count N] [--seed S] [--timeout SEC] [--jobs J]
                 [--keep DIR] [--region NAME ...] BINARY [BINARY ...]
Prints one line per failure and the counts at the end; exit status 1 if anything failed.
"""
import argparse
import collections
import concurrent.futures
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

COMMANDS = "break main.main\ncontinue\nbt\nkill\n"
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer")


def regions(data):
    """name -> list of (offset, size) in the file."""
    out = collections.defaultdict(list)
    (_, _, _, _, _, phoff, shoff, _, _, phentsize, phnum, shentsize, shnum,
     shstrndx) = struct.unpack_from("<16sHHIQQQIHHHHHH", data, 0)
    out["ehdr"].append((0, 64))
    if phnum:
        out["phdrs"].append((phoff, phentsize * phnum))
    if shnum:
        out["shdrs"].append((shoff, shentsize * shnum))
        hdrs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
                for i in range(shnum)]
        names_off = hdrs[shstrndx][4]
        for h in hdrs:
            name_off, typ, _, _, off, size = h[:6]
            if typ == 8 or size == 0:  # NOBITS
                continue
            end = data.index(b"\0", names_off + name_off)
            name = data[names_off + name_off:end].decode(errors="replace")
            if name in (".symtab", ".strtab", ".dynsym", ".dynstr"):
                out["symtab"].append((off, size))
            elif name.endswith("gopclntab"):
                out["pclntab"].append((off, size))
            elif name == ".go.buildinfo":
                out["buildinfo"].append((off, size))
            elif name == ".go.module":
                out["moduledata"].append((off, size))
            elif name.startswith(".debug_") or name.startswith(".zdebug_"):
                out["dwarf"].append((off, size))
    return dict(out)


def mutate(data, spans, rng):
    b = bytearray(data)
    off, size = rng.choice(spans)
    # Mostly a few flips; sometimes a burst, sometimes a whole word set to an extreme value.
    style = rng.random()
    if style < 0.7:
        for _ in range(rng.randint(1, 8)):
            i = off + rng.randrange(size)
            b[i] ^= 1 << rng.randrange(8) if rng.random() < 0.5 else rng.randrange(1, 256)
    elif style < 0.85:
        start = off + rng.randrange(size)
        for i in range(start, min(start + rng.randint(2, 64), off + size)):
            b[i] = rng.randrange(256)
    else:
        i = off + rng.randrange(max(1, size - 8))
        val = rng.choice([0, 0xFFFFFFFFFFFFFFFF, 0x7FFFFFFFFFFFFFFF, 0x80000000, 0xFFFFFFFF])
        width = rng.choice([2, 4, 8])
        b[i:i + width] = (val & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
    return bytes(b)


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def started_pid(out):
    """The pid in godbg's start record, if any."""
    for line in out.decode(errors="replace").splitlines():
        if line.startswith('{"event":"start"'):
            try:
                return int(line.split('"pid":')[1].split(",")[0].rstrip("}"))
            except (IndexError, ValueError):
                pass
    return None


def run_one(godbg, cmdfile, path, timeout, env):
    """(verdict, detail, stderr)"""
    p = subprocess.Popen([godbg, "run", "-q", "--json", "--batch", "-x", cmdfile, path],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, start_new_session=True)
    slow = False
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGTERM)
        try:
            out, err = p.communicate(timeout=5)
            slow = True
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            return ("hang", f"still running after {timeout}s and 5s more after SIGTERM",
                    err.decode(errors="replace"))
    text = err.decode(errors="replace")
    # The program godbg started must not outlive it.
    pid = started_pid(out)
    try:
        os.killpg(p.pid, 0)
        group_left = True
    except OSError:
        group_left = False
    if pid and alive(pid):
        os.killpg(p.pid, signal.SIGKILL)
        return "leftover", f"program {pid} alive after godbg exited", text
    if group_left:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass
    if p.returncode < 0:
        return "crash", f"killed by signal {-p.returncode}", text
    if any(m in text for m in SANITIZER_MARKS):
        return "crash", "sanitizer report", text
    if p.returncode not in (0, 1, 2):
        return "crash", f"exit status {p.returncode}", text
    if slow:
        return "slow", "", text
    return f"exit{p.returncode}", "", text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--godbg", default=os.environ.get("GODBG", os.path.join(here, "build-asan", "godbg")))
    ap.add_argument("--count", type=int, default=300, help="mutants per binary")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", default="mutate-failures")
    ap.add_argument("--region", action="append",
                    help="only these regions (ehdr phdrs shdrs symtab pclntab buildinfo moduledata dwarf)")
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    if not os.access(a.godbg, os.X_OK):
        sys.exit(f"mutate: {a.godbg}: no godbg binary (build one, or pass --godbg)")
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="godbg-mutate-")
    cmdfile = os.path.join(work, "commands.gdb")
    with open(cmdfile, "w") as f:
        f.write(COMMANDS)
    print(f"mutate: seed {a.seed}, {a.count} mutants of each of {len(a.binaries)} binaries, "
          f"godbg {a.godbg}", flush=True)
    counts = collections.Counter()
    per_region = collections.Counter()
    failures = []
    jobs = []
    for binary in a.binaries:
        data = open(binary, "rb").read()
        regs = regions(data)
        names = [r for r in sorted(regs) if not a.region or r in a.region]
        for i in range(a.count):
            region = names[i % len(names)]
            mutant = mutate(data, regs[region], rng)
            path = os.path.join(work, f"mutant-{len(jobs)}")
            with open(path, "wb") as f:
                f.write(mutant)
            os.chmod(path, 0o755)
            jobs.append((path, binary, region))
    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        futs = {pool.submit(run_one, a.godbg, cmdfile, p, a.timeout, env): (p, b, r)
                for p, b, r in jobs}
        for fut in concurrent.futures.as_completed(futs):
            path, binary, region = futs[fut]
            verdict, detail, err = fut.result()
            counts[verdict] += 1
            per_region[(region, verdict)] += 1
            if verdict in ("crash", "hang", "leftover"):
                os.makedirs(a.keep, exist_ok=True)
                kept = os.path.join(a.keep, os.path.basename(path))
                shutil.copy(path, kept)
                shutil.copy(cmdfile, os.path.join(a.keep, "commands.gdb"))
                with open(kept + ".stderr", "w") as f:
                    f.write(err)
                failures.append(verdict)
                first = next((l for l in err.splitlines() if any(m in l for m in SANITIZER_MARKS)),
                             err.strip().splitlines()[-1] if err.strip() else "")
                print(f"{verdict.upper()}: {kept} ({os.path.basename(binary)}, {region}): "
                      f"{detail}: {first[:200]}", flush=True)
            else:
                os.unlink(path)
    shutil.rmtree(work, ignore_errors=True)
    print("by region: " + ", ".join(
        f"{r} {sum(v for (rr, _), v in per_region.items() if rr == r)}"
        for r in sorted({r for r, _ in per_region})))
    print(f"mutate: {len(jobs)} mutants in {time.time() - started:.0f}s: "
          f"{counts['exit0']} ran (exit 0), {counts['exit1']} rejected (exit 1), "
          f"{counts['exit2']} usage (exit 2), {counts['slow']} still running at the timeout "
          f"(ended by SIGTERM), {counts['crash']} crashes, {counts['hang']} hangs, "
          f"{counts['leftover']} leftover processes")
    fails = counts["crash"] + counts["hang"] + counts["leftover"]
    print(f"mutate: {len(jobs) - fails} passed, {fails} failed")
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()

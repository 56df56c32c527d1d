"""Issue 8: a short, bounded run of scripts/mutate.py: 20 mutants of each hello binary (normal,
PIE, stripped) of every Go toolchain, bytes flipped in the ELF headers, symbols, .gopclntab,
build info and DWARF. godbg must not crash (signal, sanitizer report, odd exit status), hang
(10 s per mutant) or leave the program running. The seed is fixed so a failure reproduces;
GODBG_MUTATE_SEED picks another, GODBG_MUTATE_COUNT another count. Failing mutants are kept in
mutate-failures/ under the working directory (ctest's: BUILD/tests)."""
import os
import subprocess
import sys

from godbg_e2e import GODBG, SOURCE_DIR, builds

seed = os.environ.get("GODBG_MUTATE_SEED", "8")
count = os.environ.get("GODBG_MUTATE_COUNT", "20")
binaries = [path for _, _, path in builds("hello")]
cmd = [sys.executable, os.path.join(SOURCE_DIR, "scripts", "mutate.py"), "--godbg", GODBG,
       "--count", count, "--seed", seed, "--timeout", "10", "--jobs", "2", *binaries]
sys.exit(subprocess.run(cmd, stdin=subprocess.DEVNULL).returncode)

"""Issue 8: a program whose execve fails past the point of no return (found by scripts/mutate.py:
a PT_LOAD with an absurd p_memsz). The kernel kills the new image with SIGSEGV; godbg used to
suppress that signal while running to the exec event, so the fault repeated forever and godbg
hung. Now it reports that the program could not be started, with exit status 1."""
import os
import struct
import subprocess
import tempfile

from godbg_e2e import GODBG, Checks, builds

c = Checks()
tmp = tempfile.mkdtemp(prefix="godbg-faults-")
for go, variant, path in builds("hello", ("normal", "pie")):
    what = f"{go} {variant}"
    data = bytearray(open(path, "rb").read())
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    for i in range(phnum):
        at = phoff + i * phentsize
        p_type, p_flags = struct.unpack_from("<II", data, at)
        if p_type == 1 and p_flags & 2:  # the writable PT_LOAD
            struct.pack_into("<Q", data, at + 40, 0xFFFFFFFF0004BBA8)  # p_memsz
            break
    bad = os.path.join(tmp, f"hello-{go}-{variant}")
    with open(bad, "wb") as f:
        f.write(data)
    os.chmod(bad, 0o755)
    try:
        p = subprocess.run([GODBG, "run", "--json", "--batch", bad], capture_output=True, text=True,
                           timeout=60, stdin=subprocess.DEVNULL)
        c.equal(p.returncode, 1, f"{what}: godbg exit status")
        c.check(bad in p.stderr, f"{what}: the error names the program: {p.stderr.strip()[:300]}")
    except subprocess.TimeoutExpired:
        c.check(False, f"{what}: godbg hung on a program whose exec fails")
c.done()

"""Bad input: one clear error line on stderr, exit status 1 (cannot do it) or 2 (usage),
never a crash or a hang."""
import os
import shutil
import stat
import subprocess
import tempfile

from godbg_e2e import GODBG, Checks, demo, go_versions

c = Checks()
tmp = tempfile.mkdtemp()
hello = demo(go_versions()[-1], "normal", "hello")


def godbg(*args):
    p = subprocess.run([GODBG, *args], capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    return p


def expect(args, status, needle):
    p = godbg(*args)
    what = " ".join(args)
    c.equal(p.returncode, status, f"{what}: exit status")
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    c.equal(len(lines), 1, f"{what}: one error line on stderr ({lines})")
    c.check(lines and needle in lines[0], f"{what}: error names the problem: {lines}")
    c.check(p.returncode >= 0, f"{what}: no crash (signal {-p.returncode})")


def make(name, data, mode=0o755):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    return path


with open(hello, "rb") as f:
    image = f.read()

expect(["run", os.path.join(tmp, "missing")], 1, "no such file")
expect(["run", make("text", b"#!/bin/sh\necho hi\n")], 1, "not an ELF file")
expect(["run", make("empty", b"")], 1, "")
expect(["run", make("head", image[:1000])], 1, "truncated")
expect(["run", make("half", image[: len(image) // 2])], 1, "")
expect(["run", tmp], 1, "directory")
expect(["run", make("noexec", image, 0o644)], 1, "Permission denied")
expect(["attach", "999999"], 1, "no such process")
expect(["attach", "abc"], 2, "not a process id")
expect(["run"], 2, "no program")
expect([], 2, "subcommand")
expect(["run", "--no-such-option", hello], 2, "")
for flag in ("--version", "--help"):
    p = godbg(flag)
    c.equal(p.returncode, 0, f"{flag}: exit status")
    c.check(p.stdout.strip() != "", f"{flag}: prints something")

# A failing command in a command file: file:line: message, the file goes on, batch exits 1.
cmds = make("cmds.gdb", b"# comment\n\nbreak no.such.function\nbreak main.main\ncontinue\n", 0o644)
p = subprocess.run([GODBG, "run", "--batch", "--json", "-x", cmds, hello], capture_output=True,
                   text=True, timeout=60, stdin=subprocess.DEVNULL)
c.equal(p.returncode, 1, "batch with a failing command: exit status 1")
c.check(f"{cmds}:3:" in p.stderr, f"error names file:line: {p.stderr!r}")
c.check('"function":"main.main"' in p.stdout, "the file went on after the error")
shutil.rmtree(tmp)
c.done()

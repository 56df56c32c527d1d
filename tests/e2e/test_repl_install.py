"""Issue 9: `cmake --install` puts godbg, its man page and its bash completion in place; the man
page names every command of the command table; the completion script completes."""
import os
import re
import shutil
import subprocess
import tempfile

from godbg_e2e import GODBG, SOURCE_DIR, Checks

c = Checks()
build = os.path.dirname(os.path.abspath(GODBG))
man = os.path.join(SOURCE_DIR, "docs", "godbg.1")
bash_completion = os.path.join(SOURCE_DIR, "completions", "godbg.bash")

# Every command `help` lists is in the man page.
p = subprocess.run([GODBG, "run", "/bin/true"], input="help\nquit\n", capture_output=True,
                   text=True, timeout=60)
names = re.findall(r"^  ([a-z]+)\b", p.stdout, re.M)
c.check(len(names) >= 25, f"help lists the commands: {names}")
page = open(man).read()
for n in names:
    c.check(re.search(rf"\b{n}\b", page) is not None, f"the man page names the command {n}")
for opt in ("--batch", "--json", "--trace", "--init"):
    c.check(opt.replace("-", r"\-") in page, f"the man page names {opt}")

if shutil.which("groff"):
    g = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", man], capture_output=True,
                       text=True, timeout=60)
    c.check(g.returncode == 0 and not g.stderr.strip(), f"the man page renders cleanly: {g.stderr}")

# cmake --install, into a scratch prefix.
if shutil.which("cmake") and os.path.exists(os.path.join(build, "cmake_install.cmake")):
    prefix = tempfile.mkdtemp(prefix="godbg-install-")
    try:
        r = subprocess.run(["cmake", "--install", build, "--prefix", prefix],
                           capture_output=True, text=True, timeout=120)
        c.check(r.returncode == 0, f"cmake --install: {r.stdout}{r.stderr}")
        for f in ("bin/godbg", "share/man/man1/godbg.1", "share/bash-completion/completions/godbg"):
            c.check(os.path.isfile(os.path.join(prefix, f)), f"installed: {f}")
        exe = os.path.join(prefix, "bin", "godbg")
        if os.path.isfile(exe):
            v = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
            c.check(v.returncode == 0 and v.stdout.startswith("godbg "), "the installed godbg runs")
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
else:
    print("skipped: cmake --install (no build directory next to GODBG)")

# The bash completion: subcommands, options, and file names after -x.
if shutil.which("bash"):
    script = f"""
source {bash_completion!r}
t() {{ COMP_WORDS=("$@"); COMP_CWORD=$((${{#COMP_WORDS[@]}}-1)); COMPREPLY=(); _godbg; echo "${{COMPREPLY[*]}}"; }}
cd {SOURCE_DIR!r}
t godbg ""
t godbg --j
t godbg run -x docs/godbg.
t godbg attach -
"""
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    lines = r.stdout.split("\n")
    c.check(r.returncode == 0 and len(lines) >= 4, f"the completion script runs: {r.stderr}")
    if len(lines) >= 4:
        c.equal(lines[0].split(), ["run", "attach", "startup", "help"], "completes subcommands")
        c.equal(lines[1], "--json", "completes options")
        c.equal(lines[2], "docs/godbg.1", "completes the file after -x")
        c.check("--batch" in lines[3].split(), "attach completes options")

c.done()

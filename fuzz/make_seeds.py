#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, made from the demo binaries of every Go version.

usage: make_seeds.py DEMO_DIR OUT_DIR

DEMO_DIR is what scripts/build_demos.sh built (DEMO_DIR/toolchains.txt, DEMO_DIR/<go>/<variant>/
<demo>, DEMO_DIR/native/{debug,nodebug}/<prog>). OUT_DIR/<target>/ gets the seeds of each target:
small ELF files rebuilt from the real binaries with only the sections that target reads (whole
Go binaries are megabytes, and mutations spread over them rarely hit the bytes that matter), the
native C binaries whole, and the hand-written seeds of fuzz/seeds/<target>/ (command files for
`commands`, client byte streams for `dap`).
Nothing here is committed: the seeds are rebuilt from whatever toolchains the machine has.
"""
import os
import shutil
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
SHDR = struct.Struct("<IIQQQQIIQQ")
SHT_NOBITS, SHT_SYMTAB, SHT_STRTAB, SHT_DYNSYM, SHT_RELA = 8, 2, 3, 11, 4
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4
PT_LOAD = 1


class Elf:
    def __init__(self, path):
        self.data = open(path, "rb").read()
        d = self.data
        (self.ident, self.type, self.machine, _, self.entry, _, shoff, _, _, _, _, shentsize,
         shnum, shstrndx) = EHDR.unpack_from(d, 0)
        self.sections = []
        hdrs = [SHDR.unpack_from(d, shoff + i * shentsize) for i in range(shnum)]
        names = hdrs[shstrndx]
        for h in hdrs:
            name_off, typ, flags, addr, off, size, link, info, align, entsize = h
            end = d.index(b"\0", names[4] + name_off)
            name = d[names[4] + name_off:end].decode()
            body = b"" if typ == SHT_NOBITS else d[off:off + size]
            self.sections.append(dict(name=name, type=typ, flags=flags, addr=addr, size=size,
                                      link=link, info=info, align=align, entsize=entsize,
                                      body=body))

    def get(self, name):
        for s in self.sections:
            if s["name"] == name:
                return s
        return None


def build(elf, keep, extra=()):
    """A new ELF64 file with elf's header fields, the sections `keep` (dicts as in Elf), their
    sh_link fixed up by name, and one PT_LOAD per allocated section."""
    secs = [dict(name="", type=0, flags=0, addr=0, size=0, link=0, info=0, align=0, entsize=0,
                 body=b"")]
    secs += [dict(s) for s in keep if s is not None] + list(extra)
    shstr = b"\0"
    name_off = []
    for s in secs + [dict(name=".shstrtab")]:
        if s["name"]:
            name_off.append(len(shstr))
            shstr += s["name"].encode() + b"\0"
        else:
            name_off.append(0)
    secs.append(dict(name=".shstrtab", type=SHT_STRTAB, flags=0, addr=0, size=len(shstr), link=0,
                     info=0, align=1, entsize=0, body=shstr))
    loads = [s for s in secs if s["flags"] & SHF_ALLOC and s["size"]]
    off = EHDR.size + PHDR.size * len(loads)
    out = bytearray(off)
    for s in secs:
        s["offset"] = 0
        if s["type"] == SHT_NOBITS or not s["body"]:
            s["offset"] = off if s["type"] != SHT_NOBITS else 0
            continue
        # Keep the file offset congruent to the address modulo the page size, as for a loader.
        if s["flags"] & SHF_ALLOC:
            pad = (s["addr"] - off) % 4096
        else:
            pad = (-off) % 8
        out += b"\0" * pad
        off += pad
        s["offset"] = off
        out += s["body"]
        off += len(s["body"])
    out += b"\0" * ((-off) % 8)
    shoff = len(out)
    for i, s in enumerate(secs):
        size = s["size"] if s["type"] == SHT_NOBITS or not s["body"] else len(s["body"])
        out += SHDR.pack(name_off[i], s["type"], s["flags"], s["addr"], s["offset"], size,
                         s.get("link_index", 0), s["info"], s["align"], s["entsize"])
    phdrs = b""
    for s in loads:
        flags = 4 | (2 if s["flags"] & SHF_WRITE else 0) | (1 if s["flags"] & SHF_EXECINSTR else 0)
        filesz = 0 if s["type"] == SHT_NOBITS else len(s["body"])
        phdrs += PHDR.pack(PT_LOAD, flags, s["offset"] if filesz else 0, s["addr"], s["addr"],
                           filesz, s["size"] if s["type"] == SHT_NOBITS else max(filesz, s["size"]),
                           4096)
    out[EHDR.size:EHDR.size + len(phdrs)] = phdrs
    out[0:EHDR.size] = EHDR.pack(elf.ident, elf.type, elf.machine, 1, elf.entry, EHDR.size, shoff,
                                 0, EHDR.size, PHDR.size, len(loads), SHDR.size, len(secs),
                                 len(secs) - 1)
    return bytes(out)


def code_stub(elf, keep_bytes=4096):
    """.text cut to its first bytes, but still covering the whole address range (memsz)."""
    t = elf.get(".text")
    if t is None:
        return None
    t = dict(t)
    t["body"] = t["body"][:keep_bytes]
    return t


def nobits_text(elf):
    t = elf.get(".text")
    if t is None:
        return None
    t = dict(t, type=SHT_NOBITS, body=b"")
    return t


def small_symtab(elf, count=300):
    """The first `count` symbols of .symtab with a string table holding just their names."""
    tab, strtab = elf.get(".symtab"), elf.get(".strtab")
    if tab is None or strtab is None:
        return []
    new_str = bytearray(b"\0")
    body = bytearray()
    raw = tab["body"]
    for i in range(0, min(len(raw), count * 24), 24):
        name, info, other, shndx, value, size = struct.unpack_from("<IBBHQQ", raw, i)
        end = strtab["body"].find(b"\0", name)
        nm = strtab["body"][name:end] if name and end >= 0 else b""
        noff = len(new_str) if nm else 0
        if nm:
            new_str += nm + b"\0"
        shndx = 1 if 0 < shndx < 0xff00 else shndx  # section 1: the code stub
        body += struct.pack("<IBBHQQ", noff, info, other, shndx, value, size)
    s = dict(tab, body=bytes(body), size=len(body), link_name=".strtab")
    t = dict(strtab, body=bytes(new_str), size=len(new_str))
    return [s, t]


def fix_links(secs):
    names = [""] + [s["name"] for s in secs if s is not None]
    for s in secs:
        if s is not None and s.get("link_name") in names:
            s["link_index"] = names.index(s["link_name"])
    return secs


def write(out_dir, target, name, data):
    d = os.path.join(out_dir, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def seeds_of_go(out, tag, path):
    e = Elf(path)
    g = e.get
    # elf: headers, a code stub, a small symbol table, notes, build info.
    write(out, "elf", tag, build(e, fix_links([code_stub(e, 256), *small_symtab(e),
                                                g(".note.go.buildid"), g(".go.buildinfo")])))
    # gopclntab: the table, where text is, moduledata (.go.module, or .noptrdata/.data.rel.ro
    # before Go 1.26), .rodata's address (a NOBITS stand-in), PIE relocations.
    ro = g(".rodata")
    ro = dict(ro, type=SHT_NOBITS, body=b"") if ro else None
    pcln = [g(".gopclntab"), g(".data.rel.ro.gopclntab")]
    data = [g(".go.module"), g(".noptrdata")]
    if e.type == 3:  # PIE: moduledata pointers are relocations
        data += [g(".rela"), g(".data.rel.ro")]
    write(out, "gopclntab", tag, build(e, fix_links([nobits_text(e), ro, *pcln, *data])))
    # buildinfo: the section, and the same bytes without its name (found by the magic scan).
    bi = g(".go.buildinfo")
    if bi:
        write(out, "buildinfo", tag, build(e, [bi]))
        write(out, "buildinfo", tag + "-scan", build(e, [dict(bi, name=".data")]))
        # and the module-info text alone (the parser's own input)
        body = bi["body"]
        start = body.find(b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6")
        if start >= 0:
            write(out, "buildinfo", tag + "-modinfo", body[start:])
    # dwarf: every .debug_* section, and where text is.
    dbg = [s for s in e.sections if s["name"].startswith(".debug_")]
    if dbg:
        write(out, "dwarf", tag, build(e, [nobits_text(e)] + dbg))


def note(name, typ, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * ((-len(b)) % 4)
    return struct.pack("<III", len(n), len(desc), typ) + pad(n) + pad(desc)


def core_seed(threads, files, segments, extra_notes=b""):
    """A core laid out as the kernel writes one: NT_PRSTATUS (336 bytes: the registers at 112)
    and NT_FPREGSET per thread, NT_PRPSINFO, NT_SIGINFO, NT_AUXV and NT_FILE after the first;
    PT_LOAD segments (vaddr, memsz, bytes) whose bytes may stop short of memsz."""
    notes = b""
    for i, tid in enumerate(threads):
        regs = [0] * 27
        regs[16] = 0x401000 + i * 16  # rip
        regs[19] = 0x7ffd0000         # rsp
        regs[21] = 0x5a0000 + i * 8   # fs_base
        prstatus = bytearray(336)
        struct.pack_into("<h", prstatus, 12, 6 if i == 0 else 0)  # pr_cursig
        struct.pack_into("<i", prstatus, 32, tid)                  # pr_pid
        struct.pack_into("<27Q", prstatus, 112, *regs)
        notes += note("CORE", 1, bytes(prstatus))
        if i == 0:
            psinfo = bytearray(136)
            struct.pack_into("<i", psinfo, 24, tid)
            psinfo[40:44] = b"prog"
            psinfo[56:64] = b"prog arg"
            notes += note("CORE", 3, bytes(psinfo))
            notes += note("CORE", 0x53494749, struct.pack("<iii", 6, 0, -6) + bytes(116))
            notes += note("CORE", 6, struct.pack("<6Q", 6, 4096, 9, 0x401000, 0, 0))
            names = b"".join(f.encode() + b"\0" for _, _, _, f in files)
            body = struct.pack("<QQ", len(files), 4096)
            body += b"".join(struct.pack("<QQQ", a, b, o) for a, b, o, _ in files)
            notes += note("CORE", 0x46494C45, body + names)
        notes += note("CORE", 2, bytes(512))
    notes += note("LINUX", 0x202, bytes(64)) + extra_notes
    phnum = 1 + len(segments)
    at = EHDR.size + PHDR.size * phnum
    phdrs = PHDR.pack(4, 0, at, 0, 0, len(notes), 0, 4)
    at += len(notes)
    data = b""
    for vaddr, memsz, body in segments:
        phdrs += PHDR.pack(PT_LOAD, 6, at + len(data), vaddr, 0, len(body), memsz, 4096)
        data += body
    ident = b"\x7fELF\x02\x01\x01" + bytes(9)
    head = EHDR.pack(ident, 4, 62, 1, 0, EHDR.size, 0, 0, EHDR.size, PHDR.size, phnum, 0, 0, 0)
    return head + phdrs + notes + data


def core_seeds(out):
    text = bytes(range(256)) * 16
    write(out, "core", "two-threads", core_seed(
        [4242, 4243], [(0x400000, 0x402000, 0, "/x/prog"), (0x402000, 0x403000, 2, "/x/prog")],
        [(0x400000, 0x2000, text), (0x402000, 0x1000, b""), (0x7ffd0000 - 0x800, 0x1000,
                                                            bytes(0x1000))]))
    write(out, "core", "one-thread", core_seed([7], [], [(0x10000, 0x100, b"\xcc" * 0x40)]))
    write(out, "core", "no-segments", core_seed([1, 2, 3], [(0x1000, 0x2000, 0, "/a")], []))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    demo_dir, out = sys.argv[1:]
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    with open(os.path.join(demo_dir, "toolchains.txt")) as f:
        versions = [line.strip() for line in f if line.strip()]
    n = 0
    for ver in versions:
        for variant in ("normal", "pie", "stripped"):
            for demo in ("hello", "waiters", "counter"):
                p = os.path.join(demo_dir, ver, variant, demo)
                if os.path.exists(p):
                    seeds_of_go(out, f"{ver}-{variant}-{demo}", p)
                    n += 1
    native = os.path.join(demo_dir, "native")
    for kind in ("debug", "nodebug"):
        d = os.path.join(native, kind)
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            data = open(os.path.join(d, name), "rb").read()
            write(out, "elf", f"native-{kind}-{name}", data)
            if kind == "debug":
                write(out, "dwarf", f"native-{kind}-{name}", data)
            n += 1
    core_seeds(out)
    # Hand-written seeds: command files (commands), client byte streams (dap).
    seeds = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds")
    for target in sorted(os.listdir(seeds)):
        os.makedirs(os.path.join(out, target), exist_ok=True)
        for name in sorted(os.listdir(os.path.join(seeds, target))):
            shutil.copy(os.path.join(seeds, target, name), os.path.join(out, target, name))
    counts = {t: len(os.listdir(os.path.join(out, t))) for t in sorted(os.listdir(out))}
    print(f"make_seeds: {n} binaries -> " + ", ".join(f"{t}: {c}" for t, c in counts.items()))


if __name__ == "__main__":
    main()

// core_file on cores made here, byte by byte: what it reads from the notes and segments, where
// it falls back to a backing file, and the one-line errors for files that are not sound cores.
#include <doctest/doctest.h>
#include <elf.h>
#include <sys/procfs.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "process/core_file.hpp"

using namespace godbg;

namespace {

using bytes = std::vector<std::uint8_t>;

void append(bytes& b, const void* p, std::size_t n) {
  auto* c = static_cast<const std::uint8_t*>(p);
  b.insert(b.end(), c, c + n);
}

void note(bytes& b, const char* name, std::uint32_t type, const bytes& desc) {
  Elf64_Nhdr h{std::uint32_t(std::strlen(name) + 1), std::uint32_t(desc.size()), type};
  append(b, &h, sizeof h);
  append(b, name, h.n_namesz);
  b.resize((b.size() + 3) & ~std::size_t(3));
  append(b, desc.data(), desc.size());
  b.resize((b.size() + 3) & ~std::size_t(3));
}

template <typename T>
bytes as_bytes(const T& v) {
  bytes b(sizeof v);
  std::memcpy(b.data(), &v, sizeof v);
  return b;
}

struct segment {
  std::uint64_t vaddr, memsz;
  bytes data;  // filesz = data.size()
};

// A core with two threads (tids 101, the one that died of SIGSEGV, and 100), an auxv, one
// NT_FILE mapping and the given segments.
struct core_builder {
  std::vector<segment> segments = {{0x10000, 0x2000, bytes(0x1000, 0xab)},
                                   {0x20000, 0x1000, bytes(0x1000, 0x5c)}};
  bytes notes_override;
  bool with_notes = true;
  std::uint16_t type = ET_CORE;

  bytes notes() const {
    if (!notes_override.empty()) return notes_override;
    bytes n;
    for (pid_t tid : {101, 100}) {
      elf_prstatus ps{};
      ps.pr_pid = tid;
      ps.pr_cursig = tid == 101 ? SIGSEGV : 0;
      user_regs_struct r{};
      r.rip = 0x10010 + std::uint64_t(tid);
      r.rsp = 0x20800;
      std::memcpy(&ps.pr_reg, &r, sizeof r);
      note(n, "CORE", NT_PRSTATUS, as_bytes(ps));
      user_fpregs_struct fp{};
      fp.mxcsr = 0x1f80 + std::uint32_t(tid);
      note(n, "CORE", NT_FPREGSET, as_bytes(fp));
      if (tid == 101) {
        elf_prpsinfo pi{};
        pi.pr_pid = 100;
        std::strcpy(pi.pr_fname, "prog");
        std::strcpy(pi.pr_psargs, "prog a b");
        note(n, "CORE", NT_PRPSINFO, as_bytes(pi));
        std::uint64_t auxv[] = {AT_PAGESZ, 4096, AT_ENTRY, 0x10100, AT_NULL, 0};
        bytes a(sizeof auxv);
        std::memcpy(a.data(), auxv, sizeof auxv);
        note(n, "CORE", NT_AUXV, a);
        std::uint64_t file[] = {1, 4096, 0x10000, 0x12000, 3};
        bytes f(sizeof file);
        std::memcpy(f.data(), file, sizeof file);
        const char path[] = "/x/prog";
        append(f, path, sizeof path);
        note(n, "CORE", NT_FILE, f);
      }
    }
    note(n, "LINUX", 0x202, bytes(64, 0));  // NT_X86_XSTATE too short for an FXSAVE area
    return n;
  }

  bytes build() const {
    bytes n = notes();
    std::size_t phnum = segments.size() + (with_notes ? 1 : 0);
    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = type;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = std::uint16_t(phnum);
    std::uint64_t at = sizeof eh + phnum * sizeof(Elf64_Phdr);
    std::vector<Elf64_Phdr> ph;
    if (with_notes) {
      Elf64_Phdr p{};
      p.p_type = PT_NOTE;
      p.p_offset = at;
      p.p_filesz = n.size();
      ph.push_back(p);
      at += n.size();
    }
    for (auto& s : segments) {
      Elf64_Phdr p{};
      p.p_type = PT_LOAD;
      p.p_flags = PF_R | PF_W;
      p.p_offset = at;
      p.p_vaddr = s.vaddr;
      p.p_filesz = s.data.size();
      p.p_memsz = s.memsz;
      ph.push_back(p);
      at += s.data.size();
    }
    bytes out;
    append(out, &eh, sizeof eh);
    append(out, ph.data(), ph.size() * sizeof(Elf64_Phdr));
    if (with_notes) append(out, n.data(), n.size());
    for (auto& s : segments) append(out, s.data.data(), s.data.size());
    return out;
  }
};

struct temp_file {
  std::string path;
  explicit temp_file(const bytes& b) {
    char name[] = "/tmp/godbg-core-XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    if (!b.empty()) REQUIRE(write(fd, b.data(), b.size()) == ssize_t(b.size()));
    close(fd);
    path = name;
  }
  ~temp_file() { unlink(path.c_str()); }
};

std::string open_error(const bytes& b) {
  temp_file f(b);
  try {
    core_file::open(f.path);
  } catch (const error& e) {
    std::string m = e.what();
    CHECK(m.find('\n') == std::string::npos);
    CHECK(m.find(f.path) == 0);
    return m.substr(f.path.size());
  }
  FAIL("opened without an error");
  return {};
}

}  // namespace

TEST_CASE("a core's threads, registers, notes and memory") {
  temp_file f(core_builder{}.build());
  auto c = core_file::open(f.path);
  CHECK(c->pid() == 100);
  CHECK_FALSE(c->live());
  CHECK(c->thread_ids() == std::vector<pid_t>{100, 101});
  REQUIRE(c->threads().size() == 2);
  CHECK(c->threads()[0].tid == 101);  // the kernel's order: the thread that died first
  CHECK(c->threads()[0].cursig == SIGSEGV);
  CHECK(c->regs(101).rip == 0x10010 + 101);
  CHECK(c->regs(100).rip == 0x10010 + 100);
  REQUIRE(c->fpregs(100));
  CHECK(c->fpregs(100)->mxcsr == 0x1f80 + 100);
  CHECK_THROWS_AS(c->regs(7), error);
  CHECK(c->auxv(AT_ENTRY) == 0x10100);
  CHECK_FALSE(c->auxv(AT_PHDR));
  REQUIRE(c->mappings().size() == 1);
  CHECK(c->mappings()[0].path == "/x/prog");
  CHECK(c->mappings()[0].offset == 3 * 4096);
  CHECK(c->process_info().fname == "prog");
  CHECK(c->process_info().psargs == "prog a b");

  std::uint8_t b[16];
  CHECK(c->read(virt_addr(0x10ff8), b) == false);  // runs past the file part: nothing backs it
  CHECK(c->read(virt_addr(0x10000), b));
  CHECK(b[0] == 0xab);
  CHECK(c->read(virt_addr(0x20ff0), b));
  CHECK(b[15] == 0x5c);
  CHECK_FALSE(c->read(virt_addr(0x21000), b));
  CHECK_FALSE(c->read(virt_addr(~std::uint64_t(0) - 4), b));
  CHECK(c->in_core(virt_addr(0x10000), 0x1000));
  CHECK_FALSE(c->in_core(virt_addr(0x10000), 0x1001));

  // What the core left out comes from a backing file; what it holds wins.
  bytes exe(0x3000);
  for (std::size_t i = 0; i < exe.size(); ++i) exe[i] = std::uint8_t(i / 0x1000 + 1);
  temp_file backing(exe);
  c->add_backing(backing.path, {{0x10000, 0x1000, 0x2000}});
  std::uint8_t across[32];
  REQUIRE(c->read(virt_addr(0x10ff0), across));
  CHECK(across[0] == 0xab);  // core
  CHECK(across[16] == 3);    // backing: file offset 0x2000
  CHECK(c->read(virt_addr(0x11ff0), b));
  CHECK_FALSE(c->read(virt_addr(0x11ff8), b));  // past the backing range

  std::vector<std::uint64_t> addrs = {0x10000, 0x11000, 0x30000};
  std::vector<std::uint8_t> out(addrs.size() * 8);
  std::vector<char> ok;
  c->read_many(addrs, 8, out.data(), ok);
  CHECK(ok == std::vector<char>{1, 1, 0});
  CHECK(out[8] == 3);
}

TEST_CASE("Delve's dump: notes without a name, FP registers only in NT_X86_XSTATE") {
  bytes n;
  elf_prstatus ps{};
  ps.pr_pid = 9;
  note(n, "", NT_PRSTATUS, as_bytes(ps));
  bytes xsave(512 + 64, 0);
  std::uint32_t mxcsr = 0x1fa0;
  std::memcpy(xsave.data() + 24, &mxcsr, 4);  // FXSAVE: mxcsr at byte 24
  note(n, "", NT_X86_XSTATE, xsave);
  note(n, "GNU", NT_PRSTATUS, as_bytes(ps));  // another owner: not a thread
  core_builder b;
  b.notes_override = n;
  temp_file f(b.build());
  auto c = core_file::open(f.path);
  CHECK(c->thread_ids() == std::vector<pid_t>{9});
  REQUIRE(c->fpregs(9));
  CHECK(c->fpregs(9)->mxcsr == 0x1fa0);
}

TEST_CASE("files that are not sound cores give one-line errors") {
  CHECK(open_error({}) == ": empty file");
  CHECK(open_error(bytes(100, 'x')) == ": not an ELF file");
  bytes full = core_builder{}.build();
  CHECK(open_error(bytes(full.begin(), full.begin() + 20)) == ": truncated ELF header");
  CHECK(open_error(bytes(full.begin(), full.begin() + 100)) ==
        ": truncated core file (program headers)");
  CHECK(open_error(bytes(full.begin(), full.end() - 10))
            .starts_with(": truncated core file (segment"));
  core_builder exe;
  exe.type = ET_EXEC;
  CHECK(open_error(exe.build()) == ": not a core file (an executable)");
  core_builder no_notes;
  no_notes.with_notes = false;
  CHECK(open_error(no_notes.build()).starts_with(": no notes"));

  // Notes: a note that runs past its segment, an NT_FILE whose count lies, a short
  // NT_PRSTATUS, no thread at all, FP registers before any thread.
  core_builder bad;
  bad.notes_override = core_builder{}.notes();
  reinterpret_cast<Elf64_Nhdr*>(bad.notes_override.data())->n_descsz = 0x7fffffff;
  CHECK(open_error(bad.build()).starts_with(": corrupted notes (note of type 0x1"));
  bytes lying;
  std::uint64_t file[] = {~std::uint64_t(0) / 24, 4096};
  bytes fd(sizeof file);
  std::memcpy(fd.data(), file, sizeof file);
  note(lying, "CORE", NT_FILE, fd);
  bad.notes_override = lying;
  CHECK(open_error(bad.build()).starts_with(": corrupted notes (NT_FILE says"));
  bytes short_status;
  note(short_status, "CORE", NT_PRSTATUS, bytes(40, 0));
  bad.notes_override = short_status;
  CHECK(open_error(bad.build()).starts_with(": corrupted notes (NT_PRSTATUS of 40 bytes"));
  bytes only_info;
  note(only_info, "CORE", NT_PRPSINFO, as_bytes(elf_prpsinfo{}));
  bad.notes_override = only_info;
  CHECK(open_error(bad.build()).starts_with(": no threads"));
  bytes fp_first;
  note(fp_first, "CORE", NT_FPREGSET, as_bytes(user_fpregs_struct{}));
  bad.notes_override = fp_first;
  CHECK(open_error(bad.build()).starts_with(": corrupted notes (NT_FPREGSET before"));
  bytes twice;
  elf_prstatus ps{};
  ps.pr_pid = 5;
  note(twice, "CORE", NT_PRSTATUS, as_bytes(ps));
  note(twice, "CORE", NT_PRSTATUS, as_bytes(ps));
  bad.notes_override = twice;
  CHECK(open_error(bad.build()) == ": corrupted notes (thread 5 twice)");

  core_builder overlap;
  overlap.segments = {{0x10000, 0x2000, bytes(16, 1)}, {0x11000, 0x1000, bytes(16, 2)}};
  CHECK(open_error(overlap.build()).starts_with(": corrupted core file (segments at 0x10000"));
  CHECK_THROWS_WITH_AS(core_file::open("/no/such/core"), "/no/such/core: no such file", error);
  CHECK_THROWS_WITH_AS(core_file::open("/tmp"), "/tmp: is a directory", error);
}

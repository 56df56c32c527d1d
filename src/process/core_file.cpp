#include "process/core_file.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/procfs.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>

#include "common/error.hpp"

namespace godbg {

static_assert(sizeof(elf_gregset_t) == sizeof(user_regs_struct),
              "NT_PRSTATUS registers are a user_regs_struct on x86-64");

namespace {

// The file, mmap'ed read-only. Fails with the messages core_file::open promises.
std::pair<const std::uint8_t*, std::size_t> map_file(const std::string& path, const char* what) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) fail("{}: no such file", path);
    fail_errno("{}: cannot open {}", path, what);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    errno = e;
    fail_errno("{}: cannot stat {}", path, what);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    fail("{}: is a directory", path);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    fail("{}: not a regular file", path);
  }
  if (st.st_size == 0) {
    ::close(fd);
    fail("{}: empty file", path);
  }
  void* p = ::mmap(nullptr, std::size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  int e = errno;
  ::close(fd);
  if (p == MAP_FAILED) {
    errno = e;
    fail_errno("{}: cannot map {}", path, what);
  }
  return {static_cast<const std::uint8_t*>(p), std::size_t(st.st_size)};
}

template <typename T>
T load(std::span<const std::uint8_t> b, std::size_t off = 0) {
  T v{};
  std::memcpy(&v, b.data() + off, sizeof v);
  return v;
}

std::string bounded_string(const char* s, std::size_t max) {
  return std::string(s, strnlen(s, max));
}

bool has_fault_address(int signo) {
  return signo == SIGSEGV || signo == SIGBUS || signo == SIGILL || signo == SIGFPE;
}

}  // namespace

std::string elf_type_name(std::uint16_t e_type) {
  switch (e_type) {
    case ET_EXEC:
      return "an executable";
    case ET_DYN:
      return "a shared object or PIE executable";
    case ET_REL:
      return "an object file";
    case ET_CORE:
      return "a core file";
    default:
      return "an ELF file of unknown type";
  }
}

std::unique_ptr<core_file> core_file::open(const std::string& path) {
  std::unique_ptr<core_file> c(new core_file());
  c->path_ = path;
  auto [base, size] = map_file(path, "the core file");
  c->core_ = {base, size};
  c->parse();
  return c;
}

core_file::~core_file() {
  if (core_.base) ::munmap(const_cast<std::uint8_t*>(core_.base), core_.size);
  for (auto& f : files_) ::munmap(const_cast<std::uint8_t*>(f.base), f.size);
}

void core_file::parse() {
  std::span<const std::uint8_t> file(core_.base, core_.size);
  if (file.size() < SELFMAG || std::memcmp(file.data(), ELFMAG, SELFMAG) != 0)
    fail("{}: not an ELF file", path_);
  if (file.size() < sizeof(Elf64_Ehdr)) fail("{}: truncated ELF header", path_);
  auto eh = load<Elf64_Ehdr>(file);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
    fail("{}: not a 64-bit little-endian ELF file", path_);
  if (eh.e_type != ET_CORE) fail("{}: not a core file ({})", path_, elf_type_name(eh.e_type));
  if (eh.e_machine != EM_X86_64) fail("{}: not an x86-64 core file", path_);
  if (eh.e_phentsize != sizeof(Elf64_Phdr))
    fail("{}: corrupted core file (program header size {})", path_, eh.e_phentsize);
  std::uint64_t phnum = eh.e_phnum;
  if (phnum == PN_XNUM) {
    // More than 65534 segments: the count is in section header 0's sh_info.
    if (eh.e_shoff == 0 || eh.e_shoff > file.size() ||
        file.size() - eh.e_shoff < sizeof(Elf64_Shdr))
      fail("{}: truncated core file (extended program header count)", path_);
    phnum = load<Elf64_Shdr>(file, eh.e_shoff).sh_info;
  }
  if (eh.e_phoff > file.size() || (file.size() - eh.e_phoff) / sizeof(Elf64_Phdr) < phnum)
    fail("{}: truncated core file (program headers)", path_);
  bool notes = false;
  for (std::uint64_t i = 0; i < phnum; ++i) {
    auto ph = load<Elf64_Phdr>(file, eh.e_phoff + i * sizeof(Elf64_Phdr));
    if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE) continue;
    if (ph.p_offset > file.size() || file.size() - ph.p_offset < ph.p_filesz)
      fail(
          "{}: truncated core file (segment {} at {:#x} needs {} bytes from offset {:#x}, the "
          "file has {})",
          path_, i, ph.p_vaddr, ph.p_filesz, ph.p_offset, file.size());
    if (ph.p_type == PT_NOTE) {
      parse_notes(ph.p_offset, ph.p_filesz);
      notes = true;
      continue;
    }
    if (ph.p_memsz == 0) continue;
    if (ph.p_filesz > ph.p_memsz || ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
      fail("{}: corrupted core file (segment {} at {:#x}: file size {:#x}, memory size {:#x})",
           path_, i, ph.p_vaddr, ph.p_filesz, ph.p_memsz);
    segments_.push_back({ph.p_vaddr, ph.p_memsz, ph.p_filesz, ph.p_offset, ph.p_flags});
  }
  if (!notes) fail("{}: no notes in the core file (no PT_NOTE segment)", path_);
  if (threads_.empty()) fail("{}: no threads in the core file (no NT_PRSTATUS note)", path_);
  std::sort(segments_.begin(), segments_.end(), [](auto& a, auto& b) { return a.vaddr < b.vaddr; });
  for (std::size_t i = 1; i < segments_.size(); ++i)
    if (segments_[i].vaddr < segments_[i - 1].vaddr + segments_[i - 1].memsz)
      fail("{}: corrupted core file (segments at {:#x} and {:#x} overlap)", path_,
           segments_[i - 1].vaddr, segments_[i].vaddr);
  auto ids = thread_ids();
  for (std::size_t i = 1; i < ids.size(); ++i)
    if (ids[i] == ids[i - 1]) fail("{}: corrupted notes (thread {} twice)", path_, ids[i]);
}

void core_file::parse_notes(std::uint64_t off, std::uint64_t size) {
  std::span<const std::uint8_t> all(core_.base + off, size);
  std::uint64_t pos = 0;
  auto align4 = [](std::uint64_t n) { return (n + 3) & ~std::uint64_t(3); };
  while (pos < all.size()) {
    if (all.size() - pos < sizeof(Elf64_Nhdr))
      fail("{}: corrupted notes (a note header cut at offset {:#x})", path_, off + pos);
    auto nh = load<Elf64_Nhdr>(all, pos);
    std::uint64_t name_at = pos + sizeof(Elf64_Nhdr);
    std::uint64_t desc_at = name_at + align4(nh.n_namesz);
    if (desc_at > all.size() || all.size() - desc_at < nh.n_descsz)
      fail("{}: corrupted notes (note of type {:#x} at offset {:#x} runs past the segment)", path_,
           nh.n_type, off + pos);
    std::string_view name(
        reinterpret_cast<const char*>(all.data() + name_at),
        strnlen(reinterpret_cast<const char*>(all.data() + name_at), nh.n_namesz));
    // The kernel and gdb name their notes CORE (LINUX for the x86 XSAVE area); Delve's dump
    // leaves the name empty. Other owners (GNU, Delve's own header) hold nothing we read.
    if (name == "CORE" || name == "LINUX" || name.empty())
      parse_note(nh.n_type, all.subspan(desc_at, nh.n_descsz));
    pos = desc_at + align4(nh.n_descsz);
  }
}

void core_file::parse_note(std::uint32_t type, std::span<const std::uint8_t> desc) {
  switch (type) {
    case NT_PRSTATUS: {
      if (desc.size() < sizeof(elf_prstatus))
        fail("{}: corrupted notes (NT_PRSTATUS of {} bytes, want {})", path_, desc.size(),
             sizeof(elf_prstatus));
      auto ps = load<elf_prstatus>(desc);
      core_thread t;
      t.tid = ps.pr_pid;
      t.cursig = ps.pr_cursig;
      std::memcpy(&t.regs, &ps.pr_reg, sizeof t.regs);
      threads_.push_back(t);
      break;
    }
    case NT_FPREGSET:
      // The FP registers of the thread whose NT_PRSTATUS came last.
      if (threads_.empty()) fail("{}: corrupted notes (NT_FPREGSET before any NT_PRSTATUS)", path_);
      if (desc.size() >= sizeof(user_fpregs_struct))
        threads_.back().fpregs = load<user_fpregs_struct>(desc);
      break;
    case NT_X86_XSTATE:
      // Its first 512 bytes are the FXSAVE area, the layout of NT_FPREGSET: what Delve's dump
      // writes instead of NT_FPREGSET.
      if (!threads_.empty() && !threads_.back().fpregs && desc.size() >= sizeof(user_fpregs_struct))
        threads_.back().fpregs = load<user_fpregs_struct>(desc);
      break;
    case NT_PRPSINFO: {
      if (desc.size() < sizeof(elf_prpsinfo))
        fail("{}: corrupted notes (NT_PRPSINFO of {} bytes, want {})", path_, desc.size(),
             sizeof(elf_prpsinfo));
      auto pi = load<elf_prpsinfo>(desc);
      info_.pid = pi.pr_pid;
      info_.fname = bounded_string(pi.pr_fname, sizeof pi.pr_fname);
      info_.psargs = bounded_string(pi.pr_psargs, sizeof pi.pr_psargs);
      while (!info_.psargs.empty() && info_.psargs.back() == ' ') info_.psargs.pop_back();
      break;
    }
    case NT_SIGINFO: {
      if (desc.size() < sizeof(siginfo_t)) break;  // optional: the signal is in NT_PRSTATUS too
      auto si = load<siginfo_t>(desc);
      info_.signo = si.si_signo;
      info_.si_code = si.si_code;
      if (has_fault_address(si.si_signo))
        info_.fault_addr = reinterpret_cast<std::uint64_t>(si.si_addr);
      break;
    }
    case NT_AUXV:
      auxv_.clear();
      for (std::size_t i = 0; i + 16 <= desc.size(); i += 16) {
        auto k = load<std::uint64_t>(desc, i), v = load<std::uint64_t>(desc, i + 8);
        if (k == AT_NULL) break;
        auxv_.emplace_back(k, v);
      }
      break;
    case NT_FILE:
      parse_file_note(desc);
      break;
    default:
      break;
  }
}

// count, page size, count × {start, end, file offset in pages}, then count NUL-terminated paths.
void core_file::parse_file_note(std::span<const std::uint8_t> desc) {
  if (desc.size() < 16) fail("{}: corrupted notes (NT_FILE of {} bytes)", path_, desc.size());
  auto count = load<std::uint64_t>(desc, 0), page = load<std::uint64_t>(desc, 8);
  if (count > (desc.size() - 16) / 24)
    fail("{}: corrupted notes (NT_FILE says {} mappings in {} bytes)", path_, count, desc.size());
  std::size_t names = 16 + std::size_t(count) * 24;
  mappings_.clear();
  mappings_.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    core_mapping m;
    m.start = load<std::uint64_t>(desc, 16 + i * 24);
    m.end = load<std::uint64_t>(desc, 24 + i * 24);
    m.offset = load<std::uint64_t>(desc, 32 + i * 24) * page;
    if (names >= desc.size())
      fail("{}: corrupted notes (NT_FILE path {} of {} missing)", path_, i + 1, count);
    auto rest = desc.subspan(names);
    const char* s = reinterpret_cast<const char*>(rest.data());
    std::size_t n = strnlen(s, rest.size());
    if (n == rest.size())
      fail("{}: corrupted notes (NT_FILE path {} not terminated)", path_, i + 1);
    m.path.assign(s, n);
    names += n + 1;
    mappings_.push_back(std::move(m));
  }
}

pid_t core_file::pid() const {
  if (info_.pid) return *info_.pid;
  return threads_.front().tid;
}

std::vector<pid_t> core_file::thread_ids() const {
  std::vector<pid_t> out;
  out.reserve(threads_.size());
  for (auto& t : threads_) out.push_back(t.tid);
  std::sort(out.begin(), out.end());
  return out;
}

bool core_file::has_thread(pid_t tid) const {
  return std::any_of(threads_.begin(), threads_.end(), [&](auto& t) { return t.tid == tid; });
}

const user_regs_struct& core_file::regs(pid_t tid) {
  for (auto& t : threads_)
    if (t.tid == tid) return t.regs;
  fail("no thread {} in the core file", tid);
}

std::optional<user_fpregs_struct> core_file::fpregs(pid_t tid) {
  for (auto& t : threads_)
    if (t.tid == tid) return t.fpregs;
  return std::nullopt;
}

std::optional<std::uint64_t> core_file::auxv(std::uint64_t type) const {
  for (auto& [k, v] : auxv_)
    if (k == type) return v;
  return std::nullopt;
}

bool core_file::in_core(virt_addr a, std::size_t n) const {
  std::uint64_t at = a.value();
  auto it = std::upper_bound(segments_.begin(), segments_.end(), at,
                             [](std::uint64_t x, const core_segment& s) { return x < s.vaddr; });
  if (it == segments_.begin()) return false;
  --it;
  return at - it->vaddr < it->filesz && it->filesz - (at - it->vaddr) >= n;
}

bool core_file::read(virt_addr a, std::span<std::uint8_t> out) const {
  if (out.empty()) return true;
  if (a.value() + out.size() < a.value()) return false;  // wraps around
  return read_from(a.value(), out);
}

bool core_file::read_from(std::uint64_t a, std::span<std::uint8_t> out) const {
  while (!out.empty()) {
    std::size_t n = 0;
    // The core first: it holds the state the program left, written-to data included.
    auto seg = std::upper_bound(segments_.begin(), segments_.end(), a,
                                [](std::uint64_t x, const core_segment& s) { return x < s.vaddr; });
    std::uint64_t next_seg = seg == segments_.end() ? ~std::uint64_t(0) : seg->vaddr;
    if (seg != segments_.begin()) {
      auto& s = *std::prev(seg);
      if (a - s.vaddr < s.filesz) {
        n = std::size_t(std::min<std::uint64_t>(out.size(), s.filesz - (a - s.vaddr)));
        std::memcpy(out.data(), core_.base + s.offset + (a - s.vaddr), n);
      }
    }
    if (n == 0) {
      // Then the files that stand in for what the core left out.
      auto b =
          std::upper_bound(backing_.begin(), backing_.end(), a,
                           [](std::uint64_t x, const backing_range& r) { return x < r.vaddr; });
      if (b == backing_.begin()) return false;
      auto& r = *std::prev(b);
      if (a - r.vaddr >= r.size) return false;
      n = std::size_t(std::min<std::uint64_t>(out.size(), r.size - (a - r.vaddr)));
      // Never past the start of a segment the core holds: its bytes win.
      if (next_seg > a) n = std::size_t(std::min<std::uint64_t>(n, next_seg - a));
      std::memcpy(out.data(), r.bytes + (a - r.vaddr), n);
    }
    out = out.subspan(n);
    a += n;
  }
  return true;
}

void core_file::add_backing(const std::string& file, const std::vector<file_range>& ranges) {
  auto [base, size] = map_file(file, "the executable");
  files_.push_back({base, size});
  for (auto& r : ranges) {
    if (r.offset > size || r.size == 0) continue;
    std::uint64_t n = std::min<std::uint64_t>(r.size, size - r.offset);
    if (r.vaddr + n < r.vaddr) continue;
    backing_.push_back({r.vaddr, n, base + r.offset});
  }
  std::sort(backing_.begin(), backing_.end(), [](auto& x, auto& y) { return x.vaddr < y.vaddr; });
}

}  // namespace godbg

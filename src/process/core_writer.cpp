#include "process/core_writer.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/procfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/error.hpp"
#include "process/inferior.hpp"

namespace godbg {

namespace {

constexpr std::uint64_t page = 4096;

struct mapping {
  std::uint64_t start = 0, end = 0, offset = 0, inode = 0;
  bool r = false, w = false, x = false, shared = false;
  bool written = false;  // private pages copied on write (smaps' Anonymous), RELRO's included
  std::string path;
  std::uint64_t filesz = 0;   // what the core holds of it
  std::uint64_t data_at = 0;  // its offset in the core
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// smaps, not maps: its Anonymous field says which file mappings hold pages the program wrote,
// the kernel's own test (a RELRO page is read-only now but was relocated, and holds DT_DEBUG).
std::vector<mapping> read_maps(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps");
  if (!in) fail_errno("dump: cannot read /proc/{}/smaps", pid);
  std::vector<mapping> out;
  std::string line;
  while (std::getline(in, line)) {
    auto sp = line.find(' ');
    if (sp != std::string::npos && sp > 0 && line[sp - 1] == ':') {  // a field of the last one
      unsigned long long kb = 0;
      if (!out.empty() && line.compare(0, 10, "Anonymous:") == 0 &&
          std::sscanf(line.c_str() + 10, "%llu", &kb) == 1 && kb > 0)
        out.back().written = true;
      continue;
    }
    mapping m;
    char perms[5] = {};
    unsigned long long start = 0, end = 0, off = 0, inode = 0;
    int path_at = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx %4s %llx %*s %llu %n", &start, &end, perms, &off,
                    &inode, &path_at) < 5)
      continue;
    m.start = start, m.end = end, m.offset = off, m.inode = inode;
    m.r = perms[0] == 'r', m.w = perms[1] == 'w', m.x = perms[2] == 'x', m.shared = perms[3] == 's';
    if (path_at > 0 && std::size_t(path_at) <= line.size())
      m.path = line.substr(std::size_t(path_at));
    out.push_back(std::move(m));
  }
  return out;
}

bool is_file(const mapping& m) {
  return m.inode != 0 && !m.path.empty() && m.path[0] == '/';
}

// What the kernel's default filter (0x33) dumps: anonymous memory, private file mappings that
// were written to (every writable private one too, as smaps may lag a write), the vdso, and the
// first page of a file mapping that starts with an ELF header.
std::uint64_t dump_size(const inferior& proc, const mapping& m) {
  if (!m.r || m.path == "[vvar]" || m.path == "[vvar_vclock]" || m.path == "[vsyscall]") return 0;
  if (!is_file(m)) return m.end - m.start;
  if (!m.shared && (m.w || m.written)) return m.end - m.start;
  if (m.offset == 0) {
    std::uint8_t magic[4];
    if (proc.read(virt_addr(m.start), magic) && std::memcmp(magic, ELFMAG, 4) == 0)
      return std::min(page, m.end - m.start);
  }
  return 0;
}

void put_note(std::vector<std::uint8_t>& out, const char* name, std::uint32_t type,
              const void* desc, std::size_t size) {
  auto pad = [&] { out.resize((out.size() + 3) & ~std::size_t(3), 0); };
  Elf64_Nhdr h{};
  h.n_namesz = std::uint32_t(std::strlen(name) + 1);
  h.n_descsz = std::uint32_t(size);
  h.n_type = type;
  auto* hb = reinterpret_cast<const std::uint8_t*>(&h);
  out.insert(out.end(), hb, hb + sizeof h);
  out.insert(out.end(), name, name + h.n_namesz);
  pad();
  auto* d = static_cast<const std::uint8_t*>(desc);
  out.insert(out.end(), d, d + size);
  pad();
}

struct proc_stat {
  pid_t ppid = 0, pgrp = 0, sid = 0;
  char state = 'R';
  std::string comm;
};

proc_stat read_stat(pid_t pid, pid_t tid) {
  proc_stat s;
  auto text = read_text("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/stat");
  auto open = text.find('('), close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return s;
  s.comm = text.substr(open + 1, close - open - 1);
  std::istringstream rest(text.substr(close + 1));
  rest >> s.state >> s.ppid >> s.pgrp >> s.sid;
  return s;
}

elf_prstatus prstatus_of(inferior& proc, pid_t tid, int signal) {
  elf_prstatus ps{};
  auto st = read_stat(proc.pid(), tid);
  ps.pr_info.si_signo = signal;
  ps.pr_cursig = short(signal);
  ps.pr_pid = tid;
  ps.pr_ppid = st.ppid;
  ps.pr_pgrp = st.pgrp;
  ps.pr_sid = st.sid;
  const auto& r = proc.regs(tid);
  static_assert(sizeof ps.pr_reg == sizeof r);
  std::memcpy(&ps.pr_reg, &r, sizeof r);
  ps.pr_fpvalid = proc.fpregs(tid) ? 1 : 0;
  return ps;
}

elf_prpsinfo prpsinfo_of(pid_t pid) {
  elf_prpsinfo pi{};
  auto st = read_stat(pid, pid);
  pi.pr_state = 0;
  pi.pr_sname = st.state;
  pi.pr_zomb = st.state == 'Z';
  pi.pr_pid = pid;
  pi.pr_ppid = st.ppid;
  pi.pr_pgrp = st.pgrp;
  pi.pr_sid = st.sid;
  std::istringstream status(read_text("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(status, line)) {
    unsigned v = 0;
    if (std::sscanf(line.c_str(), "Uid: %u", &v) == 1) pi.pr_uid = v;
    if (std::sscanf(line.c_str(), "Gid: %u", &v) == 1) pi.pr_gid = v;
  }
  std::strncpy(pi.pr_fname, st.comm.c_str(), sizeof pi.pr_fname - 1);
  auto args = read_text("/proc/" + std::to_string(pid) + "/cmdline");
  if (!args.empty() && args.back() == '\0') args.pop_back();
  std::replace(args.begin(), args.end(), '\0', ' ');
  std::strncpy(pi.pr_psargs, args.c_str(), sizeof pi.pr_psargs - 1);
  return pi;
}

std::vector<std::uint8_t> file_note(const std::vector<mapping>& maps) {
  std::vector<std::uint64_t> words;
  std::string names;
  std::uint64_t count = 0;
  for (auto& m : maps) {
    if (!is_file(m)) continue;
    ++count;
    words.insert(words.end(), {m.start, m.end, m.offset / page});
    names += m.path;
    names += '\0';
  }
  std::vector<std::uint8_t> out(16 + words.size() * 8 + names.size());
  std::memcpy(out.data(), &count, 8);
  std::memcpy(out.data() + 8, &page, 8);
  std::memcpy(out.data() + 16, words.data(), words.size() * 8);
  std::memcpy(out.data() + 16 + words.size() * 8, names.data(), names.size());
  return out;
}

class core_out {
 public:
  explicit core_out(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) fail_errno("dump: cannot create {}", path);
  }
  ~core_out() {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(path_.c_str());  // not finished: leave no half-written core
    }
  }
  void write_at(std::uint64_t off, const void* p, std::size_t n) {
    auto* b = static_cast<const std::uint8_t*>(p);
    while (n) {
      ssize_t w = ::pwrite(fd_, b, n, off_t(off));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) fail_errno("dump: cannot write {}", path_);
      b += w, n -= std::size_t(w), off += std::uint64_t(w);
    }
  }
  void finish(std::uint64_t size) {
    if (::ftruncate(fd_, off_t(size)) != 0) fail_errno("dump: cannot write {}", path_);
    if (::close(fd_) != 0) {
      fd_ = -1;
      fail_errno("dump: cannot write {}", path_);
    }
    fd_ = -1;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

// Copies [m.start, m.start+m.filesz) into the core at m.data_at, zero pages left as holes and
// pages that cannot be read (a file mapped past its end) as zeros.
std::uint64_t copy_memory(const inferior& proc, const mapping& m, core_out& out) {
  constexpr std::size_t chunk = 1 << 20;
  static const std::vector<std::uint8_t> zeros(page, 0);
  std::vector<std::uint8_t> buf(chunk);
  std::uint64_t written = 0;
  for (std::uint64_t done = 0; done < m.filesz;) {
    std::size_t n = std::size_t(std::min<std::uint64_t>(chunk, m.filesz - done));
    std::span<std::uint8_t> part(buf.data(), n);
    if (!proc.read(virt_addr(m.start + done), part))
      for (std::size_t p = 0; p < n; p += page) {
        auto pg = part.subspan(p, std::min<std::size_t>(page, n - p));
        if (!proc.read(virt_addr(m.start + done + p), pg)) std::fill(pg.begin(), pg.end(), 0);
      }
    for (std::size_t p = 0; p < n; p += page) {
      std::size_t len = std::min<std::size_t>(page, n - p);
      if (std::memcmp(buf.data() + p, zeros.data(), len) == 0) continue;
      out.write_at(m.data_at + done + p, buf.data() + p, len);
      written += len;
    }
    done += n;
  }
  return written;
}

}  // namespace

core_summary write_core(inferior& proc, const std::string& path, pid_t first, int signal) {
  pid_t pid = proc.pid();
  auto maps = read_maps(pid);
  if (maps.size() + 1 >= PN_XNUM)
    fail("dump: {} mappings are more than an ELF core holds", maps.size());
  for (auto& m : maps) m.filesz = dump_size(proc, m);

  std::vector<pid_t> tids = proc.thread_ids();
  if (!proc.has_thread(first)) first = tids.front();
  std::stable_partition(tids.begin(), tids.end(), [&](pid_t t) { return t == first; });

  std::vector<std::uint8_t> notes;
  for (pid_t tid : tids) {
    auto ps = prstatus_of(proc, tid, tid == first ? signal : 0);
    put_note(notes, "CORE", NT_PRSTATUS, &ps, sizeof ps);
    if (tid == first) {
      auto pi = prpsinfo_of(pid);
      put_note(notes, "CORE", NT_PRPSINFO, &pi, sizeof pi);
      auto auxv = read_text("/proc/" + std::to_string(pid) + "/auxv");
      if (!auxv.empty()) put_note(notes, "CORE", NT_AUXV, auxv.data(), auxv.size());
      auto files = file_note(maps);
      put_note(notes, "CORE", NT_FILE, files.data(), files.size());
    }
    if (auto fp = proc.fpregs(tid)) put_note(notes, "CORE", NT_FPREGSET, &*fp, sizeof *fp);
  }

  std::uint64_t phnum = 1 + maps.size();
  std::uint64_t notes_at = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
  std::uint64_t at = (notes_at + notes.size() + page - 1) & ~(page - 1);
  for (auto& m : maps) {
    m.data_at = at;
    at += m.filesz;
  }

  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
  eh.e_type = ET_CORE;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_phoff = sizeof(Elf64_Ehdr);
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = std::uint16_t(phnum);
  std::vector<Elf64_Phdr> ph(phnum);
  ph[0].p_type = PT_NOTE;
  ph[0].p_offset = notes_at;
  ph[0].p_filesz = notes.size();
  ph[0].p_align = 4;
  for (std::size_t i = 0; i < maps.size(); ++i) {
    auto& m = maps[i];
    auto& p = ph[i + 1];
    p.p_type = PT_LOAD;
    p.p_flags = (m.r ? PF_R : 0) | (m.w ? PF_W : 0) | (m.x ? PF_X : 0);
    p.p_offset = m.data_at;
    p.p_vaddr = m.start;
    p.p_filesz = m.filesz;
    p.p_memsz = m.end - m.start;
    p.p_align = page;
  }

  core_out out(path);
  out.write_at(0, &eh, sizeof eh);
  out.write_at(sizeof eh, ph.data(), ph.size() * sizeof(Elf64_Phdr));
  out.write_at(notes_at, notes.data(), notes.size());
  core_summary sum;
  sum.threads = tids.size();
  sum.mappings = maps.size();
  for (auto& m : maps) sum.bytes += copy_memory(proc, m, out);
  out.finish(at);
  return sum;
}

}  // namespace godbg

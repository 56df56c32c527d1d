#pragma once
// An ELF core file as a read-only target: the threads of its NT_PRSTATUS notes (FP registers
// from NT_FPREGSET), the mappings of NT_FILE, the auxiliary vector of NT_AUXV, and memory from
// its PT_LOAD segments. What the core left out (read-only text: the kernel dumps only the first
// page of a file mapping) is read from files the caller names, usually the executable's own
// segments. The core is mmap'ed and read in place: opening a core of gigabytes costs its page
// tables, not a copy.
//
// Every size and offset in the file is checked against the file: a truncated core, corrupted
// notes or a file that is not a core give a one-line godbg::error, never a read out of bounds.
#include <sys/types.h>
#include <sys/user.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "process/target.hpp"

namespace godbg {

// One thread of the core, as NT_PRSTATUS (and the NT_FPREGSET after it) describe it.
struct core_thread {
  pid_t tid = 0;
  int cursig = 0;  // the signal the thread was handling (the fatal one for the thread that died)
  user_regs_struct regs{};
  std::optional<user_fpregs_struct> fpregs;
};

// A file mapped into the process (NT_FILE).
struct core_mapping {
  std::uint64_t start = 0, end = 0;
  std::uint64_t offset = 0;  // in bytes, into the file
  std::string path;
};

// A PT_LOAD segment: [vaddr, vaddr+memsz) of which the first filesz bytes are in the core.
struct core_segment {
  std::uint64_t vaddr = 0, memsz = 0, filesz = 0, offset = 0;
  std::uint32_t flags = 0;  // PF_R/PF_W/PF_X
};

// What NT_PRPSINFO and NT_SIGINFO say of the process.
struct core_process_info {
  std::optional<pid_t> pid;
  std::string fname;   // pr_fname: the executable's base name, cut to 15 bytes
  std::string psargs;  // pr_psargs: the command line, cut to 80 bytes
  std::optional<int> signo, si_code;
  std::optional<std::uint64_t> fault_addr;  // si_addr for SIGSEGV/SIGBUS/SIGILL/SIGFPE
};

class core_file final : public target {
 public:
  // Throws godbg::error: "PATH: no such file", "PATH: empty file", "PATH: not an ELF file",
  // "PATH: not a core file (an executable)", "PATH: truncated core file (...)",
  // "PATH: corrupted notes (...)", "PATH: no threads in the core file".
  static std::unique_ptr<core_file> open(const std::string& path);
  ~core_file() override;
  core_file(const core_file&) = delete;
  core_file& operator=(const core_file&) = delete;

  const std::string& path() const { return path_; }
  pid_t pid() const override;
  bool live() const override { return false; }
  std::vector<pid_t> thread_ids() const override;  // ascending
  bool has_thread(pid_t tid) const override;
  const user_regs_struct& regs(pid_t tid) override;
  std::optional<user_fpregs_struct> fpregs(pid_t tid) override;
  bool read(virt_addr a, std::span<std::uint8_t> out) const override;

  // The threads in the kernel's order: the first is the one that took the fatal signal.
  const std::vector<core_thread>& threads() const { return threads_; }
  const std::vector<core_mapping>& mappings() const { return mappings_; }
  const std::vector<core_segment>& segments() const { return segments_; }
  const core_process_info& process_info() const { return info_; }
  // An auxv entry (AT_ENTRY, AT_PHDR, ...), nullopt when absent or there is no NT_AUXV.
  std::optional<std::uint64_t> auxv(std::uint64_t type) const;
  bool has_auxv() const { return !auxv_.empty(); }
  // Whether the core itself holds the bytes at a (not a backing file).
  bool in_core(virt_addr a, std::size_t n) const;

  // Memory the core does not hold, read from a file instead: [vaddr, vaddr+size) is the file's
  // bytes from `offset`. The file is mmap'ed by this object (and so lives as long as it does).
  struct file_range {
    std::uint64_t vaddr = 0, offset = 0, size = 0;
  };
  void add_backing(const std::string& file, const std::vector<file_range>& ranges);

 private:
  core_file() = default;
  void parse();
  void parse_notes(std::uint64_t off, std::uint64_t size);
  void parse_note(std::uint32_t type, std::span<const std::uint8_t> desc);
  void parse_file_note(std::span<const std::uint8_t> desc);
  // Copies what the core or a backing file holds of [a, a+out.size()) into out; false if any
  // byte is in neither.
  bool read_from(std::uint64_t a, std::span<std::uint8_t> out) const;

  struct mapped {
    const std::uint8_t* base = nullptr;
    std::size_t size = 0;
  };
  struct backing_range {
    std::uint64_t vaddr = 0, size = 0;
    const std::uint8_t* bytes = nullptr;
  };
  std::string path_;
  mapped core_;
  std::vector<mapped> files_;  // backing files, unmapped with the object
  std::vector<core_thread> threads_;
  std::vector<core_mapping> mappings_;
  std::vector<core_segment> segments_;  // sorted by vaddr, those with memsz > 0
  std::vector<backing_range> backing_;  // sorted by vaddr
  std::vector<std::pair<std::uint64_t, std::uint64_t>> auxv_;
  core_process_info info_;
};

// The short name of what an ELF file is, for error messages ("an executable", "a shared
// object", ...), from its e_type.
std::string elf_type_name(std::uint16_t e_type);

}  // namespace godbg

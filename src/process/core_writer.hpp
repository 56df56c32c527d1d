#pragma once
// Writes an ELF core file of a stopped process, as the kernel writes one (gdb's gcore): a
// PT_NOTE segment with NT_PRSTATUS, NT_PRPSINFO, NT_AUXV, NT_FILE and NT_FPREGSET for the
// first thread, NT_PRSTATUS and NT_FPREGSET for each other; a PT_LOAD per mapping of
// /proc/PID/maps. Contents are written for what the kernel's default coredump_filter keeps
// (anonymous and written-to private memory, the vdso, the first page of each mapped ELF file);
// read-only file mappings are left for the reader to take from the file, as gdb, Delve and
// godbg core do. Zero pages become holes of a sparse file.
#include <sys/types.h>

#include <cstdint>
#include <string>

namespace godbg {

class inferior;

struct core_summary {
  std::size_t threads = 0, mappings = 0;
  std::uint64_t bytes = 0;  // memory written (not counting holes)
};

// `first` is the thread the core is about (written first, as the kernel writes the thread that
// took the signal); `signal` its pr_cursig (0: none).
core_summary write_core(inferior& proc, const std::string& path, pid_t first, int signal);

}  // namespace godbg

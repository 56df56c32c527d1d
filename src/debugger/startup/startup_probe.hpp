#pragma once
// The few reads of the Go runtime the startup report needs, done here rather than through
// go_runtime because they must work at moments go_runtime does not care about (g0 running,
// allp half-built, a thread in the middle of clone) and on stripped binaries, where the
// report reads what registers and the stack hold instead of globals.
//
// Layouts: DWARF field offsets when the binary has DWARF, else the per-version table
// (runtime_layout_table.hpp). Globals: the ELF symbol table (normal and PIE builds), else
// go_runtime::global_address, which recovers some of them (allgs, allglen, allm, allp,
// gomaxprocs, ncpu) in stripped builds from the code that uses them; the others
// (physPageSize, mainStarted) are unknown (nullopt) there.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace godbg {

class session;
struct runtime_layout;

class startup_probe {
 public:
  explicit startup_probe(session& s);

  // Struct field offsets (runtime.g, runtime.m, runtime.p); nullopt when neither DWARF nor the
  // table knows them.
  std::optional<std::uint64_t> offset(std::string_view type, std::string_view field) const;
  // Run-time address of a runtime global, from the symbol table.
  std::optional<std::uint64_t> global(std::string_view name) const;

  template <typename T>
  std::optional<T> read(std::uint64_t addr) const {
    T v{};
    if (!read_bytes(addr, &v, sizeof v)) return std::nullopt;
    return v;
  }
  bool read_bytes(std::uint64_t addr, void* out, std::size_t n) const;
  std::optional<std::string> read_c_string(std::uint64_t addr, std::size_t max = 4096) const;

  // The g in the thread's TLS slot (fs_base-8), once the runtime set TLS up; nullopt before.
  std::optional<std::uint64_t> g_of_thread(pid_t tid) const;
  std::optional<std::int64_t> goid_of_g(std::uint64_t g) const;
  std::optional<std::uint64_t> m_of_g(std::uint64_t g) const;
  std::optional<std::int64_t> m_id(std::uint64_t m) const;
  std::optional<std::uint64_t> g_startpc(std::uint64_t g) const;
  // g.m.p.runnext: where newproc puts the goroutine it made.
  std::optional<std::uint64_t> runnext_of_g(std::uint64_t g) const;
  // m.mstartfn's function pc, 0 when nil (DWARF only: the table has no such offset).
  std::optional<std::uint64_t> m_startfn(std::uint64_t m) const;

  // Globals (nullopt without a symbol table).
  std::optional<std::int32_t> ncpu() const;  // runtime.ncpu / runtime.numCPUStartup
  std::optional<std::uint64_t> phys_page_size() const;
  std::optional<std::int32_t> gomaxprocs() const;
  std::optional<std::int64_t> nprocs() const;      // len(runtime.allp)
  std::optional<std::int64_t> goroutines() const;  // runtime.allglen
  std::optional<std::int64_t> ms() const;          // length of the runtime.allm list
  std::optional<bool> main_started() const;        // runtime.mainStarted

  // Name of the function containing a run-time pc.
  std::optional<std::string> function_name(std::uint64_t pc) const;

 private:
  session& s_;
  const runtime_layout* layout_ = nullptr;
};

}  // namespace godbg

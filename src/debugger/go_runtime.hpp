#pragma once
// The Go runtime's own data structures, read from the live process: which goroutine a thread
// runs, the goroutines (runtime.allgs), the Ms (runtime.allm), the Ps, and the few globals the
// bootstrap sets. Layouts come from DWARF when the binary has it (runtime.g fields by name),
// else from the per-version table (runtime_layout_table.hpp). Cached while the target is
// stopped; the session drops this object when the target resumes or changes.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace godbg {

class session;

struct g_info {
  std::uint64_t addr = 0;  // the runtime.g
  std::int64_t goid = 0;
  std::uint32_t status_raw = 0;              // atomicstatus, _Gscan included
  std::string status;                        // CONTRACT.md's name
  std::optional<std::string> wait_reason;    // the runtime's own string
  std::uint64_t pc = 0, sp = 0, bp = 0;      // live registers when running, else g.sched
  std::uint64_t startpc = 0, gopc = 0;       // go f(): f's entry; the go statement's pc
  std::optional<std::int64_t> parent_goid;   // go1.21+
  std::optional<std::uint64_t> m;            // g.m
  std::optional<pid_t> tid;                  // the thread running it, if any
  bool system = false;                       // a runtime goroutine (as runtime.isSystemGoroutine)
};

struct m_info {
  std::uint64_t addr = 0;
  std::int64_t id = 0;
  std::optional<pid_t> tid;                  // m.procid
  std::optional<std::uint64_t> curg;
  std::optional<std::int64_t> curg_goid;
  std::optional<std::int32_t> p_id;
};

class go_runtime {
 public:
  explicit go_runtime(session& s);
  ~go_runtime();

  // A Go program whose runtime layout is known (from DWARF or the table).
  bool available();
  // Address (run-time) of a runtime global such as "runtime.allgs": from the ELF symbol table,
  // DWARF, or, in stripped binaries, recovered from the code of runtime functions that use it.
  std::optional<std::uint64_t> global_address(std::string_view name);

  // The runtime.g the thread runs now (the TLS slot at fs_base-8), or nullopt before the
  // runtime set up TLS or in a non-Go program.
  std::optional<std::uint64_t> g_on_thread(pid_t tid);
  std::optional<std::int64_t> goid_on_thread(pid_t tid);
  std::optional<std::int64_t> goid_of(std::uint64_t g);

  std::vector<g_info> goroutines();
  std::vector<m_info> ms();
  std::optional<std::int32_t> gomaxprocs();
  std::optional<std::int32_t> ncpu();
  std::optional<std::int64_t> nprocs();  // len(runtime.allp)

  // A breakpoint condition, evaluated on the thread that hit it.
  bool condition_true(pid_t tid, const std::string& expr);

 private:
  std::optional<std::uint64_t> field(const char* type, const char* name);
  session& s_;
};

}  // namespace godbg

#pragma once
// The Go runtime's own data structures, read from the live process: which goroutine a thread
// runs, the list of goroutines, Ms and Ps. Layouts come from DWARF when the binary has it, else
// from a per-version table (runtime_layout_table).
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace godbg {

class session;

class go_runtime {
 public:
  explicit go_runtime(session& s);
  ~go_runtime();

  // The runtime.g the thread runs now (the TLS slot at fs_base-8), or nullopt before the
  // runtime set up TLS or in a non-Go program.
  std::optional<std::uint64_t> g_on_thread(pid_t tid);
  std::optional<std::int64_t> goid_on_thread(pid_t tid);
  std::optional<std::int64_t> goid_of(std::uint64_t g);
  // A breakpoint condition, evaluated on the thread that hit it.
  bool condition_true(pid_t tid, const std::string& expr);

 private:
  std::optional<std::uint64_t> field(const char* type, const char* name);
  session& s_;
};

}  // namespace godbg

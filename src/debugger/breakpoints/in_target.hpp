#pragma once
// Which conditional breakpoints run their condition inside the target (issue 20), and the
// condition compiled from the expression parser's tree into the trampoline's subset.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "arch_amd64/trampoline.hpp"
#include "common/address.hpp"
#include "debugger/model.hpp"
#include "dwarf/go_expr_ast.hpp"

namespace godbg {

class session;
struct user_breakpoint;
struct go_type;

// A tracepoint site running in the target: what its records mean.
struct in_target_trace {
  int breakpoint = 0;
  std::string function;
  std::vector<std::pair<std::string, const go_type*>> args;  // the words of a record, in order
};

// The session's view of in-target sites.
struct in_target_state {
  bool on = true;                                  // `set in-target on|off`, GODBG_IN_TARGET
  std::optional<std::string> off_by;               // who turned it off, for the reason shown
  std::map<std::uint64_t, std::string> installed;  // site -> the condition its trampoline holds
  // Refusals that hold for the session (the instruction, the condition's names at the site).
  std::map<std::pair<std::uint64_t, std::string>, std::string> refused;
  // The reason a site of a conditional breakpoint runs on the ptrace path, as last decided.
  std::map<std::uint64_t, std::string> reason;
  // Tracepoint sites given a tracing trampoline in this process (kept after removal: a thread
  // already inside still writes its record, drained later).
  std::map<std::uint64_t, in_target_trace> traces;
  std::uint32_t ring_records = 16384;  // per tracepoint site; GODBG_TRACE_RING=N (a power of 2)
  std::optional<int> exit_stop;        // at runtime.exit: the rings drained before the end
  // Argument texts already made, by (type, name, word): cleared when it grows large.
  std::map<std::tuple<const go_type*, std::string, std::uint64_t>, value_record> shown;
};

// The environment's say: GODBG_IN_TARGET=0|off|no|false turns it off.
in_target_state initial_in_target_state();

// The condition at `site` in the trampoline's terms; throws godbg::error saying why not
// (a pointer followed, a call, a float, a name not found at the site...).
tcond compile_in_target(session& s, const expr_tree& cond, virt_addr site);

// Puts jumps where they are wanted and int3s back where they are not; every thread stopped.
void sync_in_target(session& s);

// Tracepoints in the target: the records the rings hold, each as the line the ptrace path
// would print, to the session's trace sink (the program may run). Counts hits and drops.
void drain_in_target(session& s);
// A warning per tracepoint that dropped hits since the last one said so.
void warn_of_drops(session& s, std::vector<std::string>& warnings);
// Whether tracepoint records may be waiting in the target (the event loop drains them often).
bool tracing_in_target(session& s);

// For `breakpoints`: whether every site of bp runs in the target, and if not why.
struct in_target_view {
  bool in_target = false;
  std::uint64_t evaluations = 0;
  std::optional<std::uint64_t> dropped;  // a tracepoint's hits its ring could not hold
  std::optional<std::string> ptrace_reason;
};
std::optional<in_target_view> view_in_target(session& s, const user_breakpoint& bp);

}  // namespace godbg

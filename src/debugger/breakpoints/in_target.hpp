#pragma once
// Which conditional breakpoints run their condition inside the target (issue 20), and the
// condition compiled from the expression parser's tree into the trampoline's subset.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "arch_amd64/trampoline.hpp"
#include "common/address.hpp"
#include "dwarf/go_expr_ast.hpp"

namespace godbg {

class session;
struct user_breakpoint;

// The session's view of in-target sites.
struct in_target_state {
  bool on = true;                                  // `set in-target on|off`, GODBG_IN_TARGET
  std::optional<std::string> off_by;               // who turned it off, for the reason shown
  std::map<std::uint64_t, std::string> installed;  // site -> the condition its trampoline holds
  // Refusals that hold for the session (the instruction, the condition's names at the site).
  std::map<std::pair<std::uint64_t, std::string>, std::string> refused;
  // The reason a site of a conditional breakpoint runs on the ptrace path, as last decided.
  std::map<std::uint64_t, std::string> reason;
};

// The environment's say: GODBG_IN_TARGET=0|off|no|false turns it off.
in_target_state initial_in_target_state();

// The condition at `site` in the trampoline's terms; throws godbg::error saying why not
// (a pointer followed, a call, a float, a name not found at the site...).
tcond compile_in_target(session& s, const expr_tree& cond, virt_addr site);

// Puts jumps where they are wanted and int3s back where they are not; every thread stopped.
void sync_in_target(session& s);

// For `breakpoints`: whether every site of bp runs in the target, and if not why.
struct in_target_view {
  bool in_target = false;
  std::uint64_t evaluations = 0;
  std::optional<std::string> ptrace_reason;
};
std::optional<in_target_view> view_in_target(session& s, const user_breakpoint& bp);

}  // namespace godbg

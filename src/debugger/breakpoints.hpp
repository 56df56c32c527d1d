#pragma once
// User breakpoints: what the user asked for (a location, maybe a condition), apart from the
// physical int3 sites they share with each other and with the debugger's internal stops.
#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "debugger/model.hpp"
#include "dwarf/go_expr_ast.hpp"

namespace godbg {

struct go_type;

// Delve's `condition -hitcount N OP K`: stop only at the hits whose number satisfies OP K.
struct hit_condition {
  enum class op { eq, ne, lt, le, gt, ge, mod } how = op::eq;
  std::int64_t k = 0;
  bool holds(std::int64_t hits) const;
  std::string text() const;  // "> 3"
};
// Parses OP and K as typed ("==", "5"); throws godbg::error with the reason.
hit_condition parse_hit_condition(const std::string& op, const std::string& k);

// A hardware watchpoint's state (debugger/breakpoints/watchpoints.cpp).
struct watch_state {
  watch_record what;
  const go_type* type = nullptr;   // to show old and new values
  std::vector<int> slots;          // the debug registers it holds: 8 bytes or less each
  std::vector<std::uint8_t> last;  // the value as last seen: the "old" of the next hit
  // A local: the goroutine whose stack holds it, and offsets from the top of that stack, which
  // runtime.copystack keeps when it moves the stack.
  std::optional<std::uint64_t> g;
  std::int64_t stack_offset = 0;  // address - g.stack.hi
  std::int64_t frame_offset = 0;  // the frame's CFA - g.stack.hi: the caller's SP once it returns
  std::vector<int> internal;      // the session's internal stops that follow the frame and stack
  std::optional<pid_t> moving;    // the thread in copystack for it: disarmed while it copies
};

struct user_breakpoint {
  int id = 0;
  std::string spec;                     // as the user wrote the location
  std::optional<std::string> function;  // the function spec names, when it names one
  bool function_sites = false;          // each site in a function the spec names (generics)
  std::vector<virt_addr> sites;
  bool temporary = false;
  bool enabled = true;
  int hits = 0;
  // The condition as written and parsed when it was set (a hit only evaluates the tree). Set
  // both through set_condition, the one way in.
  std::optional<std::string> condition;
  std::shared_ptr<const expr_tree> condition_tree;
  breakpoint_kind kind = breakpoint_kind::breakpoint;
  std::optional<hit_condition> hit_cond;
  int ignore_count = 0;                // gdb's `ignore N COUNT`: hits still to pass over
  std::vector<std::string> commands;   // `on N CMD` / `commands N`: run at each stop it causes
  std::shared_ptr<watch_state> watch;  // kind watchpoint
  std::set<int> pending_returns;       // tracepoint: internal stops waiting for calls to return
  bool calls_only = false;             // tracepoint (`trace -c`): no return lines
  std::uint64_t dropped = 0;           // tracepoint in the target: hits its ring had no room for
  std::uint64_t dropped_said = 0;      // of those, the ones a stop already warned about

  // Counts a hit whose condition held; false when ignore or the hit condition pass it over.
  bool count_hit();
  // Parses and sets the condition (nullopt: unconditional). A syntax error throws and leaves
  // the breakpoint as it was.
  void set_condition(const std::optional<std::string>& text);
};

class breakpoint_table {
 public:
  user_breakpoint& add(std::string spec, std::vector<virt_addr> sites, bool temporary);
  void remove(int id);
  user_breakpoint* find(int id);
  // Every breakpoint with a site at `a`, in id order.
  std::vector<user_breakpoint*> at(virt_addr a);
  std::vector<const user_breakpoint*> all() const;
  std::vector<int> ids() const;
  bool empty() const { return by_id_.empty(); }
  void clear() { by_id_.clear(); }

 private:
  int next_id_ = 1;
  std::map<int, user_breakpoint> by_id_;
};

}  // namespace godbg

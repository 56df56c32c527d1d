#pragma once
// Expressions against the live program: `print EXPR` in the selected frame, and breakpoint
// conditions (`break LOC if COND`) in the frame of the thread that hit.
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "debugger/model.hpp"
#include "dwarf/dwarf_value.hpp"

namespace godbg {

class session;

// What one frame's registers are, as far as they are known: frame 0 of a thread has all of them;
// an outer frame has its pc, its SP and its CFA (from the unwinder), and rbp where it was saved.
struct frame_registers {
  std::uint64_t pc = 0;  // run-time
  std::uint64_t sp = 0;
  std::optional<std::uint64_t> cfa;
  // The thread when this is its innermost frame: then every register can be read.
  std::optional<pid_t> thread;
  // DWARF register number -> value; nullopt when unknown in this frame.
  std::function<std::optional<std::uint64_t>(int)> reg;
};

// The registers of frame 0 of a stopped thread.
frame_registers thread_frame(session& s, pid_t tid);
// The registers of frame `where.frame` of the scope's goroutine (or thread), as the unwinder
// recovered them.
frame_registers frame_in(session& s, const scope& where);

// Evaluates `expr` (a Go expression, or $register) in the frame; the record `print` shows.
value_record evaluate_in_frame(session& s, const frame_registers& f, const std::string& expr);
// The record `print` shows for a value already read (dynamic types of interfaces included).
value_record describe_value(session& s, const std::string& name, const go_value& v);

// A breakpoint condition, evaluated in frame 0 of `tid`: comparisons ==, !=, <, <=, >, >=, the
// operators &&, ||, !, parentheses, over print expressions and integer, string, bool and nil
// literals. Throws godbg::error when it cannot be evaluated.
bool evaluate_condition(session& s, pid_t tid, const std::string& expr);
// For a breakpoint hit: the condition's value, or true (stop, as gdb does) with a warning when it
// cannot be evaluated. Never throws.
struct condition_verdict {
  bool holds = true;
  std::optional<std::string> warning;
};
condition_verdict breakpoint_condition_holds(session& s, pid_t tid, const std::string& expr);

}  // namespace godbg

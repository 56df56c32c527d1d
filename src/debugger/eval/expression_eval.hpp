#pragma once
// Expressions against the live program: `print EXPR` in the selected frame, and breakpoint
// conditions (`break LOC if COND`) in the frame of the thread that hit.
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "debugger/model.hpp"
#include "dwarf/dwarf_value.hpp"
#include "dwarf/go_expr_ast.hpp"

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
  // A caller's frame: pc is a return address, so scopes and locations are looked up at pc - 1.
  bool outer = false;
  // Which of the calls inlined at pc this frame is (0: the physical function's own frame);
  // nullopt: the innermost, as for a thread's frame 0.
  std::optional<int> inline_depth;
  // The frame's source line (for the caller of an inlined call, the call's line) and function;
  // unset: looked up at pc.
  std::optional<int> line;
  std::optional<std::string> function;
};

// The registers of frame 0 of a stopped thread.
frame_registers thread_frame(session& s, pid_t tid);
// The registers of frame `where.frame` of the scope's goroutine (or thread), as the unwinder
// recovered them.
frame_registers frame_in(session& s, const scope& where);

// Evaluates `expr` (a Go expression) in the frame; the record `print` shows (on several lines
// where Delve's print would use them). format: gdb's /x /d /o /t /c /u for integers, or 0.
value_record evaluate_in_frame(session& s, const frame_registers& f, const std::string& expr,
                               char format = 0);
// The value `expr` names in the frame, as read, with its address when it lives in memory: what a
// watchpoint watches. Registers ($rax) are not values in memory: refused.
go_value evaluate_value_in_frame(session& s, const frame_registers& f, const std::string& expr);
// The record `print` shows for a value already read (dynamic types of interfaces included).
value_record describe_value(session& s, const std::string& name, const go_value& v);
// whatis EXPR: the type of the expression ("int", "*main.Point", "untyped int" shows as int).
std::string type_in_frame(session& s, const frame_registers& f, const std::string& expr);
// set LVALUE = EXPR in the frame; returns the new value of LVALUE.
value_record assign_in_frame(session& s, const frame_registers& f, const std::string& lhs,
                             const std::string& rhs);

// A breakpoint condition is parsed when it is set: a syntax error is reported then, with its
// position ("1:3: unexpected = in expression (use == to compare)").
std::shared_ptr<const expr_tree> parse_condition(const std::string& text);
// The condition's value in frame 0 of `tid`. Throws godbg::error when it cannot be evaluated
// or is not a bool.
bool evaluate_condition(session& s, pid_t tid, const expr_tree& cond);
// For a breakpoint hit: the condition's value, or true (stop, as gdb does) with a warning when it
// cannot be evaluated. Never throws.
struct condition_verdict {
  bool holds = true;
  std::optional<std::string> warning;
};
condition_verdict breakpoint_condition_holds(session& s, pid_t tid, const expr_tree& cond);

// For a front end that walks into values (DAP variables): the value of `expr` itself, as read.
go_value evaluate_value(session& s, const frame_registers& f, const std::string& expr);

// The parameters and locals in scope at the frame's pc, in declaration order, an inner
// variable hiding an outer one of the same name; escaped variables (DWARF's &x) under their Go
// name and read through their pointer.
struct frame_variable {
  std::string name;
  bool is_parameter = false;
  std::optional<go_value> value;  // nullopt when it cannot be read here (see problem)
  std::string problem;
};
std::vector<frame_variable> frame_variables(session& s, const frame_registers& f);

}  // namespace godbg

#pragma once
// The variables of one frame as a Go programmer names them: parameters (named results too),
// the locals of every lexical block that covers the pc, an inner block's x shadowing an outer
// x, variables that escaped to the heap (DWARF's &x) followed to their heap copy, a closure's
// captures, and in generic code the real types of shape-typed variables, read from the
// instantiation's dictionary. Registers and memory come through the location context.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "dwarf/dwarf_location.hpp"
#include "dwarf/dwarf_value.hpp"
#include "dwarf/dwarf_variables.hpp"
#include "dwarf/go_shown.hpp"

namespace godbg {

class dwarf_info;

struct frame_var {
  std::string name;  // the Go name: x for DWARF's &x
  const dwarf_variable* dv = nullptr;
  const go_type* type = nullptr;  // the variable's type (a dictionary's type in generic code)
  bool parameter = false;         // an argument or a named result
  bool result = false;            // a result (~r0, or named)
  bool escaped = false;           // DWARF names it &x: the frame holds its address
  bool shadowed = false;          // an inner block's variable of the same name hides it
};

class frame_vars {
 public:
  // pc: the file address to look the scopes up at (for a caller's frame, the call instruction:
  // its return address may already be past the variables' ranges). line: the frame's source
  // line (for a caller of an inlined call, the call's line), to hide locals not yet declared
  // there (0: do not). inline_depth: which call inlined at pc the frame is (0: the function's
  // own frame; see dwarf_info::locals_at).
  frame_vars(const dwarf_info& dw, file_addr pc, location_context ctx, int line,
             std::function<const go_type*(std::uint64_t)> type_of_descriptor, int inline_depth = 0);

  // Parameters in declaration order, then locals by declaration line.
  const std::vector<frame_var>& all() const { return vars_; }
  bool has(std::string_view name) const;
  // The visible variable of that name (innermost); nullopt when there is none. Throws
  // godbg::error when it exists but cannot be read here ("optimized out", unreadable memory).
  std::optional<go_value> lookup(std::string_view name);
  go_value read(const frame_var& v);

 private:
  const frame_var* find(std::string_view name) const;
  const go_type* real_type(const go_type* t);
  std::optional<std::uint64_t> dictionary();
  std::optional<std::uint64_t> closure_pointer();

  const dwarf_info& dw_;
  location_context ctx_;
  std::function<const go_type*(std::uint64_t)> type_of_descriptor_;
  const std::vector<dwarf_variable>* raw_ = nullptr;
  std::vector<frame_var> vars_;
  std::optional<std::optional<std::uint64_t>> dict_;  // read once
};

// The variables a closure function captures (DW_AT_go_closure_offset), for printing func
// values: main.main.func1 {n int = 3}.
std::vector<closure_capture> closure_captures_of(const dwarf_info& dw, file_addr entry);

}  // namespace godbg

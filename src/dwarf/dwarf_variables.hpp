#pragma once
// Variables read from DWARF: package-level globals and the parameters and locals of a function.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "dwarf/dwarf_location.hpp"
#include "dwarf/dwarf_types.hpp"

namespace godbg {

struct dwarf_variable {
  std::string name;
  const go_type* type = nullptr;
  std::vector<dwarf_op> location;  // empty: no location at the asked pc (optimized out)
  bool is_parameter = false;
  bool is_return = false;  // Go's named results (DW_AT_variable_parameter)
  int decl_line = 0;
  std::uint64_t die_offset = 0;
  int scope_depth = 0;  // 0: the function's own scope; 1, 2, ...: nested lexical blocks
  // A closure's captured variable: where it sits in the closure (funcval) the function runs.
  std::optional<std::uint64_t> closure_offset;
  // A package constant (DW_TAG_constant; Go writes the integer ones): its value, in the
  // type's size. Constants sit among the package's variables by name, as Go's do.
  std::optional<std::int64_t> const_value;

  // For globals: the file address when the location is a plain DW_OP_addr.
  std::optional<file_addr> static_address() const;
};

}  // namespace godbg

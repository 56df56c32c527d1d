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

  // For globals: the file address when the location is a plain DW_OP_addr.
  std::optional<file_addr> static_address() const;
};

}  // namespace godbg

#pragma once
// A Go value read out of a stopped process: its type, its bytes and, when it lives in memory,
// its address (so &x and field/element addresses work).
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "dwarf/dwarf_location.hpp"
#include "dwarf/dwarf_types.hpp"
#include "dwarf/dwarf_variables.hpp"

namespace godbg {

struct go_value {
  const go_type* type = nullptr;
  std::vector<std::uint8_t> bytes;       // type->size bytes
  std::optional<std::uint64_t> address;  // run-time address, when the value is in memory
  std::shared_ptr<const go_type> owned;  // keeps a type made up on the fly (e.g. for &x) alive
  bool partial = false;   // some pieces are optimized out here: their bytes read as zeros
  bool constant = false;  // a package constant (DW_TAG_constant): a value, not a variable
};

// Evaluates v's location (for the frame ctx describes) and reads its bytes. Throws godbg::error
// when it has no location here, or its registers or memory cannot be read. With allow_partial, a
// value of which only some pieces are optimized out comes back with those zeroed and partial set.
go_value variable_value(const dwarf_variable& v, const location_context& ctx,
                        bool allow_partial = false);

}  // namespace godbg

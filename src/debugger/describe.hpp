#pragma once
// A run-time pc as a place in the program: function (innermost inlined call first), file, line.
#include <cstdint>

#include "common/address.hpp"
#include "debugger/model.hpp"

namespace godbg {

class binary;
class object_set;

// Without a binary, just the pc.
code_location describe_pc(const binary* bin, load_bias bias, std::uint64_t pc);
// In whichever object maps pc (the executable or a shared library); `bin` at `bias` for a pc
// no object maps, or when there is no object set.
code_location describe_pc(const object_set* objects, const binary* bin, load_bias bias,
                          std::uint64_t pc);

}  // namespace godbg

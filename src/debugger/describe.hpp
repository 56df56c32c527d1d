#pragma once
// A run-time pc as a place in the program: function (innermost inlined call first), file, line.
#include <cstdint>

#include "common/address.hpp"
#include "debugger/model.hpp"

namespace godbg {

class binary;

// Without a binary, just the pc.
code_location describe_pc(const binary* bin, load_bias bias, std::uint64_t pc);

}  // namespace godbg

#pragma once
// Where a compiled Go function's body starts: past the stack-growth check and the frame setup
// the compiler puts at every entry. A breakpoint there stops once per call, with the frame
// already built (so bt and arguments make sense), and never in the morestack detour.
#include <cstdint>
#include <span>

namespace godbg {

// `code` holds the function's first bytes (int3s already replaced by the original bytes),
// starting at `entry`. Returns `entry` when the code does not start with a Go prologue.
std::uint64_t skip_go_prologue(std::span<const std::uint8_t> code, std::uint64_t entry);

}  // namespace godbg

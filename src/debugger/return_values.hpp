#pragma once
// What a Go function returned, read right after its RET. Go's DWARF gives results (~r0, or
// their names) no location at the return, so they are found the way the compiler put them:
// the amd64 register ABI (go/src/cmd/compile/abi-internal.md) assigns each result, in order,
// to integer registers RAX, RBX, RCX, RDI, RSI, R8, R9, R10, R11 and float registers X0-X14,
// or, when it does not fit in what is left, to the stack.
#include <sys/user.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dwarf/dwarf_types.hpp"

namespace godbg {

// One register-sized piece of a result: `size` bytes at `offset` in the value, from integer
// register `index` (0 = RAX ... 8 = R11) or float register X`index`.
struct abi_piece {
  std::uint64_t offset = 0, size = 0;
  bool is_float = false;
  int index = 0;
};

// Assigns results in order; nullopt for a result the ABI puts on the stack. Pure: for tests.
std::vector<std::optional<std::vector<abi_piece>>> assign_results(
    const std::vector<const go_type*>& results);

// The bytes of a result from its pieces and the registers after the return.
std::vector<std::uint8_t> result_bytes(const go_type& t, const std::vector<abi_piece>& pieces,
                                       const user_regs_struct& regs,
                                       const std::optional<user_fpregs_struct>& fp);

}  // namespace godbg

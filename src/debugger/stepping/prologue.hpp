#pragma once
// Where a function's first stop goes, the place Delve stops at for `break F` and `step` into F
// (its FirstPCAfterPrologue, DWARF's prologue_end row): past the stack-bound check and the
// frame-pointer setup, found in the code (the same pc as that row, without opening DWARF); for
// a function without a check (a leaf), DWARF's prologue_end row, else the first statement row
// (Delve's FirstStmt), unless a loop jumps back to it or before it: then the entry, so that
// `break F` stops once a call, where Delve would stop at every iteration. Without DWARF
// (stripped binaries) only the code is looked at.
#include "common/address.hpp"
#include "dwarf/binary.hpp"

namespace godbg {

file_addr first_pc_after_prologue(const binary& bin, const function_info& f);

}  // namespace godbg

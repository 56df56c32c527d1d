#pragma once
// The one computation of a frame's CFA and of where its caller's registers were saved. Go code
// is measured by .gopclntab's SP delta, right at every pc (even at a function's first
// instruction, and in stripped binaries), as the Go runtime measures itself; other code (C, the
// vdso, assembly .gopclntab does not cover) by the CFI of .debug_frame or .eh_frame.
#include <cstdint>
#include <optional>

#include "arch_amd64/registers.hpp"
#include "common/address.hpp"

namespace godbg {

class binary;

struct frame_rule {
  std::uint64_t cfa = 0;
  std::optional<std::int64_t> ra_offset;   // the return address is at CFA + ra_offset
  std::optional<std::int64_t> rbp_offset;  // the caller's rbp is at CFA + rbp_offset
  bool from_pclntab = false;
};

// nullopt when neither source knows pc, or the rule's base register is not known in `regs`.
// `caller`: pc is a return address, so the rule is the one of the call before it (pc - 1), as
// Go's own traceback and gdb look it up; a call can be a function's last instruction.
std::optional<frame_rule> frame_rule_at(const binary& bin, load_bias bias, std::uint64_t pc,
                                        const frame_registers_set& regs, bool caller);
inline std::optional<std::uint64_t> frame_cfa(const binary& bin, load_bias bias, std::uint64_t pc,
                                              const frame_registers_set& regs, bool caller = false) {
  auto r = frame_rule_at(bin, bias, pc, regs, caller);
  return r ? std::optional<std::uint64_t>(r->cfa) : std::nullopt;
}

}  // namespace godbg

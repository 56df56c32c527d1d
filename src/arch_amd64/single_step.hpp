#pragma once
// Stepping over a breakpoint without a second ptrace stop: when the original instruction under
// an int3 is one of the few a Go prologue starts with, apply it to the registers (and memory)
// here and resume at the next pc; anything else gets a nullopt, and the caller falls back to
// remove-int3 / PTRACE_SINGLESTEP / reinsert.
//
// Supported: nop (all forms); push/pop of a 64-bit register; mov between registers, memory
// (fs:/gs: included, via fs_base/gs_base) and immediates, movzx/movsx/movsxd; lea;
// add/sub/cmp/and/or/xor/test of registers, memory and immediates, with exact status flags;
// jmp/jcc/call rel; ret.
#include <sys/user.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "arch_amd64/disassembler.hpp"
#include "arch_amd64/memory_access.hpp"

namespace godbg {

struct emulation_result {
  std::uint64_t next_pc;      // also stored in regs.rip
  bool wrote_memory = false;  // push, call, mov [mem], reg ...
};

// On success `regs` (rip included) is as after the instruction, and at most one memory write
// was made; on nullopt neither regs nor memory was touched. `insn.bytes` must be the original
// bytes (no int3). Registers are those of the stopped thread, with rip = insn.address.
std::optional<emulation_result> emulate(const instruction& insn, user_regs_struct& regs,
                                        const read_memory_fn& read_memory,
                                        const write_memory_fn& write_memory);

// The same in two halves, for a site hit over and over: decode once (nullptr when undecodable),
// then emulate as often as needed.
struct emulation_plan;
std::shared_ptr<const emulation_plan> plan_emulation(const instruction& insn);
std::optional<emulation_result> emulate(const emulation_plan& plan, user_regs_struct& regs,
                                        const read_memory_fn& read_memory,
                                        const write_memory_fn& write_memory);

}  // namespace godbg

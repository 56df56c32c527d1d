#pragma once
// Code generation for conditions evaluated inside the target (issue 20): a conditional
// breakpoint's int3 is replaced by a `jmp` to a trampoline that counts the call, evaluates the
// condition in machine code, and either runs the displaced instruction and jumps back (false)
// or traps (true). Pure code generation: no process, no I/O; the caller places the bytes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch_amd64/disassembler.hpp"

namespace godbg {

// Where one integer operand of a condition lives at the site, as the thread arrives there.
struct tcond_value {
  enum class where : std::uint8_t { reg, stack, absolute } from = where::reg;
  int dwarf_reg = 0;          // reg: DWARF numbering (0 rax, 1 rdx, 2 rcx, ... 7 rsp, 8-15 r8-r15)
  std::int64_t offset = 0;    // stack: from the site's rsp
  std::uint64_t address = 0;  // absolute: a global's run-time address
  std::uint8_t size = 8;      // 1, 2, 4 or 8 bytes
  bool is_signed = false;
};

enum class tcond_cmp : std::uint8_t { eq, ne, lt, le, gt, ge };

// The compiled subset of the expression language: comparisons of one value with a constant,
// a value's truth (a bool), constants, &&, || and !.
struct tcond {
  enum class kind : std::uint8_t {
    compare,
    truth,
    constant,
    all,
    any,
    negate
  } what = kind::constant;
  tcond_value value;  // compare, truth
  tcond_cmp op = tcond_cmp::eq;
  std::int64_t k = 0;       // compare: value OP k (k as the value's type holds it, sign-extended)
  bool constant = false;    // constant
  std::vector<tcond> kids;  // all, any (two or more), negate (one)
};

// Where a thread stopped inside a trampoline is, so it can be put back at the site without
// single-stepping: how many of the three words (flags, rax, rcx) are still on the stack, and
// whether the call was already counted (and, past the displaced instruction, done).
struct trampoline_region {
  std::uint32_t begin = 0, end = 0;  // offsets into the trampoline
  int words = 0;
  bool counted = false;
  bool done = false;  // only the jump back is left: the thread belongs past the instruction
  // A tracing trampoline only: the thread holds a reserved ring slot not yet marked ready, so
  // it must be run forward to the end of the region (no pushfq/popfq in it), never put back.
  bool finish = false;
};

struct trampoline {
  std::vector<std::uint8_t> code;
  std::uint32_t trap_offset = 0;  // the int3 of the true path
  std::vector<trampoline_region> regions;
};

// Builds the trampoline for a site whose original instruction is `insn` (decoded from the
// original bytes at its run-time address), to be placed at `at`, counting in the 8-byte word at
// `counter`. Fails (godbg::error, saying why) when the instruction is shorter than a jump (5
// bytes) or does not relocate: branches, calls, returns, system calls, interrupts, anything that
// reads rip other than one RIP-relative operand, a RIP-relative one out of reach of `at`.
trampoline build_trampoline(const instruction& insn, const tcond& cond, std::uint64_t at,
                            std::uint64_t counter);

// The offsets a tracing trampoline reads from the g in r14: g.goid, g.m, and m.procid.
struct trace_g_layout {
  std::int32_t goid = 0, m = 0, procid = 0;
};

// Builds a tracing trampoline (see trace_ring.hpp for the ring it writes): the optional
// condition first (as build_trampoline's; false skips the record), then one record with the
// time (rdtsc), the goid and the thread read through the g in r14 (Go ABIInternal code keeps g
// there: no system call, no TLS) and the raw words of `args` (at most trace_max_args), then the
// displaced instruction and the jump back. It never traps: a full ring counts a drop. `ring` is
// the ring's header, `capacity` a power of two.
trampoline build_trace_trampoline(const instruction& insn, const tcond* cond,
                                  const std::vector<tcond_value>& args, std::uint64_t at,
                                  std::uint64_t counter, std::uint64_t ring, std::uint32_t capacity,
                                  const trace_g_layout& g);

// The 5-byte `jmp rel32` from `from` to `to`; fails when out of reach.
std::vector<std::uint8_t> jump_rel32(std::uint64_t from, std::uint64_t to);

// The instruction, relocated to run at `at` (the RIP-relative displacement fixed); fails with
// the reason when it cannot run anywhere but where it was.
std::vector<std::uint8_t> relocate_instruction(const instruction& insn, std::uint64_t at);

}  // namespace godbg

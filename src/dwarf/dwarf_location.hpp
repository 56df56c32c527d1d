#pragma once
// DWARF location expressions as Go emits them, and their evaluation against a stopped process
// reached only through callbacks (so it is tested on plain buffers).
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace godbg {

struct dwarf_op {
  std::uint8_t atom = 0;  // DW_OP_*
  std::uint64_t op1 = 0, op2 = 0, op3 = 0;
  bool operator==(const dwarf_op&) const = default;
};

struct location_context {
  // DWARF register number -> value (amd64: 0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi, 5 rdi, 6 rbp,
  // 7 rsp, 8-15 r8-r15, 16 rip, 17-32 xmm0-15 low 64 bits). nullopt when unknown in this frame.
  std::function<std::optional<std::uint64_t>(int)> read_register;
  // Reads run-time memory; false when unreadable.
  std::function<bool(std::uint64_t, std::span<std::uint8_t>)> read_memory;
  // The frame's CFA: DW_OP_call_frame_cfa, and the frame base Go declares (DW_AT_frame_base is
  // DW_OP_call_frame_cfa in every Go function).
  std::optional<std::uint64_t> cfa;
  std::uint64_t load_bias = 0;  // added to DW_OP_addr (PIE)
};

struct location_piece {
  enum class kind { memory, reg, value, optimized_out };
  kind k = kind::optimized_out;
  std::uint64_t addr = 0;   // memory
  int reg = 0;              // reg
  std::uint64_t value = 0;  // value (DW_OP_stack_value)
  std::uint64_t size = 0;   // bytes (DW_OP_piece); 0 for a location without pieces
};

struct location {
  std::vector<location_piece> pieces;
  // The address when the whole value sits in memory at one place.
  std::optional<std::uint64_t> address() const {
    if (pieces.size() == 1 && pieces[0].k == location_piece::kind::memory) return pieces[0].addr;
    return std::nullopt;
  }
};

// Throws godbg::error naming the op that could not be evaluated (unknown register, unsupported
// op, stack underflow).
location evaluate_location(std::span<const dwarf_op> ops, const location_context& ctx);

// The value's bytes (size of its type), gathered from its pieces. Throws godbg::error when a part
// cannot be read or was optimized out; with `partial`, an optimized-out piece reads as zeros and
// *partial is set instead (a whole value optimized out still throws).
std::vector<std::uint8_t> read_location(const location& loc, std::size_t size,
                                        const location_context& ctx, bool* partial = nullptr);

std::string describe_ops(std::span<const dwarf_op> ops);  // "DW_OP_fbreg -136", for messages

}  // namespace godbg

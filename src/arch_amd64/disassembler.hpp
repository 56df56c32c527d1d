#pragma once
// Decoding machine code with Capstone. Callers hand in bytes with every int3 of ours already
// replaced by the original byte; symbolizing targets is theirs too (a callback), so this file
// knows nothing of ELF or the process.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace godbg {

// One operand, as far as callers reading the runtime's own code need it: registers by
// Capstone's name ("rax", "r14"), memory as base + index*scale + disp.
struct operand {
  enum class kind : std::uint8_t { none, reg, imm, mem } what = kind::none;
  const char* reg = nullptr;    // reg: the register; mem: the base (nullptr: none)
  const char* index = nullptr;  // mem only
  std::int64_t disp = 0;        // mem: displacement; imm: the value
  std::uint8_t size = 0;        // bytes
};

struct instruction {
  std::uint64_t address = 0;
  std::vector<std::uint8_t> bytes;
  std::string mnemonic, operands;
  // Direct call/jump destination (rel8/rel32), absolute.
  std::optional<std::uint64_t> branch_target;
  // Address of a RIP-relative memory operand (lea rax, [rip+x]; mov rcx, [rip+x]), absolute.
  std::optional<std::uint64_t> memory_target;
  bool is_call = false, is_ret = false, is_jump = false;
  bool is_conditional = false;  // a jcc/loop/jrcxz: may fall through
  std::uint8_t op_count = 0;
  operand ops[4];  // Intel order: the destination first

  std::uint64_t size() const { return bytes.size(); }
  std::uint64_t next_address() const { return address + bytes.size(); }
};

enum class asm_syntax { intel, att };

class disassembler {
 public:
  explicit disassembler(asm_syntax syntax = asm_syntax::intel);
  ~disassembler();
  disassembler(const disassembler&) = delete;
  disassembler& operator=(const disassembler&) = delete;

  // Stops at the first undecodable byte (then the caller may show it as `.byte`).
  std::vector<instruction> decode(std::span<const std::uint8_t> code, std::uint64_t address,
                                  std::size_t max_count = SIZE_MAX) const;
  std::optional<instruction> decode_one(std::span<const std::uint8_t> code,
                                        std::uint64_t address) const;

 private:
  std::size_t handle_;  // Capstone's csh, kept out of this header
};

using symbolizer = std::function<std::optional<std::string>(std::uint64_t)>;

// "call 0x401000 <runtime.morestack_noctxt>"; a RIP-relative operand gets gdb's comment:
// "lea rax, [rip + 0x1234]  # 0x4a5b00 <main.x>". `symbolize` may be empty.
std::string format_instruction(const instruction& insn, const symbolizer& symbolize);

// The longest amd64 instruction: how many bytes to read to be sure to decode one.
inline constexpr std::size_t max_instruction_size = 15;

}  // namespace godbg

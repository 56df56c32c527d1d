#include "arch_amd64/disassembler.hpp"

#include <capstone/capstone.h>
#include <fmt/format.h>

#include <memory>

#include "common/error.hpp"

namespace godbg {
namespace {

static_assert(sizeof(csh) <= sizeof(std::size_t));

struct insn_deleter {
  void operator()(cs_insn* p) const { cs_free(p, 1); }
};

bool in_group(const cs_insn& i, cs_group_type g) {
  const cs_detail& d = *i.detail;
  for (std::uint8_t k = 0; k < d.groups_count; ++k)
    if (d.groups[k] == g) return true;
  return false;
}

instruction convert(csh h, const cs_insn& i) {
  instruction out;
  out.address = i.address;
  out.bytes.assign(i.bytes, i.bytes + i.size);
  out.mnemonic = i.mnemonic;
  out.operands = i.op_str;
  out.is_call = in_group(i, CS_GRP_CALL);
  out.is_ret = in_group(i, CS_GRP_RET);
  out.is_jump = in_group(i, CS_GRP_JUMP);
  const cs_x86& x = i.detail->x86;
  if ((out.is_call || out.is_jump) && x.op_count == 1 && x.operands[0].type == X86_OP_IMM)
    out.branch_target = static_cast<std::uint64_t>(x.operands[0].imm);
  out.is_conditional = out.is_jump && i.id != X86_INS_JMP && i.id != X86_INS_LJMP;
  auto reg_name = [&](unsigned r) -> const char* {
    return r == X86_REG_INVALID ? nullptr : cs_reg_name(h, r);
  };
  for (std::uint8_t k = 0; k < x.op_count; ++k) {
    const cs_x86_op& op = x.operands[k];
    if (op.type == X86_OP_MEM && op.mem.base == X86_REG_RIP && op.mem.index == X86_REG_INVALID)
      out.memory_target = i.address + i.size + static_cast<std::uint64_t>(op.mem.disp);
    if (k >= std::size(out.ops)) continue;
    operand& o = out.ops[k];
    o.size = op.size;
    if (op.type == X86_OP_REG) {
      o.what = operand::kind::reg;
      o.reg = reg_name(op.reg);
    } else if (op.type == X86_OP_IMM) {
      o.what = operand::kind::imm;
      o.disp = op.imm;
    } else if (op.type == X86_OP_MEM) {
      o.what = operand::kind::mem;
      o.reg = reg_name(op.mem.base);
      o.index = reg_name(op.mem.index);
      o.disp = op.mem.disp;
    }
    out.op_count = static_cast<std::uint8_t>(k + 1);
  }
  return out;
}

}  // namespace

disassembler::disassembler(asm_syntax syntax) {
  csh h = 0;
  if (cs_err e = cs_open(CS_ARCH_X86, CS_MODE_64, &h); e != CS_ERR_OK)
    fail("cannot open the Capstone x86-64 decoder: {}", cs_strerror(e));
  // Detail gives the groups and operands that branch targets and call/ret/jump come from.
  cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
  if (syntax == asm_syntax::att) cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
  handle_ = h;
}

disassembler::~disassembler() {
  csh h = handle_;
  cs_close(&h);
}

std::vector<instruction> disassembler::decode(std::span<const std::uint8_t> code,
                                              std::uint64_t address, std::size_t max_count) const {
  std::vector<instruction> out;
  std::unique_ptr<cs_insn, insn_deleter> insn(cs_malloc(handle_));
  const std::uint8_t* p = code.data();
  std::size_t left = code.size();
  std::uint64_t addr = address;
  // cs_disasm_iter: one allocation for the whole run, however long.
  while (out.size() < max_count && left > 0 &&
         cs_disasm_iter(handle_, &p, &left, &addr, insn.get()))
    out.push_back(convert(handle_, *insn));
  return out;
}

std::optional<instruction> disassembler::decode_one(std::span<const std::uint8_t> code,
                                                    std::uint64_t address) const {
  auto v = decode(code, address, 1);
  if (v.empty()) return std::nullopt;
  return std::move(v.front());
}

std::string format_instruction(const instruction& insn, const symbolizer& symbolize) {
  std::string out =
      insn.operands.empty() ? insn.mnemonic : fmt::format("{} {}", insn.mnemonic, insn.operands);
  auto name = [&](std::uint64_t a) -> std::optional<std::string> {
    return symbolize ? symbolize(a) : std::nullopt;
  };
  if (insn.branch_target) {
    if (auto s = name(*insn.branch_target)) out += fmt::format(" <{}>", *s);
  } else if (insn.memory_target) {
    out += fmt::format("  # {:#x}", *insn.memory_target);
    if (auto s = name(*insn.memory_target)) out += fmt::format(" <{}>", *s);
  }
  return out;
}

}  // namespace godbg

#include "arch_amd64/single_step.hpp"

#include <capstone/capstone.h>

#include <array>
#include <cstring>

#include "arch_amd64/alu_flags.hpp"
#include "arch_amd64/registers.hpp"

namespace godbg {
namespace {

// One Capstone handle per thread, with operand detail on (the disassembler's is for text).
class detail_decoder {
 public:
  detail_decoder() {
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &h_) != CS_ERR_OK)
      h_ = 0;
    else
      cs_option(h_, CS_OPT_DETAIL, CS_OPT_ON);
    insn_ = h_ ? cs_malloc(h_) : nullptr;
  }
  ~detail_decoder() {
    if (insn_) cs_free(insn_, 1);
    if (h_) cs_close(&h_);
  }
  detail_decoder(const detail_decoder&) = delete;
  detail_decoder& operator=(const detail_decoder&) = delete;

  const cs_insn* decode(const instruction& in) {
    if (!insn_ || in.bytes.empty()) return nullptr;
    const std::uint8_t* p = in.bytes.data();
    std::size_t n = in.bytes.size();
    std::uint64_t a = in.address;
    if (!cs_disasm_iter(h_, &p, &n, &a, insn_) || insn_->size != in.bytes.size()) return nullptr;
    return insn_;
  }
  const char* reg_name(unsigned r) const { return h_ ? cs_reg_name(h_, r) : nullptr; }

 private:
  csh h_ = 0;
  cs_insn* insn_ = nullptr;
};

detail_decoder& decoder() {
  thread_local detail_decoder d;
  return d;
}

// A register operand, by Capstone's name ("r14", "eax", "r12d", "sp"), skipping the aliases
// register_by_name accepts ("sp" there means rsp). Only general registers qualify. Looked up by
// name once per Capstone register id: this runs on every conditional breakpoint hit.
const reg_info* gpr(unsigned cs_reg) {
  static const auto table = [] {
    std::array<const reg_info*, X86_REG_ENDING> t{};
    for (unsigned id = 1; id < X86_REG_ENDING; ++id) {
      const char* name = decoder().reg_name(id);
      if (!name) continue;
      std::string_view n(name);
      for (const auto& r : sub_registers())
        if (!t[id] && r.name == n && r.full != "rip") t[id] = &r;
      for (const auto& r : all_registers())
        if (!t[id] && r.name == n && r.kind == reg_kind::general) t[id] = &r;
    }
    return t;
  }();
  return cs_reg < table.size() ? table[cs_reg] : nullptr;
}

}  // namespace

// The decoded instruction with its operand detail, owned (Capstone's cs_insn points at its detail).
struct emulation_plan {
  cs_insn insn;
  cs_detail detail;
};

namespace {

// Emulation works on a copy of the registers and commits only when everything succeeded.
class machine {
 public:
  machine(const cs_insn& i, user_regs_struct regs, const read_memory_fn& read,
          const write_memory_fn& write)
      : i_(i), x_(i.detail->x86), regs_(regs), read_(read), write_(write) {}

  user_regs_struct& regs() { return regs_; }
  std::uint64_t next_pc() const { return i_.address + i_.size; }
  const cs_x86_op& op(int k) const { return x_.operands[k]; }
  int op_count() const { return x_.op_count; }
  bool wrote() const { return wrote_; }

  std::optional<std::uint64_t> address_of(const cs_x86_op& o) const {
    const x86_op_mem& m = o.mem;
    if (x_.addr_size != 8) return std::nullopt;  // 32-bit addressing: not in Go code
    std::uint64_t a = static_cast<std::uint64_t>(m.disp);
    if (m.segment == X86_REG_FS)
      a += regs_.fs_base;
    else if (m.segment == X86_REG_GS)
      a += regs_.gs_base;
    if (m.base == X86_REG_RIP)
      a += next_pc();
    else if (m.base != X86_REG_INVALID) {
      auto* r = gpr(m.base);
      if (!r) return std::nullopt;
      a += read_register(regs_, *r);
    }
    if (m.index != X86_REG_INVALID) {
      auto* r = gpr(m.index);
      if (!r) return std::nullopt;
      a += read_register(regs_, *r) * static_cast<std::uint64_t>(m.scale);
    }
    return a;
  }

  std::optional<std::uint64_t> load(std::uint64_t addr, unsigned size) const {
    std::array<std::uint8_t, 8> buf{};
    if (size > 8 || !read_(addr, std::span(buf.data(), size))) return std::nullopt;
    std::uint64_t v = 0;
    std::memcpy(&v, buf.data(), size);
    return v;
  }
  bool store(std::uint64_t addr, std::uint64_t v, unsigned size) {
    // Only one memory write per instruction, done last, so a failure leaves nothing behind.
    if (size > 8 || wrote_) return false;
    std::array<std::uint8_t, 8> buf{};
    std::memcpy(buf.data(), &v, size);
    if (!write_(addr, std::span<const std::uint8_t>(buf.data(), size))) return false;
    wrote_ = true;
    return true;
  }

  std::optional<std::uint64_t> get(const cs_x86_op& o) const {
    switch (o.type) {
      case X86_OP_REG: {
        auto* r = gpr(o.reg);
        if (!r) return std::nullopt;
        return read_register(regs_, *r);
      }
      // Capstone sign-extends immediates to 64 bits; the users truncate to their width.
      case X86_OP_IMM:
        return static_cast<std::uint64_t>(o.imm);
      case X86_OP_MEM: {
        auto a = address_of(o);
        if (!a) return std::nullopt;
        return load(*a, o.size);
      }
      default:
        return std::nullopt;
    }
  }

  // Register writes of 32 bits zero the upper half; 8 and 16 bits keep the rest (as the CPU).
  bool set(const cs_x86_op& o, std::uint64_t v) {
    if (o.type == X86_OP_REG) {
      auto* r = gpr(o.reg);
      if (!r) return false;
      if (r->size == 4)
        write_register(regs_, *register_by_name(r->full), v & 0xffffffff);
      else
        write_register(regs_, *r, v);
      return true;
    }
    if (o.type == X86_OP_MEM) {
      auto a = address_of(o);
      return a && store(*a, v, o.size);
    }
    return false;
  }

  bool push(std::uint64_t v) {
    if (!store(regs_.rsp - 8, v, 8)) return false;
    regs_.rsp -= 8;
    return true;
  }

 private:
  const cs_insn& i_;
  const cs_x86& x_;
  user_regs_struct regs_;
  const read_memory_fn& read_;
  const write_memory_fn& write_;
  bool wrote_ = false;
};

std::optional<bool> condition(unsigned id, const user_regs_struct& r) {
  const std::uint64_t f = r.eflags;
  const bool cf = f & eflag::cf, zf = f & eflag::zf, sf = f & eflag::sf, of = f & eflag::of,
             pf = f & eflag::pf;
  switch (id) {
    case X86_INS_JO:
      return of;
    case X86_INS_JNO:
      return !of;
    case X86_INS_JB:
      return cf;
    case X86_INS_JAE:
      return !cf;
    case X86_INS_JE:
      return zf;
    case X86_INS_JNE:
      return !zf;
    case X86_INS_JBE:
      return cf || zf;
    case X86_INS_JA:
      return !cf && !zf;
    case X86_INS_JS:
      return sf;
    case X86_INS_JNS:
      return !sf;
    case X86_INS_JP:
      return pf;
    case X86_INS_JNP:
      return !pf;
    case X86_INS_JL:
      return sf != of;
    case X86_INS_JGE:
      return sf == of;
    case X86_INS_JLE:
      return zf || sf != of;
    case X86_INS_JG:
      return !zf && sf == of;
    case X86_INS_JRCXZ:
      return r.rcx == 0;
    case X86_INS_JECXZ:
      return (r.rcx & 0xffffffff) == 0;
    default:
      return std::nullopt;
  }
}

// Runs one instruction on m; false when it is not one we emulate (or memory failed).
bool execute(machine& m, const cs_insn& i) {
  auto& r = m.regs();
  const int n = m.op_count();
  r.rip = m.next_pc();
  switch (i.id) {
    case X86_INS_NOP:
      return true;
    case X86_INS_PUSH: {
      if (n != 1 || m.op(0).type != X86_OP_REG || m.op(0).size != 8) return false;
      auto v = m.get(m.op(0));
      return v && m.push(*v);
    }
    case X86_INS_POP: {
      if (n != 1 || m.op(0).type != X86_OP_REG || m.op(0).size != 8) return false;
      auto v = m.load(r.rsp, 8);
      if (!v) return false;
      r.rsp += 8;  // before the write: `pop rsp` loads the value popped, as the CPU does
      return m.set(m.op(0), *v);
    }
    case X86_INS_MOV:
    case X86_INS_MOVABS: {
      if (n != 2) return false;
      auto v = m.get(m.op(1));
      return v && m.set(m.op(0), *v);
    }
    case X86_INS_MOVZX:
    case X86_INS_MOVSX:
    case X86_INS_MOVSXD: {
      if (n != 2 || m.op(0).type != X86_OP_REG) return false;
      auto v = m.get(m.op(1));
      if (!v) return false;
      const unsigned from = m.op(1).size * 8u;
      if (i.id != X86_INS_MOVZX && from < 64 && ((*v >> (from - 1)) & 1)) *v |= ~width_mask(from);
      return m.set(m.op(0), *v & width_mask(m.op(0).size * 8u));
    }
    case X86_INS_LEA: {
      if (n != 2 || m.op(1).type != X86_OP_MEM || m.op(1).mem.segment != X86_REG_INVALID)
        return false;
      auto a = m.address_of(m.op(1));
      return a && m.set(m.op(0), *a & width_mask(m.op(0).size * 8u));
    }
    case X86_INS_ADD:
    case X86_INS_SUB:
    case X86_INS_CMP:
    case X86_INS_AND:
    case X86_INS_OR:
    case X86_INS_XOR:
    case X86_INS_TEST: {
      if (n != 2 || i.detail->x86.prefix[0] != 0) return false;  // no lock/rep forms
      const unsigned bits = m.op(0).size * 8u;
      auto a = m.get(m.op(0));
      auto b = m.get(m.op(1));
      if (!a || !b || bits == 0) return false;
      alu_result res{};
      switch (i.id) {
        case X86_INS_ADD:
          res = alu_add(*a, *b, bits);
          break;
        case X86_INS_SUB:
        case X86_INS_CMP:
          res = alu_sub(*a, *b, bits);
          break;
        case X86_INS_AND:
        case X86_INS_TEST:
          res = alu_logic(*a & *b, bits);
          break;
        case X86_INS_OR:
          res = alu_logic(*a | *b, bits);
          break;
        default:
          res = alu_logic(*a ^ *b, bits);
          break;
      }
      if (i.id != X86_INS_CMP && i.id != X86_INS_TEST && !m.set(m.op(0), res.value)) return false;
      r.eflags = merge_status(r.eflags, res.status);
      return true;
    }
    case X86_INS_CALL:
    case X86_INS_JMP: {
      if (n != 1 || m.op(0).type != X86_OP_IMM) return false;  // only direct (rel) forms
      const auto target = static_cast<std::uint64_t>(m.op(0).imm);
      if (i.id == X86_INS_CALL && !m.push(m.next_pc())) return false;
      r.rip = target;
      return true;
    }
    case X86_INS_RET: {
      auto ret = m.load(r.rsp, 8);
      if (!ret || n > 1) return false;
      r.rsp += 8 + (n == 1 ? static_cast<std::uint64_t>(m.op(0).imm) : 0);
      r.rip = *ret;
      return true;
    }
    default: {
      auto taken = condition(i.id, r);
      if (!taken || n != 1 || m.op(0).type != X86_OP_IMM) return false;
      if (*taken) r.rip = static_cast<std::uint64_t>(m.op(0).imm);
      return true;
    }
  }
}

}  // namespace

std::shared_ptr<const emulation_plan> plan_emulation(const instruction& insn) {
  const cs_insn* i = decoder().decode(insn);
  if (!i) return nullptr;
  auto plan = std::make_shared<emulation_plan>();
  plan->insn = *i;
  plan->detail = *i->detail;
  plan->insn.detail = &plan->detail;
  return plan;
}

std::optional<emulation_result> emulate(const emulation_plan& plan, user_regs_struct& regs,
                                        const read_memory_fn& read_memory,
                                        const write_memory_fn& write_memory) {
  machine m(plan.insn, regs, read_memory, write_memory);
  if (!execute(m, plan.insn)) return std::nullopt;
  regs = m.regs();
  return emulation_result{regs.rip, m.wrote()};
}

std::optional<emulation_result> emulate(const instruction& insn, user_regs_struct& regs,
                                        const read_memory_fn& read_memory,
                                        const write_memory_fn& write_memory) {
  auto plan = plan_emulation(insn);
  if (!plan) return std::nullopt;
  return emulate(*plan, regs, read_memory, write_memory);
}

}  // namespace godbg

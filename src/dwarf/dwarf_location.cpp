// A DWARF expression stack machine for the ops Go's compiler emits: DW_OP_addr for globals,
// DW_OP_call_frame_cfa / DW_OP_fbreg for stack slots, DW_OP_reg* for register-ABI arguments,
// DW_OP_piece to split a value across registers and stack, DW_OP_stack_value for constants.
#include "dwarf/dwarf_location.hpp"

#include <dwarf.h>
#include <fmt/format.h>
#include <libdwarf.h>

#include <cstring>

#include "common/error.hpp"

namespace godbg {

namespace {

constexpr std::size_t max_stack = 64;

std::uint64_t need_reg(const location_context& ctx, int reg) {
  std::optional<std::uint64_t> v;
  if (ctx.read_register) v = ctx.read_register(reg);
  if (!v) fail("location needs DWARF register {}, which is not known in this frame", reg);
  return *v;
}

std::uint64_t need_cfa(const location_context& ctx) {
  if (!ctx.cfa) fail("location needs the frame's CFA, which is not known");
  return *ctx.cfa;
}

}  // namespace

location evaluate_location(std::span<const dwarf_op> ops, const location_context& ctx) {
  location out;
  std::vector<std::uint64_t> stack;
  // What the ops since the last piece describe.
  enum class state { none, memory, reg, value } st = state::none;
  int reg = 0;
  auto push = [&](std::uint64_t v) {
    if (stack.size() >= max_stack) fail("location expression overflows its stack");
    stack.push_back(v);
    st = state::memory;
  };
  auto pop = [&](const dwarf_op& op) {
    if (stack.empty())
      fail("location expression underflows its stack at {}", describe_ops({&op, 1}));
    std::uint64_t v = stack.back();
    stack.pop_back();
    return v;
  };
  auto finish_piece = [&](std::uint64_t size) {
    location_piece p;
    p.size = size;
    switch (st) {
      case state::none:
        p.k = location_piece::kind::optimized_out;
        break;
      case state::reg:
        p.k = location_piece::kind::reg;
        p.reg = reg;
        break;
      case state::value:
        p.k = location_piece::kind::value;
        p.value = stack.empty() ? 0 : stack.back();
        break;
      case state::memory:
        p.k = location_piece::kind::memory;
        p.addr = stack.empty() ? 0 : stack.back();
        break;
    }
    out.pieces.push_back(p);
    stack.clear();
    st = state::none;
  };

  for (const dwarf_op& op : ops) {
    std::uint8_t a = op.atom;
    if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
      push(a - DW_OP_lit0);
    } else if (a >= DW_OP_reg0 && a <= DW_OP_reg31) {
      st = state::reg;
      reg = a - DW_OP_reg0;
    } else if (a >= DW_OP_breg0 && a <= DW_OP_breg31) {
      push(need_reg(ctx, a - DW_OP_breg0) + op.op1);
    } else {
      switch (a) {
        case DW_OP_addr:
          push(op.op1 + ctx.load_bias);
          break;
        case DW_OP_regx:
          st = state::reg;
          reg = int(op.op1);
          break;
        case DW_OP_bregx:
          push(need_reg(ctx, int(op.op1)) + op.op2);
          break;
        case DW_OP_fbreg:
          push(need_cfa(ctx) + op.op1);
          break;  // Go's frame base is the CFA
        case DW_OP_call_frame_cfa:
          push(need_cfa(ctx));
          break;
        case DW_OP_const1u:
        case DW_OP_const1s:
        case DW_OP_const2u:
        case DW_OP_const2s:
        case DW_OP_const4u:
        case DW_OP_const4s:
        case DW_OP_const8u:
        case DW_OP_const8s:
        case DW_OP_constu:
        case DW_OP_consts:
          push(op.op1);  // libdwarf sign-extends the signed forms already
          break;
        case DW_OP_plus_uconst:
          push(pop(op) + op.op1);
          break;
        case DW_OP_plus: {
          auto b = pop(op);
          push(pop(op) + b);
          break;
        }
        case DW_OP_minus: {
          auto b = pop(op);
          push(pop(op) - b);
          break;
        }
        case DW_OP_dup: {
          auto v = pop(op);
          push(v);
          push(v);
          break;
        }
        case DW_OP_drop:
          pop(op);
          break;
        case DW_OP_deref: {
          std::uint64_t addr = pop(op);
          std::uint8_t buf[8] = {};
          if (!ctx.read_memory || !ctx.read_memory(addr, buf))
            fail("location reads memory at {:#x}, which is unreadable", addr);
          std::uint64_t v;
          std::memcpy(&v, buf, 8);
          push(v);
          break;
        }
        case DW_OP_stack_value:
          if (stack.empty()) fail("DW_OP_stack_value with an empty stack");
          st = state::value;
          break;
        case DW_OP_piece:
          finish_piece(op.op1);
          break;
        case DW_OP_nop:
          break;
        default:
          fail("unsupported location op {}", describe_ops({&op, 1}));
      }
    }
  }
  if (out.pieces.empty()) {
    if (st != state::none) finish_piece(0);
  } else if (st != state::none) {
    fail("location expression has ops after its last DW_OP_piece");
  }
  return out;
}

std::vector<std::uint8_t> read_location(const location& loc, std::size_t size,
                                        const location_context& ctx, bool* partial) {
  if (loc.pieces.empty()) fail("value is optimized out");
  std::vector<std::uint8_t> out;
  out.reserve(size);
  for (const auto& p : loc.pieces) {
    std::size_t n = p.size ? p.size : size;
    std::size_t start = out.size();
    out.resize(start + n);
    std::uint8_t* dst = out.data() + start;
    switch (p.k) {
      case location_piece::kind::optimized_out:
        if (!partial || loc.pieces.size() == 1) fail("value is (partly) optimized out");
        std::memset(dst, 0, n);
        *partial = true;
        break;
      case location_piece::kind::memory:
        if (!ctx.read_memory || !ctx.read_memory(p.addr, {dst, n}))
          fail("cannot read {} bytes at {:#x}", n, p.addr);
        break;
      case location_piece::kind::reg: {
        std::uint64_t v = need_reg(ctx, p.reg);
        if (n > 8) fail("a {}-byte piece cannot come from one register", n);
        std::memcpy(dst, &v, n);
        break;
      }
      case location_piece::kind::value: {
        std::uint64_t v = p.value;
        std::memcpy(dst, &v, std::min<std::size_t>(n, 8));
        break;
      }
    }
  }
  out.resize(size);  // a piece list shorter than the type leaves zeros; a longer one is cut
  return out;
}

std::string describe_ops(std::span<const dwarf_op> ops) {
  std::string s;
  for (const auto& op : ops) {
    if (!s.empty()) s += ' ';
    const char* name = nullptr;
    if (dwarf_get_OP_name(op.atom, &name) != DW_DLV_OK || !name) name = "DW_OP_?";
    s += name;
    switch (op.atom) {
      case DW_OP_addr:
        s += fmt::format(" {:#x}", op.op1);
        break;
      case DW_OP_fbreg:
      case DW_OP_consts:
      case DW_OP_const1s:
      case DW_OP_const2s:
      case DW_OP_const4s:
      case DW_OP_const8s:
        s += fmt::format(" {}", std::int64_t(op.op1));
        break;
      case DW_OP_piece:
      case DW_OP_plus_uconst:
      case DW_OP_constu:
      case DW_OP_regx:
        s += fmt::format(" {}", op.op1);
        break;
      default:
        if (op.atom >= DW_OP_breg0 && op.atom <= DW_OP_breg31)
          s += fmt::format(" {}", std::int64_t(op.op1));
    }
  }
  return s;
}

}  // namespace godbg

#include "debugger/return_values.hpp"

#include <array>
#include <cstring>
#include <string_view>

#include "arch_amd64/registers.hpp"

namespace godbg {

namespace {

constexpr int int_registers = 9, float_registers = 15;

struct assigner {
  int ints = 0, floats = 0;
  std::vector<abi_piece> pieces;

  // abi-internal.md, "register-assign": false when T does not fit in the registers left.
  bool assign(const go_type& t, std::uint64_t offset) {
    switch (t.kind) {
      case go_kind::boolean:
      case go_kind::int_:
      case go_kind::uint_:
      case go_kind::pointer:
      case go_kind::chan:
      case go_kind::map:
      case go_kind::func:
        if (t.size == 0) return true;
        if (t.size > 8 || ints == int_registers) return false;
        pieces.push_back({offset, t.size, false, ints++});
        return true;
      case go_kind::float_:
        if (floats == float_registers) return false;
        pieces.push_back({offset, t.size, true, floats++});
        return true;
      case go_kind::complex_: {
        std::uint64_t half = t.size / 2;
        if (floats + 2 > float_registers) return false;
        pieces.push_back({offset, half, true, floats++});
        pieces.push_back({offset + half, half, true, floats++});
        return true;
      }
      case go_kind::array:
        if (t.length == 0) return true;
        if (t.length == 1 && t.elem) return assign(*t.elem, offset);
        return false;
      case go_kind::string:
      case go_kind::slice:
      case go_kind::interface:
      case go_kind::struct_:
        // Strings, slices and interfaces are their runtime structs (pointer and lengths).
        for (const auto& f : t.fields)
          if (!f.type || !assign(*f.type, offset + f.offset)) return false;
        return true;
      default:
        return false;
    }
  }
};

// The integer registers in the order the ABI hands them out.
constexpr std::array<std::string_view, int_registers> int_register_names{
    "rax", "rbx", "rcx", "rdi", "rsi", "r8", "r9", "r10", "r11"};

std::uint64_t int_register(const user_regs_struct& r, int i) {
  return read_register(r, *register_by_name(int_register_names[std::size_t(i)]));
}

}  // namespace

std::vector<std::optional<std::vector<abi_piece>>> assign_results(
    const std::vector<const go_type*>& results) {
  std::vector<std::optional<std::vector<abi_piece>>> out;
  assigner a;
  for (const go_type* t : results) {
    // A result that does not fit goes to the stack whole, and gives back what it took.
    assigner trial = a;
    if (t && trial.assign(*t, 0)) {
      out.emplace_back(trial.pieces);
      a.ints = trial.ints;
      a.floats = trial.floats;
    } else {
      out.emplace_back(std::nullopt);
    }
  }
  return out;
}

std::vector<std::uint8_t> result_bytes(const go_type& t, const std::vector<abi_piece>& pieces,
                                       const user_regs_struct& regs,
                                       const std::optional<user_fpregs_struct>& fp) {
  std::vector<std::uint8_t> bytes(t.size);
  for (const auto& p : pieces) {
    if (p.offset + p.size > bytes.size() || p.size > 8) continue;
    std::uint64_t v = 0;
    if (!p.is_float) {
      v = int_register(regs, p.index);
    } else if (fp) {
      std::memcpy(&v, &fp->xmm_space[4 * p.index], 8);  // the low lane of X<index>
    }
    std::memcpy(bytes.data() + p.offset, &v, p.size);
  }
  return bytes;
}

}  // namespace godbg

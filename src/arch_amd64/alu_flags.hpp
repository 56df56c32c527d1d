#pragma once
// The status flags (CF PF AF ZF SF OF) the CPU sets for integer arithmetic, computed exactly,
// so an emulated `cmp rsp, [r14+0x10]` leaves the same eflags as the hardware would and the
// `jbe` after it goes the same way.
#include <cstdint>

namespace godbg {

namespace eflag {
inline constexpr std::uint64_t cf = 1u << 0, pf = 1u << 2, af = 1u << 4, zf = 1u << 6, sf = 1u << 7,
                               tf = 1u << 8, df = 1u << 10, of = 1u << 11;
inline constexpr std::uint64_t status = cf | pf | af | zf | sf | of;
}  // namespace eflag

// Operand width in bits (8, 16, 32, 64) -> all-ones mask of that width.
constexpr std::uint64_t width_mask(unsigned bits) {
  return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

struct alu_result {
  std::uint64_t value;   // truncated to the operand width
  std::uint64_t status;  // only bits of eflag::status
};

alu_result alu_sub(std::uint64_t a, std::uint64_t b, unsigned bits);  // sub and cmp: a - b
alu_result alu_add(std::uint64_t a, std::uint64_t b, unsigned bits);
// and/or/xor/test: CF=OF=0; AF is architecturally undefined, and cleared as Intel and AMD
// parts do (checked against the host CPU in the unit test).
alu_result alu_logic(std::uint64_t value, unsigned bits);

// New eflags: `old` with its status bits replaced.
constexpr std::uint64_t merge_status(std::uint64_t old, std::uint64_t status) {
  return (old & ~eflag::status) | status;
}

}  // namespace godbg

#include "arch_amd64/alu_flags.hpp"

#include <bit>

namespace godbg {
namespace {

// PF, ZF and SF look only at the result; PF only at its low byte (even parity sets it).
std::uint64_t result_flags(std::uint64_t r, unsigned bits) {
  std::uint64_t f = 0;
  if (std::popcount(r & 0xff) % 2 == 0) f |= eflag::pf;
  if (r == 0) f |= eflag::zf;
  if ((r >> (bits - 1)) & 1) f |= eflag::sf;
  return f;
}

}  // namespace

alu_result alu_sub(std::uint64_t a, std::uint64_t b, unsigned bits) {
  const std::uint64_t m = width_mask(bits);
  a &= m;
  b &= m;
  const std::uint64_t r = (a - b) & m;
  std::uint64_t f = result_flags(r, bits);
  if (a < b) f |= eflag::cf;                    // borrow out of the top bit
  if ((a ^ b ^ r) & 0x10) f |= eflag::af;       // borrow out of bit 3
  if ((((a ^ b) & (a ^ r)) >> (bits - 1)) & 1)  // signs differ and the result took b's sign
    f |= eflag::of;
  return {r, f};
}

alu_result alu_add(std::uint64_t a, std::uint64_t b, unsigned bits) {
  const std::uint64_t m = width_mask(bits);
  a &= m;
  b &= m;
  const std::uint64_t r = (a + b) & m;
  std::uint64_t f = result_flags(r, bits);
  if (r < a) f |= eflag::cf;  // carry out of the top bit
  if ((a ^ b ^ r) & 0x10) f |= eflag::af;
  if (((~(a ^ b) & (a ^ r)) >> (bits - 1)) & 1)  // same signs in, other sign out
    f |= eflag::of;
  return {r, f};
}

alu_result alu_logic(std::uint64_t value, unsigned bits) {
  const std::uint64_t r = value & width_mask(bits);
  return {r, result_flags(r, bits)};
}

}  // namespace godbg

#include "dwarf/gopclntab_pcvalue.hpp"

namespace godbg {

std::optional<std::uint32_t> pcvalue_reader::varint() {
  std::uint32_t v = 0;
  for (unsigned shift = 0; shift < 35; shift += 7) {
    if (p_.empty()) return std::nullopt;
    std::uint8_t b = p_[0];
    p_ = p_.subspan(1);
    v |= std::uint32_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  return std::nullopt;  // more than 5 bytes cannot be a uint32
}

bool pcvalue_reader::next(pc_run& r) {
  if (pc_ >= limit_) return false;
  auto uv = varint();
  if (!uv || (*uv == 0 && !first_)) return false;
  first_ = false;
  std::uint32_t d = (*uv & 1) ? ~(*uv >> 1) : (*uv >> 1);
  auto pcd = varint();
  if (!pcd) return false;
  // Wrapping add in unsigned: a corrupt delta must not be signed-overflow UB.
  val_ = static_cast<std::int32_t>(static_cast<std::uint32_t>(val_) + d);
  r.start = pc_;
  pc_ += std::uint64_t(*pcd) * quantum_;
  r.end = pc_;
  r.value = val_;
  return true;
}

std::optional<std::int32_t> pcvalue_at(std::span<const std::uint8_t> table, std::uint64_t entry,
                                       std::uint64_t limit, std::uint32_t quantum,
                                       std::uint64_t pc) {
  pcvalue_reader rd(table, entry, limit, quantum);
  for (pc_run r; rd.next(r);)
    if (pc >= r.start && pc < r.end) return r.value;
  return std::nullopt;
}

}  // namespace godbg

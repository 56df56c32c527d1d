#include "process/debug_registers.hpp"

#include <fmt/format.h>
#include <sys/user.h>

#include <cstddef>

#include "process/ptrace_ops.hpp"

namespace godbg {

namespace {
std::size_t dr_offset(int n) {
  return offsetof(struct user, u_debugreg) + std::size_t(n) * sizeof(long);
}
// DR7's LEN encoding (Intel SDM vol. 3, 18.2.4): 1 byte 00, 2 bytes 01, 8 bytes 10, 4 bytes 11.
std::uint64_t len_bits(int len) {
  switch (len) {
    case 1:
      return 0;
    case 2:
      return 1;
    case 8:
      return 2;
    default:
      return 3;
  }
}
constexpr std::uint64_t user_space_end = 0x0000800000000000ull;
}  // namespace

std::optional<std::string> hw_watch_problem(const hw_watch& w) {
  if (w.len != 1 && w.len != 2 && w.len != 4 && w.len != 8)
    return fmt::format("a debug register watches 1, 2, 4 or 8 bytes, not {}", w.len);
  if (w.addr % std::uint64_t(w.len) != 0)
    return fmt::format("{:#x} is not aligned to {} bytes, as a debug register needs", w.addr,
                       w.len);
  if (w.addr + std::uint64_t(w.len) > user_space_end)
    return fmt::format("{:#x} is not a user-space address", w.addr);
  return std::nullopt;
}

std::uint64_t dr7_value(const hw_watch_slots& slots) {
  std::uint64_t dr7 = 0;
  for (int i = 0; i < debug_register_slots; ++i) {
    if (!slots[std::size_t(i)]) continue;
    const auto& w = *slots[std::size_t(i)];
    std::uint64_t rw = w.reads ? 3 : 1;  // 01 writes, 11 reads and writes
    dr7 |= std::uint64_t(1) << (2 * i);  // L<i>
    dr7 |= (rw | len_bits(w.len) << 2) << (16 + 4 * i);
  }
  return dr7;
}

namespace debug_registers {

bool write(pid_t tid, const hw_watch_slots& slots) {
  if (!ptrace_ops::poke_user(tid, dr_offset(7), 0)) return false;
  for (int i = 0; i < debug_register_slots; ++i)
    if (slots[std::size_t(i)] &&
        !ptrace_ops::poke_user(tid, dr_offset(i), slots[std::size_t(i)]->addr))
      return false;
  std::uint64_t dr7 = dr7_value(slots);
  return dr7 == 0 || ptrace_ops::poke_user(tid, dr_offset(7), dr7);
}

unsigned take_hits(pid_t tid) {
  auto dr6 = ptrace_ops::peek_user(tid, dr_offset(6));
  if (!dr6) return 0;
  if (*dr6 & 0xf) ptrace_ops::poke_user(tid, dr_offset(6), 0);
  return unsigned(*dr6 & 0xf);
}

}  // namespace debug_registers
}  // namespace godbg

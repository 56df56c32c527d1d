#pragma once
// The x86-64 debug registers as hardware watchpoints: DR0-DR3 hold addresses, DR7 enables them
// with a length and an access kind each, DR6 says which one fired. Linux lets a tracer write
// them per thread through PTRACE_POKEUSER at offsetof(struct user, u_debugreg); a new thread
// starts with none, so the tracer sets them again on every clone.
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace godbg {

constexpr int debug_register_slots = 4;

// One armed slot: `len` bytes (1, 2, 4 or 8, aligned to len) at `addr`.
struct hw_watch {
  std::uint64_t addr = 0;
  int len = 8;
  bool reads = false;  // trap on reads as well as writes (x86 has no read-only kind)
};

using hw_watch_slots = std::array<std::optional<hw_watch>, debug_register_slots>;

// Why `w` cannot go into a debug register (length, alignment, kernel address), or nullopt.
std::optional<std::string> hw_watch_problem(const hw_watch& w);
// DR7 for the armed slots: local enable bit, RW and LEN fields per slot. Pure: for tests.
std::uint64_t dr7_value(const hw_watch_slots& slots);

namespace debug_registers {
// Writes DR0-DR3 and DR7 of a stopped thread (DR7 cleared first, so the kernel never sees an
// enabled slot with a stale address). False when the thread is gone; an error when the kernel
// refuses a value.
bool write(pid_t tid, const hw_watch_slots& slots);
// Which slots fired (DR6 bits 0-3), and clears DR6 so the next trap says only its own.
unsigned take_hits(pid_t tid);
}  // namespace debug_registers

}  // namespace godbg

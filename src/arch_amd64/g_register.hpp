#pragma once
// Where a thread's current goroutine (runtime.g) is. On linux/amd64 Go keeps g in TLS at
// fs_base-8 (runtime.tlsg, set by runtime.settls), and in ABIInternal Go code also in R14.
// The TLS slot is the safe one: R14 is only g inside Go code compiled for ABIInternal
// (not in assembly, cgo or the vdso), so callers read memory at g_tls_address().
#include <sys/user.h>

#include <cstdint>

namespace godbg {

inline constexpr std::int64_t g_tls_offset = -8;

std::uint64_t g_tls_address(const user_regs_struct& regs);
// R14, for ABIInternal Go frames (go1.17+); a hint, not a fact, outside them.
std::uint64_t g_register_abi_internal(const user_regs_struct& regs);

}  // namespace godbg

#include "arch_amd64/g_register.hpp"

namespace godbg {

std::uint64_t g_tls_address(const user_regs_struct& regs) {
  return regs.fs_base + static_cast<std::uint64_t>(g_tls_offset);
}

std::uint64_t g_register_abi_internal(const user_regs_struct& regs) {
  return regs.r14;
}

}  // namespace godbg

// A goroutine's stack bounds (g.stack): where a watched local lives, and how far copystack
// moved it.
#include "goruntime/go_runtime.hpp"
#include "goruntime/go_runtime_internal.hpp"

namespace godbg {

std::optional<stack_bounds> go_runtime::stack_of_g(std::uint64_t g) {
  auto* l = resolve_layout(*this, st());
  if (!l || g == 0) return std::nullopt;
  auto lo = process().read_value<std::uint64_t>(virt_addr(g + l->g_stack_lo));
  auto hi = process().read_value<std::uint64_t>(virt_addr(g + l->g_stack_hi));
  if (!lo || !hi || *lo == 0 || *hi <= *lo) return std::nullopt;  // dead, or being set up
  return stack_bounds{*lo, *hi};
}

}  // namespace godbg

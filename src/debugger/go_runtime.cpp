#include "debugger/go_runtime.hpp"

#include "arch_amd64/g_register.hpp"
#include "common/error.hpp"
#include "debugger/session.hpp"
#include "dwarf/dwarf_info.hpp"

namespace godbg {

go_runtime::go_runtime(session& s) : s_(s) {}
go_runtime::~go_runtime() = default;

std::optional<std::uint64_t> go_runtime::field(const char* type, const char* name) {
  if (!s_.has_binary()) return std::nullopt;
  if (auto* d = s_.bin().dwarf()) return d->field_offset(type, name);
  return std::nullopt;
}

std::optional<std::uint64_t> go_runtime::g_on_thread(pid_t tid) {
  if (!s_.has_binary() || !s_.bin().is_go()) return std::nullopt;
  auto& proc = s_.process();
  const auto& regs = proc.regs(tid);
  if (regs.fs_base == 0) return std::nullopt;
  auto g = proc.read_value<std::uint64_t>(virt_addr(g_tls_address(regs)));
  if (!g || *g == 0) return std::nullopt;
  return g;
}

std::optional<std::int64_t> go_runtime::goid_of(std::uint64_t g) {
  auto off = field("runtime.g", "goid");
  if (!off) return std::nullopt;
  return s_.process().read_value<std::int64_t>(virt_addr(g + *off));
}

std::optional<std::int64_t> go_runtime::goid_on_thread(pid_t tid) {
  auto g = g_on_thread(tid);
  if (!g) return std::nullopt;
  return goid_of(*g);
}

bool go_runtime::condition_true(pid_t, const std::string& expr) {
  fail("cannot evaluate the condition {}: expressions are not supported yet", expr);
}

}  // namespace godbg

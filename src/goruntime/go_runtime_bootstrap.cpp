// Reads of the runtime that the startup report asks at moments nothing else looks at: g0
// running, allp half-built, a thread in the middle of clone. Every value is checked for
// plausibility, because half-initialised memory reads fine and means nothing.
#include <cstring>

#include "dwarf/dwarf_info.hpp"
#include "goruntime/go_runtime_internal.hpp"
#include "goruntime/runtime_layout_table.hpp"

namespace godbg {

namespace {
constexpr std::int64_t plausible_count = 1 << 24;

template <typename T>
std::optional<T> peek(go_runtime& rt, std::uint64_t a) {
  if (a == 0) return std::nullopt;
  return rt.process().read_value<T>(virt_addr(a));
}
}  // namespace

std::optional<std::uint64_t> go_runtime::m_of_g(std::uint64_t g) {
  auto* l = resolve_layout(*this, *st_);
  if (!l || g == 0) return std::nullopt;
  return peek<std::uint64_t>(*this, g + l->g_m);
}

std::optional<std::int64_t> go_runtime::m_id(std::uint64_t m) {
  auto* l = resolve_layout(*this, *st_);
  if (!l || m == 0) return std::nullopt;
  auto v = peek<std::int64_t>(*this, m + l->m_id);
  if (!v || *v < 0 || *v > plausible_count) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> go_runtime::g_startpc(std::uint64_t g) {
  auto* l = resolve_layout(*this, *st_);
  if (!l || g == 0) return std::nullopt;
  return peek<std::uint64_t>(*this, g + l->g_startpc);
}

std::optional<std::uint64_t> go_runtime::g_stack_hi(std::uint64_t g) {
  auto* l = resolve_layout(*this, *st_);
  if (!l || g == 0) return std::nullopt;
  return peek<std::uint64_t>(*this, g + l->g_stack_hi);
}

std::optional<std::uint64_t> go_runtime::runnext_of_g(std::uint64_t g) {
  auto* l = resolve_layout(*this, *st_);
  if (!l || l->p_runnext == 0) return std::nullopt;
  auto m = m_of_g(g);
  if (!m || !*m) return std::nullopt;
  auto p = peek<std::uint64_t>(*this, *m + l->m_p);
  if (!p || !*p) return std::nullopt;
  auto next = peek<std::uint64_t>(*this, *p + l->p_runnext);
  if (!next || !*next) return std::nullopt;
  return next;
}

std::optional<std::uint64_t> go_runtime::m_startfn(std::uint64_t m) {
  if (!st_->m_mstartfn) {
    st_->m_mstartfn.emplace();
    if (auto* d = bin().dwarf()) *st_->m_mstartfn = d->field_offset("runtime.m", "mstartfn");
  }
  if (!*st_->m_mstartfn || m == 0) return std::nullopt;
  // A func value: a pointer to a funcval whose first word is the code pointer.
  auto fv = peek<std::uint64_t>(*this, m + **st_->m_mstartfn);
  if (!fv) return std::nullopt;
  if (!*fv) return 0;
  return peek<std::uint64_t>(*this, *fv);
}

std::optional<std::uint64_t> go_runtime::phys_page_size() {
  auto a = global_address("runtime.physPageSize");
  if (!a) return std::nullopt;
  return peek<std::uint64_t>(*this, *a);
}

std::optional<std::int64_t> go_runtime::goroutine_count() {
  auto a = global_address(runtime_vars::allglen);
  if (!a) return std::nullopt;
  auto n = peek<std::int64_t>(*this, *a);
  if (!n || *n < 0 || *n > plausible_count) return std::nullopt;
  return n;
}

std::optional<std::int64_t> go_runtime::m_count() {
  auto* l = resolve_layout(*this, *st_);
  auto a = global_address(runtime_vars::allm);
  if (!l || !a) return std::nullopt;
  auto m = peek<std::uint64_t>(*this, *a);
  std::int64_t n = 0;
  while (m && *m) {
    if (++n > 100000) return std::nullopt;  // a cycle: not a list we understand
    m = peek<std::uint64_t>(*this, *m + l->m_alllink);
  }
  if (!m) return std::nullopt;  // unreadable link
  return n;
}

std::optional<bool> go_runtime::main_started() {
  auto a = global_address("runtime.mainStarted");
  if (!a) return std::nullopt;
  auto v = peek<std::uint8_t>(*this, *a);
  if (!v) return std::nullopt;
  return *v != 0;
}

std::optional<std::string> go_runtime::read_c_string(std::uint64_t addr, std::size_t max) {
  if (addr == 0) return std::nullopt;
  std::string out;
  char buf[64];
  auto& proc = process();
  while (out.size() < max) {
    if (!proc.read(virt_addr(addr + out.size()),
                   {reinterpret_cast<std::uint8_t*>(buf), sizeof buf})) {
      // The string may end near the end of a mapping: go byte by byte.
      auto c = peek<char>(*this, addr + out.size());
      if (!c) return std::nullopt;
      if (*c == 0) return out;
      out.push_back(*c);
      continue;
    }
    for (char c : buf) {
      if (c == 0) return out;
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> go_runtime::physical_function_name(std::uint64_t pc) {
  auto f = bin().function_at(bias().to_file(virt_addr(pc)));
  if (!f) return std::nullopt;
  return f->name;
}

}  // namespace godbg

#include "debugger/startup/startup_probe.hpp"

#include "arch_amd64/g_register.hpp"
#include "common/error.hpp"
#include "goruntime/go_runtime.hpp"
#include "goruntime/runtime_layout_table.hpp"
#include "debugger/session.hpp"
#include "dwarf/dwarf_info.hpp"

namespace godbg {

namespace {
// Sanity bound for a runtime counter read from memory: anything above is not what we think.
constexpr std::int64_t plausible_max = 1 << 24;
}  // namespace

startup_probe::startup_probe(session& s) : s_(s) {
  if (auto v = s_.bin().go_version()) {
    layout_ = runtime_layout_for(*v);
  }
}

std::optional<std::uint64_t> startup_probe::offset(std::string_view type,
                                                   std::string_view field) const {
  if (auto* d = s_.bin().dwarf()) {
    if (auto o = d->field_offset(type, field)) return o;
  }
  if (!layout_) return std::nullopt;
  const auto& l = *layout_;
  struct row {
    std::string_view type, field;
    std::uint64_t off;
  };
  const row rows[] = {
      {"runtime.g", "goid", l.g_goid},       {"runtime.g", "m", l.g_m},
      {"runtime.g", "startpc", l.g_startpc}, {"runtime.g", "gopc", l.g_gopc},
      {"runtime.m", "id", l.m_id},           {"runtime.m", "p", l.m_p},
      {"runtime.m", "procid", l.m_procid},   {"runtime.m", "alllink", l.m_alllink},
      {"runtime.m", "g0", l.m_g0},           {"runtime.m", "curg", l.m_curg},
      {"runtime.p", "runnext", l.p_runnext}, {"runtime.p", "id", l.p_id},
  };
  for (auto& r : rows)
    if (r.type == type && r.field == field) return r.off;
  return std::nullopt;
}

std::optional<std::uint64_t> startup_probe::global(std::string_view name) const {
  if (const symbol* sym = s_.bin().symbols().by_name(name))
    return s_.bias().to_virt(sym->addr).value();
  // Stripped: go_runtime recovers a few globals (allgs, allglen, allm, allp, gomaxprocs, ncpu)
  // from the code that uses them, each checked against the live process.
  try {
    if (s_.has_process()) return s_.runtime().global_address(name);
  } catch (const error&) {
  }
  return std::nullopt;
}

bool startup_probe::read_bytes(std::uint64_t addr, void* out, std::size_t n) const {
  if (addr == 0 || !s_.has_process()) return false;
  return s_.process().read(virt_addr(addr), {static_cast<std::uint8_t*>(out), n});
}

std::optional<std::string> startup_probe::read_c_string(std::uint64_t addr, std::size_t max) const {
  std::string out;
  char buf[64];
  while (out.size() < max) {
    if (!read_bytes(addr + out.size(), buf, sizeof buf)) {
      // The string may end near the end of a mapping: go byte by byte.
      char c;
      if (!read_bytes(addr + out.size(), &c, 1)) return std::nullopt;
      if (c == 0) return out;
      out.push_back(c);
      continue;
    }
    for (char c : buf) {
      if (c == 0) return out;
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::uint64_t> startup_probe::g_of_thread(pid_t tid) const {
  if (!s_.has_process()) return std::nullopt;
  auto& proc = s_.process();
  if (!proc.has_thread(tid)) return std::nullopt;
  std::uint64_t tls = 0;
  try {
    const auto& regs = proc.regs(tid);
    if (regs.fs_base == 0) return std::nullopt;
    tls = g_tls_address(regs);
  } catch (const error&) {
    return std::nullopt;  // running (a thread being born): no registers to read
  }
  auto g = read<std::uint64_t>(tls);
  if (!g || *g == 0) return std::nullopt;
  // Before rt0_go sets TLS (or in a PIE binary while ld.so's TLS is in place) the slot holds
  // something else: a g is believed only if its m points back at it as g0 or curg.
  auto m = m_of_g(*g);
  if (!m || *m == 0) return std::nullopt;
  auto g0_off = offset("runtime.m", "g0"), curg_off = offset("runtime.m", "curg");
  if (!g0_off || !curg_off) return std::nullopt;
  auto g0 = read<std::uint64_t>(*m + *g0_off), curg = read<std::uint64_t>(*m + *curg_off);
  if ((g0 && *g0 == *g) || (curg && *curg == *g)) return g;
  return std::nullopt;
}

std::optional<std::int64_t> startup_probe::goid_of_g(std::uint64_t g) const {
  auto o = offset("runtime.g", "goid");
  if (!o) return std::nullopt;
  auto v = read<std::int64_t>(g + *o);
  if (!v || *v < 0 || *v > (std::int64_t(1) << 48)) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> startup_probe::m_of_g(std::uint64_t g) const {
  auto o = offset("runtime.g", "m");
  if (!o) return std::nullopt;
  return read<std::uint64_t>(g + *o);
}

std::optional<std::int64_t> startup_probe::m_id(std::uint64_t m) const {
  auto o = offset("runtime.m", "id");
  if (!o) return std::nullopt;
  auto v = read<std::int64_t>(m + *o);
  if (!v || *v < 0 || *v > plausible_max) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> startup_probe::g_startpc(std::uint64_t g) const {
  auto o = offset("runtime.g", "startpc");
  if (!o) return std::nullopt;
  return read<std::uint64_t>(g + *o);
}

std::optional<std::uint64_t> startup_probe::runnext_of_g(std::uint64_t g) const {
  auto m = m_of_g(g);
  auto p_off = offset("runtime.m", "p");
  auto rn_off = offset("runtime.p", "runnext");
  if (!m || !*m || !p_off || !rn_off) return std::nullopt;
  auto p = read<std::uint64_t>(*m + *p_off);
  if (!p || !*p) return std::nullopt;
  auto next = read<std::uint64_t>(*p + *rn_off);
  if (!next || !*next) return std::nullopt;
  return next;
}

std::optional<std::uint64_t> startup_probe::m_startfn(std::uint64_t m) const {
  auto* d = s_.bin().dwarf();
  if (!d) return std::nullopt;
  auto o = d->field_offset("runtime.m", "mstartfn");
  if (!o) return std::nullopt;
  // A func value: a pointer to a funcval whose first word is the code pointer.
  auto fv = read<std::uint64_t>(m + *o);
  if (!fv) return std::nullopt;
  if (!*fv) return 0;
  return read<std::uint64_t>(*fv);
}

std::optional<std::int32_t> startup_probe::ncpu() const {
  for (std::string_view name : {"runtime.ncpu", "runtime.numCPUStartup"}) {
    if (layout_ && layout_->ncpu_var != name) continue;
    if (auto a = global(name)) return read<std::int32_t>(*a);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> startup_probe::phys_page_size() const {
  auto a = global("runtime.physPageSize");
  if (!a) return std::nullopt;
  return read<std::uint64_t>(*a);
}

std::optional<std::int32_t> startup_probe::gomaxprocs() const {
  auto a = global(runtime_vars::gomaxprocs);
  if (!a) return std::nullopt;
  return read<std::int32_t>(*a);
}

std::optional<std::int64_t> startup_probe::nprocs() const {
  auto a = global(runtime_vars::allp);
  if (!a) return std::nullopt;
  auto len = read<std::int64_t>(*a + 8);  // slice header: ptr, len, cap
  if (!len || *len < 0 || *len > plausible_max) return std::nullopt;
  return len;
}

std::optional<std::int64_t> startup_probe::goroutines() const {
  auto a = global(runtime_vars::allglen);
  if (!a) return std::nullopt;
  auto n = read<std::int64_t>(*a);
  if (!n || *n < 0 || *n > plausible_max) return std::nullopt;
  return n;
}

std::optional<std::int64_t> startup_probe::ms() const {
  auto a = global(runtime_vars::allm);
  auto link = offset("runtime.m", "alllink");
  if (!a || !link) return std::nullopt;
  auto m = read<std::uint64_t>(*a);
  std::int64_t n = 0;
  while (m && *m) {
    if (++n > 100000) return std::nullopt;  // a cycle: not a list we understand
    m = read<std::uint64_t>(*m + *link);
  }
  if (!m) return std::nullopt;  // unreadable link
  return n;
}

std::optional<bool> startup_probe::main_started() const {
  auto a = global("runtime.mainStarted");
  if (!a) return std::nullopt;
  auto v = read<std::uint8_t>(*a);
  if (!v) return std::nullopt;
  return *v != 0;
}

std::optional<std::string> startup_probe::function_name(std::uint64_t pc) const {
  auto f = s_.bin().function_at(s_.bias().to_file(virt_addr(pc)));
  if (!f) return std::nullopt;
  return f->name;
}

}  // namespace godbg

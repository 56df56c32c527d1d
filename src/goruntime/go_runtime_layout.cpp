// The runtime's layout: runtime.g, gobuf, m and p offsets by field name from DWARF when the
// binary has it (as Delve does), else the per-version table (runtime_layout_table.hpp), which
// also fills any field DWARF lacks.
#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "dwarf/dwarf_info.hpp"
#include "goruntime/go_runtime_internal.hpp"
#include "goruntime/layout_from_code.hpp"
#include "goruntime/runtime_layout_table.hpp"

namespace godbg {

namespace rt {

std::uint64_t layout::g_span() const {
  std::uint64_t m = 0;
  for (auto v : {g_stack_lo, g_stack_hi, g_m, g_sched + gobuf_sp, g_sched + gobuf_pc,
                 g_sched + gobuf_bp, g_syscallsp, g_syscallpc, g_atomicstatus, g_goid, g_waitreason,
                 g_startpc, g_gopc, g_parentgoid.value_or(0)})
    m = std::max(m, v);
  return m + 8;
}

std::uint64_t layout::m_span() const {
  std::uint64_t m = 0;
  for (auto v : {m_g0, m_procid, m_gsignal, m_curg, m_p, m_id, m_alllink}) m = std::max(m, v);
  return m + 8;
}

}  // namespace rt

bool is_user_function(std::string_view name) {
  if (name.find('.') == std::string_view::npos) return false;
  if (name.starts_with("internal/") || name.starts_with("runtime/internal/")) return false;
  if (name.starts_with("runtime.")) {
    auto rest = name.substr(8);
    return !rest.empty() && rest[0] >= 'A' && rest[0] <= 'Z';
  }
  return true;
}

namespace {

rt::layout from_table(const runtime_layout& t) {
  rt::layout l;
  l.g_stack_lo = t.g_stack_lo;
  l.g_stack_hi = t.g_stack_hi;
  l.g_m = t.g_m;
  l.g_sched = t.g_sched;
  l.g_syscallsp = t.g_syscallsp;
  l.g_syscallpc = t.g_syscallpc;
  l.g_atomicstatus = t.g_atomicstatus;
  l.g_goid = t.g_goid;
  l.g_waitreason = t.g_waitreason;
  l.g_startpc = t.g_startpc;
  l.g_gopc = t.g_gopc;
  l.g_panic = t.g_panic;
  l.g_parentgoid = t.g_parentgoid;
  l.gobuf_sp = t.gobuf_sp;
  l.gobuf_pc = t.gobuf_pc;
  l.gobuf_bp = t.gobuf_bp;
  l.m_g0 = t.m_g0;
  l.m_procid = t.m_procid;
  l.m_gsignal = t.m_gsignal;
  l.m_curg = t.m_curg;
  l.m_p = t.m_p;
  l.m_id = t.m_id;
  l.m_alllink = t.m_alllink;
  l.p_id = t.p_id;
  l.p_runnext = t.p_runnext;
  l.ncpu_var = std::string(t.ncpu_var);
  for (auto w : t.wait_reasons) l.table_wait_reasons.emplace_back(w);
  return l;
}

// Overrides the table's offsets with DWARF's; false when DWARF lacks the essentials.
bool from_dwarf(const dwarf_info& d, rt::layout& l) {
  auto f = [&](std::string_view type, std::string_view field) {
    return d.field_offset(type, field);
  };
  auto goid = f("runtime.g", "goid");
  auto status = f("runtime.g", "atomicstatus");
  auto sched = f("runtime.g", "sched");
  if (!goid || !status || !sched) return false;
  l.g_goid = *goid;
  l.g_atomicstatus = *status;
  l.g_sched = *sched;
  auto set = [&](std::uint64_t& dst, std::string_view type, std::string_view field) {
    if (auto v = f(type, field)) dst = *v;
  };
  if (auto st = f("runtime.g", "stack")) {
    l.g_stack_lo = *st + f("runtime.stack", "lo").value_or(0);
    l.g_stack_hi = *st + f("runtime.stack", "hi").value_or(8);
  }
  set(l.g_m, "runtime.g", "m");
  set(l.g_syscallsp, "runtime.g", "syscallsp");
  set(l.g_syscallpc, "runtime.g", "syscallpc");
  set(l.g_waitreason, "runtime.g", "waitreason");
  set(l.g_startpc, "runtime.g", "startpc");
  set(l.g_gopc, "runtime.g", "gopc");
  set(l.g_panic, "runtime.g", "_panic");
  if (auto v = f("runtime.g", "parentGoid")) l.g_parentgoid = *v;
  set(l.gobuf_sp, "runtime.gobuf", "sp");
  set(l.gobuf_pc, "runtime.gobuf", "pc");
  set(l.gobuf_bp, "runtime.gobuf", "bp");
  set(l.m_g0, "runtime.m", "g0");
  set(l.m_procid, "runtime.m", "procid");
  set(l.m_gsignal, "runtime.m", "gsignal");
  set(l.m_curg, "runtime.m", "curg");
  set(l.m_p, "runtime.m", "p");
  set(l.m_id, "runtime.m", "id");
  set(l.m_alllink, "runtime.m", "alllink");
  set(l.p_id, "runtime.p", "id");
  set(l.p_runnext, "runtime.p", "runnext");
  return true;
}

bool has_experiment(const binary& b) {
  // The version says so too ("go1.26.8 X:nogreenteagc", "go1.27.3-X:..."), also when it came
  // from runtime.buildVersion because .go.buildinfo is gone.
  if (auto v = b.go_version(); v && v->find("X:") != std::string::npos) return true;
  if (!b.build()) return false;
  for (const auto& [key, value] : b.build()->settings)
    if (key == "GOEXPERIMENT" && !value.empty()) return true;
  return false;
}

// The newest row (or `row`) with every offset the runtime's code shows laid over it; nullopt
// when the code does not show enough to list goroutines.
std::optional<rt::layout> from_code(const binary& bin, const runtime_layout& row,
                                    const std::optional<std::string>& version) {
  auto r = version ? parse_go_version(*version) : std::nullopt;
  auto c = layout_from_code(bin, !r || r->minor >= 21);
  if (!c.enough()) return std::nullopt;
  rt::layout l = from_table(row);
  auto take = [](std::uint64_t& dst, const std::optional<std::uint64_t>& v) {
    if (v) dst = *v;
  };
  take(l.g_sched, c.g_sched);
  take(l.gobuf_sp, c.gobuf_sp);
  take(l.gobuf_pc, c.gobuf_pc);
  take(l.gobuf_bp, c.gobuf_bp);
  take(l.g_m, c.g_m);
  take(l.m_g0, c.m_g0);
  take(l.m_gsignal, c.m_gsignal);
  take(l.m_curg, c.m_curg);
  take(l.g_atomicstatus, c.g_atomicstatus);
  take(l.g_goid, c.g_goid);
  take(l.g_waitreason, c.g_waitreason);
  take(l.m_procid, c.m_procid);
  take(l.g_syscallsp, c.g_syscallsp);
  take(l.g_syscallpc, c.g_syscallpc);
  take(l.m_p, c.m_p);
  take(l.g_startpc, c.g_startpc);
  take(l.g_gopc, c.g_gopc);
  l.g_parentgoid = c.g_parentgoid;
  l.g_stack_lo = 0;  // g.stack is runtime.g's first field, {lo, hi}, in every release
  l.g_stack_hi = 8;
  l.source = fmt::format(
      "inferred (runtime code: {} fields; m.id, m.alllink, p.id, p.runnext "
      "from the go1.{} row)",
      c.found.size(), row.minor);
  return l;
}

}  // namespace

const rt::layout* resolve_layout(go_runtime& rt, go_runtime::state& st) {
  if (st.layout_tried) return st.layout ? &*st.layout : nullptr;
  st.layout_tried = true;
  if (!rt.bin().is_go()) return nullptr;
  auto version = rt.bin().go_version();
  const runtime_layout* row = version ? runtime_layout_for(*version) : nullptr;
  bool guess = false;
  if (!row) {
    const auto& newest = newest_runtime_layout();
    // Newer than the table, a devel build, or no version at all: the newest row as a base (a
    // patch of the newest minor before its first extracted release counts as newer too).
    bool unknown = true;
    if (version)
      if (auto r = parse_go_version(*version))
        unknown =
            r->minor > newest.minor || (r->minor == newest.minor && r->patch < newest.first_patch);
    if (unknown) {
      row = &newest;
      guess = true;
    }
  }
  rt::layout l;
  if (row) l = from_table(*row);
  // An exact row was extracted from that release's own DWARF, so it is as true as this binary's
  // DWARF and costs nothing, where DWARF costs inflating all of .debug_info (tens of MB on a big
  // program) at the first stop. A GOEXPERIMENT build may change the structs: ask DWARF then.
  if (row && !guess && !has_experiment(rt.bin())) {
    l.source = "table";
    st.layout = std::move(l);
    return &*st.layout;
  }
  const dwarf_info* d = nullptr;
  try {
    d = rt.bin().dwarf();
  } catch (const std::exception&) {
    d = nullptr;
  }
  if (d && from_dwarf(*d, l)) {
    l.source = "dwarf";
    if (l.ncpu_var.empty()) l.ncpu_var = "runtime.ncpu";
  } else if (auto inferred = row ? from_code(rt.bin(), *row, version) : std::nullopt) {
    // No DWARF, and no row that is known to be this binary's: what its own code says.
    l = std::move(*inferred);
  } else if (row) {
    l.source =
        guess ? "table (newest row, a guess for " + version.value_or("this Go") + ")" : "table";
  } else {
    return nullptr;
  }
  st.layout = std::move(l);
  return &*st.layout;
}

rt::raw_g decode_g(const rt::layout& l, const std::uint8_t* buf, std::uint64_t g) {
  auto u64 = [&](std::uint64_t off) {
    std::uint64_t v;
    std::memcpy(&v, buf + off, 8);
    return v;
  };
  rt::raw_g r;
  r.addr = g;
  r.goid = std::int64_t(u64(l.g_goid));
  std::memcpy(&r.status, buf + l.g_atomicstatus, 4);
  r.waitreason = buf[l.g_waitreason];
  r.m = u64(l.g_m);
  r.sched_pc = u64(l.g_sched + l.gobuf_pc);
  r.sched_sp = u64(l.g_sched + l.gobuf_sp);
  r.sched_bp = u64(l.g_sched + l.gobuf_bp);
  r.syscallpc = u64(l.g_syscallpc);
  r.syscallsp = u64(l.g_syscallsp);
  r.startpc = u64(l.g_startpc);
  r.gopc = u64(l.g_gopc);
  r.stack_lo = u64(l.g_stack_lo);
  r.stack_hi = u64(l.g_stack_hi);
  if (l.g_parentgoid) r.parentgoid = std::int64_t(u64(*l.g_parentgoid));
  return r;
}

std::optional<rt::raw_g> read_one_g(go_runtime& rt, const rt::layout& l, std::uint64_t g) {
  std::vector<std::uint8_t> buf(l.g_span());
  if (g == 0 || !rt.process().read(virt_addr(g), buf)) return std::nullopt;
  return decode_g(l, buf.data(), g);
}

}  // namespace godbg

// What the runtime keeps for GODEBUG=inittrace=1 and how package init tasks are laid out, for
// the startup report's per-package init (runtime/proc.go: doInit, doInit1, initTask).
#include <algorithm>

#include "common/error.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_types.hpp"
#include "dwarf/dwarf_variables.hpp"
#include "goruntime/go_runtime_internal.hpp"
#include "goruntime/runtime_layout_table.hpp"

namespace godbg {

namespace {

std::optional<std::uint64_t> field_of(const go_type* t, std::string_view name) {
  if (!t) return std::nullopt;
  for (auto& f : t->fields)
    if (f.name == name) return f.offset;
  return std::nullopt;
}

}  // namespace

std::string package_path_of(std::string_view fn) {
  // As runtime.funcpkgpath: up to the first '.' after the last '/'. Generic instantiations
  // ("pkg.F[...]") keep their package before the bracket.
  if (auto b = fn.find('['); b != std::string_view::npos) fn = fn.substr(0, b);
  std::size_t slash = fn.rfind('/');
  std::size_t from = slash == std::string_view::npos ? 0 : slash;
  std::size_t dot = fn.find('.', from);
  return std::string(dot == std::string_view::npos ? fn : fn.substr(0, dot));
}

std::optional<inittrace_vars> go_runtime::find_inittrace() {
  auto* d = bin().dwarf();
  if (!d) return std::nullopt;
  auto dbg = d->global_variable("runtime.debug");
  auto trace = global_address("runtime.inittrace");
  auto init_time = global_address("runtime.runtimeInitTime");
  auto writebuf = d->field_offset("runtime.g", "writebuf");
  if (!dbg || !dbg->static_address() || !trace || !init_time || !writebuf) return std::nullopt;
  auto malloc = field_of(dbg->type, "malloc");
  auto setting = field_of(dbg->type, "inittrace");
  const go_type* ts = d->type_by_name("runtime.tracestat");
  auto active = field_of(ts, "active"), id = field_of(ts, "id"), allocs = field_of(ts, "allocs"),
       bytes = field_of(ts, "bytes");
  if (!malloc || !setting || !active || !id || !allocs || !bytes) return std::nullopt;
  inittrace_vars v;
  std::uint64_t base = bias().to_virt(*dbg->static_address()).value();
  v.debug_malloc = base + *malloc;
  v.debug_inittrace = base + *setting;
  v.inittrace = *trace;
  v.active = *active;
  v.id = *id;
  v.allocs = *allocs;
  v.bytes = *bytes;
  v.runtime_init_time = *init_time;
  v.g_writebuf = *writebuf;
  return v;
}

std::optional<init_task> go_runtime::read_init_task(std::uint64_t t) {
  if (t == 0) return std::nullopt;
  auto v = bin().go_version();
  auto rel = v ? parse_go_version(*v) : std::nullopt;
  if (!rel) return std::nullopt;
  init_task out;
  std::uint64_t fns = 0;
  if (rel->minor >= 21) {
    // {state uint32; nfns uint32} and the nfns function pcs.
    auto w = proc_.read_value<std::uint64_t>(virt_addr(t));
    if (!w) return std::nullopt;
    out.state = *w & 0xffffffff;
    out.nfns = *w >> 32;
    fns = t + 8;
  } else {
    // {state, ndeps, nfns uintptr}, ndeps *initTask, then nfns pcs.
    std::uint64_t h[3];
    if (!proc_.read(virt_addr(t), {reinterpret_cast<std::uint8_t*>(h), sizeof h}))
      return std::nullopt;
    out.state = h[0];
    out.ndeps = h[1];
    out.nfns = h[2];
    if (out.ndeps > (1u << 20)) return std::nullopt;
    fns = t + 24 + 8 * out.ndeps;
  }
  if (out.state > 2 || out.nfns > (1u << 20)) return std::nullopt;
  if (out.nfns > 0) {
    auto pc = proc_.read_value<std::uint64_t>(virt_addr(fns));
    if (!pc) return std::nullopt;
    out.first_function = *pc;
    if (auto name = physical_function_name(*pc)) out.package = package_path_of(*name);
  }
  return out;
}

std::optional<std::int64_t> go_runtime::m_id_of_thread(pid_t tid) {
  try {
    for (auto& m : ms())
      if (m.tid && *m.tid == tid) return m.id;
  } catch (const error&) {
  }
  return std::nullopt;
}

}  // namespace godbg

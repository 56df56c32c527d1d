#include "debugger/breakpoints/tracepoints.hpp"

#include <algorithm>
#include <memory>

#include "common/error.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/return_values.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_variables.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {

namespace {

std::optional<std::int64_t> goid_of_thread(session& s, pid_t tid, std::optional<std::uint64_t>& g) {
  try {
    g = s.runtime().goroutine_on_thread(tid).g;
    if (g) return s.runtime().goid_of(*g);
  } catch (const error&) {
  }
  return std::nullopt;
}

value_record unreadable(const dwarf_variable& v, const std::string& why) {
  value_record r;
  r.expr = v.name;
  if (v.type) r.type = v.type->name;
  r.text = "<" + why + ">";
  return r;
}

// The arguments, by name, in the frame of the hit (frame 0 of the thread).
std::vector<value_record> arguments(session& s, pid_t tid, virt_addr site) {
  std::vector<value_record> out;
  const dwarf_info* dw = s.bin().dwarf();
  if (!dw) return out;
  auto frame = thread_frame(s, tid);
  for (const auto& v : dw->locals_at(s.bias().to_file(site))) {
    // The compiler's own parameters (a generic function's .dict) are nothing the user wrote.
    if (!v.is_parameter || v.is_return || v.name.starts_with('.')) continue;
    try {
      out.push_back(evaluate_in_frame(s, frame, v.name));
    } catch (const error& e) {
      out.push_back(unreadable(v, v.location.empty() ? "optimized out" : e.what()));
    }
  }
  return out;
}

// What the register ABI returned, read on the thread back at the return address.
std::vector<value_record> results(session& s, pid_t tid, const std::vector<dwarf_variable>& vars) {
  std::vector<value_record> out;
  if (vars.empty()) return out;
  std::vector<const go_type*> types;
  for (const auto& v : vars) types.push_back(v.type);
  auto where = assign_results(types);
  const auto& regs = s.process().regs(tid);
  std::optional<user_fpregs_struct> fp;
  bool fp_read = false;
  for (std::size_t i = 0; i < vars.size(); ++i) {
    if (!where[i]) {
      out.push_back(unreadable(vars[i], "returned on the stack: not shown"));
      continue;
    }
    bool floats = std::any_of(where[i]->begin(), where[i]->end(),
                              [](const abi_piece& p) { return p.is_float; });
    if (floats && !fp_read) fp = s.process().fpregs(tid), fp_read = true;
    if (floats && !fp) {
      out.push_back(unreadable(vars[i], "float registers unreadable"));
      continue;
    }
    go_value v;
    v.type = vars[i].type;
    v.bytes = result_bytes(*v.type, *where[i], regs, fp);
    try {
      out.push_back(describe_value(s, vars[i].name, v));
    } catch (const error& e) {
      out.push_back(unreadable(vars[i], e.what()));
    }
  }
  return out;
}

std::vector<dwarf_variable> declared_results(session& s, virt_addr site) {
  std::vector<dwarf_variable> out;
  if (const dwarf_info* dw = s.bin().dwarf())
    for (const auto& v : dw->locals_at(s.bias().to_file(site)))
      if (v.is_return && v.type) out.push_back(v);
  return out;
}

}  // namespace

void trace_call(session& s, user_breakpoint& bp, pid_t tid, virt_addr site, session::outcome& o) {
  const auto& sink = s.tracer();
  if (!sink) return;
  trace_record r;
  r.breakpoint = bp.id;
  r.pc = site.value();
  r.tid = tid;
  std::optional<std::uint64_t> g;
  r.goid = goid_of_thread(s, tid, g);
  auto where = s.describe_site(bp, site);
  r.function = where.function.value_or(fmt::format("{:#x}", site.value()));
  // An inlined copy is not the physical function at the site: its frame's parameters are the
  // caller's, so none are shown rather than the wrong ones.
  auto fn = s.bin().function_at(s.bias().to_file(site));
  bool physical = fn && where.function == strip_abi_suffix(fn->name);
  try {
    if (physical) r.values = arguments(s, tid, site);
  } catch (const error& e) {
    o.warnings.push_back(fmt::format("tracepoint {}: arguments: {}", bp.id, e.what()));
  }
  sink(r);
  s.flush_traces();

  // The return: only from the function's own breakpoint address (a line inside it is hit many
  // times a call), and only for the physical function (an inlined copy has no return of its
  // own, even where it starts its caller's body).
  if (!physical || !g || bp.calls_only) return;
  auto entry_site = s.function_breakpoint_address(*fn);
  if (!entry_site || *entry_site != site.value()) return;
  auto frame = thread_frame(s, tid);
  if (!frame.cfa) return;
  auto ret = s.process().read_value<std::uint64_t>(virt_addr(*frame.cfa - 8));
  if (!ret) return;
  // The caller's SP once the call returned, from the top of the goroutine's stack: copystack
  // may move the stack in between, and keeps that offset.
  auto bounds = s.runtime().stack_of_g(*g);
  if (!bounds) return;
  auto vars = std::make_shared<std::vector<dwarf_variable>>(declared_results(s, site));
  auto handle = std::make_shared<int>(0);
  std::uint64_t sp_off = *frame.cfa - bounds->hi, gp = *g;
  int id = bp.id;
  std::string name = r.function;
  std::optional<std::int64_t> goid = r.goid;
  *handle =
      s.add_internal_stop(virt_addr(*ret), [&s, id, sp_off, gp, vars, handle, name, goid](pid_t t) {
        // Back in the caller with the caller's SP, on the same goroutine: this call returned.
        auto b = s.runtime().stack_of_g(gp);
        if (!b || s.process().regs(t).rsp != b->hi + sp_off) return false;
        if (s.runtime().goroutine_on_thread(t).g != gp) return false;
        s.retire_internal_stop(*handle);
        auto* tp = s.breakpoints().find(id);
        if (tp) tp->pending_returns.erase(*handle);
        if (const auto& out = s.tracer()) {
          trace_record back;
          back.breakpoint = id;
          back.is_return = true;
          back.function = name;
          back.pc = s.process().pc(t);
          back.tid = t;
          back.goid = goid;
          try {
            back.values = results(s, t, *vars);
          } catch (const error&) {
          }
          out(back);
          s.flush_traces();
        }
        return false;
      });
  bp.pending_returns.insert(*handle);
}

void drop_trace_returns(session& s, user_breakpoint& bp) {
  for (int h : std::exchange(bp.pending_returns, {})) s.remove_internal_stop(h);
}

}  // namespace godbg

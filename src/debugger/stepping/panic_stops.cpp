#include "debugger/stepping/panic_stops.hpp"

#include <cstdlib>

#include "common/error.hpp"
#include "debugger/stepping/function_code.hpp"
#include "debugger/stepping/step_rules.hpp"
#include "dwarf/dwarf_info.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {

namespace {

int go_minor(session& s) {
  auto v = s.bin().go_version();  // "go1.26.8"
  if (!v || !v->starts_with("go1.")) return 0;
  return std::atoi(v->c_str() + 4);
}

std::uint64_t field(session& s, std::string_view type, std::string_view name, std::uint64_t dflt) {
  if (const dwarf_info* dw = s.bin().dwarf())
    if (auto off = dw->field_offset(type, name)) return *off;
  return dflt;
}

// The SP of the frame whose deferred call the runtime is making on thread t: Go 1.22+ keeps it
// in the current _panic (p.sp, "the stack frame we're running deferred calls for"); before, the
// running _defer is still at the head of g._defer and holds the SP of the frame that deferred
// it. Offsets from DWARF, else those of the release.
std::optional<std::uint64_t> deferring_frame_sp(session& s, pid_t t) {
  try {
    auto g = s.runtime().g_on_thread(t);
    if (!g) return std::nullopt;
    auto& mem = s.process();
    if (go_minor(s) >= 22) {
      auto p = mem.read_value<std::uint64_t>(virt_addr(*g + field(s, "runtime.g", "_panic", 32)));
      if (!p || !*p) return std::nullopt;
      // Without DWARF: 1.22-1.25 have argp first; 1.26 dropped it; 1.27 added a word before sp.
      std::uint64_t sp_at = go_minor(s) == 26 ? 40 : 48;
      return mem.read_value<std::uint64_t>(virt_addr(*p + field(s, "runtime._panic", "sp", sp_at)));
    }
    auto d = mem.read_value<std::uint64_t>(virt_addr(*g + field(s, "runtime.g", "_defer", 40)));
    if (!d || !*d) return std::nullopt;
    return mem.read_value<std::uint64_t>(virt_addr(*d + field(s, "runtime._defer", "sp", 8)));
  } catch (const error&) {
    return std::nullopt;
  }
}

std::vector<std::uint64_t> indirect_calls_of(session& s, std::string_view function) {
  auto f = go_function(s, function);
  if (!f) return {};
  try {
    return function_code(s, s.bias().to_virt(f->entry).value()).indirect_calls();
  } catch (const error&) {
    return {};
  }
}

}  // namespace

bool runs_deferred_calls(std::string_view function) {
  return function == "runtime.gopanic" || function == "runtime.deferCallSave" ||
         function == "runtime.runOpenDeferFrame";
}

void add_panic_stops(step_plan& p, std::optional<stack_pos> owner) {
  session& s = p.sess();
  for (auto fn : {"runtime.gopanic", "runtime.deferCallSave"})
    for (auto pc : indirect_calls_of(s, fn))
      p.add_stop(pc, step_plan::kind::defer_call, [&p, &s, owner](pid_t t) {
        thread_g g;
        if (!p.same_goroutine(t, g)) return false;
        if (!owner) return true;
        auto sp = deferring_frame_sp(s, t);
        if (!sp) return true;  // unknown: the first deferred call that runs
        auto at = step_plan::pos_on(s, g, *sp);
        if (at.relative != owner->relative) return true;
        // Further out on the stack: nearer its top (relative) or higher (raw).
        return at.relative ? at.value <= owner->value : at.value >= owner->value;
      });
}

void add_deferreturn_stops(step_plan& p, stack_pos frame_sp) {
  session& s = p.sess();
  for (auto pc : indirect_calls_of(s, "runtime.deferreturn"))
    // runtime.deferreturn's CFA is the SP of the frame that called it.
    p.add_stop(pc, step_plan::kind::defer_call,
               [&p, frame_sp](pid_t t) { return p.in_frame(t, frame_sp); });
}

void add_recovery_stops(step_plan& p, const std::vector<frame_record>& frames, std::size_t from) {
  session& s = p.sess();
  for (std::size_t k = from; k < frames.size(); ++k) {
    const auto& f = frames[k];
    if (f.inlined || !f.cfa || f.where.pc == 0) continue;
    auto fn = s.bin().function_at(s.bias().to_file(virt_addr(f.where.pc - 1)));
    if (!fn || private_runtime(fn->name)) continue;
    try {
      function_code code(s, f.where.pc - 1);
      for (auto site : code.calls_to("runtime.deferreturn")) p.add_frame_stop(site, p.pos(*f.cfa));
    } catch (const error&) {
    }
  }
}

}  // namespace godbg

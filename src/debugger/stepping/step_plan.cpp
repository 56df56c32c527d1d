#include "debugger/stepping/step_plan.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "debugger/stack/frame_rule.hpp"
#include "dwarf/dwarf_info.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {



// Functions `step` does not enter: the runtime and the compiler's helpers, which hold nothing
// for a Go programmer (unless the step starts inside the runtime).
bool is_runtime_function(std::string_view name) {
  return name.starts_with("runtime.") || name.starts_with("internal/") ||
         name.starts_with("runtime/internal/") || name.starts_with("type:.") ||
         name.starts_with("type..") || name.starts_with("go:") || name.starts_with("gogo") ||
         name.starts_with("_rt0") || name.find(".abi0") != std::string_view::npos;
}

thread_g goroutine_of(session& s, pid_t tid) {
  thread_g out;
  if (!s.has_binary() || !s.bin().is_go()) return out;
  try {
    auto& rt = s.runtime();
    auto g = rt.g_on_thread(tid);
    if (!g) return out;
    out.goid = rt.goid_of(*g);
    out.stack_hi = s.process().read_value<std::uint64_t>(virt_addr(*g + 8));
  } catch (const error&) {
  }
  return out;
}

std::optional<std::uint64_t> cfa_of(session& s, std::uint64_t pc, std::uint64_t sp) {
  frame_registers_set regs;
  regs.set(reg_id::rip, pc);
  regs.set(reg_id::rsp, sp);
  return frame_cfa(s.bin(), s.bias(), pc, regs);
}

bool frame_key::same_goroutine(session& s, pid_t t, thread_g& g) const {
  if (goid) {
    g = goroutine_of(s, t);
    return g.goid == goid;
  }
  return t == tid;
}

frame_key key_for(session& s, pid_t tid, std::uint64_t cfa) {
  frame_key k;
  k.tid = tid;
  k.cfa = cfa;
  auto g = goroutine_of(s, tid);
  if (g.goid && *g.goid != 0) {
    k.goid = g.goid;
    if (g.stack_hi && *g.stack_hi >= cfa) k.depth = *g.stack_hi - cfa;
  }
  return k;
}

void step_plan::prepare() {
  const auto& r = s_.process().regs(tid_);
  auto cfa = cfa_of(s_, r.rip, r.rsp);
  if (!cfa) fail("cannot find the frame at {:#x}: use stepi/nexti here", r.rip);
  prepare_frame(r.rip, *cfa, std::nullopt);
}

void step_plan::prepare_frame(std::uint64_t pc, std::uint64_t cfa, std::optional<int> level) {
  auto& proc = s_.process();
  pc_ = pc;
  auto fn = s_.bin().function_at(s_.bias().to_file(virt_addr(pc_)));
  if (!fn) fail("no function at {:#x}: use stepi/nexti here", pc_);
  fn_ = *fn;
  entry_ = s_.bias().to_virt(fn_.entry).value();
  end_ = s_.bias().to_virt(fn_.end).value();
  if (end_ <= entry_ || end_ - entry_ > (8u << 20)) fail("{}: bad function bounds", fn_.name);
  auto chain = chain_at(pc_);
  level_ = chain.empty() ? 0 : int(chain.size()) - 1;
  if (level) level_ = std::min(level_, *level);
  auto here = line_at_level(chain, level_);
  line_ = here.line;
  function_at_level_ = here.function;
  key_ = key_for(s_, tid_, cfa);
  // The caller: the return address sits just below the CFA.
  if (!outermost(fn_.name))
    if (auto ret = proc.read_value<std::uint64_t>(virt_addr(cfa - 8)); ret && *ret)
      if (s_.bin().function_at(s_.bias().to_file(virt_addr(*ret)))) return_address_ = *ret;
  std::vector<std::uint8_t> code(end_ - entry_);
  if (!proc.read(virt_addr(entry_), code)) fail("cannot read the code of {}", fn_.name);
  static const disassembler dis;
  insns_ = dis.decode(code, entry_);
}

void step_plan::add_exit_stops() {
  bool prev_left = true;
  for (auto& i : insns_) {
    auto li = here_at(i.address);
    if (li.left && !prev_left && i.address != entry_) add_frame_stop(i.address);
    prev_left = li.left;
  }
  if (return_address_) add_return_stop(*return_address_, key_);
}

void step_plan::add_line_stops() {
  int prev_line = -2;
  bool prev_left = false;
  auto* dw = s_.bin().dwarf();
  for (auto& i : insns_) {
    auto li = here_at(i.address);
    bool start = li.left != prev_left || li.line != prev_line;
    prev_line = li.line;
    prev_left = li.left;
    if (!start || i.address == entry_) continue;
    if (!li.left && (li.line == line_ || li.line == 0)) continue;
    if (dw && !li.left) {
      // Where DWARF is there, it says which line starts are statements.
      if (auto row = dw->line_at(s_.bias().to_file(virt_addr(i.address)));
          row && row->addr.value() == s_.bias().to_file(virt_addr(i.address)).value() &&
          !row->is_stmt)
        continue;
    }
    add_frame_stop(i.address);
  }
  if (return_address_) add_return_stop(*return_address_, key_);
}

void step_plan::add_call_stops() {
  bool in_runtime = is_runtime_function(fn_.name);
  std::set<std::uint64_t> done;
  std::string prev_inlined;
  for (auto& i : insns_) {
    auto chain = chain_at(i.address);
    auto li = here_at(i.address);
    // The first instruction of a call inlined into the current line: a stop in this frame.
    std::string inlined;
    int depth = int(chain.size()) - 1;
    if (!li.left && li.line == line_ && depth > level_)
      inlined = chain[std::size_t(depth - level_ - 1)].function;
    if (!inlined.empty() && inlined != prev_inlined &&
        (in_runtime || !is_runtime_function(inlined)) && i.address != pc_)
      add_frame_stop(i.address);
    prev_inlined = inlined;
    if (!i.is_call) continue;
    if (li.left || li.line != line_) continue;
    if (i.branch_target) {
      auto callee = s_.bin().function_at(s_.bias().to_file(virt_addr(*i.branch_target)));
      if (!callee) continue;
      if (!in_runtime && is_runtime_function(callee->name)) continue;
      auto body = s_.function_breakpoint_address(*callee);
      if (!body || !done.insert(*body).second) continue;
      add_goroutine_stop(*body);
    } else {
      // An indirect call (closure, interface method): stop on the call itself, then follow it
      // one instruction in (see run()).
      add_indirect_stop(i.address);
    }
  }
}

void step_plan::add_finish_stop(std::uint64_t ret, std::uint64_t frame_cfa) {
  frame_key k = key_for(s_, tid_, frame_cfa);
  add_return_stop(ret, k);
}

run_result step_plan::run_and_describe() {
  session::outcome o;
  try {
    o = run();
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
  return s_.to_result(o);
}

const function_info& step_plan::function() const { return fn_; }

bool step_plan::has_stops() const { return !stops_.empty(); }

std::vector<go_inline_frame> step_plan::chain_at(std::uint64_t pc) const {
  file_addr fa = s_.bias().to_file(virt_addr(pc));
  if (auto* tab = s_.bin().pclntab()) {
    auto c = tab->inline_at(fa);
    if (!c.empty()) return c;
  }
  if (auto l = s_.bin().line_at(fa)) return {go_inline_frame{fn_.name, l->file, l->line}};
  return {};
}

line_info step_plan::here_at(std::uint64_t pc) const {
  auto li = line_at_level(chain_at(pc), level_);
  if (!li.left && level_ > 0 && li.function != function_at_level_) li.left = true;
  return li;
}

line_info step_plan::line_at_level(const std::vector<go_inline_frame>& chain, int level) {
  line_info out;
  if (chain.empty()) return out;
  int depth = int(chain.size()) - 1;
  if (depth < level) {
    out.left = true;
    return out;
  }
  const auto& f = chain[std::size_t(depth - level)];
  out.line = f.line;
  out.function = f.function;
  return out;
}

bool step_plan::outermost(const std::string& name) {
  return name == "runtime.goexit" || name == "runtime.mstart" || name == "runtime.rt0_go" ||
         name == "runtime.mstart0" || name == "_rt0_amd64_linux" || name == "_rt0_amd64";
}

void step_plan::add_frame_stop(std::uint64_t a) {
  frame_key k = key_;
  session* s = &s_;
  stops_.push_back(s_.add_internal_stop(virt_addr(a), [s, k](pid_t t) {
    thread_g g;
    if (!k.same_goroutine(*s, t, g)) return false;
    const auto& r = s->process().regs(t);
    auto cfa = cfa_of(*s, r.rip, r.rsp);
    return cfa && k.rel(g, *cfa) == k.my_rel();
  }));
}

void step_plan::add_return_stop(std::uint64_t a, const frame_key& k) {
  session* s = &s_;
  stops_.push_back(s_.add_internal_stop(virt_addr(a), [s, k](pid_t t) {
    thread_g g;
    if (!k.same_goroutine(*s, t, g)) return false;
    // Back in the caller, the SP is the returned frame's CFA (or above it, after a panic
    // unwound more frames).
    std::uint64_t sp = s->process().regs(t).rsp;
    if (k.relative()) return g.stack_hi && *g.stack_hi - sp <= k.my_rel();
    return sp >= k.cfa;
  }));
}

void step_plan::add_goroutine_stop(std::uint64_t a) {
  frame_key k = key_;
  session* s = &s_;
  stops_.push_back(s_.add_internal_stop(virt_addr(a), [s, k](pid_t t) {
    thread_g g;
    return k.same_goroutine(*s, t, g);
  }));
}

void step_plan::add_indirect_stop(std::uint64_t a) {
  frame_key k = key_;
  session* s = &s_;
  int h = s_.add_internal_stop(virt_addr(a), [s, k](pid_t t) {
    thread_g g;
    if (!k.same_goroutine(*s, t, g)) return false;
    const auto& r = s->process().regs(t);
    auto cfa = cfa_of(*s, r.rip, r.rsp);
    return cfa && k.rel(g, *cfa) == k.my_rel();
  });
  stops_.push_back(h);
  indirect_.insert(h);
}

bool step_plan::only_indirect_hit(const session::outcome& o) const {
  const auto& hits = o.internal;
  if (hits.empty()) return false;
  return std::all_of(hits.begin(), hits.end(), [&](int h) { return indirect_.count(h) != 0; });
}

session::outcome step_plan::run() {
  for (;;) {
    auto o = s_.run_until({});
    if (!s_.has_process() || o.ev.what != inferior_event::kind::breakpoint ||
        !only_indirect_hit(o))
      return o;
    // At an indirect call of the current line: one instruction in, then, if the callee is
    // worth entering, run to its body; else go on.
    pid_t t = o.ev.tid;
    auto in = s_.single_step(t);
    if (!s_.has_process() || in.ev.what != inferior_event::kind::step) return in;
    std::uint64_t pc = s_.process().pc(t);
    auto callee = s_.bin().function_at(s_.bias().to_file(virt_addr(pc)));
    bool enter = callee && (is_runtime_function(fn_.name) || !is_runtime_function(callee->name));
    if (enter) {
      auto body = s_.function_breakpoint_address(*callee);
      if (body && *body == pc) {
        s_.process().mark_reported(t);
        return in;
      }
      if (body) add_goroutine_stop(*body);
    }
  }
}

void step_plan::cleanup() {
  for (int h : stops_) s_.remove_internal_stop(h);
  stops_.clear();
}

}  // namespace godbg

// Source-level stepping that follows the current goroutine, as Delve does it: internal stops at
// the line starts of the current function and at its return address (and, for `step`, at the
// body of every function the current line calls), each wanted only by the same goroutine in the
// same frame; then every thread runs. Frames are compared by their distance from the top of the
// goroutine's stack (g.stack.hi - CFA), which survives the runtime copying the stack.
#include <algorithm>
#include <charconv>
#include <set>

#include "arch_amd64/disassembler.hpp"
#include "common/error.hpp"
#include "commands/commands.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "goruntime/go_runtime.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "process/ptrace_ops.hpp"
#include "debugger/return_values.hpp"
#include "debugger/session.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_variables.hpp"
#include "dwarf/gopclntab.hpp"

namespace godbg {

namespace {

// Functions `step` does not enter: the runtime and the compiler's helpers, which hold nothing
// for a Go programmer (unless the step starts inside the runtime).
bool is_runtime_function(std::string_view name) {
  return name.starts_with("runtime.") || name.starts_with("internal/") ||
         name.starts_with("runtime/internal/") || name.starts_with("type:.") ||
         name.starts_with("type..") || name.starts_with("go:") || name.starts_with("gogo") ||
         name.starts_with("_rt0") || name.find(".abi0") != std::string_view::npos;
}

// Which goroutine a thread runs, and where its stack tops out (g.stack.hi: runtime.g starts with
// stack{lo, hi} in every Go version).
struct thread_g {
  std::optional<std::int64_t> goid;
  std::optional<std::uint64_t> stack_hi;
};

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

// The CFA of the frame running at pc with stack pointer sp.
std::optional<std::uint64_t> cfa_of(session& s, std::uint64_t pc, std::uint64_t sp) {
  file_addr fa = s.bias().to_file(virt_addr(pc));
  if (auto* tab = s.bin().pclntab())
    if (tab->func_at(fa))
      if (auto d = tab->sp_delta_at(fa); d && *d >= 0) return sp + std::uint64_t(*d) + 8;
  if (auto* dw = s.bin().dwarf())
    if (auto rule = dw->cfa_at(fa); rule && rule->cfa_register == 7)
      return sp + std::uint64_t(rule->cfa_offset);
  return std::nullopt;
}

// How to recognize one frame of one goroutine again, wherever its stack has moved.
struct frame_key {
  pid_t tid = 0;
  std::optional<std::int64_t> goid;    // set when the thread runs a user goroutine
  std::optional<std::uint64_t> depth;  // stack_hi - CFA, when stack_hi is known
  std::uint64_t cfa = 0;               // raw CFA (fallback)

  bool same_goroutine(session& s, pid_t t, thread_g& g) const {
    if (goid) {
      g = goroutine_of(s, t);
      return g.goid == goid;
    }
    return t == tid;
  }
  // Distance of a stack address from the top of its goroutine's stack (or the raw address).
  std::uint64_t rel(const thread_g& g, std::uint64_t a) const {
    if (goid && depth && g.stack_hi) return *g.stack_hi - a;
    return a;
  }
  std::uint64_t my_rel() const { return goid && depth ? *depth : cfa; }
  bool relative() const { return goid && depth; }
};

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

// The line of `pc` at one level of inlining, counted from the physical function (level 0); -1
// when pc is outside that inlined body (it returned), 0 when unknown.
struct line_info {
  int line = 0;
  bool left = false;
  std::string function;
};

class step_plan {
 public:
  step_plan(session& s, pid_t tid) : s_(s), tid_(tid) {}

  // Everything `next` needs from frame 0 of the thread.
  void prepare() {
    const auto& r = s_.process().regs(tid_);
    auto cfa = cfa_of(s_, r.rip, r.rsp);
    if (!cfa) fail("cannot find the frame at {:#x}: use stepi/nexti here", r.rip);
    prepare_frame(r.rip, *cfa, std::nullopt);
  }

  // The same for any physical frame of the thread's goroutine (pc, CFA); `level`: how deep in
  // inlined calls the frame of interest is (default: the innermost at pc).
  void prepare_frame(std::uint64_t pc, std::uint64_t cfa, std::optional<int> level) {
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

  // Stops for finishing an inlined call: wherever the code of this frame leaves the inlined
  // body, and the return address of the physical function.
  void add_exit_stops() {
    bool prev_left = true;
    for (auto& i : insns_) {
      auto li = here_at(i.address);
      if (li.left && !prev_left && i.address != entry_) add_frame_stop(i.address);
      prev_left = li.left;
    }
    if (return_address_) add_return_stop(*return_address_, key_);
  }

  // Stops for `next`: each line start in this function other than the current line, wanted by
  // this frame only; and the return address, wanted by the caller's frame.
  void add_line_stops() {
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

  // Stops for `step`: the bodies of the functions the current line calls directly.
  void add_call_stops() {
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

  // Stop for `finish`: the return address of a frame, when the goroutine's stack has unwound
  // above that frame.
  void add_finish_stop(std::uint64_t ret, std::uint64_t frame_cfa) {
    frame_key k = key_for(s_, tid_, frame_cfa);
    add_return_stop(ret, k);
  }

  // Runs until a stop is wanted; follows indirect calls into user functions. Cleans up its stops.
  void run_and_report() {
    inferior_event ev;
    try {
      ev = run();
    } catch (...) {
      cleanup();
      throw;
    }
    cleanup();
    s_.report_event(ev);
  }

  const function_info& function() const { return fn_; }
  bool has_stops() const { return !stops_.empty(); }

 private:
  std::vector<go_inline_frame> chain_at(std::uint64_t pc) const {
    file_addr fa = s_.bias().to_file(virt_addr(pc));
    if (auto* tab = s_.bin().pclntab()) {
      auto c = tab->inline_at(fa);
      if (!c.empty()) return c;
    }
    if (auto l = s_.bin().line_at(fa)) return {go_inline_frame{fn_.name, l->file, l->line}};
    return {};
  }

  // The line of pc in the function being stepped (its inlined calls folded into their call
  // lines); `left` when pc is outside it (an inlined body that returned).
  line_info here_at(std::uint64_t pc) const {
    auto li = line_at_level(chain_at(pc), level_);
    if (!li.left && level_ > 0 && li.function != function_at_level_) li.left = true;
    return li;
  }

  static line_info line_at_level(const std::vector<go_inline_frame>& chain, int level) {
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

  static bool outermost(const std::string& name) {
    return name == "runtime.goexit" || name == "runtime.mstart" || name == "runtime.rt0_go" ||
           name == "runtime.mstart0" || name == "_rt0_amd64_linux" || name == "_rt0_amd64";
  }

  void add_frame_stop(std::uint64_t a) {
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

  void add_return_stop(std::uint64_t a, const frame_key& k) {
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

  void add_goroutine_stop(std::uint64_t a) {
    frame_key k = key_;
    session* s = &s_;
    stops_.push_back(s_.add_internal_stop(virt_addr(a), [s, k](pid_t t) {
      thread_g g;
      return k.same_goroutine(*s, t, g);
    }));
  }

  void add_indirect_stop(std::uint64_t a) {
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

  bool only_indirect_hit() const {
    const auto& hits = s_.last_internal_hits();
    if (hits.empty()) return false;
    return std::all_of(hits.begin(), hits.end(), [&](int h) { return indirect_.count(h) != 0; });
  }

  inferior_event run() {
    for (;;) {
      auto ev = s_.run_until({});
      if (!s_.has_process() || ev.what != inferior_event::kind::breakpoint || !only_indirect_hit())
        return ev;
      // At an indirect call of the current line: one instruction in, then, if the callee is
      // worth entering, run to its body; else go on.
      pid_t t = ev.tid;
      auto in = s_.process().single_step(t);
      if (!s_.has_process() || in.what != inferior_event::kind::step) return in;
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

  void cleanup() {
    for (int h : stops_) s_.remove_internal_stop(h);
    stops_.clear();
  }

  session& s_;
  pid_t tid_;
  std::uint64_t pc_ = 0, entry_ = 0, end_ = 0;
  function_info fn_;
  int level_ = 0;
  int line_ = 0;
  std::string function_at_level_;
  frame_key key_;
  std::optional<std::uint64_t> return_address_;
  std::vector<instruction> insns_;
  std::vector<int> stops_;
  std::set<int> indirect_;
};

void source_step(session& s, bool into) {
  s.process();
  step_plan plan(s, s.current_tid());
  plan.prepare();
  plan.add_line_stops();
  if (into) plan.add_call_stops();
  if (!plan.has_stops())
    fail(
        "{}: no other source line here and no caller to return to (it never returns); use "
        "stepi, or a breakpoint",
        plan.function().name);
  plan.run_and_report();
}

}  // namespace

namespace cmd {

void next(session& s, const command_args& a) {
  int n = count_arg(a);
  for (int i = 0; i < n && s.has_process(); ++i) source_step(s, false);
}

void step(session& s, const command_args& a) {
  int n = count_arg(a);
  for (int i = 0; i < n && s.has_process(); ++i) source_step(s, true);
}

namespace {

// The results a function declares (Go's ~r0... or their names), from DWARF; none without it.
std::vector<dwarf_variable> declared_results(session& s, std::uint64_t pc) {
  std::vector<dwarf_variable> out;
  const dwarf_info* dw = s.bin().dwarf();
  if (!dw) return out;
  for (const auto& v : dw->locals_at(s.bias().to_file(virt_addr(pc))))
    if (v.is_return && v.type) out.push_back(v);
  return out;
}

void report_results(session& s, pid_t tid, const std::vector<dwarf_variable>& results) {
  std::vector<const go_type*> types;
  for (const auto& v : results) types.push_back(v.type);
  auto where = assign_results(types);
  const auto& regs = s.process().regs(tid);
  auto fp = ptrace_ops::get_fpregs(tid);
  std::vector<value_record> out;
  for (std::size_t i = 0; i < results.size(); ++i) {
    bool floats = where[i] && std::any_of(where[i]->begin(), where[i]->end(),
                                          [](const abi_piece& p) { return p.is_float; });
    if (!where[i] || (floats && !fp)) {
      value_record rec;
      rec.expr = results[i].name;
      rec.type = results[i].type->name;
      rec.text = where[i] ? "<float registers unreadable>" : "<returned on the stack: not shown>";
      out.push_back(std::move(rec));
      continue;
    }
    go_value v;
    v.type = results[i].type;
    v.bytes = result_bytes(*v.type, *where[i], regs, fp);
    out.push_back(describe_value(s, results[i].name, v));
  }
  s.out().returned(out);
}

}  // namespace

void finish(session& s, const command_args&) {
  s.process();
  int n = s.current_frame();
  auto frames = current_stack(s, std::size_t(n) + 64);
  if (std::size_t(n) >= frames.size()) fail("no frame {}", n);
  // An inlined call has no frame of its own: run until the code leaves its body.
  std::size_t phys = std::size_t(n);
  while (phys < frames.size() && frames[phys].inlined) ++phys;
  if (phys + 1 >= frames.size() && phys == std::size_t(n))
    fail("finish: {} is the outermost frame", frames[std::size_t(n)].where.function.value_or("??"));
  // The caller's SP once the frame returned is the frame's CFA: the caller's recorded SP.
  pid_t tid = s.current_tid();
  if (auto g = s.selected_goroutine()) {
    auto cg = current_goroutine(s);
    if (!cg || !cg->tid)
      fail("finish: goroutine {} is not running on a thread; select its thread", *g);
    tid = *cg->tid;
  }
  if (tid != s.current_tid()) s.select_thread(tid);
  step_plan plan(s, tid);
  if (phys != std::size_t(n)) {
    // The physical frame's CFA: the SP its caller has, or, for the outermost, from its own SP.
    std::optional<std::uint64_t> cfa;
    if (phys + 1 < frames.size())
      cfa = frames[phys + 1].sp;
    else
      cfa = cfa_of(s, frames[phys].where.pc, frames[phys].sp);
    if (!cfa)
      fail("finish: cannot find the frame of {}", frames[phys].where.function.value_or("??"));
    plan.prepare_frame(frames[phys].where.pc, *cfa, int(phys - std::size_t(n)));
    plan.add_exit_stops();
  } else {
    const frame_record& caller = frames[phys + 1];
    auto results = declared_results(s, frames[phys].where.pc);
    plan.add_finish_stop(caller.where.pc, caller.sp);
    plan.run_and_report();
    // Back at the return address (not stopped elsewhere, not unwound by a panic): the results
    // are where the register ABI put them. The goroutine may have moved to another thread.
    if (!results.empty() && s.has_process()) {
      pid_t now = s.current_tid();
      if (s.process().has_thread(now) && s.process().regs(now).rip == caller.where.pc)
        report_results(s, now, results);
    }
    return;
  }
  plan.run_and_report();
}

}  // namespace cmd
}  // namespace godbg

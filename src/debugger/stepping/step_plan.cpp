#include "debugger/stepping/step_plan.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "debugger/stack/frame_rule.hpp"
#include "debugger/stepping/coroutines.hpp"
#include "debugger/stepping/step_rules.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {

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

step_plan::step_plan(session& s, pid_t tid) : s_(s), tid_(tid), g_(goroutine_of(s, tid)) {
  if (g_.goid && *g_.goid == 0) g_ = {};  // the system stack: follow the thread
}

step_plan::~step_plan() {
  try {
    clear();
  } catch (...) {
  }
}

stack_pos step_plan::pos_on(session&, const thread_g& g, std::uint64_t a) {
  if (g.goid && *g.goid != 0 && g.stack_hi && *g.stack_hi >= a) return {true, *g.stack_hi - a};
  return {false, a};
}

stack_pos step_plan::pos(std::uint64_t a) const {
  return pos_on(s_, g_, a);
}

bool step_plan::same_goroutine(pid_t t, thread_g& g) const {
  g = goroutine_of(s_, t);
  if (g_.goid) return g.goid == g_.goid;
  return t == tid_;
}

bool step_plan::works_for_goroutine(pid_t t) const {
  if (!g_.goid) return t == tid_;
  try {
    auto& rt = s_.runtime();
    auto g = rt.goroutine_on_thread(t).g;
    return g && rt.goid_of(*g) == g_.goid;
  } catch (const error&) {
    return false;
  }
}

bool step_plan::in_frame(pid_t t, const stack_pos& frame) const {
  thread_g g;
  if (!same_goroutine(t, g)) return false;
  const auto& r = s_.process().regs(t);
  auto cfa = cfa_of(s_, r.rip, r.rsp);
  return cfa && pos_on(s_, g, *cfa) == frame;
}

void step_plan::add_frame_stop(std::uint64_t pc, stack_pos frame, kind k,
                               std::shared_ptr<bool> active) {
  add_stop(pc, k, [this, frame, active](pid_t t) {
    if (active && !*active) return false;
    return in_frame(t, frame);
  });
}

void step_plan::add_goroutine_stop(std::uint64_t pc, kind k) {
  add_stop(pc, k, [this](pid_t t) {
    thread_g g;
    return same_goroutine(t, g);
  });
}

void step_plan::add_stop(std::uint64_t pc, kind k, std::function<bool(pid_t)> wants) {
  stops_.push_back({s_.add_internal_stop(virt_addr(pc), std::move(wants)), k});
}

void step_plan::clear() {
  if (s_.has_process())
    for (const auto& p : stops_) s_.remove_internal_stop(p.handle);
  stops_.clear();
}

const step_plan::planned* step_plan::find(int handle) const {
  for (const auto& p : stops_)
    if (p.handle == handle) return &p;
  return nullptr;
}

step_plan::result step_plan::run(const std::string& from) {
  for (;;) {
    result r{s_.run_until({}), false};
    const auto& o = r.outcome;
    if (!s_.has_process() || o.ev.what != inferior_event::kind::breakpoint) return r;
    if (!o.breakpoints.empty()) return r;  // a user breakpoint ends the step
    const planned* action = nullptr;
    bool ends = false;
    for (int h : o.internal) {
      const planned* p = find(h);
      if (!p || p->k == kind::stop)
        ends = true;  // ours, or another's (a panic, a fatal error)
      else if (p->k == kind::renext)
        r.renext = true;
      else if (!action)
        action = p;
    }
    if (ends) {
      r.renext = false;
      return r;
    }
    if (r.renext || !action) return r;
    if (action->k == kind::go_statement) {
      enter_goroutine(o.ev.tid);
      continue;
    }
    if (auto done = enter_call(o.ev.tid, from, action->k == kind::follow)) return {*done, false};
  }
}

std::optional<session::outcome> step_plan::enter_call(pid_t t, const std::string& from,
                                                      bool coroutine_ok) {
  auto in = s_.single_step(t);
  if (!s_.has_process() || in.ev.what != inferior_event::kind::step) return in;
  std::uint64_t pc = s_.process().pc(t);
  if (coroutine_ok)
    if (auto c = coroutine_target(s_, t)) {
      // iter.Pull's next/yield/stop switch to the coroutine's goroutine: the step goes on there,
      // and every stop for this goroutine is moot.
      clear();
      std::int64_t id = c->goid;
      add_stop(c->pc, kind::stop, [this, id](pid_t th) { return goroutine_of(s_, th).goid == id; });
      return std::nullopt;
    }
  auto dest = step_into_address(s_, from, pc);
  if (!dest) return std::nullopt;  // not entered: the other stops catch its return
  if (*dest == pc) return in;
  add_goroutine_stop(*dest);
  return std::nullopt;
}

void step_plan::enter_goroutine(pid_t t) {
  std::uint64_t newg = s_.process().regs(t).rax;
  auto& rt = s_.runtime();
  auto goid = rt.goid_of(newg);
  auto start = rt.g_startpc(newg);
  if (!goid || !start) return;
  auto fn = s_.bin().function_at(s_.bias().to_file(virt_addr(*start)));
  if (!fn) return;
  // `go f(x)` starts a wrapper (main.main.gowrap1, or an autogenerated one): past it to f.
  auto [target, pc] = skip_wrappers_in(s_, *fn, *start, true);
  (void)pc;
  clear();
  std::int64_t id = *goid;
  add_stop(body_address(s_, target), kind::stop,
           [this, id](pid_t th) { return goroutine_of(s_, th).goid == id; });
}

}  // namespace godbg

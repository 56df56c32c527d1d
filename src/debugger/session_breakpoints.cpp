// The session's side of breakpoints that do more than stop: service stops (the debugger's own
// work with every thread stopped, then on), enabling and disabling, tracepoints, and what
// watchpoints and traced calls hold when the program ends.
#include <utility>

#include "common/error.hpp"
#include "debugger/breakpoints/tracepoints.hpp"
#include "debugger/breakpoints/watchpoints.hpp"
#include "debugger/session.hpp"

namespace godbg {

int session::add_service_stop(virt_addr a, std::function<bool(pid_t)> wants,
                              std::function<bool(pid_t, outcome&)> act) {
  int h = add_internal_stop(a, std::move(wants));
  internal_.at(h).act = std::move(act);
  return h;
}

void session::retire_internal_stop(int handle) {
  retired_.push_back(handle);
}

bool session::run_service(const std::vector<int>& wanted, outcome& o) {
  bool report = false;
  for (int h : wanted) {
    auto it = internal_.find(h);
    if (it == internal_.end() || !it->second.act) continue;
    auto act = it->second.act;  // it may remove its own stop
    if (act(o.ev.tid, o)) report = true;
  }
  for (int h : std::exchange(retired_, {})) remove_internal_stop(h);
  return report;
}

void session::set_enabled(int id, bool on) {
  auto* bp = breakpoints_.find(id);
  if (!bp) fail("no breakpoint {}", id);
  if (bp->enabled == on) return;
  if (bp->kind == breakpoint_kind::watchpoint) {
    paused([&] {
      if (on)
        arm_watchpoint(*this, *bp);
      else
        disarm_watchpoint(*this, *bp);
    });
  } else if (on) {
    for (auto a : bp->sites) retain_site(a);
  } else {
    for (auto a : bp->sites) release_site(a);
    drop_trace_returns(*this, *bp);
  }
  bp->enabled = on;
}

user_breakpoint& session::add_tracepoint(const std::string& spec) {
  auto& tp = add_breakpoint(spec, false);
  tp.kind = breakpoint_kind::tracepoint;
  return tp;
}

void session::drop_breakpoint_state(user_breakpoint& bp) {
  if (bp.watch) paused([&] { drop_watchpoint(*this, bp); });
  drop_trace_returns(*this, bp);
}

// The program ended: a watchpoint's memory went with it (gdb keeps those on globals to set
// again at the next run; godbg deletes them all), and no traced call will return.
void session::forget_program_state() {
  for (int id : breakpoints_.ids()) {
    auto* bp = breakpoints_.find(id);
    if (bp->kind == breakpoint_kind::watchpoint) {
      drop_watchpoint(*this, *bp);
      breakpoints_.remove(id);
    } else {
      drop_trace_returns(*this, *bp);
    }
  }
  // The rings went with the process; the stop that drained them at runtime.exit with it.
  if (in_target_.exit_stop) remove_internal_stop(*in_target_.exit_stop);
  in_target_.exit_stop.reset();
  in_target_.traces.clear();
}

}  // namespace godbg

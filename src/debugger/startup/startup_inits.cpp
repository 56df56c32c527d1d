// Package init in the startup report: one "init" stage per package, in the order the runtime
// ran them, and the two phases they fall in (the runtime's own before gcenable, every other
// package's after). The runtime's accounting when it can be switched on (init_trace.hpp);
// otherwise stops at each package's init, timed with the program clock.
#include <algorithm>
#include <cstdint>

#include "common/error.hpp"
#include "debugger/startup/startup_machine.hpp"

namespace godbg {

// Go 1.21+: runtime.main calls doInit1(t *initTask) once per package, in the order the linker
// laid the tasks out; a task whose state is not 0 has run already.
void startup_machine::on_doinit1(pid_t tid) {
  std::uint64_t t = regs(tid).rax;
  auto task = rt().read_init_task(t);
  // A second entry for the same task: morestack grew the stack and restarted the function.
  if (!task || task->state != 0 || task->nfns == 0 || !init_tasks_seen_.insert(t).second) return;
  stage_rec r;
  r.stage = "init";
  r.t_us = clock_.now_us();
  r.tid = tid;
  r.goid = 1;
  r.package = task->package;
  inits_.push_back(std::move(r));
  init_after_gcenable_.push_back(gcenable_us_.has_value());  // stops come in the program's order
  std::size_t i = inits_.size() - 1;
  arm_return(tid, [this, i](pid_t) { inits_[i].dur_us = clock_.now_us() - inits_[i].t_us; });
}

// Go 1.19/1.20: doInit(t) is recursive: it runs the dependencies' tasks first, then the
// package's own functions. The package's init begins at its first function.
void startup_machine::on_doinit_old(pid_t tid) {
  std::uint64_t t = regs(tid).rax;
  auto task = rt().read_init_task(t);
  if (!task || task->state != 0 || task->nfns == 0 || !task->first_function ||
      !init_tasks_seen_.insert(t).second)
    return;
  auto idx = std::make_shared<std::optional<std::size_t>>();
  arm(virt_addr(task->first_function), true, tid, [this, tid, idx, pkg = task->package](pid_t) {
    stage_rec r;
    r.stage = "init";
    r.t_us = clock_.now_us();
    r.tid = tid;
    r.goid = 1;
    r.package = pkg;
    inits_.push_back(std::move(r));
    init_after_gcenable_.push_back(gcenable_us_.has_value());
    *idx = inits_.size() - 1;
  });
  arm_return(tid, [this, idx](pid_t) {
    if (*idx) inits_[**idx].dur_us = clock_.now_us() - inits_[**idx].t_us;
  });
}

void startup_machine::arm_init_stops() {
  if (minor_ && *minor_ >= 21)
    arm_function("runtime.doInit1", false, false, 0, [this](pid_t t) { on_doinit1(t); });
  else
    arm_function("runtime.doInit", false, false, 0, [this](pid_t t) { on_doinit_old(t); });
}

// At main.main (or where the report ends with the program stopped): the runtime's lines, each
// placed on the program clock. The runtime's instants are CLOCK_MONOTONIC like godbg's, so the
// spans godbg held the program stopped, inside an init or before it, come off.
void startup_machine::collect_inits(pid_t tid) {
  if (inits_collected_) return;
  inits_collected_ = true;
  if (!tracer_.armed()) {
    add_init_phases();
    return;
  }
  auto got = tracer_.collect(tid);
  for (auto& w : got.warnings) warnings_.push_back(w);
  if (!got.init_time) {
    warnings_.push_back("startup: runtime.runtimeInitTime unreadable: package inits not placed");
    return;
  }
  std::uint64_t prev_end = 0;
  for (auto& t : got.inits) {
    std::int64_t from = *got.init_time + std::int64_t(t.start_ns);
    std::uint64_t a = clock_.at_monotonic_us(from);
    std::uint64_t b = clock_.at_monotonic_us(from + std::int64_t(t.dur_ns));
    bool after_gcenable = gcenable_ns_ && from >= *gcenable_ns_;
    stage_rec r;
    r.stage = "init";
    // The runtime prints two significant digits, truncated: an init starts no earlier than
    // the one before it ended. The stops around its phase (gcenable, main.main) were stamped
    // while the program ran, this afterwards: a wait taken off in between may have moved the
    // two apart by some µs, so the init is kept inside them.
    std::uint64_t lo = prev_end, hi = UINT64_MAX;
    if (after_gcenable && gcenable_us_) lo = std::max(lo, *gcenable_us_);
    if (!after_gcenable && gcenable_us_) hi = *gcenable_us_;
    if (after_gcenable && main_main_us_) hi = *main_main_us_;
    r.t_us = std::min(std::max(a, lo), std::max(lo, hi));
    std::uint64_t dur = b > a ? b - a : 0;
    if (hi != UINT64_MAX) dur = std::min(dur, hi > r.t_us ? hi - r.t_us : 0);
    r.dur_us = dur;
    prev_end = r.t_us + *r.dur_us;
    r.tid = pid_;  // runtime.main keeps goroutine 1 on m0 through init
    r.goid = g1_ ? rt().goid_of(*g1_) : std::nullopt;
    r.package = t.package;
    r.bytes = t.bytes;
    r.allocs = t.allocs;
    inits_.push_back(std::move(r));
    // Its phase from the runtime's instant and gcenable's on the same clock, not from program
    // times, which godbg's adjustments may have moved by a few µs across the boundary.
    init_after_gcenable_.push_back(after_gcenable);
  }
  add_init_phases();
}

// The runtime's package inits run before gcenable, every other package's after; each phase is
// a stage (runtime.doInit or doInit1, as the runtime's function is called) spanning its inits.
void startup_machine::add_init_phases() {
  std::string fn = minor_ && *minor_ >= 21 ? "runtime.doInit1" : "runtime.doInit";
  bool stops = init_by_stops_;
  bool by_instant = init_after_gcenable_.size() == inits_.size();
  auto phase_of = [&](std::size_t i) {
    bool main = by_instant ? bool(init_after_gcenable_[i])
                           : gcenable_us_ && inits_[i].t_us >= *gcenable_us_;
    return main ? "main" : "runtime";
  };
  for (const char* phase : {"runtime", "main"}) {
    std::vector<stage_rec*> in;
    for (std::size_t i = 0; i < inits_.size(); ++i)
      if (std::string_view(phase_of(i)) == phase) in.push_back(&inits_[i]);
    if (in.empty()) continue;
    stage_rec p;
    p.stage = fn;
    p.t_us = in.front()->t_us;
    p.tid = in.front()->tid;
    p.goid = in.front()->goid;
    std::uint64_t end = p.t_us, sum = 0;
    bool known = true;
    for (auto* r : in) {
      if (!r->dur_us) {
        known = false;
        continue;
      }
      end = std::max(end, r->t_us + *r->dur_us);
      sum += *r->dur_us;
    }
    if (known) p.dur_us = end - p.t_us;
    p.put("package", phase);
    p.put("packages", in.size());
    p.put("tasks", in.size());
    p.put("init_us", sum);
    p.put("measured", stops ? "stops" : "runtime");
    stages_.push_back(std::move(p));
    for (auto* r : in) {
      r->put("phase", phase);
      stages_.push_back(*r);
    }
  }
}

}  // namespace godbg

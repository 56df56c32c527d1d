// The startup report's result: stages in time order with their summaries, the thread names,
// and the sentence that says how the times were measured.
#include <algorithm>

#include "common/error.hpp"
#include "debugger/startup/startup_machine.hpp"

namespace godbg {

namespace {

std::string clock_text(bool runtime_inits, bool reached_main) {
  std::string s =
      "times are the program's own: until runtime.main the CPU time of its one thread "
      "(it runs alone and never waits), then the monotonic clock less the time godbg held it "
      "stopped";
  if (!reached_main) return s;
  if (runtime_inits)
    s += "; each package's init as the runtime itself timed and counted it (GODEBUG=inittrace=1's "
         "figures, switched on in memory: no stop inside an init)";
  else
    s += "; package inits timed with a stop at each (no DWARF for the runtime's own accounting): "
         "each stop's trap costs some µs, bytes and allocs unknown";
  return s;
}

}  // namespace

void startup_machine::finish(startup_result& res) {
  // Ended early with the program alive: put its memory back and keep what was traced so far.
  if (!inits_collected_ && s_.has_process() && !s_.process().running()) {
    try {
      collect_inits(s_.current_tid());
    } catch (const error& e) {
      warnings_.push_back(fmt::format("startup: package init not read: {}", e.what()));
    }
  }
  if (s_.has_process() && !s_.process().running()) {
    try {
      name_threads();
    } catch (const error&) {
    }
  }
  res.complete = done_;
  res.pid = pid_;
  res.program = s_.bin().path();
  std::vector<stage_rec> order(stages_.begin(), stages_.end());
  // Equal times (the clock stood still, or µs apart) keep the program's order, which insertion
  // does not give for what was placed afterwards: the runtime's inits before everything, main's
  // after gcenable and before main.main, the report's end last.
  auto rank = [](const stage_rec& r) {
    if (r.stage == "main.main" || r.get("until").boolean()) return 3;
    auto phase = r.stage == "init" ? r.get("phase") : r.get("package");
    if (r.stage == "init" || r.stage == "runtime.doInit" || r.stage == "runtime.doInit1") {
      if (phase == stage_value("runtime")) return 0;
      if (phase == stage_value("main")) return 2;
    }
    return 1;
  };
  std::stable_sort(order.begin(), order.end(), [&](const stage_rec& a, const stage_rec& b) {
    return a.t_us != b.t_us ? a.t_us < b.t_us : rank(a) < rank(b);
  });
  std::vector<const stage_rec*> inits;
  for (auto& r : order) {
    if (r.stage == "init") inits.push_back(&r);
    startup_stage st;
    st.stage = r.stage;
    st.t_us = r.t_us;
    st.dur_us = r.dur_us;
    st.tid = r.tid;
    st.goid = r.goid;
    st.summary = summarize(r, pid_);
    st.values = r.values;
    st.package = r.package;
    st.bytes = r.bytes;
    st.allocs = r.allocs;
    res.report.stages.push_back(std::move(st));
  }
  if (!inits.empty()) res.report.init_summary = init_summary(inits, 5);
  res.report.profile_summary = profile_summary_;
  res.report.clock = clock_text(!init_by_stops_, main_main_us_.has_value());
  res.threads = threads_;
  res.samples = samples_;
  res.warnings = warnings_;
}

startup_result trace_startup(session& s, const startup_options& o) {
  if (!s.has_process()) fail("startup: the program is not running");
  if (!s.bin().is_go()) fail("startup: {} is not a Go program", s.bin().path());
  startup_options opts = o;
  if (opts.until && (*opts.until == "main.main" || *opts.until == "main")) opts.until.reset();
  if (opts.sample_us == 0) opts.sample_us = 1000;
  startup_machine m(s, opts);
  return m.run();
}

std::optional<bool> startup_already_done(session& s) {
  if (!s.has_process()) return false;
  auto& rt = s.runtime();
  if (auto started = rt.main_started()) return *started;
  // Without symbols: runtime.main has started once goroutine 1 exists on some thread or a
  // second thread (sysmon) does.
  auto& proc = s.process();
  if (proc.thread_ids().size() > 1) return true;
  for (pid_t t : proc.thread_ids())
    if (auto g = rt.g_on_thread(t))
      if (auto id = rt.goid_of(*g); id && *id >= 1) return true;
  return std::nullopt;
}

}  // namespace godbg

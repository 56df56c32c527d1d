#include <fmt/format.h>

#include "debugger/startup/stage_rec.hpp"

namespace godbg {

namespace {

using json = stage_value;

// "3", or "?" for an unknown value; strings as they are.
std::string show(const json& v) {
  if (v.is_null()) return "?";
  if (v.is_string()) return v.string();
  if (v.is_boolean()) return v.boolean() ? "true" : "false";
  if (auto u = v.unsigned_integer()) return std::to_string(*u);
  if (auto i = v.integer()) return std::to_string(*i);
  if (v.is_list()) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.items().size(); ++i) s += (i ? "," : "") + show(v.items()[i]);
    return s + "]";
  }
  return "?";
}

std::string hex(const json& v) {
  if (auto u = v.unsigned_integer()) return fmt::format("{:#x}", *u);
  return show(v);
}

std::string argv_text(const json& v) {
  if (!v.is_list()) return show(v);
  std::string s = "[";
  for (std::size_t i = 0; i < v.items().size(); ++i) s += (i ? " " : "") + show(v.items()[i]);
  return s + "]";
}

}  // namespace

std::string summarize(const stage_rec& r, int pid) {
  const std::string& n = r.stage;
  auto v = [&](std::string_view k) { return r.get(k); };
  auto dur = [&]() { return r.dur_us ? fmt::format(", {}us", *r.dur_us) : std::string(); };
  if (n == "_rt0_amd64_linux") {
    std::string s = fmt::format("entry {}, argc={} on the stack", hex(v("entry")), show(v("argc")));
    if (!v("load_bias").is_null() && v("load_bias") != 0)
      s += fmt::format(" (PIE loaded at +{})", hex(v("load_bias")));
    return s;
  }
  if (n == "_rt0_amd64") return "argc and argv from the stack into DI and SI, on to rt0_go";
  if (n == "runtime.rt0_go")
    return fmt::format("argc={} argv={}: sets up g0's stack, TLS, m0 and g0", show(v("argc")),
                       hex(v("argv")));
  if (n == "runtime.check")
    return fmt::format("TLS holds g0 {} (m0 {}); checks types and atomics{}", hex(v("g0")),
                       hex(v("m0")), dur());
  if (n == "runtime.args")
    return fmt::format("argc={} argv={}", show(v("argc")), argv_text(v("argv")));
  // Stages whose values are read when they return: say so when the report ended first.
  bool read_at_return = n == "runtime.osinit" || n == "runtime.schedinit";
  if (read_at_return && !r.dur_us) return "values unknown: the report ended before it returned";
  if (n == "runtime.osinit")
    return fmt::format("ncpu={} physPageSize={}{}", show(v("ncpu")), show(v("physPageSize")),
                       dur());
  if (n == "runtime.schedinit") {
    auto env = v("GOMAXPROCS_env");
    return fmt::format("gomaxprocs={} Ps={} ({}){}", show(v("gomaxprocs")), show(v("Ps")),
                       env.is_null() ? std::string("GOMAXPROCS unset") : "GOMAXPROCS=" + show(env),
                       dur());
  }
  if (n == "runtime.newproc") {
    std::string s = v("new_goid").is_null() ? std::string("a goroutine (id unknown)")
                                            : "goroutine " + show(v("new_goid"));
    s += " created to run " + show(v("start_function"));
    if (!v("created_by").is_null()) s += " (go statement in " + show(v("created_by")) + ")";
    return s;
  }
  if (n == "runtime.mstart") return "m0 enters the scheduler";
  if (n == "runtime.main")
    return fmt::format("goroutine {} on thread {}{}, locked to it during init; threads={}",
                       show(v("goid")), r.tid, r.tid == pid ? " (main thread, m0)" : "",
                       show(v("threads")));
  if (n == "clone") {
    std::string m = v("m").is_null() ? "M?" : "M" + show(v("m"));
    std::string why;
    if (!v("mstartfn").is_null())
      why = ", runs " + show(v("mstartfn"));
    else if (!v("created_by").is_null())
      why = ", made by " + show(v("created_by"));
    return fmt::format("new thread {} for {}{} (cloned by thread {})", r.tid, m, why,
                       show(v("parent")));
  }
  if (n == "runtime.doInit" || n == "runtime.doInit1") {
    std::string tasks = v("tasks").is_null() ? "" : fmt::format(", {} tasks", show(v("tasks")));
    return fmt::format("package init of {}{}{}", show(v("package")), tasks, dur());
  }
  if (n == "runtime.gcenable") return fmt::format("GC enabled{}", dur());
  if (n == "main.main" || v("until").is_boolean()) {
    bool main = v("main_thread").boolean();
    std::string s = fmt::format("goroutine {} on thread {} ({})", show(v("goid")), r.tid,
                                main ? "the main thread" : "not the main thread");
    if (n == "main.main")
      s += fmt::format("; threads={} Ms={} goroutines={}", show(v("threads")), show(v("Ms")),
                       show(v("goroutines")));
    else if (!v("goroutine1_thread").is_null() && v("goid") != 1)
      s += fmt::format("; goroutine 1 on thread {}", show(v("goroutine1_thread")));
    return s;
  }
  return "";
}

}  // namespace godbg

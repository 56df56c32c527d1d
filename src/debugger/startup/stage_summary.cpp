#include <fmt/format.h>

#include <algorithm>

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

std::string ms_text(std::uint64_t us) {
  // Two significant digits below 10 ms, whole ms above, as runtime.fmtNSAsMS.
  if (us >= 10000) return fmt::format("{} ms", (us + 500) / 1000);
  if (us >= 1000) return fmt::format("{:.1f} ms", double(us) / 1000);
  if (us >= 100) return fmt::format("{:.2f} ms", double(us) / 1000);
  return fmt::format("{:.3f} ms", double(us) / 1000);
}

std::string short_package(const std::string& path) {
  auto first = path.find('/');
  if (first == std::string::npos || path.substr(0, first).find('.') == std::string::npos)
    return path;
  // Host and owner go: "github.com/alecthomas/chroma/v2/lexers" -> "chroma/v2/lexers".
  auto second = path.find('/', first + 1);
  if (second == std::string::npos || path.find('/', second + 1) == std::string::npos) return path;
  return path.substr(second + 1);
}

std::string init_summary(const std::vector<const stage_rec*>& inits, std::size_t top) {
  std::uint64_t sum = 0;
  std::vector<const stage_rec*> heavy;
  for (auto* r : inits)
    if (r->dur_us) {
      sum += *r->dur_us;
      heavy.push_back(r);
    }
  std::stable_sort(heavy.begin(), heavy.end(),
                   [](const stage_rec* a, const stage_rec* b) { return *a->dur_us > *b->dur_us; });
  std::string s = fmt::format("init: {} packages, {}", inits.size(), ms_text(sum));
  for (std::size_t i = 0; i < heavy.size() && i < top; ++i)
    s += fmt::format("{}{} {}", i ? ", " : "; ", short_package(heavy[i]->package.value_or("?")),
                     ms_text(*heavy[i]->dur_us));
  return s;
}

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
    std::string m = v("m").is_null() ? "an M not known yet" : "M" + show(v("m"));
    std::string why;
    if (!v("mstartfn").is_null())
      why = ", runs " + show(v("mstartfn"));
    else if (!v("created_by").is_null())
      why = ", made by " + show(v("created_by"));
    return fmt::format("new thread {} for {}{} (cloned by thread {})", r.tid, m, why,
                       show(v("parent")));
  }
  if (n == "runtime.doInit" || n == "runtime.doInit1") {
    std::string what = v("package") == "runtime" ? "the runtime's package init"
                                                 : "package init of main and its imports";
    return fmt::format("{}: {} packages, {} of init{}", what, show(v("packages")),
                       ms_text(v("init_us").unsigned_integer().value_or(0)),
                       r.dur_us ? fmt::format(" in {}", ms_text(*r.dur_us)) : std::string());
  }
  if (n == "init") {
    std::string s = fmt::format("{} {}", r.package.value_or("?"),
                                r.dur_us ? ms_text(*r.dur_us) : std::string("(time unknown)"));
    if (r.bytes && r.allocs) s += fmt::format(", {} bytes, {} allocs", *r.bytes, *r.allocs);
    return s;
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

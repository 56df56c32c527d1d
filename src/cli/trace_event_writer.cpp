#include "cli/trace_event_writer.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include "cli/stage_value_json.hpp"
#include "common/error.hpp"

namespace godbg {

namespace {
using json = nlohmann::json;

json values_of(const startup_stage& s) {
  json args = json::object();
  for (auto& [k, v] : s.values) args[k] = to_json(v);
  args["summary"] = s.summary;
  if (s.goid) args["goid"] = *s.goid;
  return args;
}

// The phases that never return but give way to the next one on the same thread: shown as spans
// up to the stage that ends them, so the chain functions nest inside them.
const std::map<std::string, std::vector<std::string>> phase_ends = {
    {"runtime.rt0_go", {"runtime.mstart", "runtime.main"}},
    {"runtime.mstart", {"runtime.main"}},
    {"runtime.main", {"main.main"}},
};
}  // namespace

// goroutine 1's sampled stacks from main.main to the until function, as a flame chart on a
// track of its own: at each depth, consecutive samples with the same frames make one slice.
static void add_samples(json& ev, const startup_result& r) {
  if (r.samples.empty()) return;
  constexpr int track = 1 << 30;  // no thread has that id
  int pid = r.pid;
  ev.push_back({{"name", "thread_name"},
                {"ph", "M"},
                {"ts", 0},
                {"pid", pid},
                {"tid", track},
                {"args", {{"name", "goroutine 1, sampled (main.main on)"}}}});
  struct open_frame {
    std::string function;
    std::uint64_t from;
  };
  std::vector<open_frame> open;
  auto close_to = [&](std::size_t depth, std::uint64_t at) {
    while (open.size() > depth) {
      auto& f = open.back();
      ev.push_back({{"name", f.function},
                    {"cat", "sample"},
                    {"ph", "X"},
                    {"ts", f.from},
                    {"dur", std::max<std::uint64_t>(at - f.from, 1)},
                    {"pid", pid},
                    {"tid", track},
                    {"args", json::object()}});
      open.pop_back();
    }
  };
  std::uint64_t end = 0;
  for (auto& smp : r.samples) {
    std::uint64_t from = smp.t_us - std::min(smp.weight_us, smp.t_us);
    std::size_t same = 0;
    while (same < open.size() && same < smp.functions.size() &&
           open[same].function == smp.functions[same])
      ++same;
    close_to(same, from);
    for (std::size_t d = same; d < smp.functions.size(); ++d)
      open.push_back({smp.functions[d], from});
    end = smp.t_us;
  }
  close_to(0, end);
}

json startup_trace_events(const startup_result& r) {
  json ev = json::array();
  int pid = r.pid;
  ev.push_back({{"name", "process_name"},
                {"ph", "M"},
                {"ts", 0},
                {"pid", pid},
                {"tid", pid},
                {"args", {{"name", "go startup: " + r.program}}}});
  int order = 0;
  for (auto& t : r.threads) {
    ev.push_back({{"name", "thread_name"},
                  {"ph", "M"},
                  {"ts", 0},
                  {"pid", pid},
                  {"tid", t.tid},
                  {"args", {{"name", fmt::format("{} [{}]", t.name, t.tid)}}}});
    ev.push_back({{"name", "thread_sort_index"},
                  {"ph", "M"},
                  {"ts", 0},
                  {"pid", pid},
                  {"tid", t.tid},
                  {"args", {{"sort_index", order++}}}});
  }
  const auto& stages = r.report.stages;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const auto& s = stages[i];
    std::optional<std::uint64_t> dur = s.dur_us;
    if (!dur) {
      auto it = phase_ends.find(s.stage);
      if (it != phase_ends.end())
        for (std::size_t j = i + 1; j < stages.size() && !dur; ++j)
          for (auto& end : it->second)
            if (stages[j].stage == end && stages[j].tid == s.tid) {
              dur = stages[j].t_us - s.t_us;
              break;
            }
    }
    if (s.stage == "clone") {
      // The birth: on the new thread's track, and where it was cloned from.
      json args = values_of(s);
      ev.push_back({{"name", "thread born"},
                    {"cat", "thread"},
                    {"ph", "i"},
                    {"s", "t"},
                    {"ts", s.t_us},
                    {"pid", pid},
                    {"tid", s.tid},
                    {"args", args}});
      json parent = args.value("parent", json(nullptr));
      if (parent.is_number_integer())
        ev.push_back({{"name", fmt::format("clone -> thread {}", s.tid)},
                      {"cat", "thread"},
                      {"ph", "i"},
                      {"s", "t"},
                      {"ts", s.t_us},
                      {"pid", pid},
                      {"tid", parent.get<int>()},
                      {"args", args}});
      continue;
    }
    json args = values_of(s);
    std::string name = s.stage;
    if (s.stage == "init") {
      // One slice per package, nested in its phase's slice on goroutine 1's thread.
      name = "init " + s.package.value_or("?");
      args["package"] = s.package ? json(*s.package) : json(nullptr);
      args["bytes"] = s.bytes ? json(*s.bytes) : json(nullptr);
      args["allocs"] = s.allocs ? json(*s.allocs) : json(nullptr);
    }
    json e = {{"name", name}, {"cat", s.stage == "init" ? "init" : "startup"},
              {"ts", s.t_us}, {"pid", pid},
              {"tid", s.tid}, {"args", args}};
    if (dur) {
      e["ph"] = "X";
      // A zero-length span is invisible: give it the clock's resolution.
      e["dur"] = std::max<std::uint64_t>(*dur, 1);
    } else {
      e["ph"] = "i";
      e["s"] = "t";
    }
    ev.push_back(std::move(e));
  }
  add_samples(ev, r);
  return json{
      {"traceEvents", ev},
      {"displayTimeUnit", "ms"},
      {"otherData",
       {{"program", r.program},
        {"pid", pid},
        {"complete", r.complete},
        {"clock", "microseconds of program time since its entry point: " + r.report.clock}}}};
}

void write_startup_trace(const std::string& path, const startup_result& r) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) fail("cannot write the trace file {}: {}", path, std::strerror(errno));
  out << startup_trace_events(r).dump(1) << '\n';
  out.flush();
  if (!out) fail("cannot write the trace file {}: {}", path, std::strerror(errno));
}

}  // namespace godbg

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
  for (std::size_t i = 0; i < r.stages.size(); ++i) {
    const auto& s = r.stages[i];
    std::optional<std::uint64_t> dur = i < r.durations_us.size() ? r.durations_us[i] : std::nullopt;
    if (!dur) {
      auto it = phase_ends.find(s.stage);
      if (it != phase_ends.end())
        for (std::size_t j = i + 1; j < r.stages.size() && !dur; ++j)
          for (auto& end : it->second)
            if (r.stages[j].stage == end && r.stages[j].tid == s.tid) {
              dur = r.stages[j].t_us - s.t_us;
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
    json e = {{"name", s.stage}, {"cat", "startup"}, {"ts", s.t_us},
              {"pid", pid},      {"tid", s.tid},     {"args", values_of(s)}};
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
  return json{{"traceEvents", ev},
              {"displayTimeUnit", "ms"},
              {"otherData",
               {{"program", r.program},
                {"pid", pid},
                {"complete", r.complete},
                {"clock", "microseconds since the program's entry point, under godbg"}}}};
}

void write_startup_trace(const std::string& path, const startup_result& r) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) fail("cannot write the trace file {}: {}", path, std::strerror(errno));
  out << startup_trace_events(r).dump(1) << '\n';
  out.flush();
  if (!out) fail("cannot write the trace file {}: {}", path, std::strerror(errno));
}

}  // namespace godbg

// JSON Lines, as ../shared/CONTRACT.md defines them: one object a line, integers for addresses,
// null for what is not known.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/printers.hpp"
#include "cli/stage_value_json.hpp"
#include "commands/line_batch.hpp"
#include "commands/names.hpp"
#include "process/ptrace_ops.hpp"

namespace godbg {

namespace {
using nlohmann::json;

template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

// The readers below say "?" (a name, a file) and line 0 where they know nothing; the contract
// says null. One place turns them into null, so no record says "function":"?".
std::optional<std::string> known(const std::optional<std::string>& v) {
  return v && !v->empty() && *v != "?" ? v : std::nullopt;
}
std::optional<int> known(const std::optional<int>& line) {
  return line && *line > 0 ? line : std::nullopt;
}

// function/file/line are where pc is in the function asked about; "inlined" (only when there
// are some) lists the calls inlined there that pc is in, innermost first, as the frames record
// lists inlined frames.
json location(const code_location& l) {
  json j = {{"pc", l.pc},
            {"function", opt(known(l.function))},
            {"file", opt(known(l.file))},
            {"line", opt(known(l.line))}};
  if (!l.inlined.empty()) {
    json calls = json::array();
    for (auto& c : l.inlined)
      calls.push_back({{"function", opt(known(std::optional<std::string>(c.function)))},
                       {"file", opt(known(c.file))},
                       {"line", opt(known(c.line))}});
    j["inlined"] = calls;
  }
  return j;
}

class json_printer : public reporter {
 public:
  explicit json_printer(std::FILE* out) : out_(out) {}

  void start(const start_record& r) override {
    json j = {{"event", "start"},     {"pid", r.pid},
              {"path", r.path},       {"go_version", opt(r.go_version)},
              {"symbols", r.symbols}, {"attached", r.attached}};
    if (r.threads) j["threads"] = *r.threads;
    j["layout"] = opt(r.layout);
    if (r.layout_detail && r.layout != "table" && r.layout != "dwarf")
      j["layout_detail"] = *r.layout_detail;
    if (r.core) j["core"] = *r.core;
    if (r.signal) j["signal"] = signal_name(*r.signal);
    emit(j);
  }
  void stop(const stop_record& r, const std::vector<source_line_record>&) override {
    json j = {{"event", "stop"}, {"reason", reason_name(r.reason)}};
    if (r.breakpoint) j["breakpoint"] = *r.breakpoint;
    if (r.signal) j["signal"] = signal_name(*r.signal);
    if (r.reason == stop_reason::panic) j["panic"] = opt(r.panic);
    if (r.reason == stop_reason::fatal) j["message"] = opt(r.message);
    j.update(location(r.where));
    j["tid"] = r.tid;
    j["goid"] = opt(r.goid);
    if (r.hits) j["hits"] = *r.hits;
    if (r.reason == stop_reason::panic) j["panic"] = opt(r.panic);
    if (r.reason == stop_reason::fatal) j["message"] = opt(r.message);
    if (r.watch) {
      j["watchpoint"] = r.watch->id;
      j["expr"] = r.watch->expr;
      j["old"] = opt(r.watch->old_text);
      j["new"] = opt(r.watch->new_text);
      if (r.watch->out_of_scope) j["out_of_scope"] = true;
    }
    emit(j);
  }
  void exited(const exit_record& r) override {
    json j = {{"event", "exit"}};
    if (r.status) j["status"] = *r.status;
    if (r.signal) j["signal"] = signal_name(*r.signal);
    emit(j);
  }
  void frames(const std::vector<frame_record>& fs, int current) override {
    json arr = json::array();
    for (auto& f : fs) {
      json j = location(f.where);
      j["index"] = f.index;
      j["sp"] = f.sp;
      if (f.inlined) j["inlined"] = true;
      arr.push_back(j);
    }
    emit({{"frames", arr}, {"current", current}});
  }
  void registers(const std::vector<register_record>& rs) override {
    json j = json::object();
    for (auto& r : rs) j[r.name] = r.value;
    emit({{"registers", j}});
  }
  static json bp(const breakpoint_record& b) {
    json sites = json::array();
    for (auto& s : b.sites) sites.push_back(location(s));
    json j = {{"id", b.id},
              {"kind", kind_name(b.kind)},
              {"location", b.location},
              {"sites", sites},
              {"temporary", b.temporary},
              {"enabled", b.enabled},
              {"hits", b.hits},
              {"condition", opt(b.condition)},
              {"hitcount", opt(b.hit_condition)},
              {"ignore", b.ignore_count},
              {"commands", b.commands}};
    if (b.in_target) {
      j["in_target"] = *b.in_target;
      j["evaluations"] = b.evaluations.value_or(0);
      j["ptrace_reason"] = opt(b.ptrace_reason);
      if (b.kind == breakpoint_kind::tracepoint) j["dropped"] = opt(b.dropped);
    }
    if (b.watch)
      j["watch"] = {{"expr", b.watch->expr},       {"access", access_name(b.watch->access)},
                    {"address", b.watch->address}, {"size", b.watch->size},
                    {"type", opt(b.watch->type)},  {"goid", opt(b.watch->goid)}};
    return j;
  }
  void breakpoint_set(const breakpoint_record& b) override { emit({{"breakpoint", bp(b)}}); }
  void breakpoints(const std::vector<breakpoint_record>& bs) override {
    json arr = json::array();
    for (auto& b : bs) arr.push_back(bp(b));
    emit({{"breakpoints", arr}});
  }
  void disassembly(const std::vector<instruction_record>& is) override {
    json arr = json::array();
    for (auto& i : is)
      arr.push_back(
          {{"address", i.address}, {"bytes", i.bytes}, {"text", i.text}, {"current", i.current}});
    emit({{"instructions", arr}});
  }
  void memory(const memory_record& m) override {
    std::string hex;
    for (auto b : m.bytes) hex += fmt::format("{:02x}", b);
    json j = {{"address", m.address}, {"bytes", hex}};
    if (!m.units.empty()) {
      j["format"] = std::string(1, m.format);
      j["unit"] = m.unit;
      j["units"] = m.units;
    }
    emit({{"memory", j}});
  }
  void source(const source_record& s) override {
    json arr = json::array();
    for (auto& l : s.lines)
      arr.push_back({{"line", l.line}, {"text", l.text}, {"current", l.current}});
    emit({{"source", {{"file", s.file}, {"lines", arr}}}});
  }
  void goroutines(const std::vector<goroutine_record>& gs, std::size_t total) override {
    goroutines_begin();
    for (auto& g : gs) goroutine_item(g);
    goroutines_end(total);
  }
  // Streamed: {"goroutines":[...],"total":N} on one line, written one goroutine at a time so a
  // million goroutines never sit in memory as one JSON value.
  void goroutines_begin() override {
    traces_.out();
    std::fputs("{\"goroutines\":[", out_);
    first_item_ = true;
  }
  void goroutine_item(const goroutine_record& g) override {
    // Written field by field (strings still escaped by nlohmann): a json object per goroutine
    // costs ~15us, which is most of the time for 100,000 goroutines. Keys in nlohmann's order.
    std::string& o = item_;
    o.clear();
    o += first_item_ ? "{" : ",{";
    first_item_ = false;
    o += "\"created_by\":";
    str(o, known(g.created_by));
    o += ",\"file\":";
    str(o, known(g.where.file));
    o += ",\"function\":";
    str(o, known(g.where.function));
    fmt::format_to(std::back_inserter(o), ",\"id\":{},\"line\":", g.id);
    if (auto line = known(g.where.line))
      fmt::format_to(std::back_inserter(o), "{}", *line);
    else
      o += "null";
    fmt::format_to(std::back_inserter(o), ",\"pc\":{},\"raw_pc\":{}", g.where.pc, g.raw_pc);
    if (!g.stack.empty()) {
      json st = json::array();
      for (auto& f : g.stack) st.push_back(location(f.where));
      o += ",\"stack\":";
      o += st.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    o += ",\"start_function\":";
    str(o, known(g.start_function));
    o += ",\"status\":";
    str(o, std::optional<std::string>(g.status));
    o += ",\"tid\":";
    if (g.tid)
      fmt::format_to(std::back_inserter(o), "{}", *g.tid);
    else
      o += "null";
    o += ",\"wait_reason\":";
    str(o, g.wait_reason);
    o += '}';
    std::fwrite(o.data(), 1, o.size(), out_);
  }
  void goroutines_end(std::size_t total) override {
    std::fprintf(out_, "],\"total\":%zu}\n", total);
    std::fflush(out_);
  }
  void threads(const std::vector<thread_record>& ts) override {
    json arr = json::array();
    for (auto& t : ts)
      arr.push_back({{"tid", t.tid},
                     {"main", t.main},
                     {"current", t.current},
                     {"pc", t.where.pc},
                     {"function", opt(known(t.where.function))},
                     {"file", opt(known(t.where.file))},
                     {"line", opt(known(t.where.line))},
                     {"goid", opt(t.goid)},
                     {"m", opt(t.m)},
                     {"p", opt(t.p)}});
    emit({{"threads", arr}});
  }
  static json value_json(const value_record& v) {
    json j = {{"expr", v.expr}, {"type", opt(v.type)}, {"text", v.text}};
    if (v.scalar)
      std::visit([&](auto&& x) { j["value"] = x; }, *v.scalar);
    else if (v.text.starts_with("(unreadable"))
      j["value"] = nullptr;  // unknown is null, never made up
    else
      j["value"] = v.text;
    return j;
  }
  void value(const value_record& v) override { emit(value_json(v)); }
  void variables(const std::string& kind, const std::vector<value_record>& vars) override {
    json arr = json::array();
    for (const auto& v : vars) {
      json j = value_json(v);
      j["name"] = v.expr;
      j.erase("expr");
      arr.push_back(j);
    }
    emit({{kind, arr}});
  }
  void names(const std::string& kind, const std::vector<std::string>& names) override {
    emit({{kind, names}});
  }
  void type_of(const std::string& expr, const std::string& type) override {
    emit({{"expr", expr}, {"type", type}});
  }
  void returned(const std::vector<value_record>& values) override {
    json arr = json::array();
    for (const auto& v : values) arr.push_back(value_json(v));
    emit({{"returned", arr}});
  }
  void startup(const startup_record& r) override {
    json arr = json::array();
    for (auto& s : r.stages) {
      json values = json::object();
      for (auto& [k, v] : s.values) values[k] = to_json(v);
      json st = {{"stage", s.stage}, {"t_us", s.t_us},      {"dur_us", opt(s.dur_us)},
                 {"tid", s.tid},     {"goid", opt(s.goid)}, {"summary", s.summary},
                 {"values", values}};
      if (s.stage == "init") {
        st["package"] = opt(s.package);
        st["bytes"] = opt(s.bytes);
        st["allocs"] = opt(s.allocs);
      }
      arr.push_back(std::move(st));
    }
    json rec = {{"startup", arr}, {"clock", r.clock}};
    if (r.init_summary) rec["init_summary"] = *r.init_summary;
    if (r.profile_summary) rec["profile_summary"] = *r.profile_summary;
    emit(rec);
  }
  void trace(const trace_record& r) override {
    json vals = json::array();
    for (const auto& v : r.values) {
      json x = value_json(v);
      x["name"] = v.expr;
      x.erase("expr");
      vals.push_back(std::move(x));
    }
    emit({{"event", "trace"},
          {"kind", r.is_return ? "return" : "call"},
          {"breakpoint", r.breakpoint},
          {"function", r.function},
          {r.is_return ? "returned" : "args", vals},
          {"pc", r.pc},
          {"tid", r.tid},
          {"goid", opt(r.goid)}},
         true);
  }
  void flush() override { traces_.out(); }
  void display(const display_record& d) override {
    json j = d.value ? value_json(*d.value) : json{{"expr", d.expr}, {"error", opt(d.error)}};
    j["display"] = d.id;
    emit(j);
  }
  void message(const std::string& m) override { emit({{"message", m}}); }
  void warning(const std::string& m) override { emit({{"warning", m}}); }
  void error(const std::string& m) override {
    emit({{"error", m}});
    std::fprintf(stderr, "godbg: %s\n", m.c_str());
  }

 private:
  void emit(const json& j, bool batch = false) {
    std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
    s += '\n';
    if (batch) return traces_.add(s);  // written by flush(), or before the next record
    traces_.out();
    std::fwrite(s.data(), 1, s.size(), out_);
    std::fflush(out_);
  }
  // A JSON string (escaped by nlohmann) or null.
  static void str(std::string& o, const std::optional<std::string>& v) {
    if (!v) {
      o += "null";
      return;
    }
    bool plain = true;
    for (unsigned char c : *v)
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) plain = false;
    if (plain) {
      o += '"';
      o += *v;
      o += '"';
    } else {
      o += json(*v).dump(-1, ' ', false, json::error_handler_t::replace);
    }
  }
  std::FILE* out_;
  line_batch traces_{out_};
  bool first_item_ = true;
  std::string item_;
};
}  // namespace

std::unique_ptr<reporter> make_json_printer(std::FILE* out) {
  return std::make_unique<json_printer>(out);
}

}  // namespace godbg

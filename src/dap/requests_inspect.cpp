// Looking at the stopped program: threads (goroutines), stack frames, scopes and variables,
// evaluate (expressions, and godbg's commands in the debug console), setting values.
#include <filesystem>

#include "arch_amd64/registers.hpp"
#include "commands/commands.hpp"
#include "common/error.hpp"
#include "dap/server.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg::dap {

namespace {

// As many goroutines as an editor's thread list can sensibly show; Delve shows as many.
constexpr std::size_t max_threads = 1024;

std::string function_or(const code_location& l) {
  return l.function.value_or(fmt::format("{:#x}", l.pc));
}

}  // namespace

void server::threads(const json&, json& body) {
  json list = json::array();
  if (!s_.has_program()) {
    body = {{"threads", list}};
    return;
  }
  if (s_.running() || stepping_) {
    // Nothing can be read while it runs: the list as it was at the last stop.
    body = {{"threads", threads_cache_.empty()
                            ? json::array({{{"id", s_.process().pid()}, {"name", "running"}}})
                            : threads_cache_}};
    return;
  }
  auto current = current_thread_id();
  std::set<std::int64_t> ids;
  threads_are_goroutines_ = false;
  try {
    goroutine_filter f;
    f.limit = max_threads;
    list_goroutines(s_, f, [&](const goroutine_record& g) {
      bool star = current && *current == g.id;
      std::string name = fmt::format("{}[Go {}] {}", star ? "* " : "", g.id, function_or(g.where));
      if (g.tid) name += fmt::format(" (Thread {})", *g.tid);
      list.push_back({{"id", g.id}, {"name", name}});
      ids.insert(g.id);
    });
  } catch (const error& e) {
    log_.line(std::string("no goroutines: ") + e.what());
  }
  if (!list.empty()) threads_are_goroutines_ = true;
  // Before the runtime has goroutines, and for a stop on a thread that runs none, the OS
  // threads stand in.
  for (const auto& t : list_threads(s_)) {
    bool wanted = !threads_are_goroutines_ || (current && *current == t.tid && !ids.count(t.tid));
    if (!wanted) continue;
    bool star = current && *current == t.tid;
    list.push_back(
        {{"id", t.tid},
         {"name", fmt::format("{}Thread {} {}", star ? "* " : "", t.tid, function_or(t.where))}});
  }
  threads_cache_ = list;
  body = {{"threads", list}};
}

scope server::scope_of_thread(std::int64_t id) {
  if (id > 0 && (threads_are_goroutines_ || !s_.program().has_thread(pid_t(id)))) {
    try {
      if (auto g = s_.runtime().find_goroutine(id)) return scope{g->tid ? int(*g->tid) : 0, id, 0};
    } catch (const error&) {
    }
  }
  if (id > 0 && s_.program().has_thread(pid_t(id))) return scope{int(id), std::nullopt, 0};
  throw request_error(fmt::format("no thread or goroutine {}", id));
}

scope server::scope_of_frame(std::int64_t id) {
  if (id < 1 || std::size_t(id) > frames_.size())
    throw request_error(fmt::format("no frame {} (frames are valid until the program runs)", id));
  return frames_[std::size_t(id - 1)];
}

void server::stack_trace(const json& a, json& body) {
  scope at = scope_of_thread(a.at("threadId").get<std::int64_t>());
  std::size_t start = std::size_t(std::max<std::int64_t>(0, a.value("startFrame", 0)));
  std::size_t levels = std::size_t(std::max<std::int64_t>(0, a.value("levels", 0)));
  constexpr std::size_t max_depth = 4096;
  // One frame more than asked for says whether there are more.
  std::size_t want = levels ? std::min(start + levels + 1, max_depth) : max_depth;
  auto frames = stack_in(s_, at, want);
  json list = json::array();
  std::size_t end = levels ? std::min(frames.size(), start + levels) : frames.size();
  for (std::size_t i = start; i < end; ++i) {
    const auto& f = frames[i];
    scope fs = at;
    fs.frame = int(i);
    frames_.push_back(fs);
    json j = {{"id", frames_.size()},
              {"name", function_or(f.where)},
              {"line", 0},
              {"column", 0},
              {"instructionPointerReference", fmt::format("{:#x}", f.where.pc)}};
    if (f.where.file) {
      j["source"] = {{"name", std::filesystem::path(*f.where.file).filename()},
                     {"path", *f.where.file}};
      j["line"] = f.where.line.value_or(1) - (lines_start_at1_ ? 0 : 1);
      j["column"] = columns_start_at1_ ? 1 : 0;
    } else {
      j["presentationHint"] = "subtle";
    }
    list.push_back(j);
  }
  std::size_t total = frames.size() < want ? frames.size() : want;
  body = {{"stackFrames", list}, {"totalFrames", total}};
}

void server::scopes(const json& a, json& body) {
  scope at = scope_of_frame(a.at("frameId").get<std::int64_t>());
  using k = var_container::kind;
  auto entry = [&](const char* name, k kind, const char* hint, bool expensive) {
    return json{{"name", name},
                {"presentationHint", hint},
                {"variablesReference", vars_.add({kind, at, {}, ""})},
                {"expensive", expensive}};
  };
  body = {{"scopes", json::array({entry("Locals", k::locals, "locals", false),
                                  entry("Arguments", k::arguments, "arguments", false),
                                  entry("Registers", k::registers, "registers", true)})}};
}

void server::variables(const json& a, json& body) {
  const var_container* c = vars_.find(a.at("variablesReference").get<std::int64_t>());
  if (!c) throw request_error("no such variablesReference (they last until the program runs)");
  var_container cont = *c;  // vars_ grows below
  std::string filter = a.value("filter", "");
  std::size_t start = std::size_t(std::max<std::int64_t>(0, a.value("start", 0)));
  std::size_t count = std::size_t(std::max<std::int64_t>(0, a.value("count", 0)));
  json list = json::array();
  using k = var_container::kind;
  if (cont.k == k::locals || cont.k == k::arguments) {
    auto frame = frame_in(s_, cont.where);
    for (auto& v : frame_variables(s_, frame)) {
      if (v.is_parameter != (cont.k == k::arguments)) continue;
      if (v.value) {
        try {
          list.push_back(variable_json(s_, vars_, cont.where, v.name, *v.value, v.name));
          continue;
        } catch (const error& e) {
          v.problem = e.what();
        }
      }
      list.push_back(
          {{"name", v.name}, {"value", "<" + v.problem + ">"}, {"variablesReference", 0}});
    }
  } else if (cont.k == k::registers) {
    auto frame = frame_in(s_, cont.where);
    if (frame.thread) {
      for (const auto& r : register_values(s_.program().regs(*frame.thread)))
        list.push_back(
            {{"name", std::string(r.name)}, {"value", r.display}, {"variablesReference", 0}});
    } else {
      for (int n = 0; n < frame_register_count; ++n)
        if (auto v = frame.reg(n))
          if (auto* info = register_by_dwarf(n))
            list.push_back({{"name", std::string(info->name)},
                            {"value", fmt::format("{:#018x}", *v)},
                            {"variablesReference", 0}});
    }
  } else {
    for (auto& ch : value_children(s_, cont.value, cont.evaluate_name, filter, start, count)) {
      try {
        list.push_back(variable_json(s_, vars_, cont.where, ch.name, ch.value, ch.evaluate_name));
      } catch (const error& e) {
        list.push_back({{"name", ch.name},
                        {"value", std::string("<") + e.what() + ">"},
                        {"variablesReference", 0}});
      }
    }
  }
  body = {{"variables", list}};
}

namespace {

bool is_command(const std::string& line) {
  auto words = split_words(line);
  std::size_t used = 0;
  return !words.empty() && find_command(words, used) != nullptr;
}

}  // namespace

void server::evaluate(const json& a, json& body) {
  std::string expr = a.at("expression");
  std::string context = a.value("context", "");
  while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.back()))) expr.pop_back();
  if (context == "repl" && is_command(expr)) {
    auto words = split_words(expr);
    if (words[0] == "continue" || words[0] == "c") {
      check_need(request_row::needs::live, "continue");
      body = {{"result", ""}, {"variablesReference", 0}};
      after_response_ = [this] {
        auto tid = current_thread_id();
        resume();
        event("continued", {{"threadId", tid.value_or(0)}, {"allThreadsContinued", true}});
      };
      return;
    }
    std::string text = run_console(expr);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    body = {{"result", text}, {"variablesReference", 0}};
    return;
  }
  check_need(request_row::needs::stopped, "evaluate");
  scope at =
      a.contains("frameId") ? scope_of_frame(a["frameId"].get<std::int64_t>()) : s_.selected();
  auto frame = frame_in(s_, at);
  if (!expr.empty() && expr[0] == '$') {
    auto rec = evaluate_in_frame(s_, frame, expr);  // registers
    body = {{"result", rec.text}, {"type", rec.type.value_or("")}, {"variablesReference", 0}};
    return;
  }
  go_value v;
  try {
    v = evaluate_value(s_, frame, expr);
  } catch (const error&) {
    // Not a value of the program (an untyped constant such as 1 << 10): its text is the answer;
    // a real error is thrown here again, in print's words.
    auto rec = evaluate_in_frame(s_, frame, expr);
    body = {{"result", rec.text}, {"type", rec.type.value_or("")}, {"variablesReference", 0}};
    return;
  }
  body = evaluate_json(s_, vars_, at, v, expr);
}

void server::set_variable(const json& a, json& body) {
  const var_container* c = vars_.find(a.at("variablesReference").get<std::int64_t>());
  if (!c) throw request_error("no such variablesReference");
  var_container cont = *c;
  std::string name = a.at("name"), text = a.at("value");
  std::optional<go_value> target;
  std::string expr = name;
  using k = var_container::kind;
  if (cont.k == k::locals || cont.k == k::arguments) {
    for (auto& v : frame_variables(s_, frame_in(s_, cont.where)))
      if (v.name == name) {
        if (!v.value) throw request_error(name + ": " + v.problem);
        target = v.value;
      }
  } else if (cont.k == k::value) {
    for (auto& ch : value_children(s_, cont.value, cont.evaluate_name, "", 0, 0))
      if (ch.name == name) {
        target = ch.value;
        expr = ch.evaluate_name;
      }
  } else {
    throw request_error("setting registers is not supported");
  }
  if (!target) throw request_error("no variable " + name);
  assign_scalar(s_, *target, text);
  go_value now = *target;
  s_.process().read_or_fail(virt_addr(*now.address), now.bytes);
  json j = variable_json(s_, vars_, cont.where, name, now, expr);
  body = {
      {"value", j["value"]}, {"type", j["type"]}, {"variablesReference", j["variablesReference"]}};
}

void server::set_expression(const json& a, json& body) {
  std::string expr = a.at("expression"), text = a.at("value");
  scope at =
      a.contains("frameId") ? scope_of_frame(a["frameId"].get<std::int64_t>()) : s_.selected();
  auto frame = frame_in(s_, at);
  // The console's `set` grammar: any Go expression of the assignable type on the right.
  assign_in_frame(s_, frame, expr, text);
  go_value v = evaluate_value(s_, frame, expr);
  json j = evaluate_json(s_, vars_, at, v, expr);
  body = {
      {"value", j["result"]}, {"type", j["type"]}, {"variablesReference", j["variablesReference"]}};
}

void server::exception_info(const json&, json& body) {
  if (!last_exception_)
    throw request_error("exceptionInfo: the program did not stop on an exception");
  std::string id = *last_exception_, description = id;
  if (last_stop_) {
    // The runtime's own words: the panic's value at fatalpanic, the message of throw.
    auto try_expr = [&](int frame, const char* e) -> std::optional<std::string> {
      try {
        scope at{last_stop_->tid, std::nullopt, frame};
        return evaluate_in_frame(s_, frame_in(s_, at), e).text;
      } catch (const std::exception&) {
        return std::nullopt;
      }
    };
    // The session read the runtime's words at the stop (through DWARF, or the _panic layout in
    // a stripped binary); the frame's variables are the fallback.
    if (id == "panic") {
      if (last_stop_->panic)
        description = "panic: " + *last_stop_->panic;
      else if (auto v = try_expr(0, "msgs.arg"))
        description = "panic: " + *v;
    } else if (id == "fatal error") {
      if (last_stop_->message) description = "fatal error: " + *last_stop_->message;
      for (int f = 1; f <= 2 && !last_stop_->message; ++f)
        if (auto v = try_expr(f, "s")) {
          description = "fatal error: " + *v;
          break;
        }
    }
  }
  std::string trace;
  try {
    trace = run_console("bt 20");
  } catch (const std::exception&) {
  }
  after_response_ = nullptr;  // bt moves nothing
  body = {{"exceptionId", id},
          {"description", description},
          {"breakMode", "unhandled"},
          {"details", {{"message", description}, {"stackTrace", trace}}}};
}

}  // namespace godbg::dap

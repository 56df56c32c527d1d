// Messages in and out, and the table of requests: which handler serves each and what state it
// needs. Every request gets exactly one response; a handler that throws gets an error response.
#include "dap/server.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/error.hpp"
#include "dap/console.hpp"
#include "process/inferior.hpp"

namespace godbg::dap {

const std::vector<server::request_row>& server::request_table() {
  using n = request_row::needs;
  static const std::vector<request_row> rows = {
      {"initialize", &server::initialize, n::nothing},
      {"launch", &server::launch, n::initialized},
      {"attach", &server::attach, n::initialized},
      {"configurationDone", &server::configuration_done, n::target},
      {"disconnect", &server::disconnect, n::nothing},
      {"terminate", &server::terminate, n::target},
      {"restart", &server::restart, n::target},
      {"setBreakpoints", &server::set_breakpoints, n::target},
      {"setFunctionBreakpoints", &server::set_function_breakpoints, n::target},
      {"setInstructionBreakpoints", &server::set_instruction_breakpoints, n::target},
      {"setExceptionBreakpoints", &server::set_exception_breakpoints, n::target},
      {"dataBreakpointInfo", &server::data_breakpoint_info, n::stopped},
      {"setDataBreakpoints", &server::set_data_breakpoints, n::target},
      {"continue", &server::continue_, n::live},
      {"next", &server::next, n::live},
      {"stepIn", &server::step_in, n::live},
      {"stepOut", &server::step_out, n::live},
      {"pause", &server::pause, n::target},
      {"threads", &server::threads, n::target},
      {"stackTrace", &server::stack_trace, n::stopped},
      {"scopes", &server::scopes, n::stopped},
      {"variables", &server::variables, n::stopped},
      {"evaluate", &server::evaluate, n::target},
      {"setVariable", &server::set_variable, n::live},
      {"setExpression", &server::set_expression, n::live},
      {"exceptionInfo", &server::exception_info, n::stopped},
      {"disassemble", &server::disassemble, n::stopped},
      {"readMemory", &server::read_memory, n::stopped},
      {"loadedSources", &server::loaded_sources, n::target},
      {"completions", &server::completions, n::target},
      {"source", &server::source, n::target},
      {"godbg.startup", &server::startup_report, n::target},
  };
  return rows;
}

server::server(int in_fd, int out_fd, logger& log)
    : log_(log), in_fd_(in_fd), out_fd_(out_fd), loop_(s_) {}

server::~server() {
  end_target();
}

std::unique_ptr<server> server::for_fuzzing(logger& log,
                                            std::function<void(const std::string&)> sink) {
  std::unique_ptr<server> s(new server(-1, -1, log));
  s->fuzzing_ = true;
  s->sink_ = std::move(sink);
  return s;
}

void server::run() {
  if (in_fd_ >= 0) {
    ::fcntl(in_fd_, F_SETFL, ::fcntl(in_fd_, F_GETFL) | O_NONBLOCK);
    loop_.watch(in_fd_, [this] { read_client(); });
  }
  while (!done_) {
    // SIGTERM, SIGINT, SIGHUP (dap.cpp): end as a disconnect would.
    if (inferior::termination_requested()) {
      log_.line("a signal ends the session");
      break;
    }
    try {
      if (auto r = loop_.wait_once(-1)) on_result(*r);
    } catch (const std::exception& e) {
      // The program could not be waited for (it vanished, ptrace failed): say so, go on
      // serving; requests will find no target.
      log_.line(std::string("while the program ran: ") + e.what());
      output("stderr", std::string("godbg: ") + e.what() + "\n");
      if (!s_.has_process() && target_ && !exited_) on_exit(exit_record{});
    }
  }
  end_target();
}

void server::read_client() {
  bool open = take_client_bytes();
  handle_messages();
  if (!open) {
    loop_.unwatch(in_fd_);
    done_ = true;
  }
}

bool server::take_client_bytes() {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(in_fd_, buf, sizeof buf);
    if (n > 0) {
      reader_.feed(std::string_view(buf, std::size_t(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    log_.line(n == 0 ? "the client closed the connection" : "reading from the client failed");
    return false;
  }
}

std::optional<std::string> server::next_message() {
  try {
    return reader_.next();
  } catch (const framing_error& e) {
    // Nothing after a broken header can be trusted to start a message: end the session.
    log_.line(std::string("bad framing, ending the session: ") + e.what());
    output("stderr", std::string("godbg: bad DAP framing (") + e.what() + "); ending\n");
    done_ = true;
    return std::nullopt;
  }
}

void server::handle_messages() {
  while (!done_) {
    auto msg = next_message();
    if (!msg) break;
    handle(*msg);
  }
}

bool server::feed(std::string_view bytes) {
  reader_.feed(bytes);
  handle_messages();
  return !done_;
}

void server::handle(const std::string& text) {
  if (log_.messages()) log_.line("<- " + text.substr(0, 4096));
  json msg = json::parse(text, nullptr, false);
  if (msg.is_discarded() || !msg.is_object()) {
    output("stderr", "godbg: ignored a DAP message that is not a JSON object\n");
    return;
  }
  auto type = msg.find("type");
  if (type == msg.end() || !type->is_string() || *type != "request") {
    // Responses to reverse requests (godbg sends none) and anything else: nothing to answer.
    if (type == msg.end() || !type->is_string() || *type != "response")
      output("stderr", "godbg: ignored a DAP message that is not a request\n");
    return;
  }
  handle_request(msg);
}

void server::check_need(request_row::needs need, std::string_view command) {
  using n = request_row::needs;
  if (need == n::nothing) return;
  if (!initialized_) throw request_error("the first request must be initialize");
  if (need == n::initialized) return;
  if (!target_) throw request_error(std::string(command) + ": launch or attach first");
  if (need == n::target) return;
  if (is_core()) {
    if (need == n::live) refuse_in_core(command);
    return;  // a core is always stopped
  }
  if (!s_.has_process()) throw request_error("the program is not running (it has exited)");
  if (s_.running() || stepping_)
    throw request_error(std::string(command) + ": the program is running; pause it first");
}

void server::handle_request(const json& req) {
  auto cmd = req.find("command");
  if (cmd == req.end() || !cmd->is_string())
    return respond_error(req, "a request without a command");
  std::string command = *cmd;
  const request_row* row = nullptr;
  for (const auto& r : request_table())
    if (r.command == command) row = &r;
  if (!row) return respond_error(req, "unsupported request: " + command);
  json body = nullptr;
  after_response_ = nullptr;
  try {
    // A program killed while stopped ends the session here, once, before the request that
    // found it gone is answered (that it is not running).
    if (target_ && !exited_ && !stepping_ && s_.has_process() && !s_.running())
      if (auto end = s_.take_exit(100)) on_exit(*end);
    check_need(row->need, command);
    const json& args = req.contains("arguments") && req["arguments"].is_object() ? req["arguments"]
                                                                                 : json::object();
    (this->*row->run)(args, body);
  } catch (const json::exception& e) {
    after_response_ = nullptr;
    return respond_error(req, command + ": bad arguments: " + e.what());
  } catch (const std::exception& e) {
    after_response_ = nullptr;
    return respond_error(req, e.what());
  }
  respond(req, std::move(body));
  if (after_response_) {
    auto then = std::move(after_response_);
    after_response_ = nullptr;
    try {
      then();
    } catch (const std::exception& e) {
      output("stderr", std::string("godbg: ") + e.what() + "\n");
    }
  }
}

void server::send(json msg) {
  msg["seq"] = seq_++;
  // Strings from the program may be any bytes: invalid UTF-8 is replaced, never thrown on.
  std::string body = msg.dump(-1, ' ', false, json::error_handler_t::replace);
  if (log_.messages()) log_.line("-> " + body.substr(0, 4096));
  if (sink_) sink_(body);
  if (out_fd_ < 0) return;
  std::string all = frame(body);
  for (std::size_t done = 0; done < all.size();) {
    ssize_t w = ::write(out_fd_, all.data() + done, all.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      log_.line("writing to the client failed: it is gone");
      done_ = true;
      out_fd_ = -1;
      return;
    }
    done += std::size_t(w);
  }
}

namespace {
json request_seq(const json& req) {
  auto it = req.find("seq");
  return it != req.end() && it->is_number_integer() ? *it : json(0);
}
}  // namespace

void server::respond(const json& req, json body) {
  json r = {{"type", "response"},
            {"request_seq", request_seq(req)},
            {"success", true},
            {"command", req.value("command", "")}};
  if (!body.is_null()) r["body"] = std::move(body);
  send(std::move(r));
}

void server::respond_error(const json& req, const std::string& message) {
  std::string command = req.contains("command") && req["command"].is_string()
                            ? req["command"].get<std::string>()
                            : std::string();
  json r = {{"type", "response"},
            {"request_seq", request_seq(req)},
            {"success", false},
            {"command", command},
            {"message", message},
            {"body", {{"error", {{"id", 1}, {"format", message}, {"showUser", true}}}}}};
  send(std::move(r));
}

void server::event(std::string_view name, json body) {
  json e = {{"type", "event"}, {"event", name}};
  if (!body.is_null()) e["body"] = std::move(body);
  send(std::move(e));
}

void server::output(std::string_view category, std::string_view text) {
  if (text.empty()) return;
  event("output", {{"category", category}, {"output", text}});
}

// --- the debug console

std::string server::run_console(const std::string& line) {
  memory_text text_out;
  console_reporter out(text_out.file());
  interpreter in(s_, out);
  bool had_process = s_.has_process();
  try {
    in.execute(line, std::nullopt);
  } catch (const std::exception& e) {
    out.error(e.what());
  }
  std::string text = text_out.take();
  // Breakpoints set at the console appear in the editor's list.
  for (const auto& b : out.new_breakpoints) {
    json bp = {{"id", b.id}, {"verified", !b.sites.empty()}};
    if (!b.sites.empty() && b.sites.front().file) {
      const auto& where = b.sites.front();
      bp["source"] = {{"name", std::filesystem::path(*where.file).filename()},
                      {"path", *where.file}};
      if (where.line) bp["line"] = *where.line - (lines_start_at1_ ? 0 : 1);
    }
    event("breakpoint", {{"reason", "new"}, {"breakpoint", bp}});
  }
  if (in.quit_requested()) after_response_ = [this] { done_ = true; };
  if (out.moved) {
    auto moved = *out.moved;
    after_response_ = [this, moved] { on_result(moved); };
  } else if (had_process && !s_.has_process() && !exited_) {
    after_response_ = [this] { on_exit(exit_record{}); };  // kill or detach at the console
  } else if (out.started) {
    after_response_ = [this] { reset_handles(); };
  }
  return text;
}

}  // namespace godbg::dap

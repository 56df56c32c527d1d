// The program running and stopping: continue and the steps, the stopped/exited/terminated
// events, logpoints and hit counts (stops the editor never sees), and the program's output.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "dap/server.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "debugger/stepping/stepping.hpp"
#include "process/ptrace_ops.hpp"

namespace godbg::dap {

namespace {

std::string_view dap_reason(stop_reason r) {
  switch (r) {
    case stop_reason::entry:
      return "entry";
    case stop_reason::breakpoint:
      return "breakpoint";
    case stop_reason::step:
      return "step";
    case stop_reason::signal:
      return "exception";
    case stop_reason::interrupt:
      return "pause";
    case stop_reason::watchpoint:
      return "data breakpoint";
    case stop_reason::panic:
      return "exception";
    case stop_reason::fatal:
      return "exception";
    case stop_reason::exec:
      return "entry";
  }
  return "step";
}

}  // namespace

// Delve's forms: "N" (the Nth hit), "== N", ">= N", "> N", "< N", "<= N", "!= N", "% N".
std::optional<std::pair<std::string, long>> parse_hit_condition(std::string_view c) {
  auto skip = [&] {
    while (!c.empty() && std::isspace(static_cast<unsigned char>(c.front()))) c.remove_prefix(1);
  };
  skip();
  std::string op;
  while (!c.empty() && std::strchr("<>=!%", c.front())) {
    op += c.front();
    c.remove_prefix(1);
  }
  skip();
  while (!c.empty() && std::isspace(static_cast<unsigned char>(c.back()))) c.remove_suffix(1);
  static const char* ops[] = {"", "==", "=", ">=", ">", "<", "<=", "!=", "%"};
  bool known = false;
  for (auto* o : ops) known = known || op == o;
  auto n = try_parse_integer<long>(c);
  if (!known || !n) return std::nullopt;
  return std::pair{op, *n};
}

void server::reset_handles() {
  frames_.clear();
  vars_.clear();
}

std::optional<std::int64_t> server::current_thread_id() const {
  if (!last_stop_) return std::nullopt;
  if (last_stop_->goid && *last_stop_->goid > 0) return *last_stop_->goid;
  return last_stop_->tid;
}

void server::resume() {
  reset_handles();
  last_stop_.reset();
  last_exception_.reset();
  s_.begin_resume();
}

void server::on_result(const run_result& r) {
  if (auto* stop = std::get_if<stop_record>(&r))
    on_stop(*stop);
  else
    on_exit(std::get<exit_record>(r));
}

bool server::hit_condition_met(int id, int hits) const {
  auto it = bp_extra_.find(id);
  if (it == bp_extra_.end() || !it->second.hit_condition) return true;
  auto c = parse_hit_condition(*it->second.hit_condition);
  if (!c) return true;  // refused when it was set; stop rather than hide the stop
  auto [op, n] = *c;
  if (op.empty() || op == "==" || op == "=") return hits == n;
  if (op == ">=") return hits >= n;
  if (op == ">") return hits > n;
  if (op == "<") return hits < n;
  if (op == "<=") return hits <= n;
  if (op == "!=") return hits != n;
  return op == "%" && n > 0 && hits % n == 0;
}

std::string server::interpolate_log(const std::string& message, const stop_record& r) {
  std::string out;
  for (std::size_t i = 0; i < message.size(); ++i) {
    char c = message[i];
    auto close = c == '{' ? message.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      out += c;
      continue;
    }
    std::string expr = message.substr(i + 1, close - i - 1);
    try {
      out += evaluate_in_frame(s_, thread_frame(s_, r.tid), expr).text;
    } catch (const std::exception& e) {
      out += "<" + expr + ": " + e.what() + ">";
    }
    i = close;
  }
  return out;
}

bool server::stop_is_silent(const stop_record& r) {
  if (is_core()) return false;  // the core's one stop, whatever the filters say: nothing runs
  // A data breakpoint's hitCondition: the session counted the hit (its condition held).
  if (r.reason == stop_reason::watchpoint && r.watch && !r.watch->out_of_scope)
    if (auto* wp = s_.breakpoints().find(r.watch->id)) return !hit_condition_met(wp->id, wp->hits);
  if (r.reason == stop_reason::panic) return !exception_filters_.count("panic");
  if (r.reason == stop_reason::fatal) return !exception_filters_.count("fatal");
  if (r.reason != stop_reason::breakpoint || r.breakpoints.empty()) return false;
  bool stop = false;
  for (int id : r.breakpoints) {
    auto* bp = s_.breakpoints().find(id);
    int hits = bp ? bp->hits : 0;
    auto it = bp_extra_.find(id);
    if (!hit_condition_met(id, hits)) continue;
    if (it != bp_extra_.end() && it->second.log_message) {
      output("console", interpolate_log(*it->second.log_message, r) + "\n");
      continue;
    }
    stop = true;
  }
  return !stop;
}

void server::on_stop(const stop_record& r) {
  stepping_ = false;
  if (stop_is_silent(r)) {
    resume();
    return;
  }
  reset_handles();
  drain_output();  // what it wrote before the stop comes before the stop
  last_stop_ = r;
  for (const auto& w : r.warnings) output("console", "godbg: warning: " + w + "\n");
  json body = {{"reason", dap_reason(r.reason)},
               {"threadId", *current_thread_id()},
               {"allThreadsStopped", true}};
  std::string description;
  if (r.reason == stop_reason::breakpoint) {
    body["hitBreakpointIds"] = r.breakpoints;
    for (int id : r.breakpoints) {
      auto it = bp_extra_.find(id);
      if (it == bp_extra_.end()) continue;
      const std::string& g = it->second.group;
      if (g == "function") {
        body["reason"] = "function breakpoint";
      } else if (g == "instruction") {
        body["reason"] = "instruction breakpoint";
      }
    }
  }
  if (r.reason == stop_reason::watchpoint && r.watch) {
    const auto& w = *r.watch;
    if (w.out_of_scope) {
      // The session deleted it (its frame returned): the editor's list loses it too.
      description = fmt::format("watchpoint {} ({}) went out of scope", w.id, w.expr);
      bp_extra_.erase(w.id);
      event("breakpoint",
            {{"reason", "removed"}, {"breakpoint", {{"id", w.id}, {"verified", false}}}});
    } else {
      body["hitBreakpointIds"] = json::array({w.id});
      description =
          fmt::format("{}: {} -> {}", w.expr, w.old_text.value_or("?"), w.new_text.value_or("?"));
    }
    body["description"] = "data breakpoint";
    body["text"] = description;
  }
  if (r.reason == stop_reason::signal && r.signal) {
    description = std::string("signal ") + signal_name(*r.signal);
    last_exception_ = description;
  }
  if (r.reason == stop_reason::panic) {
    last_exception_ = "panic";
    if (r.panic) description = "panic: " + *r.panic;
  } else if (r.reason == stop_reason::fatal) {
    last_exception_ = "fatal error";
    if (r.message) description = "fatal error: " + *r.message;
  }
  if (body["reason"] == "exception") {
    if (description.empty()) description = *last_exception_ == "panic" ? "panic" : "fatal error";
    body["description"] = description;
    body["text"] = description;
  }
  event("stopped", body);
}

void server::on_exit(const exit_record& r) {
  stepping_ = false;
  reset_handles();
  last_stop_.reset();
  drain_output();
  exited_ = true;
  int code = r.status ? *r.status : r.signal ? 128 + *r.signal : 0;
  if (r.signal)
    output("console", std::string("Process killed by ") + signal_name(*r.signal) + "\n");
  event("exited", {{"exitCode", code}});
  event("terminated", json::object());
}

void server::step(std::string_view how, const json& args) {
  if (args.contains("threadId")) {
    scope at = scope_of_thread(args["threadId"].get<std::int64_t>());
    if (at.tid) s_.select_thread(at.tid);
  }
  stepping_ = true;
  reset_handles();
  last_stop_.reset();
  auto what = std::string(how);
  after_response_ = [this, what] {
    run_result r;
    // The stepping engine runs the program to completion; meanwhile the client is still heard
    // (its requests are kept for after the step), and a pause ends the step where it is.
    if (in_fd_ >= 0)
      s_.set_front_end_watch({in_fd_, [this] { return hear_client_while_stepping(); }});
    auto step_over = [this] {
      s_.set_front_end_watch({});
      stepping_ = false;
    };
    try {
      if (what == "next")
        r = step_line(s_, false);
      else if (what == "stepIn")
        r = step_line(s_, true);
      else
        r = finish_frame(s_, s_.selected()).stop;
    } catch (...) {
      step_over();
      answer_held_requests();
      throw;
    }
    step_over();
    on_result(r);
    answer_held_requests();
  };
}

bool server::hear_client_while_stepping() {
  if (!take_client_bytes()) {
    done_ = true;
    return true;  // nobody left to step for
  }
  bool stop = false;
  while (auto msg = next_message()) {
    json m = json::parse(*msg, nullptr, false);
    std::string command = m.is_object() ? m.value("command", "") : "";
    if (command == "pause" || command == "disconnect" || command == "terminate") stop = true;
    held_.push_back(std::move(*msg));
  }
  return stop || done_;  // done_: framing that cannot be resynchronised ends it too
}

void server::answer_held_requests() {
  auto held = std::exchange(held_, {});
  for (const auto& msg : held)
    if (!done_) handle(msg);
}

void server::continue_(const json&, json& body) {
  body = {{"allThreadsContinued", true}};
  after_response_ = [this] { resume(); };
}

void server::next(const json& a, json&) {
  step("next", a);
}
void server::step_in(const json& a, json&) {
  step("stepIn", a);
}
void server::step_out(const json& a, json&) {
  step("stepOut", a);
}

void server::pause(const json&, json&) {
  if (is_core()) refuse_in_core("pause");
  if (s_.running()) s_.interrupt();
  // Already stopped: nothing to do, and no second stopped event.
}

// --- the program's output

void server::watch_output() {
  output_fd_ = s_.output_fd();
  error_fd_ = s_.error_fd();
  for (int fd : {output_fd_, error_fd_}) {
    if (fd < 0) continue;
    // A program that writes a lot while a step runs (when nobody reads) must not block on it.
    ::fcntl(fd, F_SETPIPE_SZ, 1 << 20);
    std::string_view cat = fd == output_fd_ ? "stdout" : "stderr";
    loop_.watch(fd, [this, fd, cat] { forward_output(fd, cat); });
  }
}

void server::forward_output(int fd, std::string_view category) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      output(category, std::string_view(buf, std::size_t(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    loop_.unwatch(fd);  // the program (and all it started) closed it, or it is gone
    return;
  }
}

void server::drain_output() {
  if (output_fd_ >= 0) forward_output(output_fd_, "stdout");
  if (error_fd_ >= 0) forward_output(error_fd_, "stderr");
}

void server::stop_program() {
  if (!target_) return;
  try {
    if (s_.has_process()) {
      if (s_.running()) {
        s_.interrupt();
        while (s_.running() && !s_.poll_resume(true)) {
        }
      }
      if (s_.has_process()) {
        if (target_->attach)
          s_.detach();
        else
          s_.kill();
      }
    }
  } catch (const std::exception& e) {
    log_.line(std::string("ending the program: ") + e.what());
  }
}

void server::end_target() {
  if (!target_) return;
  stop_program();
  for (int fd : {output_fd_, error_fd_})
    if (fd >= 0) loop_.unwatch(fd);
  output_fd_ = error_fd_ = -1;
  std::error_code ec;
  if (!target_->remove_file.empty()) std::filesystem::remove(target_->remove_file, ec);
  if (!target_->remove_dir.empty()) std::filesystem::remove_all(target_->remove_dir, ec);
  target_.reset();
}

}  // namespace godbg::dap

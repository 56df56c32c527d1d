// What runs at a stop besides showing it: displays, and the commands breakpoints carry (`on N
// CMD`, `commands N` ... `end`). Commands run after the command that ran the program returns,
// from a queue, so a list with `continue` in it runs for hit after hit without nesting calls.
#include <fmt/format.h>

#include <utility>

#include "commands/commands.hpp"
#include "commands/interpreter.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/session.hpp"

namespace godbg {

void interpreter::collect_block(std::function<void(std::vector<std::string>)> done) {
  collected_.clear();
  collect_done_ = std::move(done);
}

void interpreter::stopped(command_context& c, const stop_record& stop) {
  ++stops_;
  show_displays(c);
  std::vector<int> ids = stop.breakpoints;
  if (stop.watch && !stop.watch->out_of_scope) ids.push_back(stop.watch->id);
  std::vector<std::string> lines;
  for (int id : ids)
    if (auto* bp = s_.breakpoints().find(id))
      for (const auto& l : bp->commands)
        if (l != "silent") lines.push_back(l);
  // A new stop ends the list that was running: its commands replace what was left of it.
  pending_ = std::move(lines);
}

void interpreter::run_pending() {
  while (!pending_.empty() && !quit_) {
    auto lines = std::exchange(pending_, {});
    std::uint64_t at_stop = stops_;
    for (const auto& l : lines) {
      if (quit_ || !s_.has_process()) break;
      ++depth_;
      try {
        run_line(l, std::nullopt);
      } catch (const error& e) {
        out_.error(fmt::format("breakpoint command \"{}\": {}", l, e.what()));
      }
      --depth_;
      if (stops_ != at_stop) break;  // it ran the program: the new stop's commands come next
    }
  }
  pending_.clear();
}

int interpreter::add_display(const std::string& expr) {
  int id = next_display_++;
  displays_[id] = expr;
  return id;
}

void interpreter::remove_display(int id) {
  if (!displays_.erase(id)) fail("no display {}", id);
}

void interpreter::show_displays(command_context& c, std::optional<int> only) {
  if (displays_.empty() || !s_.has_process()) return;
  for (const auto& [id, expr] : displays_) {
    if (only && *only != id) continue;
    display_record d;
    d.id = id;
    d.expr = expr;
    try {
      d.value = evaluate_in_frame(s_, frame_in(s_, c.where()), expr);
    } catch (const error& e) {
      d.error = e.what();
    }
    out_.display(d);
  }
}

}  // namespace godbg

#include <fmt/format.h>

#include "commands/commands.hpp"
#include "commands/interpreter.hpp"
#include "commands/reporter.hpp"
#include "debugger/session.hpp"

namespace godbg {

void report(command_context& c, const run_result& r) {
  if (auto* exit = std::get_if<exit_record>(&r)) {
    c.out.exited(*exit);
    return;
  }
  const auto& stop = std::get<stop_record>(r);
  for (const auto& w : stop.warnings) c.out.warning(w);
  if (stop.reason == stop_reason::exec && stop.exec_path)
    c.out.message(fmt::format("process {} is executing new program: {}", c.s.process().pid(),
                              *stop.exec_path));
  // gdb's `silent` first in a breakpoint's commands: the stop is not shown, its commands run.
  bool silent = !stop.breakpoints.empty();
  for (int id : stop.breakpoints) {
    auto* bp = c.s.breakpoints().find(id);
    if (!bp || bp->commands.empty() || bp->commands.front() != "silent") silent = false;
  }
  if (!silent) c.out.stop(stop, c.s.source_context(stop.where, 2, 2));
  c.in.stopped(c, stop);
}

void report(command_context& c, const session_start& st) {
  c.out.start(st.start);
  // The entry stop of a launch shows no source: it is the runtime's assembly.
  bool entry = st.stop.reason == stop_reason::entry;
  c.out.stop(st.stop,
             entry ? std::vector<source_line_record>{} : c.s.source_context(st.stop.where, 2, 2));
}

}  // namespace godbg

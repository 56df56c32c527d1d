#include "cli/startup_command.hpp"

#include <signal.h>

#include "cli/trace_event_writer.hpp"
#include "commands/commands.hpp"
#include "commands/interpreter.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "debugger/session.hpp"
#include "debugger/startup/startup_report.hpp"

namespace godbg {

int run_startup_report(interpreter& in, const std::vector<std::string>& args,
                       const std::string& trace, const std::string& until, bool keep_running) {
  session& s = in.target_session();
  auto ctx = in.context();
  if (!s.bin().is_go()) fail("startup: {} is not a Go program", s.bin().path());
  report(ctx, s.launch(args));
  startup_options opts;
  if (!until.empty()) opts.until = until;
  auto res = trace_startup(s, opts);
  for (auto& w : res.warnings) in.out().warning(w);
  in.out().startup(res.report);
  if (res.stopped_by) {
    // Ended before main.main: a crash, an exit, an interrupt. Say how, after the timeline.
    report(ctx, s.to_result(*res.stopped_by));
  }
  if (!trace.empty()) {
    write_startup_trace(trace, res);
    in.out().message(
        fmt::format("Trace written to {} (open it in ui.perfetto.dev or "
                    "chrome://tracing).",
                    trace));
  }
  if (s.has_process() && !keep_running) {
    s.kill();
    in.out().exited(exit_record{std::nullopt, SIGKILL});
  }
  return 0;
}

}  // namespace godbg

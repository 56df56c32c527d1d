#include "cli/startup_command.hpp"

#include "cli/trace_event_writer.hpp"
#include "common/error.hpp"
#include "debugger/session.hpp"
#include "debugger/startup/startup_report.hpp"

namespace godbg {

int run_startup_report(session& s, const std::vector<std::string>& args, const std::string& trace,
                       bool keep_running) {
  if (!s.bin().is_go()) fail("startup: {} is not a Go program", s.bin().path());
  s.launch(args);
  auto res = trace_startup(s, startup_options{});
  s.out().startup(res.stages);
  if (res.stopped_by) {
    // Ended before main.main: a crash, an exit, an interrupt. Say how, after the timeline.
    s.report_event(*res.stopped_by);
  }
  if (!trace.empty()) {
    write_startup_trace(trace, res);
    s.out().message(
        fmt::format("Trace written to {} (open it in ui.perfetto.dev or "
                    "chrome://tracing).",
                    trace));
  }
  if (s.has_process() && !keep_running) {
    s.kill();
    s.out().exited(exit_record{std::nullopt, std::string("SIGKILL")});
  }
  return 0;
}

}  // namespace godbg

// `startup [until FUNC]`: the bootstrap report of the program being debugged, from where it
// stands to main.main (launching it first when it is not running).
#include "commands/commands.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "debugger/session.hpp"
#include "debugger/startup/startup_report.hpp"

namespace godbg::cmd {

void startup(command_context& c, const command_args& a) {
  auto& s = c.s;
  startup_options o;
  for (std::size_t i = 0; i < a.words.size(); ++i) {
    const auto& w = a.words[i];
    if ((w == "until" || w == "--until") && i + 1 < a.words.size()) {
      o.until = a.words[++i];
    } else {
      throw usage_error("usage: startup [until FUNCTION]");
    }
  }
  if (!s.has_binary()) fail("startup: no program loaded");
  if (!s.has_process()) {
    auto args = s.program_args();
    if (args.empty()) args = {s.bin().path()};
    report(c, s.launch(args));
  } else if (auto done = startup_already_done(s); done && *done) {
    fail(
        "startup: runtime.main has already started, the bootstrap is over; kill the program "
        "and run startup again");
  }
  auto res = trace_startup(s, o);
  for (auto& w : res.warnings) c.out.warning(w);
  c.out.startup(res.report);
  if (res.stopped_by)
    report(c, s.to_result(*res.stopped_by));
  else if (res.final_event)
    report(c, s.to_result(*res.final_event));
}

}  // namespace godbg::cmd

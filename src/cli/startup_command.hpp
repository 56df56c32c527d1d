#pragma once
#include <string>
#include <vector>

namespace godbg {

class interpreter;

// `godbg startup PROG [ARGS]`: launch PROG, run it through the Go bootstrap to main.main and
// print the report (text, or the `startup` JSON record); with a trace path, also write the
// timeline as a Trace Event Format file. Then the program is killed: the report was what was
// asked for. With keep_running (for command files given with -x), it stays stopped at main.main
// for them instead. With `until` (a function), the report goes on past main.main to it,
// sampling goroutine 1's stack on the way. Returns the exit status for godbg.
int run_startup_report(interpreter& in, const std::vector<std::string>& args,
                       const std::string& trace, const std::string& until = {},
                       bool keep_running = false);

}  // namespace godbg

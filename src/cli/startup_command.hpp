#pragma once
#include <string>
#include <vector>

namespace godbg {

class session;

// `godbg startup PROG [ARGS]`: run PROG to main.main and report its bootstrap. Returns the exit
// status for godbg.
int run_startup_report(session& s, const std::vector<std::string>& args, const std::string& trace);

}  // namespace godbg

#include "cli/startup_command.hpp"

#include "common/error.hpp"
#include "debugger/session.hpp"

namespace godbg {

int run_startup_report(session&, const std::vector<std::string>&, const std::string&) {
  fail("startup: not available yet (issue 6)");
}

}  // namespace godbg

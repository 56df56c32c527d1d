// print EXPR: a Go expression in the selected frame, shown as Go shows it.
#include "common/error.hpp"
#include "commands/commands.hpp"
#include "commands/reporter.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/session.hpp"

namespace godbg::cmd {

void print(command_context& c, const command_args& a) {
  auto& s = c.s;
  if (a.rest.find_first_not_of(" \t") == std::string::npos) throw usage_error("usage: print EXPR");
  s.process();  // values live in the running program
  auto frame = frame_in(s, c.where());
  c.out.value(evaluate_in_frame(s, frame, a.rest));
}

}  // namespace godbg::cmd

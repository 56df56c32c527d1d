// print EXPR: a Go expression in the selected frame, shown as Go shows it.
#include "common/error.hpp"
#include "commands/commands.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/session.hpp"

namespace godbg::cmd {

void print(session& s, const command_args& a) {
  if (a.rest.find_first_not_of(" \t") == std::string::npos) throw usage_error("usage: print EXPR");
  s.process();  // values live in the running program
  auto frame = selected_frame(s);
  s.out().value(evaluate_in_frame(s, frame, a.rest));
}

}  // namespace godbg::cmd

// Run control: continue, instruction and source stepping, finish, detach, kill, quit.
#include <signal.h>

#include "commands/commands.hpp"
#include "commands/interpreter.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "debugger/event_loop.hpp"
#include "debugger/session.hpp"
#include "debugger/stepping/stepping.hpp"

namespace godbg {

// The optional repeat count of stepping commands (1 when absent); fails at once, in one line,
// when there is nothing to run (no process, or a core file).
int count_arg(command_context& c, const command_args& a) {
  c.s.process();
  if (a.words.empty()) return 1;
  return parse_integer<int>(a.words[0], "a count", 1);
}

namespace cmd {

void continue_(command_context& c, const command_args&) {
  // Through the event loop every front end uses; this one listens to nothing else (the CLI's
  // program shares its terminal, and Ctrl-C reaches the loop as a signal).
  event_loop loop(c.s);
  report(c, loop.run());
}

void stepi(command_context& c, const command_args& a) {
  int n = count_arg(c, a);
  for (int i = 0; i < n && c.s.has_process(); ++i) report(c, c.s.step_instruction());
}

void nexti(command_context& c, const command_args& a) {
  int n = count_arg(c, a);
  for (int i = 0; i < n && c.s.has_process(); ++i) report(c, step_over_instruction(c.s));
}

void next(command_context& c, const command_args& a) {
  int n = count_arg(c, a);
  for (int i = 0; i < n && c.s.has_process(); ++i) report(c, step_line(c.s, false));
}

void step(command_context& c, const command_args& a) {
  int n = count_arg(c, a);
  for (int i = 0; i < n && c.s.has_process(); ++i) report(c, step_line(c.s, true));
}

void finish(command_context& c, const command_args&) {
  auto r = finish_frame(c.s, c.where());
  report(c, r.stop);
  if (!r.returned.empty()) c.out.returned(r.returned);
}

void restart(command_context& c, const command_args& a) {
  std::optional<std::vector<std::string>> args;
  if (!a.words.empty()) args = a.words;
  report(c, c.s.restart(args));
}

void until(command_context& c, const command_args& a) {
  if (a.rest.empty()) throw usage_error("usage: until LOC");
  report(c, run_to_location(c.s, a.rest, false));
}

void advance(command_context& c, const command_args& a) {
  if (a.rest.empty()) throw usage_error("usage: advance LOC");
  report(c, run_to_location(c.s, a.rest, true));
}

void detach(command_context& c, const command_args&) {
  pid_t pid = c.s.process().pid();
  c.s.detach();
  c.out.message(fmt::format("Detached from process {}.", pid));
}

void kill(command_context& c, const command_args&) {
  c.s.kill();
  c.out.exited(exit_record{std::nullopt, SIGKILL});
}

void quit(command_context& c, const command_args&) {
  c.in.request_quit();
}

}  // namespace cmd

}  // namespace godbg

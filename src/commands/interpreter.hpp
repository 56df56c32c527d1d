#pragma once
// Runs what a person typed or a command file holds: one line at a time, each a command of the
// table, its records going to one reporter. The front ends own one; `goroutine N CMD` and
// `frame N CMD` run CMD through it in another scope.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "debugger/model.hpp"

namespace godbg {

class session;
class reporter;
struct command_context;

class interpreter {
 public:
  // Tracepoint lines go to `out` as they happen (the session's trace sink).
  interpreter(session& s, reporter& out);
  ~interpreter();
  interpreter(const interpreter&) = delete;
  interpreter& operator=(const interpreter&) = delete;

  // Runs one line. Throws godbg::error for a failing command.
  void execute(std::string_view line, const std::optional<scope>& at = std::nullopt);
  // Runs a command file: `#` comments and blank lines skipped; a failing line is reported as
  // "FILE:LINE: message" and the file goes on. Returns the number of failed lines.
  int run_file(const std::string& path);

  // A context for calls outside any command (the front end's own launch, attach, startup).
  command_context context();
  session& target_session() { return s_; }
  reporter& out() { return out_; }
  bool quit_requested() const { return quit_; }
  void request_quit() { quit_ = true; }
  // Says the program's end when it came outside a run (session::take_exit); true if it did.
  bool report_end(int grace_ms);

  // --- What runs at stops (interpreter_hooks.cpp).
  // `commands N` ... `end`: the lines up to `end` go to `done` instead of being run.
  void collect_block(std::function<void(std::vector<std::string>)> done);
  bool collecting() const { return static_cast<bool>(collect_done_); }
  // A stop was shown: the displays follow it, and the commands of the breakpoints that made it
  // run once the command that ran the program is done (a `continue` among them goes on without
  // the rest, as in gdb, and without growing the stack however many hits follow).
  void stopped(command_context& c, const stop_record& stop);
  int add_display(const std::string& expr);
  void remove_display(int id);
  void clear_displays() { displays_.clear(); }
  // Shows the displays (all, or one) in the context's scope.
  void show_displays(command_context& c, std::optional<int> only = std::nullopt);

 private:
  session& s_;
  reporter& out_;
  bool quit_ = false;
  int file_depth_ = 0;  // command files being read: `source` may nest, but not without end
  void run_line(std::string_view line, const std::optional<scope>& at);
  void run_pending();
  std::function<void(std::vector<std::string>)> collect_done_;
  std::vector<std::string> collected_;
  std::vector<std::string> pending_;  // breakpoint commands waiting to run
  std::uint64_t stops_ = 0;           // stops shown so far: a command list ends at the next
  int depth_ = 0;                     // commands being run inside another's
  std::map<int, std::string> displays_;
  int next_display_ = 1;
};

}  // namespace godbg

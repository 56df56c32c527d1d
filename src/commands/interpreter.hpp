#pragma once
// Runs what a person typed or a command file holds: one line at a time, each a command of the
// table, its records going to one reporter. The front ends own one; `goroutine N CMD` and
// `frame N CMD` run CMD through it in another scope.
#include <optional>
#include <string>
#include <string_view>

#include "debugger/model.hpp"

namespace godbg {

class session;
class reporter;
struct command_context;

class interpreter {
 public:
  interpreter(session& s, reporter& out) : s_(s), out_(out) {}

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

 private:
  session& s_;
  reporter& out_;
  bool quit_ = false;
  int file_depth_ = 0;  // command files being read: `source` may nest, but not without end
};

}  // namespace godbg

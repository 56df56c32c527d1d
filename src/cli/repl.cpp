#include "cli/repl.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

// clang-format off
#include <editline/readline.h>
// clang-format on

#include "cli/completion.hpp"
#include "common/error.hpp"
#include "debugger/commands.hpp"
#include "debugger/session.hpp"

namespace godbg {

namespace {

std::string history_path() {
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.godbg_history";
}

// Commands that an empty line repeats, as in gdb.
bool repeatable(const std::string& line) {
  auto words = split_words(line);
  std::size_t consumed = 0;
  auto* c = find_command(words, consumed);
  return c && c->repeat_on_empty_line;
}

bool read_line(bool tty, std::string& out) {
  if (tty) {
    char* l = readline("(godbg) ");
    if (!l) return false;
    out = l;
    std::free(l);
    return true;
  }
  return static_cast<bool>(std::getline(std::cin, out));
}

}  // namespace

void run_repl(session& s) {
  bool tty = isatty(STDIN_FILENO);
  std::string hist = history_path();
  if (tty) {
    using_history();
    read_history(hist.c_str());
    install_completion(s);
  }
  std::string last;
  std::string line;
  while (!s.quit_requested() && read_line(tty, line)) {
    if (line.find_first_not_of(" \t") == std::string::npos) {
      if (last.empty()) continue;
      line = last;
    } else {
      if (tty) {
        add_history(line.c_str());
        write_history(hist.c_str());
      }
      last = repeatable(line) ? line : "";
    }
    try {
      execute_command(s, line);
    } catch (const error& e) {
      s.out().error(e.what());
    } catch (const std::exception& e) {
      s.out().error(e.what());
    }
  }
}

}  // namespace godbg

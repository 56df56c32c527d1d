// The interactive loop. On a terminal: libedit's readline (line editing, ~/.editrc bindings
// under the name "godbg"), history kept in ~/.godbg_history, tab completion (completion.cpp),
// Ctrl-C dropping the line being typed. Elsewhere (a pipe, a file): plain lines.
//
// Signals. libedit's readline() installs its own handlers while it reads a line
// (rl_catch_signals): on SIGINT it puts the terminal back in cooked mode, reinstalls the
// handler that was there before (ours, from signals.cpp) and raises the signal again, so our
// handler always runs and is the one in force as soon as readline() returns, i.e. whenever the
// program runs. What libedit does *not* do is end the line: its own reader retries once after
// EINTR and then reports end of input, which made a second Ctrl-C at the prompt quit godbg. So
// characters come through read_key() below, which turns a Ctrl-C into "line abandoned" and
// lets readline() return; the loop then starts a fresh prompt.
#include "cli/repl.hpp"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

// clang-format off
#include <editline/readline.h>
// clang-format on

#include "cli/completion.hpp"
#include "cli/signals.hpp"
#include "commands/commands.hpp"
#include "commands/interpreter.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "debugger/session.hpp"

namespace godbg {

namespace {

constexpr int history_size = 1000;
bool line_abandoned = false;  // read_key saw a Ctrl-C (or SIGTERM/SIGHUP)

std::string history_path() {
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.godbg_history";
}

// Commands that an empty line repeats, as in gdb.
bool repeatable(const std::string& line) {
  auto words = split_words(line);
  std::size_t consumed = 0;
  auto* c = find_command(words, consumed);
  return c && c->repeat_on_empty_line;
}

// libedit's rl_getc_function: one byte from the terminal; -1 (end of the line as far as libedit
// is concerned) on end of input or when a signal asks to drop the line. The signals are
// blocked but while ppoll waits, so one that comes just before the wait is not lost.
int read_key(FILE* in) {
  sigset_t ours, before;
  sigemptyset(&ours);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&ours, sig);
  for (;;) {
    pthread_sigmask(SIG_BLOCK, &ours, &before);
    pollfd p{fileno(in), POLLIN, 0};
    int r = -2, err = 0;
    if (!take_interrupt() && !termination_requested()) {
      r = ppoll(&p, 1, nullptr, &before);
      err = errno;
    }
    pthread_sigmask(SIG_SETMASK, &before, nullptr);  // a pending signal is handled here
    if (r == -2 || (r == -1 && err == EINTR && (take_interrupt() || termination_requested()))) {
      line_abandoned = true;
      return -1;
    }
    if (r == -1 && err != EINTR) return -1;
    if (r <= 0) continue;  // SIGWINCH, SIGCONT: libedit redraws; keep waiting
    unsigned char c;
    ssize_t n = ::read(p.fd, &c, 1);
    if (n == 1) return c;
    if (n == -1 && errno == EINTR) continue;
    return -1;
  }
}

enum class got { line, abandoned, end };

got read_line(bool tty, const char* prompt, std::string& out) {
  if (!tty) return std::getline(std::cin, out) ? got::line : got::end;
  line_abandoned = false;
  take_interrupt();  // a Ctrl-C that stopped the program is not one for the prompt
  char* l = readline(prompt);
  if (line_abandoned) {
    std::free(l);
    return got::abandoned;
  }
  if (!l) return got::end;
  out = l;
  std::free(l);
  return got::line;
}

void remember(std::string line, const std::string& path) {
  // Not twice in a row, and not lines that start with a blank (as bash's ignorespace).
  if (line[0] == ' ') return;
  line.erase(line.find_last_not_of(" \t\r") + 1);  // the blank TAB completion leaves
  if (history_length > 0) {
    HIST_ENTRY* prev = history_get(history_base + history_length - 1);
    if (prev && prev->line && line == prev->line) return;
  }
  add_history(line.c_str());
  // Written every time, so a crash or a kill -9 keeps what was typed.
  write_history(path.c_str());
}

}  // namespace

void run_repl(interpreter& in) {
  session& s = in.target_session();
  bool tty = isatty(STDIN_FILENO);
  std::string hist = history_path();
  if (tty) {
    // Before the first readline call: rl_initialize reads them.
    rl_readline_name = const_cast<char*>("godbg");
    rl_getc_function = read_key;
    using_history();
    stifle_history(history_size);
    read_history(hist.c_str());
    install_completion(s);
  }
  std::string last;
  std::string line;
  while (!in.quit_requested() && !termination_requested()) {
    // Inside `commands N` ... `end`, gdb's ">" says the lines are being collected.
    auto r = read_line(tty, in.collecting() ? ">" : "(godbg) ", line);
    if (r == got::end) {
      if (tty) std::fputs("\n", stdout);  // so the shell's prompt starts on a line of its own
      break;
    }
    if (r == got::abandoned && termination_requested()) {
      if (tty) std::fputs("\n", stdout);
      break;
    }
    if (r == got::abandoned) {
      // As bash does: show the ^C and start over on a new line; the repeat is forgotten.
      std::fputs("^C\n", stdout);
      std::fflush(stdout);
      last.clear();
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      if (last.empty() || in.collecting()) continue;
      line = last;
    } else {
      if (tty) remember(line, hist);
      last = repeatable(line) && !in.collecting() ? line : "";
    }
    try {
      in.execute(line);
    } catch (const error& e) {
      in.out().error(e.what());
    } catch (const std::exception& e) {
      in.out().error(e.what());
    }
  }
}

}  // namespace godbg

#include "cli/signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "process/inferior.hpp"

namespace godbg {

namespace {
// Set by the signal handlers, read by the main loop.
std::atomic<bool> terminating{false};
std::atomic<bool> interrupted{false};

void on_interrupt(int) {
  interrupted = true;
  inferior::request_interrupt();
}
void on_terminate(int) {
  terminating = true;
  inferior::request_termination();
}
}  // namespace

void install_signal_handlers() {
  struct sigaction sa {};
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_interrupt;
  sa.sa_flags = 0;  // no SA_RESTART: a blocked waitpid or read returns EINTR and sees the flag
  sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = on_terminate;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

bool termination_requested() {
  return terminating;
}

bool take_interrupt() {
  return interrupted.exchange(false);
}

bool use_color(std::FILE* f) {
  // https://no-color.org: NO_COLOR set to a non-empty value turns colour off.
  if (const char* nc = std::getenv("NO_COLOR"); nc && *nc) return false;
  if (const char* term = std::getenv("TERM"); term && std::strcmp(term, "dumb") == 0) return false;
  return isatty(fileno(f));
}

}  // namespace godbg

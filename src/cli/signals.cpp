#include "cli/signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "debugger/inferior.hpp"

namespace godbg {

namespace {
std::atomic<bool> terminating{false};  // set by a signal handler, read by the main loop

void on_interrupt(int) { inferior::request_interrupt(); }
void on_terminate(int) {
  terminating = true;
  inferior::request_interrupt();
}
}  // namespace

void install_signal_handlers() {
  struct sigaction sa {};
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_interrupt;
  sa.sa_flags = 0;  // no SA_RESTART: a blocked waitpid returns EINTR and sees the flag
  sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = on_terminate;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

bool termination_requested() { return terminating; }

bool use_color(std::FILE* f) {
  if (std::getenv("NO_COLOR")) return false;
  return isatty(fileno(f));
}

}  // namespace godbg

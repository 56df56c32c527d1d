#pragma once
// One loop for a front end: waits for the target and for the front end's own descriptors (a
// terminal, a DAP socket, the pipes of the program's output) at the same time, so the front end
// keeps answering while the program runs. Single-threaded: callbacks run on the loop's thread,
// between polls of the target, and may call the session (set a breakpoint, interrupt).
#include <functional>
#include <map>
#include <optional>

#include "debugger/model.hpp"

namespace godbg {

class session;

class event_loop {
 public:
  explicit event_loop(session& s) : s_(s) {}

  // Calls `on_readable` whenever fd can be read (or has hung up). Replaces an earlier watch.
  void watch(int fd, std::function<void()> on_readable);
  void unwatch(int fd);

  // Lets the program run (session::begin_resume) and serves the watched descriptors until it
  // stops or ends: returns that.
  run_result run();
  // Waits once, up to timeout_ms (-1: no limit), and dispatches: a watched descriptor's
  // callback, or the target's news. Returns the stop or end of a run begun earlier, if that is
  // what happened.
  std::optional<run_result> wait_once(int timeout_ms);

 private:
  session& s_;
  std::map<int, std::function<void()>> watched_;
};

}  // namespace godbg

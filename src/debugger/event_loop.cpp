#include "debugger/event_loop.hpp"

#include <poll.h>

#include <cerrno>
#include <vector>

#include "common/error.hpp"
#include "debugger/breakpoints/in_target.hpp"
#include "debugger/session.hpp"

namespace godbg {

namespace {
constexpr int drain_ms = 4;
}

void event_loop::watch(int fd, std::function<void()> on_readable) {
  watched_[fd] = std::move(on_readable);
}

void event_loop::unwatch(int fd) {
  watched_.erase(fd);
}

run_result event_loop::run() {
  s_.begin_resume();
  for (;;)
    if (auto r = wait_once(-1)) return *r;
}

std::optional<run_result> event_loop::wait_once(int timeout_ms) {
  // The target first: what happened while a callback ran must not wait for the next event.
  if (s_.running()) {
    if (auto r = s_.poll_resume(false)) return r;
    drain_in_target(s_);
  }
  std::vector<pollfd> fds;
  int target_fd = s_.running() ? s_.wait_fd() : -1;
  if (target_fd != -1) fds.push_back({target_fd, POLLIN, 0});
  for (auto& [fd, cb] : watched_) fds.push_back({fd, POLLIN, 0});
  if (fds.empty()) {
    if (timeout_ms < 0) fail("nothing to wait for: the program is not running");
    ::poll(nullptr, 0, timeout_ms);
    return std::nullopt;
  }
  // Insurance: the kernel does not announce every change of a traced program with SIGCHLD (a
  // dead leader's status after its last thread's, inferior::leader_death_after), so a running
  // target is looked at every quarter second even when its descriptor stays quiet.
  int wait_ms = timeout_ms;
  if (target_fd != -1 && (wait_ms < 0 || wait_ms > 250)) wait_ms = 250;
  // Tracepoints in the target: their rings are drained every few milliseconds (a ring holds
  // 16384 records: 16 ms of a million hits a second).
  bool tracing = target_fd != -1 && tracing_in_target(s_);
  if (tracing && (wait_ms < 0 || wait_ms > drain_ms)) wait_ms = drain_ms;
  int n = ::poll(fds.data(), fds.size(), wait_ms);
  if (n < 0 && errno != EINTR) fail_errno("wait for the program and for input");
  // A signal (Ctrl-C, SIGTERM) interrupted the wait: the target's poll sees its flag.
  if (n < 0 || (target_fd != -1 && fds[0].revents)) {
    if (s_.running()) return s_.poll_resume(false);
    return std::nullopt;
  }
  for (auto& p : fds) {
    if (p.fd == target_fd || !p.revents) continue;
    auto it = watched_.find(p.fd);
    if (it == watched_.end()) continue;  // unwatched by an earlier callback
    auto cb = it->second;                // the callback may unwatch itself
    cb();
  }
  if (s_.running()) return s_.poll_resume(false);
  return std::nullopt;
}

}  // namespace godbg

// The running half of the event loop: resuming every thread (begin_resume), and the events a
// front end polls for while the program runs (poll, poll_events, wait_fd on the SIGCHLD
// signalfd), with pausing and continuing around changes made while it runs. resume() is the
// blocking form the command line uses. The stop half (classifying stops, stopping everyone,
// stepping over sites) is inferior_run.cpp.
#include <poll.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <utility>

#include "common/error.hpp"
#include "process/inferior.hpp"
#include "process/interrupt_flag.hpp"
#include "process/ptrace_ops.hpp"

namespace godbg {

std::atomic<bool>& interrupt_flag() {
  // Written by the SIGINT handler; the only way a signal handler can talk to the loop.
  static std::atomic<bool> pending{false};
  return pending;
}

void inferior::request_interrupt() {
  interrupt_flag() = true;
}

inferior_event inferior::resume(const hit_filter& filter, const watch_filter& watches,
                                const front_end_watch& front_end) {
  begin_resume(filter, watches);
  if (front_end.fd < 0 || !front_end.readable)
    for (;;)
      if (auto ev = poll(true)) return *ev;
  // Both at once: the program's news (the SIGCHLD signalfd, drained by poll) and the client's.
  // A SIGCHLD after poll's last waitpid leaves the signalfd readable, so none is slept through.
  for (;;) {
    if (auto ev = poll(false)) return *ev;
    pollfd fds[2] = {{wait_fd(), POLLIN, 0}, {front_end.fd, POLLIN, 0}};
    int n = ::poll(fds, 2, 250);
    if (n > 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) && front_end.readable())
      request_interrupt();
  }
}

void inferior::begin_resume(const hit_filter& filter, const watch_filter& watches) {
  if (!alive_) fail("the program is not running");
  if (running_) fail("the program is already running");
  // A SIGTERM that came between two commands still counts.
  interrupt_flag() = termination_requested();
  // The signalfd before any thread runs: SIGCHLD is ignored until it is blocked, so a thread that
  // stopped before then would leave nothing for a waiting front end to wake on.
  wait_fd();
  filter_ = filter;
  watch_filter_ = watches;
  running_ = true;
  try {
    // vfork children seen while stopping everything run now (inferior_fork.cpp).
    run_vfork_windows();
    // Events seen while stopping everything last time are reported before anything runs.
    if (deferred_.empty()) restart_threads();
  } catch (...) {
    // Not started after all (a death is kept in end_, for the session to report).
    running_ = false;
    filter_ = nullptr;
    throw;
  }
}

// Threads reported at an int3 execute the instruction under it first (alone), then all go.
// step_over() may add threads (clones), drop them (deaths) or forget them all (the program's
// end), so the map is walked by thread id, never by iterator across a step.
void inferior::restart_threads() {
  for (pid_t tid : thread_ids()) {
    if (!alive_) return;
    auto it = threads_.find(tid);
    if (it == threads_.end() || !it->second.stopped || !it->second.step_over_site) continue;
    bool at_site = false;
    try {
      at_site = is_site(virt_addr(regs(tid).rip));
    } catch (const thread_gone&) {
      continue;
    }
    if (at_site) step_over(tid);
  }
  if (!alive_) return;  // poll() reports the end
  // Stepping over an int3 may have run into a watchpoint: poll() decides on it (the watch
  // filter, once) before anything runs.
  bool watched = false;
  for (const auto& hit : std::exchange(watch_hits_, {})) {
    if (!threads_.count(hit.tid)) continue;
    auto ev = hit;
    try {
      ev.pc = pc(ev.tid);
    } catch (const thread_gone&) {
      continue;
    }
    deferred_.push_back(ev);
    watched = true;
  }
  if (watched) return;
  for (auto& [tid, t] : threads_)
    if (t.stopped) resume_thread(t);
}

inferior_event inferior::finish_run(inferior_event ev) {
  running_ = false;
  filter_ = nullptr;
  watch_filter_ = nullptr;
  return ev;
}

void inferior::pause_running() {
  if (!running_) return;
  stop_all();
}

void inferior::continue_after_pause() {
  if (!running_ || !alive_) return;
  if (deferred_.empty()) restart_threads();
}

std::optional<inferior_event> inferior::poll(bool block) {
  if (!running_) fail("the program is not running");
  if (sigchld_fd_ != -1) {
    // Drained first: whatever it announced is collected by the waitpid calls below.
    signalfd_siginfo info;
    while (::read(sigchld_fd_, &info, sizeof info) == ssize_t(sizeof info)) {
    }
  }
  try {
    return poll_events(block);
  } catch (const error&) {
    // Whatever failed, a program that died meanwhile is what to report, not the failure.
    if (!alive_ || ended_now(1000)) return finish_run(end_event());
    // Else the run cannot go on as it was: leave the program stopped, the run over.
    try {
      stop_all();
    } catch (const error&) {
    }
    finish_run(inferior_event{});
    if (!alive_) return finish_run(end_event());
    throw;
  }
}

std::optional<inferior_event> inferior::poll_events(bool block) {
  auto ended = [&] { return finish_run(end_event()); };
  if (!alive_) return ended();
  // Marks a stop as reported at its pc (so the next resume steps over an int3 there); a thread
  // that died meanwhile has nothing to step over.
  auto reported = [&](pid_t tid) {
    if (!threads_.count(tid)) return;
    try {
      mark_reported(tid);
    } catch (const thread_gone&) {
    }
  };
  while (!deferred_.empty()) {
    auto ev = deferred_.front();
    deferred_.erase(deferred_.begin());
    if (unwanted(ev)) {  // a watchpoint whose condition does not hold
      if (deferred_.empty()) restart_threads();
      if (!alive_) return ended();
      continue;
    }
    reported(ev.tid);
    return finish_run(ev);
  }
  for (;;) {
    if (interrupt_flag().exchange(false)) {
      stop_all();
      if (!alive_) return ended();
      pid_t tid = threads_.count(pid_) ? pid_ : (threads_.empty() ? pid_ : threads_.begin()->first);
      return finish_run(inferior_event{inferior_event::kind::interrupt, tid, 0, 0});
    }
    auto w = wait_any(!block);
    if (!alive_) return ended();
    if (!w) {
      if (!block) return std::nullopt;
      continue;  // EINTR: look at the interrupt flag
    }
    auto ev = classify(*w, false);
    if (!alive_) return ended();
    if (!ev) continue;
    if (ev->what == inferior_event::kind::exited || ev->what == inferior_event::kind::killed)
      return finish_run(*ev);
    if (unwanted(*ev)) {  // a watchpoint whose condition does not hold: on it goes, alone
      if (auto it = threads_.find(ev->tid); it != threads_.end()) resume_thread(it->second);
      continue;
    }
    if (ev->what == inferior_event::kind::breakpoint && filter_) {
      bool wanted = true;
      try {
        wanted = filter_(ev->tid, virt_addr(ev->pc));
      } catch (const error&) {
        // A hit whose filter cannot decide is reported (as a condition that cannot be
        // evaluated stops), unless the reason is the program's death, seen just below.
      }
      if (!wanted) {
        // Not reported. The fast path: apply the instruction under the int3 to this thread's
        // registers and let it go on alone, while the others never stop. Else stop everything
        // and single-step it with the int3 lifted.
        auto it = threads_.find(ev->tid);
        if (it == threads_.end()) continue;
        bool passed = false;
        try {
          passed = emulate_past_site(it->second);
        } catch (const thread_gone&) {
          continue;  // killed under us: its death comes next
        }
        if (passed) {
          ++fast_passes_;
          resume_thread(it->second);
          continue;
        }
        stop_all();
        if (!alive_) return ended();
        if (auto again = threads_.find(ev->tid); again != threads_.end())
          again->second.step_over_site = true;
        if (!deferred_.empty()) return poll_events(false);  // something else happened meanwhile
        restart_threads();
        if (!alive_) return ended();
        // The step over it met a watchpoint: that is decided before running on.
        if (!deferred_.empty()) return poll_events(false);
        continue;
      }
    }
    stop_all();
    if (!alive_) return ended();
    reported(ev->tid);
    return finish_run(*ev);
  }
}

int inferior::wait_fd() {
  if (sigchld_fd_ != -1) return sigchld_fd_;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) == -1) fail_errno("block SIGCHLD");
  sigchld_fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sigchld_fd_ == -1) fail_errno("create a signalfd for SIGCHLD");
  return sigchld_fd_;
}

}  // namespace godbg

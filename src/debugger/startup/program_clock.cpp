#include "debugger/startup/program_clock.hpp"

#include <time.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace godbg {

std::int64_t program_clock::monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::optional<program_clock::sched> program_clock::read_sched() const {
  // "time on the CPU (ns), time waiting to run (ns), time slices"; the first counts user and
  // kernel time alike, so the program's page faults are its own.
  std::ifstream in("/proc/" + std::to_string(pid_) + "/task/" + std::to_string(tid_) +
                   "/schedstat");
  sched s;
  if (!(in >> s.cpu >> s.wait >> s.runs)) return std::nullopt;
  return s;
}

std::optional<std::uint64_t> program_clock::cpu_ns() const {
  if (auto s = read_sched()) return s->cpu;
  return std::nullopt;
}

void program_clock::begin(pid_t pid, pid_t tid) {
  pid_ = pid;
  tid_ = tid;
  wall_ = false;
  cpu0_ = cpu_ns().value_or(0);
  wall0_ = monotonic_ns();
  since_ = wall0_;
  frozen_us_ = 0;
  handed_out_us_ = 0;
  pauses_.clear();
}

void program_clock::stopped(std::optional<pid_t> trapped) {
  if (since_) return;
  since_ = monotonic_ns();
  settle_wait(*since_);
  trapped_main_ = trapped == tid_;
  if (!wall_) {
    auto c = cpu_ns();
    if (c && *c >= cpu0_)
      frozen_us_ = (*c - cpu0_) / 1000;
    else  // no schedstat: the wall clock since the beginning, pauses left out
      frozen_us_ = at_monotonic_us(*since_);
    return;
  }
  frozen_us_ = std::max(at_monotonic_us(*since_), handed_out_us_);
  handed_out_us_ = frozen_us_;
}

void program_clock::resumed() {
  if (!since_) return;
  if (wall_ && trapped_main_) at_resume_ = read_sched();
  std::int64_t now = monotonic_ns();
  resume_pause_ = pauses_.size();
  pauses_.push_back({*since_, now});
  since_.reset();
}

void program_clock::count_last_pause() {
  if (resume_pause_ < pauses_.size()) pauses_[resume_pause_].to = pauses_[resume_pause_].from;
}

void program_clock::settle_wait(std::int64_t limit) {
  if (wall_ && at_resume_ && resume_pause_ < pauses_.size()) {
    // It was let go runnable (it had hit a trap) and got a CPU once since: the wait for it was
    // godbg's doing. After more runs (a sleep, a preemption) the first wait is not told apart:
    // none is taken.
    if (auto now = read_sched();
        now && now->runs == at_resume_->runs + 1 && now->wait >= at_resume_->wait) {
      auto& p = pauses_[resume_pause_];
      p.to = std::min(p.to + std::int64_t(now->wait - at_resume_->wait), limit);
    }
  }
  at_resume_.reset();
}

void program_clock::hold(std::int64_t from, std::int64_t to, pid_t thread) {
  // Only the main thread's: goroutine 1 runs on it (locked to it through init), so its time is
  // the program's. Another thread held while goroutine 1 slept in an init held nothing back,
  // and taking it off made a 20 ms sleep 13 ms on a busy machine.
  if (!wall_ || to <= from || thread != tid_) return;
  settle_wait(from);
  pauses_.push_back({from, to});
  // Still held: its counts are what they will be when it is let go.
  at_resume_ = read_sched();
  resume_pause_ = pauses_.size() - 1;
}

void program_clock::switch_to_wall() {
  if (wall_) return;
  // Called at a stop: the wall part begins when the program is let go.
  base_us_ = frozen_us_;
  wall_ = true;
  anchor_ = since_ ? *since_ : monotonic_ns();
}

std::uint64_t program_clock::now_us() const {
  return frozen_us_;
}

std::uint64_t program_clock::instant_us() {
  if (since_) return frozen_us_;
  if (!wall_)
    if (auto c = cpu_ns(); c && *c >= cpu0_) return (*c - cpu0_) / 1000;
  // A wait taken off after an instant was handed out (a pause grown by it) would put what
  // comes next before that instant: the clock stands still instead, until it has caught up.
  handed_out_us_ = std::max(handed_out_us_, at_monotonic_us(monotonic_ns()));
  return handed_out_us_;
}

std::uint64_t program_clock::at_monotonic_us(std::int64_t t) const {
  std::int64_t from = wall_ ? anchor_ : wall0_;
  std::int64_t held = 0;
  for (auto& p : pauses_) {
    if (p.to <= from || p.from >= t) continue;
    held += std::min(p.to, t) - std::max(p.from, from);
  }
  if (since_ && *since_ < t) held += t - std::max(*since_, from);
  std::int64_t ns = t - from - held;
  return (wall_ ? base_us_ : 0) + std::uint64_t(ns > 0 ? ns / 1000 : 0);
}

}  // namespace godbg

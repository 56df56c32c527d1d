#pragma once
// The startup report's clock: how long the program would have taken without godbg.
//
// Until runtime.main starts, the program is one thread that never waits (no other thread
// exists, nothing blocks): its time is that thread's CPU time (the kernel's count, in ns, from
// /proc/PID/task/TID/schedstat), which a stopped thread does not add to, whatever the load of
// the machine. From runtime.main on, threads wait for each other and init may sleep: its time
// is the monotonic clock (CLOCK_MONOTONIC, the one the Go runtime's nanotime reads) minus the
// spans godbg held the program stopped, from the moment a stop was seen to the moment it was let
// go, and less the wait of the main thread (goroutine 1's during init) for a CPU after godbg let
// it go: a stopped thread loses its CPU, and on a busy machine it queues to get one back. That
// wait is the kernel's count (run_delay in schedstat) averaged over the thread's runs since.
// What remains of godbg in it is the delivery of each trap.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace godbg {

class program_clock {
 public:
  // The report begins: the program stands stopped, `tid` is the thread that runs alone.
  void begin(pid_t pid, pid_t tid);
  // A stop was seen (the first call counts until the next resumed()); `trapped` is the thread
  // that hit a trap, if one did (it was running: its wait for a CPU since the last resume can
  // only be godbg's doing).
  void stopped(std::optional<pid_t> trapped = std::nullopt);
  void resumed();
  // godbg held one thread from..to (monotonic ns) while the others ran: an event it looked at
  // without stopping the program (a goroutine made, a thread born). Only the main thread's
  // holds come off, and its wait for a CPU after it is let go too (as after a stop).
  void hold(std::int64_t from, std::int64_t to, pid_t thread);
  // The pause just ended did not hold the program back (what it waited for, a timer or the
  // kernel, went on meanwhile): it counts as the program's time after all.
  void count_last_pause();
  // From now on (the stop at runtime.main) the program's time is wall time minus pauses.
  void switch_to_wall();
  // The program's time at the current stop, in µs since the report began.
  std::uint64_t now_us() const;
  // The program's time now, whether or not it is stopped (an event seen while it runs). The
  // times handed out never go back (a wait taken off later stills the clock until it caught up).
  std::uint64_t instant_us();
  // The program's time, in µs, at an instant of CLOCK_MONOTONIC (ns) after switch_to_wall().
  std::uint64_t at_monotonic_us(std::int64_t ns) const;
  // CLOCK_MONOTONIC (ns) when the current stop was seen; none while the program runs.
  std::optional<std::int64_t> stopped_at_ns() const { return since_; }
  // CLOCK_MONOTONIC now, in ns.
  static std::int64_t monotonic_ns();
  // "cpu" before switch_to_wall(), "wall" after.
  bool on_wall() const { return wall_; }

 private:
  struct sched {
    std::uint64_t cpu = 0, wait = 0, runs = 0;  // ns on a CPU, ns queued for one, arrivals
  };
  std::optional<sched> read_sched() const;
  // The main thread queued for a CPU once since it was let go at the pending pause: that wait
  // is godbg's doing, and the pause grows by it up to `limit`.
  void settle_wait(std::int64_t limit);
  std::optional<std::uint64_t> cpu_ns() const;
  struct pause {
    std::int64_t from, to;  // monotonic ns
  };
  pid_t pid_ = 0, tid_ = 0;
  bool wall_ = false;
  std::uint64_t cpu0_ = 0;             // the thread's CPU time when the report began
  std::int64_t wall0_ = 0;             // monotonic ns when the report began
  std::optional<std::int64_t> since_;  // the current stop was seen at (monotonic ns)
  std::uint64_t frozen_us_ = 0;        // the program time of the current stop
  // After switch_to_wall: program time = base_us_ + (t - anchor_) - pauses after anchor_.
  std::uint64_t base_us_ = 0;
  std::int64_t anchor_ = 0;
  std::vector<pause> pauses_;
  std::optional<sched> at_resume_;   // the main thread's counts when it was last let go
  std::size_t resume_pause_ = 0;     // the pause that resume ended
  bool trapped_main_ = false;        // the current stop is the main thread's trap
  std::uint64_t handed_out_us_ = 0;  // the latest program time handed out on the wall clock
};

}  // namespace godbg

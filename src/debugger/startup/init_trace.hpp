#pragma once
// Package init as the Go runtime measures it. GODEBUG=inittrace=1 makes runtime.main time every
// package's init with its own clock (nanotime before and after, on goroutine 1) and count the
// heap allocations it makes, and print one line per package. The report switches that on in
// the program's memory at runtime.main's start (runtime.debug.inittrace and .malloc, as the
// GODEBUG setting does) and points goroutine 1's print output (g.writebuf, which the runtime
// uses for runtime.Stack) into a buffer of its own mapped in the program, so the lines never
// reach the program's stderr and no stop is needed per package. At main.main it reads the
// lines back, hands anything else goroutine 1 printed meanwhile to the program's stderr, and
// puts everything back as it was.
//
// What it costs the program is what GODEBUG=inittrace=1 costs it: two nanotime calls and one
// line copied into memory per package, and the allocator's accounting.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goruntime/go_runtime.hpp"

namespace godbg {

class session;
class remote_syscalls;

// One line of inittrace: "init PKG @S ms, D ms clock, B bytes, A allocs". Times are what the
// runtime printed (two significant digits, truncated; whole ms from 10 ms on), in ns.
struct traced_init {
  std::string package;
  std::uint64_t start_ns = 0;  // since runtime.runtimeInitTime
  std::uint64_t dur_ns = 0;
  std::uint64_t bytes = 0, allocs = 0;
};

// Parses what the runtime printed; lines that are not inittrace's go to `other` as they were.
std::vector<traced_init> parse_inittrace(std::string_view text, std::string& other);

class init_tracer {
 public:
  init_tracer(session& s, remote_syscalls& sys) : s_(s), sys_(sys) {}
  // At runtime.main's entry, goroutine 1 (g) on thread tid, before it looks at the setting.
  // False (and nothing changed) when the binary does not tell where the pieces are (no DWARF)
  // or no buffer could be mapped: the report then measures init with stops.
  bool arm(pid_t tid, std::uint64_t g);
  bool armed() const { return armed_; }
  // Reads the lines back and restores the program (on a thread godbg holds stopped, normally
  // at main.main). runtime.runtimeInitTime (monotonic ns) is in init_time.
  struct result {
    std::vector<traced_init> inits;
    std::optional<std::int64_t> init_time;
    bool truncated = false;  // the buffer filled up: later packages are missing
    std::vector<std::string> warnings;
  };
  result collect(pid_t tid);

 private:
  void restore(pid_t tid, result& r);
  session& s_;
  remote_syscalls& sys_;
  bool armed_ = false;
  inittrace_vars v_;
  std::uint64_t g_ = 0;
  std::uint64_t buf_ = 0, cap_ = 0;
  std::int32_t saved_setting_ = 0;
  std::uint8_t saved_malloc_ = 0;
};

}  // namespace godbg

#pragma once
// The program's own ways of stopping and dying, caught before it is too late (issue 14):
// - an unrecovered panic: an internal stop at the entry of runtime.fatalpanic (of
//   runtime.startpanic in releases that have no fatalpanic), where the deferred calls have run
//   and the value is not printed yet; the stop says the value as the runtime will print it;
// - a fatal error (deadlock, concurrent map writes, runtime.throw): internal stops at the
//   entries of runtime.throw and runtime.fatal, whose message is still in AX/BX (the register
//   ABI's string argument);
// - the program's own int3 (runtime.Breakpoint(), an int3 in assembly): the inferior reports it
//   as a trap; for runtime.Breakpoint the stop is moved out to its caller, as Delve does.
// `continue` from any of them lets the program go on as it would have without a debugger.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "debugger/model.hpp"

namespace godbg {

class session;

class runtime_traps {
 public:
  // Sets the stops in a Go program's process, in place of those of an earlier process.
  void install(session& s);
  // The stops are gone already (the session dropped every internal stop, at exec).
  void forget() { *this = runtime_traps{}; }
  // When the internal stops a stop hit include one of these: its reason and what it says.
  void describe(session& s, const std::vector<int>& internal, pid_t tid, stop_record& rec) const;
  // The program's own int3 stopped thread tid: out of runtime.breakpoint / runtime.Breakpoint
  // into their caller, one instruction at a time (at most a few).
  static void leave_breakpoint_function(session& s, pid_t tid);

 private:
  std::optional<int> panic_;
  std::vector<int> fatal_;
};

// The value a panic carries on the goroutine thread tid runs, as printpanicval prints it
// (errors and Stringers are already strings by the time runtime.fatalpanic runs).
std::optional<std::string> panic_value(session& s, pid_t tid);

}  // namespace godbg

#pragma once
// The startup report: runs a launched Go program from where it stands (normally its first
// instruction) to main.main with internal stops on the functions of the bootstrap chain and
// tells what each stage established. See ../shared/CONTRACT.md (the `startup` record) and
// issues 6 and 19.
//
//   _rt0_amd64_linux -> _rt0_amd64 -> runtime.rt0_go -> runtime.check -> runtime.args
//   -> runtime.osinit -> runtime.schedinit -> runtime.newproc (goroutine 1 = runtime.main)
//   -> runtime.mstart (m0 schedules) -> runtime.main on goroutine 1 -> clone (sysmon, ...)
//   -> package init of the runtime -> runtime.gcenable (more newprocs)
//   -> package init of every other package, one stage each, in the runtime's order -> main.main
//
// Every value is read from the process (registers, stack, runtime memory); what cannot be read
// is null. Times are the program's own (program_clock.hpp): CPU time of the one thread until
// runtime.main, then the monotonic clock less the time godbg held the program stopped. Package
// inits are timed and counted by the runtime itself (init_trace.hpp), as GODEBUG=inittrace=1
// does, so no stop falls inside one; without DWARF the report stops at each init instead.
// `startup until FUNC` goes on past main.main to FUNC, sampling goroutine 1's stack on the way
// (main_profile.hpp): where main.main's time went.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "debugger/model.hpp"
#include "debugger/session.hpp"

namespace godbg {

class session;

struct startup_options {
  // A function to run to after main.main (e.g. "main.offMain"): one more stage there, telling
  // which thread goroutine 1 is on by then and where main.main's time went.
  std::optional<std::string> until;
  // How often goroutine 1's stack is sampled on the way to `until`, in µs of program time.
  std::uint64_t sample_us = 1000;
};

struct startup_thread {
  int tid = 0;
  std::optional<int> parent;
  std::uint64_t born_us = 0;  // 0 for threads that existed when the report began
  std::string name;           // "main thread (m0)", "M1 runtime.sysmon", ...
};

// One sample of goroutine 1's stack on the way to `until`: when, how much program time it
// stands for, and its functions from the outermost (runtime.main) in.
struct stack_sample {
  std::uint64_t t_us = 0, weight_us = 0;
  std::vector<std::string> functions;
};

struct startup_result {
  int pid = 0;
  std::string program;
  startup_record report;
  std::vector<startup_thread> threads;
  std::vector<stack_sample> samples;
  bool complete = false;  // main.main (and the --until function) reached
  // Why it ended early (a signal, a user breakpoint, an interrupt, the exit); the caller reports
  // it after the timeline.
  std::optional<session::outcome> stopped_by;
  // The last event of a complete run (the stop at main.main or at the --until function).
  std::optional<session::outcome> final_event;
  std::vector<std::string> warnings;
};

// Runs the program (which must be launched and stopped) through its bootstrap. Installs and
// removes its own internal stops; user breakpoints still stop it (the report then ends there).
startup_result trace_startup(session& s, const startup_options& o);

// True when the program is known to be past runtime.main's start (so there is no bootstrap
// left to report); nullopt when that cannot be told.
std::optional<bool> startup_already_done(session& s);

}  // namespace godbg

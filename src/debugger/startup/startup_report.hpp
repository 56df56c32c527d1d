#pragma once
// The startup report: runs a launched Go program from where it stands (normally its first
// instruction) to main.main with internal stops on every function of the bootstrap chain and
// tells what each stage established. See ../shared/CONTRACT.md (the `startup` record) and
// issue 6.
//
//   _rt0_amd64_linux -> _rt0_amd64 -> runtime.rt0_go -> runtime.check -> runtime.args
//   -> runtime.osinit -> runtime.schedinit -> runtime.newproc (goroutine 1 = runtime.main)
//   -> runtime.mstart (m0 schedules) -> runtime.main on goroutine 1 -> clone (sysmon, ...)
//   -> runtime.doInit[1] (runtime's package init) -> runtime.gcenable (more newprocs)
//   -> runtime.doInit[1] (main's package init) -> main.main
//
// Every value is read from the process (registers, stack, runtime memory); what cannot be read
// is null. Times are microseconds of wall time (steady clock) since the program's entry point,
// measured under the debugger: each stop costs a stop of every thread, so they show order and
// proportion, not the speed of an undebugged run.
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
  // which thread goroutine 1 is on by then.
  std::optional<std::string> until;
};

struct startup_thread {
  int tid = 0;
  std::optional<int> parent;
  std::uint64_t born_us = 0;  // 0 for threads that existed when the report began
  std::string name;           // "main thread (m0)", "M1 runtime.sysmon", ...
};

struct startup_result {
  int pid = 0;
  std::string program;
  std::vector<startup_stage> stages;
  std::vector<std::optional<std::uint64_t>> durations_us;  // per stage: entry to return
  std::vector<startup_thread> threads;
  bool complete = false;  // main.main (and the --until function) reached
  // Why it ended early (a signal, a user breakpoint, an interrupt, the exit); the caller reports
  // it after the timeline.
  std::optional<session::outcome> stopped_by;
  // The last event of a complete run (the stop at main.main or at the --until function).
  std::optional<session::outcome> final_event;
};

// Runs the program (which must be launched and stopped) through its bootstrap. Installs and
// removes its own internal stops; user breakpoints still stop it (the report then ends there).
startup_result trace_startup(session& s, const startup_options& o);

// True when the program is known to be past runtime.main's start (so there is no bootstrap
// left to report); nullopt when that cannot be told.
std::optional<bool> startup_already_done(session& s);

}  // namespace godbg

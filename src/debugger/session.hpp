#pragma once
// The one piece of mutable state godbg has: the program being debugged, its process, the
// breakpoints and what is selected (thread, goroutine, frame). It never prints: every call
// returns what happened as records (model.hpp) for a front end to render.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "debugger/breakpoints.hpp"
#include "debugger/breakpoints/in_target.hpp"
#include "debugger/model.hpp"
#include "debugger/runtime_traps.hpp"
#include "debugger/source_files.hpp"
#include "dwarf/binary.hpp"
#include "dwarf/object_set.hpp"
#include "process/core_file.hpp"
#include "process/core_writer.hpp"
#include "process/inferior.hpp"

namespace godbg {

class go_runtime;

// What starting a session on a process says: the process, then its first stop.
struct session_start {
  start_record start;
  stop_record stop;
};

class session {
 public:
  session();
  ~session();

  // The program. load() returns what was odd about the binary (warnings for the user).
  std::vector<std::string> load(const std::string& path);
  // args[0] is the program.
  session_start launch(const std::vector<std::string>& args, const launch_options& opts = {});
  session_start attach(pid_t pid);
  // Launches the program again (killing it first when it runs), with `program_args` in place of
  // its arguments when given: every breakpoint set again from its location (a PIE binary loads
  // elsewhere), their hit counts back to 0; the stepping engine's stops are dropped.
  session_start restart(const std::optional<std::vector<std::string>>& program_args);
  bool has_binary() const { return bin_ != nullptr; }
  const binary& bin() const;
  bool has_process() const { return proc_ && proc_->alive(); }
  // The live process; fails in a core session ("a core file cannot run").
  inferior& process();
  // What read-only paths read (stacks, values, goroutines, registers, memory): the live
  // process, or the core file of a post-mortem session (session_core.cpp).
  bool has_program() const { return has_process() || core_; }
  target& program();
  // Post-mortem: `PROG COREFILE` after load(PROG). The start record and first stop say how the
  // process died; the thread that took the fatal signal (and a panicking goroutine) is selected.
  session_start open_core(const std::string& path);
  const core_file* core() const { return core_.get(); }
  // gdb's gcore: a core file of the stopped process, its current thread first.
  core_summary dump_core(const std::string& path);
  load_bias bias() const { return bias_; }
  const std::vector<std::string>& program_args() const { return args_; }
  // The one reader of the Go runtime, for the life of the process.
  go_runtime& runtime();
  // The executable and the shared libraries mapped now (session_libraries.cpp); nullptr
  // without a process. Libraries the link map names but that cannot be opened are skipped and
  // said in library_problems().
  const object_set* objects() const;
  const std::vector<std::string>& library_problems() const { return library_problems_; }

  // Running. Each returns the stop it led to or the program's end.
  run_result resume();  // continue

  // The same continue without waiting, for a front end that listens while the program runs
  // (event_loop.hpp): begin_resume() lets it go, poll_resume() returns the stop once there is
  // one. Breakpoints may be added and deleted meanwhile (stop, change, resume).
  void begin_resume();
  std::optional<run_result> poll_resume(bool block = false);
  bool running() const { return proc_ && proc_->running(); }
  // Asks the running program to stop; the next poll_resume() reports the interrupt.
  void interrupt();
  // What the blocking runs (resume, the stepping engine's) watch beside the program, so a
  // front end keeps reading its client meanwhile (front_end_watch); {} for none.
  void set_front_end_watch(front_end_watch w) { front_end_ = std::move(w); }
  // Readable when poll_resume() may have news (see inferior::wait_fd).
  int wait_fd();
  // The program's stdout and stderr when it was launched with capture_output, else -1. They
  // stay open after it ends, until the next launch, so its last words can still be read.
  int output_fd() const { return output_.first; }
  int error_fd() const { return output_.second; }
  run_result step_instruction();
  run_result next_instruction();
  void kill();
  void detach();
  // The program's end when it came outside a run, e.g. killed while stopped or while a
  // breakpoint was being set: an exit_record, once; the session has no process afterwards.
  // `grace_ms`: how long to let a program on its way out finish dying. Nothing while a run is
  // on (poll_resume() reports the end then) or while the program lives.
  std::optional<exit_record> take_exit(int grace_ms = 0);

  // What the target did, with what wanted the stop; the stepping engine looks at `internal`
  // before it decides what the user sees (describe()).
  struct outcome {
    inferior_event ev;
    std::vector<int> breakpoints;  // user breakpoints that wanted it (their hits counted)
    std::vector<int> internal;     // internal stops that wanted it
    std::vector<std::string> warnings;
    std::optional<watch_report> watch;  // a watchpoint's hit, or its frame's return
  };
  outcome run_until(const inferior::hit_filter& extra);
  // poll_resume() before to_result(): with what wanted the stop (the startup report's samples
  // run the program this way to its `until` stop).
  std::optional<outcome> poll_outcome(bool block = false);
  outcome single_step(pid_t tid);
  // The stop or exit as the user sees it. Deletes a temporary breakpoint that was hit and takes
  // in a new program after exec.
  run_result to_result(const outcome& o);

  // Breakpoints.
  breakpoint_table& breakpoints() { return breakpoints_; }
  std::vector<virt_addr> resolve_location(const std::string& spec);
  // The same, with the function the location names (nullopt for FILE:LINE and *ADDR).
  struct resolved_location {
    std::vector<virt_addr> sites;
    std::optional<std::string> function;
    // Sites in several functions the spec names (the instantiations of a generic function,
    // the matches of /REGEX/): each said in its own function.
    bool function_sites = false;
  };
  resolved_location resolve(const std::string& spec);
  user_breakpoint& add_breakpoint(const std::string& spec, bool temporary);
  void delete_breakpoint(int id);
  // Internal stops share the int3 sites; `wants` decides per hit.
  int add_internal_stop(virt_addr a, std::function<bool(pid_t)> wants);
  void remove_internal_stop(int handle);

  // --- Breakpoints that do more than stop (session_breakpoints.cpp, debugger/breakpoints/).
  // A stop the debugger makes for its own work: when `wants` (run on the hitting thread while
  // the others run) says yes, every thread is stopped and `act` runs; the program then goes on,
  // unless act returns true: then the stop is reported, with what act wrote on the outcome.
  int add_service_stop(virt_addr a, std::function<bool(pid_t)> wants,
                       std::function<bool(pid_t, outcome&)> act);
  // Removes an internal stop from inside its own `wants` (a one-shot), once the hit is decided.
  void retire_internal_stop(int handle);
  // Runs `change` with every thread stopped (stop, change, resume when the program is running;
  // just `change` when it is stopped): for changes that need the threads, such as a watchpoint.
  void paused(const std::function<void()>& change);
  // On or off: a breakpoint's int3s or a watchpoint's debug registers go with it.
  void set_enabled(int id, bool on);
  // Where tracepoint lines go as they happen: the program does not stop for them.
  using trace_sink = std::function<void(const trace_record&)>;
  // `flush` ends a batch of lines (the sink may hold them until then: tracepoints in the
  // target hand over thousands at a time).
  void set_trace_sink(trace_sink sink, std::function<void()> flush = {}) {
    trace_sink_ = std::move(sink);
    trace_flush_ = std::move(flush);
  }
  const trace_sink& tracer() const { return trace_sink_; }
  void flush_traces() const {
    if (trace_flush_) trace_flush_();
  }
  user_breakpoint& add_tracepoint(const std::string& spec);
  // Conditions evaluated in the target (debugger/breakpoints/in_target.cpp): on or off, which
  // sites have a jump, why the others do not. Changes take effect at the next resume.
  in_target_state& in_target() { return in_target_; }
  void set_in_target(bool on);
  // How many breakpoints and internal stops hold the int3 site at `a`.
  int site_holders(virt_addr a) const {
    auto it = site_refs_.find(a.value());
    return it == site_refs_.end() ? 0 : it->second;
  }

  // What is selected, as a scope.
  scope selected() const { return {current_tid_, selected_goroutine_, current_frame_}; }
  pid_t current_tid() const { return current_tid_; }
  void select_thread(pid_t tid);
  int current_frame() const { return current_frame_; }
  void select_frame(int n) { current_frame_ = n; }
  std::optional<std::int64_t> selected_goroutine() const { return selected_goroutine_; }
  void select_goroutine(std::optional<std::int64_t> id) { selected_goroutine_ = id; }

  // Describing the target.
  code_location describe(std::uint64_t pc) const;
  // pc as a place in `function`: when pc is in code inlined into it, its own line there (the
  // call's line) with the inlined calls; else describe(pc).
  code_location describe_in(std::uint64_t pc, const std::string& function) const;
  // Where a breakpoint's site is, as its spec asked: in the function it names.
  code_location describe_site(const user_breakpoint& bp, virt_addr site) const;
  std::vector<source_line_record> source_context(const code_location& where, int before, int after);
  source_files& sources() { return sources_; }
  std::optional<std::uint64_t> function_breakpoint_address(const function_info& f) const;

 private:
  front_end_watch front_end_;
  bool on_hit(pid_t tid, virt_addr site, const inferior::hit_filter& extra, outcome& o);
  // The service stops' work once every thread stopped; true when the stop is to be reported.
  bool run_service(const std::vector<int>& wanted, outcome& o);
  bool serviced(outcome& o);
  void forget_program_state();  // watchpoints and pending trace returns, when the program ends
  void drop_breakpoint_state(user_breakpoint& bp);  // its watch, its pending trace returns
  void retain_site(virt_addr a);
  void release_site(virt_addr a);
  void after_exit();
  void run_to_entry();
  load_bias bias_in(pid_t pid) const;
  // Takes in the program an exec started, saying so on the stop.
  void on_exec(stop_record& rec);
  // Every user breakpoint's sites found again from its location; `addresses`: *ADDR ones too.
  // After an exec or a restart: every breakpoint's sites looked up again in the new image
  // (watchpoints deleted, with a warning when `warnings` is given).
  void resolve_breakpoints_again(bool addresses, std::vector<std::string>* warnings = nullptr);
  start_record start_of(pid_t pid, const std::string& path, bool attached);
  // Runs `change` with every thread stopped when the program is running, then lets it go on.
  template <typename F>
  void while_paused(F&& change);
  void close_output();
  // Shared libraries: read the link map if it is there and not read yet; forget them.
  void note_libraries();
  void forget_libraries();
  bool read_link_map_now();
  [[noreturn]] void fail_in_core() const;

  std::unique_ptr<binary> bin_;
  std::unique_ptr<inferior> proc_;
  std::unique_ptr<core_file> core_;  // a post-mortem session: never together with proc_
  std::unique_ptr<go_runtime> runtime_;
  std::vector<std::string> args_;
  launch_options launch_options_;  // the last launch's, for restart
  load_bias bias_;
  breakpoint_table breakpoints_;
  std::map<std::uint64_t, int> site_refs_;
  in_target_state in_target_ = initial_in_target_state();
  struct internal_stop {
    virt_addr addr;
    std::function<bool(pid_t)> wants;
    std::function<bool(pid_t, outcome&)> act;  // set for service stops
  };
  std::map<int, internal_stop> internal_;
  int next_internal_ = 1;
  std::vector<int> retired_;   // internal stops to remove once the hit is decided
  std::vector<int> services_;  // service stops that wanted the hit being decided
  bool extra_wanted_ = false;
  int pause_depth_ = 0;  // while_paused calls inside one another  // run_until's own filter wanted
                         // the hit being decided
  trace_sink trace_sink_;
  std::function<void()> trace_flush_;
  pid_t current_tid_ = 0;
  int current_frame_ = 0;
  std::optional<std::int64_t> selected_goroutine_;
  source_files sources_;
  outcome running_outcome_;  // what the asynchronous run's hits wanted, until it stops
  runtime_traps traps_;      // unrecovered panics and fatal errors (runtime_traps.hpp)
  std::pair<int, int> output_{-1, -1};
  std::unique_ptr<object_set> objects_;
  bool libraries_read_ = false;
  std::optional<virt_addr> r_debug_;
  std::optional<int> brk_stop_;  // the internal stop at ld.so's r_brk
  std::vector<std::string> library_problems_;
};

}  // namespace godbg

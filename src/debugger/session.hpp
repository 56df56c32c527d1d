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
#include "debugger/model.hpp"
#include "debugger/source_files.hpp"
#include "dwarf/binary.hpp"
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
  bool has_binary() const { return bin_ != nullptr; }
  const binary& bin() const;
  bool has_process() const { return proc_ && proc_->alive(); }
  inferior& process();
  load_bias bias() const { return bias_; }
  const std::vector<std::string>& program_args() const { return args_; }
  // The one reader of the Go runtime, for the life of the process.
  go_runtime& runtime();

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

  // What the target did, with what wanted the stop; the stepping engine looks at `internal`
  // before it decides what the user sees (describe()).
  struct outcome {
    inferior_event ev;
    std::vector<int> breakpoints;  // user breakpoints that wanted it (their hits counted)
    std::vector<int> internal;     // internal stops that wanted it
    std::vector<std::string> warnings;
  };
  outcome run_until(const inferior::hit_filter& extra);
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
  };
  resolved_location resolve(const std::string& spec);
  user_breakpoint& add_breakpoint(const std::string& spec, bool temporary);
  void delete_breakpoint(int id);
  // Internal stops share the int3 sites; `wants` decides per hit.
  int add_internal_stop(virt_addr a, std::function<bool(pid_t)> wants);
  void remove_internal_stop(int handle);

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
  bool on_hit(pid_t tid, virt_addr site, const inferior::hit_filter& extra, outcome& o);
  void retain_site(virt_addr a);
  void release_site(virt_addr a);
  void after_exit();
  void run_to_entry();
  load_bias bias_in(pid_t pid) const;
  // Takes in the program an exec started, saying so on the stop.
  void on_exec(stop_record& rec);
  start_record start_of(pid_t pid, const std::string& path, bool attached);
  // Runs `change` with every thread stopped when the program is running, then lets it go on.
  template <typename F>
  void while_paused(F&& change);
  void close_output();

  std::unique_ptr<binary> bin_;
  std::unique_ptr<inferior> proc_;
  std::unique_ptr<go_runtime> runtime_;
  std::vector<std::string> args_;
  load_bias bias_;
  breakpoint_table breakpoints_;
  std::map<std::uint64_t, int> site_refs_;
  struct internal_stop {
    virt_addr addr;
    std::function<bool(pid_t)> wants;
  };
  std::map<int, internal_stop> internal_;
  int next_internal_ = 1;
  pid_t current_tid_ = 0;
  int current_frame_ = 0;
  std::optional<std::int64_t> selected_goroutine_;
  source_files sources_;
  outcome running_outcome_;  // what the asynchronous run's hits wanted, until it stops
  std::pair<int, int> output_{-1, -1};
};

}  // namespace godbg

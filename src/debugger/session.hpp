#pragma once
// The one piece of mutable state godbg has: the program being debugged, its process, the
// breakpoints, what is selected (thread, goroutine, frame), and where records go.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "debugger/breakpoints.hpp"
#include "process/inferior.hpp"
#include "debugger/model.hpp"
#include "commands/output.hpp"
#include "debugger/source_files.hpp"
#include "dwarf/binary.hpp"

namespace godbg {

class go_runtime;

class session {
 public:
  explicit session(reporter& out);
  ~session();
  reporter& out() { return out_; }

  // The program.
  void load(const std::string& path);
  void launch(const std::vector<std::string>& args);  // args[0] is the program
  void attach(pid_t pid);
  bool has_binary() const { return bin_ != nullptr; }
  const binary& bin() const;
  bool has_process() const { return proc_ && proc_->alive(); }
  inferior& process();
  load_bias bias() const { return bias_; }
  const std::vector<std::string>& program_args() const { return args_; }
  go_runtime& runtime();

  // Running.
  void resume();  // continue: reports the stop or the exit
  void step_instruction();
  void next_instruction();
  inferior_event run_until(const inferior::hit_filter& extra);  // for stepping commands
  void report_event(const inferior_event& ev);
  void kill();
  void detach();

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
  const std::vector<int>& last_internal_hits() const { return internal_hits_; }

  // What is selected.
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
  std::vector<frame_record> backtrace(pid_t tid, std::size_t max_frames);
  std::vector<frame_record> backtrace_from(std::uint64_t pc, std::uint64_t sp, std::uint64_t fp,
                                           std::size_t max_frames);

  // Command files being read, innermost last: `source` may nest, but not without end.
  int& command_file_depth() { return command_file_depth_; }

  // Ending.
  bool quit_requested() const { return quit_; }
  void request_quit() { quit_ = true; }

 private:
  void require_stopped();
  bool on_hit(pid_t tid, virt_addr site, const inferior::hit_filter& extra);
  void retain_site(virt_addr a);
  void release_site(virt_addr a);
  void after_exit();
  void run_to_entry();
  load_bias bias_in(pid_t pid) const;
  void on_exec();

  reporter& out_;
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
  std::vector<int> internal_hits_;
  std::optional<int> last_hit_breakpoint_;
  pid_t current_tid_ = 0;
  int current_frame_ = 0;
  std::optional<std::int64_t> selected_goroutine_;
  source_files sources_;
  bool quit_ = false;
  int command_file_depth_ = 0;
};

}  // namespace godbg

#pragma once
// The startup report's stage machine, shared by its parts: the bootstrap chain
// (startup_report.cpp), package init (startup_inits.cpp) and the way from main.main to an
// `until` function (main_profile.cpp). Internal to debugger/startup.
#include <sys/types.h>
#include <sys/user.h>

#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "debugger/session.hpp"
#include "debugger/startup/init_trace.hpp"
#include "debugger/startup/program_clock.hpp"
#include "debugger/startup/remote_syscall.hpp"
#include "debugger/startup/stage_rec.hpp"
#include "debugger/startup/startup_report.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {

class startup_machine {
 public:
  startup_machine(session& s, const startup_options& o);
  startup_result run();

 private:
  struct armed {
    bool once = true;
    pid_t only_tid = 0;
    // A return: the caller's depth on its goroutine's stack once it is back (g.stack.hi - sp:
    // a stack that grew was copied elsewhere), or its sp when the g cannot be read.
    std::optional<std::uint64_t> only_depth;
    bool depth_from_g = false;
    bool fired = false;
    std::function<void(pid_t)> fn;
  };

  stage_rec& add(std::string name, pid_t tid, bool read_goid = true);
  const user_regs_struct& regs(pid_t tid) { return s_.process().regs(tid); }
  std::optional<std::uint64_t> word(std::uint64_t a) {
    return s_.process().read_value<std::uint64_t>(virt_addr(a));
  }
  go_runtime& rt() { return s_.runtime(); }

  // Stops (startup_report.cpp).
  int arm(virt_addr a, bool once, pid_t only_tid, std::function<void(pid_t)> fn);
  // A look at the thread that hit `a` without stopping the program: fn runs while the others
  // go on (it must only read that thread and what no other thread changes), the thread then
  // goes on too; the time it was held comes off the clock.
  void observe(virt_addr a, std::function<void(pid_t)> fn);
  // How deep tid's stack pointer is in its goroutine's stack (sp itself when that is unknown).
  std::pair<std::uint64_t, bool> stack_depth(pid_t tid, std::uint64_t sp);
  std::optional<virt_addr> function_address(std::string_view name, bool past_prologue);
  bool arm_function(std::string_view name, bool past_prologue, bool once, pid_t only_tid,
                    std::function<void(pid_t)> fn);
  // At a function's entry on tid: a one-shot stop at its return, on the same thread with the
  // caller's stack pointer (a recursive call returns to the same address earlier).
  void arm_return(pid_t tid, std::function<void(pid_t)> fn);
  void disarm_all();
  // Runs the program to the next stop and runs what wanted it; false when the report ends.
  bool step_machine(startup_result& res);
  bool dispatch(const session::outcome& o, startup_result& res);

  // The bootstrap chain (startup_report.cpp).
  std::optional<std::string> caller_of(pid_t tid, std::initializer_list<std::string_view> skip);
  stage_value argv_from(std::uint64_t argv, std::uint64_t argc);
  std::optional<pid_t> thread_running_goroutine(std::int64_t goid);
  void arm_chain();
  void arm_newproc();
  void on_entry_stop();
  void on_clone(pid_t parent, pid_t child);
  void on_new_goroutine(pid_t tid, std::uint64_t newg);
  void on_newproc(pid_t tid);
  void on_newproc1(pid_t tid);
  void on_runtime_main(pid_t tid);
  void on_main_main(pid_t tid);
  void name_threads();
  void on_until(pid_t tid);
  void finish(startup_result& res);

  // Package init (startup_inits.cpp).
  void arm_init_stops();
  void on_doinit1(pid_t tid);
  void on_doinit_old(pid_t tid);
  void collect_inits(pid_t tid);
  void add_init_phases();

  // From main.main to `until`, sampling goroutine 1 (main_profile.cpp).
  bool run_sampling(startup_result& res);
  // Returns whether goroutine 1 was waiting (parked, or in a system call).
  bool take_sample();
  void profile_values(stage_rec& r);

  session& s_;
  startup_options o_;
  program_clock clock_;
  remote_syscalls sys_;
  init_tracer tracer_;
  pid_t pid_ = 0;
  std::deque<stage_rec> stages_;  // deque: references stay valid as stages are added
  std::vector<startup_thread> threads_;
  std::map<int, std::shared_ptr<armed>> armed_;
  std::map<pid_t, stage_rec*> newproc_waiting_;  // newproc stages waiting for newproc1's g
  std::set<std::pair<pid_t, std::uint64_t>> pending_newproc_;
  std::optional<std::int32_t> ncpu_from_call_, nprocs_from_call_;
  std::optional<std::uint64_t> g1_;  // goroutine 1's runtime.g
  bool init_by_stops_ = false;       // no runtime accounting: inits timed by stops
  std::optional<std::uint64_t> gcenable_us_;
  std::optional<std::int64_t> gcenable_ns_;  // CLOCK_MONOTONIC at its stop
  // Per inits_: after gcenable (by the order of stops, or the runtime's instants).
  std::vector<bool> init_after_gcenable_;
  std::vector<stage_rec> inits_;  // per package, in the runtime's order
  bool inits_collected_ = false;
  std::set<std::uint64_t> init_tasks_seen_;
  std::optional<std::uint64_t> main_main_us_;
  int until_handle_ = 0;
  std::vector<stack_sample> samples_;
  std::optional<std::string> profile_summary_;
  bool done_ = false;
  std::optional<int> minor_;
  std::vector<std::string> warnings_;
};

}  // namespace godbg

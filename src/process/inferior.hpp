#pragma once
// The traced process: its threads, its memory, its int3 sites, and the all-stop event loop.
// Every thread is seized (PTRACE_SEIZE), so any of them can be stopped with PTRACE_INTERRUPT and
// clones are followed. RAII: a launched process dies with this object, an attached one is
// detached with every int3 removed.
#include <sys/types.h>
#include <sys/user.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "arch_amd64/single_step.hpp"
#include "arch_amd64/trace_ring.hpp"
#include "arch_amd64/trampoline.hpp"
#include "common/address.hpp"
#include "process/debug_registers.hpp"
#include "process/ptrace_ops.hpp"
#include "process/target.hpp"

namespace godbg {

struct thread_state {
  pid_t tid = 0;
  bool stopped = false;
  bool interrupt_requested = false;
  // Stopped in a signal-delivery-stop: the only stop where a restart can hand the thread a
  // signal. From any other stop a pending signal is sent again (tgkill) instead.
  bool signal_stop = false;
  int pending_signal = 0;         // the program's, taken from the thread: delivered when it goes on
  std::vector<int> more_signals;  // further ones taken while it was held (sent again, in order)
  bool step_over_site = false;  // reported at an int3 site: execute the original instruction first
  std::optional<user_regs_struct> regs;  // cache, valid while stopped
  bool regs_dirty = false;
  std::uint64_t watch_generation = 0;  // of the debug registers last written to this thread
};

// Why the process stopped (or ended), as seen by the event loop.
struct inferior_event {
  // trap: an int3 of the program's own (not one of ours), already executed.
  enum class kind {
    breakpoint,
    step,
    signal,
    interrupt,
    exec,
    exited,
    killed,
    watchpoint,
    trap
  } what;
  pid_t tid = 0;
  int code = 0;          // signal number or exit status; watchpoint: the slots that fired
  std::uint64_t pc = 0;  // for breakpoints: the site address
};

// How to start a program, beyond its arguments.
struct launch_options {
  std::optional<std::string> cwd;  // its working directory (default: godbg's)
  std::optional<std::vector<std::string>>
      env;  // its whole environment, NAME=VALUE (default: godbg's)
  // Its stdout and stderr go to pipes godbg reads (output_fd(), error_fd()) instead of godbg's
  // own: a front end that forwards the program's output (DAP's output events) asks for this.
  bool capture_output = false;
};

// A front end that must go on hearing its client while a run blocks (a DAP `next` over a long
// call): `fd` is watched beside the program, and `readable` is called when it has input;
// true ends the run as an interrupt (the client asked to pause or to go).
struct front_end_watch {
  int fd = -1;
  std::function<bool()> readable;
};

class inferior final : public target {
 public:
  // Starts `path` with `args` (argv[0] first) and stops it right after execve.
  static std::unique_ptr<inferior> launch(const std::string& path,
                                          const std::vector<std::string>& args,
                                          const launch_options& opts = {});
  // Seizes and stops every thread of `pid`.
  static std::unique_ptr<inferior> attach(pid_t pid);
  ~inferior();
  inferior(const inferior&) = delete;
  inferior& operator=(const inferior&) = delete;

  pid_t pid() const override { return pid_; }
  // Whether the process still runs (or is stopped): false once it has exited or been killed,
  // however godbg learnt it (a run, a step, a stop of every thread, ended_now()).
  bool live() const override { return alive_; }
  bool launched() const { return launched_; }
  bool alive() const { return alive_; }
  std::vector<pid_t> thread_ids() const override;
  bool has_thread(pid_t tid) const override { return threads_.count(tid) != 0; }

  // Registers of a stopped thread (cached until resume).
  const user_regs_struct& regs(pid_t tid) override;
  std::optional<user_fpregs_struct> fpregs(pid_t tid) override;
  void set_regs(pid_t tid, const user_regs_struct& r);

  // Memory. Reads show the original bytes under int3 sites.
  bool read(virt_addr a, std::span<std::uint8_t> out) const override;
  void read_many(std::span<const std::uint64_t> addrs, std::size_t each, std::uint8_t* out,
                 std::vector<char>& ok) const override;
  void write(virt_addr a, std::span<const std::uint8_t> bytes);

  // int3 sites: one per address, whatever asks for it.
  void add_site(virt_addr a);
  void remove_site(virt_addr a);
  bool is_site(virt_addr a) const { return sites_.count(a.value()) != 0; }

  // Decides, for a breakpoint hit on one thread while the others still run, whether the hit is
  // reported (true) or the thread just goes on (false).
  using hit_filter = std::function<bool(pid_t tid, virt_addr site)>;
  // The same for a hardware watchpoint's trap (`slots`: which debug registers fired); the
  // thread is already past the access, so a hit not reported costs one stop of one thread.
  using watch_filter = std::function<bool(pid_t tid, unsigned slots)>;

  // Resumes every thread and waits for the next event worth reporting; when it returns, every
  // thread is stopped (all-stop), except after exit.
  inferior_event resume(const hit_filter& filter, const watch_filter& watches = {},
                        const front_end_watch& front_end = front_end_watch{});
  // The same in two halves, for a front end that listens to its user while the program runs:
  // begin_resume() lets every thread go; poll() handles what the threads did since (without
  // waiting, unless `block`) and returns the event once there is one worth reporting, every
  // thread stopped again. Between the two, wait_fd() becomes readable when a thread changed
  // state. The filter must outlive the run.
  void begin_resume(const hit_filter& filter, const watch_filter& watches = {});
  std::optional<inferior_event> poll(bool block);
  bool running() const { return running_; }
  // A descriptor (a signalfd for SIGCHLD, which it blocks in godbg) that is readable whenever
  // poll() may have news. Children godbg starts get the signal unblocked again.
  int wait_fd();
  // While running: stops every thread for a change (a breakpoint set or deleted); then
  // continue_after_pause() lets them go again. Events seen while stopping are kept for poll().
  void pause_running();
  void continue_after_pause();
  // The program's captured stdout and stderr (launch_options::capture_output), non-blocking;
  // -1 when not captured.
  int output_fd() const { return out_fd_; }
  int error_fd() const { return err_fd_; }
  // Hands the two pipes over (to outlive this object: output may still come after the exit).
  std::pair<int, int> release_output() {
    std::pair<int, int> p{out_fd_, err_fd_};
    out_fd_ = err_fd_ = -1;
    return p;
  }

  // Hardware watchpoints: debug register `slot` of every thread (new ones included, as they
  // appear), or cleared with nullopt. Written at once to the stopped threads, to the others at
  // their next stop.
  void set_watch(int slot, const std::optional<hw_watch>& w);
  const hw_watch_slots& watches() const { return watches_; }
  // Executes one instruction on `tid` alone.
  inferior_event single_step(pid_t tid);
  // Stops every thread now (an interrupt from the user while nothing is running is a no-op).
  void stop_all();
  // Marks the thread as having reported at its current pc: resume executes the instruction
  // there, under an int3 put there now or later, instead of reporting it again.
  void mark_reported(pid_t tid);

  void kill();
  // Lets go of the program, which goes on as if godbg had never been there: every thread
  // stopped, every stop still pending consumed (an int3's trap included, its thread rewound),
  // every int3 taken out, every signal godbg held back delivered, then PTRACE_DETACH.
  void detach();

  // The program's end (exit status or signal), handed out once: to poll() or single_step()
  // when they meet it, else to the first caller of take_end() (the session, which reports a
  // death seen while doing something else: a command on a stopped program, a breakpoint set).
  std::optional<inferior_event> take_end();
  // While stopped: collects the deaths of threads that the kernel has ready, and says whether
  // the program has ended. When it is on its way out (a SIGKILL pending, its leader a zombie),
  // waits up to `grace` for the rest of its threads to die.
  bool ended_now(int grace_ms);

  // Told of every thread the program creates (parent, child), as the clone happens; for the
  // startup report's thread births. Must not resume or stop anything.
  std::function<void(pid_t parent, pid_t child)> on_clone;

  // Set by the session's SIGINT handler: resume() stops everything and reports an interrupt.
  static void request_interrupt();
  // Set by the SIGTERM/SIGHUP handler: every wait that might not end (threads that do not stop,
  // a vfork child that does not exec) gives up and throws, so godbg can end; kill() and detach()
  // then do what they can without waiting for threads that will not stop.
  static void request_termination();
  static bool termination_requested();

  // Breakpoint hits not reported and passed by emulation, without stopping other threads.
  std::uint64_t fast_passes() const { return fast_passes_; }

  // Conditions evaluated in the target (inferior_in_target.cpp). The int3 of site `a` becomes a
  // jump to a trampoline in a page godbg maps into the program; only a true condition traps,
  // and that trap is reported as the site's own int3. Every thread must be stopped. Throws, with
  // the reason, when the site cannot run in the target (then it stays an int3).
  void install_in_target(virt_addr a, const tcond& cond);
  // Back to a plain int3: one byte first, so it is safe while threads run.
  void remove_in_target(virt_addr a);
  bool in_target(virt_addr a) const;
  // How many times the trampolines of site `a` evaluated the condition (every install summed).
  std::uint64_t evaluations(virt_addr a) const;
  // Tracepoints in the target: the int3 of site `a` becomes a jump to a tracing trampoline that
  // writes each hit (the optional condition true) into a ring of `capacity` records (a power of
  // two, at most trace_ring_max) in the page, and never traps. Every thread must be stopped.
  static constexpr std::uint32_t trace_ring_max = 16384;
  void install_trace_in_target(virt_addr a, const tcond* cond, const std::vector<tcond_value>& args,
                               const trace_g_layout& g, std::uint32_t capacity);
  // The records the rings hold complete, per site, oldest first, each taken once; and the hits
  // the rings dropped since the last drain. Safe while the program runs: it reads the rings
  // twice and publishes each ring's tail (see trace_ring.hpp).
  struct trace_news {
    std::uint64_t site = 0;
    std::vector<trace_hit> hits;
    std::uint64_t dropped = 0;
  };
  std::vector<trace_news> drain_traces();
  // Whether any tracing trampoline was installed in the page as it lives now.
  bool has_trace_rings() const;
  // Whether the injected page is mapped (for tests and the report).
  bool has_code_page() const { return page_.has_value(); }

 private:
  inferior() = default;
  struct site {
    std::uint8_t original = 0;
    bool inserted = false;
    // In the target: the 5-byte jump is in place of the int3; `displaced` are the original
    // bytes of the whole instruction (5 or more), `jump` the bytes written over them.
    bool jump = false;
    std::vector<std::uint8_t> displaced, jump_bytes;
  };
  // --- the injected page (inferior_in_target.cpp)
  struct code_page {
    std::uint64_t base = 0;
    std::size_t next_slot = 0;
    std::size_t next_ring = 0;
  };
  struct slot_info {
    std::uint64_t site = 0, code = 0, counter = 0;
    trampoline layout;
    // A tracing trampoline's ring: its header's address, capacity, the tail godbg published,
    // the drops already reported, and the reader's snapshot buffer.
    std::uint64_t ring = 0;
    std::uint32_t capacity = 0;
    std::uint64_t tail = 0, dropped_seen = 0;
    std::vector<std::uint8_t> snapshot;
  };
  std::optional<code_page> page_;
  std::vector<slot_info> slots_;
  std::map<std::uint64_t, std::size_t> trap_slots_;  // a trampoline's int3 -> its slot
  std::uint64_t inject_syscall(pid_t tid, long nr, std::initializer_list<std::uint64_t> args);
  pid_t injection_thread();
  void map_code_page(std::uint64_t near);
  // Unmaps the page when no thread is, or may return, inside it; false when it had to stay.
  bool unmap_code_page();
  bool page_in_use();
  // A thread stopped inside a trampoline goes back to its site (or past the instruction), the
  // pushed words popped into its registers, its evaluation uncounted.
  void leave_trampoline(thread_state& t);
  void uncount(std::size_t slot);
  // A thread inside a tracing trampoline past its count: single-stepped until it is out.
  void run_out_of_trampoline(thread_state& t, const slot_info& s);
  void write_trampoline(virt_addr a, const instruction& insn, const trampoline& tr, slot_info info);
  instruction decode_site(virt_addr a);
  const slot_info* slot_at(std::uint64_t pc) const;
  void forget_code_page();
  void insert_site_bytes(std::uint64_t a, site& s);
  // The program's bytes of site `s` at `at` over `out` (read from address `a`).
  static void overlay_original(std::uint64_t at, const site& s, std::uint64_t a,
                               std::span<std::uint8_t> out);
  void restore_site_bytes(std::uint64_t a, site& s);
  void drop_thread(pid_t tid);
  void flush_regs(thread_state& t);
  void resume_thread(thread_state& t);
  void keep_signal(thread_state& t, int sig);
  void resend_signal(pid_t tid, int sig);
  void step_over(pid_t tid);
  // waitpid(-1): when nothing is left to wait for (ECHILD), the program is gone.
  std::optional<wait_result> wait_any(bool nohang);
  // Waits until thread `tid` stops (PTRACE_INTERRUPT after `patience_ms`), handling the
  // others' events as while stopping everything.
  void wait_for_stop(pid_t tid, int patience_ms);
  void consume_pending_traps();
  // Records the program's end and forgets its threads and sites.
  void program_ended(const inferior_event& ev);
  std::optional<inferior_event> poll_events(bool block);
  inferior_event end_event();
  bool emulate_past_site(thread_state& t);
  // Handles a stop of a thread that is not the one being waited for; false if the event
  // ends the process.
  std::optional<inferior_event> classify(const wait_result& w, bool stopping_all);
  std::optional<inferior_event> classify_stop(const wait_result& w, bool stopping_all);
  std::optional<inferior_event> leader_death_after(pid_t tid);
  void wait_until_all_stopped();
  void forget_process();
  void await_fork_child(pid_t child);
  void release_fork_child(pid_t child);
  void run_vfork_windows();
  void run_vfork_window(pid_t parent, pid_t child, bool stepping);
  std::optional<inferior_event> resume_after_vfork();
  void let_go_of_vfork_children(bool kill_them);
  std::optional<inferior_event> on_exec();
  void reopen_memory();
  bool watching() const;
  // A watchpoint trap the watch filter of this run does not want reported.
  bool unwanted(const inferior_event& ev) const;
  void sync_watches(thread_state& t);
  // Whether [a, a+n) overlaps a watched range: the emulated instruction must not hide an access.
  bool touches_watch(std::uint64_t a, std::size_t n, bool write) const;
  void clear_watches_for_detach();

  void restart_threads();
  inferior_event finish_run(inferior_event ev);

  pid_t pid_ = 0;
  bool launched_ = false;
  bool alive_ = false;
  int mem_fd_ = -1;
  int sigchld_fd_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  bool running_ = false;
  hit_filter filter_;
  watch_filter watch_filter_;
  std::map<pid_t, thread_state> threads_;
  std::map<std::uint64_t, site> sites_;
  std::vector<inferior_event> deferred_;  // events seen while stopping everything
  std::optional<inferior_event> end_;     // how the program ended, until handed out
  bool end_taken_ = false;
  std::set<pid_t> early_children_;  // forked children seen before their fork event
  // Threads stopped at PTRACE_EVENT_VFORK whose child (stopped, still traced) has not run yet:
  // the child shares our memory and our int3s, so it runs only inside run_vfork_window.
  struct pending_vfork {
    pid_t parent = 0, child = 0;
  };
  std::vector<pending_vfork> vforks_;
  std::uint64_t fast_passes_ = 0;
  // The instruction under each site, decoded once: checked against the bytes on every use.
  struct decoded_site {
    std::vector<std::uint8_t> bytes;
    std::shared_ptr<const emulation_plan> plan;
  };
  std::map<std::uint64_t, decoded_site> decoded_sites_;
  void forget_decoded(std::uint64_t lo, std::uint64_t hi);  // written over: decode again
  // Addresses whose int3 we took out: a thread may still report a trap from one of them.
  std::set<std::uint64_t> removed_sites_;
  hw_watch_slots watches_;
  std::uint64_t watch_generation_ = 0;
  // Watchpoint traps met while single-stepping a thread over an int3 (or for stepi).
  std::vector<inferior_event> watch_hits_;
};

}  // namespace godbg

// The all-stop event loop: resume every thread, wait for an event worth reporting, stop every
// thread before reporting it. Breakpoint hits seen while stopping the others are rewound to
// their int3, so they are reported again on the next resume instead of being lost.
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>

#include "arch_amd64/disassembler.hpp"
#include "arch_amd64/single_step.hpp"
#include "common/error.hpp"
#include "process/inferior.hpp"
#include "process/ptrace_ops.hpp"

namespace godbg {

namespace {
// Written by the SIGINT handler; the only way a signal handler can talk to the loop.
std::atomic<bool> interrupt_pending{false};

constexpr int si_kernel = 0x80;  // int3
constexpr int trap_trace = 2;    // single-step
// Signals a user wants to see: faults and aborts. Everything else (SIGURG for preemption,
// SIGPROF, SIGPIPE, SIGCHLD, ...) goes straight to the program.
bool reported_signal(int sig) {
  switch (sig) {
    case SIGSEGV:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
    case SIGABRT:
    case SIGTRAP:
      return true;
    default:
      return false;
  }
}
// Whether thread tid of process pid still exists. A clone event can be handled after the new
// thread has already run, exited and been reaped (its first stop came first and it was let go):
// it must not be added back, or stop_all() would wait for it forever.
bool task_exists(pid_t pid, pid_t tid) {
  std::error_code ec;
  return std::filesystem::exists("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid),
                                 ec);
}
thread_state new_thread(pid_t tid) {
  thread_state t;
  t.tid = tid;
  return t;
}
}  // namespace

void inferior::request_interrupt() {
  interrupt_pending = true;
}

std::vector<pid_t> inferior::thread_ids() const {
  std::vector<pid_t> out;
  for (auto& [tid, t] : threads_) out.push_back(tid);
  return out;
}

const user_regs_struct& inferior::regs(pid_t tid) {
  auto it = threads_.find(tid);
  if (it == threads_.end()) fail("no thread {}", tid);
  auto& t = it->second;
  if (!t.stopped) fail("thread {} is running", tid);
  if (!t.regs) t.regs = ptrace_ops::get_regs(tid);
  return *t.regs;
}

std::optional<user_fpregs_struct> inferior::fpregs(pid_t tid) {
  regs(tid);  // the same checks: a known, stopped thread
  return ptrace_ops::get_fpregs(tid);
}

void inferior::set_regs(pid_t tid, const user_regs_struct& r) {
  regs(tid);
  auto& t = threads_.at(tid);
  t.regs = r;
  t.regs_dirty = true;
}

void inferior::flush_regs(thread_state& t) {
  if (t.regs_dirty && t.regs) ptrace_ops::set_regs(t.tid, *t.regs);
  t.regs_dirty = false;
}

void inferior::drop_thread(pid_t tid) {
  threads_.erase(tid);
}

void inferior::mark_reported(pid_t tid) {
  auto& t = threads_.at(tid);
  t.step_over_site = is_site(virt_addr(pc(tid)));
}

void inferior::resume_thread(thread_state& t) {
  flush_regs(t);
  int sig = t.pending_signal;
  t.pending_signal = 0;
  t.regs.reset();
  t.stopped = false;
  t.step_over_site = false;
  t.interrupt_requested = false;
  ptrace_ops::cont_if_alive(t.tid, sig);
}

// Executes the instruction under the int3 at the thread's pc with only that thread running,
// so no other thread can slip past the briefly removed int3.
void inferior::step_over(thread_state& t) {
  std::uint64_t pc = regs(t.tid).rip;
  auto it = sites_.find(pc);
  bool lifted = it != sites_.end() && it->second.inserted;
  if (lifted) restore_site_bytes(pc, it->second);
  flush_regs(t);
  t.regs.reset();
  pid_t tid = t.tid;
  for (int tries = 0; tries < 64; ++tries) {
    ptrace_ops::singlestep(tid, 0);
    std::optional<wait_result> w;
    while (!(w = wait_thread(tid))) {
    }
    if (w->what != wait_result::kind::stopped) {
      // The instruction ended the thread (exit) or the process; the main loop sees the rest.
      if (w->tid != pid_)
        drop_thread(tid);
      else
        deferred_exit_ = *w;
      break;
    }
    auto& th = threads_.at(tid);
    th.stopped = true;
    th.regs.reset();
    if (w->event == PTRACE_EVENT_CLONE) {
      pid_t child = pid_t(ptrace_ops::event_message(tid));
      if (!threads_.count(child) && task_exists(pid_, child)) threads_[child] = new_thread(child);
      if (on_clone) on_clone(tid, child);
      continue;
    }
    if (w->event == PTRACE_EVENT_FORK) {
      release_fork_child(pid_t(ptrace_ops::event_message(tid)));
      continue;
    }
    if (w->event == PTRACE_EVENT_VFORK) {
      run_vfork_window(tid, pid_t(ptrace_ops::event_message(tid)), true);
      if (!alive_ || !threads_.count(tid)) break;
      continue;
    }
    if (w->event == PTRACE_EVENT_STOP || w->event == PTRACE_EVENT_VFORK_DONE) continue;
    if (w->event != 0) break;
    if (w->code == SIGTRAP) break;
    // A signal arrived first. A fault caused by the instruction itself will not go away by
    // stepping again: leave it pending for the program's handler.
    th.pending_signal = w->code;
    if (reported_signal(w->code)) break;
  }
  if (lifted) {
    auto again = sites_.find(pc);
    if (again != sites_.end() && alive_) insert_site_bytes(pc, again->second);
  }
  if (threads_.count(tid)) threads_.at(tid).step_over_site = false;
}

void inferior::stop_all() {
  for (auto& [tid, t] : threads_) {
    if (t.stopped) continue;
    t.interrupt_requested = true;
    if (!ptrace_ops::interrupt(tid)) t.interrupt_requested = false;
  }
  wait_until_all_stopped();
}

void inferior::wait_until_all_stopped() {
  auto running = [&] {
    for (auto& [tid, t] : threads_)
      if (!t.stopped) return true;
    return false;
  };
  // After a SIGTERM the threads get a short grace period: one that cannot stop (in a vfork
  // wait, in uninterruptible sleep) must not keep godbg from ending.
  std::optional<std::chrono::steady_clock::time_point> give_up;
  while (alive_ && running()) {
    if (termination_requested()) {
      auto now = std::chrono::steady_clock::now();
      if (!give_up) give_up = now + std::chrono::milliseconds(500);
      if (now > *give_up) {
        std::string tids;
        for (auto& [tid, t] : threads_)
          if (!t.stopped) tids += (tids.empty() ? "" : " ") + std::to_string(tid);
        fail("godbg is ending: gave up waiting for thread(s) {} to stop", tids);
      }
    }
    auto w = wait_thread(-1, give_up.has_value());
    if (!w) {
      if (give_up) usleep(10'000);
      continue;
    }
    if (auto ev = classify(*w, true)) deferred_.push_back(*ev);
  }
}

std::optional<inferior_event> inferior::classify(const wait_result& w, bool stopping_all) {
  pid_t tid = w.tid;
  if (w.what != wait_result::kind::stopped) {
    if (tid == pid_) {
      inferior_event ev{w.what == wait_result::kind::exited ? inferior_event::kind::exited
                                                            : inferior_event::kind::killed,
                        tid, w.code, 0};
      forget_process();
      return ev;
    }
    if (early_children_.erase(tid) == 0) drop_thread(tid);
    return std::nullopt;
  }
  auto it = threads_.find(tid);
  if (it == threads_.end()) {
    std::error_code ec;
    bool ours = std::filesystem::exists(
        "/proc/" + std::to_string(pid_) + "/task/" + std::to_string(tid), ec);
    if (!ours) {
      // A forked child's first stop, ahead of its parent's fork event.
      early_children_.insert(tid);
      return std::nullopt;
    }
    // A new thread's first stop, ahead of its parent's clone event.
    it = threads_.emplace(tid, new_thread(tid)).first;
  }
  auto& t = it->second;
  t.stopped = true;
  t.regs.reset();
  auto go_on = [&](int sig) -> std::optional<inferior_event> {
    if (stopping_all) {
      if (sig) t.pending_signal = sig;
    } else {
      t.pending_signal = sig;
      resume_thread(t);
    }
    return std::nullopt;
  };

  switch (w.event) {
    case PTRACE_EVENT_CLONE: {
      pid_t child = pid_t(ptrace_ops::event_message(tid));
      if (!threads_.count(child) && task_exists(pid_, child)) threads_[child] = new_thread(child);
      if (on_clone) on_clone(tid, child);
      return go_on(0);
    }
    case PTRACE_EVENT_FORK:
      release_fork_child(pid_t(ptrace_ops::event_message(tid)));
      return go_on(0);
    case PTRACE_EVENT_VFORK:
      // The child shares our memory and int3s: it runs in a window with every thread stopped
      // and the int3s lifted (inferior_fork.cpp); seen while stopping, the window waits for
      // the next resume.
      vforks_.push_back({tid, pid_t(ptrace_ops::event_message(tid))});
      if (stopping_all) return std::nullopt;
      stop_all();
      run_vfork_windows();
      return resume_after_vfork();
    case PTRACE_EVENT_EXEC:
      return on_exec();
    case PTRACE_EVENT_STOP:
      // Our interrupt, a new thread's first stop, a stale interrupt or a group-stop: when we
      // are not stopping everything, none of them is news.
      t.interrupt_requested = false;
      return stopping_all ? std::nullopt : go_on(0);
    case 0:
      break;
    default:
      return go_on(0);
  }

  int sig = w.code;
  if (sig == SIGTRAP) {
    std::uint64_t pc = regs(tid).rip;
    // Just past one of our int3s it is that int3's trap: our single-steps are waited for where
    // they are made, never here, so asking the kernel (PTRACE_GETSIGINFO) would only add a
    // syscall to every hit. (A SIGTRAP sent by kill() to a thread sitting exactly there would
    // be mistaken for a hit and re-run the instruction under the int3: accepted.)
    auto site_it = sites_.find(pc - 1);
    bool past_int3 = site_it != sites_.end() && site_it->second.inserted;
    std::optional<siginfo_t> info;
    if (!past_int3) info = ptrace_ops::get_siginfo(tid);
    int code = past_int3 ? si_kernel : info ? info->si_code : 0;
    if (code == si_kernel && is_site(virt_addr(pc - 1))) {
      auto r = regs(tid);
      r.rip = pc - 1;
      set_regs(tid, r);
      if (stopping_all) return std::nullopt;  // rewound: it hits again after the next resume
      return inferior_event{inferior_event::kind::breakpoint, tid, 0, pc - 1};
    }
    if (code == si_kernel && removed_sites_.count(pc - 1)) {
      // A thread that trapped on an int3 just before we removed it: run the original
      // instruction as if the int3 had never been there.
      auto r = regs(tid);
      r.rip = pc - 1;
      set_regs(tid, r);
      return go_on(0);
    }
    if (code == trap_trace) {
      if (stopping_all) return std::nullopt;
      return inferior_event{inferior_event::kind::step, tid, 0, pc};
    }
  }
  if (reported_signal(sig)) {
    t.pending_signal = sig;
    return inferior_event{inferior_event::kind::signal, tid, sig, regs(tid).rip};
  }
  return go_on(sig);
}

void inferior::forget_process() {
  alive_ = false;
  running_ = false;
  threads_.clear();
  sites_.clear();
}

inferior_event inferior::resume(const hit_filter& filter) {
  begin_resume(filter);
  for (;;)
    if (auto ev = poll(true)) return *ev;
}

void inferior::begin_resume(const hit_filter& filter) {
  if (!alive_) fail("the program is not running");
  if (running_) fail("the program is already running");
  // A SIGTERM that came between two commands still counts.
  interrupt_pending = termination_requested();
  // The signalfd before any thread runs: SIGCHLD is ignored until it is blocked, so a thread that
  // stopped before then would leave nothing for a waiting front end to wake on.
  wait_fd();
  filter_ = filter;
  running_ = true;
  // vfork children seen while stopping everything run now (inferior_fork.cpp).
  run_vfork_windows();
  // Events seen while stopping everything last time are reported before anything runs.
  if (deferred_.empty()) restart_threads();
}

// Threads reported at an int3 execute the instruction under it first (alone), then all go.
void inferior::restart_threads() {
  for (auto& [tid, t] : threads_)
    if (t.stopped && t.step_over_site && is_site(virt_addr(regs(tid).rip))) step_over(t);
  if (deferred_exit_) {
    auto w = *deferred_exit_;
    deferred_exit_.reset();
    if (auto ev = classify(w, false)) {
      deferred_.insert(deferred_.begin(), *ev);
      return;
    }
  }
  for (auto& [tid, t] : threads_)
    if (t.stopped) resume_thread(t);
}

inferior_event inferior::finish_run(inferior_event ev) {
  running_ = false;
  filter_ = nullptr;
  return ev;
}

void inferior::pause_running() {
  if (!running_) return;
  stop_all();
}

void inferior::continue_after_pause() {
  if (!running_) return;
  if (deferred_.empty()) restart_threads();
}

std::optional<inferior_event> inferior::poll(bool block) {
  if (!running_) fail("the program is not running");
  if (sigchld_fd_ != -1) {
    // Drained first: whatever it announced is collected by the waitpid calls below.
    signalfd_siginfo info;
    while (::read(sigchld_fd_, &info, sizeof info) == ssize_t(sizeof info)) {
    }
  }
  if (!deferred_.empty()) {
    auto ev = deferred_.front();
    deferred_.erase(deferred_.begin());
    if (alive_ && threads_.count(ev.tid)) mark_reported(ev.tid);
    return finish_run(ev);
  }
  for (;;) {
    if (interrupt_pending.exchange(false)) {
      stop_all();
      pid_t tid = threads_.count(pid_) ? pid_ : (threads_.empty() ? pid_ : threads_.begin()->first);
      return finish_run(inferior_event{inferior_event::kind::interrupt, tid, 0, 0});
    }
    auto w = wait_thread(-1, !block);
    if (!w) {
      if (!block) return std::nullopt;
      continue;  // EINTR: look at the interrupt flag
    }
    auto ev = classify(*w, false);
    if (!ev) continue;
    if (ev->what == inferior_event::kind::exited || ev->what == inferior_event::kind::killed)
      return finish_run(*ev);
    if (ev->what == inferior_event::kind::breakpoint && filter_ &&
        !filter_(ev->tid, virt_addr(ev->pc))) {
      // Not reported. The fast path: apply the instruction under the int3 to this thread's
      // registers and let it go on alone, while the others never stop. Else stop everything
      // and single-step it with the int3 lifted.
      auto& t = threads_.at(ev->tid);
      if (emulate_past_site(t)) {
        ++fast_passes_;
        resume_thread(t);
        continue;
      }
      stop_all();
      threads_.at(ev->tid).step_over_site = true;
      if (!deferred_.empty()) return poll(false);  // something else happened meanwhile
      restart_threads();
      continue;
    }
    stop_all();
    if (alive_ && threads_.count(ev->tid)) mark_reported(ev->tid);
    return finish_run(*ev);
  }
}

int inferior::wait_fd() {
  if (sigchld_fd_ != -1) return sigchld_fd_;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) == -1) fail_errno("block SIGCHLD");
  sigchld_fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sigchld_fd_ == -1) fail_errno("create a signalfd for SIGCHLD");
  return sigchld_fd_;
}

bool inferior::emulate_past_site(thread_state& t) {
  static const disassembler dis;
  auto regs_now = regs(t.tid);
  // Decoding (Capstone, with operand details) costs more than the rest of a hit together, so
  // it is done once per site; every write over a decoded instruction forgets it (write()).
  auto cached = decoded_sites_.find(regs_now.rip);
  if (cached == decoded_sites_.end()) {
    std::uint8_t code[max_instruction_size];
    if (!read(virt_addr(regs_now.rip), code)) return false;
    auto insn = dis.decode_one(code, regs_now.rip);
    if (!insn) return false;
    decoded_site d{insn->bytes, plan_emulation(*insn)};
    cached = decoded_sites_.insert_or_assign(regs_now.rip, std::move(d)).first;
  }
  if (!cached->second.plan) return false;
  auto result = emulate(
      *cached->second.plan, regs_now,
      [&](std::uint64_t a, std::span<std::uint8_t> out) { return read(virt_addr(a), out); },
      [&](std::uint64_t a, std::span<const std::uint8_t> in) {
        try {
          write(virt_addr(a), in);
          return true;
        } catch (const error&) {
          return false;
        }
      });
  if (!result) return false;
  set_regs(t.tid, regs_now);
  return true;
}

inferior_event inferior::single_step(pid_t tid) {
  if (!alive_) fail("the program is not running");
  if (running_) fail("the program is running; interrupt it first");
  run_vfork_windows();
  auto it = threads_.find(tid);
  if (it == threads_.end()) fail("no thread {}", tid);
  auto& t = it->second;
  step_over(t);  // also lifts an int3 under the pc for the duration of the step
  if (deferred_exit_) {
    auto w = *deferred_exit_;
    deferred_exit_.reset();
    if (auto ev = classify(w, true)) return *ev;
  }
  if (!threads_.count(tid)) fail("thread {} exited during the step", tid);
  auto& th = threads_.at(tid);
  if (th.pending_signal && reported_signal(th.pending_signal))
    return inferior_event{inferior_event::kind::signal, tid, th.pending_signal, pc(tid)};
  mark_reported(tid);
  return inferior_event{inferior_event::kind::step, tid, 0, pc(tid)};
}

}  // namespace godbg

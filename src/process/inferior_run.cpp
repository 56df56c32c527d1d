// The stop half of the all-stop event loop: classify what a thread stopped for, stop every
// thread before an event is reported, step over breakpoint sites, single-step (the running
// half, resuming and polling, is inferior_resume.cpp). Breakpoint hits seen while stopping the
// others are rewound to their int3, so they are reported again on the next resume instead
// of being lost.
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <utility>

#include "arch_amd64/disassembler.hpp"
#include "arch_amd64/single_step.hpp"
#include "common/error.hpp"
#include "process/inferior.hpp"
#include "process/interrupt_flag.hpp"
#include "process/ptrace_ops.hpp"

namespace godbg {

namespace {
constexpr int si_kernel = 0x80;  // int3
constexpr int trap_trace = 2;    // single-step
constexpr int trap_hwbkpt = 4;   // a debug register (watchpoint)
constexpr int trap_brkpt = 1;    // a system call's end seen by a single-step
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

// A thread that is gone (the program killed) takes its registers with it: nothing to write.
void inferior::flush_regs(thread_state& t) {
  if (t.regs_dirty && t.regs) ptrace_ops::set_regs_if_alive(t.tid, *t.regs);
  t.regs_dirty = false;
}

void inferior::drop_thread(pid_t tid) {
  threads_.erase(tid);
}

void inferior::mark_reported(pid_t tid) {
  auto& t = threads_.at(tid);
  // Whatever is at the pc now or later (a breakpoint set there while stopped): a continue from
  // a stop at a breakpoint's pc executes that instruction instead of reporting it again.
  t.step_over_site = true;
}

void inferior::resume_thread(thread_state& t) {
  flush_regs(t);
  // Only a signal-delivery-stop can hand a signal over; from any other stop the kernel drops
  // what PTRACE_CONT is given, so the signal is queued to the thread again instead.
  int sig = t.signal_stop ? t.pending_signal : 0;
  if (t.pending_signal && !t.signal_stop) resend_signal(t.tid, t.pending_signal);
  for (int more : t.more_signals) resend_signal(t.tid, more);
  t.more_signals.clear();
  t.pending_signal = 0;
  t.regs.reset();
  t.stopped = false;
  t.signal_stop = false;
  t.step_over_site = false;
  t.interrupt_requested = false;
  ptrace_ops::cont_if_alive(t.tid, sig);
}

void inferior::keep_signal(thread_state& t, int sig) {
  if (!sig) return;
  if (!t.pending_signal)
    t.pending_signal = sig;
  else
    t.more_signals.push_back(sig);
}

void inferior::resend_signal(pid_t tid, int sig) {
  // A thread that is gone takes its signals with it, as it would without a debugger.
  (void)tgkill(pid_, tid, sig);
}

// Executes the instruction under the int3 at the thread's pc with only that thread running,
// so no other thread can slip past the briefly removed int3. A thread or a program that dies
// meanwhile is no error: its death is recorded (the thread dropped, or the program's end kept
// for poll() to report). Waits on every thread (waitpid(-1)): the process leader's own death is
// reported only after every other thread's has been collected, so waiting for it alone could
// never end.
void inferior::step_over(pid_t tid) {
  auto it = threads_.find(tid);
  if (it == threads_.end() || !alive_) return;
  std::uint64_t pc = 0;
  try {
    pc = regs(tid).rip;
  } catch (const thread_gone&) {
    it->second.step_over_site = false;
    return;
  }
  auto site_it = sites_.find(pc);
  bool lifted = site_it != sites_.end() && site_it->second.inserted;
  if (lifted) restore_site_bytes(pc, site_it->second);
  bool cut_short = false;  // interrupted before the instruction completed (a blocking syscall)
  for (int tries = 0; tries < 64 && alive_; ++tries) {
    auto ti = threads_.find(tid);
    if (ti == threads_.end()) break;
    flush_regs(ti->second);
    ti->second.regs.reset();
    ti->second.stopped = false;
    ti->second.signal_stop = false;
    try {
      ptrace_ops::singlestep(tid, 0);
    } catch (const thread_gone&) {
      // Killed while held: its death's wait status is collected below.
    }
    std::optional<wait_result> w;
    bool asked_to_stop = false;
    for (;;) {
      w = wait_any(false);
      if (!alive_) break;
      if (!w) {
        // A signal to godbg: SIGTERM, or Ctrl-C during a step over a syscall that blocks.
        if (!asked_to_stop && (termination_requested() || interrupt_flag().load())) {
          asked_to_stop = true;
          ptrace_ops::interrupt(tid);
        }
        continue;
      }
      if (w->tid == tid && w->what == wait_result::kind::stopped) break;
      // Every other thread is stopped: this is a death (the stepped thread's own, perhaps) or
      // a new thread's first stop.
      if (auto ev = classify(*w, true)) deferred_.push_back(*ev);
      if (!alive_ || !threads_.count(tid)) break;
    }
    if (!alive_ || !w || w->tid != tid || w->what != wait_result::kind::stopped) break;
    auto& th = threads_.at(tid);
    th.stopped = true;
    th.signal_stop = w->event == 0;
    th.regs.reset();
    if (w->event == PTRACE_EVENT_CLONE) {
      try {
        pid_t child = pid_t(ptrace_ops::event_message(tid));
        if (!threads_.count(child) && task_exists(pid_, child)) threads_[child] = new_thread(child);
        if (on_clone) on_clone(tid, child);
      } catch (const thread_gone&) {
      }
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
    if (w->event == PTRACE_EVENT_STOP && asked_to_stop) {
      cut_short = true;
      break;
    }
    if (w->event == PTRACE_EVENT_STOP || w->event == PTRACE_EVENT_VFORK_DONE) continue;
    if (w->event != 0) break;
    if (w->code == SIGTRAP) {
      // Stepped from the exec stop, the kernel reports the end of the execve system call as a
      // step (TRAP_BRKPT, pc unchanged) before the first instruction ran: step again.
      if (tries == 0 && regs(tid).rip == pc)
        if (auto si = ptrace_ops::get_siginfo(tid); si && si->si_code == trap_brkpt) continue;
      // The stepped instruction may have touched a watched address: the trap says single-step,
      // DR6 says the rest.
      if (watching())
        if (unsigned slots = debug_registers::take_hits(tid))
          watch_hits_.push_back({inferior_event::kind::watchpoint, tid, int(slots), 0});
      break;
    }
    // A signal arrived first. A fault caused by the instruction itself will not go away by
    // stepping again: leave it pending for the program's handler.
    keep_signal(th, w->code);
    if (reported_signal(w->code)) break;
  }
  if (lifted && alive_) {
    auto again = sites_.find(pc);
    if (again != sites_.end()) {
      try {
        insert_site_bytes(pc, again->second);
      } catch (const error&) {
        // Only a program on its way out loses its memory; otherwise a lost int3 is news.
        if (!process_dying(pid_)) throw;
      }
    }
  }
  if (auto ti = threads_.find(tid); ti != threads_.end()) {
    ti->second.step_over_site = false;
    if (cut_short) {
      try {
        ti->second.step_over_site = regs(tid).rip == pc && is_site(virt_addr(pc));
      } catch (const thread_gone&) {
      }
    }
  }
}

void inferior::stop_all() {
  for (auto& [tid, t] : threads_) {
    if (t.stopped) continue;
    t.interrupt_requested = true;
    if (!ptrace_ops::interrupt(tid)) t.interrupt_requested = false;
  }
  wait_until_all_stopped();
  // Never left inside a trampoline: a stop godbg reports, a step, a detach or a removal all
  // see the thread at its site (without single-stepping there: see leave_trampoline).
  if (page_)
    for (auto& [tid, t] : threads_) leave_trampoline(t);
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
    auto w = wait_any(give_up.has_value());
    if (!w) {
      if (give_up) usleep(10'000);
      continue;
    }
    if (auto ev = classify(*w, true)) deferred_.push_back(*ev);
  }
}

std::optional<inferior_event> inferior::classify(const wait_result& w, bool stopping_all) {
  try {
    return classify_stop(w, stopping_all);
  } catch (const thread_gone&) {
    // The thread died between its stop and our look at it (the program killed): its death's
    // wait status comes next and tells the rest.
    return std::nullopt;
  }
}

std::optional<inferior_event> inferior::classify_stop(const wait_result& w, bool stopping_all) {
  pid_t tid = w.tid;
  if (w.what != wait_result::kind::stopped) {
    if (tid == pid_) {
      inferior_event ev{w.what == wait_result::kind::exited ? inferior_event::kind::exited
                                                            : inferior_event::kind::killed,
                        tid, w.code, 0};
      program_ended(ev);
      return ev;
    }
    if (early_children_.erase(tid) != 0) return std::nullopt;
    drop_thread(tid);
    return leader_death_after(tid);
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
  t.signal_stop = w.event == 0;
  t.regs.reset();
  sync_watches(t);
  auto go_on = [&](int sig) -> std::optional<inferior_event> {
    keep_signal(t, sig);
    if (!stopping_all) resume_thread(t);
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
    if (auto tr = trap_slots_.find(pc - 1); code == si_kernel && tr != trap_slots_.end()) {
      // A trampoline's true condition: the site's own hit, every register as at the site.
      std::uint64_t at = slots_[tr->second].site;
      auto r = regs(tid);
      r.rip = at;
      set_regs(tid, r);
      if (stopping_all) {
        uncount(tr->second);  // rewound: it evaluates again after the next resume
        return std::nullopt;
      }
      if (is_site(virt_addr(at)))
        return inferior_event{inferior_event::kind::breakpoint, tid, 0, at};
      return go_on(0);  // the breakpoint went meanwhile: on with the original instruction
    }
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
    if (code == si_kernel) {
      // The program's own int3 (runtime.Breakpoint(), one in assembly): reported like a
      // breakpoint, never delivered (it would kill the program); the thread goes on past it.
      std::uint8_t byte = 0;
      if (read(virt_addr(pc - 1), {&byte, 1}) && byte == 0xCC) {
        if (stopping_all) {  // executed again after the next resume
          auto r = regs(tid);
          r.rip = pc - 1;
          set_regs(tid, r);
          return std::nullopt;
        }
        return inferior_event{inferior_event::kind::trap, tid, 0, pc};
      }
    }
    if (code == trap_trace) {
      if (stopping_all) return std::nullopt;
      return inferior_event{inferior_event::kind::step, tid, 0, pc};
    }
    if (code == trap_hwbkpt) {
      // Already past the access, so it cannot be put back to happen again: seen while stopping
      // everything, it waits in deferred_ like any event that cannot be rewound. No slot (a
      // trap from a watchpoint just removed) is nobody's.
      unsigned slots = debug_registers::take_hits(tid);
      if (!slots) return go_on(0);
      return inferior_event{inferior_event::kind::watchpoint, tid, int(slots), pc};
    }
  }
  if (reported_signal(sig)) {
    keep_signal(t, sig);
    return inferior_event{inferior_event::kind::signal, tid, sig, regs(tid).rip};
  }
  return go_on(sig);
}

// The death of the last thread but the leader makes a dead leader's own exit status ready. The
// kernel does not always say so (no SIGCHLD, no wake-up of a blocked waitpid: seen on Linux
// 6.18 when the leader died first), so it is looked for right here, where that last death was
// collected: otherwise the program's end could wait forever.
std::optional<inferior_event> inferior::leader_death_after(pid_t tid) {
  if (tid == pid_ || !alive_) return std::nullopt;
  char st = thread_state_of(pid_, pid_);
  if (st != 'Z' && st != 'X' && st != 0) return std::nullopt;
  std::optional<wait_result> w;
  try {
    w = wait_thread(pid_, true);
  } catch (const thread_gone&) {
    return std::nullopt;  // reaped elsewhere: wait_any() will say the program is gone
  }
  if (!w || w->what == wait_result::kind::stopped) return std::nullopt;
  inferior_event ev{w->what == wait_result::kind::exited ? inferior_event::kind::exited
                                                         : inferior_event::kind::killed,
                    pid_, w->code, 0};
  program_ended(ev);
  return ev;
}

// The run (running_) is left to end where it is waited for: poll() reports the end.
void inferior::forget_process() {
  alive_ = false;
  threads_.clear();
  sites_.clear();
  forget_code_page();
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
      [&](std::uint64_t a, std::span<std::uint8_t> out) {
        return !touches_watch(a, out.size(), false) && read(virt_addr(a), out);
      },
      [&](std::uint64_t a, std::span<const std::uint8_t> in) {
        if (touches_watch(a, in.size(), true)) return false;
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
  if (!alive_) return end_event();
  if (!threads_.count(tid)) fail("no thread {}", tid);
  step_over(tid);  // also lifts an int3 under the pc for the duration of the step
  if (!alive_) return end_event();
  auto it = threads_.find(tid);
  if (it == threads_.end()) fail("thread {} exited during the step", tid);
  auto& th = it->second;
  if (th.pending_signal && reported_signal(th.pending_signal))
    return inferior_event{inferior_event::kind::signal, tid, th.pending_signal, pc(tid)};
  mark_reported(tid);
  for (auto it = watch_hits_.begin(); it != watch_hits_.end(); ++it)
    if (it->tid == tid) {
      auto ev = *it;
      watch_hits_.erase(it);
      ev.pc = pc(tid);
      return ev;
    }
  return inferior_event{inferior_event::kind::step, tid, 0, pc(tid)};
}

}  // namespace godbg

// The end of a session and the end of the program: letting go of it cleanly (detach), killing
// it, and learning that it died, whenever that happens.
//
// The trap left behind. PTRACE_INTERRUPT can stop a thread that has just run into one of our
// int3s but not yet taken the SIGTRAP: the kernel reports the interrupt's stop before it
// dequeues a signal, so that trap is never seen while stopping everything. Detached then, the
// thread takes the trap untraced, one byte past an int3 that is no longer there, and the Go
// runtime dies of it ("SIGTRAP: trace trap"). So before letting go, every thread with a SIGTRAP
// pending (SigPnd in /proc) is let run under ptrace for the instant it takes to dequeue it (it
// stops again before running one instruction of its own) and classify() rewinds it as a hit.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "common/error.hpp"
#include "process/inferior.hpp"
#include "process/ptrace_ops.hpp"

namespace godbg {

std::optional<wait_result> inferior::wait_any(bool nohang) {
  try {
    return wait_thread(-1, nohang);
  } catch (const thread_gone&) {
    // No traced thread is left and none reported its death: the program is gone, how is not
    // known (its status went to someone else's waitpid).
    if (alive_) program_ended(inferior_event{inferior_event::kind::killed, pid_, 0, 0});
    return std::nullopt;
  }
}

void inferior::program_ended(const inferior_event& ev) {
  if (!end_) end_ = ev;
  forget_process();
}

inferior_event inferior::end_event() {
  deferred_.clear();
  end_taken_ = true;
  return end_ ? *end_ : inferior_event{inferior_event::kind::killed, pid_, 0, 0};
}

std::optional<inferior_event> inferior::take_end() {
  if (alive_ || end_taken_ || !end_) return std::nullopt;
  return end_event();
}

bool inferior::ended_now(int grace_ms) {
  if (!alive_) return true;
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + std::chrono::milliseconds(grace_ms);
  for (;;) {
    auto w = wait_any(true);
    if (!alive_) return true;
    if (w) {
      // While stopped, only deaths and new threads' first stops come; anything else is kept
      // for the next run to report.
      if (auto ev = classify(*w, true)) deferred_.push_back(*ev);
      continue;
    }
    if (clock::now() >= deadline || !process_dying(pid_)) return false;
    usleep(1000);
  }
}

void inferior::wait_for_stop(pid_t tid, int patience_ms) {
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + std::chrono::milliseconds(patience_ms);
  bool interrupted = false;
  for (;;) {
    auto it = threads_.find(tid);
    if (!alive_ || it == threads_.end() || it->second.stopped) return;
    auto w = wait_any(true);
    if (w) {
      if (auto ev = classify(*w, true)) deferred_.push_back(*ev);
      continue;
    }
    if (clock::now() > deadline) {
      if (interrupted) {
        // Not stopped even by an interrupt: the usual wait, which SIGTERM can cut short.
        wait_until_all_stopped();
        return;
      }
      interrupted = true;
      it->second.interrupt_requested = true;
      if (!ptrace_ops::interrupt(tid)) it->second.interrupt_requested = false;
      deadline = clock::now() + std::chrono::milliseconds(patience_ms);
      continue;
    }
    usleep(100);
  }
}

void inferior::consume_pending_traps() {
  constexpr std::uint64_t trap_bit = std::uint64_t(1) << (SIGTRAP - 1);
  for (pid_t tid : thread_ids()) {
    // A thread can also owe a stale interrupt, reported first: a few rounds at most.
    for (int round = 0; round < 4 && alive_; ++round) {
      auto it = threads_.find(tid);
      if (it == threads_.end() || !it->second.stopped) break;
      auto& t = it->second;
      // In a signal-delivery-stop the thread has dequeued its synchronous signals already (an
      // int3's trap comes before any other): a SIGTRAP still pending was sent by someone, and
      // is the program's. One it blocks is not an int3's either (that one is forced through).
      if (t.signal_stop) break;
      auto sigs = signals_of(pid_, tid);
      if (!sigs || !(sigs->pending & trap_bit) || (sigs->blocked & trap_bit)) break;
      flush_regs(t);
      t.regs.reset();
      t.stopped = false;
      if (!ptrace_ops::cont_if_alive(tid, 0)) break;  // dying: its death comes by waitpid
      wait_for_stop(tid, 200);
    }
  }
}

void inferior::kill() {
  if (!alive_) return;
  let_go_of_vfork_children(true);
  ::kill(pid_, SIGKILL);
  // Reap every thread so no zombie is left behind; SIGKILL ends even a thread in a vfork wait.
  // Without blocking: the leader's status may come with no wake-up (see leader_death_after),
  // so it is polled for, for as long as a dying program can reasonably take.
  using clock = std::chrono::steady_clock;
  auto give_up = clock::now() + std::chrono::seconds(10);
  while (clock::now() < give_up) {
    std::optional<wait_result> w;
    try {
      w = wait_thread(-1, true);
    } catch (const thread_gone&) {
      break;  // nothing left to reap
    }
    if (!w) {
      usleep(500);
      continue;
    }
    if (w->tid == pid_ && w->what != wait_result::kind::stopped) break;
  }
  end_taken_ = true;  // said by whoever asked for the kill
  forget_process();
  running_ = false;
}

void inferior::detach() {
  if (!alive_) return;
  running_ = false;
  filter_ = nullptr;
  watch_filter_ = nullptr;
  try {
    stop_all();
    // Before a pending trap is let through: an armed debug register would stop it again.
    clear_watches_for_detach();
    consume_pending_traps();
  } catch (const error&) {
    // godbg is ending and some thread would not stop (one in a vfork wait, say): the int3s
    // come out through /proc/PID/mem all the same, the stopped threads are let go here and the
    // kernel lets go of the others when godbg exits.
    if (!termination_requested()) throw;
  }
  if (!alive_) return;  // it died meanwhile: there is nothing left to let go of
  // A debug register left armed would kill the program with SIGTRAP once we are gone (a no-op
  // when the one above ran).
  clear_watches_for_detach();
  for (auto& [addr, s] : sites_) {
    try {
      restore_site_bytes(addr, s);
    } catch (const error&) {
      if (!process_dying(pid_)) throw;
    }
  }
  // The page goes too, unless a thread might still return into it (then it stays, harmless:
  // nothing jumps there any more).
  try {
    unmap_code_page();
  } catch (const error&) {
    if (!process_dying(pid_)) throw;
  }
  sites_.clear();
  forget_code_page();
  let_go_of_vfork_children(false);
  for (auto& [tid, t] : threads_) {
    if (!t.stopped) continue;
    flush_regs(t);
    // What the program was owed: handed over by the detach from a signal-delivery-stop, sent
    // again from any other stop (where the kernel would drop it).
    ptrace_ops::detach(tid, t.signal_stop ? t.pending_signal : 0);
    if (t.pending_signal && !t.signal_stop) resend_signal(tid, t.pending_signal);
    for (int more : t.more_signals) resend_signal(tid, more);
  }
  threads_.clear();
  end_taken_ = true;
  alive_ = false;
}

}  // namespace godbg

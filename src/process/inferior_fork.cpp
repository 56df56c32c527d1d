// The program making a copy of itself (fork), lending itself (vfork) or replacing itself (exec).
//
// A fork child gets a copy of our int3s: they are taken out of the copy and the child let go.
//
// A vfork child (os/exec in Go: clone(CLONE_VM|CLONE_VFORK), glibc's posix_spawn) shares the
// parent's memory until it execs or exits, so our int3s are in its code too and it would die of
// SIGTRAP on the first one it ran over. It runs inside a "vfork window": every int3 lifted, the
// child let go, the parent thread resumed into its kernel wait, which ends with
// PTRACE_EVENT_VFORK_DONE; then the int3s go back. Every other thread of the program stays
// stopped for the whole window, so none can run past a lifted int3 unseen: no breakpoint is
// missed, at the price of the program standing still while the child gets to its exec (well
// under a millisecond for os/exec). A child that never execs keeps the program standing, as it
// keeps its parent thread waiting without a debugger; Ctrl-C cannot stop a thread in that wait,
// SIGTERM/SIGHUP still end godbg.
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.hpp"
#include "process/inferior.hpp"
#include "process/ptrace_ops.hpp"

namespace godbg {

// A traced child's first stop can come before or after its parent's fork event.
void inferior::await_fork_child(pid_t child) {
  if (early_children_.erase(child) != 0) return;
  for (;;) {
    auto w = wait_thread(child);
    if (!w) {
      if (termination_requested()) fail("gave up waiting for forked process {}", child);
      continue;
    }
    return;  // stopped, or already gone
  }
}

void inferior::release_fork_child(pid_t child) {
  await_fork_child(child);
  std::string path = "/proc/" + std::to_string(child) + "/mem";
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd != -1) {
    // The child's copy of the code gets the original bytes back (its copy of the page stays,
    // unused: nothing jumps there any more).
    for (auto& [addr, s] : sites_) {
      if (!s.inserted) continue;
      if (s.jump)
        (void)!pwrite(fd, s.displaced.data(), s.jump_bytes.size(), off_t(addr));
      else
        (void)!pwrite(fd, &s.original, 1, off_t(addr));
    }
    close(fd);
  }
  ptrace_ops::detach(child, 0);
}

void inferior::run_vfork_windows() {
  while (!vforks_.empty()) {
    auto v = vforks_.front();
    vforks_.erase(vforks_.begin());
    if (alive_ && threads_.count(v.parent)) {
      run_vfork_window(v.parent, v.child, false);
    } else {
      await_fork_child(v.child);
      ptrace_ops::detach(v.child, 0);
    }
  }
}

// Every thread is stopped, `parent` at its PTRACE_EVENT_VFORK stop (or, with `stepping`, being
// single-stepped through the clone by step_over). Ends with `parent` stopped again at
// PTRACE_EVENT_VFORK_DONE, the child gone its own way and the int3s back.
void inferior::run_vfork_window(pid_t parent, pid_t child, bool stepping) {
  await_fork_child(child);
  std::vector<std::uint64_t> lifted;
  for (auto& [addr, s] : sites_)
    if (s.inserted) {
      restore_site_bytes(addr, s);
      lifted.push_back(addr);
    }
  ptrace_ops::detach(child, 0);

  auto& t = threads_.at(parent);
  flush_regs(t);
  t.regs.reset();
  t.stopped = false;
  auto go = [&] {
    try {
      if (stepping)
        ptrace_ops::singlestep(parent, 0);
      else
        ptrace_ops::cont(parent, 0);
    } catch (const thread_gone&) {
      // Killed while held: its death comes by waitpid below.
    }
  };
  go();
  for (;;) {
    if (termination_requested())
      fail("gave up waiting for vfork child {} of thread {} to exec", child, parent);
    auto w = wait_any(false);
    if (!alive_) return;
    if (!w) continue;
    if (w->tid != parent || w->what != wait_result::kind::stopped) {
      // The other threads are stopped: only deaths come here (the parent's own, or all of
      // them when the program is killed).
      if (auto ev = classify(*w, true)) deferred_.push_back(*ev);
      if (!alive_) return;
      if (!threads_.count(parent)) break;
      continue;
    }
    t.stopped = true;
    t.signal_stop = w->event == 0;
    t.regs.reset();
    if (w->event == PTRACE_EVENT_VFORK_DONE) break;
    if (w->event == 0 && !(stepping && w->code == SIGTRAP)) keep_signal(t, w->code);
    t.stopped = false;
    go();
  }
  for (auto addr : lifted)
    if (auto it = sites_.find(addr); it != sites_.end()) insert_site_bytes(addr, it->second);
}

// What resume() does after a vfork window opened in the middle of its wait: report what came
// up meanwhile, else let every thread go on.
std::optional<inferior_event> inferior::resume_after_vfork() {
  if (!alive_) return std::nullopt;  // poll() reports the end
  if (!deferred_.empty()) {
    auto ev = deferred_.front();
    deferred_.erase(deferred_.begin());
    return ev;
  }
  for (auto& [tid, t] : threads_)
    if (t.stopped) resume_thread(t);
  return std::nullopt;
}

// vfork children still held at their first stop, when the program is killed, detached or
// execs: with the int3s out of the memory they share, or killed.
void inferior::let_go_of_vfork_children(bool kill_them) {
  for (auto& v : vforks_) {
    if (kill_them) {
      ::kill(v.child, SIGKILL);
      int status = 0;
      waitpid(v.child, &status, __WALL);
      early_children_.erase(v.child);
      continue;
    }
    try {
      release_fork_child(v.child);
    } catch (const error&) {
      // It is gone, or godbg is ending: nothing more to do for it.
    }
  }
  vforks_.clear();
}

std::optional<inferior_event> inferior::on_exec() {
  // A vfork child held back keeps the old memory, int3s included: clean it before it goes.
  let_go_of_vfork_children(false);
  // execve leaves one thread, under the process id, in a new address space: our int3s are gone
  // with the old one.
  threads_.clear();
  thread_state t;
  t.tid = pid_;
  t.stopped = true;
  threads_[pid_] = t;
  sites_.clear();
  removed_sites_.clear();
  forget_code_page();  // the old address space went with it
  // The kernel cleared the debug registers with the old image; their addresses mean nothing now.
  watches_ = {};
  watch_hits_.clear();
  reopen_memory();
  return inferior_event{inferior_event::kind::exec, pid_, 0, 0};
}

}  // namespace godbg

#include "process/ptrace_ops.hpp"

#include <sys/ptrace.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace godbg {
namespace ptrace_ops {

void seize(pid_t tid) {
  if (ptrace(PTRACE_SEIZE, tid, nullptr, reinterpret_cast<void*>(options)) == -1)
    fail_errno("attach to thread {}", tid);
}

bool interrupt(pid_t tid) {
  if (ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr) == 0) return true;
  if (errno == ESRCH) return false;
  fail_errno("interrupt thread {}", tid);
}

void cont(pid_t tid, int sig) {
  if (ptrace(PTRACE_CONT, tid, nullptr, reinterpret_cast<void*>(long(sig))) == -1)
    fail_errno("resume thread {}", tid);
}

bool cont_if_alive(pid_t tid, int sig) {
  if (ptrace(PTRACE_CONT, tid, nullptr, reinterpret_cast<void*>(long(sig))) == 0) return true;
  if (errno == ESRCH) return false;
  fail_errno("resume thread {}", tid);
}

void singlestep(pid_t tid, int sig) {
  if (ptrace(PTRACE_SINGLESTEP, tid, nullptr, reinterpret_cast<void*>(long(sig))) == -1)
    fail_errno("single-step thread {}", tid);
}

void detach(pid_t tid, int sig) {
  if (ptrace(PTRACE_DETACH, tid, nullptr, reinterpret_cast<void*>(long(sig))) == -1 &&
      errno != ESRCH)
    fail_errno("detach from thread {}", tid);
}

std::optional<user_fpregs_struct> get_fpregs(pid_t tid) {
  user_fpregs_struct f{};
  if (ptrace(PTRACE_GETFPREGS, tid, nullptr, &f) == -1) return std::nullopt;
  return f;
}

user_regs_struct get_regs(pid_t tid) {
  user_regs_struct regs{};
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &regs) == -1)
    fail_errno("read registers of thread {}", tid);
  return regs;
}

void set_regs(pid_t tid, const user_regs_struct& regs) {
  if (ptrace(PTRACE_SETREGS, tid, nullptr, &regs) == -1)
    fail_errno("write registers of thread {}", tid);
}

std::optional<siginfo_t> get_siginfo(pid_t tid) {
  siginfo_t info{};
  if (ptrace(PTRACE_GETSIGINFO, tid, nullptr, &info) == -1) return std::nullopt;
  return info;
}

unsigned long event_message(pid_t tid) {
  unsigned long msg = 0;
  if (ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &msg) == -1)
    fail_errno("read the event message of thread {}", tid);
  return msg;
}

}  // namespace ptrace_ops

std::optional<wait_result> wait_thread(pid_t who, bool nohang) {
  int status = 0;
  pid_t tid = waitpid(who, &status, __WALL | (nohang ? WNOHANG : 0));
  if (tid == 0) return std::nullopt;
  if (tid == -1) {
    if (errno == EINTR) return std::nullopt;
    fail_errno("wait for thread {}", who);
  }
  wait_result r;
  r.tid = tid;
  if (WIFEXITED(status)) {
    r.what = wait_result::kind::exited;
    r.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.what = wait_result::kind::killed;
    r.code = WTERMSIG(status);
  } else {
    r.what = wait_result::kind::stopped;
    r.code = WSTOPSIG(status);
    r.event = (status >> 16) & 0xff;
  }
  return r;
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  if (abbrev) return std::string("SIG") + abbrev;
  return "SIG" + std::to_string(sig);
}

int signal_number(const std::string& name) {
  std::string n = name.rfind("SIG", 0) == 0 ? name.substr(3) : name;
  for (int s = 1; s < NSIG; ++s) {
    const char* abbrev = sigabbrev_np(s);
    if (abbrev && n == abbrev) return s;
  }
  return 0;
}

}  // namespace godbg

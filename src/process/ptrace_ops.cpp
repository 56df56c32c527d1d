#include "process/ptrace_ops.hpp"

#include <sys/ptrace.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "common/error.hpp"

namespace godbg {
namespace ptrace_ops {

namespace {
// A failed request: on a thread that is gone, thread_gone with a message a user can read;
// otherwise what was being done and strerror.
template <typename... Args>
[[noreturn]] void fail_request(pid_t tid, fmt::format_string<Args...> f, Args&&... args) {
  int saved = errno;
  std::string what = fmt::format(f, std::forward<Args>(args)...);
  if (saved == ESRCH) throw thread_gone(fmt::format("{}: thread {} is gone", what, tid));
  throw error(fmt::format("{}: {}", what, std::strerror(saved)));
}
}  // namespace

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
    fail_request(tid, "resume thread {}", tid);
}

bool cont_if_alive(pid_t tid, int sig) {
  if (ptrace(PTRACE_CONT, tid, nullptr, reinterpret_cast<void*>(long(sig))) == 0) return true;
  if (errno == ESRCH) return false;
  fail_errno("resume thread {}", tid);
}

void singlestep(pid_t tid, int sig) {
  if (ptrace(PTRACE_SINGLESTEP, tid, nullptr, reinterpret_cast<void*>(long(sig))) == -1)
    fail_request(tid, "single-step thread {}", tid);
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
    fail_request(tid, "read the registers of thread {}", tid);
  return regs;
}

void set_regs(pid_t tid, const user_regs_struct& regs) {
  if (ptrace(PTRACE_SETREGS, tid, nullptr, &regs) == -1)
    fail_request(tid, "write the registers of thread {}", tid);
}

bool set_regs_if_alive(pid_t tid, const user_regs_struct& regs) {
  if (ptrace(PTRACE_SETREGS, tid, nullptr, &regs) == 0) return true;
  if (errno == ESRCH) return false;
  fail_request(tid, "write the registers of thread {}", tid);
}

std::optional<siginfo_t> get_siginfo(pid_t tid) {
  siginfo_t info{};
  if (ptrace(PTRACE_GETSIGINFO, tid, nullptr, &info) == -1) return std::nullopt;
  return info;
}

unsigned long event_message(pid_t tid) {
  unsigned long msg = 0;
  if (ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &msg) == -1)
    fail_request(tid, "read the event message of thread {}", tid);
  return msg;
}

std::optional<std::uint64_t> peek_user(pid_t tid, std::size_t offset) {
  errno = 0;
  long v = ptrace(PTRACE_PEEKUSER, tid, reinterpret_cast<void*>(offset), nullptr);
  if (v == -1 && errno) {
    if (errno == ESRCH) return std::nullopt;
    fail_errno("read word {:#x} of the user area of thread {}", offset, tid);
  }
  return std::uint64_t(v);
}

bool poke_user(pid_t tid, std::size_t offset, std::uint64_t value) {
  if (ptrace(PTRACE_POKEUSER, tid, reinterpret_cast<void*>(offset),
             reinterpret_cast<void*>(value)) == 0)
    return true;
  if (errno == ESRCH) return false;
  fail_errno("write word {:#x} of the user area of thread {}", offset, tid);
}

}  // namespace ptrace_ops

std::optional<wait_result> wait_thread(pid_t who, bool nohang) {
  int status = 0;
  pid_t tid = waitpid(who, &status, __WALL | (nohang ? WNOHANG : 0));
  if (tid == 0) return std::nullopt;
  if (tid == -1) {
    if (errno == EINTR) return std::nullopt;
    if (errno == ECHILD) {
      if (who == -1) throw thread_gone("wait for the program: no thread of it is left");
      throw thread_gone(fmt::format("wait for thread {}: it is gone", who));
    }
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

std::optional<thread_signals> signals_of(pid_t pid, pid_t tid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/status");
  if (!in) return std::nullopt;
  thread_signals out;
  bool seen = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("SigPnd:", 0) == 0) {
      out.pending = std::stoull(line.substr(7), nullptr, 16);
      seen = true;
    } else if (line.rfind("SigBlk:", 0) == 0) {
      out.blocked = std::stoull(line.substr(7), nullptr, 16);
    }
  }
  if (!seen) return std::nullopt;
  return out;
}

char thread_state_of(pid_t pid, pid_t tid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/stat");
  std::string s;
  if (!std::getline(in, s)) return 0;
  auto close = s.rfind(')');
  if (close == std::string::npos || close + 2 >= s.size()) return 0;
  return s[close + 2];
}

bool process_dying(pid_t pid) {
  char st = thread_state_of(pid, pid);
  if (st == 0 || st == 'Z' || st == 'X') return true;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  constexpr std::uint64_t kill_bit = std::uint64_t(1) << (SIGKILL - 1);
  for (std::string line; std::getline(in, line);)
    if ((line.rfind("SigPnd:", 0) == 0 || line.rfind("ShdPnd:", 0) == 0) &&
        (std::stoull(line.substr(7), nullptr, 16) & kill_bit))
      return true;
  return false;
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

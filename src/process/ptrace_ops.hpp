#pragma once
// Thin, checked wrappers over ptrace(2) and waitpid(2): each failure becomes a godbg::error that
// says what was being done to which thread.
#include <signal.h>
#include <sys/types.h>
#include <sys/user.h>

#include <cstdint>
#include <optional>
#include <string>

namespace godbg {

namespace ptrace_ops {
constexpr long exit_kill = 0x100000;  // PTRACE_O_EXITKILL: only for a program we launched
constexpr long options = 0x1 /*TRACESYSGOOD*/ | 0x2 /*FORK*/ | 0x4 /*VFORK*/ | 0x8 /*CLONE*/ |
                         0x10 /*EXEC*/ | 0x20 /*VFORKDONE*/ | exit_kill;

void seize(pid_t tid);      // with `options`
bool interrupt(pid_t tid);  // false if the thread is gone
void cont(pid_t tid, int sig);
bool cont_if_alive(pid_t tid, int sig);
void singlestep(pid_t tid, int sig);
void detach(pid_t tid, int sig);
user_regs_struct get_regs(pid_t tid);
std::optional<user_fpregs_struct> get_fpregs(pid_t tid);  // x87/SSE state (xmm0-15)
void set_regs(pid_t tid, const user_regs_struct& regs);
std::optional<siginfo_t> get_siginfo(pid_t tid);
unsigned long event_message(pid_t tid);
}  // namespace ptrace_ops

// A decoded wait status.
struct wait_result {
  pid_t tid = 0;
  enum class kind { exited, killed, stopped } what = kind::stopped;
  int code = 0;   // exit status, terminating signal or stop signal
  int event = 0;  // PTRACE_EVENT_* for stops
};

// waitpid(who, __WALL). Returns nullopt when interrupted by a signal (EINTR) so the caller can
// look at its interrupt flag; with `nohang`, also when nothing is ready.
std::optional<wait_result> wait_thread(pid_t who, bool nohang = false);

std::string signal_name(int sig);            // "SIGSEGV"
int signal_number(const std::string& name);  // 0 if unknown

}  // namespace godbg

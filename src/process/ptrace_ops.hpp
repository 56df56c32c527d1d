#pragma once
// Thin, checked wrappers over ptrace(2) and waitpid(2): each failure becomes a godbg::error that
// says what was being done to which thread.
#include <signal.h>
#include <sys/types.h>
#include <sys/user.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/error.hpp"

namespace godbg {

// A ptrace request failed with ESRCH on a thread godbg believed stopped: the thread is gone
// (it exited, or the program was killed). Callers that can meet a dying thread catch this and
// let the death's wait status tell the rest; it never has to reach a user as "No such process".
class thread_gone : public error {
 public:
  using error::error;
};

namespace ptrace_ops {
constexpr long exit_kill = 0x100000;  // PTRACE_O_EXITKILL: only for a program we launched
constexpr long options = 0x1 /*TRACESYSGOOD*/ | 0x2 /*FORK*/ | 0x4 /*VFORK*/ | 0x8 /*CLONE*/ |
                         0x10 /*EXEC*/ | 0x20 /*VFORKDONE*/ | exit_kill;

void seize(pid_t tid);  // with `options`
// Every ptrace wrapper below throws thread_gone when the thread no longer exists.
bool interrupt(pid_t tid);  // false if the thread is gone
void cont(pid_t tid, int sig);
bool cont_if_alive(pid_t tid, int sig);
void singlestep(pid_t tid, int sig);
void detach(pid_t tid, int sig);
user_regs_struct get_regs(pid_t tid);
std::optional<user_fpregs_struct> get_fpregs(pid_t tid);  // x87/SSE state (xmm0-15)
void set_regs(pid_t tid, const user_regs_struct& regs);
bool set_regs_if_alive(pid_t tid, const user_regs_struct& regs);  // false if the thread is gone
std::optional<siginfo_t> get_siginfo(pid_t tid);
unsigned long event_message(pid_t tid);
// A word of the thread's `struct user` (the debug registers live there); nullopt / false when
// the thread is gone (ESRCH), an error for anything else.
std::optional<std::uint64_t> peek_user(pid_t tid, std::size_t offset);
bool poke_user(pid_t tid, std::size_t offset, std::uint64_t value);
}  // namespace ptrace_ops

// A decoded wait status.
struct wait_result {
  pid_t tid = 0;
  enum class kind { exited, killed, stopped } what = kind::stopped;
  int code = 0;   // exit status, terminating signal or stop signal
  int event = 0;  // PTRACE_EVENT_* for stops
};

// waitpid(who, __WALL). Returns nullopt when interrupted by a signal (EINTR) so the caller can
// look at its interrupt flag; with `nohang`, also when nothing is ready. Throws thread_gone when
// there is nothing left to wait for (ECHILD).
std::optional<wait_result> wait_thread(pid_t who, bool nohang = false);

// What /proc says about a thread's signals: the ones pending for it alone (SigPnd) and the
// ones it blocks (SigBlk), as masks with bit (sig - 1); nullopt when the thread is gone.
struct thread_signals {
  std::uint64_t pending = 0, blocked = 0;
};
std::optional<thread_signals> signals_of(pid_t pid, pid_t tid);
// The state letter of a thread in /proc (R, S, D, t, Z, X, ...), or 0 when it is gone.
char thread_state_of(pid_t pid, pid_t tid);
// Whether the process is on its way out: its leader a zombie or gone, or a SIGKILL pending.
bool process_dying(pid_t pid);

std::string signal_name(int sig);            // "SIGSEGV"
int signal_number(const std::string& name);  // 0 if unknown

}  // namespace godbg

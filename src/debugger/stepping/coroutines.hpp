#pragma once
// Stepping into iter.Pull's next, yield and stop (Go 1.23+): they switch the thread to another
// goroutine, the coroutine running the sequence. Where that goroutine will go on, as Delve
// finds it: its first user frame, or, when it has not started yet, the sequence function.
#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace godbg {

class session;

struct coroutine_stop {
  std::int64_t goid = 0;
  std::uint64_t pc = 0;
};

// Thread t has just entered a function (one instruction past the call): when that is one of
// iter.Pull's closures, where its coroutine will next run user code.
std::optional<coroutine_stop> coroutine_target(session& s, pid_t t);

}  // namespace godbg

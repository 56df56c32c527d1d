#pragma once
// System calls made in the program on godbg's behalf, on a thread it holds stopped: the
// thread's registers are saved, set for the call with its pc on a `syscall` instruction of the
// runtime's own code (runtime.sysMmap's), the thread steps over that one instruction alone, and
// its registers are put back. The startup report uses it for a buffer of its own in the
// program (mmap), to give it back (munmap) and to hand the program's diverted output to its
// stderr (write).
#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace godbg {

class session;

class remote_syscalls {
 public:
  explicit remote_syscalls(session& s);
  // A `syscall` instruction was found in the program's code.
  bool available() const { return insn_.has_value(); }
  // The call's result, or nullopt when it failed (-errno) or could not be made.
  std::optional<std::uint64_t> call(pid_t tid, long nr, const std::array<std::uint64_t, 6>& a);
  std::optional<std::uint64_t> map_anonymous(pid_t tid, std::size_t len);
  bool unmap(pid_t tid, std::uint64_t addr, std::size_t len);
  bool write(pid_t tid, int fd, std::uint64_t addr, std::size_t len);

 private:
  session& s_;
  std::optional<std::uint64_t> insn_;
};

}  // namespace godbg

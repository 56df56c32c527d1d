#pragma once
// What the layers above need of a program's state, whether it is a live process (inferior) or,
// later, a core file: its threads, their registers, its memory. Everything that runs the
// program (resume, int3 sites, signals) stays on inferior; a read-only session has none of it.
#include <sys/types.h>
#include <sys/user.h>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/address.hpp"

namespace godbg {

class target {
 public:
  virtual ~target() = default;

  virtual pid_t pid() const = 0;
  // A process that can run (false for a core file).
  virtual bool live() const = 0;
  virtual std::vector<pid_t> thread_ids() const = 0;
  virtual bool has_thread(pid_t tid) const = 0;

  // Registers of a stopped thread.
  virtual const user_regs_struct& regs(pid_t tid) = 0;
  // x87/SSE state (xmm0-15); nullopt when it cannot be read.
  virtual std::optional<user_fpregs_struct> fpregs(pid_t tid) = 0;
  std::uint64_t pc(pid_t tid) { return regs(tid).rip; }

  // Memory as the program sees it (never our int3s): true when every byte was read.
  virtual bool read(virt_addr a, std::span<std::uint8_t> out) const = 0;
  // Reads `each` bytes at every address into out[i*each ...]; ok[i] says whether range i was
  // read whole. Live processes do it in a few syscalls: the goroutine walkers read thousands.
  virtual void read_many(std::span<const std::uint64_t> addrs, std::size_t each,
                         std::uint8_t* out, std::vector<char>& ok) const;

  void read_or_fail(virt_addr a, std::span<std::uint8_t> out) const;
  template <typename T>
  std::optional<T> read_value(virt_addr a) const {
    T v{};
    if (!read(a, {reinterpret_cast<std::uint8_t*>(&v), sizeof v})) return std::nullopt;
    return v;
  }
};

}  // namespace godbg

#include "debugger/startup/remote_syscall.hpp"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/user.h>

#include <vector>

#include "arch_amd64/disassembler.hpp"
#include "common/error.hpp"
#include "debugger/session.hpp"

namespace godbg {

remote_syscalls::remote_syscalls(session& s) : s_(s) {
  // The runtime's mmap wrapper is assembly with one SYSCALL in every Go release since 1.x; the
  // instruction is found by decoding, not by searching bytes (0f 05 may sit in an immediate).
  for (const char* name : {"runtime.sysMmap", "runtime.mmap", "runtime.madvise"}) {
    auto f = s_.bin().function_by_name(name);
    if (!f || f->end.value() <= f->entry.value()) continue;
    std::uint64_t lo = s_.bias().to_virt(f->entry).value();
    std::vector<std::uint8_t> code(std::min<std::uint64_t>(f->end.value() - f->entry.value(), 512));
    if (!s_.process().read(virt_addr(lo), code)) continue;
    disassembler d;
    for (auto& i : d.decode(code, lo))
      if (i.mnemonic == "syscall") {
        insn_ = i.address;
        return;
      }
  }
}

std::optional<std::uint64_t> remote_syscalls::call(pid_t tid, long nr,
                                                   const std::array<std::uint64_t, 6>& a) {
  if (!insn_) return std::nullopt;
  auto& proc = s_.process();
  const user_regs_struct saved = proc.regs(tid);
  user_regs_struct r = saved;
  r.rip = *insn_;
  r.rax = std::uint64_t(nr);
  r.orig_rax = ~0ull;  // not in a system call: nothing for the kernel to restart
  r.rdi = a[0];
  r.rsi = a[1];
  r.rdx = a[2];
  r.r10 = a[3];
  r.r8 = a[4];
  r.r9 = a[5];
  std::optional<std::uint64_t> result;
  proc.set_regs(tid, r);
  try {
    auto ev = proc.single_step(tid);
    if (ev.what == inferior_event::kind::step && proc.has_thread(tid) &&
        proc.pc(tid) == *insn_ + 2) {
      std::uint64_t rax = proc.regs(tid).rax;
      if (rax < std::uint64_t(-4095)) result = rax;
    }
  } catch (const error&) {
  }
  if (proc.alive() && proc.has_thread(tid)) {
    proc.set_regs(tid, saved);
    // Back where it was reported: at an int3 of ours, the next resume executes the original
    // instruction first.
    proc.mark_reported(tid);
  }
  return result;
}

std::optional<std::uint64_t> remote_syscalls::map_anonymous(pid_t tid, std::size_t len) {
  return call(tid, SYS_mmap,
              {0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, ~0ull, 0});
}

bool remote_syscalls::unmap(pid_t tid, std::uint64_t addr, std::size_t len) {
  return call(tid, SYS_munmap, {addr, len, 0, 0, 0, 0}).has_value();
}

bool remote_syscalls::write(pid_t tid, int fd, std::uint64_t addr, std::size_t len) {
  auto n = call(tid, SYS_write, {std::uint64_t(fd), addr, len, 0, 0, 0});
  return n && *n == len;
}

}  // namespace godbg

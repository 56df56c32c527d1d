// Target memory and int3 sites. Reads go through process_vm_readv (bulk, one syscall) and fall
// back to /proc/PID/mem; writes go through /proc/PID/mem, which may write read-only text.
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>

#include "common/error.hpp"
#include "process/inferior.hpp"

namespace godbg {

namespace {
constexpr std::uint8_t int3 = 0xCC;

// One write through /proc/PID/mem. A write that moves nothing (0, not -1: errno is stale then)
// means the address space is gone: the program is exiting.
void write_mem(int fd, std::uint64_t a, const std::uint8_t* p, std::size_t n,
               const std::string& what) {
  ssize_t done = pwrite(fd, p, n, off_t(a));
  if (done == ssize_t(n)) return;
  if (done >= 0) fail("{}: the program's memory is gone (it is exiting)", what);
  if (errno == ESRCH) fail("{}: the program is gone", what);
  fail_errno("{}", what);
}
}  // namespace

bool inferior::read(virt_addr a, std::span<std::uint8_t> out) const {
  if (out.empty()) return true;
  if (!alive_) return false;
  iovec local{out.data(), out.size()};
  iovec remote{reinterpret_cast<void*>(a.value()), out.size()};
  ssize_t n = process_vm_readv(pid_, &local, 1, &remote, 1, 0);
  if (n != ssize_t(out.size())) {
    n = pread(mem_fd_, out.data(), out.size(), off_t(a.value()));
    if (n != ssize_t(out.size())) return false;
  }
  // Show the program's own bytes, never our int3s or jumps.
  auto lo = sites_.lower_bound(a.value() >= 8 ? a.value() - 8 : 0);
  for (auto it = lo; it != sites_.end() && it->first < a.value() + out.size(); ++it)
    overlay_original(it->first, it->second, a.value(), out);
  return true;
}

void inferior::read_many(std::span<const std::uint64_t> addrs, std::size_t each, std::uint8_t* out,
                         std::vector<char>& ok) const {
  ok.assign(addrs.size(), 0);
  if (each == 0 || !alive_) return;
  constexpr std::size_t batch = IOV_MAX;  // 1024 on Linux
  std::vector<iovec> remote;
  remote.reserve(batch);
  std::size_t i = 0;
  while (i < addrs.size()) {
    std::size_t n = std::min(batch, addrs.size() - i);
    remote.clear();
    for (std::size_t k = 0; k < n; ++k)
      remote.push_back({reinterpret_cast<void*>(addrs[i + k]), each});
    iovec local{out + i * each, n * each};
    ssize_t got = process_vm_readv(pid_, &local, 1, remote.data(), n, 0);
    std::size_t full = got > 0 ? std::size_t(got) / each : 0;
    for (std::size_t k = 0; k < full; ++k) ok[i + k] = 1;
    if (full == n) {
      i += n;
      continue;
    }
    // The kernel stops at the first range it cannot read: that one failed, go on after it.
    i += full + 1;
  }
  // Reads in bulk show the program's bytes too, never our int3s.
  if (sites_.empty()) return;
  for (std::size_t k = 0; k < addrs.size(); ++k) {
    if (!ok[k]) continue;
    for (auto it = sites_.lower_bound(addrs[k] >= 8 ? addrs[k] - 8 : 0);
         it != sites_.end() && it->first < addrs[k] + each; ++it)
      overlay_original(it->first, it->second, addrs[k], {out + k * each, each});
  }
}

void inferior::overlay_original(std::uint64_t at, const site& s, std::uint64_t a,
                                std::span<std::uint8_t> out) {
  if (!s.inserted) return;
  if (!s.jump) {
    if (at >= a && at < a + out.size()) out[at - a] = s.original;
    return;
  }
  for (std::size_t i = 0; i < s.jump_bytes.size(); ++i)
    if (at + i >= a && at + i < a + out.size()) out[at + i - a] = s.displaced[i];
}

void inferior::write(virt_addr a, std::span<const std::uint8_t> bytes) {
  // A write over a jump into a trampoline (the program's code rewritten by a user): the site
  // goes back to a plain int3 first, so the new bytes are what the displaced ones become.
  for (auto it = sites_.lower_bound(a.value() >= 8 ? a.value() - 8 : 0);
       it != sites_.end() && it->first < a.value() + bytes.size(); ++it)
    if (it->second.jump && it->first + it->second.displaced.size() > a.value())
      remove_in_target(virt_addr(it->first));
  // Keep int3s in place under a write that covers them: the new byte becomes the "original".
  std::vector<std::uint8_t> buf(bytes.begin(), bytes.end());
  for (auto it = sites_.lower_bound(a.value());
       it != sites_.end() && it->first < a.value() + buf.size(); ++it) {
    if (!it->second.inserted) continue;
    it->second.original = buf[it->first - a.value()];
    buf[it->first - a.value()] = int3;
  }
  forget_decoded(a.value(), a.value() + buf.size());
  write_mem(mem_fd_, a.value(), buf.data(), buf.size(),
            fmt::format("write {} bytes at {:#x}", buf.size(), a.value()));
}

void inferior::forget_decoded(std::uint64_t lo, std::uint64_t hi) {
  if (decoded_sites_.empty()) return;
  auto it = decoded_sites_.lower_bound(lo >= max_instruction_size ? lo - max_instruction_size : 0);
  while (it != decoded_sites_.end() && it->first < hi) {
    if (it->first + it->second.bytes.size() > lo)
      it = decoded_sites_.erase(it);
    else
      ++it;
  }
}

void inferior::insert_site_bytes(std::uint64_t a, site& s) {
  if (s.inserted) return;
  if (s.jump) {  // back after a step over it: every thread is stopped
    write_mem(mem_fd_, a, s.jump_bytes.data(), s.jump_bytes.size(),
              fmt::format("insert a jump at {:#x}", a));
    s.inserted = true;
    return;
  }
  std::uint8_t orig = 0;
  ssize_t got = pread(mem_fd_, &orig, 1, off_t(a));
  if (got == 0) fail("read the code byte at {:#x}: the program's memory is gone", a);
  if (got != 1) fail_errno("read the code byte at {:#x}", a);
  write_mem(mem_fd_, a, &int3, 1, fmt::format("insert a breakpoint at {:#x}", a));
  forget_decoded(a, a + 1);  // perhaps new code at an old site (after an exec)
  s.original = orig;
  s.inserted = true;
}

void inferior::restore_site_bytes(std::uint64_t a, site& s) {
  if (!s.inserted) return;
  if (alive_ && s.jump)
    write_mem(mem_fd_, a, s.displaced.data(), s.jump_bytes.size(),
              fmt::format("remove the jump at {:#x}", a));
  else if (alive_)
    write_mem(mem_fd_, a, &s.original, 1, fmt::format("remove the breakpoint at {:#x}", a));
  s.inserted = false;
}

void inferior::add_site(virt_addr a) {
  removed_sites_.erase(a.value());
  auto [it, fresh] = sites_.try_emplace(a.value());
  if (!fresh) return;
  try {
    insert_site_bytes(a.value(), it->second);
  } catch (...) {
    sites_.erase(it);
    throw;
  }
}

void inferior::remove_site(virt_addr a) {
  auto it = sites_.find(a.value());
  if (it == sites_.end()) return;
  try {
    remove_in_target(a);  // an int3 first: safe even while threads run
    restore_site_bytes(it->first, it->second);
  } catch (const error&) {
    // A program on its way out has no code left to mend; anything else is a real failure.
    if (!process_dying(pid_)) throw;
  }
  removed_sites_.insert(it->first);
  sites_.erase(it);
}

}  // namespace godbg

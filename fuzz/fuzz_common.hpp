#pragma once
// Shared by the fuzz targets: the input as a file (a memfd, so no disk I/O), because the readers
// under test open paths (elf_file mmaps one, libdwarf opens its own descriptor).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/error.hpp"

namespace godbg::fuzz {

// Path of a file holding exactly the bytes data[0, n). Valid until the next call.
inline const std::string& as_file(const std::uint8_t* data, std::size_t n) {
  static int fd = -1;
  static std::string path;
  if (fd < 0) {
    fd = ::memfd_create("godbg-fuzz", MFD_CLOEXEC);
    if (fd < 0) std::abort();
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  if (::ftruncate(fd, 0) != 0) std::abort();
  std::size_t done = 0;
  while (done < n) {
    ssize_t w = ::pwrite(fd, data + done, n - done, static_cast<off_t>(done));
    if (w <= 0) std::abort();
    done += static_cast<std::size_t>(w);
  }
  return path;
}

// Calls f, swallowing godbg::error: the one thing a reader may throw on bad input. Anything else
// (std::bad_alloc or std::length_error from a size taken on trust, a crash, a sanitizer report)
// escapes and is a bug.
template <typename F>
void guarded(F&& f) {
  try {
    f();
  } catch (const godbg::error&) {
  }
}

}  // namespace godbg::fuzz

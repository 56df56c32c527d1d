#pragma once
// One error type for the whole project: thrown with context, caught once at the top.
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace godbg {

class error : public std::runtime_error {
 public:
  explicit error(const std::string& what) : std::runtime_error(what) {}
};

// A usage error (bad command-line or command arguments): exit status 2 at the top.
class usage_error : public error {
 public:
  using error::error;
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
  throw error(fmt::format(f, std::forward<Args>(args)...));
}

// For a failed syscall: what was being done, then strerror(errno).
template <typename... Args>
[[noreturn]] void fail_errno(fmt::format_string<Args...> f, Args&&... args) {
  int saved = errno;
  throw error(
      fmt::format("{}: {}", fmt::format(f, std::forward<Args>(args)...), std::strerror(saved)));
}

}  // namespace godbg

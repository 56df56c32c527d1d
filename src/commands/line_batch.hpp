#pragma once
// Lines held back and written in whole pieces: tracepoints in the target hand over thousands
// of lines at once, and the program writes to the same terminal, pipe or file. Each write(2) is
// at most PIPE_BUF bytes and ends at a line's end, so the kernel never puts the program's
// output inside one of godbg's lines (a larger write to a pipe may be split anywhere).
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <string>
#include <string_view>

namespace godbg {

class line_batch {
 public:
  explicit line_batch(std::FILE* to) : to_(to) {}
  line_batch(const line_batch&) = delete;
  line_batch& operator=(const line_batch&) = delete;
  ~line_batch() { out(); }

  // One line, its newline included.
  void add(std::string_view line) {
    if (!buf_.empty() && buf_.size() + line.size() > PIPE_BUF) out();
    buf_ += line;
  }
  // What is held goes out, after what stdio holds (so the order of everything stays).
  void out() {
    if (buf_.empty()) return;
    std::fflush(to_);
    int fd = fileno(to_);
    std::string_view rest = buf_;
    while (!rest.empty()) {
      ssize_t n = ::write(fd, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // a closed terminal or pipe: the lines are lost, as printf's would be
      rest.remove_prefix(std::size_t(n));
    }
    buf_.clear();
  }

 private:
  std::FILE* to_;
  std::string buf_;
};

}  // namespace godbg

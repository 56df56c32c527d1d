#include "dap/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <chrono>

#include "common/error.hpp"

namespace godbg::dap {

logger::~logger() {
  if (own_) ::close(fd_);
}

void logger::open(const std::string& dest, const std::string& outputs) {
  int n = -1;
  auto [end, ec] = std::from_chars(dest.data(), dest.data() + dest.size(), n);
  if (dest.empty()) {
    fd_ = STDERR_FILENO;
  } else if (ec == std::errc() && end == dest.data() + dest.size() && n >= 0) {
    // The editor passed a descriptor it reads (vscode-go gives fd 3); a closed one means no log.
    fd_ = ::fcntl(n, F_GETFD) == -1 ? -1 : n;
  } else {
    fd_ = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) fail_errno("open the log file {}", dest);
    own_ = true;
  }
  messages_ = outputs.empty() || outputs.find("dap") != std::string::npos;
}

void logger::line(std::string_view text) {
  if (fd_ == -1) return;
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  std::string s =
      std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1) + " godbg dap: ";
  s.append(text);
  s += '\n';
  for (std::size_t done = 0; done < s.size();) {
    ssize_t w = ::write(fd_, s.data() + done, s.size() - done);
    if (w <= 0) {
      fd_ = -1;  // the reader went away: stop logging rather than fail the session
      return;
    }
    done += std::size_t(w);
  }
}

}  // namespace godbg::dap

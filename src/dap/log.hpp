#pragma once
// `--log`: what godbg dap does, for people finding out why an editor and godbg disagree. Off
// unless asked; to stderr, or where --log-dest says (a file descriptor number or a file).
#include <string>
#include <string_view>

namespace godbg::dap {

class logger {
 public:
  logger() = default;
  ~logger();
  logger(const logger&) = delete;
  logger& operator=(const logger&) = delete;

  // dest: "" for stderr, a number for an open descriptor (Delve's --log-dest=3), else a path.
  // outputs: Delve's --log-output list; "dap" (the default) logs every message.
  void open(const std::string& dest, const std::string& outputs);
  bool enabled() const { return fd_ != -1; }
  bool messages() const { return enabled() && messages_; }
  void line(std::string_view text);

 private:
  int fd_ = -1;
  bool own_ = false;
  bool messages_ = true;
};

}  // namespace godbg::dap

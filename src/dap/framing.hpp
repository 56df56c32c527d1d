#pragma once
// The Debug Adapter Protocol's base framing: each message is a header ("Content-Length: N",
// header lines ending in \r\n, an empty line) followed by N bytes of JSON.
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace godbg::dap {

// A stream that cannot be read as messages any more (a header without Content-Length, a length
// that is no number or is too large): the only thing to do is to end the session.
struct framing_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class frame_reader {
 public:
  static constexpr std::size_t max_header = 8 * 1024;
  static constexpr std::size_t max_body = 64 * 1024 * 1024;

  void feed(std::string_view bytes) { buf_.append(bytes); }
  // The body of the next complete message; nullopt until all of it has arrived.
  std::optional<std::string> next();
  // Bytes received that do not yet make a whole message.
  std::size_t pending() const { return buf_.size() - pos_; }

 private:
  std::string buf_;
  std::size_t pos_ = 0;
  std::optional<std::size_t> body_length_;  // header read, body awaited
};

// The header and body of one message.
std::string frame(std::string_view body);

}  // namespace godbg::dap

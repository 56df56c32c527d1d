#include "dap/framing.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace godbg::dap {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// The Content-Length a header block gives (its lines without the final empty one).
std::size_t content_length(std::string_view header) {
  std::optional<std::size_t> length;
  while (!header.empty()) {
    auto eol = header.find('\n');
    std::string_view line = header.substr(0, eol);
    header.remove_prefix(eol == std::string_view::npos ? header.size() : eol + 1);
    line = trim(line);
    if (line.empty()) continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
      throw framing_error("a header line without ':' (" + std::string(line.substr(0, 40)) + ")");
    if (!iequals(trim(line.substr(0, colon)), "Content-Length")) continue;  // Content-Type, ...
    auto value = trim(line.substr(colon + 1));
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size() || value.empty())
      throw framing_error("Content-Length is not a number: " + std::string(value.substr(0, 40)));
    if (n > frame_reader::max_body)
      throw framing_error("Content-Length " + std::to_string(n) + " is larger than " +
                          std::to_string(frame_reader::max_body));
    length = n;
  }
  if (!length) throw framing_error("a message header without Content-Length");
  return *length;
}

}  // namespace

std::optional<std::string> frame_reader::next() {
  if (!body_length_) {
    std::string_view rest(buf_);
    rest.remove_prefix(pos_);
    // Headers end at an empty line; \r\n is the protocol's, a bare \n is forgiven.
    std::size_t end = rest.find("\r\n\r\n"), skip = 4;
    if (auto lf = rest.find("\n\n"); lf != std::string_view::npos && lf < end) end = lf, skip = 2;
    if (end == std::string_view::npos) {
      if (rest.size() > max_header) throw framing_error("a message header longer than 8 KiB");
      return std::nullopt;
    }
    body_length_ = content_length(rest.substr(0, end + skip / 2));
    pos_ += end + skip;
  }
  if (buf_.size() - pos_ < *body_length_) return std::nullopt;
  std::string body = buf_.substr(pos_, *body_length_);
  pos_ += *body_length_;
  body_length_.reset();
  // Keep the buffer small: drop what was consumed once it is most of it.
  if (pos_ > 4096 && pos_ * 2 > buf_.size()) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  return body;
}

std::string frame(std::string_view body) {
  std::string out = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out.append(body);
  return out;
}

}  // namespace godbg::dap

#include "common/parse_integer.hpp"

#include <charconv>

#include "common/error.hpp"

namespace godbg::detail {

std::optional<parsed_integer> parse_integer_syntax(std::string_view s, bool sign_allowed) {
  parsed_integer out;
  if (sign_allowed && !s.empty() && (s[0] == '-' || s[0] == '+')) {
    out.negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.starts_with("0x") || s.starts_with("0X")) {
    s.remove_prefix(2);
    base = 16;
  }
  // from_chars would take a second sign ("--1", "0x-1"): digits only from here.
  if (s.empty() || s[0] == '-' || s[0] == '+') return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out.magnitude, base);
  if (p != s.data() + s.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    out.overflow = true;
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::int64_t> to_signed(const parsed_integer& p) {
  constexpr std::uint64_t most_negative = std::uint64_t(1) << 63;
  if (p.overflow) return std::nullopt;
  if (p.negative) {
    if (p.magnitude > most_negative) return std::nullopt;
    return std::int64_t(0 - p.magnitude);
  }
  if (p.magnitude >= most_negative) return std::nullopt;
  return std::int64_t(p.magnitude);
}

void fail_integer(std::string_view text, std::string_view what, const std::string& why) {
  throw usage_error(why.empty() ? fmt::format("\"{}\" is not {}", text, what)
                                : fmt::format("\"{}\" is not {}: {}", text, what, why));
}

}  // namespace godbg::detail

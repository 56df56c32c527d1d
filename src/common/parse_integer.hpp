#pragma once
// The one way godbg reads an integer a user typed: a breakpoint id, a count, a pid, an address,
// a line. Decimal or 0x hex ("010" is ten, not eight: nobody types octal at a debugger); a
// leading '-' or '+' only where the type is signed; nothing else around the digits.
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace godbg {

namespace detail {
struct parsed_integer {
  bool negative = false;
  std::uint64_t magnitude = 0;
  bool overflow = false;  // more than 64 bits of digits: a number, but too large for anything
};
// The syntax alone: digits in range of 64 bits, the sign only when allowed.
std::optional<parsed_integer> parse_integer_syntax(std::string_view text, bool sign_allowed);
std::optional<std::int64_t> to_signed(const parsed_integer& p);
[[noreturn]] void fail_integer(std::string_view text, std::string_view what,
                               const std::string& why);
}  // namespace detail

enum class sign { allowed, refused };

// The value of `text` if it is an integer that T holds, else nullopt. A signed T takes a sign
// unless the caller refuses it ("-5" is no line number).
template <std::integral T>
std::optional<T> try_parse_integer(std::string_view text,
                                   sign s = std::is_signed_v<T> ? sign::allowed : sign::refused) {
  auto p = detail::parse_integer_syntax(text, std::is_signed_v<T> && s == sign::allowed);
  if (!p) return std::nullopt;
  if constexpr (std::is_signed_v<T>) {
    auto v = detail::to_signed(*p);
    if (!v || *v < std::numeric_limits<T>::min() || *v > std::numeric_limits<T>::max())
      return std::nullopt;
    return T(*v);
  } else {
    if (p->overflow || p->magnitude > std::numeric_limits<T>::max()) return std::nullopt;
    return T(p->magnitude);
  }
}

// The value of `text`, which must lie in [min, max]; else throws usage_error naming `what`:
//   "abc" is not a breakpoint number
//   "0" is not a breakpoint number: it must be at least 1
template <std::integral T>
T parse_integer(std::string_view text, std::string_view what,
                T min = std::numeric_limits<T>::lowest(), T max = std::numeric_limits<T>::max()) {
  auto p = detail::parse_integer_syntax(text, std::is_signed_v<T>);
  if (!p) detail::fail_integer(text, what, "");
  auto v = try_parse_integer<T>(text);
  if (!v || *v < min || *v > max) {
    constexpr T lowest = std::numeric_limits<T>::lowest(), highest = std::numeric_limits<T>::max();
    bool below = v ? *v < min : p->negative;
    std::string why;
    if (min != lowest && max != highest)
      why = "it must be between " + std::to_string(min) + " and " + std::to_string(max);
    else if (below)
      why = min != lowest ? "it must be at least " + std::to_string(min) : "it is too small";
    else
      why = max != highest ? "it must be at most " + std::to_string(max) : "it is too large";
    detail::fail_integer(text, what, why);
  }
  return *v;
}

}  // namespace godbg

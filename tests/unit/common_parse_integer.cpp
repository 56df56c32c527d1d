#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "common/parse_integer.hpp"

using namespace godbg;

namespace {
// The message parse_integer throws, or "" when it does not throw.
template <typename T>
std::string message(std::string_view text, std::string_view what, T min, T max) {
  try {
    parse_integer<T>(text, what, min, max);
  } catch (const usage_error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("decimal and 0x hex") {
  CHECK(try_parse_integer<int>("42") == 42);
  CHECK(try_parse_integer<int>("010") == 10);  // never octal
  CHECK(try_parse_integer<std::uint64_t>("0x4a09a0") == 0x4a09a0);
  CHECK(try_parse_integer<std::uint64_t>("0XFF") == 255);
  CHECK(try_parse_integer<std::uint64_t>("0xffffffffffffffff") == UINT64_MAX);
  CHECK(try_parse_integer<int>("0") == 0);
}

TEST_CASE("anything but the number is refused") {
  for (const char* bad : {"", " 1", "1 ", "1a", "a1", "0x", "0x-1", "--1", "+-1", "1.5", "0b1",
                          "0x0x1", "x10", "1e3"})
    CHECK_MESSAGE(!try_parse_integer<long>(bad), bad);
}

TEST_CASE("a sign only where the type is signed") {
  CHECK(try_parse_integer<int>("-3") == -3);
  CHECK(try_parse_integer<int>("+3") == 3);
  CHECK(try_parse_integer<long>("-0x10") == -16);
  CHECK(!try_parse_integer<unsigned>("-3"));
  CHECK(!try_parse_integer<unsigned>("+3"));
  CHECK(!try_parse_integer<int>("-3", sign::refused));
  CHECK(try_parse_integer<int>("3", sign::refused) == 3);
}

TEST_CASE("the type's own range") {
  CHECK(try_parse_integer<std::int64_t>("9223372036854775807") == INT64_MAX);
  CHECK(try_parse_integer<std::int64_t>("-9223372036854775808") == INT64_MIN);
  CHECK(!try_parse_integer<std::int64_t>("9223372036854775808"));
  CHECK(!try_parse_integer<std::int64_t>("-9223372036854775809"));
  CHECK(!try_parse_integer<std::uint64_t>("18446744073709551616"));
  CHECK(try_parse_integer<std::int32_t>("2147483647") == 2147483647);
  CHECK(!try_parse_integer<std::int32_t>("2147483648"));
  CHECK(!try_parse_integer<std::uint8_t>("256"));
}

TEST_CASE("parse_integer checks the caller's range and names what it parsed") {
  CHECK(parse_integer<int>("7", "a breakpoint number", 1) == 7);
  CHECK(parse_integer<long>("-2", "a count") == -2);
  CHECK(message<int>("abc", "a breakpoint number", 1, INT32_MAX) ==
        "\"abc\" is not a breakpoint number");
  CHECK(message<int>("0", "a breakpoint number", 1, INT32_MAX) ==
        "\"0\" is not a breakpoint number: it must be at least 1");
  CHECK(message<int>("-4", "a process id", 1, INT32_MAX) ==
        "\"-4\" is not a process id: it must be at least 1");
  CHECK(message<int>("99999999999", "a process id", 1, INT32_MAX) ==
        "\"99999999999\" is not a process id: it is too large");
  CHECK(message<long>("2000000", "a byte count", 1, 1 << 20) ==
        "\"2000000\" is not a byte count: it must be between 1 and 1048576");
  CHECK(message<int>("9", "a digit", INT32_MIN, 5) == "\"9\" is not a digit: it must be at most 5");
  CHECK(message<std::int64_t>("-99999999999999999999", "an offset", INT64_MIN, INT64_MAX) ==
        "\"-99999999999999999999\" is not an offset: it is too small");
  CHECK(message<unsigned>("-1", "an address", 0, UINT32_MAX) == "\"-1\" is not an address");
}

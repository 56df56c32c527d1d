// DR7 as the debug registers need it, and what a slot cannot watch.
#include <doctest/doctest.h>

#include "process/debug_registers.hpp"

using namespace godbg;

TEST_CASE("DR7: enable bit, access and length per slot") {
  hw_watch_slots slots;
  CHECK(dr7_value(slots) == 0);
  slots[0] = hw_watch{0x1000, 8, false};  // L0, RW 01, LEN 10
  CHECK(dr7_value(slots) == (0x1u | (0x9ull << 16)));
  slots[2] = hw_watch{0x2002, 2, true};  // L2, RW 11, LEN 01
  CHECK(dr7_value(slots) == (0x1u | (0x9ull << 16) | (0x1u << 4) | (0x7ull << 24)));
  slots[0].reset();
  slots[3] = hw_watch{0x3004, 4, false};  // L3, RW 01, LEN 11
  CHECK(dr7_value(slots) == ((0x1u << 4) | (0x7ull << 24) | (0x1u << 6) | (0xdull << 28)));
}

TEST_CASE("what a debug register refuses") {
  CHECK_FALSE(hw_watch_problem({0x1000, 8, false}));
  CHECK_FALSE(hw_watch_problem({0x1001, 1, false}));
  CHECK(hw_watch_problem({0x1004, 8, false}));  // misaligned
  CHECK(hw_watch_problem({0x1000, 3, false}));  // no such length
  CHECK(hw_watch_problem({0x1000, 16, false}));
  CHECK(hw_watch_problem({0x7ffffffffff0ull, 8, false}) == std::nullopt);
  CHECK(hw_watch_problem({0x800000000000ull, 8, false}));  // the kernel's half
}

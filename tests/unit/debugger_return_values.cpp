// The register ABI's assignment of results (abi-internal.md), on hand-made types.
#include <doctest/doctest.h>

#include "debugger/return_values.hpp"

using namespace godbg;

namespace {
go_type scalar(go_kind k, std::uint64_t size, const char* name) {
  go_type t;
  t.kind = k;
  t.size = size;
  t.name = name;
  return t;
}
}  // namespace

TEST_CASE("results: integers, strings and floats take registers in order") {
  go_type i64 = scalar(go_kind::int_, 8, "int");
  go_type f64 = scalar(go_kind::float_, 8, "float64");
  go_type ptr = scalar(go_kind::pointer, 8, "*uint8");
  go_type str = scalar(go_kind::string, 16, "string");
  str.fields = {{"str", 0, &ptr, false}, {"len", 8, &i64, false}};
  auto a = assign_results({&i64, &str, &f64, &i64});
  REQUIRE(a.size() == 4);
  REQUIRE(a[0]);
  CHECK(a[0]->size() == 1);
  CHECK((*a[0])[0].index == 0);  // RAX
  REQUIRE(a[1]);
  CHECK(a[1]->size() == 2);
  CHECK((*a[1])[0].index == 1);  // RBX: the pointer
  CHECK((*a[1])[1].index == 2);  // RCX: the length
  CHECK((*a[1])[1].offset == 8);
  REQUIRE(a[2]);
  CHECK((*a[2])[0].is_float);
  CHECK((*a[2])[0].index == 0);  // X0
  REQUIRE(a[3]);
  CHECK((*a[3])[0].index == 3);  // RDI

  user_regs_struct regs{};
  regs.rbx = 0x1234;
  regs.rcx = 5;
  auto bytes = result_bytes(str, *a[1], regs, std::nullopt);
  REQUIRE(bytes.size() == 16);
  CHECK(bytes[0] == 0x34);
  CHECK(bytes[1] == 0x12);
  CHECK(bytes[8] == 5);
}

TEST_CASE("results: what does not fit goes to the stack, and later results still get registers") {
  go_type i64 = scalar(go_kind::int_, 8, "int");
  go_type arr2 = scalar(go_kind::array, 16, "[2]int");
  arr2.elem = &i64;
  arr2.length = 2;
  go_type big = scalar(go_kind::struct_, 80, "main.big");
  for (int k = 0; k < 10; ++k) big.fields.push_back({"f", std::uint64_t(8 * k), &i64, false});
  auto a = assign_results({&arr2, &big, &i64});
  CHECK_FALSE(a[0]);  // arrays longer than one element are never in registers
  CHECK_FALSE(a[1]);  // ten words: more than the nine integer registers
  REQUIRE(a[2]);
  CHECK((*a[2])[0].index == 0);  // nothing was taken by the two before it
}

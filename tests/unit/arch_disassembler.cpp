#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "arch_amd64/disassembler.hpp"

using namespace godbg;

TEST_CASE("decoding a few known encodings") {
  disassembler d;
  // call rel32; sub rsp, 0x18; ret; jbe rel8; mov rcx, fs:[-8]; lea rax, [rip+0x10]
  std::vector<std::uint8_t> code = {0xe8, 0xfb, 0x0f, 0x00, 0x00,  // 0x400000
                                    0x48, 0x83, 0xec, 0x18,        // 0x400005
                                    0xc3,                          // 0x400009
                                    0x76, 0x02,                    // 0x40000a
                                    0x64, 0x48, 0x8b, 0x0c, 0x25, 0xf8, 0xff, 0xff,
                                    0xff, 0x48, 0x8d, 0x05, 0x10, 0x00, 0x00, 0x00};
  auto v = d.decode(code, 0x400000);
  REQUIRE(v.size() == 6);

  CHECK(v[0].address == 0x400000);
  CHECK(v[0].size() == 5);
  CHECK(v[0].mnemonic == "call");
  CHECK(v[0].is_call);
  CHECK_FALSE(v[0].is_jump);
  CHECK(v[0].branch_target == 0x401000);

  CHECK(v[1].address == 0x400005);
  CHECK(v[1].mnemonic == "sub");
  CHECK(v[1].operands == "rsp, 0x18");
  CHECK_FALSE(v[1].branch_target);

  CHECK(v[2].mnemonic == "ret");
  CHECK(v[2].is_ret);

  CHECK(v[3].mnemonic == "jbe");
  CHECK(v[3].is_jump);
  CHECK(v[3].is_conditional);
  CHECK(v[3].branch_target == 0x40000e);

  CHECK(v[4].mnemonic == "mov");
  CHECK(v[4].operands == "rcx, qword ptr fs:[0xfffffffffffffff8]");

  CHECK(v[5].mnemonic == "lea");
  CHECK(v[5].memory_target == 0x400015 + 7 + 0x10);

  auto sym = [](std::uint64_t a) -> std::optional<std::string> {
    if (a == 0x401000) return "runtime.morestack_noctxt";
    return std::nullopt;
  };
  CHECK(format_instruction(v[0], sym) == "call 0x401000 <runtime.morestack_noctxt>");
  CHECK(format_instruction(v[1], sym) == "sub rsp, 0x18");
  CHECK(format_instruction(v[2], {}) == "ret");
  CHECK(format_instruction(v[5], sym) == "lea rax, [rip + 0x10]  # 0x40002c");
}

TEST_CASE("decode stops at bad or truncated bytes, and honours max_count") {
  disassembler d;
  std::vector<std::uint8_t> code = {0x90, 0x90, 0x90, 0xe8, 0x00};  // last call is cut short
  CHECK(d.decode(code, 0x1000).size() == 3);
  CHECK(d.decode(code, 0x1000, 2).size() == 2);
  CHECK(d.decode_one(std::span(code).subspan(3), 0x1003) == std::nullopt);
  auto one = d.decode_one(code, 0x1000);
  REQUIRE(one);
  CHECK(one->mnemonic == "nop");
  CHECK(one->next_address() == 0x1001);
}

TEST_CASE("AT&T syntax on request") {
  disassembler d(asm_syntax::att);
  std::vector<std::uint8_t> code = {0x48, 0x83, 0xec, 0x18};
  auto i = d.decode_one(code, 0);
  REQUIRE(i);
  CHECK(i->mnemonic == "subq");
  CHECK(i->operands == "$0x18, %rsp");
}

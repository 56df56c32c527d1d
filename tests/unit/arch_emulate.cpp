#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "arch_amd64/alu_flags.hpp"
#include "arch_amd64/disassembler.hpp"
#include "arch_amd64/single_step.hpp"

using namespace godbg;

namespace {

// Byte-addressed fake memory; records writes.
struct fake_memory {
  std::map<std::uint64_t, std::uint8_t> bytes;
  int writes = 0;
  void put64(std::uint64_t a, std::uint64_t v) {
    for (int k = 0; k < 8; ++k) bytes[a + k] = static_cast<std::uint8_t>(v >> (8 * k));
  }
  std::uint64_t get64(std::uint64_t a) const {
    std::uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v |= std::uint64_t{bytes.at(a + k)} << (8 * k);
    return v;
  }
  read_memory_fn reader() {
    return [this](std::uint64_t a, std::span<std::uint8_t> out) {
      for (std::size_t k = 0; k < out.size(); ++k) {
        auto it = bytes.find(a + k);
        if (it == bytes.end()) return false;
        out[k] = it->second;
      }
      return true;
    };
  }
  write_memory_fn writer() {
    return [this](std::uint64_t a, std::span<const std::uint8_t> in) {
      for (std::size_t k = 0; k < in.size(); ++k) bytes[a + k] = in[k];
      ++writes;
      return true;
    };
  }
};

constexpr std::uint64_t pc = 0x401000;

instruction decode(std::vector<std::uint8_t> code, std::uint64_t at = pc) {
  static disassembler d;
  auto i = d.decode_one(code, at);
  REQUIRE(i);
  REQUIRE(i->size() == code.size());
  return *i;
}

user_regs_struct base_regs() {
  user_regs_struct r{};
  r.rip = pc;
  r.rsp = 0xc000010f00;
  r.rbp = 0xc000010f40;
  r.r14 = 0xc000002000;  // g
  r.fs_base = 0x7f0000001000;
  r.eflags = 0x202;
  return r;
}

std::optional<emulation_result> run(std::vector<std::uint8_t> code, user_regs_struct& r,
                                    fake_memory& mem) {
  auto insn = decode(std::move(code), r.rip);
  return emulate(insn, r, mem.reader(), mem.writer());
}

}  // namespace

TEST_CASE("prologue instructions") {
  fake_memory mem;
  auto r = base_regs();
  const auto before = r;

  SUBCASE("push rbp") {
    auto res = run({0x55}, r, mem);
    REQUIRE(res);
    CHECK(res->next_pc == pc + 1);
    CHECK(res->wrote_memory);
    CHECK(r.rip == pc + 1);
    CHECK(r.rsp == before.rsp - 8);
    CHECK(mem.get64(r.rsp) == before.rbp);
  }
  SUBCASE("pop rbp") {
    mem.put64(r.rsp, 0x1234);
    REQUIRE(run({0x5d}, r, mem));
    CHECK(r.rbp == 0x1234);
    CHECK(r.rsp == before.rsp + 8);
  }
  SUBCASE("mov rbp, rsp") {
    REQUIRE(run({0x48, 0x89, 0xe5}, r, mem));
    CHECK(r.rbp == before.rsp);
    CHECK(r.rip == pc + 3);
    CHECK(r.eflags == before.eflags);
  }
  SUBCASE("sub rsp, 0x18 and add rsp, -8 (sign-extended imm8)") {
    REQUIRE(run({0x48, 0x83, 0xec, 0x18}, r, mem));
    CHECK(r.rsp == before.rsp - 0x18);
    CHECK((r.eflags & eflag::status) == alu_sub(before.rsp, 0x18, 64).status);
    REQUIRE(run({0x48, 0x83, 0xc4, 0xf8}, r, mem));
    CHECK(r.rsp == before.rsp - 0x20);
  }
  SUBCASE("lea r12, [rsp - 0x118]") {
    REQUIRE(run({0x4c, 0x8d, 0xa4, 0x24, 0xe8, 0xfe, 0xff, 0xff}, r, mem));
    CHECK(r.r12 == before.rsp - 0x118);
    CHECK(r.eflags == before.eflags);
  }
  SUBCASE("mov rcx, fs:[-8] reads g from TLS") {
    mem.put64(r.fs_base - 8, 0xc000002000);
    REQUIRE(run({0x64, 0x48, 0x8b, 0x0c, 0x25, 0xf8, 0xff, 0xff, 0xff}, r, mem));
    CHECK(r.rcx == 0xc000002000);
    CHECK(r.rip == pc + 9);
  }
  SUBCASE("mov [rsp+8], rax stores") {
    r.rax = 0xfeedface;
    mem.put64(r.rsp + 8, 0);
    auto res = run({0x48, 0x89, 0x44, 0x24, 0x08}, r, mem);
    REQUIRE(res);
    CHECK(res->wrote_memory);
    CHECK(mem.get64(r.rsp + 8) == 0xfeedface);
  }
  SUBCASE("mov eax, ecx zero-extends; mov ax, cx keeps the rest") {
    r.rax = ~std::uint64_t{0};
    r.rcx = 0x1111222233334444;
    REQUIRE(run({0x89, 0xc8}, r, mem));
    CHECK(r.rax == 0x33334444);
    r.rax = ~std::uint64_t{0};
    REQUIRE(run({0x66, 0x89, 0xc8}, r, mem));
    CHECK(r.rax == 0xffffffffffff4444);
  }
  SUBCASE("xor eax, eax") {
    r.rax = 0x1234;
    REQUIRE(run({0x31, 0xc0}, r, mem));
    CHECK(r.rax == 0);
    CHECK((r.eflags & eflag::status) == (eflag::zf | eflag::pf));
  }
  SUBCASE("nops") {
    REQUIRE(run({0x90}, r, mem));
    CHECK(r.rip == pc + 1);
    REQUIRE(run({0x0f, 0x1f, 0x44, 0x00, 0x00}, r, mem));
    CHECK(r.rip == pc + 6);
    CHECK(mem.writes == 0);
  }
}

TEST_CASE("the stack check: cmp rsp, [r14+0x10] and cmp r12, [rcx+0x10]") {
  fake_memory mem;
  auto r = base_regs();
  const std::uint64_t guard_addr = r.r14 + 0x10;

  SUBCASE("plenty of stack: rsp above the guard") {
    mem.put64(guard_addr, r.rsp - 0x1000);
    REQUIRE(run({0x49, 0x3b, 0x66, 0x10}, r, mem));
    // 0xf00 - 0x(-)...: rsp - guard = 0x1000: no borrow, not zero, positive, PF: low byte 0.
    CHECK((r.eflags & eflag::status) == eflag::pf);
    CHECK(r.rip == pc + 4);
    // then `jbe` (76 xx) falls through
    REQUIRE(run({0x76, 0x10}, r, mem));
    CHECK(r.rip == pc + 6);
  }
  SUBCASE("guard above rsp: borrow, so jbe goes to morestack") {
    mem.put64(guard_addr, r.rsp + 1);
    REQUIRE(run({0x49, 0x3b, 0x66, 0x10}, r, mem));
    // rsp - (rsp+1) = all ones: CF (borrow), SF, PF (0xff has 8 bits), AF (borrow from bit 4).
    CHECK((r.eflags & eflag::status) == (eflag::cf | eflag::sf | eflag::pf | eflag::af));
    REQUIRE(run({0x76, 0x10}, r, mem));
    CHECK(r.rip == pc + 4 + 2 + 0x10);
  }
  SUBCASE("equal: ZF, jbe taken") {
    mem.put64(guard_addr, r.rsp);
    REQUIRE(run({0x49, 0x3b, 0x66, 0x10}, r, mem));
    CHECK((r.eflags & eflag::status) == (eflag::zf | eflag::pf));
  }
  SUBCASE("ABI0: cmp r12, [rcx+0x10] after mov rcx, fs:[-8]") {
    r.rcx = 0xc000002000;
    r.r12 = 0x8000000000000000;
    mem.put64(r.rcx + 0x10, 1);
    REQUIRE(run({0x4c, 0x3b, 0x61, 0x10}, r, mem));
    // 0x8000000000000000 - 1 = 0x7fff...ff: signed overflow (OF), no borrow, PF, AF.
    CHECK((r.eflags & eflag::status) == (eflag::of | eflag::pf | eflag::af));
    CHECK(r.r12 == 0x8000000000000000);  // cmp writes nothing back
  }
  SUBCASE("the other bits of eflags are kept") {
    r.eflags = 0x202 | eflag::tf | eflag::df | eflag::cf;
    mem.put64(guard_addr, 0);
    REQUIRE(run({0x49, 0x3b, 0x66, 0x10}, r, mem));
    CHECK((r.eflags & ~eflag::status) == (0x202 | eflag::tf | eflag::df));
  }
}

TEST_CASE("control transfers") {
  fake_memory mem;
  auto r = base_regs();
  const auto before = r;
  SUBCASE("jmp rel32 / rel8") {
    REQUIRE(run({0xe9, 0x00, 0x01, 0x00, 0x00}, r, mem));
    CHECK(r.rip == pc + 5 + 0x100);
    r.rip = pc;
    REQUIRE(run({0xeb, 0xfe}, r, mem));
    CHECK(r.rip == pc);
  }
  SUBCASE("call rel32 pushes the return address") {
    auto res = run({0xe8, 0xfb, 0x0f, 0x00, 0x00}, r, mem);
    REQUIRE(res);
    CHECK(res->next_pc == 0x402000);
    CHECK(r.rsp == before.rsp - 8);
    CHECK(mem.get64(r.rsp) == pc + 5);
  }
  SUBCASE("ret") {
    mem.put64(r.rsp, 0x405000);
    REQUIRE(run({0xc3}, r, mem));
    CHECK(r.rip == 0x405000);
    CHECK(r.rsp == before.rsp + 8);
  }
}

TEST_CASE("what is not emulated is left alone") {
  fake_memory mem;
  auto r = base_regs();
  const auto before = r;
  auto unchanged = [&] { CHECK(std::memcmp(&r, &before, sizeof r) == 0); };
  SUBCASE("syscall") {
    CHECK_FALSE(run({0x0f, 0x05}, r, mem));
  }
  SUBCASE("indirect call") {
    CHECK_FALSE(run({0xff, 0xd0}, r, mem));
  }
  SUBCASE("movups xmm0, [rax]") {
    CHECK_FALSE(run({0x0f, 0x10, 0x00}, r, mem));
  }
  SUBCASE("lock xadd") {
    CHECK_FALSE(run({0xf0, 0x48, 0x0f, 0xc1, 0x08}, r, mem));
  }
  SUBCASE("unreadable memory") {
    CHECK_FALSE(run({0x49, 0x3b, 0x66, 0x10}, r, mem));
  }
  SUBCASE("push that cannot write") {
    auto insn = decode({0x55});
    CHECK_FALSE(emulate(insn, r, mem.reader(), [](std::uint64_t, auto) { return false; }));
  }
  unchanged();
  CHECK(mem.writes == 0);
}

// The host is amd64 too: run the real instruction and compare every status flag.
namespace {

struct hw_op {
  const char* name;
  std::vector<std::uint8_t> code;  // op rax/eax/ax/al, rcx/ecx/cx/cl
  unsigned bits;
  std::uint64_t (*hw)(std::uint64_t, std::uint64_t);
};

// lahf puts SF ZF AF PF CF into ah; seto gives OF. No stack use, so no red-zone worries.
#define GODBG_HW(name, insn)                                                           \
  std::uint64_t name(std::uint64_t a, std::uint64_t b) {                               \
    std::uint64_t ax;                                                                  \
    asm(insn "\n\tlahf\n\tseto %%al" : "=&a"(ax), "+r"(a) : "r"(b) : "cc");            \
    return ((ax >> 8) & (eflag::sf | eflag::zf | eflag::af | eflag::pf | eflag::cf)) | \
           ((ax & 1) ? eflag::of : 0);                                                 \
  }
GODBG_HW(hw_cmp64, "cmp %2, %1")
GODBG_HW(hw_cmp32, "cmp %k2, %k1")
GODBG_HW(hw_cmp16, "cmp %w2, %w1")
GODBG_HW(hw_cmp8, "cmp %b2, %b1")
GODBG_HW(hw_sub64, "sub %2, %1")
GODBG_HW(hw_add64, "add %2, %1")
GODBG_HW(hw_add32, "add %k2, %k1")
GODBG_HW(hw_and64, "and %2, %1")
GODBG_HW(hw_xor32, "xor %k2, %k1")
GODBG_HW(hw_or8, "or %b2, %b1")
GODBG_HW(hw_test64, "test %2, %1")
#undef GODBG_HW

}  // namespace

TEST_CASE("status flags match the host CPU") {
  const std::vector<hw_op> ops = {
      {"cmp rax, rcx", {0x48, 0x39, 0xc8}, 64, hw_cmp64},
      {"cmp eax, ecx", {0x39, 0xc8}, 32, hw_cmp32},
      {"cmp ax, cx", {0x66, 0x39, 0xc8}, 16, hw_cmp16},
      {"cmp al, cl", {0x38, 0xc8}, 8, hw_cmp8},
      {"sub rax, rcx", {0x48, 0x29, 0xc8}, 64, hw_sub64},
      {"add rax, rcx", {0x48, 0x01, 0xc8}, 64, hw_add64},
      {"add eax, ecx", {0x01, 0xc8}, 32, hw_add32},
      {"and rax, rcx", {0x48, 0x21, 0xc8}, 64, hw_and64},
      {"xor eax, ecx", {0x31, 0xc8}, 32, hw_xor32},
      {"or al, cl", {0x08, 0xc8}, 8, hw_or8},
      {"test rax, rcx", {0x48, 0x85, 0xc8}, 64, hw_test64},
  };
  std::vector<std::uint64_t> interesting = {0,
                                            1,
                                            2,
                                            0xf,
                                            0x10,
                                            0x7f,
                                            0x80,
                                            0xff,
                                            0x7fff,
                                            0x8000,
                                            0xffff,
                                            0x7fffffff,
                                            0x80000000,
                                            0xffffffff,
                                            0x7fffffffffffffff,
                                            0x8000000000000000,
                                            0xffffffffffffffff,
                                            0xc000010f00};
  std::mt19937_64 rng(42);
  for (int k = 0; k < 200; ++k) interesting.push_back(rng());
  fake_memory mem;
  for (const auto& op : ops) {
    auto insn = decode(op.code);
    for (auto a : interesting)
      for (auto b : {interesting[1], interesting[5], interesting[7], interesting[15], a, ~a,
                     interesting[(a % interesting.size())]}) {
        auto r = base_regs();
        r.rax = a;
        r.rcx = b;
        r.eflags = 0x202 | eflag::status;  // all set: the emulation must clear what it should
        REQUIRE(emulate(insn, r, mem.reader(), mem.writer()));
        INFO(op.name, " a=", a, " b=", b);
        CHECK((r.eflags & eflag::status) == op.hw(a, b));
      }
  }
}

// Trampolines for conditions in the target, run natively in this process: a little function
// whose "site" jumps to the generated trampoline, the true path's int3 patched into a jump to
// an exit that says "true". So the generated code is checked by running it, not by reading it.
#include <doctest/doctest.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "arch_amd64/disassembler.hpp"
#include "arch_amd64/trampoline.hpp"
#include "common/error.hpp"

using namespace godbg;

namespace {

std::int32_t g_global = 0;  // read by absolute address

// One page: [0, 8) the counter; 64: the harness; 1024: the trampoline.
class harness {
 public:
  explicit harness(std::vector<std::uint8_t> site_insn, const tcond& cond) {
    mem_ = static_cast<std::uint8_t*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    REQUIRE(mem_ != MAP_FAILED);
    std::memset(mem_, 0xCC, 4096);
    std::memset(mem_, 0, 8);
    std::uint64_t base = reinterpret_cast<std::uint64_t>(mem_);
    std::vector<std::uint8_t> h = {
        0x53,              // push rbx
        0x57,              // push rdi: [rsp] at the site
        0x48, 0x89, 0xFB,  // mov rbx, rdi
        0x48, 0x89, 0xF0,  // mov rax, rsi
        0x31, 0xD2,        // xor edx, edx
    };
    std::size_t site_off = 64 + h.size();
    site_ = base + site_off;
    h.insert(h.end(), site_insn.begin(), site_insn.end());  // replaced by the jump below
    std::vector<std::uint8_t> after = {0x59, 0x5B, 0x48,
                                       0x89, 0xD0, 0xC3};  // pop rcx; pop rbx; mov rax, rdx; ret
    h.insert(h.end(), after.begin(), after.end());
    true_exit_ = base + 64 + h.size();
    std::vector<std::uint8_t> t = {0x59, 0x5B, 0x48, 0xC7, 0xC0,
                                   0xFF, 0xFF, 0xFF, 0xFF, 0xC3};  // rax = -1
    h.insert(h.end(), t.begin(), t.end());
    std::memcpy(mem_ + 64, h.data(), h.size());
    static const disassembler dis;
    auto insn = dis.decode_one(site_insn, site_);
    REQUIRE(insn);
    tr_ = build_trampoline(*insn, cond, base + 1024, base);
    std::memcpy(mem_ + 1024, tr_.code.data(), tr_.code.size());
    auto exit_jump = jump_rel32(base + 1024 + tr_.trap_offset, true_exit_);
    std::memcpy(mem_ + 1024 + tr_.trap_offset, exit_jump.data(), 5);
    auto j = jump_rel32(site_, base + 1024);
    std::memcpy(mem_ + site_off, j.data(), 5);
  }
  ~harness() { munmap(mem_, 4096); }
  // -1 when the condition held, else rdx as the displaced instruction left it.
  std::int64_t run(std::uint64_t a, std::uint64_t b) {
    auto fn = reinterpret_cast<std::int64_t (*)(std::uint64_t, std::uint64_t)>(mem_ + 64);
    return fn(a, b);
  }
  std::uint64_t counter() const { return *reinterpret_cast<const std::uint64_t*>(mem_); }
  std::uint64_t site() const { return site_; }

 private:
  std::uint8_t* mem_ = nullptr;
  std::uint64_t site_ = 0, true_exit_ = 0;
  trampoline tr_;
};

const std::vector<std::uint8_t> mov_edx_1 = {0xBA, 0x01, 0x00, 0x00, 0x00};

tcond cmp(tcond_value v, tcond_cmp op, std::int64_t k) {
  tcond c;
  c.what = tcond::kind::compare;
  c.value = v;
  c.op = op;
  c.k = k;
  return c;
}
tcond_value reg(int dwarf, std::uint8_t size = 8, bool is_signed = true) {
  tcond_value v;
  v.from = tcond_value::where::reg;
  v.dwarf_reg = dwarf;
  v.size = size;
  v.is_signed = is_signed;
  return v;
}
tcond join(tcond::kind k, std::vector<tcond> kids) {
  tcond c;
  c.what = k;
  c.kids = std::move(kids);
  return c;
}

}  // namespace

TEST_CASE("a register compared with a constant: false runs the instruction, true traps") {
  harness h(mov_edx_1, cmp(reg(3), tcond_cmp::eq, 5));  // rbx == 5
  CHECK(h.run(4, 0) == 1);
  CHECK(h.run(5, 0) == -1);
  CHECK(h.run(6, 0) == 1);
  CHECK(h.counter() == 3);
}

TEST_CASE("rax and rcx are read from the words the trampoline saved") {
  harness h(mov_edx_1, cmp(reg(0), tcond_cmp::ge, 10));  // rax (the 2nd argument) >= 10
  CHECK(h.run(0, 9) == 1);
  CHECK(h.run(0, 10) == -1);
  CHECK(h.run(0, ~0ull) == 1);  // signed: -1 < 10
  harness u(mov_edx_1, cmp(reg(0, 8, false), tcond_cmp::ge, 10));
  CHECK(u.run(0, ~0ull) == -1);  // unsigned: huge
}

TEST_CASE("sizes and signedness: only the low bytes count, extended as the type says") {
  harness s4(mov_edx_1, cmp(reg(3, 4, true), tcond_cmp::lt, 0));
  CHECK(s4.run(0xFFFFFFFFull, 0) == -1);      // int32(-1) < 0
  CHECK(s4.run(0x1234500000001ull, 0) == 1);  // high bytes ignored
  harness u1(mov_edx_1, cmp(reg(3, 1, false), tcond_cmp::eq, 255));
  CHECK(u1.run(0x77FF, 0) == -1);
  CHECK(u1.run(0x77FE, 0) == 1);
  harness s2(mov_edx_1, cmp(reg(3, 2, true), tcond_cmp::eq, -2));
  CHECK(s2.run(0xFFFE, 0) == -1);
}

TEST_CASE("a stack slot and a global at a fixed address") {
  tcond_value slot;
  slot.from = tcond_value::where::stack;
  slot.offset = 0;  // [rsp] at the site: the pushed first argument
  harness h(mov_edx_1, cmp(slot, tcond_cmp::eq, 7));
  CHECK(h.run(7, 0) == -1);
  CHECK(h.run(8, 0) == 1);
  tcond_value g;
  g.from = tcond_value::where::absolute;
  g.address = reinterpret_cast<std::uint64_t>(&g_global);
  g.size = 4;
  harness hg(mov_edx_1, cmp(g, tcond_cmp::eq, 42));
  g_global = 41;
  CHECK(hg.run(0, 0) == 1);
  g_global = 42;
  CHECK(hg.run(0, 0) == -1);
}

TEST_CASE("&&, || and ! short-circuit as jump chains") {
  auto a = cmp(reg(3), tcond_cmp::gt, 1), b = cmp(reg(0), tcond_cmp::lt, 5);
  harness both(mov_edx_1, join(tcond::kind::all, {a, b}));
  CHECK(both.run(2, 4) == -1);
  CHECK(both.run(2, 5) == 1);
  CHECK(both.run(1, 4) == 1);
  harness either(mov_edx_1, join(tcond::kind::any, {a, b}));
  CHECK(either.run(0, 9) == 1);
  CHECK(either.run(2, 9) == -1);
  CHECK(either.run(0, 4) == -1);
  harness neither(mov_edx_1, join(tcond::kind::negate, {join(tcond::kind::any, {a, b})}));
  CHECK(neither.run(0, 9) == -1);
  CHECK(neither.run(2, 9) == 1);
  tcond yes;
  yes.what = tcond::kind::constant;
  yes.constant = true;
  harness always(mov_edx_1, yes);
  CHECK(always.run(0, 0) == -1);
  tcond truth;
  truth.what = tcond::kind::truth;
  truth.value = reg(3, 1, false);
  harness flag(mov_edx_1, truth);
  CHECK(flag.run(0x100, 0) == 1);  // a bool is its low byte
  CHECK(flag.run(1, 0) == -1);
}

TEST_CASE("a RIP-relative instruction runs relocated and reaches the same address") {
  // lea rdx, [rip+0x100]: the displaced instruction's result is the address it computed.
  std::vector<std::uint8_t> lea = {0x48, 0x8D, 0x15, 0x00, 0x01, 0x00, 0x00};
  harness h(lea, cmp(reg(3), tcond_cmp::eq, 1));
  CHECK(std::uint64_t(h.run(0, 0)) == h.site() + 7 + 0x100);
}

TEST_CASE("instructions that cannot run elsewhere are refused") {
  static const disassembler dis;
  tcond c = cmp(reg(3), tcond_cmp::eq, 1);
  auto refuse = [&](std::vector<std::uint8_t> bytes) {
    auto insn = dis.decode_one(bytes, 0x401000);
    REQUIRE(insn);
    CHECK_THROWS_AS(build_trampoline(*insn, c, 0x500000, 0x4ff000), error);
  };
  refuse({0xE8, 0x10, 0x00, 0x00, 0x00});        // call rel32
  refuse({0x0F, 0x84, 0x10, 0x00, 0x00, 0x00});  // je rel32
  refuse({0xE9, 0x10, 0x00, 0x00, 0x00});        // jmp rel32
  refuse({0x48, 0x85, 0xC0});                    // test rax, rax: 3 bytes, no room
  refuse({0x0F, 0x05});                          // syscall
}

TEST_CASE("a RIP-relative operand out of reach and a counter out of reach are refused") {
  static const disassembler dis;
  std::vector<std::uint8_t> mov = {0x48, 0x8B, 0x05, 0x00, 0x00, 0x00, 0x00};
  auto insn = dis.decode_one(mov, 0x401000);
  REQUIRE(insn);
  CHECK_NOTHROW(relocate_instruction(*insn, 0x402000));
  CHECK_THROWS_AS(relocate_instruction(*insn, 0x401000 + (5ull << 30)), error);
  tcond c = cmp(reg(3), tcond_cmp::eq, 1);
  CHECK_THROWS_AS(build_trampoline(*insn, c, 0x402000, 0x402000 + (5ull << 30)), error);
}

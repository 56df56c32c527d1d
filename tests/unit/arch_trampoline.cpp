// Trampolines for conditions in the target, run natively in this process: a little function
// whose "site" jumps to the generated trampoline, the true path's int3 patched into a jump to
// an exit that says "true". So the generated code is checked by running it, not by reading it.
#include <doctest/doctest.h>
#include <sys/mman.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <thread>
#include <vector>

#include "arch_amd64/disassembler.hpp"
#include "arch_amd64/trace_ring.hpp"
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

// ---- Tracing trampolines: records written into a ring, read back with ready_hits ----

namespace {

constexpr std::int32_t fake_goid_offset = 152, fake_m_offset = 48, fake_procid_offset = 72;

// One mapping: [0, 8) the counter; 64: the harness; 1024: the trampoline; 4096: the ring.
// The harness is f(rbx, rax, g): r14 = g as in Go ABIInternal code, [rsp] at the site = rbx.
class trace_harness {
 public:
  trace_harness(std::uint32_t capacity, const tcond* cond, std::vector<tcond_value> args)
      : capacity_(capacity), bytes_(4096 + trace_ring_bytes(capacity)) {
    mem_ = static_cast<std::uint8_t*>(mmap(nullptr, bytes_, PROT_READ | PROT_WRITE | PROT_EXEC,
                                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    REQUIRE(mem_ != MAP_FAILED);
    std::memset(mem_, 0xCC, 4096);
    std::memset(mem_, 0, 8);
    std::uint64_t base = reinterpret_cast<std::uint64_t>(mem_);
    std::vector<std::uint8_t> h = {
        0x53, 0x41, 0x56, 0x57,  // push rbx; push r14; push rdi
        0x48, 0x89, 0xFB,        // mov rbx, rdi
        0x48, 0x89, 0xF0,        // mov rax, rsi
        0x49, 0x89, 0xD6,        // mov r14, rdx
        0x31, 0xD2,              // xor edx, edx
    };
    std::size_t site_off = 64 + h.size();
    // push_back, not insert: g++ 12 warns falsely (-Warray-bounds) on inserting here.
    for (auto b : mov_edx_1) h.push_back(b);
    for (std::uint8_t b : {0x59, 0x41, 0x5E, 0x5B, 0x48, 0x89, 0xD0, 0xC3})  // pop rcx, r14, rbx
      h.push_back(b);                                                        // mov rax, rdx; ret
    std::memcpy(mem_ + 64, h.data(), h.size());
    static const disassembler dis;
    auto insn = dis.decode_one(mov_edx_1, base + site_off);
    REQUIRE(insn);
    auto tr = build_trace_trampoline(*insn, cond, args, base + 1024, base, base + 4096, capacity,
                                     {fake_goid_offset, fake_m_offset, fake_procid_offset});
    REQUIRE(tr.code.size() < 3072);
    std::memcpy(mem_ + 1024, tr.code.data(), tr.code.size());
    auto j = jump_rel32(base + site_off, base + 1024);
    std::memcpy(mem_ + site_off, j.data(), 5);
  }
  ~trace_harness() { munmap(mem_, bytes_); }
  std::int64_t run(std::uint64_t a, std::uint64_t b, const void* g) const {
    auto fn =
        reinterpret_cast<std::int64_t (*)(std::uint64_t, std::uint64_t, const void*)>(mem_ + 64);
    return fn(a, b, g);
  }
  std::atomic_ref<std::uint64_t> word(std::uint32_t off) const {
    return std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t*>(mem_ + 4096 + off));
  }
  std::uint64_t counter() const { return *reinterpret_cast<const std::uint64_t*>(mem_); }
  // The reader's discipline: a first snapshot says how many records are ready; a second one,
  // taken after, holds them complete (each was whole before its seq, and no writer reuses a
  // slot until the tail passes it). Then the tail is published.
  std::vector<trace_hit> drain() const {
    std::span<const std::uint8_t> area(mem_ + 4096 + trace_header_size,
                                       std::size_t(capacity_) * trace_record_size);
    std::uint64_t tail = word(trace_tail_offset).load();
    std::vector<std::uint8_t> first(area.begin(), area.end());
    std::size_t n = ready_hits(first, capacity_, tail).size();
    std::vector<std::uint8_t> second(area.begin(), area.end());
    auto hits = ready_hits(second, capacity_, tail);
    hits.resize(std::min(n, hits.size()));
    word(trace_tail_offset).store(tail + hits.size());
    return hits;
  }

 private:
  std::uint32_t capacity_;
  std::size_t bytes_;
  std::uint8_t* mem_ = nullptr;
};

struct fake_m {
  std::uint8_t pad[fake_procid_offset] = {};
  std::uint64_t procid = 0;
};

struct fake_g {
  std::uint8_t pad[fake_m_offset] = {};
  const fake_m* m = nullptr;  // none: the record says thread 0
  std::uint8_t pad2[fake_goid_offset - fake_m_offset - 8] = {};
  std::int64_t goid = 0;
};
static_assert(offsetof(fake_g, m) == fake_m_offset && offsetof(fake_g, goid) == fake_goid_offset);

tcond_value slot0() {
  tcond_value v;
  v.from = tcond_value::where::stack;
  v.offset = 0;
  return v;
}

}  // namespace

TEST_CASE("a tracing trampoline records time, goid and arguments, and runs the instruction") {
  g_global = 77;
  tcond_value glob;
  glob.from = tcond_value::where::absolute;
  glob.address = reinterpret_cast<std::uint64_t>(&g_global);
  glob.size = 4;
  trace_harness h(8, nullptr, {reg(3), reg(1), slot0(), glob});  // rbx rdx [rsp] global
  fake_m m;
  m.procid = 31337;
  fake_g g;
  g.goid = 4242;
  g.m = &m;
  for (std::uint64_t i = 0; i < 5; ++i) CHECK(h.run(i, 100 + i, &g) == 1);
  CHECK(h.counter() == 5);
  auto hits = h.drain();
  REQUIRE(hits.size() == 5);
  for (std::uint64_t i = 0; i < 5; ++i) {
    CHECK(hits[i].index == i);
    CHECK(hits[i].goid == 4242);
    CHECK(hits[i].tid == 31337);
    CHECK(hits[i].args[0] == i);
    CHECK(hits[i].args[1] == 0);  // rdx at the site, from its saved word
    CHECK(hits[i].args[2] == i);
    CHECK(hits[i].args[3] == 77);
    if (i) CHECK(hits[i].tsc >= hits[i - 1].tsc);
  }
  CHECK(h.word(trace_dropped_offset).load() == 0);
  CHECK(h.drain().empty());
}

TEST_CASE("a full ring counts drops, consumes no index, and records again once drained") {
  trace_harness h(4, nullptr, {reg(3)});
  fake_g g;
  for (std::uint64_t i = 0; i < 10; ++i) h.run(i, 0, &g);
  CHECK(h.word(trace_head_offset).load() == 4);
  CHECK(h.word(trace_dropped_offset).load() == 6);
  auto a = h.drain();
  REQUIRE(a.size() == 4);
  CHECK(a[3].args[0] == 3);
  CHECK(a[3].tid == 0);  // a g without an M
  for (std::uint64_t i = 10; i < 13; ++i) h.run(i, 0, &g);
  auto b = h.drain();
  REQUIRE(b.size() == 3);
  CHECK(b[0].index == 4);
  CHECK(b[0].args[0] == 10);
  CHECK(h.word(trace_dropped_offset).load() == 6);
}

TEST_CASE("a condition first: only true calls are recorded, every call is counted") {
  tcond c = cmp(reg(3), tcond_cmp::eq, 2);
  trace_harness h(16, &c, {reg(3)});
  fake_g g;
  for (std::uint64_t i = 0; i < 6; ++i) CHECK(h.run(i % 3, 0, &g) == 1);
  CHECK(h.counter() == 6);
  auto hits = h.drain();
  REQUIRE(hits.size() == 2);
  CHECK(hits[0].args[0] == 2);
  CHECK(hits[1].args[0] == 2);
}

TEST_CASE("8 threads on one site with a reader draining: recorded + dropped == calls") {
  trace_harness h(1024, nullptr, {reg(3), reg(0)});
  constexpr int threads = 8, calls = 50000;
  std::atomic<bool> stop{false};
  std::map<std::int64_t, std::uint64_t> per_goid;
  std::uint64_t read = 0, bad = 0, expect = 0;
  std::thread reader([&] {
    while (true) {
      bool last = stop.load();
      for (auto& hit : h.drain()) {
        ++per_goid[hit.goid];
        if (hit.index != expect++ || hit.args[1] != hit.args[0] * 3) ++bad;
        ++read;
      }
      if (last) break;
    }
  });
  std::vector<std::thread> ws;
  std::vector<fake_g> gs(threads);
  for (int t = 0; t < threads; ++t) {
    gs[std::size_t(t)].goid = t + 1;
    ws.emplace_back([&, t] {
      for (std::uint64_t i = 0; i < calls; ++i) h.run(i, i * 3, &gs[std::size_t(t)]);
    });
  }
  for (auto& w : ws) w.join();
  stop = true;
  reader.join();
  CHECK(bad == 0);
  CHECK(h.counter() == std::uint64_t(threads) * calls);
  CHECK(read + h.word(trace_dropped_offset).load() == std::uint64_t(threads) * calls);
  CHECK(h.word(trace_head_offset).load() == read);
  for (auto& [goid, n] : per_goid) CHECK((goid >= 1 && goid <= threads && n <= calls));
}

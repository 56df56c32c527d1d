#include <doctest/doctest.h>

#include <cstring>
#include <map>

#include "arch_amd64/frame_pointer_unwind.hpp"
#include "arch_amd64/g_register.hpp"

using namespace godbg;

namespace {

// A sparse fake stack: 8-byte words by address.
struct fake_stack {
  std::map<std::uint64_t, std::uint64_t> words;
  bool read(std::uint64_t addr, std::span<std::uint8_t> out) const {
    for (std::size_t k = 0; k < out.size(); k += 8) {
      auto it = words.find(addr + k);
      if (it == words.end()) return false;
      std::memcpy(out.data() + k, &it->second, std::min<std::size_t>(8, out.size() - k));
    }
    return true;
  }
  read_memory_fn reader() const {
    return [this](std::uint64_t a, std::span<std::uint8_t> o) { return read(a, o); };
  }
};

}  // namespace

TEST_CASE("walking an rbp chain to its end") {
  // main.f (pc 0x401100) <- main.main (0x401200) <- runtime.main (0x401300) <- goexit (fp 0)
  fake_stack s;
  s.words[0xc000100] = 0xc000140;
  s.words[0xc000108] = 0x401200;
  s.words[0xc000140] = 0xc000180;
  s.words[0xc000148] = 0x401300;
  s.words[0xc000180] = 0;
  s.words[0xc000188] = 0x401400;
  auto frames = unwind_frame_pointers(0x401100, 0xc0000f0, 0xc000100, s.reader());
  REQUIRE(frames.size() == 4);
  CHECK(frames[0] == frame{0x401100, 0xc0000f0, 0xc000100});
  CHECK(frames[1] == frame{0x401200, 0xc000110, 0xc000140});
  CHECK(frames[2] == frame{0x401300, 0xc000150, 0xc000180});
  CHECK(frames[3] == frame{0x401400, 0xc000190, 0});
}

TEST_CASE("unwinding stops on a bad chain") {
  fake_stack s;
  SUBCASE("fp going down") {
    s.words[0xc000100] = 0xc000080;
    s.words[0xc000108] = 0x401200;
    s.words[0xc000080] = 0xc000200;
    s.words[0xc000088] = 0x401300;
    CHECK(unwind_frame_pointers(0x401100, 0xc0000f0, 0xc000100, s.reader()).size() == 2);
  }
  SUBCASE("fp loop") {
    s.words[0xc000100] = 0xc000100;
    s.words[0xc000108] = 0x401200;
    CHECK(unwind_frame_pointers(0x401100, 0xc0000f0, 0xc000100, s.reader()).size() == 2);
  }
  SUBCASE("unreadable memory") {
    s.words[0xc000100] = 0xdead000;
    s.words[0xc000108] = 0x401200;
    CHECK(unwind_frame_pointers(0x401100, 0xc0000f0, 0xc000100, s.reader()).size() == 2);
  }
  SUBCASE("zero return address") {
    s.words[0xc000100] = 0xc000200;
    s.words[0xc000108] = 0;
    CHECK(unwind_frame_pointers(0x401100, 0xc0000f0, 0xc000100, s.reader()).size() == 1);
  }
  SUBCASE("fp 0 at the start") {
    CHECK(unwind_frame_pointers(0x401100, 0xc0000f0, 0, s.reader()).size() == 1);
  }
  SUBCASE("max frames") {
    for (std::uint64_t k = 0; k < 100; ++k) {
      s.words[0xc000000 + k * 0x20] = 0xc000000 + (k + 1) * 0x20;
      s.words[0xc000008 + k * 0x20] = 0x401000 + k;
    }
    CHECK(unwind_frame_pointers(0x400000, 0xbfffff0, 0xc000000, s.reader(), 10).size() == 10);
    CHECK(unwind_frame_pointers(0x400000, 0xbfffff0, 0xc000000, s.reader(), 0).empty());
  }
}

TEST_CASE("g lives at fs_base-8") {
  user_regs_struct regs{};
  regs.fs_base = 0x7f0000001000;
  regs.r14 = 0xc000002000;
  CHECK(g_tls_address(regs) == 0x7f0000000ff8);
  CHECK(g_register_abi_internal(regs) == 0xc000002000);
}

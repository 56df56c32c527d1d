// Corrupt DWARF must degrade (warnings, partial answers), never crash or hang.
#include <doctest/doctest.h>
#include <elf.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "common/error.hpp"
#include "demo_paths.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_types.hpp"
#include "dwarf/dwarf_variables.hpp"

using namespace godbg;
namespace fs = std::filesystem;

namespace {

std::vector<char> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void spit(const fs::path& p, const std::vector<char>& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(b.data(), std::streamsize(b.size()));
}

// File offset and size of a section, by name.
std::pair<std::uint64_t, std::uint64_t> section(const std::vector<char>& f, std::string_view name) {
  Elf64_Ehdr eh;
  std::memcpy(&eh, f.data(), sizeof eh);
  auto shdr = [&](int i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, f.data() + eh.e_shoff + std::uint64_t(i) * eh.e_shentsize, sizeof sh);
    return sh;
  };
  Elf64_Shdr strtab = shdr(eh.e_shstrndx);
  for (int i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh = shdr(i);
    if (name == f.data() + strtab.sh_offset + sh.sh_name) return {sh.sh_offset, sh.sh_size};
  }
  return {0, 0};
}

// Every query, none of which may crash; godbg::error is an allowed answer.
void exercise(const std::string& path) {
  std::unique_ptr<dwarf_info> info;
  try {
    info = dwarf_info::open(path);
  } catch (const error&) {
    return;
  }
  if (!info) return;
  auto guard = [](auto&& f) {
    try {
      f();
    } catch (const error&) {
    }
  };
  guard([&] { (void)info->version(); });
  guard([&] {
    for (auto& f : info->functions()) {
      (void)info->line_at(f.low);
      (void)info->body_start(f);
      (void)info->cfa_at(f.low + 4);
    }
  });
  guard([&] {
    if (auto f = info->function_by_name("main.main")) {
      for (auto pc = f->low; pc < f->high; pc += 7) {
        (void)info->function_at(pc);
        (void)info->inlined_at(pc);
        (void)info->locals_at(pc);
      }
    }
  });
  guard([&] { (void)info->pcs_for_line("main.go", 60); });
  guard([&] { (void)info->field_offset("runtime.g", "goid"); });
  guard([&] { (void)info->type_size("runtime.m"); });
  for (const char* g : {"main.Counter", "main.Origin", "main.Primes", "main.Ages"})
    guard([&] { (void)info->global_variable(g); });
  guard([&] { (void)info->type_by_name("runtime.g"); });
  (void)info->warnings();
}

}  // namespace

TEST_CASE("corrupt: flipped bytes in .debug_info do not crash") {
  fs::path dir = fs::temp_directory_path() / ("godbg_corrupt_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    fs::path src = test::demo(go, "normal", "waiters");
    fs::path plain = dir / (go + "_plain");
    // Uncompressed sections, so that flips hit DIEs rather than just failing zlib.
    std::string cmd = "objcopy --decompress-debug-sections '" + src.string() + "' '" +
                      plain.string() + "' 2>/dev/null";
    bool decompressed = std::system(cmd.c_str()) == 0;
    auto original = slurp(decompressed ? plain : src);
    auto [off, size] = section(original, ".debug_info");
    REQUIRE(size > 0);
    std::mt19937_64 rng(1234);
    for (int round = 0; round < 12; ++round) {
      CAPTURE(round);
      auto bytes = original;
      int flips = round < 6 ? 8 : 200;
      for (int i = 0; i < flips; ++i) {
        std::uint64_t at = off + rng() % size;
        bytes[at] = char(rng());
      }
      fs::path bad = dir / (go + "_bad");
      spit(bad, bytes);
      exercise(bad.string());
    }
    // Truncated DWARF: the section cut in half (zeros past the middle).
    auto bytes = original;
    std::memset(bytes.data() + off + size / 2, 0, size - size / 2);
    spit(dir / "cut", bytes);
    exercise((dir / "cut").string());
  }
  fs::remove_all(dir);
  CHECK(true);
}

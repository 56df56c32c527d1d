// DWARF and .gopclntab read from the same real binaries must agree: every function's entry, and
// the line of every is_stmt row start of a sample of functions. Both Go versions (DWARF 4 and 5),
// normal and PIE builds.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "demo_paths.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/elf_file.hpp"
#include "dwarf/gopclntab.hpp"

using namespace godbg;

namespace {

struct opened {
  std::unique_ptr<elf_file> f;
  std::unique_ptr<gopclntab> tab;
  std::unique_ptr<dwarf_info> dw;
};

opened open_all(const std::string& path) {
  opened o;
  o.f = elf_file::open(path);
  o.tab = gopclntab::load(*o.f);
  o.dw = dwarf_info::open(path);
  REQUIRE(o.tab != nullptr);
  REQUIRE(o.dw != nullptr);
  return o;
}

struct build {
  std::string go, variant, demo;
};

std::vector<build> builds() {
  std::vector<build> out;
  for (const auto& go : test::go_versions())
    for (const char* v : {"normal", "pie"})
      for (const char* d : {"hello", "waiters"}) out.push_back({go, v, d});
  return out;
}

}  // namespace

TEST_CASE("agree: both Go versions were built") {
  REQUIRE(test::go_versions().size() >= 2);
}

TEST_CASE("agree: every function's entry is the same in DWARF and .gopclntab") {
  for (const auto& b : builds()) {
    CAPTURE(b.go);
    CAPTURE(b.variant);
    CAPTURE(b.demo);
    auto o = open_all(test::demo(b.go, b.variant, b.demo));
    std::size_t compared = 0, only_dwarf = 0;
    std::vector<std::string> mismatches;
    for (const auto& f : o.dw->functions()) {
      auto g = o.tab->func_by_name(f.name);
      if (!g) {
        ++only_dwarf;
        continue;
      }
      ++compared;
      // The function the pclntab has at the DWARF entry starts there and has the same name.
      // (Not func_by_name: an ABI wrapper and its function share one name in the pclntab.)
      auto at = o.tab->func_at(f.low);
      if (!at || at->entry != f.low || at->name != g->name)
        mismatches.push_back(fmt::format("{}: dwarf entry {:#x}, pclntab has {} at {:#x}", f.name,
                                         f.low.value(), at ? at->name : std::string("nothing"),
                                         at ? at->entry.value() : 0));
      // And by name: one of the functions of that name starts at the DWARF entry.
      if (g->entry != f.low && !(at && at->entry == f.low && at->name == g->name))
        mismatches.push_back(
            fmt::format("{}: dwarf {:#x} pclntab {:#x}", f.name, f.low.value(), g->entry.value()));
    }
    CAPTURE(only_dwarf);
    CHECK(compared > 1000);
    CHECK(only_dwarf * 20 < compared);  // almost every DWARF function is in the pclntab
    std::string first = mismatches.empty() ? "" : mismatches.front();
    CAPTURE(first);
    CHECK(mismatches.empty());
  }
}

TEST_CASE("agree: lines at is_stmt rows are the same in DWARF and .gopclntab") {
  for (const auto& b : builds()) {
    CAPTURE(b.go);
    CAPTURE(b.variant);
    CAPTURE(b.demo);
    auto o = open_all(test::demo(b.go, b.variant, b.demo));
    auto fns = o.dw->functions();
    REQUIRE(!fns.empty());
    std::size_t rows = 0, agree = 0;
    std::vector<std::string> mismatches;
    // A sample spread over the whole text: every 25th function, and every main.* one.
    for (std::size_t i = 0; i < fns.size(); ++i) {
      const auto& f = fns[i];
      if (i % 25 != 0 && !f.name.starts_with("main.")) continue;
      if (f.high.value() - f.low.value() > 64 * 1024) continue;
      for (std::uint64_t pc = f.low.value(); pc < f.high.value(); ++pc) {
        auto row = o.dw->line_at(file_addr(pc));
        if (!row || row->addr.value() != pc || !row->is_stmt) continue;
        ++rows;
        auto l = o.tab->line_at(file_addr(pc));
        if (l && l->line == row->line && l->file == row->file)
          ++agree;
        else if (mismatches.size() < 5)
          mismatches.push_back(fmt::format("{} {:#x}: dwarf {}:{} pclntab {}:{}", f.name, pc,
                                           row->file, row->line, l ? l->file : "-",
                                           l ? l->line : 0));
      }
    }
    CAPTURE(rows);
    CAPTURE(agree);
    std::string first = mismatches.empty() ? "" : fmt::format("{}", fmt::join(mismatches, "; "));
    CAPTURE(first);
    CHECK(rows > 500);
    CHECK(agree == rows);
  }
}

TEST_CASE("agree: main.main has the same line starts for the same source lines") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto o = open_all(test::demo(go, "normal", "waiters"));
    for (int line : {66, 69, 70, 71}) {
      CAPTURE(line);
      auto d = o.dw->pcs_for_line("waiters/main.go", line);
      auto p = o.tab->pcs_for_line("waiters/main.go", line);
      REQUIRE(!d.empty());
      REQUIRE(!p.empty());
      // The first statement of the line is where both put its first instruction.
      CHECK(std::find(p.begin(), p.end(), d.front()) != p.end());
    }
  }
}

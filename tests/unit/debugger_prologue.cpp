// Where a function's first stop goes (stepping/prologue.hpp): on every function of the demos
// with a stack check, on its func line past the check, at the pc of DWARF's prologue_end row
// (Delve's stop) though found in the code, stripped builds included; and the rules stepping
// follows for names.
#include <doctest/doctest.h>

#include <algorithm>

#include "debugger/stepping/prologue.hpp"
#include "debugger/stepping/step_rules.hpp"
#include "demo_paths.hpp"
#include "dwarf/binary.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/gopclntab.hpp"

using namespace godbg;

TEST_CASE("first_pc_after_prologue: past the stack check, at prologue_end; stripped agrees") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto bin = binary::open(test::demo(go, "normal", "waiters"));
    auto stripped = binary::open(test::demo(go, "stripped", "waiters"));
    REQUIRE(bin->pclntab());
    REQUIRE(bin->dwarf());
    REQUIRE_FALSE(stripped->dwarf());
    std::size_t checked = 0, off_line = 0, before_check = 0, stripped_other_line = 0;
    std::size_t with_row = 0, not_at_row = 0;
    bin->pclntab()->for_each_func([&](const go_func& gf) {
      auto f = bin->function_by_name(gf.name);
      if (!f || f->entry != gf.entry || f->is_asm) return;
      auto code = bin->elf().bytes_at(f->entry, 8);
      // cmp rsp, [r14+16] (49 3b 66 10) or lea r12, [rsp-N] (4c 8d 64 24): a stack check.
      auto is = [&](std::initializer_list<std::uint8_t> want) {
        return code && code->size() >= want.size() &&
               std::equal(want.begin(), want.end(), code->begin());
      };
      if (!is({0x49, 0x3b, 0x66, 0x10}) && !is({0x4c, 0x8d, 0x64, 0x24})) return;
      ++checked;
      auto pc = first_pc_after_prologue(*bin, *f);
      auto line = bin->line_at(pc), entry = bin->line_at(f->entry);
      if (!line || !entry || line->line != entry->line) ++off_line;
      if (pc.value() < f->entry.value() + 6) ++before_check;
      for (const auto& r : bin->dwarf()->line_rows(f->entry, f->end))
        if (r.prologue_end) {
          ++with_row;
          if (r.addr != pc) ++not_at_row;
          break;
        }
      auto sf = stripped->function_by_name(gf.name);
      if (sf) {
        auto spc = first_pc_after_prologue(*stripped, *sf);
        auto sline = stripped->line_at(spc);
        if (!sline || sline->line != entry->line) ++stripped_other_line;
      }
    });
    CHECK(checked > 500);
    CHECK(off_line == 0);
    CHECK(before_check == 0);
    CHECK(with_row > 500);
    CHECK(not_at_row == 0);
    CHECK(stripped_other_line == 0);
  }
}

TEST_CASE("stepping rules: private runtime, base names, range parents") {
  CHECK(private_runtime("runtime.gopanic"));
  CHECK(private_runtime("runtime.(*m).x"));
  CHECK_FALSE(private_runtime("runtime.Gosched"));
  CHECK_FALSE(private_runtime("internal/runtime/atomic.(*Uint32).Load"));
  CHECK_FALSE(private_runtime("main.main"));
  CHECK(base_name("main.(*rect).area") == "area");
  CHECK(base_name("main.rect.area-fm") == "area-fm");
  CHECK(base_name("main.(*stack[go.shape.string]).push") == "push");
  CHECK(base_name("github.com/a/b.c.F") == "F");
  CHECK(range_parent("main.f-range1") == std::optional<std::string>("main.f"));
  CHECK(range_parent("main.f-range1-range2") == std::optional<std::string>("main.f"));
  CHECK(range_parent("main.f") == std::nullopt);
  CHECK(range_parent("main.f-rangex") == std::nullopt);
}

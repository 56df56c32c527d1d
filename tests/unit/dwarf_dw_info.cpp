// dwarf_info on the demo binaries: lines, functions, body_start, struct layouts, CFI.
#include <doctest/doctest.h>

#include <chrono>

#include "common/error.hpp"
#include "demo_paths.hpp"
#include "dwarf/dwarf_info.hpp"

using namespace godbg;

namespace {

struct build {
  std::string go, variant;
};

std::vector<build> builds() {
  std::vector<build> out;
  for (const auto& go : test::go_versions())
    for (const char* v : {"normal", "pie"}) out.push_back({go, v});
  return out;
}

std::unique_ptr<dwarf_info> open_demo(const build& b, const std::string& name) {
  auto info = dwarf_info::open(test::demo(b.go, b.variant, name));
  REQUIRE(info != nullptr);
  return info;
}

}  // namespace

TEST_CASE("dwarf_info: builds exist") {
  REQUIRE(builds().size() >= 2);
}

TEST_CASE("dwarf_info: version follows the toolchain") {
  for (const auto& b : builds()) {
    CAPTURE(b.go);
    auto info = open_demo(b, "hello");
    if (b.go.starts_with("go1.19"))
      CHECK(info->version() == 4);
    else
      CHECK(info->version() == 5);
    CHECK(info->producer().find(b.go) != std::string::npos);
    CHECK(info->warnings().empty());
  }
}

TEST_CASE("dwarf_info: stripped binaries have no DWARF") {
  for (const auto& go : test::go_versions())
    CHECK(dwarf_info::open(test::demo(go, "stripped", "hello")) == nullptr);
}

TEST_CASE("dwarf_info: functions by name and by pc agree") {
  for (const auto& b : builds()) {
    CAPTURE(b.go);
    CAPTURE(b.variant);
    auto info = open_demo(b, "hello");
    auto f = info->function_by_name("main.main");
    REQUIRE(f);
    CHECK(f->name == "main.main");
    CHECK(f->low < f->high);
    auto g = info->function_at(f->low + 3);
    REQUIRE(g);
    CHECK(g->name == "main.main");
    CHECK(g->low == f->low);
    CHECK_FALSE(info->function_at(file_addr(0x10)));
    CHECK(info->function_by_name("runtime.schedinit"));
    CHECK(info->function_by_name("runtime.main.abi0"));  // ".abi0" is accepted
    CHECK_FALSE(info->function_by_name("main.nosuch"));
    CHECK(info->functions().size() > 500);
  }
}

TEST_CASE("dwarf_info: line_at and pcs_for_line agree") {
  for (const auto& b : builds()) {
    CAPTURE(b.go);
    CAPTURE(b.variant);
    auto info = open_demo(b, "hello");
    auto f = info->function_by_name("main.main");
    REQUIRE(f);
    auto pcs = info->pcs_for_line("main.go", 6);
    REQUIRE_FALSE(pcs.empty());
    bool inside = false;
    for (auto pc : pcs) {
      auto ln = info->line_at(pc);
      REQUIRE(ln);
      CHECK(ln->line == 6);
      CHECK(ln->file.ends_with("/demos/hello/main.go"));
      CHECK(ln->is_stmt);
      inside |= pc >= f->low && pc < f->high;
    }
    CHECK(inside);
    // The same through the absolute path and a longer suffix.
    auto abs = info->resolve_file("hello/main.go");
    REQUIRE(abs);
    CHECK(info->pcs_for_line(*abs, 6) == pcs);
    auto entry = info->line_at(f->low);
    REQUIRE(entry);
    CHECK(entry->line == 5);
    CHECK(entry->addr == f->low);
    CHECK(info->pcs_for_line("main.go", 1000).empty());
    CHECK(info->pcs_for_line("nosuchfile.go", 6).empty());
    auto files = info->files();
    CHECK(std::find(files.begin(), files.end(), *abs) != files.end());
  }
}

TEST_CASE("dwarf_info: an ambiguous file name is an error") {
  auto b = builds().front();
  auto info = open_demo(b, "hello");
  // Many runtime files are called e.g. "type.go" in several packages.
  CHECK_THROWS(info->pcs_for_line("type.go", 1));
}

TEST_CASE("dwarf_info: body_start is past the stack-check prologue") {
  for (const auto& b : builds()) {
    CAPTURE(b.go);
    CAPTURE(b.variant);
    auto info = open_demo(b, "hello");
    auto f = info->function_by_name("main.main");
    REQUIRE(f);
    auto body = info->body_start(*f);
    REQUIRE(body);
    CHECK(*body > f->low);
    CHECK(*body < f->high);
    auto ln = info->line_at(*body);
    REQUIRE(ln);
    CHECK((ln->line == 5 || ln->line == 6));
  }
}

TEST_CASE("dwarf_info: inlined calls") {
  for (const auto& b : builds()) {
    CAPTURE(b.go);
    auto info = open_demo(b, "waiters");
    auto f = info->function_by_name("main.main");
    REQUIRE(f);
    // mu.Lock() on line 58 is inlined into main.main.
    bool found = false;
    for (auto pc = f->low; pc < f->high && !found; pc += 1) {
      auto chain = info->inlined_at(pc);
      if (chain.empty()) continue;
      const auto& outer = chain.back();
      if (outer.function == "sync.(*Mutex).Lock") {
        found = true;
        CHECK(outer.call_line == 58);
        CHECK(outer.call_file.ends_with("/demos/waiters/main.go"));
      }
    }
    CHECK(found);
  }
}

TEST_CASE("dwarf_info: runtime struct layouts") {
  for (const auto& b : builds()) {
    CAPTURE(b.go);
    CAPTURE(b.variant);
    auto info = open_demo(b, "hello");
    auto gsize = info->type_size("runtime.g");
    REQUIRE(gsize);
    CHECK(*gsize > 200);
    for (const char* field : {"goid", "atomicstatus", "sched", "m", "stack"}) {
      CAPTURE(field);
      auto off = info->field_offset("runtime.g", field);
      REQUIRE(off);
      CHECK(*off < *gsize);
    }
    CHECK(info->field_offset("runtime.g", "stack") == std::optional<std::uint64_t>(0));
    CHECK(info->field_offset("runtime.gobuf", "sp") == std::optional<std::uint64_t>(0));
    CHECK(info->field_offset("runtime.gobuf", "pc") == std::optional<std::uint64_t>(8));
    auto msize = info->type_size("runtime.m");
    REQUIRE(msize);
    for (const char* field : {"procid", "curg", "g0"}) {
      CAPTURE(field);
      auto off = info->field_offset("runtime.m", field);
      REQUIRE(off);
      CHECK(*off < *msize);
      CHECK(*off % 8 == 0);
    }
    CHECK_FALSE(info->field_offset("runtime.g", "nosuchfield"));
    CHECK_FALSE(info->field_offset("runtime.nosuchtype", "x"));
    CHECK(info->type_size("int") == std::optional<std::uint64_t>(8));
    CHECK(info->type_size("runtime.gobuf"));
  }
}

TEST_CASE("dwarf_info: CFA rules") {
  for (const auto& b : builds()) {
    CAPTURE(b.go);
    CAPTURE(b.variant);
    auto info = open_demo(b, "hello");
    auto f = info->function_by_name("main.main");
    REQUIRE(f);
    auto at_entry = info->cfa_at(f->low);
    REQUIRE(at_entry);
    CHECK(at_entry->cfa_register == 7);
    CHECK(at_entry->cfa_offset == 8);
    CHECK(at_entry->ra_offset == std::optional<std::int64_t>(-8));
    CHECK(at_entry->fde_low == f->low);
    auto body = info->body_start(*f);
    REQUIRE(body);
    // Past the frame setup (a few instructions after body_start) the CFA is further up.
    std::int64_t max_off = 0;
    for (auto pc = *body; pc < f->high; pc += 1)
      if (auto r = info->cfa_at(pc)) max_off = std::max(max_off, r->cfa_offset);
    CHECK(max_off > 8);
    CHECK_FALSE(info->cfa_at(file_addr(0x10)));
  }
}

TEST_CASE("dwarf_info: opening is lazy and cheap") {
  auto b = builds().back();
  auto path = test::demo(b.go, b.variant, "waiters");
  auto t0 = std::chrono::steady_clock::now();
  auto info = dwarf_info::open(path);
  auto t1 = std::chrono::steady_clock::now();
  REQUIRE(info);
  // Only section headers are read: no decompression, no DIE walk (generous bound for busy CI).
  CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(t1 - t0).count() < 200);
}

TEST_CASE("dwarf_info: files without DWARF, and missing files") {
  CHECK(dwarf_info::open(std::string(GODBG_SOURCE_DIR) + "/demos/hello/main.go") == nullptr);
  CHECK_THROWS_AS(dwarf_info::open("/nonexistent/godbg/binary"), godbg::error);
}

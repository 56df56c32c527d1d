// Runtime offsets read off machine code, held to DWARF on every toolchain and build kind, and
// the neighbour rules it leans on held to every release extracted in tests/data.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "demo_paths.hpp"
#include "dwarf/binary.hpp"
#include "dwarf/dwarf_info.hpp"
#include "goruntime/layout_from_code.hpp"

using namespace godbg;

namespace {

struct field {
  std::optional<std::uint64_t> code_layout::*member;
  const char* type;
  const char* name;
  const char* sub = nullptr;  // g.sched is a gobuf: offsets within it come from gobuf
};

const field fields[] = {
    {&code_layout::g_sched, "runtime.g", "sched"},
    {&code_layout::gobuf_sp, "runtime.gobuf", "sp"},
    {&code_layout::gobuf_pc, "runtime.gobuf", "pc"},
    {&code_layout::gobuf_bp, "runtime.gobuf", "bp"},
    {&code_layout::g_m, "runtime.g", "m"},
    {&code_layout::m_g0, "runtime.m", "g0"},
    {&code_layout::m_gsignal, "runtime.m", "gsignal"},
    {&code_layout::m_curg, "runtime.m", "curg"},
    {&code_layout::g_atomicstatus, "runtime.g", "atomicstatus"},
    {&code_layout::m_procid, "runtime.m", "procid"},
    {&code_layout::g_syscallsp, "runtime.g", "syscallsp"},
    {&code_layout::m_p, "runtime.m", "p"},
    {&code_layout::g_startpc, "runtime.g", "startpc"},
    {&code_layout::g_gopc, "runtime.g", "gopc"},
    {&code_layout::g_goid, "runtime.g", "goid"},
    {&code_layout::g_waitreason, "runtime.g", "waitreason"},
    {&code_layout::g_syscallpc, "runtime.g", "syscallpc"},
    {&code_layout::g_parentgoid, "runtime.g", "parentGoid"},
};

int minor_of(const std::string& go) {
  return std::stoi(go.substr(4));
}

}  // namespace

TEST_CASE("layout from code: every field as DWARF says, every toolchain and build kind") {
  // Each build kind, and the build whose DWARF tells the truth for its code.
  const std::pair<const char*, const char*> kinds[] = {
      {"normal", "normal"},
      {"pie", "pie"},
      {"stripped", "normal"},
      {"goexperiment", "goexperiment"},
      {"goexperiment-stripped", "goexperiment"},
      {"race", "race"},
      {"nobuildinfo-stripped", "normal"},
  };
  for (const auto& go : test::go_versions()) {
    for (auto [kind, truth_kind] : kinds) {
      const std::string k(kind);
      CAPTURE(go);
      CAPTURE(k);
      auto bin = binary::open(test::demo(go, kind, "waiters"));
      auto truth = binary::open(test::demo(go, truth_kind, "waiters"));
      const dwarf_info* d = truth->dwarf();
      REQUIRE(d);
      auto got = layout_from_code(*bin, minor_of(go) >= 21);
      CHECK(got.problems.empty());
      for (auto& p : got.problems) MESSAGE(p);
      CHECK(got.enough());
      for (const auto& f : fields) {
        CAPTURE(f.name);
        auto want = d->field_offset(f.type, f.name);
        if (!want) {  // parentGoid before Go 1.21
          CHECK_FALSE(got.*f.member);
          continue;
        }
        REQUIRE(got.*f.member);
        CHECK(*(got.*f.member) == *want);
      }
    }
  }
}

TEST_CASE("layout from code: the neighbours it derives hold in every extracted release") {
  auto dir = std::filesystem::path(GODBG_SOURCE_DIR) / "tests/data/runtime_layouts";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    auto j = nlohmann::json::parse(std::ifstream(entry.path()));
    CAPTURE(entry.path().filename().string());
    const auto& o = j.at("offsets");
    auto at = [&](const char* k) { return o.at(k).get<std::uint64_t>(); };
    CHECK(at("runtime.g.goid") == at("runtime.g.atomicstatus") + 8);
    CHECK(at("runtime.g.waitreason") == at("runtime.g.goid") + 24);
    CHECK(at("runtime.g.syscallpc") == at("runtime.g.syscallsp") + 8);
    CHECK(at("runtime.gobuf.sp") == 0);
    CHECK(at("runtime.gobuf.pc") == 8);
    if (o.contains("runtime.g.parentGoid"))
      CHECK(at("runtime.g.parentGoid") + 8 == at("runtime.g.gopc"));
  }
  CHECK(files >= 10);
}

TEST_CASE("layout from code: a binary without Go tables") {
  auto bin = binary::open(std::string(GODBG_DEMO_DIR) + "/native/debug/hello");
  auto got = layout_from_code(*bin, true);
  CHECK_FALSE(got.enough());
  CHECK_FALSE(got.problems.empty());
}

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "demo_paths.hpp"
#include "goruntime/runtime_layout_table.hpp"

using namespace godbg;

namespace {

using u64_member = std::uint64_t runtime_layout::*;
using opt_member = std::optional<std::uint64_t> runtime_layout::*;

// JSON key (DWARF struct.field, from extract_layout.go) -> table member.
const std::pair<const char*, u64_member> required_members[] = {
    {"runtime.g.stack.lo", &runtime_layout::g_stack_lo},
    {"runtime.g.stack.hi", &runtime_layout::g_stack_hi},
    {"runtime.g.stackguard0", &runtime_layout::g_stackguard0},
    {"runtime.g._panic", &runtime_layout::g_panic},
    {"runtime.g._defer", &runtime_layout::g_defer},
    {"runtime.g.m", &runtime_layout::g_m},
    {"runtime.g.sched", &runtime_layout::g_sched},
    {"runtime.g.syscallsp", &runtime_layout::g_syscallsp},
    {"runtime.g.syscallpc", &runtime_layout::g_syscallpc},
    {"runtime.g.atomicstatus", &runtime_layout::g_atomicstatus},
    {"runtime.g.goid", &runtime_layout::g_goid},
    {"runtime.g.schedlink", &runtime_layout::g_schedlink},
    {"runtime.g.waitsince", &runtime_layout::g_waitsince},
    {"runtime.g.waitreason", &runtime_layout::g_waitreason},
    {"runtime.g.lockedm", &runtime_layout::g_lockedm},
    {"runtime.g.gopc", &runtime_layout::g_gopc},
    {"runtime.g.ancestors", &runtime_layout::g_ancestors},
    {"runtime.g.startpc", &runtime_layout::g_startpc},
    {"runtime.g.waiting", &runtime_layout::g_waiting},
    {"runtime.g.labels", &runtime_layout::g_labels},
    {"sizeof runtime.g", &runtime_layout::g_size},
    {"runtime.gobuf.sp", &runtime_layout::gobuf_sp},
    {"runtime.gobuf.pc", &runtime_layout::gobuf_pc},
    {"runtime.gobuf.g", &runtime_layout::gobuf_g},
    {"runtime.gobuf.ctxt", &runtime_layout::gobuf_ctxt},
    {"runtime.gobuf.lr", &runtime_layout::gobuf_lr},
    {"runtime.gobuf.bp", &runtime_layout::gobuf_bp},
    {"sizeof runtime.gobuf", &runtime_layout::gobuf_size},
    {"runtime.m.g0", &runtime_layout::m_g0},
    {"runtime.m.procid", &runtime_layout::m_procid},
    {"runtime.m.gsignal", &runtime_layout::m_gsignal},
    {"runtime.m.tls", &runtime_layout::m_tls},
    {"runtime.m.curg", &runtime_layout::m_curg},
    {"runtime.m.p", &runtime_layout::m_p},
    {"runtime.m.nextp", &runtime_layout::m_nextp},
    {"runtime.m.oldp", &runtime_layout::m_oldp},
    {"runtime.m.id", &runtime_layout::m_id},
    {"runtime.m.spinning", &runtime_layout::m_spinning},
    {"runtime.m.blocked", &runtime_layout::m_blocked},
    {"runtime.m.alllink", &runtime_layout::m_alllink},
    {"runtime.m.schedlink", &runtime_layout::m_schedlink},
    {"runtime.m.lockedg", &runtime_layout::m_lockedg},
    {"runtime.m.vdsoSP", &runtime_layout::m_vdsosp},
    {"runtime.m.vdsoPC", &runtime_layout::m_vdsopc},
    {"sizeof runtime.m", &runtime_layout::m_size},
    {"runtime.p.id", &runtime_layout::p_id},
    {"runtime.p.status", &runtime_layout::p_status},
    {"runtime.p.link", &runtime_layout::p_link},
    {"runtime.p.m", &runtime_layout::p_m},
    {"runtime.p.runqhead", &runtime_layout::p_runqhead},
    {"runtime.p.runqtail", &runtime_layout::p_runqtail},
    {"runtime.p.runq", &runtime_layout::p_runq},
    {"runtime.p.runnext", &runtime_layout::p_runnext},
    {"sizeof runtime.p", &runtime_layout::p_size},
    {"runtime.schedt.goidgen", &runtime_layout::sched_goidgen},
    {"runtime.schedt.nmidle", &runtime_layout::sched_nmidle},
    {"runtime.schedt.mnext", &runtime_layout::sched_mnext},
    {"runtime.schedt.maxmcount", &runtime_layout::sched_maxmcount},
    {"runtime.schedt.nmsys", &runtime_layout::sched_nmsys},
    {"runtime.schedt.pidle", &runtime_layout::sched_pidle},
    {"runtime.schedt.npidle", &runtime_layout::sched_npidle},
    {"runtime.schedt.nmspinning", &runtime_layout::sched_nmspinning},
    {"sizeof runtime.schedt", &runtime_layout::sched_size},
};
const std::pair<const char*, opt_member> optional_members[] = {
    {"runtime.g.syscallbp", &runtime_layout::g_syscallbp},
    {"runtime.g.parentGoid", &runtime_layout::g_parentgoid},
    {"runtime.gobuf.ret", &runtime_layout::gobuf_ret},
};

std::filesystem::path data_dir() {
  return std::filesystem::path(GODBG_SOURCE_DIR) / "tests/data/runtime_layouts";
}

}  // namespace

TEST_CASE("the table matches the DWARF extracts of every toolchain") {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir())) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    std::ifstream in(entry.path());
    const auto j = nlohmann::json::parse(in);
    const std::string version = j.at("go_version");
    CAPTURE(version);
    const runtime_layout* l = runtime_layout_for(version);
    REQUIRE(l != nullptr);
    const auto& off = j.at("offsets");
    for (const auto& [key, member] : required_members) {
      CAPTURE(key);
      REQUIRE(off.contains(key));
      CHECK(l->*member == off.at(key).get<std::uint64_t>());
    }
    for (const auto& [key, member] : optional_members) {
      CAPTURE(key);
      if (off.contains(key))
        CHECK(l->*member == off.at(key).get<std::uint64_t>());
      else
        CHECK_FALSE((l->*member).has_value());
    }
    CHECK(l->ncpu_var == j.at("ncpu_var").get<std::string>());
    CHECK(j.at("vars").contains(std::string(l->ncpu_var)));
    for (auto v : {runtime_vars::allgs, runtime_vars::allglen, runtime_vars::allm,
                   runtime_vars::allp, runtime_vars::gomaxprocs, runtime_vars::sched,
                   runtime_vars::m0, runtime_vars::g0, runtime_vars::newprocs})
      CHECK(j.at("vars").contains(std::string(v)));
    const auto& reasons = j.at("wait_reasons");
    REQUIRE(l->wait_reasons.size() == reasons.size());
    for (std::size_t k = 0; k < reasons.size(); ++k)
      CHECK(l->wait_reasons[k] == reasons[k].get<std::string>());
  }
  CHECK(files >= 8);
}

TEST_CASE("known values, by hand from runtime2.go") {
  const auto* l19 = runtime_layout_for("go1.19.8");
  REQUIRE(l19);
  CHECK(l19->g_goid == 152);
  CHECK(l19->g_atomicstatus == 144);
  CHECK(l19->g_sched == 56);
  CHECK(l19->gobuf_ret == 32u);
  CHECK_FALSE(l19->g_parentgoid);
  CHECK(l19->m_procid == 72);
  CHECK(l19->ncpu_var == "runtime.ncpu");
  CHECK(wait_reason_string(*l19, 14) == "chan receive");

  const auto* l26 = runtime_layout_for("go1.26.8");
  REQUIRE(l26);
  CHECK(l26->g_goid == 152);
  CHECK(l26->g_parentgoid == 280u);
  CHECK(l26->g_syscallbp == 120u);
  CHECK_FALSE(l26->gobuf_ret);  // removed in go1.25
  CHECK(l26->gobuf_bp == 40);
  CHECK(l26->m_procid == 64);
  CHECK(l26->ncpu_var == "runtime.numCPUStartup");
  CHECK(wait_reason_string(*l26, 0) == std::nullopt);
  CHECK(wait_reason_string(*l26, 255) == std::nullopt);

  // go1.27: m.signalSecret became a bool and m.cheaprand a uint32 beside a new cheaprand64.
  const auto* l27 = runtime_layout_for("go1.27.3");
  REQUIRE(l27);
  CHECK(l27->m_size == l26->m_size + 8);
  CHECK(l27->g_goid == 152);
  CHECK(l27->m_curg == l26->m_curg);
}

TEST_CASE("every minor 1.19-1.26 has a row; patch releases pick theirs") {
  for (int minor = 19; minor <= 26; ++minor) {
    CAPTURE(minor);
    for (auto v :
         {"go1." + std::to_string(minor), "go1." + std::to_string(minor) + ".0",
          "go1." + std::to_string(minor) + ".99", "go1." + std::to_string(minor) + "rc1"}) {
      const auto* l = runtime_layout_for(v);
      REQUIRE(l);
      CHECK(l->minor == minor);
    }
  }
  // go1.23.x moved runtime.m fields in a patch release: .0 and .12 differ.
  CHECK(runtime_layout_for("go1.23.0")->m_alllink != runtime_layout_for("go1.23.12")->m_alllink);
  CHECK(runtime_layout_for("go1.22.0 X:boringcrypto") == runtime_layout_for("go1.22.5"));
  CHECK(runtime_layout_for("go1.18.10") == nullptr);
  // go1.27's row starts at the first release extracted (1.27.3): earlier patches are unknown.
  CHECK(runtime_layout_for("go1.27.0") == nullptr);
  CHECK(runtime_layout_for("go1.27.3")->minor == 27);
  CHECK(runtime_layout_for("go1.27.9")->minor == 27);
  CHECK(runtime_layout_for("go1.28.0") == nullptr);
  CHECK(runtime_layout_for("devel go1.28-abc") == nullptr);
  CHECK(runtime_layout_for("go1.28-devel_abc") == nullptr);
  CHECK(runtime_layout_for("") == nullptr);
  CHECK(newest_runtime_layout().minor == 27);
  CHECK(all_runtime_layouts().size() >= 8);
}

TEST_CASE("parse_go_version") {
  CHECK(parse_go_version("go1.19.8")->minor == 19);
  CHECK(parse_go_version("go1.19.8")->patch == 8);
  CHECK(parse_go_version("go1.21rc2")->patch == 0);
  CHECK(parse_go_version("go1.26.8 X:nocoverageredesign")->patch == 8);
  CHECK_FALSE(parse_go_version("go2.0"));
  CHECK_FALSE(parse_go_version("1.22.0"));
}

TEST_CASE("goroutine status names follow CONTRACT.md") {
  CHECK(goroutine_status_name(0) == "idle");
  CHECK(goroutine_status_name(1) == "runnable");
  CHECK(goroutine_status_name(2) == "running");
  CHECK(goroutine_status_name(3) == "syscall");
  CHECK(goroutine_status_name(4) == "waiting");
  CHECK(goroutine_status_name(6) == "dead");
  CHECK(goroutine_status_name(8) == "copystack");
  CHECK(goroutine_status_name(9) == "preempted");
  CHECK(goroutine_status_name(10) == "waiting");
  CHECK(goroutine_status_name(11) == "dead");
  CHECK(goroutine_status_name(g_status_scan | 4) == "waiting");
  CHECK(goroutine_status_name(5) == std::nullopt);
  CHECK(goroutine_status_name(12) == std::nullopt);
}

TEST_CASE("the demos' toolchains are all in the table") {
  for (const auto& v : test::go_versions()) {
    CAPTURE(v);
    CHECK(runtime_layout_for(v) != nullptr);
  }
}

// go_runtime on live demos: the globals a stripped binary's code leads to are the ones the
// symbol table of the same program built without -s -w names (same toolchain: same section and
// offset in it; the sections themselves may move a little, go1.26 shifts them by 32 bytes); the
// layout's source; the runtime's wait reason strings read from the process match the table; Ms, Ps
// and GOMAXPROCS are sane.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "debugger/session.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "demo_paths.hpp"
#include "dwarf/dwarf_info.hpp"
#include "goruntime/go_runtime.hpp"
#include "goruntime/runtime_layout_table.hpp"

using namespace godbg;

namespace {

// The waiters demo stopped in main.checkpoint.
struct stopped_demo {
  session s;
  // by_address: the breakpoint at main.checkpoint's entry, found in the symbol table alone (a
  // function breakpoint reads the DWARF line table for the prologue's end).
  explicit stopped_demo(const std::string& path, bool by_address = false) {
    s.load(path);
    s.launch({path});
    if (by_address) {
      auto f = s.bin().function_by_name("main.checkpoint");
      REQUIRE(f);
      s.add_breakpoint(fmt::format("*{:#x}", s.bias().to_virt(f->entry).value()), false);
    } else {
      s.add_breakpoint("main.checkpoint", false);
    }
    s.resume();
  }
  ~stopped_demo() {
    if (s.has_process()) s.kill();
  }
};

// Where an address is: (section name, offset in it).
std::pair<std::string, std::uint64_t> in_section(const elf_file& f, std::uint64_t a) {
  for (auto& sec : f.section_headers())
    if (sec.addr.value() && a >= sec.addr.value() && a < sec.addr.value() + sec.size &&
        (sec.flags & 2 /*SHF_ALLOC*/))
      return {sec.name, a - sec.addr.value()};
  return {"?", a};
}

}  // namespace

TEST_CASE("is_user_function follows Delve's rule") {
  CHECK(is_user_function("main.main"));
  CHECK(is_user_function("sync.(*Mutex).Lock"));
  CHECK(is_user_function("time.Sleep"));
  CHECK(is_user_function("runtime.Gosched"));
  CHECK_FALSE(is_user_function("runtime.gopark"));
  CHECK_FALSE(is_user_function("runtime.main"));
  CHECK_FALSE(is_user_function("internal/sync.(*Mutex).lockSlow"));
  CHECK_FALSE(is_user_function("runtime/internal/atomic.Load"));
  CHECK_FALSE(is_user_function("_rt0_amd64_linux"));
}

TEST_CASE("stripped binaries: runtime globals recovered from code are the symbol table's") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto normal = binary::open(test::demo(go, "normal", "waiters"));
    stopped_demo d(test::demo(go, "stripped", "waiters"));
    REQUIRE(d.s.has_process());
    auto& rt = d.s.runtime();
    CHECK(d.s.bin().symbols().empty());
    REQUIRE(rt.available());
    CHECK(rt.layout_source() == std::optional<std::string>("table"));
    const runtime_layout* row = runtime_layout_for(go);
    REQUIRE(row);
    for (std::string name : std::vector<std::string>{
             "runtime.allgs", "runtime.allglen", "runtime.allm", "runtime.allp",
             "runtime.gomaxprocs", "runtime.waitReasonStrings", std::string(row->ncpu_var)}) {
      CAPTURE(name);
      auto* sym = normal->symbols().by_name(name);
      REQUIRE(sym);
      auto found = rt.global_address(name);
      REQUIRE(found);
      // Not PIE: no load bias.
      CHECK(in_section(d.s.bin().elf(), *found) == in_section(normal->elf(), sym->addr.value()));
    }
    // The strings the process holds are the table's (extracted from DWARF of that release).
    std::vector<std::string> table(row->wait_reasons.begin(), row->wait_reasons.end());
    CHECK(rt.wait_reasons() == table);
    auto procs = rt.gomaxprocs();
    REQUIRE(procs);
    CHECK(*procs >= 1);
    CHECK(rt.nprocs() == std::optional<std::int64_t>(*procs));
    auto ncpu = rt.ncpu();
    REQUIRE(ncpu);
    CHECK(*ncpu >= 1);
    auto ms = rt.ms();
    REQUIRE(!ms.empty());
    CHECK(ms.back().id == 0);  // m0 is the first M made, the last of allm
    CHECK(std::count_if(ms.begin(), ms.end(), [](const m_info& m) { return m.p_id.has_value(); }) >=
          1);
    // The stop's goroutine, from the layout table.
    CHECK(rt.goid_on_thread(d.s.current_tid()) == std::optional<std::int64_t>(1));
  }
}

TEST_CASE("the table row of each demo toolchain is that binary's own DWARF") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto b = binary::open(test::demo(go, "normal", "waiters"));
    const dwarf_info* d = b->dwarf();
    REQUIRE(d);
    const runtime_layout* row = runtime_layout_for(go);
    REQUIRE(row);
    auto off = [&](std::string_view t, std::string_view f) { return d->field_offset(t, f); };
    CHECK(off("runtime.g", "goid") == std::optional<std::uint64_t>(row->g_goid));
    CHECK(off("runtime.g", "atomicstatus") == std::optional<std::uint64_t>(row->g_atomicstatus));
    CHECK(off("runtime.g", "sched") == std::optional<std::uint64_t>(row->g_sched));
    CHECK(off("runtime.g", "m") == std::optional<std::uint64_t>(row->g_m));
    CHECK(off("runtime.g", "waitreason") == std::optional<std::uint64_t>(row->g_waitreason));
    CHECK(off("runtime.g", "startpc") == std::optional<std::uint64_t>(row->g_startpc));
    CHECK(off("runtime.g", "gopc") == std::optional<std::uint64_t>(row->g_gopc));
    CHECK(off("runtime.gobuf", "pc") == std::optional<std::uint64_t>(row->gobuf_pc));
    CHECK(off("runtime.m", "procid") == std::optional<std::uint64_t>(row->m_procid));
    CHECK(off("runtime.m", "curg") == std::optional<std::uint64_t>(row->m_curg));
    CHECK(off("runtime.m", "alllink") == std::optional<std::uint64_t>(row->m_alllink));
    CHECK(off("runtime.p", "id") == std::optional<std::uint64_t>(row->p_id));
  }
}

TEST_CASE("layouts come from the exact table row, without opening DWARF; variants agree") {
  for (const auto& go : test::go_versions()) {
    for (const char* variant : {"normal", "pie", "stripped"}) {
      CAPTURE(go);
      CAPTURE(variant);
      stopped_demo d(test::demo(go, variant, "waiters"), true);
      REQUIRE(d.s.has_process());
      auto& rt = d.s.runtime();
      CHECK(rt.layout_source() == std::optional<std::string>("table"));
      auto gs = rt.goroutines();
      CHECK_FALSE(d.s.bin().dwarf_loaded());
      REQUIRE(gs.size() >= 5);
      CHECK(gs.front().goid == 1);
      CHECK(gs.front().status == "running");
      CHECK(gs.front().tid == std::optional<pid_t>(d.s.current_tid()));
      int workers = 0;
      for (auto& g : gs) {
        auto start = rt.start_function(g.startpc);
        if (start && start->starts_with("main.")) {
          ++workers;
          CHECK(g.status == "waiting");
          CHECK(g.wait_reason.has_value());
          CHECK_FALSE(g.tid.has_value());
          // A parked goroutine's stack starts at its g.sched, in the runtime's park.
          auto frames = goroutine_stack(d.s, g, 32);
          REQUIRE(!frames.empty());
          CHECK(frames.front().where.function.value_or("").starts_with("runtime."));
          CHECK(std::any_of(frames.begin(), frames.end(),
                            [&](const frame_record& f) { return f.where.function == start; }));
        }
        auto one = rt.find_goroutine(g.goid);
        REQUIRE(one);
        CHECK(one->addr == g.addr);
      }
      CHECK(workers == 4);
      CHECK_FALSE(rt.find_goroutine(999999).has_value());
    }
  }
}

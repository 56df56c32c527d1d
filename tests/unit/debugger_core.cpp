// Post-mortem as a library: a session stopped in demos/postmortem writes a core (dump_core), and
// a second session opened on that core sees what the live one saw: goroutines, stacks, values,
// registers. Every toolchain, normal, PIE and stripped.
#include <doctest/doctest.h>
#include <unistd.h>

#include "common/error.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/session.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "demo_paths.hpp"

using namespace godbg;

namespace {

struct listing {
  std::vector<std::tuple<std::int64_t, std::string, std::string, std::string>> rows;
};

listing goroutines_of(session& s) {
  listing l;
  list_goroutines(s, {}, [&](const goroutine_record& r) {
    l.rows.emplace_back(r.id, r.status, r.wait_reason.value_or("-"),
                        r.where.function.value_or("?"));
  });
  return l;
}

std::vector<std::string> functions(const std::vector<frame_record>& fs) {
  std::vector<std::string> out;
  for (auto& f : fs) out.push_back(f.where.function.value_or("?"));
  return out;
}

}  // namespace

TEST_CASE("a dumped core opens with the goroutines, stacks, values and registers of the stop") {
  for (const auto& go : test::go_versions())
    for (const char* variant : {"normal", "pie", "stripped"}) {
      CAPTURE(go);
      CAPTURE(variant);
      auto path = test::demo(go, variant, "postmortem");
      std::string core = "/tmp/godbg-unit-" + std::to_string(getpid()) + ".core";
      bool dwarf = std::string(variant) != "stripped";

      session live;
      live.load(path);
      live.launch({path, "panic"});
      live.add_breakpoint("main.settle", false);
      live.resume();
      auto second = live.resume();  // bob's settle: amount 500
      REQUIRE(std::holds_alternative<stop_record>(second));
      auto stop = std::get<stop_record>(second);
      REQUIRE(stop.goid);
      live.select_goroutine(stop.goid);
      auto live_gs = goroutines_of(live);
      auto live_bt = functions(stack_in(live, live.selected(), 32));
      auto live_threads = live.process().thread_ids();
      auto live_rip = live.process().regs(stop.tid).rip;
      std::string amount;
      if (dwarf) amount = evaluate_in_frame(live, frame_in(live, live.selected()), "amount").text;
      auto sum = live.dump_core(core);
      CHECK(sum.threads == live_threads.size());
      CHECK(sum.bytes > 0);
      live.kill();

      session dead;
      dead.load(path);
      auto st = dead.open_core(core);
      unlink(core.c_str());
      CHECK(st.start.core.has_value());
      CHECK_FALSE(st.start.signal.has_value());
      CHECK(st.stop.reason == stop_reason::interrupt);  // a snapshot: no signal, no panic
      CHECK(st.stop.tid == stop.tid);                   // the current thread, written first
      CHECK(st.stop.where.function == "main.settle");
      CHECK(dead.has_program());
      CHECK_FALSE(dead.has_process());
      CHECK(dead.program().thread_ids() == live_threads);
      CHECK(dead.program().regs(stop.tid).rip == live_rip);
      CHECK_THROWS_WITH_AS(dead.process(), doctest::Contains("a core file cannot run"), error);
      CHECK_THROWS_WITH_AS(dead.resume(), doctest::Contains("a core file cannot run"), error);
      CHECK_THROWS_WITH_AS(dead.launch({path}), doctest::Contains("a core file cannot run"), error);

      auto core_gs = goroutines_of(dead);
      CHECK(core_gs.rows == live_gs.rows);
      dead.select_goroutine(stop.goid);
      CHECK(functions(stack_in(dead, dead.selected(), 32)) == live_bt);
      if (dwarf) {
        CHECK(amount == "500");
        CHECK(evaluate_in_frame(dead, frame_in(dead, dead.selected()), "amount").text == amount);
        auto accounts = evaluate_in_frame(dead, frame_in(dead, dead.selected()), "main.Accounts");
        CHECK(accounts.text.find("Balance: 100") != std::string::npos);  // alice settled 20
      }
    }
}

// Conditions evaluated in the target (issue 20) while the program runs, as an editor front end
// drives them: a false condition runs in the target without a stop, its breakpoint deleted
// while the program runs leaves no jump behind, and a breakpoint set while running goes into
// the target at the next resume and stops exactly where its condition holds.
// On demos/intarget (8 threads calling main.hit(id, m) with m = i % 1000).
#include <doctest/doctest.h>

#include "debugger/event_loop.hpp"
#include "debugger/session.hpp"
#include "demo_paths.hpp"
#include "serve_loop.hpp"

using namespace godbg;
using test::next_stop;
using test::serve;

TEST_CASE("in-target conditions set, run and deleted while the program runs") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto path = test::demo(go, "normal", "intarget");
    session s;
    s.load(path);
    s.launch({path, "100000000"});
    s.set_in_target(true);
    event_loop loop(s);

    // Never true: evaluated in the target, no stop.
    auto& never = s.add_breakpoint("main.hit", false);
    never.set_condition(std::string("m == 1000"));
    virt_addr site = never.sites.at(0);
    int never_id = never.id;
    s.begin_resume();
    CHECK_FALSE(serve(loop, 300).has_value());
    CHECK(s.process().in_target(site));
    auto first = s.process().evaluations(site);
    CHECK(first > 0);
    CHECK_FALSE(serve(loop, 100).has_value());
    CHECK(s.process().evaluations(site) > first);

    // Deleted while running: every thread stopped and let go, the jump gone with the site.
    s.delete_breakpoint(never_id);
    CHECK(s.running());
    CHECK_FALSE(s.process().in_target(site));
    CHECK_FALSE(s.process().is_site(site));
    CHECK_FALSE(serve(loop, 100).has_value());

    // Set while running: an int3 until the next resume, then in the target; both stop where
    // the condition holds.
    auto& seven = s.add_breakpoint("main.hit", false);
    seven.set_condition(std::string("m == 7"));
    int seven_id = seven.id;
    for (int round = 0; round < 2; ++round) {
      CAPTURE(round);
      auto r = next_stop(loop);
      REQUIRE(std::holds_alternative<stop_record>(r));
      const auto& stop = std::get<stop_record>(r);
      CHECK(stop.reason == stop_reason::breakpoint);
      CHECK(stop.breakpoint == seven_id);
      CHECK(stop.where.function == "main.hit");
      CHECK(s.process().regs(stop.tid).rbx == 7);  // m, the second integer argument
      CHECK(s.process().in_target(site) == (round == 1));
      s.begin_resume();
    }
    s.interrupt();
    auto r = next_stop(loop);
    REQUIRE(std::holds_alternative<stop_record>(r));
    s.kill();
  }
}

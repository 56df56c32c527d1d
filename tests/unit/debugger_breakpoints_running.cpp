// Breakpoints that do more than stop, set and deleted while the program runs (stop, change,
// resume), as an editor front end does them: a tracepoint logs lines without a stop, a
// watchpoint stops at the next write with the old and the new value, and neither leaves
// anything behind once deleted. On demos/counter (main.tick adds 1 to main.Count, forever).
#include <doctest/doctest.h>

#include "debugger/breakpoints/watchpoints.hpp"
#include "debugger/event_loop.hpp"
#include "debugger/session.hpp"
#include "demo_paths.hpp"
#include "serve_loop.hpp"

using namespace godbg;
using test::next_stop;
using test::serve;

TEST_CASE("tracepoints and watchpoints set and deleted while the program runs") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto path = test::demo(go, "normal", "counter");
    session s;
    s.load(path);
    s.launch({path});
    std::vector<trace_record> traces;
    s.set_trace_sink([&](const trace_record& r) { traces.push_back(r); });
    event_loop loop(s);
    s.begin_resume();
    CHECK_FALSE(serve(loop, 100).has_value());

    // A tracepoint: lines, calls and returns, while it runs on.
    auto& tp = s.add_tracepoint("main.tick");
    CHECK_FALSE(serve(loop, 300).has_value());
    REQUIRE(traces.size() >= 2);
    CHECK(traces.front().function == "main.tick");
    CHECK(traces.front().breakpoint == tp.id);
    bool returned = false;
    for (const auto& t : traces) returned = returned || t.is_return;
    CHECK(returned);
    CHECK(s.running());
    s.delete_breakpoint(tp.id);
    auto lines = traces.size();
    CHECK_FALSE(serve(loop, 100).has_value());
    CHECK(traces.size() == lines);  // nothing left behind: no site, no awaited return

    // A watchpoint: every thread stopped to set it, the next write stops.
    user_breakpoint* wp = nullptr;
    s.paused([&] { wp = &add_watchpoint(s, s.selected(), "main.Count", watch_access::write); });
    REQUIRE(wp);
    CHECK(s.running());
    auto r = next_stop(loop);
    REQUIRE(std::holds_alternative<stop_record>(r));
    const auto& stop = std::get<stop_record>(r);
    CHECK(stop.reason == stop_reason::watchpoint);
    REQUIRE(stop.watch);
    CHECK(stop.watch->id == wp->id);
    REQUIRE(stop.watch->old_text);
    REQUIRE(stop.watch->new_text);
    CHECK(std::stoll(*stop.watch->new_text) == std::stoll(*stop.watch->old_text) + 1);
    CHECK(stop.where.function == "main.tick");

    // Deleted while running: its debug registers are cleared on every thread.
    s.begin_resume();
    s.delete_breakpoint(wp->id);
    CHECK_FALSE(serve(loop, 200).has_value());
    s.interrupt();
    r = next_stop(loop);
    REQUIRE(std::holds_alternative<stop_record>(r));
    CHECK(std::get<stop_record>(r).reason == stop_reason::interrupt);
    s.kill();
  }
}

TEST_CASE("hit conditions") {
  auto c = parse_hit_condition("%", "3");
  CHECK(c.holds(3));
  CHECK(c.holds(6));
  CHECK_FALSE(c.holds(4));
  CHECK(parse_hit_condition(">=", "2").holds(2));
  CHECK_FALSE(parse_hit_condition("<", "2").holds(2));
  CHECK(parse_hit_condition("!=", "2").text() == "!= 2");
  CHECK_THROWS(parse_hit_condition("=~", "2"));
  CHECK_THROWS(parse_hit_condition("%", "0"));
  CHECK_THROWS(parse_hit_condition("==", "x"));
  user_breakpoint bp;
  bp.ignore_count = 2;
  bp.hit_cond = parse_hit_condition("%", "2");
  // Hits 1 and 2 ignored (still counted), then every second one.
  std::vector<bool> stops;
  for (int i = 0; i < 6; ++i) stops.push_back(bp.count_hit());
  CHECK(stops == std::vector<bool>{false, false, false, true, false, true});
  CHECK(bp.hits == 6);
}

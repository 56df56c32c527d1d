// The core as a library: a session driven on the waiters demo, with no front end. Every answer
// comes back as records; nothing is printed.
#include <doctest/doctest.h>

#include <algorithm>

#include "debugger/eval/expression_eval.hpp"
#include "debugger/session.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "demo_paths.hpp"
#include "goruntime/go_runtime.hpp"

using namespace godbg;

namespace {

struct at_checkpoint {
  session s;
  session_start started;
  run_result hit;
  explicit at_checkpoint(const std::string& path) {
    s.load(path);
    started = s.launch({path});
    s.add_breakpoint("main.checkpoint", false);
    hit = s.resume();
  }
  ~at_checkpoint() {
    if (s.has_process()) s.kill();
  }
  const stop_record& stop() const { return std::get<stop_record>(hit); }
};

}  // namespace

TEST_CASE("a session launches, stops at a breakpoint and says what it hit, on the stop") {
  for (const auto& go : test::go_versions())
    for (const char* variant : {"normal", "pie"}) {
      CAPTURE(go);
      CAPTURE(variant);
      at_checkpoint t(test::demo(go, variant, "waiters"));
      CHECK(t.started.start.go_version.has_value());
      CHECK(t.started.stop.reason == stop_reason::entry);
      CHECK(t.started.stop.where.function == "_rt0_amd64_linux");
      REQUIRE(std::holds_alternative<stop_record>(t.hit));
      CHECK(t.stop().reason == stop_reason::breakpoint);
      CHECK(t.stop().breakpoint == 1);
      CHECK(t.stop().breakpoints == std::vector<int>{1});
      CHECK(t.stop().internal_stops.empty());
      CHECK(t.stop().hits == 1);
      CHECK(t.stop().where.function == "main.checkpoint");
      CHECK(t.stop().goid == 1);
      CHECK(t.stop().warnings.empty());
    }
}

TEST_CASE("frames carry their registers, and one CFA ties each frame to its caller") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    at_checkpoint t(test::demo(go, "normal", "waiters"));
    auto frames = stack_in(t.s, t.s.selected(), 8);
    REQUIRE(frames.size() >= 3);
    CHECK(frames[0].where.function == "main.checkpoint");
    CHECK(frames[1].where.function == "main.main");
    const auto& r = t.s.process().regs(t.s.current_tid());
    // The innermost frame knows every register; outer ones what unwinding recovered.
    CHECK(frames[0].regs.get(reg_id::rip) == r.rip);
    CHECK(frames[0].regs.get(reg_id::rbx) == r.rbx);
    CHECK(frames[1].regs.get(reg_id::rip) == frames[1].where.pc);
    CHECK(frames[1].regs.get(reg_id::rsp) == frames[1].sp);
    CHECK_FALSE(frames[1].regs.get(reg_id::rbx).has_value());
    // A frame's CFA is its caller's SP, and the return address sits just below it.
    REQUIRE(frames[0].cfa.has_value());
    CHECK(*frames[0].cfa == frames[1].sp);
    auto ret = t.s.process().read_value<std::uint64_t>(virt_addr(*frames[0].cfa - 8));
    CHECK(ret == frames[1].where.pc);
  }
}

TEST_CASE("evaluation takes an explicit scope and leaves the selection alone") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    at_checkpoint t(test::demo(go, "normal", "waiters"));
    auto before = t.s.selected();
    auto n = evaluate_in_frame(t.s, frame_in(t.s, before), "n");
    auto counter = evaluate_in_frame(t.s, frame_in(t.s, before), "main.Counter");
    CHECK(n.text == counter.text);
    // Frame 1 of the same goroutine, asked for by scope: main.main's `local`.
    scope caller = before;
    caller.frame = 1;
    CHECK(evaluate_in_frame(t.s, frame_in(t.s, caller), "local.X").text == "1");
    // Goroutine 1 by id, as `goroutine 1 print ...` asks.
    scope by_goroutine{0, 1, 0};
    CHECK(evaluate_in_frame(t.s, frame_in(t.s, by_goroutine), "n").text == n.text);
    CHECK(t.s.selected().tid == before.tid);
    CHECK(t.s.selected().frame == before.frame);
    CHECK_FALSE(t.s.selected().goid.has_value());
  }
}

TEST_CASE("the end of the program is a record too") {
  auto path = test::demo(test::go_versions().front(), "normal", "waiters");
  session s;
  s.load(path);
  s.launch({path});
  auto end = s.resume();
  REQUIRE(std::holds_alternative<exit_record>(end));
  CHECK(std::get<exit_record>(end).status == 0);
  CHECK_FALSE(s.has_process());
}

// Commands through the interpreter, their records caught by the recording reporter.
#include <doctest/doctest.h>

#include "commands/commands.hpp"
#include "commands/interpreter.hpp"
#include "commands/recording_reporter.hpp"
#include "common/error.hpp"
#include "debugger/session.hpp"
#include "demo_paths.hpp"

using namespace godbg;

namespace {

struct driven {
  session s;
  recording_reporter out;
  interpreter in{s, out};
  explicit driven(const std::string& path) {
    s.load(path);
    auto ctx = in.context();
    report(ctx, s.launch({path}));
  }
  ~driven() {
    if (s.has_process()) s.kill();
  }
};

}  // namespace

TEST_CASE("break, continue and print leave their records with the reporter") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    driven d(test::demo(go, "normal", "waiters"));
    CHECK(d.out.last<start_record>().pid == d.s.process().pid());
    d.in.execute("break main.checkpoint");
    CHECK(d.out.last<breakpoint_record>().id == 1);
    d.in.execute("continue");
    auto hit = d.out.last<recording_reporter::stop_entry>();
    CHECK(hit.stop.reason == stop_reason::breakpoint);
    CHECK(hit.stop.breakpoint == 1);
    CHECK_FALSE(hit.context.empty());  // the source lines around the stop
    d.in.execute("print p.Name");
    CHECK(d.out.last<value_record>().text == "\"local\"");
  }
}

TEST_CASE("goroutine N CMD and frame N CMD run in that scope; the selection stays") {
  driven d(test::demo(test::go_versions().back(), "normal", "waiters"));
  d.in.execute("break main.checkpoint");
  d.in.execute("continue");
  auto before = d.s.selected();
  d.in.execute("frame 1 print local.Y");
  CHECK(d.out.last<value_record>().text == "2");
  d.in.execute("goroutine 1 bt 2");
  auto frames = d.out.last<recording_reporter::frames_entry>().frames;
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].where.function == "main.checkpoint");
  CHECK(d.s.selected().frame == before.frame);
  CHECK(d.s.selected().tid == before.tid);
  CHECK_FALSE(d.s.selected().goid.has_value());
  CHECK_THROWS_AS(d.in.execute("frame 99 print n"), error);
}

TEST_CASE("help lists every command under its group") {
  session s;
  recording_reporter out;
  interpreter in(s, out);
  in.execute("help");
  auto text = out.last<recording_reporter::message_entry>().text;
  for (auto& c : command_table()) {
    CHECK(text.find(std::string(c.group)) != std::string::npos);
    CHECK(text.find(std::string(c.usage)) != std::string::npos);
  }
  CHECK_THROWS_AS(in.execute("no_such_command"), usage_error);
}

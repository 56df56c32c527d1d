// The asynchronous run: the program runs while the loop listens; breakpoints are set and deleted
// meanwhile, the program is interrupted, and its captured output read as it comes.
#include <doctest/doctest.h>
#include <unistd.h>

#include <string>

#include "debugger/event_loop.hpp"
#include "debugger/session.hpp"
#include "demo_paths.hpp"
#include "serve_loop.hpp"

using namespace godbg;
using test::next_stop;
using test::serve;

namespace {

std::string drain(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, std::size_t(n));
  return out;
}

// The program started with its stdout and stderr in pipes.
void launch_captured(session& s, const std::string& path) {
  s.load(path);
  launch_options opts;
  opts.capture_output = true;
  s.launch({path}, opts);
}

}  // namespace

TEST_CASE("breakpoints set and deleted while the program runs, then an interrupt") {
  for (const auto& go : test::go_versions()) {
    CAPTURE(go);
    auto path = test::demo(go, "normal", "counter");
    session s;
    launch_captured(s, path);
    event_loop loop(s);
    std::string output;
    loop.watch(s.output_fd(), [&] { output += drain(s.output_fd()); });
    s.begin_resume();
    CHECK(s.running());
    CHECK_FALSE(serve(loop, 200).has_value());  // it counts, and nothing stops it
    // Set while running: the next tick stops there.
    auto& bp = s.add_breakpoint("main.tick", false);
    std::optional<run_result> r = next_stop(loop);
    REQUIRE(std::holds_alternative<stop_record>(*r));
    CHECK(std::get<stop_record>(*r).reason == stop_reason::breakpoint);
    CHECK(std::get<stop_record>(*r).breakpoint == bp.id);
    CHECK_FALSE(s.running());
    // Deleted while running: it runs on until interrupted.
    s.begin_resume();
    s.delete_breakpoint(bp.id);
    CHECK_FALSE(serve(loop, 100).has_value());
    s.interrupt();
    r = next_stop(loop);
    REQUIRE(std::holds_alternative<stop_record>(*r));
    CHECK(std::get<stop_record>(*r).reason == stop_reason::interrupt);
    // Its stdout came through the pipe, not godbg's own.
    output += drain(s.output_fd());
    CHECK(output.find("counter started") != std::string::npos);
    CHECK(output.find("count 100") != std::string::npos);
    s.kill();
  }
}

TEST_CASE("the run ends with the program, and its last output is still there") {
  auto path = test::demo(test::go_versions().front(), "normal", "waiters");
  session s;
  launch_captured(s, path);
  event_loop loop(s);
  auto r = loop.run();
  REQUIRE(std::holds_alternative<exit_record>(r));
  CHECK(std::get<exit_record>(r).status == 0);
  CHECK(drain(s.output_fd()).find("checkpoint 44") != std::string::npos);
}

// Driving the event loop as a front end does, for the tests of a program that runs while the
// session listens.
#pragma once

#include <chrono>
#include <optional>

#include "debugger/event_loop.hpp"

namespace godbg::test {

// Serves the loop for a while; a result means the run ended early.
inline std::optional<run_result> serve(event_loop& loop, int ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until)
    if (auto r = loop.wait_once(10)) return r;
  return std::nullopt;
}

// Serves the loop until the run ends (a stop or the program's end).
inline run_result next_stop(event_loop& loop) {
  for (;;)
    if (auto r = loop.wait_once(1000)) return *r;
}

}  // namespace godbg::test

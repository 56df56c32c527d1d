#pragma once
// The core's enums as CONTRACT.md spells them: the front ends' only strings for them.
#include <string_view>

#include "debugger/model.hpp"

namespace godbg {

constexpr std::string_view reason_name(stop_reason r) {
  switch (r) {
    case stop_reason::entry: return "entry";
    case stop_reason::breakpoint: return "breakpoint";
    case stop_reason::step: return "step";
    case stop_reason::signal: return "signal";
    case stop_reason::interrupt: return "interrupt";
    case stop_reason::watchpoint: return "watchpoint";
    case stop_reason::panic: return "panic";
    case stop_reason::fatal: return "fatal";
    case stop_reason::exec: return "exec";
  }
  return "step";
}

}  // namespace godbg

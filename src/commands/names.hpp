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

constexpr std::string_view kind_name(breakpoint_kind k) {
  switch (k) {
    case breakpoint_kind::breakpoint:
      return "breakpoint";
    case breakpoint_kind::tracepoint:
      return "tracepoint";
    case breakpoint_kind::watchpoint:
      return "watchpoint";
  }
  return "breakpoint";
}

constexpr std::string_view access_name(watch_access a) {
  switch (a) {
    case watch_access::write:
      return "write";
    case watch_access::read:
      return "read";
    case watch_access::read_write:
      return "read-write";
  }
  return "write";
}

}  // namespace godbg

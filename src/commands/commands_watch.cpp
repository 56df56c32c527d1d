// Watchpoints, tracepoints and displays: watch, rwatch, awatch, trace, display, undisplay.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <exception>

#include "commands/commands.hpp"
#include "commands/interpreter.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "debugger/breakpoints/watchpoints.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/session.hpp"

namespace godbg {

namespace {

void set_watch(command_context& c, std::string expr, watch_access access) {
  if (expr.empty()) throw usage_error("usage: watch [-r|-w|-rw] EXPR");
  user_breakpoint* wp = nullptr;
  // The debug registers of every thread, and the expression read: the threads stopped.
  c.s.paused([&] { wp = &add_watchpoint(c.s, c.where(), expr, access); });
  c.out.breakpoint_set(breakpoint_view(c.s, *wp));
}

// A spec that names no function but reads as a regular expression ("main\.work.*"): Delve's
// `trace REGEX`.
bool looks_like_regex(const std::string& spec) {
  return spec.find_first_of("^$*+?[]|\\") != std::string::npos;
}

}  // namespace

namespace cmd {

void watch(command_context& c, const command_args& a) {
  watch_access access = watch_access::write;
  std::string rest = a.rest;
  if (!a.words.empty() && (a.words[0] == "-r" || a.words[0] == "-w" || a.words[0] == "-rw")) {
    access = a.words[0] == "-r"   ? watch_access::read
             : a.words[0] == "-w" ? watch_access::write
                                  : watch_access::read_write;
    rest = rest.substr(a.words[0].size());
    rest.erase(0, rest.find_first_not_of(" \t"));
  } else if (a.words.size() > 1 && a.words[0].size() > 1 && a.words[0][0] == '-' &&
             std::all_of(a.words[0].begin() + 1, a.words[0].end(),
                         [](unsigned char ch) { return std::isalpha(ch) != 0; })) {
    // `-x foo` is no expression; saying the option beats "no variable named x".
    fail("watch: unknown option {} (-r, -w or -rw)", a.words[0]);
  }
  set_watch(c, rest, access);
}

void rwatch(command_context& c, const command_args& a) {
  set_watch(c, a.rest, watch_access::read);
}

void awatch(command_context& c, const command_args& a) {
  set_watch(c, a.rest, watch_access::read_write);
}

void trace(command_context& c, const command_args& a) {
  static const char* usage = "usage: trace [-c] LOC [if COND]";
  // -c (--calls): the calls only, no return lines; such a tracepoint can run in the target.
  std::size_t first = 0;
  bool calls_only = false;
  if (!a.words.empty() && (a.words[0] == "-c" || a.words[0] == "--calls")) {
    calls_only = true;
    first = 1;
  }
  if (a.words.size() <= first) throw usage_error(usage);
  std::string spec = a.words[first];
  std::optional<std::string> cond;
  if (a.words.size() > first + 1) {
    if (a.words[first + 1] != "if" || a.words.size() < first + 3) throw usage_error(usage);
    cond = a.rest.substr(a.rest.find(" if ") + 4);
    parse_condition(*cond);  // a syntax error stops here, before a tracepoint exists
  }
  user_breakpoint* tp = nullptr;
  try {
    tp = &c.s.add_tracepoint(spec);
  } catch (const error&) {
    if (!looks_like_regex(spec) || spec.front() == '/') throw;
    auto first = std::current_exception();
    try {
      tp = &c.s.add_tracepoint("/" + spec + "/");
    } catch (const error&) {
      std::rethrow_exception(first);  // what the spec as a location failed on says more
    }
  }
  tp->set_condition(cond);
  tp->calls_only = calls_only;
  c.out.breakpoint_set(breakpoint_view(c.s, *tp));
}

void display(command_context& c, const command_args& a) {
  if (a.rest.empty()) {
    c.in.show_displays(c);
    return;
  }
  int id = c.in.add_display(a.rest);
  if (c.s.has_process()) c.in.show_displays(c, id);
}

void undisplay(command_context& c, const command_args& a) {
  if (a.words.empty()) {
    c.in.clear_displays();
    return;
  }
  for (const auto& w : a.words) c.in.remove_display(parse_integer<int>(w, "a display number", 1));
}

}  // namespace cmd
}  // namespace godbg

// Values: print (and gdb's p/FMT), whatis, set, and the listings of locals, args, package
// variables, functions, types and source files.
#include <fmt/format.h>

#include "commands/commands.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/eval/frame_listing.hpp"
#include "debugger/session.hpp"

namespace godbg {

// gdb's /FMT after a command (p/x n, or p /x n): the format letter, and the text after it.
std::pair<char, std::string> print_format(const std::string& rest) {
  if (rest.empty() || rest[0] != '/') return {0, rest};
  auto end = rest.find_first_of(" \t");
  std::string f = rest.substr(1, end == std::string::npos ? std::string::npos : end - 1);
  std::string after =
      end == std::string::npos ? "" : rest.substr(rest.find_first_not_of(" \t", end));
  if (f.size() != 1 || std::string_view("xdotuc").find(f[0]) == std::string_view::npos)
    throw usage_error(fmt::format("unknown format /{}: print takes /x /d /o /t /u /c", f));
  return {f[0], after};
}

namespace cmd {

void print(command_context& c, const command_args& a) {
  auto& s = c.s;
  auto [format, expr] = print_format(a.rest);
  if (expr.find_first_not_of(" \t") == std::string::npos) throw usage_error("usage: print EXPR");
  s.program();  // values live in the program (or its core)
  c.out.value(evaluate_in_frame(s, frame_in(s, c.where()), expr, format));
}

void whatis(command_context& c, const command_args& a) {
  auto& s = c.s;
  if (a.rest.empty()) throw usage_error("usage: whatis EXPR");
  s.program();
  c.out.type_of(a.rest, type_in_frame(s, frame_in(s, c.where()), a.rest));
}

void set(command_context& c, const command_args& a) {
  auto& s = c.s;
  std::string rest = a.rest;
  if (rest.starts_with("in-target")) {
    // `set in-target on|off`: conditions in the target (issue 20), not an assignment.
    std::string v = rest.substr(9);
    v.erase(0, v.find_first_not_of(' '));
    v.erase(v.find_last_not_of(' ') + 1);
    if (v != "on" && v != "off") throw usage_error("usage: set in-target on|off");
    s.set_in_target(v == "on");
    c.out.message(fmt::format("Conditions in the target: {}.", v));
    return;
  }
  if (rest.starts_with("var ") || rest.starts_with("variable "))
    rest = rest.substr(rest.find(' ') + 1);
  // The first = that is not part of ==, !=, <=, >=.
  std::size_t eq = std::string::npos;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '"' || rest[i] == '`' || rest[i] == '\'') {
      char q = rest[i];
      for (++i; i < rest.size() && rest[i] != q; ++i)
        if (rest[i] == '\\' && q != '`') ++i;
      continue;
    }
    if (rest[i] != '=') continue;
    bool prev =
        i > 0 && std::string_view("=!<>:+-*/%&|^").find(rest[i - 1]) != std::string_view::npos;
    bool next = i + 1 < rest.size() && rest[i + 1] == '=';
    if (!prev && !next) {
      eq = i;
      break;
    }
    if (next) ++i;
  }
  if (eq == std::string::npos)
    throw usage_error("usage: set LVALUE = EXPR (set var LVALUE = EXPR)");
  s.process();
  c.out.value(assign_in_frame(s, frame_in(s, c.where()), rest.substr(0, eq), rest.substr(eq + 1)));
}

void locals(command_context& c, const command_args& a) {
  auto& s = c.s;
  s.program();
  c.out.variables("locals",
                  frame_variables(s, frame_in(s, c.where()), frame_var_kind::locals, a.rest));
}

void args(command_context& c, const command_args& a) {
  auto& s = c.s;
  s.program();
  c.out.variables("args", frame_variables(s, frame_in(s, c.where()), frame_var_kind::args, a.rest));
}

void vars(command_context& c, const command_args& a) {
  auto& s = c.s;
  s.program();
  c.out.variables("vars", package_variables(s, frame_in(s, c.where()), a.rest));
}

void funcs(command_context& c, const command_args& a) {
  c.out.names("funcs", function_list(c.s, a.rest));
}

void types(command_context& c, const command_args& a) {
  c.out.names("types", type_list(c.s, a.rest));
}

void sources(command_context& c, const command_args& a) {
  c.out.names("sources", source_list(c.s, a.rest));
}

}  // namespace cmd
}  // namespace godbg

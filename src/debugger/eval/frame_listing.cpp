#include "debugger/eval/frame_listing.hpp"

#include <fmt/format.h>

#include <regex>
#include <set>

#include "common/error.hpp"
#include "debugger/eval/frame_context.hpp"
#include "debugger/session.hpp"
#include "dwarf/binary.hpp"
#include "dwarf/dwarf_info.hpp"

namespace godbg {

namespace {

// An empty pattern matches everything; a bad one is the user's error.
struct matcher {
  bool all = true;
  std::regex re;
  explicit matcher(std::string_view pattern) {
    if (pattern.empty()) return;
    all = false;
    try {
      re = std::regex(std::string(pattern), std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      throw usage_error(fmt::format("bad regular expression \"{}\": {}", pattern, e.what()));
    }
  }
  bool operator()(const std::string& s) const { return all || std::regex_search(s, re); }
};

const dwarf_info& dwarf_or_fail(session& s) {
  const dwarf_info* dw = s.has_binary() ? s.bin().dwarf() : nullptr;
  if (!dw)
    fail("{} has no DWARF (stripped with -s -w?): variables and types are not available",
         s.has_binary() ? s.bin().path() : "the program");
  return *dw;
}

}  // namespace

std::vector<value_record> frame_variables(session& s, const frame_registers& f, frame_var_kind kind,
                                          std::string_view regex) {
  matcher m(regex);
  dwarf_or_fail(s);
  frame_context fc(s, f);
  std::vector<value_record> out;
  frame_vars* vars = fc.vars();
  if (!vars) return out;
  for (const auto& v : vars->all()) {
    if (v.parameter != (kind == frame_var_kind::args)) continue;
    if (!m(v.name)) continue;
    value_record rec;
    rec.expr = v.shadowed ? "(" + v.name + ")" : v.name;
    if (v.type) rec.type = v.type->name;
    try {
      go_value gv = vars->read(v);
      value_record r = fc.record(rec.expr, eval_value::of(gv), false);
      r.expr = rec.expr;
      if (gv.partial) r.text += " (partly optimized out here: the missing parts read as 0)";
      out.push_back(std::move(r));
    } catch (const error& e) {
      rec.text = fmt::format("(unreadable {})", e.what());
      out.push_back(std::move(rec));
    }
  }
  return out;
}

// For a front end that opens values (DAP): the same variables, as values rather than text.
std::vector<frame_variable> frame_variables(session& s, const frame_registers& f) {
  dwarf_or_fail(s);
  frame_context fc(s, f);
  std::vector<frame_variable> out;
  frame_vars* vars = fc.vars();
  if (!vars) return out;
  for (const auto& v : vars->all()) {
    frame_variable fv;
    fv.name = v.shadowed ? "(" + v.name + ")" : v.name;  // Delve's spelling of a hidden one
    fv.is_parameter = v.parameter;
    try {
      fv.value = vars->read(v);
    } catch (const error& e) {
      fv.problem = e.what();
    }
    out.push_back(std::move(fv));
  }
  return out;
}

std::vector<value_record> package_variables(session& s, const frame_registers& f,
                                            std::string_view regex) {
  matcher m(regex);
  const dwarf_info& dw = dwarf_or_fail(s);
  frame_context fc(s, f);
  std::vector<value_record> out;
  for (const auto& name : dw.variable_names()) {
    if (!m(name)) continue;
    auto g = dw.global_variable(name);
    if (!g || !g->type || g->const_value) continue;  // constants are not variables (Delve's vars)
    value_record rec;
    rec.expr = name;
    rec.type = g->type->name;
    try {
      eval_value e;
      e.type = g->type;
      if (auto a = g->static_address()) {
        e.addr = a->value() + s.bias().value();
      } else {
        location_context ctx;
        ctx.read_memory = [&s](std::uint64_t a, std::span<std::uint8_t> o) {
          return s.program().read(virt_addr(a), o);
        };
        ctx.load_bias = s.bias().value();
        go_value v = variable_value(*g, ctx);
        e.bytes = v.bytes;
        e.held = true;
        e.addr = v.address;
      }
      value_record r = fc.record(name, e, false);
      out.push_back(std::move(r));
    } catch (const error& e) {
      rec.text = fmt::format("(unreadable {})", e.what());
      out.push_back(std::move(rec));
    }
  }
  return out;
}

std::vector<std::string> function_list(session& s, std::string_view regex) {
  matcher m(regex);
  if (!s.has_binary()) fail("no program loaded");
  std::vector<std::string> out;
  for (auto& n : s.bin().function_names("", std::size_t(-1)))
    if (m(n)) out.push_back(std::move(n));
  return out;
}

std::vector<std::string> type_list(session& s, std::string_view regex) {
  matcher m(regex);
  std::vector<std::string> out;
  for (auto& n : dwarf_or_fail(s).type_names())
    if (m(n)) out.push_back(std::move(n));
  return out;
}

std::vector<std::string> source_list(session& s, std::string_view regex) {
  matcher m(regex);
  if (!s.has_binary()) fail("no program loaded");
  std::set<std::string> files;
  if (auto* tab = s.bin().pclntab())
    for (auto& f : tab->files()) files.insert(f);
  if (auto* dw = s.bin().dwarf())
    for (auto& f : dw->files()) files.insert(f);
  std::vector<std::string> out;
  for (const auto& f : files)
    if (m(f)) out.push_back(f);
  return out;
}

}  // namespace godbg
